/**
 * Generators of PPC HV cases (seed 004). Values sit around the rules: regions aligned and
 * not aligned to the VM's RAM page size, host memory mapped before or after the region,
 * with the right or a wrong page size, or an RMA; first runs; H_ENTER on mapped, unmapped
 * and wrongly sized memory, exact or in a group, inside and past the hash table; deletes
 * and destroys with pages pinned; allocation failures at the PPC sites.
 */
import fc from 'fast-check';
import { chance } from './chance.js';
import type { Op, PpcHvConfig } from '../../api/ops.js';
import type { Gfn, Gpa, SlotId, VcpuId, VmId } from '../../api/ids.js';

/** the prelude's VM mostly; vm 1 (another, or none) now and then */
const vm = fc.oneof({ weight: 9, arbitrary: fc.constant(0) }, fc.constant(1)) as fc.Arbitrary<VmId>;
/** vCPUs 0 and 1 (the prelude's) run on different threads, so their runs and H_ENTERs overlap */
const vcpu = fc.oneof({ weight: 9, arbitrary: fc.constantFrom(0, 1) }, fc.constant(2)) as fc.Arbitrary<VcpuId>;
const slot = fc.constantFrom(0, 0, 1, 2, 40) as fc.Arbitrary<SlotId>;
const mapSlot = fc.constantFrom(0, 0, 1, 2) as fc.Arbitrary<SlotId>;

/** RAM pages (from gpa 0) of the prelude's second slot: above the first's, out of the VRMA's reach */
const LAZY_PAGES = [4, 5] as const;

/**
 * POWER7 with 16 MB or 64 kB RAM pages, or a PPC970 (which runs only with a preallocated
 * RMA) mostly with 16 MB pages: with 64 kB pages its slot at gpa 0 is too small for an RMO.
 */
export const ppcConfigArb: fc.Arbitrary<PpcHvConfig> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ cpu: fc.constant('power7' as const), ramPorder: fc.constantFrom(24, 16) }) },
  { weight: 2, arbitrary: fc.record({ cpu: fc.constant('ppc970' as const), ramPorder: fc.constantFrom(24, 24, 24, 24, 24, 16) }) },
);

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
    // mostly the RAM page size: a wrong size is refused at once (H_PARAMETER)
    pageShift: fc.constantFrom(c.ramPorder, c.ramPorder, c.ramPorder, c.ramPorder, c.ramPorder, c.ramPorder, 12, 16, 24, 20),
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

/** the most operations ppcPreludeArb returns */
export const PPC_PRELUDE_MAX = 8;

/**
 * A PPC VM with memory at gpa 0 (1, 2 or 4 RAM pages) behind which host memory of the
 * right page size (maybe only part of it) or an RMA (mostly of a size an RMO can have) is
 * mapped, before or after the region; maybe a second slot at LAZY_PAGES, mapped or not;
 * and two vCPUs, whose first runs and H_ENTERs may then race. In half of the cases vCPU 0
 * has run once already: the RMA is set up, and the body's operations meet a running VM
 * (in the rest, a delete or remap of the slot at gpa 0 before any run leaves a VM that
 * never runs, and the first runs may race each other).
 */
/**
 * What is mapped behind the slot at gpa 0: all of it, its first RAM page, or an RMA. A
 * PPC970 runs only with an RMA (else -EPERM); an RMA of 16 MB pages never matches 64 kB RAM
 * pages (-EINVAL), so it is rarer there.
 */
const mappedArb = (c: PpcHvConfig): fc.Arbitrary<'all' | 'first' | 'rma'> =>
  c.cpu === 'ppc970'
    ? fc.constantFrom('rma', 'rma', 'rma', 'all')
    : c.ramPorder === 24
      ? fc.constantFrom('all', 'all', 'first', 'rma')
      : fc.constantFrom('all', 'all', 'all', 'first', 'rma');

export const ppcPreludeArb = (c: PpcHvConfig): fc.Arbitrary<Op[]> =>
  fc
    .record({
      pages: fc.constantFrom(1, 2, 4),
      // with 16 MB pages, RMO sizes lpcr_rmls takes: 64 MB, or 32 MB on POWER7 (16 MB never)
      rmaPages: c.cpu === 'ppc970' ? fc.constantFrom(4, 4, 4, 4, 4, 4, 2, 1) : fc.constantFrom(4, 2, 2, 1),
      mapped: mappedArb(c),
      mapFirst: fc.boolean(),
      second: fc.constantFrom('none', 'mapped', 'mappedLater', 'unmapped'),
      ran: fc.boolean(),
    })
    .map(({ pages: anyPages, rmaPages, mapped, mapFirst, second, ran }) => {
      const pages = mapped === 'rma' && c.ramPorder === 24 ? rmaPages : anyPages;
      const vm0 = 0 as VmId;
      const ramGfns = 2 ** (c.ramPorder - 12);
      const region = (slot: number, gfn: number, n: number): Op => ({ kind: 'setMemoryRegion', vm: vm0, slot: slot as SlotId, gfn: gfn as Gfn, npages: n * ramGfns });
      const map = (slot: number, n: number): Op => ({ kind: 'mapHostMemory', vm: vm0, slot: slot as SlotId, pageShift: c.ramPorder, pages: n });
      const map0 = mapped === 'rma' ? { kind: 'allocRma' as const, vm: vm0, slot: 0 as SlotId } : map(0, mapped === 'all' ? pages : 1);
      const first = mapFirst ? [map0, region(0, 0, pages)] : [region(0, 0, pages), map0];
      const slot1 = region(1, LAZY_PAGES[0] * ramGfns, LAZY_PAGES.length);
      const rest = { none: [], mapped: [map(1, 2), slot1], mappedLater: [slot1, map(1, 2)], unmapped: [slot1] }[second];
      const vcpus: Op[] = [0, 1].map((v) => ({ kind: 'createVcpu', vm: vm0, vcpu: v as VcpuId }));
      const firstRun: Op[] = ran ? [{ kind: 'run', vm: vm0, vcpu: 0 as VcpuId, access: null }] : [];
      return [{ kind: 'createVm', vm: vm0, ppc: c }, ...first, ...rest, ...vcpus, ...firstRun];
    });
