/**
 * vCPU transitions of the x86 MMU root lifecycle (seed 000): context changes only drop
 * the root; KVM_RUN loads one right before entry, and a failed load returns the error
 * without entering. Async page faults (seed 001) are delivered before the reload.
 */
import type { CrReg, GuestAccess } from '../../api/ops.js';
import type { Gfn } from '../../api/ids.js';
import { EINTR, ENOMEM } from '../../api/errno.js';
import type { ModelState, ModelVcpu, ModelVm } from '../state.js';
import { takeFailure } from '../state.js';
import type { Result } from '../../api/results.js';
import { done, fail, type Outcome, type VcpuStep } from '../outcome.js';
import { RESET_REGS, directMap, pagingMode, writeCr, writeResetsRoot } from './registers.js';
import { cr3BackedIn, slotBacking, writableBacking } from './memory.js';
import { guestTranslate } from './walk.js';
import { RULES, ruleSetOf } from '../rules.js';
import { faultOnSwapped, noAsyncPf } from '../apf/work.js';
import { deliverCompleted } from '../apf/completion.js';

/** A vCPU after KVM_CREATE_VCPU or INIT: reset registers, no root, no async work. */
export const newVcpu = (): ModelVcpu => ({ ...RESET_REGS, rootLoaded: false, apf: noAsyncPf() });

export const setCr = (s: ModelState, vm: ModelVm, v: ModelVcpu, reg: CrReg, value: number): VcpuStep => {
  const next = writeCr(v, reg, value, cr3BackedIn(vm), ruleSetOf(s));
  if ('gp' in next) return { state: s, vm, vcpu: v, result: { kind: 'gp' }, outcomes: [next.gp] };
  // a context reset unloads the root at once (kvm_mmu_reset_context: kvm_mmu_unload), a stale one too
  const reset = writeResetsRoot(reg, next, s.host.tdp);
  const { stale: _, ...unloaded } = next;
  const vcpu: ModelVcpu = reset ? { ...unloaded, rootLoaded: false } : { ...next, rootLoaded: v.rootLoaded };
  const mode = pagingMode(next);
  const outcome: Outcome = mode !== pagingMode(v) ? `setCr/enter.${mode}` : vcpu.rootLoaded ? 'setCr/keepRoot' : 'setCr/sameMode';
  return { state: s, vm, vcpu, result: { kind: 'ok' }, outcomes: [outcome] };
};

/** What the guest's access does once entered: the exit KVM_RUN reports. */
const guestAccess = (s: ModelState, vm: ModelVm, v: ModelVcpu, access: GuestAccess | null, irqs: boolean, tid: number): VcpuStep => {
  const exit = (result: VcpuStep['result'], o: Outcome): VcpuStep => ({ state: s, vm, vcpu: v, result, outcomes: [o] });
  if (access === null) return exit({ kind: 'exit', reason: 'hlt' }, 'run/halt');
  const g = v.walked !== undefined ? v.walked : guestTranslate(vm, v, access.gva);
  if (g === null) return exit({ kind: 'exit', reason: 'guestPageFault', gva: access.gva }, 'run/guestPageFault');
  const backed = slotBacking(vm, g) !== undefined;
  if (!backed || (access.write && writableBacking(vm, g) === undefined)) {
    return exit({ kind: 'exit', reason: 'mmio', gpa: (g * 4096 + (access.gva % 4096)) as never }, backed ? 'run/mmio.readonly' : 'run/mmio');
  }
  if (vm.swapped.has(g)) {
    // the address the fault handler gets: the gpa on a direct map, the gva under shadow paging
    const addr = directMap(v, s.host.tdp) ? g * 4096 + (access.gva % 4096) : access.gva;
    return faultOnSwapped(s, vm, v, g, addr, irqs, tid);
  }
  return exit({ kind: 'exit', reason: 'hlt' }, 'run/access');
};

/**
 * The start of KVM_RUN: completed async work is delivered; a vCPU still halted by a
 * doublefault blocks (-EINTR, no entry). Null result: the run goes on.
 */
export const runStart = (s: ModelState, vm: ModelVm, v: ModelVcpu, tid: number): VcpuStep<Result | null> => {
  const d = deliverCompleted(s, vm, v, tid);
  return d.vcpu.apf.halted ? fail(d, EINTR, 'run/apf.halted→EINTR') : { ...d, result: null };
};

/**
 * kvm_mmu_reload: with no root loaded, an injected failure means -ENOMEM and no entry
 * (outcome `o`); null when the run goes on.
 */
export const reload = (s: ModelState, vm: ModelVm, v: ModelVcpu, tid: number, o: Outcome): VcpuStep | null => {
  if (v.rootLoaded) return null;
  const failed = takeFailure(s, tid, 'mmuTopup');
  // the reload request unloaded the stale root before the load failed (vcpu_enter_guest)
  const { stale: _, ...unloaded } = v;
  return failed ? fail({ state: failed, vm, vcpu: unloaded }, ENOMEM, o) : null;
};

/**
 * Upstream kvm_mmu_load() under shadow paging: a guest root (cr3) no memslot backs is a
 * triple fault (mmu_check_root()), so KVM_RUN exits with KVM_EXIT_SHUTDOWN and no entry.
 * Checked at every run: deleting the root's memslot zaps every root, so it is loaded again.
 */
export const rootUnbacked = (s: ModelState, vm: ModelVm, v: ModelVcpu): VcpuStep | null =>
  RULES[s.rules].rootNeedsMemslot && !s.host.tdp && pagingMode(v) !== 'nonpaging' && !cr3BackedIn(vm)(v.cr3)
    ? { state: s, vm, vcpu: { ...v, rootLoaded: false }, result: { kind: 'exit', reason: 'shutdown' }, outcomes: ['run/rootUnbacked→shutdown'] }
    : null;

/** Entry and the guest's access, after a successful reload. */
export const enter = (s: ModelState, vm: ModelVm, v: ModelVcpu, access: GuestAccess | null, irqs: boolean, tid: number): VcpuStep => {
  const r = guestAccess(s, vm, v, access, irqs, tid);
  const { walked: _, stale: __, ...vcpu } = { ...r.vcpu, rootLoaded: true };
  return { ...r, vcpu };
};

/** With TDP the CPU walks the guest's tables as it enters: the gfn, or null for a #PF. */
export const hardwareWalk = (s: ModelState, vm: ModelVm, v: ModelVcpu, access: GuestAccess): Gfn | null | undefined =>
  s.host.tdp ? guestTranslate(vm, v, access.gva) : undefined;

export const reset = (s: ModelState, vm: ModelVm): VcpuStep => done({ state: s, vm, vcpu: newVcpu() }, 'resetVcpu/reset');
