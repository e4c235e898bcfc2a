/**
 * Named mutants: each re-creates a known bug (SPEC.md section 4). They are resolved once
 * into a flags object when an impl is created, so the normal path tests a boolean field.
 */
export const MUTANTS = {
  'eager-root-alloc': 'context switch allocates the root at once and ignores allocation failure; run does not reload (000 before)',
  'svm-no-reload': "svm's run loop skips kvm_mmu_reload before entry",
  'cmpxchg-lock-leak': "the cmpxchg emulation's error path skips up_read(mmap_sem) (003's emul_write label)",
  'walk-unlocked': 'the shadow page-fault path walks the guest page tables before taking mmap_sem',
  'entry-no-request-recheck':
    'vcpu_run does not re-check KVM_REQ_MMU_RELOAD after kvm_mmu_reload, so a root zapped by another thread in between is entered (interleaving only)',
} as const;

export type MutantName = keyof typeof MUTANTS;

export const isMutantName = (s: string): s is MutantName => Object.hasOwn(MUTANTS, s);

export interface MutantFlags {
  readonly eagerRootAlloc: boolean;
  readonly svmNoReload: boolean;
  readonly cmpxchgLockLeak: boolean;
  readonly walkUnlocked: boolean;
  readonly entryNoRequestRecheck: boolean;
}

export const mutantFlags = (m: MutantName | null): MutantFlags => ({
  eagerRootAlloc: m === 'eager-root-alloc',
  svmNoReload: m === 'svm-no-reload',
  cmpxchgLockLeak: m === 'cmpxchg-lock-leak',
  walkUnlocked: m === 'walk-unlocked',
  entryNoRequestRecheck: m === 'entry-no-request-recheck',
});
