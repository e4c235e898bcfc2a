/**
 * What an ioctl returns to userspace when it has no data to hand back: 0 or a negative
 * errno, as a Result (the kernel's `return r;` at the end of an ioctl handler).
 */
import type { Result } from '../api/results.js';
import type { Gen } from './preempt.js';

export const OK: Result = { kind: 'ok' };

export const err = (errno: number): Result => ({ kind: 'errno', errno });

/** a path returning 0 or a negative errno, as the ioctl's result */
export function* errnoOf(g: Gen<number>): Gen<Result> {
  const r = yield* g;
  return r ? err(r) : OK;
}
