/**
 * The built-in implementation: the ioctl layer over the kernel-shaped subsystems. Each
 * operation is a generator (see preempt.ts); apply() runs it to completion.
 */
import { match } from 'ts-pattern';
import type { AbstractState } from '../api/abstract.js';
import type { Implementation, ImplementationFactory } from '../api/implementation.js';
import type { HostConfig, Op, PpcHvConfig } from '../api/ops.js';
import type { Result } from '../api/results.js';
import type { SlotId, VcpuId, VmId } from '../api/ids.js';
import { EBADF, EEXIST, EINVAL, ENOMEM } from '../api/errno.js';
import type { KvmHost } from './host.js';
import { FaultInjector } from './fault-inject.js';
import { HostPages } from './host-memory.js';
import { MUTANTS, isMutantName, mutantFlags } from './mutants.js';
import { drain, type Gen } from './preempt.js';
import { Tracer } from './trace.js';
import type { Kvm, KvmVcpu } from './x86/structs.js';
import { kvmCreateVm, kvmDestroyVm, kvmSetMemoryRegion } from './x86/vm.js';
import { kvmArchVcpuCreate, kvmSetCr, kvmVcpuReset } from './x86/vcpu.js';
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

export const KVM_MAX_VCPUS = 8;

const OK: Result = { kind: 'ok' };
const err = (errno: number): Result => ({ kind: 'errno', errno });

export class BuiltinKvm implements Implementation {
  readonly host: KvmHost;
  /** x86 VMs */
  readonly vms = new Map<VmId, Kvm>();
  /** PPC HV VMs (VM ids are shared with the x86 ones) */
  readonly ppcVms = new Map<VmId, KvmPpc>();

  constructor(config: HostConfig, mutant: string | null) {
    if (mutant !== null && !isMutantName(mutant)) throw new Error(`unknown mutant: ${mutant}`);
    const trace = new Tracer();
    this.host = {
      config,
      trace,
      faults: new FaultInjector(trace),
      mutants: mutantFlags(mutant),
      pages: new HostPages(),
      current: 0,
      mm: new MmStruct(),
      mmapSem: new RwSem('mmap_sem', 'mm', trace),
      vmalloc: new Vmalloc(),
    };
  }

  apply(op: Op): Result {
    return drain(this.exec(op));
  }

  drainEvents() {
    return this.host.trace.drain();
  }

  abstract(): AbstractState {
    return abstractKvm(this.host, this.vms, this.ppcVms);
  }

  private *onVcpu(vm: VmId, id: VcpuId, f: (v: KvmVcpu) => Gen<Result>): Gen<Result> {
    if (this.ppcVms.get(vm)?.vcpus.has(id)) return err(EINVAL);
    const vcpu = this.vms.get(vm)?.vcpus.get(id);
    return vcpu ? yield* f(vcpu) : err(EBADF);
  }

  /** KVM_RUN of a PPC vCPU: first-run setup and entry, then what the guest does */
  private *onPpcVcpu(vm: VmId, id: VcpuId, guest: (v: KvmPpcVcpu) => Gen<Result>): Gen<Result> {
    if (this.vms.get(vm)?.vcpus.has(id)) return err(EINVAL);
    const vcpu = this.ppcVms.get(vm)?.vcpus.get(id);
    if (!vcpu) return err(EBADF);
    const r = yield* kvmppcVcpuRun(vcpu);
    return r ? err(r) : yield* guest(vcpu);
  }

  /** The ioctl dispatcher: one generator per operation. */
  *exec(op: Op): Gen<Result> {
    return yield* match(op)
      .with({ kind: 'createVm' }, ({ vm, ppc }) => this.createVm(vm, ppc))
      .with({ kind: 'destroyVm' }, ({ vm }) => this.destroyVm(vm))
      .with({ kind: 'setMemoryRegion' }, ({ vm, slot, gfn, npages }) =>
        this.withVm(
          vm,
          (kvm) => kvmSetMemoryRegion(kvm, slot, gfn, npages),
          (kvm) => kvmppcSetMemoryRegion(kvm, slot, gfn, npages),
        ),
      )
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
        this.ppcVms.has(vm)
          ? this.onPpcVcpu(vm, vcpu, function* (): Gen<Result> {
              return { kind: 'exit', reason: 'hlt' };
            })
          : this.onVcpu(vm, vcpu, (v) => (this.host.config.vendor === 'svm' ? svmVcpuRun(v, access) : vmxVcpuRun(v, access))),
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
      .exhaustive();
  }

  private *errnoOf(g: Gen<number>): Gen<Result> {
    const r = yield* g;
    return r ? err(r) : OK;
  }

  private *withVm(vm: VmId, x86: (kvm: Kvm) => Gen<number>, ppc: (kvm: KvmPpc) => Gen<number>): Gen<Result> {
    const kvm = this.vms.get(vm);
    const kvmPpc = this.ppcVms.get(vm);
    if (kvm) return yield* this.errnoOf(x86(kvm));
    return kvmPpc ? yield* this.errnoOf(ppc(kvmPpc)) : err(EBADF);
  }

  private *createVm(vm: VmId, ppc: PpcHvConfig | undefined): Gen<Result> {
    if (this.vms.has(vm) || this.ppcVms.has(vm)) return err(EEXIST);
    if (ppc) this.ppcVms.set(vm, kvmppcCreateVm(this.host, vm, ppc));
    else this.vms.set(vm, kvmCreateVm(this.host, vm));
    return OK;
  }

  private *destroyVm(vm: VmId): Gen<Result> {
    const kvm = this.vms.get(vm);
    const kvmPpc = this.ppcVms.get(vm);
    if (!kvm && !kvmPpc) return err(EBADF);
    this.vms.delete(vm);
    this.ppcVms.delete(vm);
    if (kvm) yield* kvmDestroyVm(kvm);
    else yield* kvmppcDestroyVm(kvmPpc!);
    return OK;
  }

  private *createVcpu(vm: VmId, id: VcpuId): Gen<Result> {
    const kvm = this.vms.get(vm);
    const kvmPpc = this.ppcVms.get(vm);
    if (!kvm && !kvmPpc) return err(EBADF);
    if (id < 0 || id >= KVM_MAX_VCPUS) return err(EINVAL);
    if (kvm?.vcpus.has(id) || kvmPpc?.vcpus.has(id)) return err(EEXIST);
    if (kvm) yield* kvmArchVcpuCreate(kvm, id);
    else kvmppcVcpuCreate(kvmPpc!, id);
    return OK;
  }

  /** KVM_ALLOCATE_RMA, then mmap of the RMA file behind the slot (the fd is closed after) */
  private *allocRma(vm: VmId, slot: SlotId): Gen<Result> {
    if (this.vms.has(vm)) return err(EINVAL);
    if (!this.ppcVms.has(vm)) return err(EBADF);
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
