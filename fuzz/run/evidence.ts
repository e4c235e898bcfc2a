/**
 * The evidence of a failing verdict (types.ts Evidence), computed once, by the run that
 * failed: on one thread the model along program order (the order the check used), on
 * several the order the linearizability check found, or its longest partial order when
 * none explains every result. A run a monitor stopped never reached the check: its
 * operations that returned are searched here once, so a report has an order to show.
 */
import type { Op, TestCase } from '../../api/ops.js';
import type { Result } from '../../api/results.js';
import { initialState, type ModelState } from '../../model/state.js';
import { phases, step, stepPhase } from '../../model/step.js';
import { linearize, type Interval, type Linearization, type NotLinearizable } from '../../oracle/linearize.js';
import type { Evidence } from './types.js';
import type { Traced } from './runner.js';

/** what the linearizability check of the run returned, if it ran */
export type Checked = Linearization<unknown> | NotLinearizable | 'gave-up';

/** the operations that began, in the order they did, and those that returned, in the order they did */
const intervals = (trace: readonly Traced[]): { began: Interval[]; returned: Interval[] } => {
  const began: { index: number; tid: number; op: Op; at: number }[] = [];
  const ended = new Map<number, { result: Result; at: number }>();
  trace.forEach((t, at) => {
    const r = t.record;
    if (r.ev === 'opBegin') began.push({ index: r.index, tid: t.tid, op: r.op, at });
    else if (r.ev === 'opEnd') ended.set(r.index, { result: r.result, at });
  });
  const all = began.map((b) => ({ index: b.index, op: b.op, tid: b.tid, result: ended.get(b.index)?.result ?? { kind: 'ok' as const }, begin: b.at, end: ended.get(b.index)?.at ?? b.at }));
  return { began: all, returned: all.filter((b) => ended.has(b.index)).sort((a, b) => a.end - b.end) };
};

/** the model's results along program order; it stops at a step the model cannot take */
const programOrder = (tc: TestCase, began: readonly Interval[]): (Result | null)[] => {
  const out: (Result | null)[] = tc.ops.map(() => null);
  let s: ModelState = initialState(tc.config);
  for (const it of began) {
    try {
      const r = step(s, it.op, it.tid);
      s = r.state;
      out[it.index] = r.result;
    } catch {
      return out; // a model that cannot take the step has no result for it or after it
    }
  }
  return out;
};

/** the results of an order as the search computed them (the last phase of an operation gives its result) */
const alongOrder = (tc: TestCase, order: readonly number[], results: readonly (Result | null)[], byIndex: ReadonlyMap<number, Op>): (Result | null)[] => {
  const out: (Result | null)[] = tc.ops.map(() => null);
  const phase = new Map<number, number>();
  order.forEach((i, k) => {
    const p = (phase.get(i) ?? 0) + 1;
    phase.set(i, p);
    const op = byIndex.get(i);
    if (results[k] !== null) out[i] = results[k]!;
    else if (op && p >= phases(op)) out[i] = { kind: 'ok' };
  });
  return out;
};

/** The evidence of a failing run of `tc` from its trace, and the check's result if it ran. */
export const evidenceOf = (tc: TestCase, trace: readonly Traced[], single: boolean, checked?: Checked): Evidence => {
  const { began, returned } = intervals(trace);
  if (single) return { basis: 'program order', expected: programOrder(tc, began), linearization: null };
  const lin = checked ?? linearize(returned, initialState(tc.config), { phases, stepPhase });
  if (lin === 'gave-up') return { basis: 'no order (the linearizability search gave up)', expected: tc.ops.map(() => null), linearization: null };
  const expected = alongOrder(tc, lin.order, lin.results, new Map(began.map((b) => [b.index, b.op])));
  if (!('message' in lin)) return { basis: 'a linearization', expected, linearization: lin.order };
  if (lin.expected) expected[lin.index] = lin.expected;
  return { basis: 'the longest partial linearization (no order explains every result)', expected, linearization: lin.order };
};
