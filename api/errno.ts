/**
 * Return codes as userspace sees them: negative errno from an ioctl. These are data
 * (the numbers Linux uses), shared by model and impl the way a uapi header is.
 */
export const EPERM = -1;
export const ENOENT = -2;
export const EINTR = -4;
export const EBADF = -9;
/** also EWOULDBLOCK */
export const EAGAIN = -11;
export const ENOMEM = -12;
export const EFAULT = -14;
export const EBUSY = -16;
export const EEXIST = -17;
export const ENODEV = -19;
export const EINVAL = -22;

const NAMES: Record<number, string> = {
  [EPERM]: '-EPERM',
  [ENOENT]: '-ENOENT',
  [EINTR]: '-EINTR',
  [EBADF]: '-EBADF',
  [EAGAIN]: '-EAGAIN',
  [ENOMEM]: '-ENOMEM',
  [EFAULT]: '-EFAULT',
  [EBUSY]: '-EBUSY',
  [EEXIST]: '-EEXIST',
  [ENODEV]: '-ENODEV',
  [EINVAL]: '-EINVAL',
};

/** "-ENOMEM" for -12; the number itself for codes this table does not name. */
export const errnoName = (code: number): string => NAMES[code] ?? String(code);
