/**
 * Per-vCPU memory caches: filled where sleeping is allowed, drawn from under the MMU lock.
 * @see arch/x86/kvm/mmu/mmu.c mmu_topup_memory_caches()
 */
import type { AllocSite } from '../../api/ops.js';
import { ENOMEM } from '../../api/errno.js';
import type { Gen } from '../preempt.js';
import type { KvmMmuMemoryCache, KvmVcpu } from './structs.js';

/** enough for four PAE roots or one fault path from the root down */
export const MMU_PAGE_CACHE_MIN = 4;
export const KVM_NR_MEM_OBJS = 8;

const topup = <T>(cache: KvmMmuMemoryCache<T>, min: number, alloc: () => T): void => {
  if (cache.objects.length >= min) return;
  while (cache.objects.length < KVM_NR_MEM_OBJS) cache.objects.push(alloc());
};

/**
 * mmu_topup_memory_caches(): -ENOMEM when an allocation fails. `site` names the injection
 * point this call consumes (kvm_mmu_load's), null where no failure is injected.
 */
export function* mmuTopupMemoryCaches(vcpu: KvmVcpu, site: AllocSite | null): Gen<number> {
  yield { at: 'alloc' };
  const host = vcpu.kvm.host;
  if (site !== null && host.faults.shouldFail(site)) return ENOMEM;
  topup(vcpu.mmuPteListDescCache, 1, () => 1);
  topup(vcpu.mmuPageCache, MMU_PAGE_CACHE_MIN, () => host.pages.alloc());
  topup(vcpu.mmuPageHeaderCache, MMU_PAGE_CACHE_MIN, () => 1);
  return 0;
}

/** mmu_free_memory_caches(): vCPU teardown gives the preallocated pages back */
export const mmuFreeMemoryCaches = (vcpu: KvmVcpu): void => {
  for (const hpa of vcpu.mmuPageCache.objects.splice(0)) vcpu.kvm.host.pages.free(hpa);
  vcpu.mmuPageHeaderCache.objects.length = 0;
  vcpu.mmuPteListDescCache.objects.length = 0;
};
