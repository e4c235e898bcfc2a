/**
 * Conformance under concurrency: the results of a run with several threads must be those
 * of the model applied to the operations one at a time, in some order that respects real
 * time (an operation that returned before another began comes first). This is
 * linearizability (Herlihy & Wing); the search is a depth-first walk over the operations
 * that may come next, with failed (set, state) pairs remembered. The impl's final abstract
 * state is part of what an order must explain: results alone may fit an order whose state
 * does not.
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
  /** the order found, by operation index (an operation with two phases appears twice) */
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

/** search nodes after which the search gives up (the case counts as unchecked) */
export const MAX_NODES = 20_000;

/** The model as the search needs it: an operation may take several phases (see model/step.ts). */
export interface PhasedModel<S> {
  phases(op: Op): number;
  /** result null: the operation goes on in its next phase */
  stepPhase(s: S, op: Op, phase: number, tid: number): { state: S; result: Result | null; blocked?: boolean };
  /** how the state an order ends in differs from the impl's final state, or null: part of the search */
  final?(s: S): string | null;
}

interface Pending {
  readonly iv: Interval;
  readonly phase: number;
}

export const linearize = <S>(ops: readonly Interval[], initial: S, model: PhasedModel<S>): Linearization<S> | NotLinearizable | 'gave-up' => {
  const failed = new Set<string>();
  let deepest: NotLinearizable & { depth: number } = { index: ops[0]?.index ?? 0, message: '', depth: -1 };
  let nodes = 0;
  const order: number[] = [];
  const walk = (state: S, rest: readonly Pending[]): S | null | 'gave-up' => {
    if (rest.length === 0) {
      const bad = model.final?.(state) ?? null;
      if (!bad) return state;
      if (order.length >= deepest.depth) deepest = { index: ops.at(-1)?.index ?? 0, message: `ends in a state that ${bad}`, depth: order.length };
      return null;
    }
    if (++nodes > MAX_NODES) return 'gave-up';
    // the memo key costs a canonical text of the state: made only once something failed
    const key = (): string => `${rest.map((r) => `${r.iv.index}.${r.phase}`).join(',')}|${canonical(state)}`;
    if (failed.size > 0 && failed.has(key())) return null;
    const firstEnd = Math.min(...rest.map((r) => r.iv.end));
    // candidates in completion order: the run's own order is tried first
    for (const c of rest.filter((r) => r.iv.begin < firstEnd).sort((a, b) => a.iv.end - b.iv.end)) {
      const next = model.stepPhase(state, c.iv.op, c.phase, c.iv.tid);
      if (next.blocked) continue; // it waits for a lock an earlier phase of another operation holds
      let after: Pending[];
      if (next.result === null && c.phase + 1 < model.phases(c.iv.op)) {
        after = rest.map((r) => (r === c ? { iv: c.iv, phase: c.phase + 1 } : r));
      } else {
        const d = firstDifference(c.iv.result, next.result, 'result');
        if (d) {
          if (order.length > deepest.depth) deepest = { index: c.iv.index, message: `result differs: ${d}`, depth: order.length };
          continue;
        }
        after = rest.filter((r) => r !== c);
      }
      order.push(c.iv.index);
      const r = walk(next.state, after);
      if (r !== null) return r;
      order.pop();
    }
    failed.add(key());
    return null;
  };
  const r = walk(initial, ops.map((iv) => ({ iv, phase: 0 })));
  if (r === 'gave-up') return 'gave-up';
  if (r === null) {
    return { index: deepest.index, message: `no order of the concurrent operations explains the results; closest: operation ${deepest.index} ${deepest.message}` };
  }
  return { order, state: r };
};
