/**
 * slot_phys: per memory slot, the physical address of each RAM page once KVM knows it.
 * Preparing a region only allocates the array; kvmppc_get_guest_page pins a page when an
 * HPTE first needs it, under slot_phys_lock; unpin_slot puts every pinned page once.
 * @see arch/powerpc/kvm/book3s_hv.c, book3s_64_mmu_hv.c (Linux 3.3)
 */
import type { SlotId, ThreadId } from '../../api/ids.js';
import { PAGE_SHIFT } from '../../api/ids.js';
import { EAGAIN, EINVAL, ENOMEM } from '../../api/errno.js';
import type { Gen } from '../preempt.js';
import type { VmallocArray } from '../vmalloc.js';
import type { Page } from '../mm/page.js';
import { getUserPagesFast, putPage, setPageDirty } from '../mm/gup.js';
import type { KvmPpc, KvmPpcMemslot } from './structs.js';
import { KVMPPC_GOT_PAGE, KVMPPC_PA_MASK, gfnToHvaMemslot } from './structs.js';

/** slot_phys[slot][index] = pa | flags, traced */
export const setSlotPhys = (kvm: KvmPpc, slot: SlotId, physp: VmallocArray, index: number, pfn: number, got: boolean): void => {
  physp.data[index] = (BigInt(pfn) << BigInt(PAGE_SHIFT)) | (got ? KVMPPC_GOT_PAGE : 0n);
  const tid = kvm.host.current as ThreadId;
  kvm.host.trace.emit({ ev: 'slotPhysSet', tid, vm: kvm.vmId, slot, array: physp.addr, index, pfn, gotPage: got });
};

/** pfn_to_page() for a page KVM holds */
const pfnToPage = (kvm: KvmPpc, pfn: number): Page => {
  const page = kvm.host.mm.phys.live.get(pfn);
  if (!page) throw new Error(`BUG: slot_phys holds pfn 0x${pfn.toString(16)}, which is not an allocated page`);
  return page;
};

/** get_user_pages on the RAM page at hva; the page, or null when it is not a RAM page of the VM's size */
function* getRamPage(kvm: KvmPpc, hva: number): Gen<Page | null> {
  const got = yield* getUserPagesFast(kvm.host, hva);
  if (!got) return null;
  if (got.head && got.page.order === kvm.arch.ramPorder - PAGE_SHIFT) return got.page;
  putPage(kvm.host, got.page);
  return null;
}

/** kvmppc_core_prepare_memory_region(): RAM-page alignment and a slot_phys array; no pinning */
export function* kvmppcCorePrepareMemoryRegion(kvm: KvmPpc, memslot: KvmPpcMemslot): Gen<number> {
  const arch = kvm.arch;
  const host = kvm.host;
  if ((memslot.npages * 4096) % arch.ramPsize || (memslot.baseGfn * 4096) % arch.ramPsize) return EINVAL;
  const npages = (memslot.npages * 4096) / arch.ramPsize;
  let phys = arch.slotPhys[memslot.id];
  if (!phys) {
    yield { at: 'alloc' };
    if (host.faults.shouldFail('vzalloc')) return ENOMEM;
    phys = host.vmalloc.vzalloc(npages);
    arch.slotPhys[memslot.id] = phys;
    arch.slotNpages[memslot.id] = npages;
    host.trace.emit({ ev: 'slotPhysAlloc', tid: host.current as ThreadId, vm: kvm.vmId, slot: memslot.id, array: phys.addr, npages });
  }
  if (!host.mutants.eagerPin) return 0;
  // the code before seed 004: every page pinned now, so memory mapped later is an error
  for (let i = 0; i < npages; i++) {
    const page = yield* getRamPage(kvm, memslot.userspaceAddr + i * arch.ramPsize);
    if (!page) return EINVAL;
    setSlotPhys(kvm, memslot.id, phys, i, page.pfn, true);
  }
  return 0;
}

/**
 * kvmppc_get_guest_page(): pins the RAM page of gfn unless slot_phys knows it already.
 * The entry is re-checked under slot_phys_lock: a vCPU that lost the race drops its extra
 * reference, and one whose array unpin_slot released meanwhile drops it and says -EAGAIN
 * (the caller looks the memslot up again).
 */
export function* kvmppcGetGuestPage(kvm: KvmPpc, gfn: number, memslot: KvmPpcMemslot): Gen<number> {
  const arch = kvm.arch;
  const physp = arch.slotPhys[memslot.id];
  if (!physp) return EINVAL;
  const i = (gfn - memslot.baseGfn) >> (arch.ramPorder - PAGE_SHIFT);
  if (physp.data[i]) return 0;
  const page = yield* getRamPage(kvm, gfnToHvaMemslot(memslot, gfn));
  if (!page) return EINVAL;
  if (kvm.host.mutants.getPageUnlocked) {
    setSlotPhys(kvm, memslot.id, physp, i, page.pfn, true);
    return 0;
  }
  const tid = kvm.host.current;
  yield* arch.slotPhysLock.lock(tid);
  const released = arch.slotPhys[memslot.id] !== physp;
  if (!released && !physp.data[i]) setSlotPhys(kvm, memslot.id, physp, i, page.pfn, true);
  else putPage(kvm.host, page);
  arch.slotPhysLock.unlock(tid);
  return released ? EAGAIN : 0;
}

/** unpin_slot(): every got page put once, marked dirty, under slot_phys_lock; then freed */
export function* unpinSlot(kvm: KvmPpc, slot: SlotId): Gen<void> {
  const arch = kvm.arch;
  const host = kvm.host;
  const tid = host.current;
  const physp = arch.slotPhys[slot];
  if (!physp) return;
  const locked = !host.mutants.unpinUnlocked;
  if (locked) yield* arch.slotPhysLock.lock(tid);
  const ids = { tid: tid as ThreadId, vm: kvm.vmId, slot, array: physp.addr };
  host.trace.emit({ ev: 'unpinSlot', ...ids, phase: 'begin' });
  for (let j = 0; j < arch.slotNpages[slot]!; j++) {
    const e = physp.data[j]!;
    if (e & KVMPPC_GOT_PAGE || (e && host.mutants.unpinPutsRmo)) {
      const page = pfnToPage(kvm, Number((e & KVMPPC_PA_MASK) >> BigInt(PAGE_SHIFT)));
      setPageDirty(page);
      putPage(host, page);
    }
    // without the spinlock this loop runs preemptible: it may be switched out after any entry
    if (!locked) yield { at: 'preempt' };
  }
  arch.slotPhys[slot] = null;
  if (locked) arch.slotPhysLock.unlock(tid);
  host.vmalloc.vfree(physp);
  host.trace.emit({ ev: 'unpinSlot', ...ids, phase: 'end' });
}
