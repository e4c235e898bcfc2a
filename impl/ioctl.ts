/**
 * The ioctl dispatch: one handler per operation kind, like the switch statements of
 * kvm_vm_ioctl() and kvm_vcpu_ioctl(). The table's type maps every kind to its handler, so
 * a kind without one is a compile error; it is built once, and dispatching is a lookup.
 * @see virt/kvm/kvm_main.c kvm_vm_ioctl(), kvm_vcpu_ioctl()
 */
import type { Op } from '../api/ops.js';
import type { Result } from '../api/results.js';
import { ENOENT } from '../api/errno.js';
import { asyncPfExecute, queuedWorkFor } from './apf/queue.js';
import { kvmSwapOutGfn } from './apf/swap.js';
import type { BuiltinKvm } from './builtin.js';
import { OK, err, errnoOf } from './ioctl-result.js';
import { allocRma, createVcpu, createVm, destroyVm, moduleLoad, moduleUnload } from './lifecycle-ioctls.js';
import { sysMmap, sysMunmap } from './mm/syscalls.js';
import { guestHEnter } from './ppc/h-enter.js';
import { kvmppcSetMemoryRegion } from './ppc/vm.js';
import type { Gen } from './preempt.js';
import { kvmVmIoctlGetDirtyLog } from './x86/dirty-log.js';
import { emulate, kvmArchVcpuIoctlTranslate } from './x86/emulate.js';
import { kvmSetCr, kvmSetRflagsIf, kvmVcpuReset } from './x86/vcpu.js';
import { svmVcpuRun, vmxVcpuRun } from './x86/vendor.js';
import { kvmSetMemoryRegion, kvmVmIoctlSetNrMmuPages } from './x86/vm.js';

/** the handler of one operation kind: a generator that runs the ioctl on the impl `k` */
type Ioctl<K extends Op['kind']> = (k: BuiltinKvm, op: Extract<Op, { kind: K }>) => Gen<Result>;

type Ioctls = { readonly [K in Op['kind']]: Ioctl<K> };

export const IOCTLS: Ioctls = {
  moduleLoad: (k, { vendor, tdp }) => moduleLoad(k, vendor, tdp),
  moduleUnload: (k) => moduleUnload(k),
  createVm: (k, { vm, ppc }) => createVm(k, vm, ppc),
  destroyVm: (k, { vm }) => destroyVm(k, vm),
  createVcpu: (k, { vm, vcpu }) => createVcpu(k, vm, vcpu),
  allocRma: (k, { vm, slot }) => allocRma(k, vm, slot),

  // VM ioctls
  setMemoryRegion: (k, { vm, slot, gfn, npages, flags }) =>
    k.withVm(
      vm,
      (kvm) => kvmSetMemoryRegion(kvm, slot, gfn, npages, flags ?? 0),
      (kvm) => kvmppcSetMemoryRegion(kvm, slot, gfn, npages),
    ),
  setNrMmuPages: (k, { vm, pages }) => k.onVm(vm, (kvm) => errnoOf(kvmVmIoctlSetNrMmuPages(kvm, pages))),
  getDirtyLog: (k, { vm, slot }) => k.onVm(vm, (kvm) => kvmVmIoctlGetDirtyLog(kvm, slot)),

  // vCPU ioctls
  emulate: (k, { vm, vcpu, access, gva }) => k.onVcpu(vm, vcpu, (v) => emulate(v, access, gva)),
  translate: (k, { vm, vcpu, gva }) => k.onVcpu(vm, vcpu, (v) => kvmArchVcpuIoctlTranslate(v, gva)),
  setCr: (k, { vm, vcpu, reg, value }) =>
    k.onVcpu(vm, vcpu, function* (v) {
      return (yield* kvmSetCr(v, reg, value)) ? OK : ({ kind: 'gp' } as const);
    }),
  resetVcpu: (k, { vm, vcpu }) =>
    k.onVcpu(vm, vcpu, function* (v) {
      yield* kvmVcpuReset(v);
      return OK;
    }),
  run: (k, { vm, vcpu, access, interruptsAllowed }) =>
    k.livePpc(vm)
      ? k.onPpcVcpu(vm, vcpu, function* (): Gen<Result> {
          return { kind: 'exit', reason: 'hlt' };
        })
      : k.onVcpu(vm, vcpu, (v) => {
          kvmSetRflagsIf(v, interruptsAllowed ?? false);
          return k.host.config.vendor === 'svm' ? svmVcpuRun(v, access) : vmxVcpuRun(v, access);
        }),
  hEnter: (k, { vm, vcpu, pteIndex, exact, gpa, pageShift }) =>
    k.onPpcVcpu(vm, vcpu, function* (v): Gen<Result> {
      const h = yield* guestHEnter(v, pteIndex, exact, gpa, pageShift);
      return { kind: 'hcall', ret: h.ret, index: h.index };
    }),
  asyncPfDone: (k, { vm, vcpu, gfn }) =>
    k.onVcpu(vm, vcpu, function* (v) {
      const work = queuedWorkFor(v, gfn);
      if (!work) return err(ENOENT);
      yield* asyncPfExecute(v, work);
      return OK;
    }),

  // the host side: reclaim, the VMM's mmap and munmap, fault injection
  swapOut: (k, { vm, gfn }) => k.onVm(vm, (kvm) => errnoOf(kvmSwapOutGfn(kvm, gfn))),
  mapHostMemory: (k, { vm, slot, pageShift, pages }) => errnoOf(sysMmap(k.host, vm, slot, pageShift, pages, null)),
  unmapHostMemory: (k, { vm, slot }) => errnoOf(sysMunmap(k.host, vm, slot)),
  *failAlloc(k, { site, count }) {
    k.host.faults.arm(site, count);
    return OK;
  },
};

/** kvm_vm_ioctl() / kvm_vcpu_ioctl(): the handler of the operation's kind */
export const dispatch = (k: BuiltinKvm, op: Op): Gen<Result> => (IOCTLS[op.kind] as Ioctl<Op['kind']>)(k, op);
