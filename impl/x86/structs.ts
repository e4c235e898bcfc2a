/**
 * The kernel's x86 MMU data shapes (arch/x86/include/asm/kvm_host.h), in camelCase.
 * Fields carry one-line comments; flag bits are named constants.
 */
import type { Gfn, Hpa, SlotId, VcpuId, VmId } from '../../api/ids.js';
import type { PageRole } from '../../api/events.js';
import type { KvmHost } from '../host.js';
import type { Mutex } from '../locks.js';
import type { KvmVcpuArchApf, KvmVcpuAsyncPf } from '../apf/structs.js';

export const PT_PRESENT_MASK = 1 << 0;
export const PT_WRITABLE_MASK = 1 << 1;
export const PT64_ENT_PER_PAGE = 512;
export const PT64_ROOT_LEVEL = 4;
export const PT32E_ROOT_LEVEL = 3;
export const PT32_ROOT_LEVEL = 2;
export const PT_PAGE_TABLE_LEVEL = 1;

/** struct kvm_mmu_page: one shadow page table page */
export interface KvmMmuPage {
  /** the page's own host physical address */
  readonly hpa: Hpa;
  /** guest frame it shadows (direct pages: first gfn it maps) */
  readonly gfn: Gfn;
  /** what it shadows; `invalid` is set when zapped while still a root */
  readonly role: PageRole & { invalid: boolean };
  /** the 512 sptes: 0 not present, else child hpa or host pfn << 12, with flag bits */
  readonly spt: Int32Array;
  /** leaf pages: the gfn each spte maps (kvm_mmu_page_get_gfn) */
  readonly gfns: Int32Array;
  /** sptes in parent pages that point here: (page, index) */
  readonly parentPtes: { sp: KvmMmuPage; index: number }[];
  /** vCPUs (or PAE root slots) using this page as a root */
  rootCount: number;
}

/** struct kvm_mmu_memory_cache: objects preallocated where sleeping is allowed */
export interface KvmMmuMemoryCache<T> {
  /** preallocated objects, popped by mmuMemoryCacheAlloc */
  readonly objects: T[];
}

/** a kmem_cache object (page header, pte_list_desc): only its count matters here */
export type SlabObject = number;

/** struct kvm_mmu: the paging context of a vCPU */
export interface KvmMmu {
  /** the loaded root, or INVALID_PAGE: loaded lazily by kvmMmuReload */
  rootHpa: Hpa;
  /** the four PAE roots when shadowRootLevel is PT32E (0 = not present) */
  readonly paeRoot: Hpa[];
  /** guest paging levels: 0 nonpaging, 2, 3 (PAE) or 4 */
  rootLevel: number;
  /** level of the shadow (or TDP) root */
  shadowRootLevel: number;
  /** TDP or nonpaging: the shadow maps gpa, not gva */
  directMap: boolean;
}

/** struct kvm_memory_slot */
export interface KvmMemorySlot {
  readonly id: SlotId;
  baseGfn: Gfn;
  readonly npages: number;
  /** KVM_MEM_* flags */
  flags: number;
  /** one byte per page while KVM_MEM_LOG_DIRTY_PAGES is set, else null */
  dirtyBitmap: Uint8Array | null;
  /** reverse map: for each gfn of the slot, the leaf sptes that map it */
  readonly rmap: { sp: KvmMmuPage; index: number }[][];
}

export const KVM_REQ_MMU_RELOAD = 1 << 0;
/** a doublefault: halt until an async page arrives */
export const KVM_REQ_APF_HALT = 1 << 1;

/** RFLAGS.IF: the guest accepts interrupts (kvm_x86_ops->interrupt_allowed) */
export const X86_EFLAGS_IF = 1 << 9;
/** RFLAGS after reset: only the always-one bit */
export const X86_EFLAGS_FIXED = 1 << 1;

/** struct kvm_vcpu with its x86 arch part */
export interface KvmVcpu {
  readonly vcpuId: VcpuId;
  readonly kvm: Kvm;
  cr0: number;
  cr3: number;
  cr4: number;
  efer: number;
  /** guest RFLAGS (only IF matters here) */
  rflags: number;
  /** PAE page-directory pointers loaded from the page at cr3 */
  readonly pdptrs: number[];
  /** vcpu->mutex: vCPU ioctls from different threads serialize on it */
  readonly mutex: Mutex;
  /** request bits (KVM_REQ_*), checked before entry */
  requests: number;
  readonly mmu: KvmMmu;
  /** the page holding paeRoot (root_hpa when the shadow root is PAE-style) */
  readonly paeRootHpa: Hpa;
  /** shadow page tables (host pages) */
  readonly mmuPageCache: KvmMmuMemoryCache<Hpa>;
  /** struct kvm_mmu_page headers */
  readonly mmuPageHeaderCache: KvmMmuMemoryCache<SlabObject>;
  /** rmap descriptors for gfns mapped by more than one spte */
  readonly mmuPteListDescCache: KvmMmuMemoryCache<SlabObject>;
  /** async page-fault works (virt/kvm/async_pf.c) */
  readonly asyncPf: KvmVcpuAsyncPf;
  /** the x86 side of async page faults: gfn hash, halted, tokens */
  readonly apf: KvmVcpuArchApf;
}

/** struct kvm with its x86 arch part */
export interface Kvm {
  readonly vmId: VmId;
  /** module-wide state: trace buffer, fault injection, mutants, page allocator */
  readonly host: KvmHost;
  /** memslots sorted by baseGfn, highest first, as search_memslots() wants */
  readonly memslots: KvmMemorySlot[];
  /** index into memslots of the last slot a lookup hit (lru_slot) */
  lruSlot: number;
  readonly vcpus: Map<VcpuId, KvmVcpu>;
  /** kvm->lock: shadow hash, rmap and active-list updates */
  readonly lock: Mutex;
  /** the shadow-page hash: bucket -> pages */
  readonly mmuPageHash: Map<number, KvmMmuPage[]>;
  /** every live shadow page, oldest first (active_mmu_pages) */
  readonly activeMmuPages: Set<KvmMmuPage>;
  /** pages by hpa, for page_header() */
  readonly pageByHpa: Map<Hpa, KvmMmuPage>;
  /** shadow pages this VM may still allocate */
  nFreeMmuPages: number;
  /** the budget in force */
  nMaxMmuPages: number;
  /** what userspace asked for with KVM_SET_NR_MMU_PAGES; 0 = automatic */
  nRequestedMmuPages: number;
  /** threads inside an ioctl on this VM (a reference each, like kvm_get_kvm) */
  readonly users: Map<number, number>;
  /** host pfns backing guest frames (what get_user_pages returned) */
  readonly gfnToPfn: Map<Gfn, number>;
  /** host side: guest frames whose page the host swapped out (no pfn until faulted back in) */
  readonly swappedOut: Set<Gfn>;
}
