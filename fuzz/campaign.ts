/**
 * A fuzz campaign: fast-check generates test cases, the lockstep runner judges them, and
 * fast-check shrinks the first failure while it keeps failing the same way.
 *
 * Invariant violations outrank conformance differences: a monitor names the rule that
 * broke, a difference with the model only says that something did. So when the first
 * failure is a CONFORMANCE one, the campaign goes on for up to HUNT more cases looking for
 * a violation, and shrinks the conformance case only if none turns up.
 */
import fc from 'fast-check';
import type { ImplementationFactory } from '../api/implementation.js';
import type { TestCase } from '../api/ops.js';
import { runCase, type Failure } from './runner.js';
import { DEFAULT_SHAPE, testCaseArb } from './arbitraries.js';
import { FORMAT, type Counterexample } from './counterexample.js';
import { cutAfterFailure } from './cut.js';

/** cases tried after a conformance failure, looking for an invariant violation */
export const HUNT = 500;

export interface CampaignOptions {
  readonly factory: ImplementationFactory;
  readonly mutant: string | null;
  readonly seed: number;
  /** number of cases; ignored when timeMs is set */
  readonly runs: number;
  /** stop generating after this long (the run count then depends on the machine) */
  readonly timeMs?: number;
  /** most operations in a generated case */
  readonly maxOps?: number;
  /** vCPUs per VM and harness threads (1: everything sequential) */
  readonly vcpus?: number;
  /** invariant ids whose monitors are switched off */
  readonly disabled?: ReadonlySet<string>;
}

export interface CampaignResult {
  /** cases generated and run */
  readonly runs: number;
  /** shrink steps fast-check took */
  readonly shrinks: number;
  /** cases (of the first `runs`) whose results the linearizability search gave up on */
  readonly unchecked: number;
  readonly counterexample: Counterexample | null;
}

type Verdict = (f: Failure | null) => boolean;

const check = (o: CampaignOptions, numRuns: number, timeMs: number | undefined, passes: Verdict, unchecked?: () => void) =>
  fc.check(
    fc.property(testCaseArb({ maxOps: o.maxOps ?? DEFAULT_SHAPE.maxOps, vcpus: o.vcpus ?? DEFAULT_SHAPE.vcpus }), (tc) => {
      const r = runCase(tc, o);
      if (r.unchecked) unchecked?.();
      return passes(r.failure);
    }),
    { seed: o.seed, numRuns, interruptAfterTimeLimit: timeMs, markInterruptAsFailure: false },
  );

/**
 * Cuts what the failure does not need: on every thread, the operations that began after
 * the failure (cut.ts); then every preemption that the failure does not depend on. Each
 * cut is kept only if the failure stays the same.
 */
const truncate = (tc: TestCase, o: CampaignOptions): { tc: TestCase; failure: Failure } => {
  let failure = runCase(tc, o).failure!;
  const same = (c: TestCase): Failure | null => {
    const f = runCase(c, o).failure;
    return f?.id === failure.id ? f : null;
  };
  const cut = cutAfterFailure(tc, o, failure);
  const f = cut ? same(cut) : null;
  if (cut && f) [tc, failure] = [cut, f];
  for (const p of tc.preemptions ?? []) {
    const cut = { ...tc, preemptions: tc.preemptions!.filter((q) => q !== p) };
    const f = same(cut);
    if (f) [tc, failure] = [cut, f];
  }
  return { tc, failure };
};

export const runCampaign = (o: CampaignOptions): CampaignResult => {
  let seen = 0;
  let unchecked = 0;
  let firstConformance: number | null = null;
  let target: string | null = null;
  const numRuns = o.timeMs === undefined ? o.runs : 1_000_000_000;
  const first = check(o, numRuns, o.timeMs, (f) => {
    seen++;
    if (f === null) return true;
    if (f.id === 'CONFORMANCE' && target === null) {
      firstConformance ??= seen;
      return true;
    }
    target ??= f.id;
    return f.id !== target;
  }, () => unchecked++);
  let details = first;
  if (!first.failed && firstConformance !== null) {
    // no violation: shrink the conformance failure (same seed, same cases up to it)
    details = check(o, firstConformance, undefined, (f) => f?.id !== 'CONFORMANCE');
  }
  if (!details.failed || !details.counterexample) return { runs: first.numRuns, shrinks: 0, unchecked, counterexample: null };
  const { tc, failure } = truncate(details.counterexample[0], o);
  return {
    runs: first.numRuns,
    shrinks: details.numShrinks,
    unchecked,
    counterexample: {
      format: FORMAT,
      invariant: failure.id,
      message: failure.message,
      step: failure.step,
      seed: o.seed,
      implementation: o.factory.name,
      mutant: o.mutant,
      config: tc.config,
      ops: tc.ops,
      ...(tc.threads && { threads: tc.threads, preemptions: tc.preemptions ?? [] }),
      ...(o.disabled?.size && { disabled: [...o.disabled].sort() }),
    },
  };
};
