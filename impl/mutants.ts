/**
 * Named mutants: each re-creates a known bug (SPEC.md section 4). They are resolved once
 * into a flags object when an impl is created, so the normal path tests a boolean field.
 */
export const MUTANTS = {
  'eager-root-alloc': 'context switch allocates the root at once and ignores allocation failure; run does not reload (000 before)',
  'svm-no-reload': "svm's run loop skips kvm_mmu_reload before entry",
} as const;

export type MutantName = keyof typeof MUTANTS;

export const isMutantName = (s: string): s is MutantName => Object.hasOwn(MUTANTS, s);

export interface MutantFlags {
  readonly eagerRootAlloc: boolean;
  readonly svmNoReload: boolean;
}

export const mutantFlags = (m: MutantName | null): MutantFlags => ({
  eagerRootAlloc: m === 'eager-root-alloc',
  svmNoReload: m === 'svm-no-reload',
});
