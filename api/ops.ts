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
  /** vzalloc() of a slot_phys array in kvmppc_core_prepare_memory_region() */
  | 'vzalloc'
  /** get_user_pages_fast() in kvmppc_get_guest_page() */
  | 'gup'
  /** kvm_alloc_rma() in KVM_ALLOCATE_RMA */
  | 'rma';

/** The POWER processor a PPC HV guest runs on: POWER7 (ISA 2.06) or PPC970 (ISA 2.01). */
export type PpcCpu = 'power7' | 'ppc970';

/** A PPC HV (book3s_hv) VM: its CPU and the page order of its RAM (kvm->arch.ram_porder). */
export interface PpcHvConfig {
  readonly cpu: PpcCpu;
  /** 24: 16 MB pages, as the kernel uses; 16: 64 KB pages, the smaller configuration */
  readonly ramPorder: 16 | 24;
}

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
  /** KVM_RUN: reload the root, enter, let the guest make `access` (if any) */
  | {
      readonly kind: 'run';
      readonly vm: VmId;
      readonly vcpu: VcpuId;
      readonly access: GuestAccess | null;
    }
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
