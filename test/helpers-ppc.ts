/** Builders of PPC HV operations shared by the PPC test files. */
import type { Gfn, Gpa, SlotId, VcpuId, VmId } from '../api/ids.js';
import type { Op, PpcHvConfig } from '../api/ops.js';

export const P7: PpcHvConfig = { cpu: 'power7', ramPorder: 24 };
export const P970: PpcHvConfig = { cpu: 'ppc970', ramPorder: 24 };
export const P7_64K: PpcHvConfig = { cpu: 'power7', ramPorder: 16 };

/** 16 MB in bytes and in 4 KB frames */
export const MB16 = 0x1000000;
export const G16 = 0x1000;

export const ppc = {
  createVm: (c: PpcHvConfig = P7, vm = 0): Op => ({ kind: 'createVm', vm: vm as VmId, ppc: c }),
  /** a region of `pages` RAM pages of 16 MB at RAM page `at` */
  slot: (slot: number, at: number, pages: number, vm = 0, ramGfns = G16): Op => ({
    kind: 'setMemoryRegion', vm: vm as VmId, slot: slot as SlotId, gfn: (at * ramGfns) as Gfn, npages: pages * ramGfns,
  }),
  map: (slot: number, pages: number, pageShift = 24, vm = 0): Op => ({ kind: 'mapHostMemory', vm: vm as VmId, slot: slot as SlotId, pageShift, pages }),
  unmap: (slot: number, vm = 0): Op => ({ kind: 'unmapHostMemory', vm: vm as VmId, slot: slot as SlotId }),
  rma: (slot = 0, vm = 0): Op => ({ kind: 'allocRma', vm: vm as VmId, slot: slot as SlotId }),
  vcpu: (vcpu = 0, vm = 0): Op => ({ kind: 'createVcpu', vm: vm as VmId, vcpu: vcpu as VcpuId }),
  run: (vcpu = 0, vm = 0): Op => ({ kind: 'run', vm: vm as VmId, vcpu: vcpu as VcpuId, access: null }),
  hEnter: (gpa: number, pteIndex = 0, { exact = false, pageShift = 24, vcpu = 0, vm = 0 } = {}): Op => ({
    kind: 'hEnter', vm: vm as VmId, vcpu: vcpu as VcpuId, pteIndex, exact, gpa: gpa as Gpa, pageShift,
  }),
  fail: (site: 'vzalloc' | 'gup' | 'rma', count = 1): Op => ({ kind: 'failAlloc', site, count }),
};

/** A POWER7 VM: slot 0 (one 16 MB page, mapped: the VRMA), slot 1 (two pages at 16 MB, mapped), vCPU 0 */
export const TWO_SLOTS: Op[] = [ppc.createVm(), ppc.slot(0, 0, 1), ppc.map(0, 1), ppc.slot(1, 1, 2), ppc.map(1, 2), ppc.vcpu()];
