/**
 * Operations the fuzzer issues, as plain JSON-able data. One union for every subsystem so
 * that a test case is a list of these and can be stored, replayed, diffed and sent to an
 * implementation in another process. Names follow the ioctl or kernel entry point.
 */
import type { Gva, SlotId, VcpuId, VmId, Gfn } from './ids.js';

/** The vendor module loaded next to kvm.ko. */
export type Vendor = 'vmx' | 'svm';

/** How the host is set up before the first operation (the module loaded at boot). */
export interface HostConfig {
  /** vendor module: kvm-intel (vmx) or kvm-amd (svm) */
  readonly vendor: Vendor;
  /** two-dimensional paging (EPT/NPT): the MMU uses a direct map */
  readonly tdp: boolean;
}

/** Control registers a vCPU write can change; each write resets the MMU context. */
export type CrReg = 'cr0' | 'cr3' | 'cr4' | 'efer';

/** Allocation sites where the harness can make the next N allocations fail. */
export type AllocSite =
  /** mmu_topup_memory_caches() called from kvm_mmu_load() */
  | 'mmuTopup'
  /** kmem_cache_zalloc(async_pf_cache, GFP_NOWAIT) in kvm_setup_async_pf(): the fault is taken synchronously */
  | 'asyncPfWork'
  /** the vendor hardware_setup()'s allocation (vmx alloc_kvm_area(), svm's iopm pages) */
  | 'vendorHardwareSetup'
  /** kmem_cache_create("pte_list_desc") in kvm_mmu_hardware_setup() */
  | 'pteListDescCache'
  /** kmem_cache_create("kvm_mmu_page_header") in kvm_mmu_hardware_setup() */
  | 'mmuPageHeaderCache'
  /** percpu_counter_init(&kvm_total_used_mmu_pages) in kvm_mmu_hardware_setup() */
  | 'percpuCounter';

/** A memory access the guest makes once it is entered. */
export interface GuestAccess {
  readonly gva: Gva;
  readonly write: boolean;
}

export type Op =
  /** KVM_CREATE_VM */
  | { readonly kind: 'createVm'; readonly vm: VmId }
  /** close of the last VM fd: kvm_destroy_vm */
  | { readonly kind: 'destroyVm'; readonly vm: VmId }
  /** KVM_SET_USER_MEMORY_REGION; npages 0 deletes the slot, a new gfn moves it */
  | {
      readonly kind: 'setMemoryRegion';
      readonly vm: VmId;
      readonly slot: SlotId;
      readonly gfn: Gfn;
      readonly npages: number;
    }
  /** KVM_CREATE_VCPU */
  | { readonly kind: 'createVcpu'; readonly vm: VmId; readonly vcpu: VcpuId }
  /** a cr0/cr3/cr4/efer write (KVM_SET_SREGS or a guest mov-to-cr exit) */
  | {
      readonly kind: 'setCr';
      readonly vm: VmId;
      readonly vcpu: VcpuId;
      readonly reg: CrReg;
      readonly value: number;
    }
  /** INIT: kvm_vcpu_reset, registers to their reset values and kvm_mmu_reset_context */
  | { readonly kind: 'resetVcpu'; readonly vm: VmId; readonly vcpu: VcpuId }
  /**
   * KVM_RUN: deliver completed async page faults, reload the root, enter, let the guest
   * make `access` (if any). `interruptsAllowed` is the guest's RFLAGS.IF for this run
   * (kvm_x86_ops->interrupt_allowed): only then may a fault go async.
   */
  | {
      readonly kind: 'run';
      readonly vm: VmId;
      readonly vcpu: VcpuId;
      readonly access: GuestAccess | null;
      readonly interruptsAllowed: boolean;
    }
  /** host reclaim swaps out the page behind `gfn` (MADV_PAGEOUT); the mmu notifier zaps its sptes */
  | { readonly kind: 'swapOut'; readonly vm: VmId; readonly gfn: Gfn }
  /** the async work `vcpu` queued for `gfn` finishes: async_pf_execute() got the page */
  | { readonly kind: 'asyncPfDone'; readonly vm: VmId; readonly vcpu: VcpuId; readonly gfn: Gfn }
  /** modprobe of the vendor module (kvm_intel ept=, kvm_amd npt=): kvm_init() */
  | { readonly kind: 'moduleLoad'; readonly vendor: Vendor; readonly tdp: boolean }
  /** rmmod of the loaded vendor module: kvm_exit() */
  | { readonly kind: 'moduleUnload' }
  /** fault injection: the next `count` allocations at `site` fail */
  | { readonly kind: 'failAlloc'; readonly site: AllocSite; readonly count: number };

export type OpKind = Op['kind'];

/** A test case: everything a run needs, as data. */
export interface TestCase {
  /** the host as it is before the first operation */
  readonly config: HostConfig;
  /** the operations, in program order */
  readonly ops: readonly Op[];
}
