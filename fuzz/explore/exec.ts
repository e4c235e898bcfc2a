/**
 * Where explored cases run: in worker processes (pool.ts) or, for --workers 0, the library
 * API and the tests, in this process. Either way each case is probed by probe.ts, and the
 * probes come back in the order of the jobs, so the search decides the same whatever ran
 * where and in what order it finished.
 */
import type { ImplementationFactory } from '../../api/implementation.js';
import type { TestCase } from '../../api/ops.js';
import { runCase, type KeepTrace, type RunOptions, type RunOutcome } from '../run/runner.js';
import { probe, type Job, type Probed } from './probe.js';

export interface ExploreExec {
  /** processes probing at once (0: this one) */
  readonly workers: number;
  /**
   * the probes of `jobs`, in order; once `stop()` says so no more are started and the rest
   * are null. `done` is told how many have come back, now and then.
   */
  probe(jobs: readonly Job[], stop: () => boolean, done: (n: number) => void): Promise<(Probed | null)[]>;
  /** one case, for the report and for cutting a counterexample (in a worker: a hang cannot hang the report) */
  run(tc: TestCase, keepTrace?: KeepTrace): Promise<RunOutcome>;
  close(): Promise<void>;
}

export interface ExploreSetup {
  readonly spec: string;
  readonly opTimeoutMs?: number;
  readonly mutant: string | null;
  readonly disabled: readonly string[];
}

/** how often the in-process prober tells its progress */
const EVERY = 64;

export const inProcessExec = (factory: ImplementationFactory, s: ExploreSetup): ExploreExec => {
  const opts: RunOptions = { factory, mutant: s.mutant, disabled: new Set(s.disabled) };
  return {
    workers: 0,
    probe: async (jobs, stop, done) => {
      const out: (Probed | null)[] = jobs.map(() => null);
      for (let i = 0; i < jobs.length; i++) {
        if (i % EVERY === 0) {
          // a turn of the event loop, where a signal's handler runs (stop() then sees it)
          await new Promise((turn) => setImmediate(turn));
          if (stop()) break;
          done(i);
        }
        out[i] = probe(jobs[i]!, opts);
      }
      return out;
    },
    run: async (tc, keepTrace) => runCase(tc, { ...opts, keepTrace: keepTrace ?? false }),
    close: async () => {},
  };
};

/**
 * The messages an explore worker (worker.ts) takes and sends beside those of fuzz's
 * workers (fuzz/workers/protocol.ts: init, run, tick): a batch of explored cases and their
 * probes. `first` numbers the batch's cases for the ticks, so a hang names its case.
 */
export type ExploreToWorker = { readonly kind: 'probe'; readonly first: number; readonly jobs: readonly Job[] };

export type ExploreFromWorker = { readonly kind: 'probed'; readonly results: readonly Probed[] };
