/**
 * Named mutants: each re-creates a known bug (SPEC.md section 4). They are resolved once
 * into a flags object when an impl is created, so the normal path tests a boolean field.
 */
export const MUTANTS = {
  'eager-root-alloc': 'context switch allocates the root at once and ignores allocation failure; run does not reload (000 before)',
  'svm-no-reload': "svm's run loop skips kvm_mmu_reload before entry",
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
  readonly apfReadyRecurses: boolean;
  readonly apfPrefaultNoReload: boolean;
  readonly apfPrefaultShadow: boolean;
  readonly masksResetLate: boolean;
  readonly setupErrorLeak: boolean;
}

export const mutantFlags = (m: MutantName | null): MutantFlags => ({
  eagerRootAlloc: m === 'eager-root-alloc',
  svmNoReload: m === 'svm-no-reload',
  apfReadyRecurses: m === 'apf-ready-recurses',
  apfPrefaultNoReload: m === 'apf-prefault-no-reload',
  apfPrefaultShadow: m === 'apf-prefault-shadow',
  masksResetLate: m === 'masks-reset-late',
  setupErrorLeak: m === 'setup-error-leak',
});
