/**
 * PAPR hcall return codes as the guest sees them in r3 (arch/powerpc/include/asm/hvcall.h).
 * Data shared by model and impl the way a header is.
 */
export const H_SUCCESS = 0;
export const H_PARAMETER = -4;
export const H_PTEG_FULL = -6;
export const H_RESOURCE = -16;
/** KVM-internal: the real-mode handler cannot do it; retry in virtual mode. Never reaches the guest. */
export const H_TOO_HARD = 9999;

const NAMES: Record<number, string> = {
  [H_SUCCESS]: 'H_SUCCESS',
  [H_PARAMETER]: 'H_PARAMETER',
  [H_PTEG_FULL]: 'H_PTEG_FULL',
  [H_RESOURCE]: 'H_RESOURCE',
  [H_TOO_HARD]: 'H_TOO_HARD',
};

export const hcallName = (ret: number): string => NAMES[ret] ?? String(ret);
