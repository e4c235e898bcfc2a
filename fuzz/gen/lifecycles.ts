/**
 * Lifecycles as pieces of a case: an async page fault from swap-out through what happens
 * while it is in flight to delivery (seed 001), and a module reload (seed 002). They make
 * the multi-step states these rules are about common; every optional part shrinks away.
 * Their pools, odds and operations are in lifecycle-ops.ts (shared with jsverify).
 */
import fc from 'fast-check';
import type { HostConfig, Op } from '../../api/ops.js';
import type { Gfn, VcpuId, VmId } from '../../api/ids.js';
import { chance, maybe } from './chance.js';
import {
  APF_GFNS, APF_IDS, APF_ODDS, CONTEXT_CHANGES, IN_FLIGHT_WEIGHTS, RELOAD_ODDS, RESUME_TARGETS, SETUP_SITES, SLOT_BASES, SLOT_NPAGES,
  apfCycleOps, reloadOps, type InFlight,
} from './lifecycle-ops.js';

export const apfGfn = fc.constantFrom(...APF_GFNS) as fc.Arbitrary<Gfn>;
const apfVm = fc.constantFrom(...APF_IDS) as fc.Arbitrary<VmId>;
const apfVcpu = fc.constantFrom(...APF_IDS) as fc.Arbitrary<VcpuId>;

const inFlightArbs: Record<InFlight['t'], fc.Arbitrary<InFlight>> = {
  cr: fc.constantFrom(...CONTEXT_CHANGES).map((w): InFlight => ({ t: 'cr', ...w })),
  swap: fc.constant<InFlight>({ t: 'swap' }),
  other: fc.constant<InFlight>({ t: 'other' }),
  slot: fc.record({ t: fc.constant('slot' as const), base: fc.constantFrom(...SLOT_BASES) as fc.Arbitrary<Gfn>, n: fc.constantFrom(...SLOT_NPAGES) }),
  fail: fc.constant<InFlight>({ t: 'fail' }),
};
const inFlight: fc.Arbitrary<InFlight> = fc.oneof(...IN_FLIGHT_WEIGHTS.map(([t, weight]) => ({ weight, arbitrary: inFlightArbs[t] })));

/**
 * The async page-fault lifecycle as one piece (apfCycleOps). Each part is optional and
 * shrinks away; single swapOut and asyncPfDone operations add other orders.
 */
export const asyncPfCycle: fc.Arbitrary<Op[]> = fc
  .record({
    pages: fc.record({ vm: apfVm, vcpu: apfVcpu, gfn: apfGfn, other: apfGfn }),
    swap: chance(APF_ODDS.swap),
    first: maybe(fc.record({ write: fc.boolean(), irqs: chance(APF_ODDS.irqs) }), APF_ODDS.first),
    during: maybe(inFlight, APF_ODDS.during),
    complete: chance(APF_ODDS.complete),
    after: maybe(inFlight, APF_ODDS.after),
    resume: maybe(fc.record({ target: fc.constantFrom(...RESUME_TARGETS), irqs: chance(APF_ODDS.irqs) }), APF_ODDS.resume),
  })
  .map(apfCycleOps);

/** A module reload (reloadOps). */
export const moduleReload = (configArb: fc.Arbitrary<HostConfig>): fc.Arbitrary<Op[]> =>
  fc.record({ shutdown: chance(RELOAD_ODDS.shutdown), fail: maybe(fc.constantFrom(...SETUP_SITES), RELOAD_ODDS.fail), config: configArb, rebuild: chance(RELOAD_ODDS.rebuild) }).map(reloadOps);
