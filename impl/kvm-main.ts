/**
 * The arch-independent checks of KVM_SET_USER_MEMORY_REGION, shared by the x86 and PPC
 * memslot code. @see virt/kvm/kvm_main.c __kvm_set_memory_region()
 */
import type { Gfn, SlotId } from '../api/ids.js';
import { EEXIST, EINVAL } from '../api/errno.js';

export const KVM_MEMORY_SLOTS = 32;

interface SlotRange {
  readonly id: SlotId;
  readonly baseGfn: Gfn;
  readonly npages: number;
}

/** 0 when the new region may be set, else -EINVAL (bad slot, size change) or -EEXIST (overlap) */
export const kvmCheckMemoryRegion = (slots: readonly SlotRange[], id: SlotId, base: Gfn, npages: number): number => {
  if (id < 0 || id >= KVM_MEMORY_SLOTS || npages < 0 || base < 0) return EINVAL;
  const old = slots.find((s) => s.id === id);
  if (npages && old && npages !== old.npages) return EINVAL;
  if (!npages) return 0;
  const overlaps = (s: SlotRange): boolean => s.id !== id && base < s.baseGfn + s.npages && s.baseGfn < base + npages;
  return slots.some(overlaps) ? EEXIST : 0;
};
