/** Small builders shared by the test files. */
import type { Gfn, Gva, SlotId, VcpuId, VmId } from '../api/ids.js';
import type { CrReg, HostConfig, Op } from '../api/ops.js';

export const VMX: HostConfig = { vendor: 'vmx', tdp: false };
export const SVM_TDP: HostConfig = { vendor: 'svm', tdp: true };

export const op = {
  createVm: (vm = 0): Op => ({ kind: 'createVm', vm: vm as VmId }),
  destroyVm: (vm = 0): Op => ({ kind: 'destroyVm', vm: vm as VmId }),
  slot: (slot: number, gfn: number, npages: number, vm = 0): Op => ({
    kind: 'setMemoryRegion', vm: vm as VmId, slot: slot as SlotId, gfn: gfn as Gfn, npages,
  }),
  createVcpu: (vcpu = 0, vm = 0): Op => ({ kind: 'createVcpu', vm: vm as VmId, vcpu: vcpu as VcpuId }),
  setCr: (reg: CrReg, value: number, vcpu = 0, vm = 0): Op => ({ kind: 'setCr', vm: vm as VmId, vcpu: vcpu as VcpuId, reg, value }),
  reset: (vcpu = 0, vm = 0): Op => ({ kind: 'resetVcpu', vm: vm as VmId, vcpu: vcpu as VcpuId }),
  run: (gva: number | null = null, write = false, vcpu = 0, vm = 0): Op => ({
    kind: 'run', vm: vm as VmId, vcpu: vcpu as VcpuId, access: gva === null ? null : { gva: gva as Gva, write },
  }),
  failTopup: (count = 1): Op => ({ kind: 'failAlloc', site: 'mmuTopup', count }),
};

/** a VM with 32 pages at gfn 0 and vcpu 0 */
export const BASIC: Op[] = [op.createVm(), op.slot(0, 0, 32), op.createVcpu()];

/** the register writes that switch vcpu 0 to 64-bit long mode with cr3 0x2000 */
export const TO_LONG_MODE: Op[] = [
  op.setCr('cr3', 0x2000), op.setCr('cr4', 0x20), op.setCr('efer', 0x100), op.setCr('cr0', 0x80000001),
];
