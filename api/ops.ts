/**
 * Operations the fuzzer issues, as plain JSON-able data. One union for every subsystem so
 * that a test case is a list of these and can be stored, replayed, diffed and sent to an
 * implementation in another process. Names follow the ioctl or kernel entry point.
 */
import type { Gpa, Gva, SlotId, VcpuId, VmId, Gfn } from './ids.js';

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
  /** vzalloc() of a slot_phys array in kvmppc_core_prepare_memory_region() */
  | 'vzalloc'
  /** get_user_pages_fast() in kvmppc_get_guest_page() */
  | 'gup'
  /** kvm_alloc_rma() in KVM_ALLOCATE_RMA */
  | 'rma'

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

/** The POWER processor a PPC HV guest runs on: POWER7 (ISA 2.06) or PPC970 (ISA 2.01). */
export type PpcCpu = 'power7' | 'ppc970';

/** A PPC HV (book3s_hv) VM: its CPU and the page order of its RAM (kvm->arch.ram_porder). */
export interface PpcHvConfig {
  readonly cpu: PpcCpu;
  /** 24: 16 MB pages, as the kernel uses; 16: 64 KB pages, the smaller configuration */
  readonly ramPorder: 16 | 24;
}

/** What the emulated instruction does with memory. */
export type EmulatedAccess = 'read' | 'write' | 'cmpxchg';

export const KVM_MEM_LOG_DIRTY_PAGES = 1;

/** A memory access the guest makes once it is entered. */
export interface GuestAccess {
  readonly gva: Gva;
  readonly write: boolean;
}

export type Op =
  /** KVM_CREATE_VM: an x86 VM, or a PPC HV VM when `ppc` is given */
  | { readonly kind: 'createVm'; readonly vm: VmId; readonly ppc?: PpcHvConfig }
  /** close of the last VM fd: kvm_destroy_vm */
  | { readonly kind: 'destroyVm'; readonly vm: VmId }
  /** KVM_SET_USER_MEMORY_REGION; npages 0 deletes the slot, a new gfn moves it */
  | {
      readonly kind: 'setMemoryRegion';
      readonly vm: VmId;
      readonly slot: SlotId;
      readonly gfn: Gfn;
      readonly npages: number;
      /** KVM_MEM_LOG_DIRTY_PAGES (1) turns dirty logging on; absent means 0 */
      readonly flags?: number;
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
      readonly interruptsAllowed?: boolean;
    }
  /** the instruction emulator touches gva: emulator_read/write/cmpxchg_emulated */
  | {
      readonly kind: 'emulate';
      readonly vm: VmId;
      readonly vcpu: VcpuId;
      readonly access: EmulatedAccess;
      readonly gva: Gva;
    }
  /** KVM_TRANSLATE: the guest walk of gva, as userspace asks for it */
  | { readonly kind: 'translate'; readonly vm: VmId; readonly vcpu: VcpuId; readonly gva: Gva }
  /** KVM_GET_DIRTY_LOG: fetch and clear a slot's dirty bitmap */
  | { readonly kind: 'getDirtyLog'; readonly vm: VmId; readonly slot: SlotId }
  /** KVM_SET_NR_MMU_PAGES: the VM's shadow-page budget */
  | { readonly kind: 'setNrMmuPages'; readonly vm: VmId; readonly pages: number }
  /** host reclaim swaps out the page behind `gfn` (MADV_PAGEOUT); the mmu notifier zaps its sptes */
  | { readonly kind: 'swapOut'; readonly vm: VmId; readonly gfn: Gfn }
  /** the async work `vcpu` queued for `gfn` finishes: async_pf_execute() got the page */
  | { readonly kind: 'asyncPfDone'; readonly vm: VmId; readonly vcpu: VcpuId; readonly gfn: Gfn }
  /** modprobe of the vendor module (kvm_intel ept=, kvm_amd npt=): kvm_init() */
  | { readonly kind: 'moduleLoad'; readonly vendor: Vendor; readonly tdp: boolean }
  /** rmmod of the loaded vendor module: kvm_exit() */
  | { readonly kind: 'moduleUnload' }
  /** fault injection: the next `count` allocations at `site` fail */
  | { readonly kind: 'failAlloc'; readonly site: AllocSite; readonly count: number }
  /**
   * mmap (MAP_FIXED) of `pages` pages of 2^pageShift bytes at the start of the host address
   * window of (vm, slot), where that slot's userspace_addr points; replaces what was there
   */
  | {
      readonly kind: 'mapHostMemory';
      readonly vm: VmId;
      readonly slot: SlotId;
      readonly pageShift: number;
      readonly pages: number;
    }
  /** munmap of the whole host address window of (vm, slot) */
  | { readonly kind: 'unmapHostMemory'; readonly vm: VmId; readonly slot: SlotId }
  /** KVM_ALLOCATE_RMA on a PPC VM, the RMA file mmapped over the window of (vm, slot) */
  | { readonly kind: 'allocRma'; readonly vm: VmId; readonly slot: SlotId }
  /**
   * KVM_RUN of a PPC vCPU whose guest makes one H_ENTER hcall: an HPTE for the page of
   * 2^pageShift bytes at `gpa` (rounded down to that size), at `pteIndex` exactly or in its
   * group of eight
   */
  | {
      readonly kind: 'hEnter';
      readonly vm: VmId;
      readonly vcpu: VcpuId;
      readonly pteIndex: number;
      readonly exact: boolean;
      readonly gpa: Gpa;
      readonly pageShift: number;
    };

export type OpKind = Op['kind'];

/** A test case: everything a run needs, as data. */
export interface TestCase {
  /** the host as it is before the first operation */
  readonly config: HostConfig;
  /** the operations, in program order */
  readonly ops: readonly Op[];
  /**
   * the harness thread each operation is issued from (same length as ops); absent means
   * every operation runs on thread 0, one after the other
   */
  readonly threads?: readonly number[];
  /**
   * where the scheduler switches threads; everywhere else the running thread keeps
   * running (or, when it cannot, the lowest-numbered thread that can)
   */
  readonly preemptions?: readonly Preemption[];
}

/**
 * Operation `op` is preempted after its `after`-th preemption point (1 = the first); with
 * `after` 0 its thread yields before it begins the operation (between two ioctls).
 */
export interface Preemption {
  readonly op: number;
  readonly after: number;
  /** which of the other runnable threads runs next: the to-th, counting from 1, modulo */
  readonly to: number;
}
