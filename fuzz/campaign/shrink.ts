/**
 * Shrinking a failing case while it keeps failing the same way (the same bug: invariant,
 * reason and failing operation kind, signature.ts), with every candidate run by the
 * executor (so a candidate that hangs is one more IMPL_HANG, not a hung campaign).
 * The descent is fast-check's: the first smaller case that still fails becomes the current
 * one. It stops early when its time is up or a signal came (`stop`), keeping the smallest
 * failing case so far. Candidates run keeping the trace and evidence of a failure, and the
 * outcome of the last failing one is kept with the case: cutting the case and reporting it
 * need not run it again.
 */
import type { TestCase } from '../../api/ops.js';
import type { Failure, RunOutcome } from '../run/runner.js';
import type { Executor } from './executor.js';
import type { CaseSource, Drawn } from '../gen/stream.js';
import { cutByTrace } from '../run/cut.js';
import { bugKey } from './signature.js';
import { minimize } from '../shrink/minimize.js';

export type Cut = 'time' | 'signal';

export interface Shrunk {
  readonly tc: TestCase;
  readonly failure: Failure;
  /** the run of `tc` that failed with `failure`, with its trace and evidence */
  readonly outcome: RunOutcome;
  /** smaller failing cases taken */
  readonly steps: number;
  /** why shrinking stopped before it was done */
  readonly cut: Cut | null;
}

/** a failing run of a case: what shrinking hands on */
export interface Failing {
  readonly tc: TestCase;
  readonly failure: Failure;
  readonly outcome: RunOutcome;
}

/** the candidate's failing run when it is the same bug as the target's (signature.ts), else null */
export const sameFailure = async (exec: Executor, tc: TestCase, target: { readonly tc: TestCase; readonly failure: Failure }): Promise<Failing | null> => {
  const outcome = await exec.run(tc, 'failing');
  const { failure } = outcome;
  return failure && bugKey(tc, failure) === bugKey(target.tc, target.failure) ? { tc, failure, outcome } : null;
};

/** `start` failed in `outcome` (run with keepTrace: its trace and evidence are handed on) */
export const shrinkCase = async (exec: Executor, stream: CaseSource, start: Drawn, outcome: RunOutcome, stop: () => Cut | null): Promise<Shrunk> => {
  let current = start;
  let last: Failing = { tc: start.value[0], failure: outcome.failure!, outcome };
  let steps = 0;
  descend: for (;;) {
    for (const child of stream.shrinks(current)) {
      const cut = stop();
      if (cut) return { ...last, steps, cut };
      const f = await sameFailure(exec, child.value[0], last);
      if (f) {
        [current, last] = [child, f];
        steps++;
        continue descend;
      }
    }
    return { ...last, steps, cut: null };
  }
};

/**
 * Cuts what the failure does not need: on every thread, the operations that began after
 * the failure (fuzz/run/cut.ts); then every preemption that the failure does not depend on. Each cut is kept only if
 * the failure stays the same.
 */
export const truncate = async (exec: Executor, s: Omit<Shrunk, 'outcome'> & { readonly outcome?: RunOutcome }): Promise<Shrunk> => {
  // the outcome kept by shrinking has the trace; a caller without one runs the case for it
  const outcome = s.outcome?.failure && s.outcome.trace.length ? s.outcome : await exec.run(s.tc, 'failing');
  let last: Failing = { tc: s.tc, failure: s.failure, outcome };
  const cut = cutByTrace(last.tc, outcome.trace, last.failure);
  last = (cut && (await sameFailure(exec, cut, last))) || last;
  for (const p of last.tc.preemptions ?? []) {
    const cut = { ...last.tc, preemptions: last.tc.preemptions!.filter((q) => q !== p) };
    last = (await sameFailure(exec, cut, last)) ?? last;
  }
  return { ...s, ...last };
};

/**
 * Then ddmin and single simplifications (fuzz/shrink/minimize.ts) until the case is
 * 1-minimal for the same bug; `steps` counts the smaller cases it took as well.
 */
export const minimizeShrunk = async (exec: Executor, s: Shrunk, stop: () => Cut | null): Promise<Shrunk> => {
  // the last failing run is the one of the case minimize ends with (each candidate runs once)
  let last: Failing = s;
  const target = { tc: s.tc, failure: s.failure };
  const m = await minimize(
    s.tc,
    async (tc) => {
      const f = await sameFailure(exec, tc, target);
      if (f) last = f;
      return f !== null;
    },
    () => stop() !== null,
  );
  // a case minimize took from its memo (run before a later candidate failed) is run once more
  if (JSON.stringify(last.tc) !== JSON.stringify(m.tc)) last = (await sameFailure(exec, m.tc, target)) ?? s;
  return { ...last, steps: s.steps + (m.tc === s.tc ? 0 : 1), cut: m.cut ? stop() ?? 'time' : null };
};
