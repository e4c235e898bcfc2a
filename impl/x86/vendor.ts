/**
 * The vendor run loops: check requests, reload the root, enter, and handle the exits the
 * guest's access causes. @see arch/x86/kvm/vmx/vmx.c, arch/x86/kvm/svm/svm.c (vcpu_run)
 */
import type { GuestAccess } from '../../api/ops.js';
import type { Gfn } from '../../api/ids.js';
import type { Result } from '../../api/results.js';
import type { Gen } from '../preempt.js';
import type { KvmVcpu } from './structs.js';
import { KVM_REQ_APF_HALT, KVM_REQ_MMU_RELOAD } from './structs.js';
import { EINTR } from '../../api/errno.js';
import { kvmCheckAsyncPfCompletion } from '../apf/completion.js';
import { currentRoots, kvmMmuReload, mmuFreeRoots } from './roots.js';
import { kvmMmuPageFault, sptePresent } from './page-fault.js';
import { walkAddr } from './cpu.js';

/** an access the guest retries more often than this means the fault path makes no progress */
const MAX_FAULT_RETRIES = 8;

/** The guest executes its access: null when it completes, else the exit it causes. */
function* guestAccess(vcpu: KvmVcpu, a: GuestAccess): Gen<Result | 'fault' | null> {
  if (vcpu.mmu.directMap && vcpu.kvm.host.config.tdp) {
    // hardware walks the guest tables itself, then the TDP tables by gpa
    const g = yield* walkAddr(vcpu, a.gva);
    if (g === null) return { kind: 'exit', reason: 'guestPageFault', gva: a.gva };
    return sptePresent(vcpu, g * 4096) ? null : 'fault';
  }
  return sptePresent(vcpu, a.gva) ? null : 'fault';
}

/**
 * The __vcpu_run() / vcpu_enter_guest() loop shared by both vendors; `reload` is
 * kvm_mmu_reload or not. Completed async work is delivered before the entry; a vCPU halted
 * by a doublefault blocks in kvm_vcpu_block(), which the harness's signal ends (-EINTR).
 */
function* vcpuRun(vcpu: KvmVcpu, access: GuestAccess | null, reload: boolean): Gen<Result> {
  const kvm = vcpu.kvm;
  const ids = { vm: kvm.vmId, vcpu: vcpu.vcpuId };
  for (let tries = 0; ; tries++) {
    if (vcpu.requests & KVM_REQ_MMU_RELOAD) {
      vcpu.requests &= ~KVM_REQ_MMU_RELOAD;
      yield* mmuFreeRoots(vcpu);
    }
    yield* kvmCheckAsyncPfCompletion(vcpu);
    if (vcpu.requests & KVM_REQ_APF_HALT) {
      vcpu.requests &= ~KVM_REQ_APF_HALT;
      vcpu.apf.halted = true;
    }
    if (vcpu.apf.halted) return { kind: 'errno', errno: EINTR };
    if (reload) {
      const r = yield* kvmMmuReload(vcpu);
      if (r) return { kind: 'errno', errno: r };
    }
    kvm.host.trace.emit({ ev: 'kvmEntry', ...ids, roots: currentRoots(vcpu) });
    if (vcpu.apf.pendingNotPresent !== null) {
      // the guest takes the "page not present" #PF, parks the faulting task and halts
      vcpu.apf.pendingNotPresent = null;
      kvm.host.trace.emit({ ev: 'kvmExit', ...ids, reason: 'apfNotPresent' });
      return { kind: 'exit', reason: 'apfNotPresent' };
    }
    const exit = access === null ? null : yield* guestAccess(vcpu, access);
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
    const tdp = kvm.host.config.tdp;
    const gpaGfn = tdp || !vcpu.mmu.directMap ? yield* walkAddr(vcpu, access!.gva) : ((access!.gva >>> 12) as Gfn);
    const addr = tdp ? gpaGfn! * 4096 : access!.gva;
    const f = yield* kvmMmuPageFault(vcpu, addr, gpaGfn ?? (0 as Gfn), access!.write, false);
    if (f.kind === 'error') return { kind: 'errno', errno: f.errno };
    if (f.kind === 'guestPageFault') return { kind: 'exit', reason: 'guestPageFault', gva: access!.gva };
    if (f.kind === 'mmio') {
      kvm.host.trace.emit({ ev: 'kvmExit', ...ids, reason: 'mmio' });
      return { kind: 'exit', reason: 'mmio', gpa: (f.gfn * 4096 + (access!.gva % 4096)) as never };
    }
  }
}

/** vmx_vcpu_run() */
export const vmxVcpuRun = (vcpu: KvmVcpu, access: GuestAccess | null): Gen<Result> => vcpuRun(vcpu, access, !vcpu.kvm.host.mutants.eagerRootAlloc);

/** svm_vcpu_run() */
export const svmVcpuRun = (vcpu: KvmVcpu, access: GuestAccess | null): Gen<Result> => {
  const m = vcpu.kvm.host.mutants;
  return vcpuRun(vcpu, access, !m.eagerRootAlloc && !m.svmNoReload);
};
