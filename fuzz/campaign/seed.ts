/**
 * Campaign seeds. fast-check reads a seed as a 32-bit integer (seed | 0), so S and
 * S + 2^32 draw the same cases: only 0 .. 2^32 - 1 give distinct runs, and anything else
 * is refused rather than silently folded onto another seed.
 */
import { BadInput } from '../io.js';
import { randomInt } from 'node:crypto';

export const MAX_SEED = 2 ** 32 - 1;

export interface Seed {
  readonly seed: number;
  /** drawn by --seed random (printed first, so the night can be replayed) */
  readonly drawn: boolean;
}

/** `--seed N` or `--seed random`; absent: 1 */
export const parseSeed = (v: string | true | undefined): Seed => {
  if (v === undefined) return { seed: 1, drawn: false };
  if (v === 'random') return { seed: randomInt(0, MAX_SEED + 1), drawn: true };
  if (v === true || !/^\d+$/.test(v) || Number(v) > MAX_SEED) {
    throw new BadInput(`--seed must be "random" or a whole number from 0 to ${MAX_SEED} (fast-check uses 32 bits), got ${JSON.stringify(v)}`);
  }
  return { seed: Number(v), drawn: false };
};
