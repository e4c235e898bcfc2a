/**
 * Delivering completed async work before guest entry (seed 001): "page ready" prefaults
 * the page so the guest's retry does not fault again, then "page present" finishes it.
 * @see virt/kvm/async_pf.c kvm_check_async_pf_completion(),
 *      arch/x86/kvm/x86.c kvm_arch_async_page_ready(), kvm_arch_async_page_present()
 */
import type { Gfn } from '../../api/ids.js';
import type { Gen } from '../preempt.js';
import type { KvmVcpu } from '../x86/structs.js';
import { currentRoots, kvmMmuReload } from '../x86/roots.js';
import { kvmMmuPageFault } from '../x86/page-fault.js';
import { KVM_ERR_PAGE, type KvmAsyncPf } from './structs.js';
import { kvmDelAsyncPfGfn } from './gfn-hash.js';

const isErrorPage = (page: number | null): boolean => page === KVM_ERR_PAGE;

/**
 * kvm_arch_async_page_ready(): only on a direct map (a shadow prefault would need the
 * guest's registers at fault time) and never for an error page; reload the root first.
 */
function* kvmArchAsyncPageReady(vcpu: KvmVcpu, work: KvmAsyncPf): Gen<void> {
  const m = vcpu.kvm.host.mutants;
  if ((!vcpu.mmu.directMap && !m.apfPrefaultShadow) || isErrorPage(work.page)) return;
  if (!m.apfPrefaultNoReload) {
    const r = yield* kvmMmuReload(vcpu);
    if (r) return;
  }
  const { token, gfn } = work.arch;
  vcpu.kvm.host.trace.emit({ ev: 'kvmAsyncPfPrefault', vm: vcpu.kvm.vmId, vcpu: vcpu.vcpuId, token, gfn, roots: currentRoots(vcpu) });
  yield* kvmMmuPageFault(vcpu, work.gva, (work.gva >>> 12) as Gfn, false, !m.apfReadyRecurses);
}

/** kvm_arch_async_page_present(): forget the gfn, tell the guest, wake the vCPU */
const kvmArchAsyncPagePresent = (vcpu: KvmVcpu, work: KvmAsyncPf): void => {
  kvmDelAsyncPfGfn(vcpu, work.arch.gfn);
  vcpu.kvm.host.trace.emit({ ev: 'kvmAsyncPfPresent', vm: vcpu.kvm.vmId, vcpu: vcpu.vcpuId, token: work.arch.token, gfn: work.arch.gfn });
  vcpu.apf.halted = false;
};

/**
 * kvm_check_async_pf_completion(): the kernel takes one completed work per pass of the
 * run loop; here every completed work is delivered before the entry, in completion order.
 */
export function* kvmCheckAsyncPfCompletion(vcpu: KvmVcpu): Gen<void> {
  const apf = vcpu.asyncPf;
  const tid = vcpu.kvm.host.current;
  while (apf.done.length > 0) {
    yield* apf.lock.lock(tid);
    const work = apf.done.shift()!;
    apf.lock.unlock(tid);
    yield* kvmArchAsyncPageReady(vcpu, work);
    kvmArchAsyncPagePresent(vcpu, work);
    apf.queue.splice(apf.queue.indexOf(work), 1);
    apf.queued--;
  }
}
