/**
 * Memory of a PPC HV VM (seed 004): preparing a region only checks its alignment and
 * allocates the slot's slot_phys array; nothing is pinned until used. Moving a slot drops
 * its HPTEs; deleting one drops them and unpins its pages. Host memory behind a slot may
 * be mapped before or after the region; an RMA is host memory too.
 */
import type { Gfn, SlotId, VmId } from '../../api/ids.js';
import { EBADF, EINVAL, ENOMEM } from '../../api/errno.js';
import type { ModelState } from '../state.js';
import { takeFailure, withEntry, withoutEntry } from '../state.js';
import { setRegion } from '../x86/memory.js';
import { done, fail, type Phase, type Step } from '../outcome.js';
import { RMA_BYTES, RMA_PAGE_SHIFT, WINDOW_BYTES, ppcOf, putPpc, windowOf, type HostMapping } from './state.js';

/** KVM_SET_USER_MEMORY_REGION on a PPC VM */
export const ppcSetRegion = (s: ModelState, id: VmId, slot: SlotId, gfn: Gfn, npages: number, tid: number): Step => {
  const [vm, p] = ppcOf(s, id);
  const r = setRegion(vm, slot, gfn, npages, 0);
  if ('errno' in r) return fail(s, r.errno, r.outcome);
  const withSlots = (state: ModelState): ModelState => ({ ...state, vms: withEntry(state.vms, id, { ...state.vms.get(id)!, slots: r.slots }) });
  if (r.change === 'noop') return done(s, r.outcome);
  // a deleted or moved slot's HPTEs go; a deleted slot's pages are unpinned
  const old = vm.slots.get(slot);
  const inOld = (gpa: number): boolean => !!old && gpa >= old.gfn * 4096 && gpa < (old.gfn + old.npages) * 4096;
  const flushed = new Map([...p.hpt].filter(([, gpa]) => !inOld(gpa)));
  if (r.change === 'delete') return done(withSlots(putPpc(s, id, { ...p, hpt: flushed, phys: withoutEntry(p.phys, slot) })), r.outcome);
  // kvmppc_core_prepare_memory_region: RAM-page alignment, then a slot_phys array if none
  const ramPages = 2 ** (p.ramPorder - 12);
  if (gfn % ramPages !== 0 || npages % ramPages !== 0) return fail(s, EINVAL, 'setMemoryRegion/ppc.align→EINVAL');
  if (r.change === 'move') return done(withSlots(putPpc(s, id, { ...p, hpt: flushed })), r.outcome);
  if (p.phys.has(slot)) return done(withSlots(s), r.outcome);
  const failed = takeFailure(s, tid, 'vzalloc');
  if (failed) return fail(failed, ENOMEM, 'setMemoryRegion/ppc.vzalloc→ENOMEM');
  const gen = (p.physGen.get(slot) ?? 0) + 1;
  return done(withSlots(putPpc(s, id, { ...p, phys: withEntry(p.phys, slot, new Map()), physGen: withEntry(p.physGen, slot, gen) })), r.outcome);
};

const badWindow = (vm: VmId, slot: SlotId): boolean => vm < 0 || slot < 0 || slot >= 32;

const setMapping = (s: ModelState, vm: VmId, slot: SlotId, m: HostMapping | null): ModelState => {
  const w = windowOf(vm, slot);
  return { ...s, mm: m ? withEntry(s.mm, w, m) : withoutEntry(s.mm, w) };
};

/** mmap of host memory behind a slot; munmap of it (pinned pages stay pinned) */
export const mapHost = (s: ModelState, vm: VmId, slot: SlotId, pageShift: number, pages: number): Step => {
  const bytes = pages * 2 ** pageShift;
  if (badWindow(vm, slot) || ![12, 16, 24].includes(pageShift) || pages < 1 || bytes > WINDOW_BYTES) return fail(s, EINVAL, 'mapHostMemory/args→EINVAL');
  return done(setMapping(s, vm, slot, { pageShift, bytes, rma: false }), 'mapHostMemory/mapped');
};

export const unmapHost = (s: ModelState, vm: VmId, slot: SlotId): Step =>
  badWindow(vm, slot) ? fail(s, EINVAL, 'unmapHostMemory/window→EINVAL') : done(setMapping(s, vm, slot, null), 'unmapHostMemory/unmapped');

/**
 * KVM_ALLOCATE_RMA, then mmap of the RMA behind the slot: two steps, as the ioctl looks the
 * VM up without holding it, and the allocation and mmap that follow are the host's (they
 * may come after a destroy of the VM began). Phase 0: the checks (result null: go on).
 */
export const allocRma = (s: ModelState, vm: VmId, slot: SlotId, tid: number, phase: number): Phase => {
  if (phase === 0) {
    const m = s.vms.get(vm);
    if (!m) return fail(s, EBADF, 'vm.missing→EBADF');
    if (!m.ppc || badWindow(vm, slot)) return fail(s, EINVAL, 'allocRma/window→EINVAL');
    return { state: s, result: null };
  }
  const failed = takeFailure(s, tid, 'rma');
  if (failed) return fail(failed, ENOMEM, 'allocRma/noMemory→ENOMEM');
  return done(setMapping(s, vm, slot, { pageShift: RMA_PAGE_SHIFT, bytes: RMA_BYTES, rma: true }), 'allocRma/mapped');
};
