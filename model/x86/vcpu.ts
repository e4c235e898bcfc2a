/**
 * vCPU transitions of the x86 MMU root lifecycle (seed 000): context changes only drop
 * the root; KVM_RUN loads one right before entry, and a failed load returns the error
 * without entering.
 */
import type { CrReg, GuestAccess } from '../../api/ops.js';
import type { Gfn } from '../../api/ids.js';
import type { Result } from '../../api/results.js';
import { ENOMEM } from '../../api/errno.js';
import type { ModelState, ModelVcpu, ModelVm } from '../state.js';
import { takeFailure } from '../state.js';
import { RESET_REGS, writeCr, writeResetsRoot } from './registers.js';
import { cr3BackedIn, guestTranslate, slotBacking } from './memory.js';

export interface VcpuStep {
  readonly state: ModelState;
  readonly vcpu: ModelVcpu;
  readonly result: Result;
}


export const newVcpu = (): ModelVcpu => ({ ...RESET_REGS, rootLoaded: false });

export const setCr = (s: ModelState, vm: ModelVm, v: ModelVcpu, reg: CrReg, value: number): VcpuStep => {
  const next = writeCr(v, reg, value, cr3BackedIn(vm));
  if (next === 'gp') return { state: s, vcpu: v, result: { kind: 'gp' } };
  const rootLoaded = v.rootLoaded && !writeResetsRoot(reg, next, s.host.tdp);
  return { state: s, vcpu: { ...next, rootLoaded }, result: { kind: 'ok' } };
};

/** What the guest's access does once entered: the exit KVM_RUN reports. */
const accessExit = (vm: ModelVm, v: ModelVcpu, access: GuestAccess | null): Result => {
  if (access === null) return { kind: 'exit', reason: 'hlt' };
  const g = v.walked !== undefined ? v.walked : guestTranslate(vm, v, access.gva);
  if (g === null) return { kind: 'exit', reason: 'guestPageFault', gva: access.gva };
  if (slotBacking(vm, g) === undefined) {
    return { kind: 'exit', reason: 'mmio', gpa: (g * 4096 + (access.gva % 4096)) as never };
  }
  return { kind: 'exit', reason: 'hlt' };
};

/**
 * kvm_mmu_reload: with no root loaded, an injected failure means -ENOMEM and no entry;
 * otherwise the root is loaded (null: the run goes on).
 */
export const reload = (s: ModelState, v: ModelVcpu, tid: number): VcpuStep | null => {
  if (v.rootLoaded) return null;
  const failed = takeFailure(s, tid, 'mmuTopup');
  return failed ? { state: failed, vcpu: v, result: { kind: 'errno', errno: ENOMEM } } : null;
};

/** Entry and the guest's access, after a successful reload. */
export const enter = (s: ModelState, vm: ModelVm, v: ModelVcpu, access: GuestAccess | null): VcpuStep => {
  const { walked: _, ...loaded } = { ...v, rootLoaded: true };
  return { state: s, vcpu: loaded, result: accessExit(vm, v, access) };
};

/** With TDP the CPU walks the guest's tables as it enters: the gfn, or null for a #PF. */
export const hardwareWalk = (s: ModelState, vm: ModelVm, v: ModelVcpu, access: GuestAccess): Gfn | null | undefined =>
  s.host.tdp ? guestTranslate(vm, v, access.gva) : undefined;

export const reset = (s: ModelState): VcpuStep => ({ state: s, vcpu: newVcpu(), result: { kind: 'ok' } });
