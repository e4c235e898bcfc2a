/**
 * The MMU's module-wide objects, created after the vendor's hardware_setup() (seed 002):
 * the pte_list_desc and page-header caches and the used-pages counter.
 * @see arch/x86/kvm/mmu/mmu.c kvm_mmu_hardware_setup(), kvm_mmu_hardware_unsetup()
 */
import type { AllocSite } from '../../api/ops.js';
import { ENOMEM } from '../../api/errno.js';
import type { KvmHost } from '../host.js';
import type { Gen } from '../preempt.js';
import type { KmemCache } from './structs.js';

/** kmem_cache_create(): null when the allocation fails */
function* kmemCacheCreate(host: KvmHost, name: string, site: AllocSite): Gen<KmemCache | null> {
  yield { at: 'alloc' };
  const failed = host.faults.shouldFail(site);
  host.trace.emit({ ev: 'kvmSetupStep', stage: 'mmu', object: name, ret: failed ? ENOMEM : 0 });
  return failed ? null : { name };
}

/** kmem_cache_destroy(): a no-op for NULL */
const kmemCacheDestroy = (host: KvmHost, cache: KmemCache | null): void => {
  if (cache) host.trace.emit({ ev: 'kvmUnsetupStep', stage: 'mmu', object: cache.name });
};

const TOTAL_USED = 'kvm_total_used_mmu_pages';

/** percpu_counter_init(&kvm_total_used_mmu_pages, 0, GFP_KERNEL) */
function* percpuCounterInit(host: KvmHost): Gen<number> {
  yield { at: 'alloc' };
  const r = host.faults.shouldFail('percpuCounter') ? ENOMEM : 0;
  if (r === 0) host.module.totalUsedMmuPages = { count: 0 };
  host.trace.emit({ ev: 'kvmSetupStep', stage: 'mmu', object: TOTAL_USED, ret: r });
  return r;
}

const percpuCounterDestroy = (host: KvmHost): void => {
  if (!host.module.totalUsedMmuPages) return;
  host.module.totalUsedMmuPages = null;
  host.trace.emit({ ev: 'kvmUnsetupStep', stage: 'mmu', object: TOTAL_USED });
};

/** mmu_destroy_caches() */
const mmuDestroyCaches = (host: KvmHost): void => {
  const m = host.module;
  kmemCacheDestroy(host, m.pteListDescCache);
  kmemCacheDestroy(host, m.mmuPageHeaderCache);
  m.pteListDescCache = null;
  m.mmuPageHeaderCache = null;
};

/** kvm_mmu_hardware_setup(): 0, or -ENOMEM with whatever was created destroyed again */
export function* kvmMmuHardwareSetup(host: KvmHost): Gen<number> {
  const m = host.module;
  out: {
    m.pteListDescCache = yield* kmemCacheCreate(host, 'pte_list_desc', 'pteListDescCache');
    if (!m.pteListDescCache) break out;
    m.mmuPageHeaderCache = yield* kmemCacheCreate(host, 'kvm_mmu_page_header', 'mmuPageHeaderCache');
    if (!m.mmuPageHeaderCache) break out;
    if (yield* percpuCounterInit(host)) break out;
    return 0;
  }
  mmuDestroyCaches(host);
  return ENOMEM;
}

/** kvm_mmu_hardware_unsetup() */
export const kvmMmuHardwareUnsetup = (host: KvmHost): void => {
  mmuDestroyCaches(host);
  percpuCounterDestroy(host);
};
