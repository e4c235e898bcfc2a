/**
 * Conformance under concurrency: the results of a run with several threads must be those
 * of the model applied to the operations one at a time, in some order that respects real
 * time (an operation that returned before another began comes first). This is
 * linearizability (Herlihy & Wing). The history is split into independent parts
 * (partition.ts: operations on different VMs commute), each searched on its own
 * (search.ts), and the parts' final states merged. The impl's final abstract state is part
 * of what an order must explain: results alone may fit an order whose state does not.
 */
import type { Op } from '../api/ops.js';
import type { Result } from '../api/results.js';
import { partition } from './partition.js';
import { search } from './search.js';

export { canonical } from './search.js';

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
  /** the order found, by operation index (an operation with two phases appears twice); parts one after another */
  readonly order: readonly number[];
  /** the model's result at each entry of `order` (null: a phase after which the operation goes on) */
  readonly results: readonly (Result | null)[];
  readonly state: S;
}

/**
 * No order explains the history. Like Porcupine's partial linearizations, it keeps the
 * evidence of the deepest attempt: the longest prefix of an order that held (`order`,
 * `results`, parts already linearized first) and the model's result for the operation
 * that did not fit there (`expected`; null when the whole order held but its end state did not).
 */
export interface NotLinearizable {
  /** the operation whose result no order explains (from the deepest attempt) */
  readonly index: number;
  readonly message: string;
  readonly order: readonly number[];
  readonly results: readonly (Result | null)[];
  readonly expected: Result | null;
}

/** search nodes after which the search of a part gives up (the case counts as unchecked) ... */
export const MAX_NODES = 20_000;
/** ... or this many per operation of the part, if more: a long history needs a long path */
export const NODES_PER_OP = 10;

/** The model as the search needs it: an operation may take several phases (see model/step.ts). */
export interface PhasedModel<S> {
  phases(op: Op): number;
  /** result null: the operation goes on in its next phase */
  stepPhase(s: S, op: Op, phase: number, tid: number): { state: S; result: Result | null; blocked?: boolean };
  /**
   * how the state an order ends in differs from the impl's final state, or null: part of
   * the search. `vms`: compare only these VMs (the state is that of one part); null: all
   */
  final?(s: S, vms: ReadonlySet<number> | null): string | null;
  /** the state of the whole history from the final states of its parts; without it, no split */
  merge?(parts: readonly S[]): S;
}

export const linearize = <S>(ops: readonly Interval[], initial: S, model: PhasedModel<S>): Linearization<S> | NotLinearizable | 'gave-up' => {
  const budget = (n: number): number => Math.max(MAX_NODES, NODES_PER_OP * n);
  const parts = model.merge ? partition(ops) : [];
  if (parts.length <= 1) return search(ops, initial, model, (s) => model.final?.(s, null) ?? null, budget(ops.length));
  const found: Linearization<S>[] = [];
  let gaveUp = false;
  for (const p of parts) {
    const r = search(p.ops, initial, model, (s) => model.final?.(s, p.vms) ?? null, budget(p.ops.length));
    if (r === 'gave-up') gaveUp = true;
    else if ('message' in r) return { ...r, order: [...found.flatMap((f) => f.order), ...r.order], results: [...found.flatMap((f) => f.results), ...r.results] };
    else found.push(r);
  }
  if (gaveUp) return 'gave-up';
  return { order: found.flatMap((f) => f.order), results: found.flatMap((f) => f.results), state: model.merge!(found.map((f) => f.state)) };
};
