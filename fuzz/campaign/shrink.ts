/**
 * Shrinking a failing case while it keeps failing the same way (the same bug: invariant,
 * reason and failing operation kind, signature.ts), with every candidate run by the
 * executor (so a candidate that hangs is one more IMPL_HANG, not a hung campaign).
 * The descent is fast-check's: the first smaller case that still fails becomes the current
 * one. It stops early when its time is up or a signal came (`stop`), keeping the smallest
 * failing case so far.
 */
import type { TestCase } from '../../api/ops.js';
import type { Failure } from '../run/runner.js';
import type { Executor } from './executor.js';
import type { CaseSource, Drawn } from '../gen/stream.js';
import { cutByTrace } from '../run/cut.js';
import { bugKey } from './signature.js';
import { minimize } from '../shrink/minimize.js';

export type Cut = 'time' | 'signal';

export interface Shrunk {
  readonly tc: TestCase;
  readonly failure: Failure;
  /** smaller failing cases taken */
  readonly steps: number;
  /** why shrinking stopped before it was done */
  readonly cut: Cut | null;
}

/** the candidate's failure when it is the same bug as the target's (signature.ts), else null */
export const sameFailure = async (exec: Executor, tc: TestCase, target: { readonly tc: TestCase; readonly failure: Failure }): Promise<Failure | null> => {
  const { failure } = await exec.run(tc);
  return failure && bugKey(tc, failure) === bugKey(target.tc, target.failure) ? failure : null;
};

export const shrinkCase = async (exec: Executor, stream: CaseSource, start: Drawn, failure: Failure, stop: () => Cut | null): Promise<Shrunk> => {
  let current = start;
  let steps = 0;
  descend: for (;;) {
    for (const child of stream.shrinks(current)) {
      const cut = stop();
      if (cut) return { tc: current.value[0], failure, steps, cut };
      const f = await sameFailure(exec, child.value[0], { tc: current.value[0], failure });
      if (f) {
        [current, failure] = [child, f];
        steps++;
        continue descend;
      }
    }
    return { tc: current.value[0], failure, steps, cut: null };
  }
};

/**
 * Cuts what the failure does not need: on every thread, the operations that began after
 * the failure (fuzz/run/cut.ts); then every preemption that the failure does not depend on. Each cut is kept only if
 * the failure stays the same.
 */
export const truncate = async (exec: Executor, s: Shrunk): Promise<Shrunk> => {
  let { tc, failure } = s;
  const cut = cutByTrace(tc, (await exec.run(tc, true)).trace, failure);
  const f = cut ? await sameFailure(exec, cut, { tc, failure }) : null;
  if (cut && f) [tc, failure] = [cut, f];
  for (const p of tc.preemptions ?? []) {
    const cut = { ...tc, preemptions: tc.preemptions!.filter((q) => q !== p) };
    const f = await sameFailure(exec, cut, { tc, failure });
    if (f) [tc, failure] = [cut, f];
  }
  return { ...s, tc, failure };
};

/**
 * Then ddmin and single simplifications (fuzz/shrink/minimize.ts) until the case is
 * 1-minimal for the same bug; `steps` counts the smaller cases it took as well.
 */
export const minimizeShrunk = async (exec: Executor, s: Shrunk, stop: () => Cut | null): Promise<Shrunk> => {
  const failures = new Map<string, Failure>([[JSON.stringify(s.tc), s.failure]]);
  const target = { tc: s.tc, failure: s.failure };
  const m = await minimize(
    s.tc,
    async (tc) => {
      const f = await sameFailure(exec, tc, target);
      if (f) failures.set(JSON.stringify(tc), f);
      return f !== null;
    },
    () => stop() !== null,
  );
  const failure = failures.get(JSON.stringify(m.tc))!;
  return { tc: m.tc, failure, steps: s.steps + (m.tc === s.tc ? 0 : 1), cut: m.cut ? stop() ?? 'time' : null };
};
