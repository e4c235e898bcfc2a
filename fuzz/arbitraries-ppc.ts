/**
 * Generators of PPC HV cases (seed 004). Values sit around the rules: regions aligned and
 * not aligned to the VM's RAM page size, host memory mapped before or after the region,
 * with the right or a wrong page size, or an RMA; first runs; H_ENTER on mapped, unmapped
 * and wrongly sized memory, exact or in a group, inside and past the hash table; deletes
 * and destroys with pages pinned; allocation failures at the PPC sites.
 */
import fc from 'fast-check';
import { chance } from './chance.js';
import type { Op, PpcHvConfig } from '../api/ops.js';
import type { Gfn, Gpa, SlotId, VcpuId, VmId } from '../api/ids.js';

/** the prelude's VM mostly; vm 1 (another, or none) now and then */
const vm = fc.oneof({ weight: 9, arbitrary: fc.constant(0) }, fc.constant(1)) as fc.Arbitrary<VmId>;
/** vCPUs 0 and 1 (the prelude's) run on different threads, so their runs and H_ENTERs overlap */
const vcpu = fc.oneof({ weight: 9, arbitrary: fc.constantFrom(0, 1) }, fc.constant(2)) as fc.Arbitrary<VcpuId>;
const slot = fc.constantFrom(0, 0, 1, 2, 40) as fc.Arbitrary<SlotId>;
const mapSlot = fc.constantFrom(0, 0, 1, 2) as fc.Arbitrary<SlotId>;

/** RAM pages (from gpa 0) of the prelude's second slot: above the first's, out of the VRMA's reach */
const LAZY_PAGES = [4, 5] as const;

export const ppcConfigArb: fc.Arbitrary<PpcHvConfig> = fc.record({
  cpu: fc.constantFrom('power7', 'power7', 'ppc970'),
  ramPorder: fc.constantFrom(24, 16),
});

/** The body of a case around a VM whose RAM pages are 2^ramPorder bytes. */
const ppcOpArb = (c: PpcHvConfig): fc.Arbitrary<Op> => {
  const ramGfns = 2 ** (c.ramPorder - 12);
  const ram = 2 ** c.ramPorder;
  // mostly whole RAM pages; 8 gfns is never a whole page
  const gfn = fc.oneof({ weight: 5, arbitrary: fc.constantFrom(0, 1, 2, 4, 6).map((n) => n * ramGfns) }, fc.constant(8)) as fc.Arbitrary<Gfn>;
  const npages = fc.oneof({ weight: 5, arbitrary: fc.constantFrom(0, 1, 2, 4).map((n) => n * ramGfns) }, fc.constant(8));
  const pageShift = fc.constantFrom(c.ramPorder, c.ramPorder, 12, 16, 24);
  // any of the first RAM pages, or one of the second slot's, which no first run pins
  const ramPage = fc.oneof(fc.nat(6), { weight: 2, arbitrary: fc.constantFrom(...LAZY_PAGES) });
  const gpa = fc.tuple(ramPage, fc.constantFrom(0, 0, 0x1000)).map(([n, off]) => (n * ram + off) as Gpa);
  const hEnter = fc.record({
    kind: fc.constant('hEnter' as const),
    vm,
    vcpu,
    pteIndex: fc.constantFrom(0, 3, 7, 8, 15, 119, 127, 128),
    exact: fc.boolean(),
    gpa,
    pageShift: fc.constantFrom(c.ramPorder, c.ramPorder, c.ramPorder, 12, 16, 24, 20),
  });
  return fc.oneof(
    { weight: 36, arbitrary: hEnter },
    { weight: 8, arbitrary: fc.record({ kind: fc.constant('run' as const), vm, vcpu, access: fc.constant(null) }) },
    { weight: 10, arbitrary: fc.record({ kind: fc.constant('setMemoryRegion' as const), vm, slot, gfn, npages }) },
    // deletes of the prelude's slots, which H_ENTERs may have pinned pages in: unpin_slot
    { weight: 8, arbitrary: fc.record({ kind: fc.constant('setMemoryRegion' as const), vm, slot: fc.constantFrom(0, 1, 1) as fc.Arbitrary<SlotId>, gfn, npages: fc.constant(0) }) },
    // a prelude slot created again where it was (after a delete): its pages unpinned again
    {
      weight: 6,
      arbitrary: fc.oneof(
        fc.constant({ slot: 1, gfn: LAZY_PAGES[0] * ramGfns, npages: LAZY_PAGES.length * ramGfns }),
        fc.constantFrom(1, 2, 4).map((n) => ({ slot: 0, gfn: 0, npages: n * ramGfns })),
      ).map((r): Op => ({ kind: 'setMemoryRegion', vm: 0 as VmId, slot: r.slot as SlotId, gfn: r.gfn as Gfn, npages: r.npages })),
    },
    { weight: 8, arbitrary: fc.record({ kind: fc.constant('mapHostMemory' as const), vm, slot: mapSlot, pageShift, pages: fc.constantFrom(1, 2, 4) }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('unmapHostMemory' as const), vm, slot: mapSlot }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('allocRma' as const), vm, slot: mapSlot }) },
    { weight: 4, arbitrary: fc.record({ kind: fc.constant('createVcpu' as const), vm, vcpu }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('createVm' as const), vm, ppc: ppcConfigArb }) },
    // rarer than the rest: everything after it in the case meets a VM that is gone
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('destroyVm' as const), vm }) },
    {
      weight: 5,
      arbitrary: fc.record({ kind: fc.constant('failAlloc' as const), site: fc.constantFrom('vzalloc' as const, 'gup' as const, 'rma' as const), count: fc.integer({ min: 1, max: 2 }) }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('setCr' as const), vm, vcpu, reg: fc.constant('cr0' as const), value: fc.constant(1) }) },
  );
};

