/**
 * The lifecycle ioctls: loading and unloading the vendor module, creating a VM and closing
 * its last fd, creating a vCPU, and PPC's KVM_ALLOCATE_RMA. They create and tear down what
 * the other ioctls (ioctl.ts) then work on, so they also keep the ids of VMs whose teardown
 * is under way (BuiltinKvm.dying).
 */
import type { SlotId, VcpuId, VmId } from '../api/ids.js';
import type { PpcHvConfig, Vendor } from '../api/ops.js';
import type { Result } from '../api/results.js';
import { EAGAIN, EBADF, EEXIST, EINVAL, ENODEV, ENOENT, ENOMEM } from '../api/errno.js';
import type { BuiltinKvm } from './builtin.js';
import { OK, err, errnoOf } from './ioctl-result.js';
import type { Gen } from './preempt.js';
import { sysMmap } from './mm/syscalls.js';
import { KVM_RMA_PAGE_SHIFT, KVM_RMA_SIZE, kvmAllocRma, rmaFile } from './ppc/rma.js';
import { kvmppcCreateVm, kvmppcDestroyVm, kvmppcVcpuCreate } from './ppc/vm.js';
import { kvmExit, kvmInit } from './setup/module.js';
import { kvmArchVcpuCreate, kvmMmuSetup } from './x86/vcpu.js';
import { kvmCreateVm, kvmDestroyVm } from './x86/vm.js';

export const KVM_MAX_VCPUS = 8;

/**
 * init_module of a vendor module: the loader refuses the one already loaded; the other
 * vendor's init runs and kvm_arch_init() refuses it
 */
export function* moduleLoad(k: BuiltinKvm, vendor: Vendor, tdp: boolean): Gen<Result> {
  if (k.host.module.devRegistered && k.host.config.vendor === vendor) return err(EEXIST);
  const r = yield* kvmInit(k.host, vendor, tdp);
  return r ? err(r) : OK;
}

/** delete_module: -ENOENT when not loaded, -EWOULDBLOCK while a VM holds a module reference */
export function* moduleUnload(k: BuiltinKvm): Gen<Result> {
  // a VM whose teardown is under way still holds the module: wait for it to end
  const settled = () => k.dying.size === 0;
  while (!settled()) yield { at: 'wait', lock: 'kvm_destroy_vm', ready: settled, holders: () => [...k.dying.values()] };
  if (!k.host.module.devRegistered) return err(ENOENT);
  if (k.vms.size + k.ppcVms.size > 0) return err(EAGAIN);
  kvmExit(k.host);
  return OK;
}

/** KVM_CREATE_VM; an id whose old VM is still being torn down is reused once it is gone */
export function* createVm(k: BuiltinKvm, vm: VmId, ppc: PpcHvConfig | undefined): Gen<Result> {
  // open("/dev/kvm") finds no driver while the vendor module is not loaded
  if (!k.host.module.devRegistered) return err(ENODEV);
  const gone = () => !k.dying.has(vm);
  while (!gone()) yield { at: 'wait', lock: `kvm_destroy_vm@vm${vm}`, ready: gone, holders: () => [k.dying.get(vm) ?? -1] };
  if (k.vms.has(vm) || k.ppcVms.has(vm)) return err(EEXIST);
  if (ppc) k.ppcVms.set(vm, kvmppcCreateVm(k.host, vm, ppc));
  else k.vms.set(vm, kvmCreateVm(k.host, vm));
  return OK;
}

/** the last fd closed: new ioctls fail at once, the id stays taken until teardown is over */
export function* destroyVm(k: BuiltinKvm, vm: VmId): Gen<Result> {
  const kvm = k.live(vm);
  const kvmPpc = k.livePpc(vm);
  if (!kvm && !kvmPpc) return err(EBADF);
  k.dying.set(vm, k.host.current);
  if (kvm) yield* kvmDestroyVm(kvm);
  else yield* kvmppcDestroyVm(kvmPpc!);
  k.dying.delete(vm);
  k.vms.delete(vm);
  k.ppcVms.delete(vm);
  return OK;
}

/** kvm_vm_ioctl_create_vcpu(): the id check and the insert under kvm->lock */
export function* createVcpu(k: BuiltinKvm, vm: VmId, id: VcpuId): Gen<Result> {
  const kvmPpc = k.livePpc(vm);
  if (kvmPpc) {
    if (id < 0 || id >= KVM_MAX_VCPUS) return err(EINVAL);
    if (kvmPpc.vcpus.has(id)) return err(EEXIST);
    kvmppcVcpuCreate(kvmPpc, id);
    return OK;
  }
  const tid = k.host.current;
  return yield* k.onVm(vm, function* (kvm) {
    if (id < 0 || id >= KVM_MAX_VCPUS) return err(EINVAL);
    yield* kvm.lock.lock(tid);
    const vcpu = kvm.vcpus.has(id) ? null : kvmArchVcpuCreate(kvm, id);
    kvm.lock.unlock(tid);
    if (!vcpu) return err(EEXIST);
    yield* kvmMmuSetup(vcpu);
    return OK;
  });
}

/** KVM_ALLOCATE_RMA, then mmap of the RMA file behind the slot (the fd is closed after) */
export function* allocRma(k: BuiltinKvm, vm: VmId, slot: SlotId): Gen<Result> {
  if (k.live(vm)) return err(EINVAL);
  if (!k.livePpc(vm)) return err(EBADF);
  if (slot < 0 || slot >= 32) return err(EINVAL);
  const ri = kvmAllocRma(k.host);
  if (!ri) return err(ENOMEM);
  return yield* errnoOf(sysMmap(k.host, vm, slot, KVM_RMA_PAGE_SHIFT, KVM_RMA_SIZE >> KVM_RMA_PAGE_SHIFT, rmaFile(ri)));
}
