/**
 * Memory slots as the kernel keeps them: an array sorted by base gfn (highest first),
 * searched with an lru_slot hint and then a binary search.
 * @see include/linux/kvm_host.h search_memslots()
 */
import type { Gfn, SlotId } from '../../api/ids.js';
import type { Kvm, KvmMemorySlot } from './structs.js';

export { KVM_MEMORY_SLOTS } from '../kvm-main.js';

const contains = (s: KvmMemorySlot, gfn: Gfn): boolean => gfn >= s.baseGfn && gfn < s.baseGfn + s.npages;

/** gfn_to_memslot(): the slot backing gfn, or undefined */
export const gfnToMemslot = (kvm: Kvm, gfn: Gfn): KvmMemorySlot | undefined => {
  const slots = kvm.memslots;
  const hint = slots[kvm.lruSlot];
  if (hint && contains(hint, gfn)) return hint;
  let lo = 0;
  let hi = slots.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (gfn >= slots[mid]!.baseGfn) hi = mid;
    else lo = mid + 1;
  }
  const s = slots[lo];
  if (s && contains(s, gfn)) {
    kvm.lruSlot = lo;
    return s;
  }
  return undefined;
};

export const idToMemslot = (kvm: Kvm, id: SlotId): KvmMemorySlot | undefined =>
  kvm.memslots.find((s) => s.id === id);

/** update_memslots(): keep the array sorted after an insert, move or delete */
export const sortMemslots = (kvm: Kvm): void => {
  kvm.memslots.sort((a, b) => b.baseGfn - a.baseGfn);
  kvm.lruSlot = 0;
};

export const KVM_MEM_LOG_DIRTY_PAGES = 1;

export const newMemslot = (id: SlotId, baseGfn: Gfn, npages: number, flags: number): KvmMemorySlot => ({
  id,
  baseGfn,
  npages,
  flags,
  dirtyBitmap: flags & KVM_MEM_LOG_DIRTY_PAGES ? new Uint8Array(npages) : null,
  rmap: Array.from({ length: npages }, () => []),
});
