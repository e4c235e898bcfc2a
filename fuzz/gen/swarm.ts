/**
 * Swarm generation (Groce et al., ISSTA 2012): each x86 case first draws its own make-up,
 * a subset of the operation kinds and a resource regime, so that a case without, say,
 * resets or module reloads gets deeper into what it does have, and so that resource
 * exhaustion, which uniform draws almost never reach, is common:
 * - `smallMmu`: KVM_SET_NR_MMU_PAGES to the minimum (64) first, then sweeps of guest cr3
 *   values under shadow paging, so each run builds new shadow pages and the pool runs out
 *   (kvm_mmu_free_some_pages reclaims);
 * - `apfQueue`: bursts of async page faults on distinct gfns, past ASYNC_PF_PER_VCPU, so the
 *   queue fills and faults are taken synchronously (one thread only: async-PF operations
 *   run sequentially);
 * - `crowded`: many vCPUs and many small memslots, up to the seeds' limits (every slot id
 *   below 32, every vCPU id below 8), so memslot lookups search a full array.
 * Weights are set by what each regime exhausts, never by a mutant.
 */
import fc from 'fast-check';
import type { Op } from '../../api/ops.js';
import type { Gfn, Gva, SlotId, VcpuId, VmId } from '../../api/ids.js';
import { chance } from './chance.js';

export type Regime = 'plain' | 'smallMmu' | 'apfQueue' | 'crowded';

export interface Swarm {
  /** operation kinds the case's single operations may be; `run` always */
  readonly kinds: ReadonlySet<Op['kind']>;
  readonly regime: Regime;
}

/** kinds a swarm may leave out, each kept with the same odds */
export const OPTIONAL: readonly Op['kind'][] = [
  'createVm', 'destroyVm', 'setMemoryRegion', 'createVcpu', 'setCr', 'resetVcpu', 'emulate', 'translate',
  'getDirtyLog', 'setNrMmuPages', 'failAlloc', 'swapOut', 'asyncPfDone', 'moduleUnload', 'moduleLoad',
];

/** whether a swarm keeps `kind`: a kind it may not leave out (OPTIONAL names those it may) is always kept */
export const keeps = (s: Swarm, kind: Op['kind']): boolean => s.kinds.has(kind) || !OPTIONAL.includes(kind);

/** a kind is kept 70% of the time: most cases keep most kinds, each misses a few */
export const KEEP_PERCENT = 70;

/** the regimes by weight; apfQueue only on one thread (async-PF operations run sequentially) */
export const regimeWeights = (sequential: boolean): readonly (readonly [Regime, number])[] => [['plain', 4], ['smallMmu', 2], ['apfQueue', sequential ? 2 : 0], ['crowded', 1]];

/** what a regime's piece draws: [min, max, minLength, maxLength] of distinct integers, and odds */
export const REGIME_DRAWS = {
  smallMmu: { tables: [0, 31, 8, 24], maxPage: 31, longPercent: 75 },
  apfQueue: { gfns: [1, 31, 3, 7] },
  crowded: { slots: [1, 31, 8, 31], ids: [0, 7, 4, 8] },
} as const;
const unique = ([min, max, minLength, maxLength]: readonly [number, number, number, number]) => fc.uniqueArray(fc.integer({ min, max }), { minLength, maxLength });

/** the swarm of the kinds kept (one flag per OPTIONAL kind) and the regime */
export const swarmOf = (kept: readonly boolean[], regime: Regime): Swarm => ({ kinds: new Set<Op['kind']>(['run', ...OPTIONAL.filter((_, i) => kept[i])]), regime });

export const swarmArb = (sequential: boolean): fc.Arbitrary<Swarm> =>
  fc
    .record({
      kept: fc.tuple(...OPTIONAL.map(() => chance(KEEP_PERCENT))),
      regime: fc.oneof(...regimeWeights(sequential).map(([r, weight]) => ({ weight, arbitrary: fc.constant<Regime>(r) }))),
    })
    .map(({ kept, regime }) => swarmOf(kept, regime));

