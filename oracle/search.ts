/**
 * The linearizability search over one independent part of a history (see linearize.ts):
 * depth first over the operations that may come next, completion order first, with the
 * (pending set, state) pairs that failed remembered. Iterative, with its own stack, so a
 * history of any length is walked without a recursion depth limit.
 *
 * The operations of one thread never overlap, so only the first pending operation of each
 * thread can come next, and the pending set is where each thread stands: a node costs the
 * number of threads, not of operations, in time and memory.
 */
import type { Result } from '../api/results.js';
import type { Interval, Linearization, NotLinearizable, PhasedModel } from './linearize.js';
import { firstDifference } from './conformance.js';

/** a stable text for any JSON-like value with Maps and Sets (memo keys) */
export const canonical = (v: unknown): string =>
  JSON.stringify(v, (_k, x) => (x instanceof Map ? [...x].sort() : x instanceof Set ? [...x].sort() : x));

/** a search node: the state, where each chain stands, and the next candidate to try */
interface Frame<S> {
  readonly state: S;
  /** per chain: index of its first pending operation */
  readonly heads: readonly number[];
  /** per chain: the phase its first pending operation is in */
  readonly phases: readonly number[];
  candidates: number[] | null;
  next: number;
}

export type SearchResult<S> = Linearization<S> | NotLinearizable | 'gave-up';

/** Program-order chains: each thread's operations by start, or one chain per operation of a thread whose operations overlap. */
const chainsOf = (ops: readonly Interval[]): Interval[][] => {
  const byTid = new Map<number, Interval[]>();
  for (const iv of ops) {
    const c = byTid.get(iv.tid);
    if (c) c.push(iv);
    else byTid.set(iv.tid, [iv]);
  }
  return [...byTid.values()].flatMap((c) => {
    c.sort((a, b) => a.begin - b.begin);
    return c.every((iv, i) => i === 0 || c[i - 1]!.end <= iv.begin) ? [c] : c.map((iv) => [iv]);
  });
};

/** Searches `ops` from `initial`; `final` judges the state an order ends in; at most `budget` nodes. */
export const search = <S>(ops: readonly Interval[], initial: S, model: PhasedModel<S>, final: (s: S) => string | null, budget: number): SearchResult<S> => {
  const chains = chainsOf(ops);
  const failed = new Set<string>();
  let deepest: Omit<NotLinearizable, 'message'> & { message: string; depth: number } = { index: ops[0]?.index ?? 0, message: '', depth: -1, order: [], results: [], expected: null };
  let nodes = 0;
  const order: number[] = [];
  /** the model's result of each phase of `order` (null: the operation goes on in its next phase) */
  const results: (Result | null)[] = [];
  /**
   * the deepest attempt, kept as the evidence of a failure (Porcupine's longest partial
   * linearization); at the same depth only the message moves on, so that a search with many
   * whole orders whose end state is wrong copies one of them, not each
   */
  const closest = (index: number, message: string, expected: Result | null): void => {
    const deeper = order.length > deepest.depth;
    deepest = deeper ? { index, message, depth: order.length, order: [...order], results: [...results], expected } : { ...deepest, index, message, expected };
  };
  // the memo key costs a canonical text of the state: made only once something failed
  const key = (f: Frame<S>): string => `${f.heads.join(',')}/${f.phases.join(',')}|${canonical(f.state)}`;
  const stack: Frame<S>[] = [{ state: initial, heads: chains.map(() => 0), phases: chains.map(() => 0), candidates: null, next: 0 }];
  const back = (f: Frame<S>, remember: boolean): void => {
    if (remember) failed.add(key(f));
    stack.pop();
    if (stack.length > 0) {
      order.pop();
      results.pop();
    }
  };
  while (stack.length > 0) {
    const f = stack[stack.length - 1]!;
    if (f.candidates === null) {
      const live = chains.flatMap((c, i) => (f.heads[i]! < c.length ? [i] : []));
      if (live.length === 0) {
        const bad = final(f.state);
        if (!bad) return { order, results, state: f.state };
        if (order.length >= deepest.depth) closest(ops.at(-1)?.index ?? 0, `ends in a state that ${bad}`, null);
        back(f, false);
        continue;
      }
      if (++nodes > budget) return 'gave-up';
      if (failed.size > 0 && failed.has(key(f))) {
        back(f, false);
        continue;
      }
      const head = (i: number): Interval => chains[i]![f.heads[i]!]!;
      const firstEnd = Math.min(...live.map((i) => head(i).end));
      // candidates in completion order: the run's own order is tried first
      f.candidates = live.filter((i) => head(i).begin < firstEnd).sort((a, b) => head(a).end - head(b).end);
    }
    if (f.next >= f.candidates.length) {
      back(f, true);
      continue;
    }
    const ci = f.candidates[f.next++]!;
    const iv = chains[ci]![f.heads[ci]!]!;
    const phase = f.phases[ci]!;
    const step = model.stepPhase(f.state, iv.op, phase, iv.tid);
    if (step.blocked) continue; // it waits for a lock an earlier phase of another operation holds
    const heads = [...f.heads];
    const phases = [...f.phases];
    if (step.result === null && phase + 1 < model.phases(iv.op)) {
      phases[ci] = phase + 1;
    } else {
      const d = firstDifference(iv.result, step.result, 'result');
      if (d) {
        if (order.length > deepest.depth) closest(iv.index, `result differs: ${d}`, step.result);
        continue;
      }
      heads[ci] = heads[ci]! + 1;
      phases[ci] = 0;
    }
    order.push(iv.index);
    results.push(step.result);
    stack.push({ state: step.state, heads, phases, candidates: null, next: 0 });
  }
  const { depth: _, ...closestAttempt } = deepest;
  return { ...closestAttempt, message: `no order of the concurrent operations explains the results; closest: operation ${deepest.index} ${deepest.message}` };
};
