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
 * - `crowded`: many vCPUs and many small memslots, so memslot lookups search a full array.
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
const OPTIONAL: readonly Op['kind'][] = [
  'createVm', 'destroyVm', 'setMemoryRegion', 'createVcpu', 'setCr', 'resetVcpu', 'emulate', 'translate',
  'getDirtyLog', 'setNrMmuPages', 'failAlloc', 'swapOut', 'asyncPfDone', 'moduleUnload', 'moduleLoad',
];

/** a kind is kept 70% of the time: most cases keep most kinds, each misses a few */
const KEEP_PERCENT = 70;

export const swarmArb = (sequential: boolean): fc.Arbitrary<Swarm> =>
  fc
    .record({
      kept: fc.tuple(...OPTIONAL.map(() => chance(KEEP_PERCENT))),
      regime: fc.oneof(
        { weight: 4, arbitrary: fc.constant<Regime>('plain') },
        { weight: 2, arbitrary: fc.constant<Regime>('smallMmu') },
        { weight: sequential ? 2 : 0, arbitrary: fc.constant<Regime>('apfQueue') },
        { weight: 1, arbitrary: fc.constant<Regime>('crowded') },
      ),
    })
    .map(({ kept, regime }) => ({ kinds: new Set<Op['kind']>(['run', ...OPTIONAL.filter((_, i) => kept[i])]), regime }));

/** A swarm that keeps every kind and no regime: the generator as it was. */
export const FULL_SWARM: Swarm = { kinds: new Set<Op['kind']>(['run', ...OPTIONAL]), regime: 'plain' };

const vm0 = 0 as VmId;
const run = (vcpu: number, gva: number, irqs: boolean): Op => ({ kind: 'run', vm: vm0, vcpu: vcpu as VcpuId, access: { gva: gva as Gva, write: false }, interruptsAllowed: irqs });

/** what the regime puts after the prelude */
export const regimeHead = (s: Swarm): Op[] => (s.regime === 'smallMmu' ? [{ kind: 'setNrMmuPages', vm: vm0, pages: 64 }] : []);

/** pieces that wear down the regime's resource, or null for `plain` */
export const regimePieceArb = (s: Swarm, vcpus: number): fc.Arbitrary<Op[]> | null => {
  const vcpu = fc.integer({ min: 0, max: vcpus - 1 });
  switch (s.regime) {
    case 'plain':
      return null;
    case 'smallMmu':
      // shadow paging on, then runs under new page-table pages (each cr3 in slot 0's 32 pages),
      // back to the first at the end: its root, cached and now old, is in use when reclaim runs
      // (long mode mostly: four shadow pages per table, so 16 tables fill the 64-page pool)
      return fc
        .tuple(vcpu, fc.uniqueArray(fc.integer({ min: 0, max: 31 }), { minLength: 4, maxLength: 24 }), fc.integer({ min: 0, max: 63 }), chance(75))
        .map(([v, tables, page, long]) => [
          ...(long ? ([['cr4', 0x20], ['efer', 0x100]] as const) : []).map(([reg, value]): Op => ({ kind: 'setCr', vm: vm0, vcpu: v as VcpuId, reg, value })),
          { kind: 'setCr', vm: vm0, vcpu: v as VcpuId, reg: 'cr0', value: 0x80000001 } as Op,
          ...[...tables, tables[0]!].flatMap((t): Op[] => [{ kind: 'setCr', vm: vm0, vcpu: v as VcpuId, reg: 'cr3', value: t * 0x1000 }, run(v, page * 0x1000, false)]),
        ]);
    case 'apfQueue':
      // paging off (gva = gpa), distinct swapped-out frames touched with interrupts on
      return fc
        .tuple(vcpu, fc.uniqueArray(fc.integer({ min: 1, max: 31 }), { minLength: 3, maxLength: 7 }))
        .map(([v, gfns]) => [
          { kind: 'setCr', vm: vm0, vcpu: v as VcpuId, reg: 'cr0', value: 0x60000010 } as Op,
          ...gfns.flatMap((g): Op[] => [{ kind: 'swapOut', vm: vm0, gfn: g as Gfn }, run(v, g * 0x1000, true)]),
        ]);
    case 'crowded':
      // up to every vCPU id and many one-page slots above the prelude's
      return fc
        .tuple(fc.uniqueArray(fc.integer({ min: 1, max: 31 }), { minLength: 4, maxLength: 16 }), fc.uniqueArray(fc.integer({ min: 0, max: 7 }), { maxLength: 8 }))
        .map(([slots, ids]) => [
          ...slots.map((n): Op => ({ kind: 'setMemoryRegion', vm: vm0, slot: n as SlotId, gfn: (64 + 2 * n) as Gfn, npages: 1 })),
          ...ids.map((id): Op => ({ kind: 'createVcpu', vm: vm0, vcpu: id as VcpuId })),
          run(0, 0x1000 * (64 + 2 * slots[0]!), false),
        ]);
  }
};
