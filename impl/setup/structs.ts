/**
 * Module-wide state of kvm.ko and the vendor module: what kvm_init() sets up and kvm_exit()
 * tears down. The kernel keeps these in globals; one per impl instance here.
 */
import type { Hpa } from '../../api/ids.js';
import type { PteMasks } from './pte-masks.js';
import { noPteMasks } from './pte-masks.js';

/** struct kmem_cache: only its name matters here */
export interface KmemCache {
  readonly name: string;
}

/** struct percpu_counter */
export interface PercpuCounter {
  count: number;
}

export interface KvmModule {
  /** kvm_x86_ops is filled in (kvm_ops_update): kvm_arch_init() refuses a second vendor */
  vendorOps: boolean;
  /** /dev/kvm is registered: kvm_init() finished and VMs can be created */
  devRegistered: boolean;
  /** shadow_*_mask: the spte bits the MMU uses */
  readonly pteMasks: PteMasks;
  /** what the vendor's hardware_setup() allocated (vmx: the VMCS area, svm: the iopm pages) */
  vendorArea: Hpa | null;
  /** kmem_cache_create("pte_list_desc") */
  pteListDescCache: KmemCache | null;
  /** kmem_cache_create("kvm_mmu_page_header") */
  mmuPageHeaderCache: KmemCache | null;
  /** kvm_total_used_mmu_pages, once percpu_counter_init() succeeded */
  totalUsedMmuPages: PercpuCounter | null;
}

/** The globals before the vendor module is first loaded: zeroed, as in .bss. */
export const newKvmModule = (): KvmModule => ({
  vendorOps: false,
  devRegistered: false,
  pteMasks: noPteMasks(),
  vendorArea: null,
  pteListDescCache: null,
  mmuPageHeaderCache: null,
  totalUsedMmuPages: null,
});
