/**
 * Queueing async work for a fault on a swapped-out page, the worker that brings the page
 * in, and cancelling every work of a vCPU. @see virt/kvm/async_pf.c kvm_setup_async_pf(),
 * async_pf_execute(), kvm_clear_async_pf_completion_queue(); arch/x86/kvm/x86.c
 */
import type { Gfn } from '../../api/ids.js';
import type { Gen } from '../preempt.js';
import type { KvmVcpu } from '../x86/structs.js';
import { gfnToMemslot } from '../x86/memslots.js';
import { ASYNC_PF_PER_VCPU, KVM_ERR_PAGE, type KvmAsyncPf } from './structs.js';
import { kvmAddAsyncPfGfn } from './gfn-hash.js';
import { gfnToPfn } from './swap.js';

const ids = (vcpu: KvmVcpu) => ({ vm: vcpu.kvm.vmId, vcpu: vcpu.vcpuId });

/** kvm_arch_async_page_not_present(): remember the gfn and tell the guest "not present" */
const kvmArchAsyncPageNotPresent = (vcpu: KvmVcpu, work: KvmAsyncPf): void => {
  vcpu.kvm.host.trace.emit({ ev: 'kvmAsyncPfNotPresent', ...ids(vcpu), token: work.arch.token, gfn: work.arch.gfn });
  kvmAddAsyncPfGfn(vcpu, work.arch.gfn);
  vcpu.apf.pendingNotPresent = work.arch.token;
};

/** kvm_setup_async_pf(): false when the queue is full or the work cannot be allocated */
const kvmSetupAsyncPf = (vcpu: KvmVcpu, gva: number, arch: KvmAsyncPf['arch']): boolean => {
  const apf = vcpu.asyncPf;
  if (apf.queued >= ASYNC_PF_PER_VCPU) return false;
  // kmem_cache_zalloc(async_pf_cache, GFP_NOWAIT): may fail, never sleeps
  if (vcpu.kvm.host.faults.shouldFail('asyncPfWork')) return false;
  const work: KvmAsyncPf = { arch, gva, done: false, page: null };
  apf.queue.push(work);
  apf.queued++;
  kvmArchAsyncPageNotPresent(vcpu, work);
  return true;
};

/** kvm_arch_setup_async_pf(): a token for the guest, then the generic setup */
export const kvmArchSetupAsyncPf = (vcpu: KvmVcpu, gva: number, gfn: Gfn): boolean => {
  const token = (vcpu.apf.id++ << 12) | vcpu.vcpuId;
  return kvmSetupAsyncPf(vcpu, gva, { token, gfn });
};

/**
 * async_pf_execute(): the worker gets the page and puts the work on the done list. A gfn
 * no memslot backs any more has no page behind it: the work completes with an error page.
 */
export function* asyncPfExecute(vcpu: KvmVcpu, work: KvmAsyncPf): Gen<void> {
  const gfn = work.arch.gfn;
  const tid = vcpu.kvm.host.current;
  // async_pf_execute(): get_user_pages under the mm's mmap_sem, like any fault
  const mm = vcpu.kvm.host.mmapSem;
  yield* mm.downRead(tid);
  const page = gfnToMemslot(vcpu.kvm, gfn) ? yield* gfnToPfn(vcpu, gfn) : KVM_ERR_PAGE;
  mm.upRead(tid);
  yield* vcpu.asyncPf.lock.lock(tid);
  vcpu.asyncPf.done.push(work);
  work.page = page;
  work.done = true;
  vcpu.asyncPf.lock.unlock(tid);
  vcpu.kvm.host.trace.emit({ ev: 'kvmAsyncPfCompleted', ...ids(vcpu), token: work.arch.token, gfn, errorPage: page === KVM_ERR_PAGE });
}

/** The queued work for gfn whose worker has not run, if any. */
export const queuedWorkFor = (vcpu: KvmVcpu, gfn: Gfn): KvmAsyncPf | undefined =>
  vcpu.asyncPf.queue.find((w) => !w.done && w.arch.gfn === gfn);

/** kvm_clear_async_pf_completion_queue(): cancel every work (vCPU reset or destroy) */
export const kvmClearAsyncPfCompletionQueue = (vcpu: KvmVcpu): void => {
  const apf = vcpu.asyncPf;
  for (const work of apf.queue.splice(0)) {
    vcpu.kvm.host.trace.emit({ ev: 'kvmAsyncPfCancel', ...ids(vcpu), token: work.arch.token, gfn: work.arch.gfn });
  }
  apf.done.length = 0;
  apf.queued = 0;
};
