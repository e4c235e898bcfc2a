/**
 * The vendor run loops: check requests, deliver completed async page faults, reload the
 * root, enter, and handle the exits the guest's access causes.
 * @see arch/x86/kvm/vmx/vmx.c, arch/x86/kvm/svm/svm.c (vcpu_run), arch/x86/kvm/x86.c
 *      vcpu_enter_guest()
 */
import type { GuestAccess } from '../../api/ops.js';
import type { Gfn } from '../../api/ids.js';
import type { Result } from '../../api/results.js';
import { EINTR } from '../../api/errno.js';
import type { Gen } from '../preempt.js';
import type { KvmVcpu } from './structs.js';
import { KVM_REQ_APF_HALT, KVM_REQ_MMU_RELOAD } from './structs.js';
import { currentRoots, kvmMmuReload, mmuFreeRoots } from './roots.js';
import { kvmMmuPageFault, sptePresent } from './page-fault.js';
import { hardwareWalk } from './paging-tmpl.js';
import { kvmCheckAsyncPfCompletion } from '../apf/completion.js';

/** a guest access that faults more often than this makes no progress: an impl bug */
const MAX_FAULT_RETRIES = 100;

/** The guest executes its access: null when it completes, else the exit it causes. */
const guestAccess = (vcpu: KvmVcpu, a: GuestAccess): Result | 'fault' | null => {
  if (vcpu.kvm.host.config.tdp) {
    // the CPU walks the guest tables itself, then the TDP tables by gpa
    const g = hardwareWalk(vcpu, a.gva);
    if (g === null) return { kind: 'exit', reason: 'guestPageFault', gva: a.gva };
    return sptePresent(vcpu, g * 4096, a.write) ? null : 'fault';
  }
  return sptePresent(vcpu, a.gva, a.write) ? null : 'fault';
};

/** Requests and async work before entry; an errno when the vCPU may not enter. */
function* beforeEntry(vcpu: KvmVcpu, reload: boolean): Gen<number> {
  if (vcpu.requests & KVM_REQ_MMU_RELOAD) {
    vcpu.requests &= ~KVM_REQ_MMU_RELOAD;
    yield* mmuFreeRoots(vcpu);
  }
  yield* kvmCheckAsyncPfCompletion(vcpu);
  if (vcpu.requests & KVM_REQ_APF_HALT) {
    vcpu.requests &= ~KVM_REQ_APF_HALT;
    vcpu.apf.halted = true;
  }
  // halted by a doublefault: kvm_vcpu_block() until the harness's signal ends it
  if (vcpu.apf.halted) return EINTR;
  return reload ? yield* kvmMmuReload(vcpu) : 0;
}

/** vcpu_enter_guest() loop shared by both vendors; `reload` is kvm_mmu_reload or not */
function* vcpuRun(vcpu: KvmVcpu, access: GuestAccess | null, reload: boolean): Gen<Result> {
  const kvm = vcpu.kvm;
  const ids = { vm: kvm.vmId, vcpu: vcpu.vcpuId };
  for (let tries = 0; ; tries++) {
    const r = yield* beforeEntry(vcpu, reload);
    if (r) return { kind: 'errno', errno: r };
    // other CPUs run on while this one gets ready to enter (irqs still on)
    yield { at: 'entry' };
    // with irqs off: a request that came in meanwhile sends us round again
    if (vcpu.requests & KVM_REQ_MMU_RELOAD && !kvm.host.mutants.entryNoRequestRecheck) continue;
    kvm.host.trace.emit({ ev: 'kvmEntry', ...ids, roots: currentRoots(vcpu) });
    if (vcpu.apf.pendingNotPresent !== null) {
      // the guest takes the "page not present" #PF, parks the faulting task and halts
      vcpu.apf.pendingNotPresent = null;
      kvm.host.trace.emit({ ev: 'kvmExit', ...ids, reason: 'apfNotPresent' });
      return { kind: 'exit', reason: 'apfNotPresent' };
    }
    const exit = access === null ? null : guestAccess(vcpu, access);
    if (exit === null) {
      kvm.host.trace.emit({ ev: 'kvmExit', ...ids, reason: 'hlt' });
      return { kind: 'exit', reason: 'hlt' };
    }
    if (exit !== 'fault') {
      kvm.host.trace.emit({ ev: 'kvmExit', ...ids, reason: exit.kind === 'exit' ? exit.reason : 'error' });
      return exit;
    }
    kvm.host.trace.emit({ ev: 'kvmExit', ...ids, reason: 'pageFault' });
    if (tries >= MAX_FAULT_RETRIES) throw new Error(`fault on gva ${access!.gva} retried ${tries} times without progress`);
    // the exit reports the faulting gpa (TDP) or the gva (shadow paging)
    const gpaGfn = vcpu.mmu.directMap ? hardwareWalk(vcpu, access!.gva) : null;
    const addr = vcpu.mmu.directMap ? gpaGfn! * 4096 : access!.gva;
    const f = yield* kvmMmuPageFault(vcpu, addr, (gpaGfn ?? 0) as Gfn, access!.write, false);
    if (f.kind === 'error') return { kind: 'errno', errno: f.errno };
    if (f.kind === 'guestPageFault') return { kind: 'exit', reason: 'guestPageFault', gva: access!.gva };
    if (f.kind === 'mmio') {
      kvm.host.trace.emit({ ev: 'kvmExit', ...ids, reason: 'mmio' });
      return { kind: 'exit', reason: 'mmio', gpa: (f.gfn * 4096 + (access!.gva % 4096)) as never };
    }
  }
}

/** vmx_vcpu_run() */
export const vmxVcpuRun = (vcpu: KvmVcpu, access: GuestAccess | null): Gen<Result> =>
  vcpuRun(vcpu, access, !vcpu.kvm.host.mutants.eagerRootAlloc);

/** svm_vcpu_run() */
export const svmVcpuRun = (vcpu: KvmVcpu, access: GuestAccess | null): Gen<Result> => {
  const m = vcpu.kvm.host.mutants;
  return vcpuRun(vcpu, access, !m.eagerRootAlloc && !m.svmNoReload);
};
