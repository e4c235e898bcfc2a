/** Small builders shared by the test files. */
import type { Gfn, Gva, SlotId, VcpuId, VmId } from '../api/ids.js';
import type { AllocSite, CrReg, HostConfig, Op, Vendor } from '../api/ops.js';
import type { Result } from '../api/results.js';
import { initialState, type ModelState } from '../model/state.js';
import { step } from '../model/step.js';

export const VMX: HostConfig = { vendor: 'vmx', tdp: false };
export const SVM_TDP: HostConfig = { vendor: 'svm', tdp: true };

export const op = {
  createVm: (vm = 0): Op => ({ kind: 'createVm', vm: vm as VmId }),
  destroyVm: (vm = 0): Op => ({ kind: 'destroyVm', vm: vm as VmId }),
  slot: (slot: number, gfn: number, npages: number, vm = 0, flags?: number): Op => ({
    kind: 'setMemoryRegion', vm: vm as VmId, slot: slot as SlotId, gfn: gfn as Gfn, npages, ...(flags === undefined ? {} : { flags }),
  }),
  createVcpu: (vcpu = 0, vm = 0): Op => ({ kind: 'createVcpu', vm: vm as VmId, vcpu: vcpu as VcpuId }),
  setCr: (reg: CrReg, value: number, vcpu = 0, vm = 0): Op => ({ kind: 'setCr', vm: vm as VmId, vcpu: vcpu as VcpuId, reg, value }),
  reset: (vcpu = 0, vm = 0): Op => ({ kind: 'resetVcpu', vm: vm as VmId, vcpu: vcpu as VcpuId }),
  run: (gva: number | null = null, write = false, vcpu = 0, vm = 0, interruptsAllowed = false): Op => ({
    kind: 'run', vm: vm as VmId, vcpu: vcpu as VcpuId, access: gva === null ? null : { gva: gva as Gva, write }, interruptsAllowed,
  }),
  /** KVM_RUN with interrupts allowed, so a fault on a swapped-out page may go async */
  runIf: (gva: number | null = null, vcpu = 0, vm = 0): Op => op.run(gva, false, vcpu, vm, true),
  failTopup: (count = 1): Op => ({ kind: 'failAlloc', site: 'mmuTopup', count }),
  fail: (site: AllocSite, count = 1): Op => ({ kind: 'failAlloc', site, count }),
  swapOut: (gfn: number, vm = 0): Op => ({ kind: 'swapOut', vm: vm as VmId, gfn: gfn as Gfn }),
  apfDone: (gfn: number, vcpu = 0, vm = 0): Op => ({ kind: 'asyncPfDone', vm: vm as VmId, vcpu: vcpu as VcpuId, gfn: gfn as Gfn }),
  load: (vendor: Vendor = 'vmx', tdp = false): Op => ({ kind: 'moduleLoad', vendor, tdp }),
  unload: (): Op => ({ kind: 'moduleUnload' }),
};

/** a VM with 32 pages at gfn 0 and vcpu 0 */
export const BASIC: Op[] = [op.createVm(), op.slot(0, 0, 32), op.createVcpu()];

/** the register writes that switch vcpu 0 to 64-bit long mode with cr3 0x2000 */
export const TO_LONG_MODE: Op[] = [
  op.setCr('cr3', 0x2000), op.setCr('cr4', 0x20), op.setCr('efer', 0x100), op.setCr('cr0', 0x80000001),
];

/** Steps the model through `ops` from a module loaded with `config`. */
export const runModel = (ops: Op[], config: HostConfig = VMX): { state: ModelState; results: Result[] } => {
  let state = initialState(config);
  const results: Result[] = [];
  for (const o of ops) {
    const r = step(state, o);
    state = r.state;
    results.push(r.result);
  }
  return { state, results };
};