/** A swarm that keeps every kind and no regime: the generator as it was. */
export const FULL_SWARM: Swarm = { kinds: new Set<Op['kind']>(['run', ...OPTIONAL]), regime: 'plain' };

const vm0 = 0 as VmId;
const run = (vcpu: number, gva: number, irqs: boolean): Op => ({ kind: 'run', vm: vm0, vcpu: vcpu as VcpuId, access: { gva: gva as Gva, write: false }, interruptsAllowed: irqs });

/** what the regime puts after the prelude */
export const regimeHead = (s: Swarm): Op[] => (s.regime === 'smallMmu' ? [{ kind: 'setNrMmuPages', vm: vm0, pages: 64 }] : []);

/**
 * smallMmu: shadow paging on, then runs under new page-table pages (each cr3 in slot 0's 32
 * pages), back to the first at the end: its root, cached and now old, is in use when reclaim
 * runs (long mode mostly: four shadow pages per table, so 16 tables fill the 64-page pool)
 */
export const smallMmuOps = ([v, tables, page, long]: readonly [number, readonly number[], number, boolean]): Op[] => [
  ...(long ? ([['cr4', 0x20], ['efer', 0x100]] as const) : []).map(([reg, value]): Op => ({ kind: 'setCr', vm: vm0, vcpu: v as VcpuId, reg, value })),
  { kind: 'setCr', vm: vm0, vcpu: v as VcpuId, reg: 'cr0', value: 0x80000001 } as Op,
  ...[...tables, tables[0]!].flatMap((t): Op[] => [{ kind: 'setCr', vm: vm0, vcpu: v as VcpuId, reg: 'cr3', value: t * 0x1000 }, run(v, page * 0x1000, false)]),
];

/** apfQueue: paging off (gva = gpa), distinct swapped-out frames touched with interrupts on */
export const apfQueueOps = ([v, gfns]: readonly [number, readonly number[]]): Op[] => [
  { kind: 'setCr', vm: vm0, vcpu: v as VcpuId, reg: 'cr0', value: 0x60000010 } as Op,
  ...gfns.flatMap((g): Op[] => [{ kind: 'swapOut', vm: vm0, gfn: g as Gfn }, run(v, g * 0x1000, true)]),
];

/** crowded: up to every vCPU id and many one-page slots above the prelude's */
export const crowdedOps = ([slots, ids]: readonly [readonly number[], readonly number[]]): Op[] => [
  ...slots.map((n): Op => ({ kind: 'setMemoryRegion', vm: vm0, slot: n as SlotId, gfn: (64 + 2 * n) as Gfn, npages: 1 })),
  ...ids.map((id): Op => ({ kind: 'createVcpu', vm: vm0, vcpu: id as VcpuId })),
  run(0, 0x1000 * (64 + 2 * slots[0]!), false),
];

/** pieces that wear down the regime's resource, or null for `plain` */
export const regimePieceArb = (s: Swarm, vcpus: number): fc.Arbitrary<Op[]> | null => {
  const vcpu = fc.integer({ min: 0, max: vcpus - 1 });
  switch (s.regime) {
    case 'plain':
      return null;
    case 'smallMmu':
      return fc
        .tuple(vcpu, unique(REGIME_DRAWS.smallMmu.tables), fc.integer({ min: 0, max: REGIME_DRAWS.smallMmu.maxPage }), chance(REGIME_DRAWS.smallMmu.longPercent))
        .map(smallMmuOps);
    case 'apfQueue':
      return fc
        .tuple(vcpu, unique(REGIME_DRAWS.apfQueue.gfns))
        .map(apfQueueOps);
    case 'crowded':
      return fc
        .tuple(unique(REGIME_DRAWS.crowded.slots), unique(REGIME_DRAWS.crowded.ids))
        .map(crowdedOps);
  }
};
