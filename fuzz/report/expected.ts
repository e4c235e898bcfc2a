/**
 * The operations of a run in execution order, each with the model's result beside the
 * implementation's. A pure function of the run's outcome: the expected results are the
 * evidence the failing run returned (fuzz/run/evidence.ts), so writing a report never runs
 * the model or the linearizability search again. With one thread they follow program
 * order; with several, the linearization the check found, or its longest partial one when
 * none explains every result (then an operation past it has no expected result).
 */
import type { Op } from '../../api/ops.js';
import type { Result } from '../../api/results.js';
import type { Basis, RunOutcome } from '../run/runner.js';

export interface ExecutedOp {
  readonly index: number;
  readonly tid: number;
  readonly op: Op;
  /** what the implementation returned; null: it never returned (the run stopped first) */
  readonly actual: Result | null;
  /** the model's result; null when the model has none for it */
  readonly expected: Result | null;
}

export interface Execution {
  readonly ops: readonly ExecutedOp[];
  /** how the expected results were ordered */
  readonly basis: Basis | 'no expected results (the run kept no evidence)';
  /** the order the linearizability check found (several threads), by operation index */
  readonly linearization: readonly number[] | null;
}

export const execution = (o: RunOutcome): Execution => {
  const began: { index: number; tid: number; op: Op }[] = [];
  const ended = new Map<number, Result>();
  for (const t of o.trace) {
    if (t.record.ev === 'opBegin') began.push({ index: t.record.index, tid: t.tid, op: t.record.op });
    else if (t.record.ev === 'opEnd') ended.set(t.record.index, t.record.result);
  }
  const ev = o.evidence;
  return {
    basis: ev?.basis ?? 'no expected results (the run kept no evidence)',
    linearization: ev?.linearization ?? null,
    ops: began.map((b) => ({ ...b, actual: ended.get(b.index) ?? null, expected: ev?.expected[b.index] ?? null })),
  };
};

/** "3, 1, 2 (phase 2), 0": a linearization as the reports print it (a phased operation's later phases named) */
export const orderText = (order: readonly number[]): string => {
  const seen = new Map<number, number>();
  return order
    .map((i) => {
      const p = (seen.get(i) ?? 0) + 1;
      seen.set(i, p);
      return p > 1 ? `${i} (phase ${p})` : String(i);
    })
    .join(', ');
};
