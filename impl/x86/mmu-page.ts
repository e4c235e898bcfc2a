/**
 * Shadow pages: allocation from the vCPU memory caches, the gfn/role hash, zapping and
 * reclaim. @see arch/x86/kvm/mmu/mmu.c kvm_mmu_get_page(), kvm_mmu_prepare_zap_page()
 */
import type { Gfn, Hpa } from '../../api/ids.js';
import type { PageRole } from '../../api/events.js';
import type { Kvm, KvmMmuPage, KvmVcpu } from './structs.js';
import { KVM_REQ_MMU_RELOAD, PT64_ENT_PER_PAGE, PT_PAGE_TABLE_LEVEL, PT_PRESENT_MASK } from './structs.js';
import { rmapRemove } from './rmap.js';

export const KVM_NUM_MMU_PAGES_HASH = 64;
export const KVM_MIN_FREE_MMU_PAGES = 5;
export const KVM_REFILL_PAGES = 25;

const bucketOf = (gfn: Gfn): number => gfn % KVM_NUM_MMU_PAGES_HASH;

const sameRole = (a: PageRole, b: PageRole): boolean =>
  a.level === b.level && a.glevels === b.glevels && a.direct === b.direct && a.quadrant === b.quadrant;

/** page_header(): the shadow page at an hpa */
export const pageHeader = (kvm: Kvm, hpa: Hpa): KvmMmuPage => {
  const sp = kvm.pageByHpa.get(hpa);
  if (!sp) throw new Error(`BUG: no shadow page at hpa ${hpa.toString(16)}`);
  return sp;
};

/** kvm_mmu_alloc_page(): takes the page and its header from the vCPU caches */
const kvmMmuAllocPage = (vcpu: KvmVcpu, gfn: Gfn, role: PageRole): KvmMmuPage => {
  const kvm = vcpu.kvm;
  const hpa = vcpu.mmuPageCache.objects.pop();
  if (hpa === undefined || vcpu.mmuPageHeaderCache.objects.pop() === undefined) {
    throw new Error('BUG: mmu_memory_cache_alloc on an empty cache (missing topup)');
  }
  const sp: KvmMmuPage = {
    hpa,
    gfn,
    role: { ...role, invalid: false },
    spt: new Int32Array(PT64_ENT_PER_PAGE),
    gfns: new Int32Array(role.level === PT_PAGE_TABLE_LEVEL ? PT64_ENT_PER_PAGE : 0),
    parentPtes: [],
    rootCount: 0,
  };
  kvm.activeMmuPages.add(sp);
  kvm.pageByHpa.set(hpa, sp);
  kvm.nFreeMmuPages--;
  return sp;
};

/** kvm_mmu_get_page(): find a live page for (gfn, role) in the hash, or make one */
export const kvmMmuGetPage = (vcpu: KvmVcpu, gfn: Gfn, role: PageRole, root: boolean): KvmMmuPage => {
  const kvm = vcpu.kvm;
  const bucket = kvm.mmuPageHash.get(bucketOf(gfn)) ?? [];
  const found = bucket.find((sp) => sp.gfn === gfn && !sp.role.invalid && sameRole(sp.role, role));
  const sp = found ?? kvmMmuAllocPage(vcpu, gfn, role);
  if (!found) kvm.mmuPageHash.set(bucketOf(gfn), [...bucket, sp]);
  kvm.host.trace.emit({ ev: 'kvmMmuGetPage', vm: kvm.vmId, hpa: sp.hpa, gfn, role, root, created: !found });
  return sp;
};

const kvmMmuFreePage = (kvm: Kvm, sp: KvmMmuPage): void => {
  kvm.activeMmuPages.delete(sp);
  kvm.pageByHpa.delete(sp.hpa);
  kvm.host.pages.free(sp.hpa);
  kvm.nFreeMmuPages++;
  kvm.host.trace.emit({ ev: 'kvmMmuFreePage', vm: kvm.vmId, hpa: sp.hpa });
};

/** Drops every spte of `sp`: children lose a parent pointer, leaves leave the rmap. */
const unlinkChildren = (kvm: Kvm, sp: KvmMmuPage): void => {
  for (let i = 0; i < PT64_ENT_PER_PAGE; i++) {
    const spte = sp.spt[i]!;
    if (!(spte & PT_PRESENT_MASK)) continue;
    if (sp.role.level === PT_PAGE_TABLE_LEVEL) rmapRemove(kvm, sp, i);
    else {
      const child = pageHeader(kvm, (spte & ~0xfff) as Hpa);
      const k = child.parentPtes.findIndex((p) => p.sp === sp && p.index === i);
      if (k >= 0) child.parentPtes.splice(k, 1);
    }
    sp.spt[i] = 0;
  }
};

/**
 * kvm_mmu_zap_page(): unlink `sp` everywhere. A page still used as a root is only marked
 * invalid and every vCPU is asked to reload; mmuFreeRoots frees it when the last user goes.
 */
export const kvmMmuZapPage = (kvm: Kvm, sp: KvmMmuPage): void => {
  kvm.host.trace.emit({ ev: 'kvmMmuZapPage', vm: kvm.vmId, hpa: sp.hpa, rootCount: sp.rootCount });
  unlinkChildren(kvm, sp);
  for (const { sp: parent, index } of sp.parentPtes.splice(0)) parent.spt[index] = 0;
  const bucket = kvm.mmuPageHash.get(bucketOf(sp.gfn)) ?? [];
  kvm.mmuPageHash.set(bucketOf(sp.gfn), bucket.filter((p) => p !== sp));
  if (sp.rootCount === 0) {
    kvmMmuFreePage(kvm, sp);
    return;
  }
  sp.role.invalid = true;
  kvm.activeMmuPages.delete(sp);
  kvm.activeMmuPages.add(sp);
  for (const v of kvm.vcpus.values()) v.requests |= KVM_REQ_MMU_RELOAD;
};

/** Frees an invalid root once nobody uses it (the tail of mmu_free_roots). */
export const kvmMmuPutRoot = (kvm: Kvm, sp: KvmMmuPage): void => {
  sp.rootCount--;
  if (sp.rootCount === 0 && sp.role.invalid) kvmMmuFreePage(kvm, sp);
};

/** kvm_mmu_free_some_pages(): zap the oldest pages that are not roots until enough are free */
export const kvmMmuFreeSomePages = (kvm: Kvm): void => {
  if (kvm.nFreeMmuPages >= KVM_MIN_FREE_MMU_PAGES) return;
  for (const sp of [...kvm.activeMmuPages]) {
    if (kvm.nFreeMmuPages >= KVM_REFILL_PAGES) break;
    if (sp.rootCount > 0 || !kvm.activeMmuPages.has(sp)) continue;
    kvmMmuZapPage(kvm, sp);
  }
};

/** kvm_mmu_zap_all(): memslot deleted or moved, or the VM is going away */
export const kvmMmuZapAll = (kvm: Kvm): void => {
  for (const sp of [...kvm.activeMmuPages]) if (!sp.role.invalid) kvmMmuZapPage(kvm, sp);
};
