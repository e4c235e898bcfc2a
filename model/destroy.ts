/**
 * Destroying a VM (the last fd closed: kvm_destroy_vm) is not one instant. It begins: from
 * then on a new ioctl on the VM fails with -EBADF, as if it were gone, while those already
 * inside finish on it. It ends once they have and teardown is over: only then is the id
 * free again (KVM_CREATE_VM of it waits, and so does a module unload, which the VM's
 * module reference holds off). Each step is linearized on its own, so an operation that
 * failed after the destroy began and one that finished inside the VM later fit one order.
 * @see virt/kvm/kvm_main.c kvm_vm_release(), kvm_put_kvm(), kvm_destroy_vm()
 */
import type { Op } from '../api/ops.js';
import type { VmId } from '../api/ids.js';
import { EBADF } from '../api/errno.js';
import type { ModelState, ModelVm } from './state.js';
import { withEntry, withoutEntry } from './state.js';
import { done, fail, type Phase } from './outcome.js';

/** the VMs whose destroy has begun and not ended */
const dying = (s: ModelState): [VmId, ModelVm][] => [...s.vms].filter(([, vm]) => vm.dying);

/** an operation of this VM's vCPUs has begun and not returned (its next phase is kept in the vCPU) */
const busy = (vm: ModelVm): boolean => [...vm.vcpus.values()].some((v) => v.walked !== undefined || v.reentering === true || v.ppcRun !== undefined);

/** destroyVm in two phases: 0 begins (or -EBADF), 1 ends once no operation is inside */
export const destroyPhase = (s: ModelState, id: VmId, phase: number): Phase => {
  const vm = s.vms.get(id);
  if (phase === 0) {
    if (!vm || vm.dying) return fail(s, EBADF, 'vm.missing→EBADF');
    return { state: { ...s, vms: withEntry(s.vms, id, { ...vm, dying: true }) }, result: null };
  }
  if (busy(vm!)) return { state: s, result: null, blocked: true };
  return done({ ...s, vms: withoutEntry(s.vms, id) }, 'destroyVm/destroyed');
};

/**
 * The first phase of any other operation: a new ioctl, which does not see a VM being
 * destroyed (it runs on the state without it, and the VM is put back after). Creating a VM
 * with that id, and a module unload, wait for the teardown to end.
 */
export const newIoctl = (s: ModelState, op: Op, f: (s: ModelState) => Phase): Phase => {
  const gone = dying(s);
  if (gone.length === 0) return f(s);
  if ((op.kind === 'createVm' && s.host.loaded && s.vms.has(op.vm)) || op.kind === 'moduleUnload') return { state: s, result: null, blocked: true };
  const r = f({ ...s, vms: new Map([...s.vms].filter(([, vm]) => !vm.dying)) });
  return { ...r, state: { ...r.state, vms: new Map([...r.state.vms, ...gone]) } };
};
