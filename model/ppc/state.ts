/**
 * What the model knows of a PPC HV VM (seed 004): which RAM pages are pinned or belong to
 * the RMO, whether the real-mode area is set up, and the valid HPTEs. Plus the host memory
 * userspace mapped behind each slot, which decides whether a page can be pinned at all.
 */
import type { AbstractPpcVm } from '../../api/abstract.js';
import type { PpcHvConfig } from '../../api/ops.js';
import type { SlotId, VcpuId, VmId } from '../../api/ids.js';
import type { ModelSlot, ModelState, ModelVm } from '../state.js';
import { withEntry } from '../state.js';

/** HPTE groups in the guest's hashed page table, eight HPTEs each */
export const HPT_NPTEG = 16;
export const HPTES_PER_GROUP = 8;
export const HPT_NPTE = HPT_NPTEG * HPTES_PER_GROUP;
/** the size of every preallocated RMA (kvm_rma_size) */
export const RMA_BYTES = 64 << 20;
/** the page size an RMA is mapped with */
export const RMA_PAGE_SHIFT = 24;
/** each (vm, slot) has its own host address window of this many bytes */
export const WINDOW_BYTES = 2 ** 36;

export const windowOf = (vm: VmId, slot: SlotId): number => vm * 32 + slot;

/** Host memory mapped at the start of a window: what get_user_pages will find there. */
export interface HostMapping {
  /** log2 of the mapping's page size (vma_kernel_pagesize) */
  readonly pageShift: number;
  /** bytes mapped from the start of the window */
  readonly bytes: number;
  /** the kvm_rma file, i.e. a preallocated RMA */
  readonly rma: boolean;
}

/** A known slot_phys entry: a page pinned with get_user_pages, or a page of the RMO. */
export type Phys = 'pinned' | 'rmo';

export interface PpcVm extends PpcHvConfig {
  /** how the first run set up the real-mode area; 'none' until one succeeded */
  readonly rma: 'none' | 'rmo' | 'vrma';
  /** every slot's known entries: RAM page index -> kind (absent: not looked up yet) */
  readonly phys: ReadonlyMap<SlotId, ReadonlyMap<number, Phys>>;
  /** how many slot_phys arrays each slot has had: a pin holding an older one finds it freed */
  readonly physGen: ReadonlyMap<SlotId, number>;
  /** valid HPTEs: index -> the guest physical address it maps */
  readonly hpt: ReadonlyMap<number, number>;
  /** the vCPU holding kvm->lock while it maps the VRMA, or null */
  readonly settingUp: VcpuId | null;
}

export const newPpcVm = (c: PpcHvConfig): PpcVm => ({
  cpu: c.cpu,
  ramPorder: c.ramPorder,
  rma: 'none',
  phys: new Map(),
  physGen: new Map(),
  hpt: new Map(),
  settingUp: null,
});

/** the VM `id` (which must be a PPC VM) and its PPC state */
export const ppcOf = (s: ModelState, id: VmId): [ModelVm, PpcVm] => {
  const vm = s.vms.get(id)!;
  return [vm, vm.ppc!];
};

export const putPpc = (s: ModelState, id: VmId, p: PpcVm): ModelState => ({
  ...s,
  vms: withEntry(s.vms, id, { ...s.vms.get(id)!, ppc: p }),
});

/** the slot backing gfn */
export const slotAt = (vm: ModelVm, gfn: number): [SlotId, ModelSlot] | undefined =>
  [...vm.slots].find(([, sl]) => gfn >= sl.gfn && gfn < sl.gfn + sl.npages);

const sorted = <K extends number, V>(m: ReadonlyMap<K, V>): [K, V][] => [...m].sort(([a], [b]) => a - b);

export const abstractPpc = (p: PpcVm, vcpus: readonly VcpuId[]): AbstractPpcVm => ({
  cpu: p.cpu,
  ramPorder: p.ramPorder,
  vcpus: [...vcpus].sort((a, b) => a - b),
  rma: p.rma,
  phys: sorted(p.phys).flatMap(([slot, pages]) => sorted(pages).map(([page, kind]) => ({ slot, page, kind }))),
  hptes: sorted(p.hpt).map(([index, gpa]) => ({ index, gpa })),
});
