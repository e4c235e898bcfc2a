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
import {
  DELETE_SLOTS, GPA_OFFSETS, LAZY_PAGES, MAP_PAGES, MAP_SLOTS, ODD_GFNS, PAIR_KEEP, PAIR_PAGE_MAX, PAIR_PTES, PPC_CPUS, PPC_FAIL_SITES,
  PPC_MAX_FAIL_COUNT, PPC_OP_WEIGHTS, PPC_PIECE_WEIGHTS, PPC_SLOTS, PPC_VCPUS, PPC_VMS, PRELUDE_PAGES, PTE_INDEXES, RAM_PAGE_COUNTS,
  RAM_PAGE_MAX, RAM_PAGE_STARTS, RECREATE_SLOT0_PAGES, SECONDS, deleteOp, hEnterShifts, mapShifts, mappedPool, pairOps, pinOp,
  ppcPreludeOps, rmaPagesPool, type PpcOpShape, type PpcPreludeDraw,
} from './pools-ppc.js';

const vm = fc.oneof(...PPC_VMS.map(([v, weight]) => ({ weight, arbitrary: fc.constant(v) }))) as fc.Arbitrary<VmId>;
const vcpu = fc.oneof({ weight: PPC_VCPUS.preludeWeight, arbitrary: fc.constantFrom(...PPC_VCPUS.prelude) }, fc.constant(PPC_VCPUS.other)) as fc.Arbitrary<VcpuId>;
const slot = fc.constantFrom(...PPC_SLOTS) as fc.Arbitrary<SlotId>;
const mapSlot = fc.constantFrom(...MAP_SLOTS) as fc.Arbitrary<SlotId>;

/** the CPUs and RAM page sizes of PPC_CPUS */
export const ppcConfigArb: fc.Arbitrary<PpcHvConfig> = fc.oneof(
  ...PPC_CPUS.map(({ cpu, weight, ramPorders }) => ({ weight, arbitrary: fc.record({ cpu: fc.constant(cpu), ramPorder: fc.constantFrom(...ramPorders) }) })),
);

/** The body of a case around a VM whose RAM pages are 2^ramPorder bytes. */
const ppcOpArb = (c: PpcHvConfig): fc.Arbitrary<Op> => {
  const ramGfns = 2 ** (c.ramPorder - 12);
  const ram = 2 ** c.ramPorder;
  // mostly whole RAM pages; 8 gfns is never a whole page
  const gfn = fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...RAM_PAGE_STARTS).map((n) => n * ramGfns) }, fc.constant(ODD_GFNS)) as fc.Arbitrary<Gfn>;
  const npages = fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...RAM_PAGE_COUNTS).map((n) => n * ramGfns) }, fc.constant(ODD_GFNS));
  // any of the first RAM pages, or one of the second slot's, which no first run pins
  const ramPage = fc.oneof(fc.nat(RAM_PAGE_MAX), { weight: 2, arbitrary: fc.constantFrom(...LAZY_PAGES) });
  const gpa = fc.tuple(ramPage, fc.constantFrom(...GPA_OFFSETS)).map(([n, off]) => (n * ram + off) as Gpa);
  const k = <K extends Op['kind']>(kind: K) => fc.constant(kind);
  const arbs: Record<PpcOpShape, fc.Arbitrary<Op>> = {
    hEnter: fc.record({ kind: k('hEnter'), vm, vcpu, pteIndex: fc.constantFrom(...PTE_INDEXES), exact: fc.boolean(), gpa, pageShift: fc.constantFrom(...hEnterShifts(c)) }),
    run: fc.record({ kind: k('run'), vm, vcpu, access: fc.constant(null) }),
    setMemoryRegion: fc.record({ kind: k('setMemoryRegion'), vm, slot, gfn, npages }),
    // deletes of the prelude's slots, which H_ENTERs may have pinned pages in: unpin_slot
    deleteSlot: fc.record({ kind: k('setMemoryRegion'), vm, slot: fc.constantFrom(...DELETE_SLOTS) as fc.Arbitrary<SlotId>, gfn, npages: fc.constant(0) }),
    // a prelude slot created again where it was (after a delete): its pages unpinned again
    recreateSlot: fc
      .oneof(
        fc.constant({ slot: 1, gfn: LAZY_PAGES[0] * ramGfns, npages: LAZY_PAGES.length * ramGfns }),
        fc.constantFrom(...RECREATE_SLOT0_PAGES).map((n) => ({ slot: 0, gfn: 0, npages: n * ramGfns })),
      )
      .map((r): Op => ({ kind: 'setMemoryRegion', vm: 0 as VmId, slot: r.slot as SlotId, gfn: r.gfn as Gfn, npages: r.npages })),
    mapHostMemory: fc.record({ kind: k('mapHostMemory'), vm, slot: mapSlot, pageShift: fc.constantFrom(...mapShifts(c)), pages: fc.constantFrom(...MAP_PAGES) }),
    unmapHostMemory: fc.record({ kind: k('unmapHostMemory'), vm, slot: mapSlot }),
    allocRma: fc.record({ kind: k('allocRma'), vm, slot: mapSlot }),
    createVcpu: fc.record({ kind: k('createVcpu'), vm, vcpu }),
    createVm: fc.record({ kind: k('createVm'), vm, ppc: ppcConfigArb }),
    // rarer than the rest: everything after it in the case meets a VM that is gone
    destroyVm: fc.record({ kind: k('destroyVm'), vm }),
    failAlloc: fc.record({ kind: k('failAlloc'), site: fc.constantFrom(...PPC_FAIL_SITES), count: fc.integer({ min: 1, max: PPC_MAX_FAIL_COUNT }) }),
    setCr: fc.record({ kind: k('setCr'), vm, vcpu, reg: fc.constant('cr0' as const), value: fc.constant(1) }),
  };
  return fc.oneof(...PPC_OP_WEIGHTS.map(([shape, weight]) => ({ weight, arbitrary: arbs[shape] })));
};

