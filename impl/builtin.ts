/**
 * The built-in implementation: the ioctl layer over the kernel-shaped subsystems. Each
 * operation is a generator (see preempt.ts); apply() runs it to completion.
 */
import { match } from 'ts-pattern';
import type { AbstractState } from '../api/abstract.js';
import type { Implementation, ImplementationFactory } from '../api/implementation.js';
import type { HostConfig, Op, Vendor } from '../api/ops.js';
import type { Result } from '../api/results.js';
import type { VcpuId, VmId } from '../api/ids.js';
import { EAGAIN, EBADF, EEXIST, EINVAL, ENODEV, ENOENT } from '../api/errno.js';
import type { KvmHost } from './host.js';
import { FaultInjector } from './fault-inject.js';
import { HostPages } from './host-memory.js';
import { MUTANTS, isMutantName, mutantFlags } from './mutants.js';
import { drain, type Gen } from './preempt.js';
import { Tracer } from './trace.js';
import type { Kvm, KvmVcpu } from './x86/structs.js';
import { kvmCreateVm, kvmDestroyVm, kvmSetMemoryRegion } from './x86/vm.js';
import { kvmArchVcpuCreate, kvmSetCr, kvmSetRflagsIf, kvmVcpuReset } from './x86/vcpu.js';
import { svmVcpuRun, vmxVcpuRun } from './x86/vendor.js';
import { abstractKvm } from './abstract.js';
import { newKvmModule } from './setup/structs.js';
import { kvmExit, kvmInit } from './setup/module.js';
import { kvmSwapOutGfn } from './apf/swap.js';
import { asyncPfExecute, queuedWorkFor } from './apf/queue.js';

export const KVM_MAX_VCPUS = 8;

const OK: Result = { kind: 'ok' };
const err = (errno: number): Result => ({ kind: 'errno', errno });

export class BuiltinKvm implements Implementation {
  readonly host: KvmHost;
  readonly vms = new Map<VmId, Kvm>();

  constructor(config: HostConfig, mutant: string | null) {
    if (mutant !== null && !isMutantName(mutant)) throw new Error(`unknown mutant: ${mutant}`);
    const trace = new Tracer();
    this.host = {
      config, trace, faults: new FaultInjector(trace), mutants: mutantFlags(mutant), pages: new HostPages(), module: newKvmModule(), current: 0,
    };
    // the module loaded at boot: the case's precondition (the runner's hostConfig record),
    // so its tracepoints are not part of the trace
    const r = drain(kvmInit(this.host, config.vendor, config.tdp));
    if (r) throw new Error(`BUG: loading the vendor module at boot failed with ${r}`);
    trace.drain();
  }

  apply(op: Op): Result {
    return drain(this.exec(op));
  }

  drainEvents() {
    return this.host.trace.drain();
  }

  abstract(): AbstractState {
    return abstractKvm(this.host, this.vms);
  }

  private *onVcpu(vm: VmId, id: VcpuId, f: (v: KvmVcpu) => Gen<Result>): Gen<Result> {
    const vcpu = this.vms.get(vm)?.vcpus.get(id);
    return vcpu ? yield* f(vcpu) : err(EBADF);
  }

