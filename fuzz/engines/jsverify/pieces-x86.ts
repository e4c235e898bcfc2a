/**
 * Pieces of an x86 case body drawn by jsverify: single operations, the async page-fault
 * lifecycle, a module reload and the swarm regime's pieces. What each piece is made of and
 * the operations it becomes are shared with fast-check (fuzz/gen/lifecycle-ops.ts,
 * swarm.ts); here they are drawn as jsverify records and tuples, and shrink as those do.
 */
import jsc from 'jsverify';
import type { Op } from '../../../api/ops.js';
import type { Gfn, VcpuId, VmId } from '../../../api/ids.js';
import {
  APF_IDS, APF_ODDS, CONTEXT_CHANGES, IN_FLIGHT_WEIGHTS, RELOAD_ODDS, RESUME_TARGETS, SETUP_SITES, SLOT_BASES, SLOT_NPAGES,
  apfCycleOps, reloadOps, type InFlight,
} from '../../gen/lifecycle-ops.js';
import { PIECE_WEIGHTS } from '../../gen/pools.js';
import { SEQUENTIAL_ONLY } from '../../gen/arbitraries-x86.js';
import { KEEP_PERCENT, OPTIONAL, REGIME_DRAWS, apfQueueOps, crowdedOps, regimeWeights, smallMmuOps, swarmOf, type Swarm } from '../../gen/swarm.js';
import { chance, frequency, mapped, maybe, uniqueInts, weighted, type Arb } from './combinators.js';
import { apfGfn, configArb, opArb } from './ops-x86.js';
import { pieceSpecArb } from './domain.js';
import { x86PieceTable } from '../../gen/piece-table.js';

const inFlightArbs: Record<InFlight['t'], Arb<InFlight>> = {
  cr: mapped(jsc.elements(CONTEXT_CHANGES), (w): InFlight => ({ t: 'cr', ...w })),
  swap: jsc.constant<InFlight>({ t: 'swap' }),
  other: jsc.constant<InFlight>({ t: 'other' }),
  slot: jsc.record({ t: jsc.constant('slot' as const), base: jsc.elements(SLOT_BASES) as Arb<Gfn>, n: jsc.elements(SLOT_NPAGES) }) as Arb<InFlight>,
  fail: jsc.constant<InFlight>({ t: 'fail' }),
};
const inFlight = weighted(IN_FLIGHT_WEIGHTS.map(([t, w]) => [inFlightArbs[t], w] as const));

const asyncPfCycle: Arb<Op[]> = mapped(
  jsc.record({
    pages: jsc.record({ vm: jsc.elements(APF_IDS) as Arb<VmId>, vcpu: jsc.elements(APF_IDS) as Arb<VcpuId>, gfn: apfGfn, other: apfGfn }),
    swap: chance(APF_ODDS.swap),
    first: maybe(jsc.record({ write: jsc.bool, irqs: chance(APF_ODDS.irqs) }), APF_ODDS.first),
    during: maybe(inFlight, APF_ODDS.during),
    complete: chance(APF_ODDS.complete),
    after: maybe(inFlight, APF_ODDS.after),
    resume: maybe(jsc.record({ target: jsc.elements([...RESUME_TARGETS]), irqs: chance(APF_ODDS.irqs) }), APF_ODDS.resume),
  }),
  apfCycleOps,
);

const moduleReload: Arb<Op[]> = mapped(jsc.record({ shutdown: chance(RELOAD_ODDS.shutdown), fail: maybe(jsc.elements(SETUP_SITES), RELOAD_ODDS.fail), config: configArb, rebuild: chance(RELOAD_ODDS.rebuild) }), reloadOps);

/** the swarm of a case: each optional kind kept with its odds, and a regime */
export const swarmArb = (sequential: boolean): Arb<Swarm> =>
  mapped(
    jsc.record({ kept: jsc.tuple(OPTIONAL.map(() => chance(KEEP_PERCENT))), regime: frequency(regimeWeights(sequential).filter(([, w]) => w > 0)) }),
    ({ kept, regime }) => swarmOf(kept, regime),
  );

const unique = ([min, max, minLength, maxLength]: readonly [number, number, number, number]) => uniqueInts(min, max, minLength, maxLength);

/** pieces that wear down the regime's resource (swarm.ts), or null for `plain` */
const regimePieceArb = (s: Swarm, vcpus: number): Arb<Op[]> | null => {
  const vcpu = jsc.integer(0, vcpus - 1);
  const d = REGIME_DRAWS;
  switch (s.regime) {
    case 'plain':
      return null;
    case 'smallMmu':
      return mapped(jsc.tuple([vcpu, unique(d.smallMmu.tables), jsc.integer(0, d.smallMmu.maxPage), chance(d.smallMmu.longPercent)]), smallMmuOps);
    case 'apfQueue':
      return mapped(jsc.tuple([vcpu, unique(d.apfQueue.gfns)]), apfQueueOps);
    case 'crowded':
      return mapped(jsc.tuple([unique(d.crowded.slots), unique(d.crowded.ids)]), crowdedOps);
  }
};

/** the pieces, the lifecycles of piece-table.ts and the regime's pieces, by weight */
const withRegime = (pieces: (readonly [Arb<Op[]>, number])[], s: Swarm, vcpus: number): Arb<Op[]> => {
  const regime = regimePieceArb(s, vcpus);
  const lifecycles = x86PieceTable(vcpus).map((p) => [pieceSpecArb(p), p.weight] as const);
  return weighted([...pieces, ...lifecycles, ...(regime ? [[regime, PIECE_WEIGHTS.regime] as const] : [])]);
};

/** pieces of a sequential body: mostly single operations, sometimes a whole lifecycle */
export const pieceArb = (vcpus: number, s: Swarm): Arb<Op[]> =>
  withRegime([[mapped(opArb(vcpus, s), (o) => [o]), PIECE_WEIGHTS.op], [asyncPfCycle, PIECE_WEIGHTS.asyncPfCycle], [moduleReload, PIECE_WEIGHTS.moduleReload]], s, vcpus);

/** pieces for several threads: single operations the model can check concurrently (jsc.suchthat) */
export const concurrentPieceArb = (vcpus: number, s: Swarm): Arb<Op[]> =>
  withRegime([[mapped(jsc.suchthat(opArb(vcpus, s), (o) => !SEQUENTIAL_ONLY.has(o.kind)), (o) => [o]), PIECE_WEIGHTS.op]], s, vcpus);
