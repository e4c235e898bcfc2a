/**
 * Which cases a campaign (or one shard of it) ran, recorded in its summary so that `merge`
 * can prove the shards whole: the case stream's identity (what makes case i what it is)
 * and the stream indices read, an arithmetic progression (a shard reads every N-th case).
 */
import { createHash } from 'node:crypto';

/** What case i of the stream depends on: two summaries with different ones ran different cases. */
export interface StreamId {
  readonly seed: number;
  /** cases of the whole campaign (all shards); null for --time (no fixed count) */
  readonly runs: number | null;
  readonly maxOps: number;
  readonly vcpus: number;
  readonly engine: string;
  readonly implementation: string;
  readonly mutant: string | null;
  /** sha-256 (first 16 hex digits) of what the generator may make (--ops, --skip-ops, --rules, capabilities) */
  readonly reach: string;
}

export interface CaseSet {
  readonly stream: StreamId;
  /** the stream indices read: start, start + stride, ... (count of them) */
  readonly start: number;
  readonly stride: number;
  readonly count: number;
}

export const digest = (v: unknown): string => createHash('sha256').update(JSON.stringify(v)).digest('hex').slice(0, 16);

/** the first field two stream identities differ in, or null */
export const streamDiff = (a: StreamId, b: StreamId): string | null => {
  for (const k of Object.keys(a) as (keyof StreamId)[]) if (JSON.stringify(a[k]) !== JSON.stringify(b[k])) return `${k} ${JSON.stringify(a[k])} vs ${JSON.stringify(b[k])}`;
  return null;
};

/** a few indices for a one-line message */
const some = (xs: readonly number[]): string => `${xs.slice(0, 5).join(', ')}${xs.length > 5 ? `, ... (${xs.length} in all)` : ''}`;

/** at most this many cases are checked one by one (a byte each) */
export const MAX_CHECKED_CASES = 1 << 26;

/**
 * The sets group by campaign (their stream identity: a nightly matrix merges one campaign
 * per --vcpus), and each campaign's are disjoint and (with a fixed run count, every shard
 * run to its end) cover it: null, or the problem in one line (cases are named 0-based, as
 * in --shard). Shards of another campaign than their neighbours' show as that campaign's
 * gap, named with the field the campaigns differ in.
 */
export const wholeProblem = (files: readonly string[], sets: readonly CaseSet[], complete: boolean): string | null => {
  const groups = new Map<string, number[]>();
  for (const [i, s] of sets.entries()) groups.set(JSON.stringify(s.stream), [...(groups.get(JSON.stringify(s.stream)) ?? []), i]);
  for (const members of groups.values()) {
    const problem = campaignProblem(members.map((i) => files[i]!), members.map((i) => sets[i]!), complete);
    if (!problem) continue;
    if (groups.size === 1) return problem;
    const other = sets.findIndex((s) => streamDiff(sets[0]!.stream, s.stream) !== null);
    return `${files[other]} ran another campaign's cases than ${files[0]} (${streamDiff(sets[0]!.stream, sets[other]!.stream)}), and not every campaign given is whole: ${problem}`;
  }
  return null;
};

/** one campaign's sets: disjoint and covering, or the problem */
const campaignProblem = (files: readonly string[], sets: readonly CaseSet[], complete: boolean): string | null => {
  const first = sets[0]!;
  const end = Math.max(first.stream.runs ?? 0, ...sets.map((s) => (s.count ? s.start + (s.count - 1) * s.stride + 1 : 0)));
  if (end > MAX_CHECKED_CASES) return `the shards name cases up to ${end}, more than the ${MAX_CHECKED_CASES} merge checks`;
  const by = new Int32Array(end).fill(-1);
  const doubled: number[] = [];
  let pair: [number, number] | null = null;
  for (const [f, s] of sets.entries()) {
    for (let k = 0, i = s.start; k < s.count; k++, i += s.stride) {
      if (by[i] !== -1) (doubled.push(i), (pair ??= [by[i]!, f]));
      else by[i] = f;
    }
  }
  if (doubled.length) return `case(s) ${some(doubled)} ran twice (in ${files[pair![0]]} and ${files[pair![1]]}): a shard given twice, or a wrong partition`;
  if (!complete || first.stream.runs === null) return null;
  const missing: number[] = [];
  for (let i = 0; i < first.stream.runs; i++) if (by[i] === -1) missing.push(i);
  return missing.length ? `case(s) ${some(missing)} of the ${first.stream.runs} ran in no shard given` : null;
};
