/**
 * Shards: `--shard I/N` (1-based, as in Jest and Playwright) runs every N-th case of the
 * campaign's stream, starting with case I - 1, so the N shards of a seed together run
 * exactly the cases of the whole campaign, and `--runs` counts the whole campaign.
 */

export interface Shard {
  /** 1-based */
  readonly index: number;
  readonly count: number;
}

export const WHOLE: Shard = { index: 1, count: 1 };

export const parseShard = (v: string | true | undefined): Shard => {
  if (v === undefined) return WHOLE;
  const m = typeof v === 'string' ? /^(\d+)\/(\d+)$/.exec(v) : null;
  const [index, count] = m ? [Number(m[1]), Number(m[2])] : [0, 0];
  if (!m || count < 1 || index < 1 || index > count || count > 10_000) {
    throw new BadInput(`--shard must be I/N with 1 <= I <= N <= 10000, got ${JSON.stringify(v)}`);
  }
  return { index, count };
};

/** the global index of the shard's p-th case */
export const globalIndex = (s: Shard, p: number): number => s.index - 1 + p * s.count;

/** how many of the campaign's first `runs` cases belong to the shard */
export const shardRuns = (s: Shard, runs: number): number => Math.max(0, Math.ceil((runs - (s.index - 1)) / s.count));

export const shardText = (s: Shard): string => `${s.index}/${s.count}`;import { BadInput } from '../io.js';

