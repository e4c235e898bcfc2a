/**
 * Tracepoints of the PPC HV memory code (seed 004): page references, slot_phys entries,
 * unpin_slot, RMA/VRMA setup and HPTEs. `tid` is the harness thread that did it; `array`
 * is the address of a slot_phys array (never reused), so a write to a freed one shows.
 */
import type { ThreadId, VcpuId, VmId, SlotId } from './ids.js';

export type PpcTraceEvent =
  /** get_user_pages took a reference on the page at pfn for KVM (count: page_count after) */
  | { readonly ev: 'getPage'; readonly tid: ThreadId; readonly pfn: number; readonly count: number }
  /** KVM dropped a reference it held (put_page); dirty: PageDirty at the time */
  | { readonly ev: 'putPage'; readonly tid: ThreadId; readonly pfn: number; readonly count: number; readonly dirty: boolean }
  /** kvmppc_core_prepare_memory_region allocated slot_phys[slot] (npages entries, all 0) */
  | { readonly ev: 'slotPhysAlloc'; readonly tid: ThreadId; readonly vm: VmId; readonly slot: SlotId; readonly array: number; readonly npages: number }
  /** slot_phys entry `index` now holds pfn, with KVMPPC_GOT_PAGE (a pinned page) or without (RMO) */
  | {
      readonly ev: 'slotPhysSet';
      readonly tid: ThreadId;
      readonly vm: VmId;
      readonly slot: SlotId;
      readonly array: number;
      readonly index: number;
      readonly pfn: number;
      readonly gotPage: boolean;
    }
  /** unpin_slot: 'begin' when it starts walking the array, 'end' once it is cleared and freed */
  | {
      readonly ev: 'unpinSlot';
      readonly tid: ThreadId;
      readonly vm: VmId;
      readonly slot: SlotId;
      readonly array: number;
      readonly phase: 'begin' | 'end';
    }
  /** kvmppc_hv_setup_rma passed its checks and sets up an RMO (the RMA's pfns) or a VRMA */
  | {
      readonly ev: 'kvmppcRmaSetup';
      readonly tid: ThreadId;
      readonly vm: VmId;
      readonly mode: 'rmo' | 'vrma';
      /** RMO: first pfn and number of 4 KB pages the guest uses as its RMO; VRMA: 0, 0 */
      readonly basePfn: number;
      readonly npages: number;
    }
  /** kvm->arch.lpcr written (hex) */
  | { readonly ev: 'kvmppcSetLpcr'; readonly tid: ThreadId; readonly vm: VmId; readonly lpcr: string }
  /** kvm->arch.rma_setup_done = 1, after smp_wmb() */
  | { readonly ev: 'kvmppcRmaSetupDone'; readonly tid: ThreadId; readonly vm: VmId }
  /** an HPTE became valid: guest address gpa, backed by the RAM page at pfn */
  | {
      readonly ev: 'hpteInsert';
      readonly tid: ThreadId;
      readonly vm: VmId;
      readonly index: number;
      readonly gpa: number;
      readonly pfn: number;
    }
  /** an HPTE was invalidated */
  | { readonly ev: 'hpteInvalidate'; readonly tid: ThreadId; readonly vm: VmId; readonly index: number }
  /** kvmppc_free_hpt: the whole hashed page table is gone */
  | { readonly ev: 'kvmppcFreeHpt'; readonly tid: ThreadId; readonly vm: VmId }
  /** a PPC vCPU entered the guest */
  | { readonly ev: 'kvmppcEntry'; readonly tid: ThreadId; readonly vm: VmId; readonly vcpu: VcpuId }
  /** an hcall handler returned, in real mode (H_TOO_HARD: retry in virtual mode) or virtual mode */
  | {
      readonly ev: 'kvmppcHcall';
      readonly tid: ThreadId;
      readonly vm: VmId;
      readonly vcpu: VcpuId;
      readonly hcall: 'H_ENTER';
      readonly mode: 'real' | 'virtual';
      readonly ret: number;
    };
