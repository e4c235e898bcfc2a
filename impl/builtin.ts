/**
 * The built-in implementation: the ioctl layer over the kernel-shaped subsystems. Each
 * operation is a generator (see preempt.ts); apply() runs it to completion. The handler of
 * each operation is in the table of ioctl.ts; the checks and references they share are here.
 */
import type { AbstractState } from '../api/abstract.js';
import type { Implementation, ImplementationFactory, OpThread, ThreadStep } from '../api/implementation.js';
import { OP_KINDS, type HostConfig, type Op } from '../api/ops.js';
import { TRACE_EVENT_KINDS } from '../api/events.js';
import { KernelTraceEventSchemas } from '../api/events-kernel.js';
import { ABSTRACT_PARTS } from '../api/abstract.js';
import type { Result } from '../api/results.js';
import type { VcpuId, VmId } from '../api/ids.js';
import { EBADF, EINVAL } from '../api/errno.js';
import { abstractKvm } from './abstract.js';
import { FaultInjector } from './fault-inject.js';
import type { KvmHost } from './host.js';
import { HostPages } from './host-memory.js';
import { dispatch } from './ioctl.js';
import { err, errnoOf } from './ioctl-result.js';
import { RwSem } from './locks.js';
import { MmStruct } from './mm/mm.js';
import { MUTANTS, isMutantName, mutantFlags } from './mutants.js';
import type { KvmPpc, KvmPpcVcpu } from './ppc/structs.js';
import { kvmppcVcpuRun } from './ppc/vm.js';
import { drain, type Gen } from './preempt.js';
import { newKvmModule } from './setup/structs.js';
import { kvmInit } from './setup/module.js';
import { Tracer } from './trace.js';
import { withVmUser } from './vm-refs.js';
import { Vmalloc } from './vmalloc.js';
import type { Kvm, KvmVcpu } from './x86/structs.js';

export { KVM_MAX_VCPUS } from './lifecycle-ioctls.js';

export class BuiltinKvm implements Implementation {
  readonly host: KvmHost;
  /** x86 VMs */
  readonly vms = new Map<VmId, Kvm>();
  /** PPC HV VMs (VM ids are shared with the x86 ones) */
  readonly ppcVms = new Map<VmId, KvmPpc>();
  /** VMs whose kvm_destroy_vm is under way, with the thread tearing each down */
  readonly dying = new Map<VmId, number>();

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

  apply(op: Op, tid = 0): Result {
    this.host.current = tid;
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

  /** The ioctl dispatcher: one generator per operation (the table is in ioctl.ts). */
  *exec(op: Op): Gen<Result> {
    return yield* dispatch(this, op);
  }

  /** kvm_vcpu_ioctl(): a reference on the VM, and vcpu->mutex around the ioctl */
  *onVcpu(vm: VmId, id: VcpuId, f: (v: KvmVcpu) => Gen<Result>): Gen<Result> {
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
  *onPpcVcpu(vm: VmId, id: VcpuId, guest: (v: KvmPpcVcpu) => Gen<Result>): Gen<Result> {
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

  /** kvm_vm_ioctl() of an x86-only ioctl: a reference on the VM while inside; -EINVAL on PPC */
  *onVm(vm: VmId, f: (kvm: Kvm) => Gen<Result>): Gen<Result> {
    if (this.livePpc(vm)) return err(EINVAL);
    const kvm = this.live(vm);
    return kvm ? yield* withVmUser(kvm, f(kvm)) : err(EBADF);
  }

  /** a VM ioctl both arches have, returning 0 or a negative errno */
  *withVm(vm: VmId, x86: (kvm: Kvm) => Gen<number>, ppc: (kvm: KvmPpc) => Gen<number>): Gen<Result> {
    const kvm = this.live(vm);
    const kvmPpc = this.livePpc(vm);
    if (kvm) return yield* withVmUser(kvm, errnoOf(x86(kvm)));
    return kvmPpc ? yield* withVmUser(kvmPpc, errnoOf(ppc(kvmPpc))) : err(EBADF);
  }

  /** an x86 VM ioctls may use: created and not being destroyed */
  live(vm: VmId): Kvm | undefined {
    return this.dying.has(vm) ? undefined : this.vms.get(vm);
  }

  /** a PPC VM ioctls may use: created and not being destroyed */
  livePpc(vm: VmId): KvmPpc | undefined {
    return this.dying.has(vm) ? undefined : this.ppcVms.get(vm);
  }
}

export const builtinFactory: ImplementationFactory = {
  name: 'builtin',
  // everything: every operation and tracepoint, stepped between preemption points
  capabilities: {
    ops: OP_KINDS,
    // every tracepoint but those only a real kernel reports (api/events-kernel.ts)
    events: TRACE_EVENT_KINDS.filter((k) => !KernelTraceEventSchemas.some((s) => s.shape.ev.value === k)),
    stepping: true,
    wholeCase: false,
    abstract: ABSTRACT_PARTS,
    mutants: Object.keys(MUTANTS),
    configs: [
      { vendor: 'vmx', tdp: false },
      { vendor: 'vmx', tdp: true },
      { vendor: 'svm', tdp: false },
      { vendor: 'svm', tdp: true },
    ],
    platforms: ['x86', 'ppcHv'],
  },
  create: (config, mutant) => new BuiltinKvm(config, mutant),
};
