/**
 * Tracepoint events: what the implementation reports it did, like the kernel's
 * trace_kvm_* points and lockdep hooks. Monitors read these; an implementation in another
 * process sends them as JSON.
 */
import type { CrReg, HostConfig, Op } from './ops.js';
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
  /** kvm_mmu_page_fault entered for this gfn */
  | { readonly ev: 'kvmPageFault'; readonly vm: VmId; readonly vcpu: VcpuId; readonly gfn: Gfn; readonly write: boolean }
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

export type TraceEventKind = TraceEvent['ev'];

/** Markers the runner puts around each operation; monitors see them in the same stream. */
export type HarnessEvent =
  /** the host as the case starts (and after every module load) */
  | { readonly ev: 'hostConfig'; readonly config: HostConfig }
  | { readonly ev: 'opBegin'; readonly tid: ThreadId; readonly index: number; readonly op: Op }
  | { readonly ev: 'opEnd'; readonly tid: ThreadId; readonly index: number; readonly op: Op; readonly result: Result };

export type TraceRecord = TraceEvent | HarnessEvent;
