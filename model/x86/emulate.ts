/**
 * The seed-003 operations: the emulator's guest accesses, KVM_TRANSLATE, dirty logs and
 * the shadow-page budget. Locking is the impl's business; here only the outcomes.
 */
import type { EmulatedAccess, GuestAccess } from '../../api/ops.js';
import type { Gfn, Gva, SlotId, VcpuId } from '../../api/ids.js';
import type { Result } from '../../api/results.js';
import { EINVAL, ENOENT } from '../../api/errno.js';
import type { ModelVcpu, ModelVm } from '../state.js';
import { KVM_MEMORY_SLOTS, guestTranslate, markDirty, slotBacking } from './memory.js';
import { pagingMode } from './registers.js';

export const KVM_MIN_ALLOC_MMU_PAGES = 64;

const gpaOf = (g: Gfn, gva: Gva): number => g * 4096 + (gva % 4096);

/**
 * A guest write to a page the guest uses as a page table (kvm_mmu_pte_write): the shadow
 * pages of that gfn are zapped, so every vCPU whose shadow root is built from it reloads.
 */
export const writeGuestPage = (vm: ModelVm, g: Gfn, tdp: boolean): ModelVm => {
  const vcpus = new Map<VcpuId, ModelVcpu>();
  for (const [id, v] of vm.vcpus) {
    const shadows = !tdp && pagingMode(v) !== 'nonpaging' && Math.floor(v.cr3 / 4096) === g;
    vcpus.set(id, shadows ? { ...v, rootLoaded: false } : v);
  }
  return markDirty({ ...vm, vcpus }, g);
};

/** A guest write access during KVM_RUN reaches RAM: the page is dirty now. */
export const afterGuestAccess = (vm: ModelVm, v: ModelVcpu, a: GuestAccess | null, r: Result): ModelVm => {
  if (a === null || !a.write || r.kind !== 'exit' || r.reason !== 'hlt') return vm;
  const g = guestTranslate(vm, v, a.gva);
  return g === null ? vm : markDirty(vm, g);
};

export const emulate = (vm: ModelVm, v: ModelVcpu, access: EmulatedAccess, gva: Gva, tdp: boolean): { vm: ModelVm; result: Result } => {
  const g = guestTranslate(vm, v, gva);
  if (g === null) return { vm, result: { kind: 'emulated', outcome: 'propagateFault' } };
  if (!slotBacking(vm, g)) return { vm, result: { kind: 'emulated', outcome: 'mmio', gpa: gpaOf(g, gva) as never } };
  const next = access === 'read' ? vm : writeGuestPage(vm, g, tdp);
  return { vm: next, result: { kind: 'emulated', outcome: 'continue' } };
};

export const translate = (vm: ModelVm, v: ModelVcpu, gva: Gva): Result => {
  const g = guestTranslate(vm, v, gva);
  return { kind: 'translation', gpa: g === null ? null : (gpaOf(g, gva) as never) };
};

/** KVM_GET_DIRTY_LOG: the dirty offsets, and the slot with a clean log */
export const getDirtyLog = (vm: ModelVm, slot: SlotId): { vm: ModelVm; result: Result } => {
  const s = vm.slots.get(slot);
  if (slot < 0 || slot >= KVM_MEMORY_SLOTS) return { vm, result: { kind: 'errno', errno: EINVAL } };
  if (!s || !(s.flags & 1)) return { vm, result: { kind: 'errno', errno: ENOENT } };
  const pages = [...s.dirty].sort((a, b) => a - b);
  return { vm: { ...vm, slots: new Map(vm.slots).set(slot, { ...s, dirty: new Set() }) }, result: { kind: 'dirtyLog', pages } };
};
