/**
 * The executor that runs cases in this thread: for the library API (runCampaign) and
 * `--workers 0`. It has no wall-clock watchdog: an operation that never yields hangs it
 * (the step limit of the runner still catches one that yields forever).
 */
import type { ImplementationFactory } from '../api/implementation.js';
import { campaignArb } from './campaign-arb.js';
import { scanCases, type CaseSetup, type Executor } from './executor.js';
import { runCase } from './runner.js';
import { CaseStream } from './stream.js';

export const inProcess = (factory: ImplementationFactory, setup: CaseSetup): Executor => {
  const stream = new CaseStream(setup.seed, campaignArb(setup.shape));
  const opts = { factory, mutant: setup.mutant, disabled: new Set(setup.disabled) };
  return {
    workers: 1,
    scan: async (r) => scanCases(stream, r, opts),
    run: async (tc, keepTrace) => runCase(tc, { ...opts, keepTrace }),
    abort: () => {},
    close: async () => {},
  };
};