  /** The ioctl dispatcher: one generator per operation. */
  *exec(op: Op): Gen<Result> {
    return yield* match(op)
      .with({ kind: 'createVm' }, ({ vm }) => this.createVm(vm))
      .with({ kind: 'destroyVm' }, ({ vm }) => this.destroyVm(vm))
      .with({ kind: 'setMemoryRegion' }, ({ vm, slot, gfn, npages }) => this.withVm(vm, (kvm) => kvmSetMemoryRegion(kvm, slot, gfn, npages)))
      .with({ kind: 'createVcpu' }, ({ vm, vcpu }) => this.createVcpu(vm, vcpu))
      .with({ kind: 'setCr' }, ({ vm, vcpu, reg, value }) =>
        this.onVcpu(vm, vcpu, function* (v) {
          return (yield* kvmSetCr(v, reg, value)) ? OK : ({ kind: 'gp' } as const);
        }),
      )
      .with({ kind: 'resetVcpu' }, ({ vm, vcpu }) =>
        this.onVcpu(vm, vcpu, function* (v) {
          yield* kvmVcpuReset(v);
          return OK;
        }),
      )
      .with({ kind: 'run' }, ({ vm, vcpu, access, interruptsAllowed }) =>
        this.onVcpu(vm, vcpu, (v) => {
          kvmSetRflagsIf(v, interruptsAllowed);
          return this.host.config.vendor === 'svm' ? svmVcpuRun(v, access) : vmxVcpuRun(v, access);
        }),
      )
      .with({ kind: 'failAlloc' }, ({ site, count }) => {
        this.host.faults.arm(site, count);
        return (function* (): Gen<Result> {
          return OK;
        })();
      })
      .with({ kind: 'swapOut' }, ({ vm, gfn }) => this.withVm(vm, (kvm) => kvmSwapOutGfn(kvm, gfn)))
      .with({ kind: 'asyncPfDone' }, ({ vm, vcpu, gfn }) =>
        this.onVcpu(vm, vcpu, function* (v) {
          const work = queuedWorkFor(v, gfn);
          if (!work) return err(ENOENT);
          yield* asyncPfExecute(v, work);
          return OK;
        }),
      )
      .with({ kind: 'moduleLoad' }, ({ vendor, tdp }) => this.moduleLoad(vendor, tdp))
      .with({ kind: 'moduleUnload' }, () => this.moduleUnload())
      .exhaustive();
  }

  /**
   * init_module of a vendor module: the loader refuses the one already loaded; the other
   * vendor's init runs and kvm_arch_init() refuses it
   */
  private *moduleLoad(vendor: Vendor, tdp: boolean): Gen<Result> {
    if (this.host.module.devRegistered && this.host.config.vendor === vendor) return err(EEXIST);
    const r = yield* kvmInit(this.host, vendor, tdp);
    return r ? err(r) : OK;
  }

  /** delete_module: -ENOENT when not loaded, -EWOULDBLOCK while a VM holds a module reference */
  private *moduleUnload(): Gen<Result> {
    if (!this.host.module.devRegistered) return err(ENOENT);
    if (this.vms.size > 0) return err(EAGAIN);
    kvmExit(this.host);
    return OK;
  }

  private *withVm(vm: VmId, f: (kvm: Kvm) => Gen<number>): Gen<Result> {
    const kvm = this.vms.get(vm);
    if (!kvm) return err(EBADF);
    const r = yield* f(kvm);
    return r ? err(r) : OK;
  }

  private *createVm(vm: VmId): Gen<Result> {
    // open("/dev/kvm") finds no driver while the vendor module is not loaded
    if (!this.host.module.devRegistered) return err(ENODEV);
    if (this.vms.has(vm)) return err(EEXIST);
    this.vms.set(vm, kvmCreateVm(this.host, vm));
    return OK;
  }

  private *destroyVm(vm: VmId): Gen<Result> {
    const kvm = this.vms.get(vm);
    if (!kvm) return err(EBADF);
    this.vms.delete(vm);
    yield* kvmDestroyVm(kvm);
    return OK;
  }

  private *createVcpu(vm: VmId, id: VcpuId): Gen<Result> {
    const kvm = this.vms.get(vm);
    if (!kvm) return err(EBADF);
    if (id < 0 || id >= KVM_MAX_VCPUS) return err(EINVAL);
    if (kvm.vcpus.has(id)) return err(EEXIST);
    yield* kvmArchVcpuCreate(kvm, id);
    return OK;
  }
}

export const builtinFactory: ImplementationFactory = {
  name: 'builtin',
  mutants: Object.keys(MUTANTS),
  create: (config, mutant) => new BuiltinKvm(config, mutant),
};
