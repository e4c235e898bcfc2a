/**
 * The built-in implementation: the ioctl layer over the kernel-shaped subsystems. Each
 * operation is a generator (see preempt.ts); apply() runs it to completion.
 */
import { match } from 'ts-pattern';
import type { AbstractState } from '../api/abstract.js';
import type { Implementation, ImplementationFactory, OpThread, ThreadStep } from '../api/implementation.js';
import type { HostConfig, Op, PpcHvConfig, Vendor } from '../api/ops.js';
import type { Result } from '../api/results.js';
import type { SlotId, VcpuId, VmId } from '../api/ids.js';
import { EAGAIN, EBADF, EEXIST, EINVAL, ENODEV, ENOENT, ENOMEM } from '../api/errno.js';
import type { KvmHost } from './host.js';
import { FaultInjector } from './fault-inject.js';
import { HostPages } from './host-memory.js';
import { MUTANTS, isMutantName, mutantFlags } from './mutants.js';
import { drain, type Gen } from './preempt.js';
import { Tracer } from './trace.js';
import type { Kvm, KvmVcpu } from './x86/structs.js';
import { kvmCreateVm, kvmDestroyVm, kvmSetMemoryRegion, kvmVmIoctlSetNrMmuPages } from './x86/vm.js';
import { withVmUser } from './vm-refs.js';
import { kvmVmIoctlGetDirtyLog } from './x86/dirty-log.js';
import { emulate, kvmArchVcpuIoctlTranslate } from './x86/emulate.js';
import { kvmArchVcpuCreate, kvmMmuSetup, kvmSetCr, kvmSetRflagsIf, kvmVcpuReset } from './x86/vcpu.js';
import { svmVcpuRun, vmxVcpuRun } from './x86/vendor.js';
import { abstractKvm } from './abstract.js';
import { RwSem } from './locks.js';
import { MmStruct } from './mm/mm.js';
import { sysMmap, sysMunmap } from './mm/syscalls.js';
import { Vmalloc } from './vmalloc.js';
import type { KvmPpc, KvmPpcVcpu } from './ppc/structs.js';
import { kvmppcCreateVm, kvmppcDestroyVm, kvmppcSetMemoryRegion, kvmppcVcpuCreate, kvmppcVcpuRun } from './ppc/vm.js';
import { KVM_RMA_PAGE_SHIFT, KVM_RMA_SIZE, kvmAllocRma, rmaFile } from './ppc/rma.js';
import { guestHEnter } from './ppc/h-enter.js';
import { newKvmModule } from './setup/structs.js';
import { kvmExit, kvmInit } from './setup/module.js';
import { kvmSwapOutGfn } from './apf/swap.js';
import { asyncPfExecute, queuedWorkFor } from './apf/queue.js';

export const KVM_MAX_VCPUS = 8;

const OK: Result = { kind: 'ok' };
const err = (errno: number): Result => ({ kind: 'errno', errno });

export class BuiltinKvm implements Implementation {
  readonly host: KvmHost;
  /** x86 VMs */
  readonly vms = new Map<VmId, Kvm>();
  /** PPC HV VMs (VM ids are shared with the x86 ones) */
  readonly ppcVms = new Map<VmId, KvmPpc>();
  /** VMs whose kvm_destroy_vm is under way, with the thread tearing each down */
  private readonly dying = new Map<VmId, number>();

  constructor(config: HostConfig, mutant: string | null) {
    if (mutant !== null && !isMutantName(mutant)) throw new Error(`unknown mutant: ${mutant}`);
    const trace = new Tracer();
    this.host = {
      config,
      trace,
      faults: new FaultInjector(trace, () => this.host.current),
      mutants: mutantFlags(mutant),
      pages: new HostPages(),
      module: newKvmModule(),
      current: 0,
      mm: new MmStruct(),
      mmapSem: new RwSem('mmap_sem', 'mm', trace),
      vmalloc: new Vmalloc(),
    };
    // the module loaded at boot: the case's precondition (the runner's hostConfig record),
    // so its tracepoints are not part of the trace
    const r = drain(kvmInit(this.host, config.vendor, config.tdp));
    if (r) throw new Error(`BUG: loading the vendor module at boot failed with ${r}`);
    trace.drain();
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
    return abstractKvm(this.host, this.vms, this.ppcVms);
  }

