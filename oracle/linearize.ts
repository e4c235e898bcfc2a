/**
 * Conformance under concurrency: the results of a run with several threads must be those
 * of the model applied to the operations one at a time, in some order that respects real
 * time (an operation that returned before another began comes first). This is
 * linearizability (Herlihy & Wing); the search is a depth-first walk over the operations
 * that may come next, with failed (set, state) pairs remembered.
 */
import type { Op } from '../api/ops.js';
import type { Result } from '../api/results.js';
import { firstDifference } from './conformance.js';

export interface Interval {
  readonly index: number;
  readonly op: Op;
  /** the harness thread that issued it */
  readonly tid: number;
  readonly result: Result;
  /** global step at which the operation began and returned */
  readonly begin: number;
  readonly end: number;
}

export interface Linearization<S> {
  /** the order found, by operation index */
  readonly order: number[];
  readonly state: S;
}

export interface NotLinearizable {
  /** the operation whose result no order explains (from the deepest attempt) */
  readonly index: number;
  readonly message: string;
}

/** a stable text for any JSON-like value with Maps and Sets (memo keys) */
export const canonical = (v: unknown): string =>
  JSON.stringify(v, (_k, x) => (x instanceof Map ? [...x].sort() : x instanceof Set ? [...x].sort() : x));

const MAX_NODES = 20_000;

export const linearize = <S>(
  ops: readonly Interval[],
  initial: S,
  step: (s: S, op: Op, tid: number) => { state: S; result: Result },
): Linearization<S> | NotLinearizable | 'gave-up' => {
  const failed = new Set<string>();
  let deepest: NotLinearizable & { depth: number } = { index: ops[0]?.index ?? 0, message: '', depth: -1 };
  let nodes = 0;
  const order: number[] = [];
  const walk = (state: S, rest: readonly Interval[]): S | null | 'gave-up' => {
    if (rest.length === 0) return state;
    if (++nodes > MAX_NODES) return 'gave-up';
    const key = `${rest.map((r) => r.index).join(',')}|${canonical(state)}`;
    if (failed.has(key)) return null;
    const firstEnd = Math.min(...rest.map((r) => r.end));
    // candidates in completion order: the run's own order is tried first
    for (const c of rest.filter((r) => r.begin < firstEnd).sort((a, b) => a.end - b.end)) {
      const next = step(state, c.op, c.tid);
      const d = firstDifference(c.result, next.result, 'result');
      if (d) {
        if (order.length > deepest.depth) deepest = { index: c.index, message: `result differs: ${d}`, depth: order.length };
        continue;
      }
      order.push(c.index);
      const r = walk(next.state, rest.filter((x) => x !== c));
      if (r !== null) return r;
      order.pop();
    }
    failed.add(key);
    return null;
  };
  const r = walk(initial, ops);
  if (r === 'gave-up') return 'gave-up';
  if (r === null) {
    return { index: deepest.index, message: `no order of the concurrent operations explains the results; closest: operation ${deepest.index} ${deepest.message}` };
  }
  return { order, state: r };
};
