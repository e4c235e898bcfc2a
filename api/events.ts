/**
 * Tracepoint events: what the implementation reports it did, like the kernel's
 * trace_kvm_* points and lockdep hooks. Monitors read these; an implementation in another
 * process sends them as JSON.
 */
import type { CrReg, HostConfig, Op, Vendor } from './ops.js';
import type { Result } from './results.js';
import type { Gfn, Hpa, ThreadId, VcpuId, VmId } from './ids.js';
import type { AllocSite } from './ops.js';
import type { PpcTraceEvent } from './events-ppc.js';

/** The kinds of guest memory access LOCK_HELD cares about. */
export type GuestMemAccess = 'walk' | 'read' | 'write' | 'pdptr' | 'gup';

/** How a lock is held: a mutex or spinlock exclusively, an rwsem for read or write. */
export type LockMode = 'exclusive' | 'read' | 'write';

/** The role bits of a shadow page that say what it shadows (kvm_mmu_page_role). */
export interface PageRole {
  /** shadow page-table level of this page: 1 is the leaf level */
  readonly level: number;
  /** guest paging levels it shadows: 0 nonpaging, 2 32-bit, 3 PAE, 4 long mode */
  readonly glevels: number;
  /** direct map (TDP or nonpaging): gfn is not a guest page-table page */
  readonly direct: boolean;
  /** which quarter of a guest page directory (PAE roots: the PDPTE index) */
  readonly quadrant: number;
}

export type TraceEvent =
  /** a control register write took effect (after its checks) */
  | { readonly ev: 'kvmSetCr'; readonly vm: VmId; readonly vcpu: VcpuId; readonly reg: CrReg; readonly value: number }
  /** vCPU created with its reset register values */
  | { readonly ev: 'kvmVcpuCreate'; readonly vm: VmId; readonly vcpu: VcpuId }
  /** kvm_mmu_get_page found (created false) or allocated (created true) a shadow page */
  | {
      readonly ev: 'kvmMmuGetPage';
      readonly vm: VmId;
      readonly hpa: Hpa;
      readonly gfn: Gfn;
      readonly role: PageRole;
      readonly root: boolean;
      readonly created: boolean;
    }
  /** kvm_mmu_prepare_zap_page: page unlinked; a root still referenced becomes invalid */
  | { readonly ev: 'kvmMmuZapPage'; readonly vm: VmId; readonly hpa: Hpa; readonly rootCount: number }
  /** the shadow page went back to the page pool */
  | { readonly ev: 'kvmMmuFreePage'; readonly vm: VmId; readonly hpa: Hpa }
  /** kvm_mmu_load finished: ret 0 (roots in `roots`) or a negative errno */
  | { readonly ev: 'kvmMmuLoad'; readonly vm: VmId; readonly vcpu: VcpuId; readonly ret: number; readonly roots: readonly Hpa[] }
  /** mmu_free_roots: the vCPU dropped its references to its roots */
  | { readonly ev: 'kvmMmuUnload'; readonly vm: VmId; readonly vcpu: VcpuId; readonly roots: readonly Hpa[] }
  /** VM entry with these root pages (one, or four PAE roots) */
  | { readonly ev: 'kvmEntry'; readonly vm: VmId; readonly vcpu: VcpuId; readonly roots: readonly Hpa[] }
  /** VM exit */
  | { readonly ev: 'kvmExit'; readonly vm: VmId; readonly vcpu: VcpuId; readonly reason: string }
  /** kvm_mmu_page_fault entered for this gfn; `noApf` forbids async work (the ready-time prefault) */
  | { readonly ev: 'kvmPageFault'; readonly vm: VmId; readonly vcpu: VcpuId; readonly gfn: Gfn; readonly write: boolean; readonly noApf: boolean }
  /** the mmu notifier unmapped gfn's host page: every spte mapping it is gone */
  | { readonly ev: 'kvmUnmapGfn'; readonly vm: VmId; readonly gfn: Gfn }
  | ApfEvent
  | SetupEvent
  /** an injected allocation failure was consumed */
  | { readonly ev: 'allocFailInjected'; readonly site: AllocSite }
  /** lockdep: `tid` took lock class `lock` (instance `instance`) */
  | {
      readonly ev: 'lockAcquire';
      readonly tid: number;
      readonly lock: string;
      readonly instance: string;
      readonly mode: LockMode;
      readonly spin: boolean;
    }
  /** lockdep: `tid` released it */
  | { readonly ev: 'lockRelease'; readonly tid: number; readonly lock: string; readonly instance: string; readonly mode: LockMode }
  /** a guest walk step, a guest memory read or write, a PDPTR load, or get_user_pages */
  | { readonly ev: 'kvmGuestMem'; readonly vm: VmId; readonly what: GuestMemAccess; readonly gfn: Gfn }
  /** rmap_add / rmap_remove for gfn */
  | { readonly ev: 'kvmRmap'; readonly vm: VmId; readonly gfn: Gfn; readonly add: boolean }
  /** a change to the VM's memslots, aliases, nr_mmu_pages or a dirty bitmap */
  | { readonly ev: 'kvmVmUpdate'; readonly vm: VmId; readonly what: 'memslot' | 'alias' | 'nrMmuPages' | 'dirtyLog' }
  /** kvm_destroy_vm finished: nothing of the VM may be left */
  | { readonly ev: 'kvmDestroyVm'; readonly vm: VmId }
  | PpcTraceEvent;

