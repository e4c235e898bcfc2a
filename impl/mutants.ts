/**
 * Named mutants: each re-creates a known bug (docs/SPEC.md section 4). They are resolved once
 * into a flags object when an impl is created, so the normal path tests a boolean field.
 */
export const MUTANTS = {
  'eager-root-alloc': 'context switch allocates the root at once and ignores allocation failure; run does not reload (000 before)',
  'svm-no-reload': "svm's run loop skips kvm_mmu_reload before entry",
  'cmpxchg-lock-leak': "the cmpxchg emulation's error path skips up_read(mmap_sem) (003's emul_write label)",
  'walk-unlocked': 'the shadow page-fault path walks the guest page tables before taking mmap_sem',
  'entry-no-request-recheck':
    'vcpu_run does not re-check KVM_REQ_MMU_RELOAD after kvm_mmu_reload, so a root zapped by another thread in between is entered (interleaving only)',
  'eager-pin': 'kvmppc_core_prepare_memory_region pins every page of the region with get_user_pages (004 before)',
  'get-page-unlocked': 'kvmppc_get_guest_page records the pfn without slot_phys_lock and without re-checking the entry (004 before)',
  'unpin-unlocked': 'unpin_slot walks and frees slot_phys without slot_phys_lock (004 before)',
  'rma-no-recheck': 'kvmppc_hv_setup_rma does not re-check rma_setup_done after taking kvm->lock',
  'unpin-puts-rmo': 'unpin_slot puts every slot_phys entry, also RMO pages without KVMPPC_GOT_PAGE',
  'apf-ready-recurses': 'the ready-time prefault passes no_apf = false, so it may go async again (001 without its new parameter)',
  'apf-prefault-no-reload': 'the ready-time prefault does not reload the root first',
  'apf-prefault-shadow': 'the ready-time prefault also runs with shadow paging',
  'masks-reset-late': "PTE masks are reset after vendor hardware_setup, losing the vendor's masks (002's old order)",
  'setup-error-leak': 'an MMU setup failure does not call vendor hardware_unsetup',
} as const;

export type MutantName = keyof typeof MUTANTS;

export const isMutantName = (s: string): s is MutantName => Object.hasOwn(MUTANTS, s);

export interface MutantFlags {
  readonly eagerRootAlloc: boolean;
  readonly svmNoReload: boolean;
  readonly cmpxchgLockLeak: boolean;
  readonly walkUnlocked: boolean;
  readonly entryNoRequestRecheck: boolean;
  readonly eagerPin: boolean;
  readonly getPageUnlocked: boolean;
  readonly unpinUnlocked: boolean;
  readonly rmaNoRecheck: boolean;
  readonly unpinPutsRmo: boolean;
  readonly apfReadyRecurses: boolean;
  readonly apfPrefaultNoReload: boolean;
  readonly apfPrefaultShadow: boolean;
  readonly masksResetLate: boolean;
  readonly setupErrorLeak: boolean;
}

export const mutantFlags = (m: MutantName | null): MutantFlags => ({
  eagerRootAlloc: m === 'eager-root-alloc',
  svmNoReload: m === 'svm-no-reload',
  cmpxchgLockLeak: m === 'cmpxchg-lock-leak',
  walkUnlocked: m === 'walk-unlocked',
  entryNoRequestRecheck: m === 'entry-no-request-recheck',
  eagerPin: m === 'eager-pin',
  getPageUnlocked: m === 'get-page-unlocked',
  unpinUnlocked: m === 'unpin-unlocked',
  rmaNoRecheck: m === 'rma-no-recheck',
  unpinPutsRmo: m === 'unpin-puts-rmo',
  apfReadyRecurses: m === 'apf-ready-recurses',
  apfPrefaultNoReload: m === 'apf-prefault-no-reload',
  apfPrefaultShadow: m === 'apf-prefault-shadow',
  masksResetLate: m === 'masks-reset-late',
  setupErrorLeak: m === 'setup-error-leak',
});
