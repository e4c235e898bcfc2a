/**
 * Async page-fault data shapes: struct kvm_async_pf, the generic per-vCPU queue
 * (vcpu->async_pf) and the x86 part (vcpu->arch.apf). @see include/linux/kvm_host.h
 */
import type { Gfn } from '../../api/ids.js';
import type { Mutex } from '../locks.js';

/** outstanding works per vCPU (the kernel has 64; 4 keeps the limit within a short case) */
export const ASYNC_PF_PER_VCPU = 4;

/** the page get_user_pages() could not get (is_error_page) */
export const KVM_ERR_PAGE = -1;

/** struct kvm_async_pf: one piece of async work */
export interface KvmAsyncPf {
  /** x86 part: the token the guest is told, and the gfn */
  readonly arch: { readonly token: number; readonly gfn: Gfn };
  /** the address page_fault() got: a gpa with a direct map, else a gva */
  readonly gva: number;
  /** the worker has run (the work is on the done list) */
  done: boolean;
  /** the host pfn the worker got, KVM_ERR_PAGE, or null before it ran */
  page: number | null;
}

/** vcpu->async_pf */
export interface KvmVcpuAsyncPf {
  /** every work not yet delivered, in queueing order */
  readonly queue: KvmAsyncPf[];
  /** works whose worker finished, in completion order (under `lock`) */
  readonly done: KvmAsyncPf[];
  /** queue.length, as the kernel counts it */
  queued: number;
  /** async_pf.lock: guards `done` against the worker */
  readonly lock: Mutex;
}

/** vcpu->arch.apf */
export interface KvmVcpuArchApf {
  /** open-addressed hash of gfns with outstanding work; ~0 marks a free slot */
  readonly gfns: number[];
  /** a doublefault halted the vCPU until a page arrives */
  halted: boolean;
  /** next token number */
  id: number;
  /** token of a "page not present" #PF to inject at the next entry, or null */
  pendingNotPresent: number | null;
}
