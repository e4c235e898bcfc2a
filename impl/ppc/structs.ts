/**
 * The book3s_hv data shapes (arch/powerpc/include/asm/kvm_host.h of Linux 3.3), in
 * camelCase. slot_phys entries are unsigned longs: a physical address with flag bits.
 */
import type { Gfn, SlotId, VcpuId, VmId } from '../../api/ids.js';
import type { PpcCpu } from '../../api/ops.js';
import type { KvmHost } from '../host.js';
import type { Mutex } from '../locks.js';
import type { Srcu } from '../srcu.js';
import type { Page } from '../mm/page.js';
import type { VmallocArray } from '../vmalloc.js';

/** slot_phys flag: we hold a reference on this page (taken by get_user_pages) */
export const KVMPPC_GOT_PAGE = 0x80n;
/** the physical-address part of a slot_phys entry */
export const KVMPPC_PA_MASK = ~0xfffn;

export const KVM_MEM_SLOTS_NUM = 32;

/** struct kvmppc_rma_info: a physically contiguous RMA preallocated at boot */
export interface KvmRmaInfo {
  /** first pfn of the RMA */
  readonly basePfn: number;
  /** size in 4 KB pages */
  readonly npages: number;
  /** the RMA's 16 MB compound pages, as its VMA faults them in */
  readonly pages: readonly Page[];
  /** the kvm_rma file's reference plus one per VM using it as its RMO */
  useCount: number;
}

/** struct kvm_memory_slot, the fields book3s_hv uses */
export interface KvmPpcMemslot {
  readonly id: SlotId;
  baseGfn: Gfn;
  readonly npages: number;
  /** where userspace mapped (or will map) the slot's memory */
  readonly userspaceAddr: number;
}

/** struct kvm_arch (book3s_hv) */
export interface KvmArchPpc {
  /** RAM page size: 16 MB as the kernel uses, or 64 KB */
  readonly ramPsize: number;
  readonly ramPorder: number;
  /** per slot id: its slot_phys array (one entry per RAM page), or null */
  readonly slotPhys: (VmallocArray | null)[];
  /** per slot id: entries in slot_phys */
  readonly slotNpages: number[];
  /** spinlock serialising slot_phys updates between vCPU threads */
  readonly slotPhysLock: Mutex;
  /** the RMO/VRMA is set up: published after lpcr and what it guards */
  rmaSetupDone: boolean;
  /** the preallocated RMA used as RMO, or null (VRMA, or not set up) */
  rma: KvmRmaInfo | null;
  /** LPCR (POWER7) or HID4 (PPC970) value for the guest */
  lpcr: bigint;
  /** real-mode offset register: where the RMO starts (POWER7) */
  rmor: bigint;
  /** the hashed page table: two doublewords per HPTE, or null once freed */
  hptVirt: BigUint64Array | null;
  /** reverse map: the guest's own second HPTE doubleword, per HPTE */
  readonly revmap: BigUint64Array;
}

/** struct kvm with its book3s_hv part */
export interface KvmPpc {
  readonly vmId: VmId;
  readonly host: KvmHost;
  /** cpu_has_feature(CPU_FTR_ARCH_206) is POWER7; CPU_FTR_ARCH_201 is PPC970 */
  readonly cpu: PpcCpu;
  readonly memslots: KvmPpcMemslot[];
  readonly vcpus: Map<VcpuId, KvmPpcVcpu>;
  /** kvm->lock: serialises the first-run RMA setup */
  readonly lock: Mutex;
  /** kvm->slots_lock: memslot updates are serialised on it */
  readonly slotsLock: Mutex;
  /** kvm->srcu: a memslot update waits for the readers of the old memslots */
  readonly srcu: Srcu;
  /** threads inside an ioctl on this VM (see impl/vm-refs.ts) */
  readonly users: Map<number, number>;
  readonly arch: KvmArchPpc;
}

/** struct kvm_vcpu (book3s_hv): nothing of it matters to these rules but its VM */
export interface KvmPpcVcpu {
  readonly vcpuId: VcpuId;
  readonly kvm: KvmPpc;
}

/** gfn_to_memslot() (builtin_gfn_to_memslot in real mode): the slot backing gfn */
export const gfnToMemslot = (kvm: KvmPpc, gfn: number): KvmPpcMemslot | undefined =>
  kvm.memslots.find((s) => gfn >= s.baseGfn && gfn < s.baseGfn + s.npages);

/** gfn_to_hva_memslot() */
export const gfnToHvaMemslot = (s: KvmPpcMemslot, gfn: number): number => s.userspaceAddr + (gfn - s.baseGfn) * 4096;
