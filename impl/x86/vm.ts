/**
 * VM lifecycle and memory slots. @see virt/kvm/kvm_main.c kvm_create_vm(),
 * kvm_destroy_vm(), __kvm_set_memory_region()
 */
import type { Gfn, SlotId, VmId } from '../../api/ids.js';
import { EEXIST, EINVAL } from '../../api/errno.js';
import type { KvmHost } from '../host.js';
import { Mutex } from '../locks.js';
import type { Gen } from '../preempt.js';
import type { Kvm } from './structs.js';
import { kvmMmuZapAll } from './mmu-page.js';
import { KVM_MEMORY_SLOTS, idToMemslot, newMemslot, sortMemslots } from './memslots.js';
import { kvmArchVcpuDestroy } from './vcpu.js';
import { releaseHostPages } from '../apf/swap.js';

/** KVM_MIN_ALLOC_MMU_PAGES: the smallest shadow-page budget userspace may set */
export const KVM_MIN_ALLOC_MMU_PAGES = 64;

export const kvmCreateVm = (host: KvmHost, vmId: VmId): Kvm => ({
  vmId,
  host,
  memslots: [],
  lruSlot: 0,
  vcpus: new Map(),
  lock: new Mutex('kvm->lock'),
  mmuPageHash: new Map(),
  activeMmuPages: new Set(),
  pageByHpa: new Map(),
  nFreeMmuPages: KVM_MIN_ALLOC_MMU_PAGES,
  nMaxMmuPages: KVM_MIN_ALLOC_MMU_PAGES,
  gfnToPfn: new Map(),
  swappedOut: new Set(),
});

/** kvm_destroy_vm(): vCPUs first (they hold roots), then every shadow page, then memory */
export function* kvmDestroyVm(kvm: Kvm): Gen<void> {
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

/** Drops every shadow page (kvm_arch_flush_shadow) and the host pages of a slot's frames. */
function* flushSlot(kvm: Kvm, base: Gfn, npages: number): Gen<void> {
  const tid = kvm.host.current;
  yield* kvm.lock.lock(tid);
  kvmMmuZapAll(kvm);
  kvm.lock.unlock(tid);
  releaseHostPages(kvm, base, npages);
}

/** __kvm_set_memory_region(): 0 or a negative errno */
export function* kvmSetMemoryRegion(kvm: Kvm, id: SlotId, base: Gfn, npages: number): Gen<number> {
  if (id < 0 || id >= KVM_MEMORY_SLOTS || npages < 0 || base < 0) return EINVAL;
  const old = idToMemslot(kvm, id);
  if (npages && old && npages !== old.npages) return EINVAL;
  if (npages) {
    for (const s of kvm.memslots) {
      if (s.id !== id && base < s.baseGfn + s.npages && s.baseGfn < base + npages) return EEXIST;
    }
  }
  if (!npages) {
    if (!old) return 0;
    yield* flushSlot(kvm, old.baseGfn, old.npages);
    kvm.memslots.splice(kvm.memslots.indexOf(old), 1);
  } else if (!old) kvm.memslots.push(newMemslot(id, base, npages));
  else if (old.baseGfn !== base) {
    yield* flushSlot(kvm, old.baseGfn, old.npages);
    old.baseGfn = base;
  }
  sortMemslots(kvm);
  return 0;
}
