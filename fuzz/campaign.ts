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
import { runCase, type Failure, type RunOutcome } from './runner.js';
import { DEFAULT_SHAPE, testCaseArb } from './arbitraries.js';
import { FORMAT, type Counterexample } from './counterexample.js';
import type { InvariantId } from '../api/failures.js';
import { reachOf, restrictCase, type Reach } from './reach.js';
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
  /** called after every case it runs, generated or tried while shrinking (progress, --stats) */
  readonly onCase?: (tc: TestCase, outcome: RunOutcome, phase: CasePhase) => void;
  /** keep each case's trace in the outcome onCase gets */
  readonly keepTrace?: boolean;
  /** what the implementation can run (default: its capabilities, unnarrowed) */
  readonly reach?: Reach;
  /** the --impl spec recorded in the counterexample (default: the factory's name) */
  readonly implSpec?: string;
}

/** a new case, or a case tried while shrinking (or replayed to shrink it) */
export type CasePhase = 'generate' | 'shrink';

export interface CampaignResult {
  /** cases generated and run */
  readonly runs: number;
  /** shrink steps fast-check took */
  readonly shrinks: number;
  /** cases (of the first `runs`) whose results the linearizability search gave up on */
  readonly unchecked: number;
  /** cases the implementation could not run here, and the first one's reason */
  readonly unsupported: number;
  readonly unsupportedWhy: string | null;
  readonly counterexample: Counterexample | null;
}

type Verdict = (f: Failure | null) => boolean;

/** the failure each failing case had when fast-check ran it */
const seenFailure = new WeakMap<TestCase, Failure>();

/** The generator, cut to what the implementation can run. */
export const campaignArb = (o: CampaignOptions): fc.Arbitrary<TestCase> => {
  const reach = o.reach ?? reachOf(o.factory.capabilities, o.factory.name);
  const shape = { maxOps: o.maxOps ?? DEFAULT_SHAPE.maxOps, vcpus: o.vcpus ?? DEFAULT_SHAPE.vcpus, platforms: [...reach.platforms] };
  return testCaseArb(shape).map((tc) => restrictCase(tc, reach));
};

const check = (o: CampaignOptions, numRuns: number, timeMs: number | undefined, passes: Verdict, phase: () => CasePhase, unchecked?: (r: RunOutcome) => void) =>
  fc.check(
    fc.property(campaignArb(o), (tc) => {
      const r = runCase(tc, o);
      o.onCase?.(tc, r, phase());
      if (r.unchecked || r.unsupported) unchecked?.(r);
      if (r.failure) seenFailure.set(tc, r.failure);
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
  // an implementation on real threads may not fail again: keep what the campaign saw
  let failure = runCase(tc, o).failure ?? seenFailure.get(tc)!;
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
  let unsupported = 0;
  let unsupportedWhy: string | null = null;
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
  }, () => (target === null ? 'generate' : 'shrink'), (r) => {
    if (r.unchecked) unchecked++;
    if (r.unsupported) [unsupported, unsupportedWhy] = [unsupported + 1, unsupportedWhy ?? r.unsupported];
  });
  let details = first;
  if (!first.failed && firstConformance !== null) {
    // no violation: shrink the conformance failure (same seed, same cases up to it)
    details = check(o, firstConformance, undefined, (f) => f?.id !== 'CONFORMANCE', () => 'shrink');
  }
  if (!details.failed || !details.counterexample) return { runs: first.numRuns, shrinks: 0, unchecked, unsupported, unsupportedWhy, counterexample: null };
  const { tc, failure } = truncate(details.counterexample[0], o);
  return {
    runs: first.numRuns,
    shrinks: details.numShrinks,
    unchecked,
    unsupported,
    unsupportedWhy,
    counterexample: {
      format: FORMAT,
      invariant: failure.id,
      message: failure.message,
      step: failure.step,
      seed: o.seed,
      implementation: o.implSpec ?? o.factory.name,
      mutant: o.mutant,
      config: tc.config,
      ops: tc.ops,
      ...(tc.threads && { threads: tc.threads, preemptions: tc.preemptions ?? [] }),
      ...(o.disabled?.size && { disabled: [...o.disabled].sort() as InvariantId[] }),
    },
  };
};
