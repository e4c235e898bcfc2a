/**
 * The seed-003 operations: the emulator's guest accesses, KVM_TRANSLATE, dirty logs and
 * the shadow-page budget. Locking is the impl's business; here only the outcomes.
 */
import { KVM_MEM_LOG_DIRTY_PAGES, type EmulatedAccess, type GuestAccess } from '../../api/ops.js';
import type { Gfn, Gva, SlotId, VcpuId } from '../../api/ids.js';
import type { Result } from '../../api/results.js';
import { EINVAL, ENOENT } from '../../api/errno.js';
import type { ModelVcpu, ModelVm } from '../state.js';
import { KVM_MEMORY_SLOTS, markDirty, slotBacking, writableBacking } from './memory.js';
import { guestTranslate } from './walk.js';
import { bit, bits, pdptes } from './guest-tables.js';
import { pagingMode } from './registers.js';
import { fail, type Outcome, type VcpuStep, type VmStep } from '../outcome.js';
import type { ModelState } from '../state.js';

export const KVM_MIN_ALLOC_MMU_PAGES = 64;

const gpaOf = (g: Gfn, gva: Gva): number => g * 4096 + (gva % 4096);

/**
 * The guest tables a shadow root is built from (mmu_alloc_roots): the page at cr3, or in
 * PAE mode the page directories the present PDPTRs name.
 */
const rootGfns = (v: ModelVcpu): number[] =>
  pagingMode(v) === 'pae' ? pdptes(v.cr3).filter((e) => bit(e, 0)).map((e) => bits(e, 12, 50)) : [Math.floor(v.cr3 / 4096)];

/**
 * A guest write to a page the guest uses as a page table (kvm_mmu_pte_write): the shadow
 * pages of that gfn are zapped. When one of them is a vCPU's loaded root, the zap only
 * marks it invalid and asks every vCPU of the VM to reload (kvm_reload_remote_mmus), so
 * every loaded root goes, not only those built from that gfn.
 */
export const writeGuestPage = (vm: ModelVm, g: Gfn, tdp: boolean): ModelVm => {
  const shadowsFrom = (v: ModelVcpu): boolean => !tdp && pagingMode(v) !== 'nonpaging' && rootGfns(v).includes(g);
  // a root still held after a reload request (stale) is valid until its vCPU unloads it
  const holds = (v: ModelVcpu): boolean => v.rootLoaded || v.stale === true;
  const zapsRoot = [...vm.vcpus.values()].some((v) => holds(v) && shadowsFrom(v));
  if (!zapsRoot) return markDirty(vm, g);
  const vcpus = new Map<VcpuId, ModelVcpu>();
  for (const [id, v] of vm.vcpus) {
    // the zapped root is invalid now; every other root held stays valid until its reload
    const { stale: _, ...rest } = v;
    vcpus.set(id, holds(v) && !shadowsFrom(v) ? { ...rest, rootLoaded: false, stale: true } : { ...rest, rootLoaded: false });
  }
  return markDirty({ ...vm, vcpus }, g);
};

/** A guest write access during KVM_RUN reaches RAM: the page is dirty now. */
export const afterGuestAccess = (vm: ModelVm, v: ModelVcpu, a: GuestAccess | null, r: Result): ModelVm => {
  if (a === null || !a.write || r.kind !== 'exit' || r.reason !== 'hlt') return vm;
  const g = guestTranslate(vm, v, a.gva);
  return g === null ? vm : markDirty(vm, g);
};

/**
 * The emulator translates the gva under one down_read (phase 0: a guest #PF ends it) and
 * touches guest memory under another (phase 1, with the gfn phase 0 found): a read walks
 * again and reads, a write goes to the gfn it has; what is not RAM exits as MMIO.
 */
export const emulate = (
  vm: ModelVm,
  v: ModelVcpu,
  access: EmulatedAccess,
  gva: Gva,
  tdp: boolean,
  phase: number,
): { vm: ModelVm; vcpu: ModelVcpu; result: Result | null; outcomes?: Outcome[] } => {
  if (phase === 0) {
    const g = guestTranslate(vm, v, gva);
    if (g === null) return { vm, vcpu: v, result: { kind: 'emulated', outcome: 'propagateFault' }, outcomes: ['emulate/propagateFault'] };
    return { vm, vcpu: { ...v, walked: g }, result: null };
  }
  const { walked, ...vcpu } = v;
  const g = walked!;
  const mmio: Result = { kind: 'emulated', outcome: 'mmio', gpa: gpaOf(g, gva) as never };
  const continued: Result = { kind: 'emulated', outcome: 'continue' };
  if (access === 'read') {
    const again = guestTranslate(vm, vcpu, gva);
    return again !== null && slotBacking(vm, again) ? { vm, vcpu, result: continued, outcomes: ['emulate/read'] } : { vm, vcpu, result: mmio, outcomes: ['emulate/read.mmio'] };
  }
  if (!writableBacking(vm, g)) return { vm, vcpu, result: mmio, outcomes: ['emulate/write.mmio'] };
  const next = writeGuestPage({ ...vm, vcpus: new Map(vm.vcpus).set(vcpuIdOf(vm, v), vcpu) }, g, tdp);
  const loaded = (m: ModelVm): number => [...m.vcpus.values()].filter((x) => x.rootLoaded).length;
  return { vm: next, vcpu: next.vcpus.get(vcpuIdOf(vm, v))!, result: continued, outcomes: [loaded(next) < loaded(vm) ? 'emulate/write.zapsRoot' : 'emulate/write'] };
};

const vcpuIdOf = (vm: ModelVm, v: ModelVcpu): VcpuId => [...vm.vcpus].find(([, x]) => x === v)![0];

export const translate = (s: ModelState, vm: ModelVm, v: ModelVcpu, gva: Gva): VcpuStep => {
  const g = pagingMode(v) === 'nonpaging' ? (Math.floor(gva / 4096) as Gfn) : guestTranslate(vm, v, gva);
  return { state: s, vm, vcpu: v, result: { kind: 'translation', gpa: g === null ? null : (gpaOf(g, gva) as never) }, outcomes: [g === null ? 'translate/invalid' : 'translate/valid'] };
};

/** KVM_GET_DIRTY_LOG: the dirty offsets, and the slot with a clean log */
export const getDirtyLog = (st: ModelState, vm: ModelVm, slot: SlotId, memSlots = KVM_MEMORY_SLOTS): VmStep => {
  const s = vm.slots.get(slot);
  if (slot < 0 || slot >= memSlots) return fail({ state: st, vm }, EINVAL, 'getDirtyLog/slotId→EINVAL');
  if (!s) return fail({ state: st, vm }, ENOENT, 'getDirtyLog/noSlot→ENOENT');
  if (!(s.flags & KVM_MEM_LOG_DIRTY_PAGES)) return fail({ state: st, vm }, ENOENT, 'getDirtyLog/notLogging→ENOENT');
  const pages = [...s.dirty].sort((a, b) => a - b);
  const harvested = { ...vm, slots: new Map(vm.slots).set(slot, { ...s, dirty: new Set<number>() }) };
  return { state: st, vm: harvested, result: { kind: 'dirtyLog', pages }, outcomes: [pages.length ? 'getDirtyLog/nonEmpty' : 'getDirtyLog/empty'] };
};
