/**
 * The fault path's choice for a swapped-out page (seed 001): queue async work and let the
 * guest run on, or wait for the page. A fault with `noApf` (the ready-time prefault) must
 * always wait. @see arch/x86/kvm/mmu/mmu.c try_async_pf(), can_do_async_pf()
 */
import type { Gfn } from '../../api/ids.js';
import type { Gen } from '../preempt.js';
import type { KvmVcpu } from '../x86/structs.js';
import { KVM_REQ_APF_HALT, X86_EFLAGS_IF } from '../x86/structs.js';
import { kvmFindAsyncPfGfn } from './gfn-hash.js';
import { kvmArchSetupAsyncPf } from './queue.js';
import { gfnToPfn, pageSwappedOut } from './swap.js';

/** can_do_async_pf(): kvm_x86_ops->interrupt_allowed(), i.e. the guest's RFLAGS.IF */
const canDoAsyncPf = (vcpu: KvmVcpu): boolean => (vcpu.rflags & X86_EFLAGS_IF) !== 0;

/**
 * try_async_pf(): the host pfn, or null when the fault was handled asynchronously (work
 * queued, or a doublefault on a gfn that already has work, which halts the vCPU).
 */
export function* tryAsyncPf(vcpu: KvmVcpu, noApf: boolean, gfn: Gfn, gva: number): Gen<number | null> {
  if (!pageSwappedOut(vcpu.kvm, gfn)) return yield* gfnToPfn(vcpu, gfn);
  if (!noApf && canDoAsyncPf(vcpu)) {
    if (kvmFindAsyncPfGfn(vcpu, gfn)) {
      vcpu.kvm.host.trace.emit({ ev: 'kvmAsyncPfDoublefault', vm: vcpu.kvm.vmId, vcpu: vcpu.vcpuId, gfn });
      vcpu.requests |= KVM_REQ_APF_HALT;
      return null;
    }
    if (kvmArchSetupAsyncPf(vcpu, gva, gfn)) return null;
  }
  return yield* gfnToPfn(vcpu, gfn);
}