/**
 * Pieces of a PPC case body: mostly single operations, sometimes two that contend for the
 * same page (PIN_ONCE, NO_PIN_AFTER_UNPIN): an H_ENTER that pins it and the delete of its
 * slot, or H_ENTERs of it from both vCPUs. The vCPUs run on their own threads and the
 * delete on any, so the two often overlap.
 */
export const ppcPieceArb = (c: PpcHvConfig): fc.Arbitrary<Op[]> => {
  const vm0 = 0 as VmId;
  const ram = 2 ** c.ramPorder;
  // a page of the prelude's second slot (never pinned by a first run) or of the first
  const page = fc.oneof({ weight: 2, arbitrary: fc.constantFrom(...LAZY_PAGES) }, fc.nat(3));
  const pin = (vcpu: number, n: number, pteIndex: number): Op => ({ kind: 'hEnter', vm: vm0, vcpu: vcpu as VcpuId, pteIndex, exact: false, gpa: (n * ram) as Gpa, pageShift: c.ramPorder });
  const slotOf = (n: number): SlotId => ((LAZY_PAGES as readonly number[]).includes(n) ? 1 : 0) as SlotId;
  const pte = fc.constantFrom(0, 8, 64);
  // either half of a pair shrinks away on its own
  const pair = (ops: fc.Arbitrary<[Op, Op]>): fc.Arbitrary<Op[]> =>
    fc.tuple(ops, chance(98), chance(98)).map(([[a, b], keepA, keepB]) => [...(keepA ? [a] : []), ...(keepB ? [b] : [])]);
  return fc.oneof(
    { weight: 84, arbitrary: ppcOpArb(c).map((o) => [o]) },
    {
      weight: 8,
      arbitrary: pair(fc.tuple(fc.nat(1), page, pte).map(([v, n, i]): [Op, Op] => [pin(v, n, i), { kind: 'setMemoryRegion', vm: vm0, slot: slotOf(n), gfn: 0 as Gfn, npages: 0 }])),
    },
    { weight: 8, arbitrary: pair(fc.tuple(page, pte).map(([n, i]): [Op, Op] => [pin(0, n, i), pin(1, n, i + 1)])) },
  );
};

/**
 * A PPC VM with memory at gpa 0 (1, 2 or 4 RAM pages) behind which host memory of the
 * right page size (maybe only part of it) or an RMA is mapped, before or after the region;
 * maybe a second slot at LAZY_PAGES, mapped or not; and two vCPUs, whose first runs and
 * H_ENTERs may then race.
 */
/** the most operations ppcPreludeArb returns */
export const PPC_PRELUDE_MAX = 7;

export const ppcPreludeArb = (c: PpcHvConfig): fc.Arbitrary<Op[]> =>
  fc
    .record({
      pages: fc.constantFrom(1, 2, 4),
      mapped: fc.constantFrom('all', 'all', 'first', 'rma'),
      mapFirst: fc.boolean(),
      second: fc.constantFrom('none', 'mapped', 'mappedLater', 'unmapped'),
    })
    .map(({ pages, mapped, mapFirst, second }) => {
      const vm0 = 0 as VmId;
      const ramGfns = 2 ** (c.ramPorder - 12);
      const region = (slot: number, gfn: number, n: number): Op => ({ kind: 'setMemoryRegion', vm: vm0, slot: slot as SlotId, gfn: gfn as Gfn, npages: n * ramGfns });
      const map = (slot: number, n: number): Op => ({ kind: 'mapHostMemory', vm: vm0, slot: slot as SlotId, pageShift: c.ramPorder, pages: n });
      const map0 = mapped === 'rma' ? { kind: 'allocRma' as const, vm: vm0, slot: 0 as SlotId } : map(0, mapped === 'all' ? pages : 1);
      const first = mapFirst ? [map0, region(0, 0, pages)] : [region(0, 0, pages), map0];
      const slot1 = region(1, LAZY_PAGES[0] * ramGfns, LAZY_PAGES.length);
      const rest = { none: [], mapped: [map(1, 2), slot1], mappedLater: [slot1, map(1, 2)], unmapped: [slot1] }[second];
      return [{ kind: 'createVm', vm: vm0, ppc: c }, ...first, ...rest, { kind: 'createVcpu', vm: vm0, vcpu: 0 as VcpuId }, { kind: 'createVcpu', vm: vm0, vcpu: 1 as VcpuId }];
    });
