/**
 * The lookups every ioctl makes first: the VM (and vCPU) it names must exist, or -EBADF;
 * x86-only ioctls refuse a PPC VM with -EINVAL. The rule runs on the object and returns it
 * changed (VmStep, VcpuStep); it is put back in the state here.
 */
import type { VcpuId, VmId } from '../api/ids.js';
import type { Result } from '../api/results.js';
import { EBADF, EINVAL } from '../api/errno.js';
import type { ModelState, ModelVcpu, ModelVm } from './state.js';
import { withEntry } from './state.js';
import { fail, type Step, type VcpuStep, type VmStep } from './outcome.js';

export const putVm = (s: ModelState, id: VmId, vm: ModelVm): ModelState => ({ ...s, vms: withEntry(s.vms, id, vm) });

const back = <R extends Result | null>(s: ModelState, id: VmId, r: VmStep<R>): Step<R> => ({ state: putVm(s, id, r.vm), result: r.result, ...(r.outcomes && { outcomes: r.outcomes }) });

/** Runs a VM operation on an existing VM, or -EBADF. */
export const onVm = (s: ModelState, id: VmId, f: (vm: ModelVm) => VmStep): Step => {
  const vm = s.vms.get(id);
  return vm ? back(s, id, f(vm)) : fail(s, EBADF, 'vm.missing→EBADF');
};

/** An x86-only VM ioctl: -EINVAL on a PPC VM. */
export const onX86Vm = (s: ModelState, id: VmId, f: (vm: ModelVm) => VmStep): Step =>
  s.vms.get(id)?.ppc ? fail(s, EINVAL, 'vm.ppc→EINVAL') : onVm(s, id, f);

/** Runs a vCPU operation (or one phase of it) on an existing x86 vCPU, or -EBADF (-EINVAL on a PPC vCPU). */
export const onVcpu = <R extends Result | null = Result>(s: ModelState, id: VmId, vcpu: VcpuId, f: (vm: ModelVm, v: ModelVcpu) => VcpuStep<R>): Step<R | Result> => {
  const vm = s.vms.get(id);
  const v = vm?.vcpus.get(vcpu);
  if (!vm || !v) return fail(s, EBADF, vm ? 'vcpu.missing→EBADF' : 'vm.missing→EBADF');
  if (vm.ppc) return fail(s, EINVAL, 'vcpu.ppc→EINVAL');
  const r = f(vm, v);
  return back(r.state, id, { ...r, vm: { ...r.vm, vcpus: withEntry(r.vm.vcpus, vcpu, r.vcpu) } });
};
