/**
 * A fuzz campaign in this thread, for the library API and the tests: the campaign loop
 * (fuzz/campaign/loop.ts) over the in-process executor. `kvm-oracle fuzz` runs the same loop
 * over worker processes (fuzz/workers/), so both find the same counterexample for a seed.
 */
import type { ImplementationFactory } from '../../api/implementation.js';
import type { TestCase } from '../../api/ops.js';
import type { Counterexample } from './counterexample.js';
import { toWire } from '../gen/campaign-arb.js';
import { caseSource } from './source.js';
import type { EngineName } from '../engines/name.js';
import { DEFAULT_SHAPE } from '../gen/arbitraries.js';
import { CampaignLoop } from './loop.js';
import { inProcess, type CasePhase } from './in-process.js';
import { reachOf, type Reach } from '../gen/reach.js';
import type { RunOutcome } from '../run/runner.js';
import type { Cut } from './shrink.js';

export { HUNT } from './judge.js';
export type { CasePhase } from './in-process.js';

export interface CampaignOptions {
  readonly factory: ImplementationFactory;
  readonly mutant: string | null;
  readonly seed: number;
  /** number of cases; ignored when timeMs is set */
  readonly runs: number;
  /** stop generating after this long (the run count then depends on the machine) */
  readonly timeMs?: number;
  /** stop shrinking after this long, with the smallest failing case so far */
  readonly shrinkTimeMs?: number;
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
  /** which engine draws and shrinks the cases (default fast-check) */
  readonly engine?: EngineName;
}

export interface CampaignResult {
  /** cases generated and run */
  readonly runs: number;
  /** shrink steps taken */
  readonly shrinks: number;
  /** cases whose results the linearizability search gave up on */
  readonly unchecked: number;
  /** cases the implementation could not run here, and the first one's reason */
  readonly unsupported: number;
  readonly unsupportedWhy: string | null;
  readonly counterexample: Counterexample | null;
  /** the run (1-based) whose case first failed */
  readonly firstSeen: number | null;
  readonly shrinkCut: Cut | null;
}

export const runCampaign = async (o: CampaignOptions): Promise<CampaignResult> => {
  const shape = { maxOps: o.maxOps ?? DEFAULT_SHAPE.maxOps, vcpus: o.vcpus ?? DEFAULT_SHAPE.vcpus };
  const reach = o.reach ?? reachOf(o.factory.capabilities, o.factory.name);
  const spec = o.implSpec ?? o.factory.name;
  const setup = { spec, mutant: o.mutant, disabled: [...(o.disabled ?? [])], shape, reach: toWire(reach), seed: o.seed, ...(o.engine && { engine: o.engine }) };
  const identity = { implementation: spec, mutant: o.mutant, ...(o.disabled && { disabled: o.disabled }), ...(o.engine && { engine: o.engine }), ...(o.factory.capabilities.host && { host: o.factory.capabilities.host }) };
  const hook = o.onCase && { onCase: o.onCase, keepTrace: o.keepTrace };
  const loop = new CampaignLoop({ ...o, identity, source: caseSource(setup) }, inProcess(o.factory, setup, hook));
  const r = await loop.run();
  const f = r.failures[0];
  return {
    runs: r.runs,
    shrinks: f?.shrinks ?? 0,
    unchecked: r.unchecked,
    unsupported: r.unsupported,
    unsupportedWhy: r.unsupportedWhy,
    counterexample: f?.counterexample ?? null,
    firstSeen: f?.firstSeen ?? null,
    shrinkCut: f?.shrinkCut ?? null,
  };
};