  /** kvm_vcpu_ioctl(): a reference on the VM, and vcpu->mutex around the ioctl */
  private *onVcpu(vm: VmId, id: VcpuId, f: (v: KvmVcpu) => Gen<Result>): Gen<Result> {
    if (this.livePpc(vm)?.vcpus.has(id)) return err(EINVAL);
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

  /** KVM_RUN of a PPC vCPU: first-run setup and entry, then what the guest does */
  private *onPpcVcpu(vm: VmId, id: VcpuId, guest: (v: KvmPpcVcpu) => Gen<Result>): Gen<Result> {
    if (this.live(vm)?.vcpus.has(id)) return err(EINVAL);
    const vcpu = this.livePpc(vm)?.vcpus.get(id);
    if (!vcpu) return err(EBADF);
    return yield* withVmUser(
      vcpu.kvm,
      (function* () {
        const r = yield* kvmppcVcpuRun(vcpu);
        return r ? err(r) : yield* guest(vcpu);
      })(),
    );
  }

  /** The ioctl dispatcher: one generator per operation. */
  *exec(op: Op): Gen<Result> {
    return yield* match(op)
      .with({ kind: 'createVm' }, ({ vm, ppc }) => this.createVm(vm, ppc))
      .with({ kind: 'destroyVm' }, ({ vm }) => this.destroyVm(vm))
      .with({ kind: 'setMemoryRegion' }, ({ vm, slot, gfn, npages, flags }) =>
        this.withVm(
          vm,
          (kvm) => kvmSetMemoryRegion(kvm, slot, gfn, npages, flags ?? 0),
          (kvm) => kvmppcSetMemoryRegion(kvm, slot, gfn, npages),
        ),
      )
      .with({ kind: 'setNrMmuPages' }, ({ vm, pages }) => this.onVm(vm, (kvm) => this.errnoOf(kvmVmIoctlSetNrMmuPages(kvm, pages))))
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
      .with({ kind: 'run' }, ({ vm, vcpu, access, interruptsAllowed }) =>
        this.livePpc(vm)
          ? this.onPpcVcpu(vm, vcpu, function* (): Gen<Result> {
              return { kind: 'exit', reason: 'hlt' };
            })
          : this.onVcpu(vm, vcpu, (v) => {
              kvmSetRflagsIf(v, interruptsAllowed ?? false);
              return this.host.config.vendor === 'svm' ? svmVcpuRun(v, access) : vmxVcpuRun(v, access);
            }),
      )
      .with({ kind: 'failAlloc' }, ({ site, count }) => {
        this.host.faults.arm(site, count);
        return (function* (): Gen<Result> {
          return OK;
        })();
      })
      .with({ kind: 'mapHostMemory' }, ({ vm, slot, pageShift, pages }) => this.errnoOf(sysMmap(this.host, vm, slot, pageShift, pages, null)))
      .with({ kind: 'unmapHostMemory' }, ({ vm, slot }) => this.errnoOf(sysMunmap(this.host, vm, slot)))
      .with({ kind: 'allocRma' }, ({ vm, slot }) => this.allocRma(vm, slot))
      .with({ kind: 'hEnter' }, ({ vm, vcpu, pteIndex, exact, gpa, pageShift }) =>
        this.onPpcVcpu(vm, vcpu, function* (v): Gen<Result> {
          const h = yield* guestHEnter(v, pteIndex, exact, gpa, pageShift);
          return { kind: 'hcall', ret: h.ret, index: h.index };
        }),
      )
      .with({ kind: 'swapOut' }, ({ vm, gfn }) => this.onVm(vm, (kvm) => this.errnoOf(kvmSwapOutGfn(kvm, gfn))))
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

  private *errnoOf(g: Gen<number>): Gen<Result> {
    const r = yield* g;
    return r ? err(r) : OK;
  }

  /** kvm_vm_ioctl() of an x86-only ioctl: a reference on the VM while inside; -EINVAL on PPC */
  private *onVm(vm: VmId, f: (kvm: Kvm) => Gen<Result>): Gen<Result> {
    if (this.livePpc(vm)) return err(EINVAL);
    const kvm = this.live(vm);
    return kvm ? yield* withVmUser(kvm, f(kvm)) : err(EBADF);
  }

  /** a VM ioctl both arches have, returning 0 or a negative errno */
  private *withVm(vm: VmId, x86: (kvm: Kvm) => Gen<number>, ppc: (kvm: KvmPpc) => Gen<number>): Gen<Result> {
    const kvm = this.live(vm);
    const kvmPpc = this.livePpc(vm);
    if (kvm) return yield* withVmUser(kvm, this.errnoOf(x86(kvm)));
    return kvmPpc ? yield* withVmUser(kvmPpc, this.errnoOf(ppc(kvmPpc))) : err(EBADF);
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
    // a VM whose teardown is under way still holds the module: wait for it to end
    const settled = () => this.dying.size === 0;
    while (!settled()) yield { at: 'wait', lock: 'kvm_destroy_vm', ready: settled, holders: () => [...this.dying.values()] };
    if (!this.host.module.devRegistered) return err(ENOENT);
    if (this.vms.size + this.ppcVms.size > 0) return err(EAGAIN);
    kvmExit(this.host);
    return OK;
  }

  /** KVM_CREATE_VM; an id whose old VM is still being torn down is reused once it is gone */
  private *createVm(vm: VmId, ppc: PpcHvConfig | undefined): Gen<Result> {
    // open("/dev/kvm") finds no driver while the vendor module is not loaded
    if (!this.host.module.devRegistered) return err(ENODEV);
    const gone = () => !this.dying.has(vm);
    while (!gone()) yield { at: 'wait', lock: `kvm_destroy_vm@vm${vm}`, ready: gone, holders: () => [this.dying.get(vm) ?? -1] };
    if (this.vms.has(vm) || this.ppcVms.has(vm)) return err(EEXIST);
    if (ppc) this.ppcVms.set(vm, kvmppcCreateVm(this.host, vm, ppc));
    else this.vms.set(vm, kvmCreateVm(this.host, vm));
    return OK;
  }

  /** the last fd closed: new ioctls fail at once, the id stays taken until teardown is over */
  private *destroyVm(vm: VmId): Gen<Result> {
    const kvm = this.live(vm);
    const kvmPpc = this.livePpc(vm);
    if (!kvm && !kvmPpc) return err(EBADF);
    this.dying.set(vm, this.host.current);
    if (kvm) yield* kvmDestroyVm(kvm);
    else yield* kvmppcDestroyVm(kvmPpc!);
    this.dying.delete(vm);
    this.vms.delete(vm);
    this.ppcVms.delete(vm);
    return OK;
  }

  /** an x86 VM ioctls may use: created and not being destroyed */
  private live(vm: VmId): Kvm | undefined {
    return this.dying.has(vm) ? undefined : this.vms.get(vm);
  }

  private livePpc(vm: VmId): KvmPpc | undefined {
    return this.dying.has(vm) ? undefined : this.ppcVms.get(vm);
  }

  /** kvm_vm_ioctl_create_vcpu(): the id check and the insert under kvm->lock */
  private *createVcpu(vm: VmId, id: VcpuId): Gen<Result> {
    const kvmPpc = this.livePpc(vm);
    if (kvmPpc) {
      if (id < 0 || id >= KVM_MAX_VCPUS) return err(EINVAL);
      if (kvmPpc.vcpus.has(id)) return err(EEXIST);
      kvmppcVcpuCreate(kvmPpc, id);
      return OK;
    }
    const tid = this.host.current;
    return yield* this.onVm(vm, function* (kvm) {
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
  private *allocRma(vm: VmId, slot: SlotId): Gen<Result> {
    if (this.live(vm)) return err(EINVAL);
    if (!this.livePpc(vm)) return err(EBADF);
    if (slot < 0 || slot >= 32) return err(EINVAL);
    const ri = kvmAllocRma(this.host);
    if (!ri) return err(ENOMEM);
    return yield* this.errnoOf(sysMmap(this.host, vm, slot, KVM_RMA_PAGE_SHIFT, KVM_RMA_SIZE >> KVM_RMA_PAGE_SHIFT, rmaFile(ri)));
  }
}

export const builtinFactory: ImplementationFactory = {
  name: 'builtin',
  mutants: Object.keys(MUTANTS),
  create: (config, mutant) => new BuiltinKvm(config, mutant),
};
