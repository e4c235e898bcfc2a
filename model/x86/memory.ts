/**
 * Guest memory as the model sees it: memory slots (which gfns are RAM). The guest's own
 * page tables are in guest-tables.ts (their contents) and walk.ts (the walk).
 */
import type { Gfn, SlotId } from '../../api/ids.js';
import { KVM_MEM_LOG_DIRTY_PAGES } from '../../api/ops.js';
import { EEXIST, EINVAL } from '../../api/errno.js';
import type { ModelSlot, ModelVm } from '../state.js';
import { KVM_MEM_READONLY, RULES, type RuleSet } from '../rules.js';
import type { Outcome } from '../outcome.js';

export const KVM_MEMORY_SLOTS = 32;

export const slotBacking = (vm: ModelVm, g: number): ModelSlot | undefined =>
  [...vm.slots.values()].find((s) => g >= s.gfn && g < s.gfn + s.npages);

/** A slot a guest write may change: backed and not read-only (a write to KVM_MEM_READONLY memory exits to userspace as MMIO) */
export const writableBacking = (vm: ModelVm, g: number): ModelSlot | undefined => {
  const s = slotBacking(vm, g);
  return s && !(s.flags & KVM_MEM_READONLY) ? s : undefined;
};

export const cr3BackedIn = (vm: ModelVm) => (cr3: number): boolean =>
  slotBacking(vm, Math.floor(cr3 / 4096)) !== undefined;

export type SlotChange = 'create' | 'delete' | 'move' | 'same' | 'noop';

/** Marks gfn dirty in the slot backing it, if that slot logs dirty pages. */
export const markDirty = (vm: ModelVm, g: Gfn): ModelVm => {
  for (const [id, s] of vm.slots) {
    if (g < s.gfn || g >= s.gfn + s.npages || !(s.flags & KVM_MEM_LOG_DIRTY_PAGES)) continue;
    const slots = new Map(vm.slots).set(id, { ...s, dirty: new Set(s.dirty).add(g - s.gfn) });
    return { ...vm, slots };
  }
  return vm;
};

/** A region change KVM_SET_USER_MEMORY_REGION accepts: the new slot map, its kind and outcome. */
export interface RegionChange {
  readonly slots: Map<SlotId, ModelSlot>;
  readonly change: SlotChange;
  readonly outcome: Outcome;
}

/** One it refuses: the negative errno and the check that refused it. */
export interface Refusal {
  readonly errno: number;
  readonly outcome: Outcome;
}

/** KVM_SET_USER_MEMORY_REGION's checks: the new slot map and what kind of change it is, or the refusal. */
export const setRegion = (
  vm: ModelVm,
  slot: SlotId,
  base: Gfn,
  npages: number,
  flags: number,
  rs: RuleSet = RULES.seeds,
): RegionChange | Refusal => {
  const refuse = (errno: number, outcome: Outcome): Refusal => ({ errno, outcome });
  if (slot < 0 || slot >= rs.memSlots) return refuse(EINVAL, 'setMemoryRegion/slotId→EINVAL');
  if (flags & ~rs.slotFlags) return refuse(EINVAL, 'setMemoryRegion/flags→EINVAL');
  if (npages < 0 || base < 0) return refuse(EINVAL, 'setMemoryRegion/negative→EINVAL');
  const old = vm.slots.get(slot);
  const slots = new Map(vm.slots);
  if (npages === 0) {
    if (!old && rs.deleteMissingFails) return refuse(EINVAL, 'setMemoryRegion/deleteMissing→EINVAL');
    slots.delete(slot);
    return old ? { slots, change: 'delete', outcome: 'setMemoryRegion/delete' } : { slots, change: 'noop', outcome: 'setMemoryRegion/deleteMissing' };
  }
  if (old && old.npages !== npages) return refuse(EINVAL, 'setMemoryRegion/resize→EINVAL');
  // __kvm_set_memory_region(): an existing slot cannot become, or stop being, read-only
  if (old && (old.flags ^ flags) & KVM_MEM_READONLY) return refuse(EINVAL, 'setMemoryRegion/readonlyChange→EINVAL');
  for (const [id, s] of vm.slots) {
    if (id !== slot && base < s.gfn + s.npages && s.gfn < base + npages) return refuse(EEXIST, 'setMemoryRegion/overlap→EEXIST');
  }
  // upstream kvm_arch_prepare_memory_region(), on create and move only (docs/KVM.md 15)
  if (rs.maxGfn !== null && (!old || old.gfn !== base) && base + npages - 1 > rs.maxGfn) return refuse(EINVAL, 'setMemoryRegion/maxGfn→EINVAL');
  // a new, moved or newly logging slot starts with a clean log (upstream: a move keeps the log)
  const fresh = !old || (old.gfn !== base && !rs.moveKeepsDirtyLog) || !(old.flags & KVM_MEM_LOG_DIRTY_PAGES);
  slots.set(slot, { gfn: base, npages, flags, dirty: fresh ? new Set() : old.dirty });
  if (!old) return { slots, change: 'create', outcome: 'setMemoryRegion/create' };
  if (old.gfn !== base) return { slots, change: 'move', outcome: 'setMemoryRegion/move' };
  const logging = (old.flags ^ flags) & KVM_MEM_LOG_DIRTY_PAGES ? (flags & KVM_MEM_LOG_DIRTY_PAGES ? 'setMemoryRegion/logOn' : 'setMemoryRegion/logOff') : 'setMemoryRegion/same';
  return { slots, change: 'same', outcome: logging };
};
