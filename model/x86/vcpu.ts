/**
 * vCPU transitions of the x86 MMU root lifecycle (seed 000): context changes only drop
 * the root; KVM_RUN loads one right before entry, and a failed load returns the error
 * without entering. Async page faults (seed 001) are delivered before the reload.
 */
import type { CrReg, GuestAccess } from '../../api/ops.js';
import { EINTR, ENOMEM } from '../../api/errno.js';
import type { ModelState, ModelVcpu, ModelVm } from '../state.js';
import { takeFailure } from '../state.js';
import type { VcpuStep } from '../outcome.js';
import { RESET_REGS, writeCr, writeResetsRoot } from './registers.js';
import { cr3BackedIn, guestTranslate, slotBacking } from './memory.js';
import { faultOnSwapped, noAsyncPf } from '../apf/work.js';
import { deliverCompleted } from '../apf/completion.js';

/** A vCPU after KVM_CREATE_VCPU or INIT: reset registers, no root, no async work. */
export const newVcpu = (): ModelVcpu => ({ ...RESET_REGS, rootLoaded: false, apf: noAsyncPf() });

export const setCr = (s: ModelState, vm: ModelVm, v: ModelVcpu, reg: CrReg, value: number): VcpuStep => {
  const next = writeCr(v, reg, value, cr3BackedIn(vm));
  if (next === 'gp') return { state: s, vm, vcpu: v, result: { kind: 'gp' } };
  const rootLoaded = v.rootLoaded && !writeResetsRoot(reg, next, s.host.tdp);
  return { state: s, vm, vcpu: { ...next, rootLoaded }, result: { kind: 'ok' } };
};

/** What the guest's access does once entered: the exit KVM_RUN reports. */
const guestAccess = (s: ModelState, vm: ModelVm, v: ModelVcpu, access: GuestAccess | null, irqs: boolean): VcpuStep => {
  const exit = (result: VcpuStep['result']): VcpuStep => ({ state: s, vm, vcpu: v, result });
  if (access === null) return exit({ kind: 'exit', reason: 'hlt' });
  const g = guestTranslate(vm, v, access.gva);
  if (g === null) return exit({ kind: 'exit', reason: 'guestPageFault', gva: access.gva });
  if (slotBacking(vm, g) === undefined) {
    return exit({ kind: 'exit', reason: 'mmio', gpa: (g * 4096 + (access.gva % 4096)) as never });
  }
  if (vm.swapped.has(g)) return faultOnSwapped(s, vm, v, g, irqs);
  return exit({ kind: 'exit', reason: 'hlt' });
};

/**
 * KVM_RUN: deliver completed async work; a vCPU still halted by a doublefault blocks
 * (-EINTR, no entry); else kvm_mmu_reload, where no root and an injected failure means
 * -ENOMEM and no entry; then the guest's access.
 */
export const run = (s: ModelState, vm: ModelVm, v: ModelVcpu, access: GuestAccess | null, irqs: boolean): VcpuStep => {
  const d = deliverCompleted(s, vm, v);
  if (d.vcpu.apf.halted) return { ...d, result: { kind: 'errno', errno: EINTR } };
  if (!d.vcpu.rootLoaded) {
    const failed = takeFailure(d.state, 'mmuTopup');
    if (failed) return { ...d, state: failed, result: { kind: 'errno', errno: ENOMEM } };
  }
  return guestAccess(d.state, d.vm, { ...d.vcpu, rootLoaded: true }, access, irqs);
};

export const reset = (s: ModelState, vm: ModelVm): VcpuStep => ({ state: s, vm, vcpu: newVcpu(), result: { kind: 'ok' } });
