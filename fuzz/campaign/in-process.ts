/**
 * The executor that runs cases in this thread: for the library API (runCampaign), the
 * tests, and `--workers 0` of fuzz and explore. It has no wall-clock watchdog: an operation that never yields hangs it
 * (the step limit of the runner still catches one that yields forever). Only here can a
 * per-case hook see every outcome (the library's onCase); --stats and the progress line
 * work the same on both executors (per stretch, through the engine).
 */
import type { ImplementationFactory } from '../../api/implementation.js';
import type { TestCase } from '../../api/ops.js';
import { hasStream, scanCases, type Executor, type WorkerSetup } from './executor.js';
import { runCase, type RunOutcome } from '../run/runner.js';
import { caseSource } from './source.js';
import { probe } from '../explore/probe.js';

/** a case of the stream, or one run to shrink (or replay) one */
export type CasePhase = 'generate' | 'shrink';

export interface CaseHook {
  readonly onCase: (tc: TestCase, outcome: RunOutcome, phase: CasePhase) => void;
  /** keep each case's trace in the outcome onCase gets */
  readonly keepTrace?: boolean;
}

export const inProcess = (factory: ImplementationFactory, setup: WorkerSetup, hook?: CaseHook): Executor => {
  const stream = hasStream(setup) ? caseSource(setup) : null;
  const opts = { factory, mutant: setup.mutant, disabled: new Set(setup.disabled), keepTrace: hook?.keepTrace };
  const seen = hook && ((tc: TestCase, o: RunOutcome) => hook.onCase(tc, o, 'generate'));
  return {
    workers: 1,
    scan: async (r) => {
      if (!stream) throw new Error('this executor was set up without a case stream');
      // one turn of the event loop first: awaiting settled promises never turns it, and a
      // signal (SIGINT, SIGTERM) is handled only when it turns, so it is then handled between stretches
      await new Promise((turn) => setImmediate(turn));
      return scanCases(stream, r, opts, hasStream(setup) && setup.stats, undefined, seen);
    },
    probe: async (jobs) => jobs.map((job) => probe(job, opts)),
    run: async (tc, keepTrace) => {
      const o = runCase(tc, { ...opts, keepTrace: keepTrace || opts.keepTrace });
      hook?.onCase(tc, o, 'shrink');
      return o;
    },
    abort: () => {},
    close: async () => {},
  };
};