/**
 * Pieces of a PPC case body: mostly single operations, sometimes two that contend for the
 * same page (PIN_ONCE, NO_PIN_AFTER_UNPIN): an H_ENTER that pins it and the delete of its
 * slot, or H_ENTERs of it from both vCPUs. The vCPUs run on their own threads and the
 * delete on any, so the two often overlap.
 */
export const ppcPieceArb = (c: PpcHvConfig): fc.Arbitrary<Op[]> => {
  const page = fc.oneof({ weight: 2, arbitrary: fc.constantFrom(...LAZY_PAGES) }, fc.nat(PAIR_PAGE_MAX));
  const pte = fc.constantFrom(...PAIR_PTES);
  const pair = (ops: fc.Arbitrary<[Op, Op]>): fc.Arbitrary<Op[]> => fc.tuple(ops, chance(PAIR_KEEP), chance(PAIR_KEEP)).map(([ab, keepA, keepB]) => pairOps(ab, keepA, keepB));
  return fc.oneof(
    { weight: PPC_PIECE_WEIGHTS.op, arbitrary: ppcOpArb(c).map((o) => [o]) },
    { weight: PPC_PIECE_WEIGHTS.pinDelete, arbitrary: pair(fc.tuple(fc.nat(1), page, pte).map(([v, n, i]): [Op, Op] => [pinOp(c, v, n, i), deleteOp(n)])) },
    { weight: PPC_PIECE_WEIGHTS.pinPin, arbitrary: pair(fc.tuple(page, pte).map(([n, i]): [Op, Op] => [pinOp(c, 0, n, i), pinOp(c, 1, n, i + 1)])) },
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
const mappedArb = (c: PpcHvConfig): fc.Arbitrary<PpcPreludeDraw['mapped']> => fc.constantFrom(...mappedPool(c));

export const ppcPreludeArb = (c: PpcHvConfig): fc.Arbitrary<Op[]> =>
  fc
    .record({
      pages: fc.constantFrom(...PRELUDE_PAGES),
      rmaPages: fc.constantFrom(...rmaPagesPool(c)),
      mapped: mappedArb(c),
      mapFirst: fc.boolean(),
      second: fc.constantFrom(...SECONDS),
      ran: fc.boolean(),
    })
    .map((d) => ppcPreludeOps(c, d));
