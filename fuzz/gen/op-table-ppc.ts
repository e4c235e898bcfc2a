/**
 * The PPC HV operations (seed 004) as one table, read by both engines (fast-check:
 * arbitraries-ppc.ts, jsverify: fuzz/engines/jsverify/ppc.ts). Values depend on the VM's
 * RAM page size (2^ramPorder bytes), so the table is built per configuration; the pools
 * are in pools-ppc.ts. `deleteSlot` and `recreateSlot` are setMemoryRegions of the
 * prelude's slots.
 */
import type { PpcHvConfig } from '../../api/ops.js';
import { bool, opSpec, opVariants, pool, range, value, weighted, type OpSpec, type Weighted } from './domain.js';
import {
  DELETE_SLOTS, GPA_OFFSETS, LAZY_PAGES, MAP_PAGES, MAP_SLOTS, ODD_GFNS, PPC_CPUS, PPC_FAIL_SITES, PPC_MAX_FAIL_COUNT, PPC_SLOTS, PPC_VCPUS,
  PPC_VMS, PTE_INDEXES, RAM_PAGE_COUNTS, RAM_PAGE_MAX, RAM_PAGE_STARTS, RECREATE_SLOT0_PAGES, hEnterShifts, mapShifts,
} from './pools-ppc.js';

/** the CPUs and RAM page sizes of PPC_CPUS, each CPU by its weight, its page sizes by their shares */
export const PPC_CONFIGS: Weighted<PpcHvConfig> = PPC_CPUS.flatMap(({ cpu, weight, ramPorders }) =>
  ramPorders.map((ramPorder) => [{ cpu, ramPorder }, (weight * 6) / ramPorders.length] as const));

/** whole RAM pages of `pages` (5 in 6) or 8 gfns, never a whole page (1 in 6), as gfns */
const inRamPages = (pages: readonly number[], ramGfns: number): Weighted<number> => [...pages.map((n) => [n * ramGfns, 5] as const), [ODD_GFNS, pages.length]];

/** an H_ENTER's gpa: any of the first RAM pages (weight 1) or one of the second slot's (weight 2), at an offset */
const gpas = (ram: number): Weighted<number> => {
  const pages: Weighted<number> = [...Array.from({ length: RAM_PAGE_MAX + 1 }, (_, n) => [n, LAZY_PAGES.length] as const), ...LAZY_PAGES.map((n) => [n, 2 * (RAM_PAGE_MAX + 1)] as const)];
  return pages.flatMap(([n, w]) => GPA_OFFSETS.map((off) => [n * ram + off, w] as const));
};

export const ppcOpTable = (c: PpcHvConfig): readonly OpSpec[] => {
  const ramGfns = 2 ** (c.ramPorder - 12);
  const vm = weighted(PPC_VMS);
  const vcpu = weighted([...PPC_VCPUS.prelude.map((v) => [v, PPC_VCPUS.preludeWeight] as const), [PPC_VCPUS.other, 1]]);
  const gfn = weighted(inRamPages(RAM_PAGE_STARTS, ramGfns));
  const mapSlot = pool(MAP_SLOTS);
  return [
    opSpec('hEnter', 36, { vm, vcpu, pteIndex: pool(PTE_INDEXES), exact: bool, gpa: weighted(gpas(2 ** c.ramPorder)), pageShift: pool(hEnterShifts(c)) }),
    opSpec('run', 8, { vm, vcpu, access: value(null) }),
    opSpec('setMemoryRegion', 10, { vm, slot: pool(PPC_SLOTS), gfn, npages: weighted(inRamPages(RAM_PAGE_COUNTS, ramGfns)) }),
    // deletes of the prelude's slots, which H_ENTERs may have pinned pages in: unpin_slot
    opSpec('setMemoryRegion', 8, { vm, slot: pool(DELETE_SLOTS), gfn, npages: value(0) }, { shape: 'deleteSlot' }),
    // a prelude slot created again where it was (after a delete): its pages unpinned again
    opVariants('setMemoryRegion', 6, { vm: value(0) }, [
      [{ slot: value(1), gfn: value(LAZY_PAGES[0] * ramGfns), npages: value(LAZY_PAGES.length * ramGfns) }, 1],
      [{ slot: value(0), gfn: value(0), npages: pool(RECREATE_SLOT0_PAGES.map((n) => n * ramGfns)) }, 1],
    ], 'recreateSlot'),
    opSpec('mapHostMemory', 8, { vm, slot: mapSlot, pageShift: pool(mapShifts(c)), pages: pool(MAP_PAGES) }),
    opSpec('unmapHostMemory', 2, { vm, slot: mapSlot }),
    opSpec('allocRma', 3, { vm, slot: mapSlot }),
    opSpec('createVcpu', 4, { vm, vcpu }),
    opSpec('createVm', 3, { vm, ppc: weighted(PPC_CONFIGS) }),
    // rarer than the rest: everything after it in the case meets a VM that is gone
    opSpec('destroyVm', 1, { vm }),
    opSpec('failAlloc', 5, { site: pool(PPC_FAIL_SITES), count: range(1, PPC_MAX_FAIL_COUNT) }),
    opSpec('setCr', 1, { vm, vcpu, reg: value('cr0'), value: value(1) }),
    // an x86-only VM ioctl on the PPC VM: refused (-EINVAL)
    opSpec('getDirtyLog', 1, { vm, slot: pool(PPC_SLOTS) }),
  ];
};
