/**
 * VM lifecycle and memory slots. @see virt/kvm/kvm_main.c kvm_create_vm(),
 * kvm_destroy_vm(), __kvm_set_memory_region()
 */
import type { Gfn, SlotId, VmId } from '../../api/ids.js';
import { EINVAL } from '../../api/errno.js';
import type { KvmHost } from '../host.js';
import { Mutex } from '../locks.js';
import type { Gen } from '../preempt.js';
import type { Kvm, KvmMemorySlot } from './structs.js';
import { PT_WRITABLE_MASK } from './structs.js';
import { kvmMmuFreeSomePages, kvmMmuZapAll } from './mmu-page.js';
import { KVM_MEM_LOG_DIRTY_PAGES, idToMemslot, newMemslot, sortMemslots } from './memslots.js';
import { kvmCheckMemoryRegion } from '../kvm-main.js';
import { waitForUsers } from '../vm-refs.js';
import { kvmArchVcpuDestroy } from './vcpu.js';
import { releaseHostPages } from '../apf/swap.js';

/** KVM_MIN_ALLOC_MMU_PAGES: the smallest shadow-page budget userspace may set */
export const KVM_MIN_ALLOC_MMU_PAGES = 64;
/** the budget before userspace sets one (the kernel derives it from memory size) */
export const KVM_DEFAULT_MMU_PAGES = 128;

export const kvmCreateVm = (host: KvmHost, vmId: VmId): Kvm => ({
  vmId,
  host,
  memslots: [],
  lruSlot: 0,
  vcpus: new Map(),
  lock: new Mutex('kvm->lock', `vm${vmId}`, host.trace),
  mmuPageHash: new Map(),
  activeMmuPages: new Set(),
  pageByHpa: new Map(),
  nFreeMmuPages: KVM_DEFAULT_MMU_PAGES,
  nMaxMmuPages: KVM_DEFAULT_MMU_PAGES,
  nRequestedMmuPages: 0,
  users: new Map(),
  gfnToPfn: new Map(),
  swappedOut: new Set(),
});



/** kvm_destroy_vm(): once the last user is gone; vCPUs first, then shadow pages, then memory */
export function* kvmDestroyVm(kvm: Kvm): Gen<void> {
  yield* waitForUsers(kvm);
  for (const vcpu of [...kvm.vcpus.values()]) yield* kvmArchVcpuDestroy(vcpu);
  const tid = kvm.host.current;
  yield* kvm.lock.lock(tid);
  kvmMmuZapAll(kvm);
  kvm.lock.unlock(tid);
  for (const pfn of kvm.gfnToPfn.values()) kvm.host.pages.free((pfn << 12) as never);
  kvm.gfnToPfn.clear();
  kvm.swappedOut.clear();
  kvm.memslots.length = 0;
  kvm.host.trace.emit({ ev: 'kvmDestroyVm', vm: kvm.vmId });
}

/**
 * Drops every shadow page (kvm_arch_flush_shadow) and changes the layout (`relayout`) in
 * the same kvm->lock section, then drops the host pages of the slot's old frames. The
 * kernel makes the old slot invalid before it flushes; here the zap and the change are one
 * step, so a root another vCPU builds while the flush waits for kvm->lock cannot map the
 * old layout and outlive the flush.
 */
function* flushSlot(kvm: Kvm, base: Gfn, npages: number, relayout: () => void): Gen<void> {
  const tid = kvm.host.current;
  yield* kvm.lock.lock(tid);
  kvmMmuZapAll(kvm);
  relayout();
  sortMemslots(kvm);
  kvm.lock.unlock(tid);
  releaseHostPages(kvm, base, npages);
}

/** kvm_vm_ioctl_set_memory_region(): __kvm_set_memory_region under mmap_sem for write */
export function* kvmSetMemoryRegion(kvm: Kvm, id: SlotId, base: Gfn, npages: number, flags: number): Gen<number> {
  const mm = kvm.host.mmapSem;
  const tid = kvm.host.current;
  yield* mm.downWrite(tid);
  const r = yield* setMemoryRegionLocked(kvm, id, base, npages, flags);
  mm.upWrite(tid);
  return r;
}

function* setMemoryRegionLocked(kvm: Kvm, id: SlotId, base: Gfn, npages: number, flags: number): Gen<number> {
  if (flags & ~KVM_MEM_LOG_DIRTY_PAGES) return EINVAL;
  const bad = kvmCheckMemoryRegion(kvm.memslots, id, base, npages);
  if (bad) return bad;
  const old = idToMemslot(kvm, id);
  if (!npages && !old) return 0;
  kvm.host.trace.emit({ ev: 'kvmVmUpdate', vm: kvm.vmId, what: 'memslot' });
  if (!npages) yield* flushSlot(kvm, old!.baseGfn, old!.npages, () => kvm.memslots.splice(kvm.memslots.indexOf(old!), 1));
  else if (!old) kvm.memslots.push(newMemslot(id, base, npages, flags));
  else {
    const moved = old.baseGfn !== base;
    if (moved) yield* flushSlot(kvm, old.baseGfn, old.npages, () => (old.baseGfn = base));
    yield* setSlotFlags(kvm, old, flags, moved);
  }
  sortMemslots(kvm);
  return 0;
}

/** Turning dirty logging on write-protects the slot so that every next write is seen. */
function* setSlotFlags(kvm: Kvm, slot: KvmMemorySlot, flags: number, moved: boolean): Gen<void> {
  const logging = (flags & KVM_MEM_LOG_DIRTY_PAGES) !== 0;
  if (logging && (!slot.dirtyBitmap || moved)) {
    slot.dirtyBitmap = new Uint8Array(slot.npages);
    const tid = kvm.host.current;
    yield* kvm.lock.lock(tid);
    for (const list of slot.rmap) for (const { sp, index } of list) sp.spt[index]! &= ~PT_WRITABLE_MASK;
    kvm.lock.unlock(tid);
  }
  if (!logging) slot.dirtyBitmap = null;
  slot.flags = flags;
}

/** KVM_SET_NR_MMU_PAGES: kvm_mmu_change_mmu_pages() under mmap_sem for write */
export function* kvmVmIoctlSetNrMmuPages(kvm: Kvm, pages: number): Gen<number> {
  if (pages < KVM_MIN_ALLOC_MMU_PAGES) return EINVAL;
  const mm = kvm.host.mmapSem;
  const tid = kvm.host.current;
  yield* mm.downWrite(tid);
  kvm.host.trace.emit({ ev: 'kvmVmUpdate', vm: kvm.vmId, what: 'nrMmuPages' });
  yield* kvm.lock.lock(tid);
  kvm.nFreeMmuPages += pages - kvm.nMaxMmuPages;
  kvm.nMaxMmuPages = pages;
  kvmMmuFreeSomePages(kvm);
  kvm.lock.unlock(tid);
  kvm.nRequestedMmuPages = pages;
  mm.upWrite(tid);
  return 0;
}
