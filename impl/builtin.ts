/**
 * The built-in implementation: the ioctl layer over the kernel-shaped subsystems. Each
 * operation is a generator (see preempt.ts); apply() runs it to completion.
 */
import { match } from 'ts-pattern';
import type { AbstractState } from '../api/abstract.js';
import type { Implementation, ImplementationFactory, OpThread, ThreadStep } from '../api/implementation.js';
import type { HostConfig, Op } from '../api/ops.js';
import type { Result } from '../api/results.js';
import type { VcpuId, VmId } from '../api/ids.js';
import { EBADF, EEXIST, EINVAL } from '../api/errno.js';
import type { KvmHost } from './host.js';
import { FaultInjector } from './fault-inject.js';
import { HostPages } from './host-memory.js';
import { MUTANTS, isMutantName, mutantFlags } from './mutants.js';
import { drain, type Gen } from './preempt.js';
import { Tracer } from './trace.js';
import { RwSem } from './locks.js';
import type { Kvm, KvmVcpu } from './x86/structs.js';
import { kvmCreateVm, kvmDestroyVm, kvmSetMemoryRegion, kvmVmIoctlSetNrMmuPages, withVmUser } from './x86/vm.js';
import { kvmVmIoctlGetDirtyLog } from './x86/dirty-log.js';
import { emulate, kvmArchVcpuIoctlTranslate } from './x86/emulate.js';
import { kvmArchVcpuCreate, kvmMmuSetup, kvmSetCr, kvmVcpuReset } from './x86/vcpu.js';
import { svmVcpuRun, vmxVcpuRun } from './x86/vendor.js';
import { abstractKvm } from './abstract.js';

export const KVM_MAX_VCPUS = 8;

const OK: Result = { kind: 'ok' };
const err = (errno: number): Result => ({ kind: 'errno', errno });

export class BuiltinKvm implements Implementation {
  readonly host: KvmHost;
  readonly vms = new Map<VmId, Kvm>();
  /** VMs whose kvm_destroy_vm is under way */
  private readonly dying = new Set<VmId>();
  /** the thread tearing each dying VM down */
  private readonly destroyer = new Map<VmId, number>();

  constructor(config: HostConfig, mutant: string | null) {
    if (mutant !== null && !isMutantName(mutant)) throw new Error(`unknown mutant: ${mutant}`);
    const trace = new Tracer();
    this.host = {
      config,
      trace,
      faults: new FaultInjector(trace, () => this.host.current),
      mutants: mutantFlags(mutant),
      pages: new HostPages(),
      current: 0,
      mmapSem: new RwSem('mmap_sem', 'mm', trace),
    };
  }

  apply(op: Op): Result {
    this.host.current = 0;
    return drain(this.exec(op));
  }

  begin(tid: number, op: Op): OpThread {
    const g = this.exec(op);
    const host = this.host;
    return {
      step(): ThreadStep {
        host.current = tid;
        const r = g.next();
        return r.done ? { done: true, result: r.value } : { done: false, point: r.value };
      },
    };
  }

  drainEvents() {
    return this.host.trace.drain();
  }

  abstract(): AbstractState {
    return abstractKvm(this.host, this.vms);
  }

  /** kvm_vcpu_ioctl(): a reference on the VM, and vcpu->mutex around the ioctl */
  private *onVcpu(vm: VmId, id: VcpuId, f: (v: KvmVcpu) => Gen<Result>): Gen<Result> {
    const vcpu = this.live(vm)?.vcpus.get(id);
    if (!vcpu) return err(EBADF);
    const tid = this.host.current;
    return yield* withVmUser(
      vcpu.kvm,
      (function* () {
        yield* vcpu.mutex.lock(tid);
        try {
          return yield* f(vcpu);
        } finally {
          vcpu.mutex.unlock(tid);
        }
      })(),
    );
  }

