/**
 * The page-fault path: walk the guest tables (shadow paging), find the memslot, get the
 * host page, and build the shadow (or TDP) path down to a leaf spte under kvm->lock.
 * @see arch/x86/kvm/mmu/mmu.c kvm_mmu_page_fault(), arch/x86/kvm/mmu/paging_tmpl.h fetch()
 */
import type { Gfn, Hpa } from '../../api/ids.js';
import type { Gen } from '../preempt.js';
import type { KvmMmuPage, KvmVcpu } from './structs.js';
import { PT32_ROOT_LEVEL, PT64_ROOT_LEVEL, PT_PAGE_TABLE_LEVEL, PT_PRESENT_MASK, PT_WRITABLE_MASK } from './structs.js';
import { kvmMmuFreeSomePages, kvmMmuGetPage, pageHeader } from './mmu-page.js';
import { mmuTopupMemoryCaches } from './memory-cache.js';
import { gfnToMemslot } from './memslots.js';
import { rmapAdd } from './rmap.js';
import { walkAddr, type GuestWalker } from './paging-tmpl.js';
import { markPageDirty } from './dirty-log.js';
import { VALID_PAGE } from './roots.js';
import { tryAsyncPf } from '../apf/try-async-pf.js';

export type FaultOutcome =
  /** the spte is in place (or the root went away, or the page comes asynchronously): re-enter */
  | { readonly kind: 'retry' }
  /** the guest's own tables do not map it: #PF injected */
  | { readonly kind: 'guestPageFault' }
  /** no memslot: emulate, exit to userspace with KVM_EXIT_MMIO */
  | { readonly kind: 'mmio'; readonly gfn: Gfn }
  | { readonly kind: 'error'; readonly errno: number };

const indexAt = (addr: number, level: number): number => Math.floor(addr / 2 ** (12 + 9 * (level - 1))) % 512;

/** The top shadow page covering addr and its level, or null if the PAE slot is empty. */
const rootFor = (vcpu: KvmVcpu, addr: number): [KvmMmuPage, number] | null => {
  const mmu = vcpu.mmu;
  if (mmu.shadowRootLevel === PT64_ROOT_LEVEL) return [pageHeader(vcpu.kvm, mmu.rootHpa), PT64_ROOT_LEVEL];
  const h = mmu.paeRoot[Math.floor(addr / 2 ** 30) % 4]!;
  return h === 0 ? null : [pageHeader(vcpu.kvm, h), PT64_ROOT_LEVEL - 2];
};

/** What the hardware walk of the shadow tables finds: does a leaf spte allow the access? */
export const sptePresent = (vcpu: KvmVcpu, addr: number, write: boolean): boolean => {
  if (!VALID_PAGE(vcpu.mmu.rootHpa)) return false;
  const top = rootFor(vcpu, addr);
  if (!top) return false;
  let [sp, level] = top;
  for (;;) {
    const spte = sp.spt[indexAt(addr, level)]!;
    if (!(spte & PT_PRESENT_MASK)) return false;
    if (level === PT_PAGE_TABLE_LEVEL) return !write || (spte & PT_WRITABLE_MASK) !== 0;
    sp = pageHeader(vcpu.kvm, (spte & ~0xfff) as Hpa);
    level--;
  }
};

/**
 * FNAME(fetch) / __direct_map: link shadow pages down to the leaf and set the spte. In a
 * slot that logs dirty pages only a write fault makes it writable, so dirty logging sees
 * the first write to every page; elsewhere it is writable at once.
 */