/** Async page faults (virt/kvm/async_pf.c, trace_kvm_async_pf_*); a work is named by its token. */
export type ApfEvent =
  /** work queued for gfn and "page not present" delivered (kvm_arch_async_page_not_present) */
  | { readonly ev: 'kvmAsyncPfNotPresent'; readonly vm: VmId; readonly vcpu: VcpuId; readonly token: number; readonly gfn: Gfn }
  /** a fault on a gfn that already has work queued: KVM_REQ_APF_HALT */
  | { readonly ev: 'kvmAsyncPfDoublefault'; readonly vm: VmId; readonly vcpu: VcpuId; readonly gfn: Gfn }
  /** async_pf_execute() finished: the page is in, or an error page (no memslot backs gfn now) */
  | { readonly ev: 'kvmAsyncPfCompleted'; readonly vm: VmId; readonly vcpu: VcpuId; readonly token: number; readonly gfn: Gfn; readonly errorPage: boolean }
  /** kvm_arch_async_page_ready() is about to prefault gfn with these roots loaded */
  | { readonly ev: 'kvmAsyncPfPrefault'; readonly vm: VmId; readonly vcpu: VcpuId; readonly token: number; readonly gfn: Gfn; readonly roots: readonly Hpa[] }
  /** "page present" delivered (kvm_arch_async_page_present): the work is finished */
  | { readonly ev: 'kvmAsyncPfPresent'; readonly vm: VmId; readonly vcpu: VcpuId; readonly token: number; readonly gfn: Gfn }
  /** the work was cancelled with its vCPU (kvm_clear_async_pf_completion_queue) */
  | { readonly ev: 'kvmAsyncPfCancel'; readonly vm: VmId; readonly vcpu: VcpuId; readonly token: number; readonly gfn: Gfn };

/** What module setup does: a step is one thing to undo (vendor setup, a cache, a counter). */
export type SetupStage =
  /** the vendor's hardware_setup() */
  | 'vendor'
  /** kvm_mmu_hardware_setup(): the MMU's caches and counters */
  | 'mmu';

/** Module load and unload (kvm_init, kvm_exit) and their setup steps. */
export type SetupEvent =
  /** kvm_init() starts loading the vendor module */
  | { readonly ev: 'kvmModuleInit'; readonly vendor: Vendor; readonly tdp: boolean }
  /** kvm_init() returned: 0 means setup is complete and VMs may be created */
  | { readonly ev: 'kvmModuleInitDone'; readonly vendor: Vendor; readonly tdp: boolean; readonly ret: number }
  /** kvm_exit() finished: the vendor module is gone */
  | { readonly ev: 'kvmModuleExitDone'; readonly vendor: Vendor }
  /** kvm_mmu_reset_all_pte_masks(): the masks are back to their defaults */
  | { readonly ev: 'kvmResetPteMasks' }
  /** a setup step ran: ret 0 means `object` now exists and must be undone once */
  | { readonly ev: 'kvmSetupStep'; readonly stage: SetupStage; readonly object: string; readonly ret: number }
  /** a setup step was undone */
  | { readonly ev: 'kvmUnsetupStep'; readonly stage: SetupStage; readonly object: string };

export type TraceEventKind = TraceEvent['ev'];

/** Markers the runner puts around each operation; monitors see them in the same stream. */
export type HarnessEvent =
  /** the host as the case starts (and after every module load) */
  | { readonly ev: 'hostConfig'; readonly config: HostConfig }
  | { readonly ev: 'opBegin'; readonly tid: ThreadId; readonly index: number; readonly op: Op }
  | { readonly ev: 'opEnd'; readonly tid: ThreadId; readonly index: number; readonly op: Op; readonly result: Result };

export type TraceRecord = TraceEvent | HarnessEvent;