  /** The ioctl dispatcher: one generator per operation. */
  *exec(op: Op): Gen<Result> {
    return yield* match(op)
      .with({ kind: 'createVm' }, ({ vm }) => this.createVm(vm))
      .with({ kind: 'destroyVm' }, ({ vm }) => this.destroyVm(vm))
      .with({ kind: 'setMemoryRegion' }, ({ vm, slot, gfn, npages, flags }) =>
        this.withVm(vm, (kvm) => kvmSetMemoryRegion(kvm, slot, gfn, npages, flags ?? 0)),
      )
      .with({ kind: 'setNrMmuPages' }, ({ vm, pages }) => this.withVm(vm, (kvm) => kvmVmIoctlSetNrMmuPages(kvm, pages)))
      .with({ kind: 'getDirtyLog' }, ({ vm, slot }) => this.onVm(vm, (kvm) => kvmVmIoctlGetDirtyLog(kvm, slot)))
      .with({ kind: 'emulate' }, ({ vm, vcpu, access, gva }) => this.onVcpu(vm, vcpu, (v) => emulate(v, access, gva)))
      .with({ kind: 'translate' }, ({ vm, vcpu, gva }) => this.onVcpu(vm, vcpu, (v) => kvmArchVcpuIoctlTranslate(v, gva)))
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
      .with({ kind: 'run' }, ({ vm, vcpu, access }) =>
        this.onVcpu(vm, vcpu, (v) => (this.host.config.vendor === 'svm' ? svmVcpuRun(v, access) : vmxVcpuRun(v, access))),
      )
      .with({ kind: 'failAlloc' }, ({ site, count }) => {
        this.host.faults.arm(site, count);
        return (function* (): Gen<Result> {
          return OK;
        })();
      })
      .exhaustive();
  }

  /** kvm_vm_ioctl(): the thread holds a reference on the VM while inside */
  private *onVm(vm: VmId, f: (kvm: Kvm) => Gen<Result>): Gen<Result> {
    const kvm = this.live(vm);
    return kvm ? yield* withVmUser(kvm, f(kvm)) : err(EBADF);
  }

  /** a VM ioctl that returns 0 or a negative errno */
  private withVm(vm: VmId, f: (kvm: Kvm) => Gen<number>): Gen<Result> {
    return this.onVm(vm, function* (kvm) {
      const r = yield* f(kvm);
      return r ? err(r) : OK;
    });
  }

  /** KVM_CREATE_VM; an id whose old VM is still being torn down is reused once it is gone */
  private *createVm(vm: VmId): Gen<Result> {
    const gone = () => !this.dying.has(vm);
    while (!gone()) yield { at: 'wait', lock: `kvm_destroy_vm@vm${vm}`, ready: gone, holders: () => (this.destroyer.has(vm) ? [this.destroyer.get(vm)!] : []) };
    if (this.vms.has(vm)) return err(EEXIST);
    this.vms.set(vm, kvmCreateVm(this.host, vm));
    return OK;
  }

  /** the last fd closed: new ioctls fail at once, the id stays taken until teardown is over */
  private *destroyVm(vm: VmId): Gen<Result> {
    const kvm = this.live(vm);
    if (!kvm) return err(EBADF);
    this.dying.add(vm);
    this.destroyer.set(vm, this.host.current);
    yield* kvmDestroyVm(kvm);
    this.dying.delete(vm);
    this.destroyer.delete(vm);
    this.vms.delete(vm);
    return OK;
  }

  /** a VM ioctls may use: created and not being destroyed */
  private live(vm: VmId): Kvm | undefined {
    return this.dying.has(vm) ? undefined : this.vms.get(vm);
  }

  /** kvm_vm_ioctl_create_vcpu(): the id check and the insert under kvm->lock */
  private createVcpu(vm: VmId, id: VcpuId): Gen<Result> {
    const tid = this.host.current;
    return this.onVm(vm, function* (kvm) {
      if (id < 0 || id >= KVM_MAX_VCPUS) return err(EINVAL);
      yield* kvm.lock.lock(tid);
      const vcpu = kvm.vcpus.has(id) ? null : kvmArchVcpuCreate(kvm, id);
      kvm.lock.unlock(tid);
      if (!vcpu) return err(EEXIST);
      yield* kvmMmuSetup(vcpu);
      return OK;
    });
  }
}

export const builtinFactory: ImplementationFactory = {
  name: 'builtin',
  mutants: Object.keys(MUTANTS),
  create: (config, mutant) => new BuiltinKvm(config, mutant),
};
