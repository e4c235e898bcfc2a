/**
 * One explored case, run where the workers run it: the lockstep runner as fuzz uses it
 * (same monitors, same conformance), plus what the search needs to go on from it: the
 * pruning key of the quiescent point it ends in, the thread that returned last, and the
 * preemption points it reached where another thread could have run instead.
 */
import { createHash } from 'node:crypto';
import type { TestCase } from '../../api/ops.js';
import { runCase, type Failure, type PointAt, type RunEnd, type RunOptions, type Traced } from '../run/runner.js';

/**
 * The pruning key of a quiescent point (no operation in flight): a hash of everything the
 * rest of a case can depend on that the harness can see. That is the model's state (which
 * holds what the impl's abstraction leaves out on purpose: whether a root is loaded, the
 * injected failures pending per thread), the impl's abstract state, each monitor's memory of
 * the trace so far (a monitor judges the continuation by what it remembers, e.g. the roots
 * it saw zapped), and the thread that returned last (the one the next operation goes on).
 * Maps and Sets are written as sorted entries, so two equal states give one key whatever
 * order they were filled in.
 */
const byKey = (a: readonly [string, unknown], b: readonly [string, unknown]): number => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);

/** JSON.stringify's replacer: Maps and Sets as entries sorted by key (objects keep their fields' order, which the code that builds them fixes) */
const sorted = (_k: string, v: unknown): unknown => {
  if (v instanceof Map) return ['M', ...[...v].map(([k, x]): [string, unknown] => [JSON.stringify(k), x]).sort(byKey)];
  if (v instanceof Set) return ['S', ...[...v].map((x) => JSON.stringify(x)).sort()];
  return v;
};

/** a canonical text of a value: two equal states give one text whatever order their Maps were filled in */
export const canonical = (v: unknown): string => JSON.stringify(v, sorted);

/** the key: 22 base64 digits of a SHA-1 of the canonical text (a collision would prune wrongly; at 2^-132 per pair, never in practice) */
export const stateKey = (end: RunEnd): string => {
  const text = canonical([end.model, end.final, end.monitors, end.lastTid]);
  return createHash('sha1').update(text).digest('base64').slice(0, 22);
};

/** a run the search asks for: the case, and the operations of its last move */
export interface Job {
  readonly tc: TestCase;
  /** indexes of the operations the last move added (one, or a racing pair) */
  readonly moved: readonly number[];
}

/** a preemption the case could take next: operation `op` switched after its `after`-th point */
export interface Cut {
  readonly op: number;
  readonly after: number;
}

export interface Probed {
  readonly failure: Failure | null;
  readonly unchecked: boolean;
  readonly unsupported: string | null;
  /** the pruning key (stateKey), when the run passed and was checked */
  readonly key: string | null;
  readonly lastTid: number;
  /** where the moved operations could be preempted next (see cutsAfter) */
  readonly cuts: readonly Cut[];
}

/** how many points of operation `index` the thread had passed at point `k` of the list (1-based) */
const ordinals = (points: readonly PointAt[]): number[] => {
  const seen = new Map<number, number>();
  return points.map((p) => {
    const n = (seen.get(p.index) ?? 0) + 1;
    seen.set(p.index, n);
    return n;
  });
};

/**
 * The points of the moved operations where a preemption would switch to the other one:
 * after the last preemption the case already takes (so each schedule is made once, by
 * adding preemptions in the order they happen), not a wait for a lock (that switches
 * anyway), and while the other moved operation has not returned. For a single operation:
 * every point it reaches that is not a wait (the other thread is then idle, about to start).
 */
export const cutsAfter = (tc: TestCase, moved: readonly number[], points: readonly PointAt[], trace: readonly Traced[]): Cut[] => {
  const ord = ordinals(points);
  const ended = new Map<number, number>();
  trace.forEach((t, i) => t.record.ev === 'opEnd' && ended.set(t.record.index, i));
  const taken = (tc.preemptions ?? []).filter((p) => p.after > 0 && moved.includes(p.op));
  let from = 0;
  for (const p of taken) {
    const at = points.findIndex((q, i) => q.index === p.op && ord[i] === p.after);
    if (at >= 0) from = Math.max(from, at + 1);
  }
  const out: Cut[] = [];
  for (let i = from; i < points.length; i++) {
    const p = points[i]!;
    if (!moved.includes(p.index) || p.at === 'wait') continue;
    const other = moved.find((m) => m !== p.index);
    if (other !== undefined && (ended.get(other) ?? Infinity) < p.traceAt) continue;
    out.push({ op: p.index, after: ord[i]! });
  }
  return out;
};

export const probe = (job: Job, opts: RunOptions): Probed => {
  let key: string | null = null;
  let lastTid = 0;
  const o = runCase(job.tc, {
    ...opts,
    keepTrace: true,
    onEnd: (end) => {
      key = stateKey(end);
      lastTid = end.lastTid;
    },
  });
  const cuts = o.failure ? [] : cutsAfter(job.tc, job.moved, o.points, o.trace);
  return { failure: o.failure, unchecked: o.unchecked, unsupported: o.unsupported, key, lastTid, cuts };
};