const fetch = (vcpu: KvmVcpu, addr: number, gfn: Gfn, pfn: number, write: boolean, walker: GuestWalker | null): void => {
  const mmu = vcpu.mmu;
  const top = rootFor(vcpu, addr);
  if (!top) return;
  let [sp, level] = top;
  while (level > PT_PAGE_TABLE_LEVEL) {
    const i = indexAt(addr, level);
    const spte = sp.spt[i]!;
    let child: KvmMmuPage;
    if (spte & PT_PRESENT_MASK) child = pageHeader(vcpu.kvm, (spte & ~0xfff) as Hpa);
    else {
      const span = 2 ** (9 * (level - 1));
      // below a guest large page the shadow maps the frames directly (FNAME(fetch): direct_gfn)
      const guestTable = walker?.tableGfn[level - 2];
      const direct = mmu.directMap || guestTable === undefined || level - 1 < (walker?.level ?? 0);
      const childGfn = (direct ? (walker ? gfn - (gfn % span) : Math.floor(addr / 4096 / span) * span) : guestTable) as Gfn;
      // a 4-byte guest PT spans two shadow pages: which half is the quadrant (kvm_mmu_child_role)
      const quadrant = !direct && mmu.rootLevel === PT32_ROOT_LEVEL && level - 1 === PT_PAGE_TABLE_LEVEL ? i & 1 : 0;
      const role = { level: level - 1, glevels: mmu.rootLevel, direct, quadrant };
      child = kvmMmuGetPage(vcpu, childGfn, role, false);
      sp.spt[i] = child.hpa | PT_PRESENT_MASK | PT_WRITABLE_MASK;
      child.parentPtes.push({ sp, index: i });
    }
    sp = child;
    level--;
  }
  const i = indexAt(addr, PT_PAGE_TABLE_LEVEL);
  const w = write || !gfnToMemslot(vcpu.kvm, gfn)?.dirtyBitmap ? PT_WRITABLE_MASK : 0;
  if (sp.spt[i]! & PT_PRESENT_MASK) sp.spt[i]! |= w;
  else {
    sp.spt[i] = (pfn << 12) | PT_PRESENT_MASK | w;
    rmapAdd(vcpu, sp, i, gfn);
  }
  if (write) markPageDirty(vcpu.kvm, gfn);
};

/**
 * mmu->page_fault(): `addr` is a gva under shadow paging, a gpa with a direct map.
 * The gfn is found by walking the guest tables (shadow) or given by the hardware (direct).
 * `noApf` forbids handling a swapped-out page asynchronously (seed 001).
 */
export function* kvmMmuPageFault(vcpu: KvmVcpu, addr: number, gpaGfn: Gfn, write: boolean, noApf: boolean): Gen<FaultOutcome> {
  const kvm = vcpu.kvm;
  const r = yield* mmuTopupMemoryCaches(vcpu, null);
  if (r) return { kind: 'error', errno: r };
  const mm = kvm.host.mmapSem;
  const tid = kvm.host.current;
  // walk-unlocked re-creates the pre-003 walker, which ran before taking mmap_sem
  const early = kvm.host.mutants.walkUnlocked && !vcpu.mmu.directMap ? yield* walkAddr(vcpu, addr) : undefined;
  yield* mm.downRead(tid);
  const walker = vcpu.mmu.directMap ? null : early !== undefined ? early : yield* walkAddr(vcpu, addr);
  const gfn = walker ? walker.gfn : gpaGfn;
  const out = gfn === null ? ({ kind: 'guestPageFault' } as const) : yield* mapGfn(vcpu, addr, gfn, write, noApf, walker);
  mm.upRead(tid);
  return out;
}

/** The fault on a known gfn, with mmap_sem held for read. */
function* mapGfn(vcpu: KvmVcpu, addr: number, gfn: Gfn, write: boolean, noApf: boolean, walker: GuestWalker | null): Gen<FaultOutcome> {
  const kvm = vcpu.kvm;
  kvm.host.trace.emit({ ev: 'kvmPageFault', vm: kvm.vmId, vcpu: vcpu.vcpuId, gfn, write, noApf });
  if (!gfnToMemslot(kvm, gfn)) return { kind: 'mmio', gfn };
  const pfn = yield* tryAsyncPf(vcpu, noApf, gfn, addr);
  // handled asynchronously: the guest was told "not present", or the vCPU will halt
  if (pfn === null) return { kind: 'retry' };
  const tid = kvm.host.current;
  yield* kvm.lock.lock(tid);
  // another vCPU may have zapped our root while we slept in get_user_pages: retry from entry
  if (VALID_PAGE(vcpu.mmu.rootHpa)) {
    kvmMmuFreeSomePages(kvm);
    fetch(vcpu, addr, gfn, pfn, write, walker);
  }
  kvm.lock.unlock(tid);
  return { kind: 'retry' };
}
