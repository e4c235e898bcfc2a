/**
 * A fuzz campaign in this thread, for the library API and the tests: the engine
 * (fuzz/engine.ts) over the in-process executor. `kvm-oracle fuzz` runs the same engine
 * over worker processes (fuzz/workers/), so both find the same counterexample for a seed.
 */
import type { ImplementationFactory } from '../api/implementation.js';
import type { Counterexample } from './counterexample.js';
import { campaignArb } from './campaign-arb.js';
import { Engine } from './engine.js';
import { inProcess } from './in-process.js';
import type { Cut } from './shrink.js';

export { HUNT } from './judge.js';

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
}

export interface CampaignResult {
  /** cases generated and run */
  readonly runs: number;
  /** shrink steps taken */
  readonly shrinks: number;
  /** cases whose results the linearizability search gave up on */
  readonly unchecked: number;
  readonly counterexample: Counterexample | null;
  /** the run (1-based) whose case first failed */
  readonly firstSeen: number | null;
  readonly shrinkCut: Cut | null;
}

export const runCampaign = async (o: CampaignOptions): Promise<CampaignResult> => {
  const shape = { maxOps: o.maxOps ?? 30, vcpus: o.vcpus ?? 2 };
  const setup = { spec: o.factory.name, mutant: o.mutant, disabled: [...(o.disabled ?? [])], shape, seed: o.seed };
  const identity = { implementation: o.factory.name, mutant: o.mutant, ...(o.disabled && { disabled: o.disabled }) };
  const engine = new Engine({ ...o, identity, arb: campaignArb(shape) }, inProcess(o.factory, setup));
  const r = await engine.run();
  const f = r.failures[0];
  return { runs: r.runs, shrinks: f?.shrinks ?? 0, unchecked: r.unchecked, counterexample: f?.counterexample ?? null, firstSeen: f?.firstSeen ?? null, shrinkCut: f?.shrinkCut ?? null };
};
