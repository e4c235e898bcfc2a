/**
 * The host pages behind guest frames: get_user_pages() brings one in (reading it back
 * from swap if the host swapped it out), host reclaim swaps one out, and the mmu notifier
 * first unmaps it from every spte.
 * @see virt/kvm/kvm_main.c hva_to_pfn(), kvm_mmu_notifier_invalidate_range_start()
 */
import type { Gfn, Hpa } from '../../api/ids.js';
import { EFAULT } from '../../api/errno.js';
import type { Gen } from '../preempt.js';
import type { Kvm, KvmVcpu } from '../x86/structs.js';
import { gfnToMemslot } from '../x86/memslots.js';
import { kvmUnmapGfn } from '../x86/rmap.js';

/** gfn_to_pfn(): get_user_pages on the slot's host memory; sleeps, and swaps the page in */
export function* gfnToPfn(vcpu: KvmVcpu, gfn: Gfn): Gen<number> {
  yield { at: 'gup' };
  const kvm = vcpu.kvm;
  kvm.host.trace.emit({ ev: 'kvmGuestMem', vm: kvm.vmId, what: 'gup', gfn });
  kvm.swappedOut.delete(gfn);
  let pfn = kvm.gfnToPfn.get(gfn);
  if (pfn === undefined) {
    pfn = kvm.host.pages.alloc() >>> 12;
    kvm.gfnToPfn.set(gfn, pfn);
  }
  return pfn;
}

/** Whether getting the page would wait for swap-in IO (gfn_to_pfn_async()'s `async`). */
export const pageSwappedOut = (kvm: Kvm, gfn: Gfn): boolean => kvm.swappedOut.has(gfn);

/** Host reclaim of gfn's page: unmap it from every spte, write it out, free it. */
export function* kvmSwapOutGfn(kvm: Kvm, gfn: Gfn): Gen<number> {
  if (!gfnToMemslot(kvm, gfn)) return EFAULT;
  const tid = kvm.host.current;
  yield* kvm.lock.lock(tid);
  kvmUnmapGfn(kvm, gfn);
  kvm.lock.unlock(tid);
  kvm.host.trace.emit({ ev: 'kvmUnmapGfn', vm: kvm.vmId, gfn });
  const pfn = kvm.gfnToPfn.get(gfn);
  if (pfn !== undefined) kvm.host.pages.free((pfn << 12) as Hpa);
  kvm.gfnToPfn.delete(gfn);
  kvm.swappedOut.add(gfn);
  return 0;
}

/** A slot deleted or moved gives its host pages back: none is mapped or swapped any more. */
export const releaseHostPages = (kvm: Kvm, base: Gfn, npages: number): void => {
  for (let g = base; g < base + npages; g++) {
    const pfn = kvm.gfnToPfn.get(g as Gfn);
    if (pfn !== undefined) kvm.host.pages.free((pfn << 12) as Hpa);
    kvm.gfnToPfn.delete(g as Gfn);
    kvm.swappedOut.delete(g as Gfn);
  }
};
