/**
 * Cutting a failing case after its failure: on every thread, the operations that began
 * only after the failure was seen cannot have caused it. The runner stops at the trace
 * record where a monitor (or a crash, hang or deadlock) fired, so those are the ones with
 * no opBegin in the trace; a conformance failure is judged after the whole run, and there
 * the cut is what began after the failing operation returned (which the caller keeps only
 * if the failure stays the same: a later operation can matter to which orders exist).
 */
import type { TestCase } from '../../api/ops.js';
import { keptPrelude } from '../../api/case.js';
import { runCase, type Failure, type RunOptions, type Traced } from './runner.js';

/** The case with only the operations in `keep`, its thread list and preemptions renumbered. */
export const keepOps = (tc: TestCase, keep: ReadonlySet<number>): TestCase => {
  const renumber = new Map<number, number>();
  tc.ops.forEach((_, i) => keep.has(i) && renumber.set(i, renumber.size));
  const ops = tc.ops.filter((_, i) => keep.has(i));
  if (!tc.threads) return { ...tc, ops };
  const threads = tc.threads.filter((_, i) => keep.has(i));
  const preemptions = (tc.preemptions ?? []).flatMap((p) => (renumber.has(p.op) ? [{ ...p, op: renumber.get(p.op)! }] : []));
  const { prelude: _, ...rest } = tc;
  const prelude = keptPrelude(tc.prelude, [...keep].sort((a, b) => a - b));
  return { ...rest, ops, threads, preemptions, ...(prelude > 0 && { prelude }) };
};

/** The case without the operations that began after `failure` was seen, or null if there are none. */
export const cutAfterFailure = (tc: TestCase, o: RunOptions, failure: Failure): TestCase | null =>
  cutByTrace(tc, runCase(tc, { ...o, keepTrace: true }).trace, failure);

/** The same cut, from the trace of a run of `tc` that failed with `failure` (wherever it ran). */
export const cutByTrace = (tc: TestCase, trace: readonly Traced[], failure: Failure): TestCase | null => {
  let end = trace.length;
  if (failure.id === 'CONFORMANCE') {
    const returned = trace.findIndex((t) => t.record.ev === 'opEnd' && t.record.index === failure.step);
    if (returned >= 0) end = returned + 1;
  }
  const begun = new Set(trace.slice(0, end).flatMap((t) => (t.record.ev === 'opBegin' ? [t.record.index] : [])));
  if (failure.step >= 0) begun.add(failure.step);
  return begun.size < tc.ops.length ? keepOps(tc, begun) : null;
};
