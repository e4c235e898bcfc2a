/**
 * Dirty logging: a byte per page while KVM_MEM_LOG_DIRTY_PAGES is set. Harvesting the
 * log write-protects the slot again, so the next write to each page faults and is logged.
 * @see virt/kvm/kvm_main.c mark_page_dirty(), kvm_get_dirty_log();
 *      arch/x86/kvm/mmu/mmu.c kvm_mmu_slot_remove_write_access()
 */
import type { Gfn, SlotId } from '../../api/ids.js';
import type { Result } from '../../api/results.js';
import { EINVAL, ENOENT } from '../../api/errno.js';
import type { Gen } from '../preempt.js';
import type { Kvm, KvmMemorySlot } from './structs.js';
import { PT_WRITABLE_MASK } from './structs.js';
import { KVM_MEMORY_SLOTS, gfnToMemslot, idToMemslot } from './memslots.js';

/** mark_page_dirty() */
export const markPageDirty = (kvm: Kvm, gfn: Gfn): void => {
  const slot = gfnToMemslot(kvm, gfn);
  if (slot?.dirtyBitmap) slot.dirtyBitmap[gfn - slot.baseGfn] = 1;
};

/** kvm_mmu_slot_remove_write_access(): every spte of the slot read-only; kvm->lock held */
const slotRemoveWriteAccess = (slot: KvmMemorySlot): void => {
  for (const list of slot.rmap) for (const { sp, index } of list) sp.spt[index]! &= ~PT_WRITABLE_MASK;
};

/** kvm_vm_ioctl_get_dirty_log(): under mmap_sem for write */
export function* kvmVmIoctlGetDirtyLog(kvm: Kvm, id: SlotId): Gen<Result> {
  if (id < 0 || id >= KVM_MEMORY_SLOTS) return { kind: 'errno', errno: EINVAL };
  const mm = kvm.host.mmapSem;
  const tid = kvm.host.current;
  yield* mm.downWrite(tid);
  const slot = idToMemslot(kvm, id);
  let r: Result = { kind: 'errno', errno: ENOENT };
  if (slot?.dirtyBitmap) {
    kvm.host.trace.emit({ ev: 'kvmVmUpdate', vm: kvm.vmId, what: 'dirtyLog' });
    const pages = [...slot.dirtyBitmap.keys()].filter((i) => slot.dirtyBitmap![i]);
    if (pages.length) {
      yield* kvm.lock.lock(tid);
      slotRemoveWriteAccess(slot);
      kvm.lock.unlock(tid);
      slot.dirtyBitmap.fill(0);
    }
    r = { kind: 'dirtyLog', pages };
  }
  mm.upWrite(tid);
  return r;
}
