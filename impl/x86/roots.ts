/**
 * Root lifecycle (seed 000): a context change only drops the roots; kvmMmuReload loads
 * them right before guest entry and returns an allocation failure to the caller.
 * @see arch/x86/kvm/mmu/mmu.c kvm_mmu_load(), mmu_alloc_roots(), mmu_free_roots()
 */
import type { Gfn, Hpa } from '../../api/ids.js';
import { INVALID_PAGE } from '../../api/ids.js';
import type { Gen } from '../preempt.js';
import type { KvmVcpu } from './structs.js';
import { PT32E_ROOT_LEVEL, PT32_ROOT_LEVEL, PT64_ROOT_LEVEL, PT_PRESENT_MASK } from './structs.js';
import { kvmMmuFreeSomePages, kvmMmuGetPage, kvmMmuPutRoot, pageHeader } from './mmu-page.js';
import { mmuTopupMemoryCaches } from './memory-cache.js';
import { isLongMode, isPae, isPaging } from './cpu.js';

export const VALID_PAGE = (h: Hpa): boolean => h !== INVALID_PAGE;

/** The root pages a vCPU would enter with: one, or the present PAE roots. */
export const currentRoots = (vcpu: KvmVcpu): Hpa[] => {
  const mmu = vcpu.mmu;
  if (!VALID_PAGE(mmu.rootHpa) || mmu.shadowRootLevel === PT64_ROOT_LEVEL) return [mmu.rootHpa];
  return mmu.paeRoot.filter((h) => h !== 0);
};

/** mmu_alloc_roots(): called with kvm->lock held and the caches topped up */
const mmuAllocRoots = (vcpu: KvmVcpu): void => {
  const mmu = vcpu.mmu;
  const glevels = mmu.rootLevel;
  if (mmu.shadowRootLevel === PT64_ROOT_LEVEL) {
    const rootGfn = (mmu.directMap ? 0 : vcpu.cr3 >>> 12) as Gfn;
    const sp = kvmMmuGetPage(vcpu, rootGfn, { level: PT64_ROOT_LEVEL, glevels, direct: mmu.directMap, quadrant: 0 }, true);
    sp.rootCount++;
    mmu.rootHpa = sp.hpa;
    return;
  }
  for (let i = 0; i < 4; i++) {
    let rootGfn: number;
    let quadrant = 0;
    if (glevels === PT32E_ROOT_LEVEL) {
      const pdpte = vcpu.pdptrs[i]!;
      if (!(pdpte & PT_PRESENT_MASK)) {
        mmu.paeRoot[i] = 0 as Hpa;
        continue;
      }
      rootGfn = pdpte >>> 12;
    } else if (mmu.directMap) rootGfn = i << 18;
    else {
      rootGfn = vcpu.cr3 >>> 12;
      quadrant = i;
    }
    const role = { level: PT32_ROOT_LEVEL, glevels, direct: mmu.directMap, quadrant };
    const sp = kvmMmuGetPage(vcpu, rootGfn as Gfn, role, true);
    sp.rootCount++;
    mmu.paeRoot[i] = sp.hpa;
  }
  mmu.rootHpa = vcpu.paeRootHpa;
};

/** mmu_free_roots(): drop this vCPU's references; invalid roots die with the last one */
export function* mmuFreeRoots(vcpu: KvmVcpu): Gen<void> {
  const mmu = vcpu.mmu;
  if (!VALID_PAGE(mmu.rootHpa)) return;
  const kvm = vcpu.kvm;
  const tid = kvm.host.current;
  yield* kvm.lock.lock(tid);
  const roots = currentRoots(vcpu);
  for (const h of roots) kvmMmuPutRoot(kvm, pageHeader(kvm, h));
  mmu.paeRoot.fill(0 as Hpa);
  mmu.rootHpa = INVALID_PAGE;
  kvm.lock.unlock(tid);
  kvm.host.trace.emit({ ev: 'kvmMmuUnload', vm: kvm.vmId, vcpu: vcpu.vcpuId, roots });
}

/** kvm_mmu_load(): top up, then allocate the roots under kvm->lock */
export function* kvmMmuLoad(vcpu: KvmVcpu): Gen<number> {
  const kvm = vcpu.kvm;
  const r = yield* mmuTopupMemoryCaches(vcpu, 'mmuTopup');
  if (r) {
    kvm.host.trace.emit({ ev: 'kvmMmuLoad', vm: kvm.vmId, vcpu: vcpu.vcpuId, ret: r, roots: [] });
    return r;
  }
  yield* allocRootsLocked(vcpu);
  kvm.host.trace.emit({ ev: 'kvmMmuLoad', vm: kvm.vmId, vcpu: vcpu.vcpuId, ret: 0, roots: currentRoots(vcpu) });
  return 0;
}

function* allocRootsLocked(vcpu: KvmVcpu): Gen<void> {
  const kvm = vcpu.kvm;
  const tid = kvm.host.current;
  yield* kvm.lock.lock(tid);
  kvmMmuFreeSomePages(kvm);
  mmuAllocRoots(vcpu);
  kvm.lock.unlock(tid);
}

/** kvm_mmu_reload(): the cheap guard before every entry */
export function* kvmMmuReload(vcpu: KvmVcpu): Gen<number> {
  if (VALID_PAGE(vcpu.mmu.rootHpa)) return 0;
  return yield* kvmMmuLoad(vcpu);
}

/** the old (pre-000) eager path: allocate now, ignore a failed topup */
function* eagerAllocRoots(vcpu: KvmVcpu): Gen<void> {
  const r = yield* mmuTopupMemoryCaches(vcpu, 'mmuTopup');
  if (r === 0) yield* allocRootsLocked(vcpu);
}

/** init_kvm_mmu(): pick the context for the current paging mode; the root stays invalid */
export function* initKvmMmu(vcpu: KvmVcpu): Gen<void> {
  const mmu = vcpu.mmu;
  const tdp = vcpu.kvm.host.config.tdp;
  if (VALID_PAGE(mmu.rootHpa)) throw new Error('BUG: init_kvm_mmu with a root loaded');
  mmu.rootLevel = !isPaging(vcpu) ? 0 : isLongMode(vcpu) ? PT64_ROOT_LEVEL : isPae(vcpu) ? PT32E_ROOT_LEVEL : PT32_ROOT_LEVEL;
  mmu.shadowRootLevel = tdp || mmu.rootLevel === PT64_ROOT_LEVEL ? PT64_ROOT_LEVEL : PT32E_ROOT_LEVEL;
  mmu.directMap = tdp || !isPaging(vcpu);
  if (vcpu.kvm.host.mutants.eagerRootAlloc) yield* eagerAllocRoots(vcpu);
}

/** kvm_mmu_reset_context(): unload, then init */
export function* kvmMmuResetContext(vcpu: KvmVcpu): Gen<void> {
  yield* mmuFreeRoots(vcpu);
  yield* initKvmMmu(vcpu);
}

/** mmu->new_cr3: shadow paging drops the roots; a direct map does not depend on cr3 */
export function* kvmMmuNewCr3(vcpu: KvmVcpu): Gen<void> {
  if (vcpu.mmu.directMap) return;
  yield* mmuFreeRoots(vcpu);
  if (vcpu.kvm.host.mutants.eagerRootAlloc) yield* eagerAllocRoots(vcpu);
}
