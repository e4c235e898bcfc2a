/**
 * The operations of a run in execution order, each with the model's result beside the
 * implementation's. With one thread the model runs in program order, as the conformance
 * check does. With several, the expected results are those of an order the linearizability
 * search finds for the operations that returned; when none explains every result (a
 * CONFORMANCE failure), the model is applied in the order the operations returned, and the
 * report says so.
 */
import type { Op, TestCase } from '../../api/ops.js';
import type { Result } from '../../api/results.js';
import { initialState, type ModelState } from '../../model/state.js';
import { phases, step, stepPhase } from '../../model/step.js';
import { linearize, type Interval } from '../../oracle/linearize.js';
import type { RunOutcome } from '../run/runner.js';

export interface ExecutedOp {
  readonly index: number;
  readonly tid: number;
  readonly op: Op;
  /** what the implementation returned; null: it never returned (the run stopped first) */
  readonly actual: Result | null;
  /** the model's result; null when the model has none for it (it never returned) */
  readonly expected: Result | null;
}

export interface Execution {
  readonly ops: readonly ExecutedOp[];
  /** how the expected results were ordered */
  readonly basis: 'program order' | 'a linearization' | 'the order the operations returned (no order explains every result)';
}

const modelSteps = (config: TestCase['config'], its: readonly Interval[]): Map<number, Result> => {
  const out = new Map<number, Result>();
  let s: ModelState = initialState(config);
  for (const it of its) {
    try {
      const r = step(s, it.op, it.tid);
      s = r.state;
      out.set(it.index, r.result);
    } catch {
      return out; // a model that cannot take the step has no result for it or after it
    }
  }
  return out;
};

/** The model's result of each operation along a linearization's order of phases. */
const alongOrder = (config: TestCase['config'], its: readonly Interval[], order: readonly number[]): Map<number, Result> => {
  const byIndex = new Map(its.map((it) => [it.index, it]));
  const phase = new Map<number, number>();
  const out = new Map<number, Result>();
  let s: ModelState = initialState(config);
  for (const i of order) {
    const it = byIndex.get(i)!;
    const p = phase.get(i) ?? 0;
    const r = stepPhase(s, it.op, p, it.tid);
    s = r.state;
    if (r.result !== null || p + 1 >= phases(it.op)) out.set(i, r.result ?? { kind: 'ok' });
    else phase.set(i, p + 1);
  }
  return out;
};

export const execution = (tc: TestCase, o: RunOutcome): Execution => {
  const began: { index: number; tid: number; op: Op; at: number }[] = [];
  const ended = new Map<number, { result: Result; at: number }>();
  o.trace.forEach((t, at) => {
    if (t.record.ev === 'opBegin') began.push({ index: t.record.index, tid: t.tid, op: t.record.op, at });
    else if (t.record.ev === 'opEnd') ended.set(t.record.index, { result: t.record.result, at });
  });
  const its: Interval[] = began
    .filter((b) => ended.has(b.index))
    .map((b) => ({ index: b.index, op: b.op, tid: b.tid, result: ended.get(b.index)!.result, begin: b.at, end: ended.get(b.index)!.at }))
    .sort((a, b) => a.end - b.end);
  const several = new Set(tc.threads ?? [0]).size > 1;
  let basis: Execution['basis'] = 'program order';
  let expected: Map<number, Result>;
  // one thread: program order is exact, so the operation that did not return has a model result too
  if (!several) expected = modelSteps(tc.config, began.map((b) => ({ index: b.index, op: b.op, tid: b.tid, result: { kind: 'ok' }, begin: b.at, end: b.at })));
  else {
    const lin = linearize(its, initialState(tc.config), { phases, stepPhase });
    if (lin !== 'gave-up' && 'order' in lin) {
      basis = 'a linearization';
      expected = alongOrder(tc.config, its, lin.order);
    } else {
      basis = 'the order the operations returned (no order explains every result)';
      expected = modelSteps(tc.config, its);
    }
  }
  return {
    basis,
    ops: began.map((b) => ({ index: b.index, tid: b.tid, op: b.op, actual: ended.get(b.index)?.result ?? null, expected: expected.get(b.index) ?? null })),
  };
};
