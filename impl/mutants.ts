/**
 * Named mutants: each re-creates a known bug (docs/SPEC.md section 4). A mutant is one
 * record here; its name is its flag (camelCased: `eager-root-alloc` turns on
 * `eagerRootAlloc`), and the list (`kvm-oracle mutants --list`), the flags the impl tests,
 * the table of docs/MUTANTS.md (impl/mutants-doc.ts) and test/mutants.test.ts are derived
 * from it. Flags are resolved once when an impl is created, so the normal path tests a
 * boolean field.
 */
import type { FailureId, InvariantId } from '../api/failures.js';
import type { SeedId } from '../api/seeds.js';

export interface Mutant {
  /** the seed patch whose rule it breaks */
  readonly seed: SeedId;
  /** the bug it re-creates, in one line (`kvm-oracle mutants --list --verbose`) */
  readonly bug: string;
  /** what a campaign finds it as: the monitors (or the conformance check) whose rule it breaks */
  readonly foundAs: readonly FailureId[];
  /** the harness threads a campaign needs to find it: 2 for a race, which one thread never opens */
  readonly threads: 1 | 2;
  /** why it is found that way */
  readonly why: string;
  /** what finds it with the first of `foundAs` switched off (`--disable`), on how many threads */
  readonly without?: { readonly monitor: InvariantId; readonly foundAs: readonly FailureId[]; readonly threads: 1 | 2 };
}

export const MUTANT_RECORDS = {
  'eager-root-alloc': {
    seed: '000', threads: 1, foundAs: ['ROOT_VALID_AT_ENTRY', 'FAILED_LOAD_NO_ENTRY'],
    bug: 'context switch allocates the root at once and ignores allocation failure; run does not reload (000 before)',
    why: 'the guest is entered on a root that failed to load or was freed since',
  },
  'svm-no-reload': {
    seed: '000', threads: 1, foundAs: ['ROOT_VALID_AT_ENTRY', 'FAILED_LOAD_NO_ENTRY'],
    bug: "svm's run loop skips kvm_mmu_reload before entry",
    why: 'an svm vCPU enters after its root was unloaded',
  },
  'cmpxchg-lock-leak': {
    seed: '003', threads: 1, foundAs: ['LOCK_ORDER', 'LOCK_BALANCED'],
    bug: "the cmpxchg emulation's error path skips up_read(mmap_sem) (003's emul_write label)",
    why: 'the leaked read lock is first re-taken (a recursive down_read, which lockdep reports first), then returned with',
    without: { monitor: 'LOCK_ORDER', foundAs: ['LOCK_BALANCED'], threads: 1 },
  },
  'walk-unlocked': {
    seed: '003', threads: 1, foundAs: ['LOCK_HELD'],
    bug: 'the shadow page-fault path walks the guest page tables before taking mmap_sem',
    why: 'the guest-memory reads of the walk happen without mmap_sem',
  },
  'entry-no-request-recheck': {
    seed: '000', threads: 2, foundAs: ['ROOT_VALID_AT_ENTRY'],
    bug: 'vcpu_run does not re-check KVM_REQ_MMU_RELOAD after kvm_mmu_reload, so a root zapped by another thread in between is entered (interleaving only)',
    why: 'another thread zaps the root (memslot delete or move, a write to a shadowed page table) between the reload and the entry: one preemption point wide',
  },
  'eager-pin': {
    seed: '004', threads: 1, foundAs: ['LAZY_PIN', 'CONFORMANCE'],
    bug: 'kvmppc_core_prepare_memory_region pins every page of the region with get_user_pages (004 before)',
    why: 'pages are pinned before any guest access needs them (CONFORMANCE when the memory is mapped after the slot is set)',
  },
  'get-page-unlocked': {
    seed: '004', threads: 1, foundAs: ['SLOT_PHYS_LOCKED'],
    bug: 'kvmppc_get_guest_page records the pfn without slot_phys_lock and without re-checking the entry (004 before)',
    why: 'the missing slot_phys_lock shows in the lock tracepoints on one thread; the race it opens needs two vCPUs',
    without: { monitor: 'SLOT_PHYS_LOCKED', foundAs: ['PIN_ONCE', 'NO_PIN_AFTER_UNPIN'], threads: 2 },
  },
  'unpin-unlocked': {
    seed: '004', threads: 1, foundAs: ['SLOT_PHYS_LOCKED'],
    bug: 'unpin_slot walks and frees slot_phys without slot_phys_lock (004 before)',
    why: 'the walk is then preemptible: a race of depth two (a vCPU preempted between get_user_pages and its record, the delete inside its walk)',
    without: { monitor: 'SLOT_PHYS_LOCKED', foundAs: ['PIN_ONCE', 'NO_PIN_AFTER_UNPIN'], threads: 2 },
  },
  'rma-no-recheck': {
    seed: '004', threads: 2, foundAs: ['RMA_ONCE'],
    bug: 'kvmppc_hv_setup_rma does not re-check rma_setup_done after taking kvm->lock',
    why: "two vCPUs' first runs both set the RMA up",
  },
  'unpin-puts-rmo': {
    seed: '004', threads: 1, foundAs: ['RMO_NEVER_PUT'],
    bug: 'unpin_slot puts every slot_phys entry, also RMO pages without KVMPPC_GOT_PAGE',
    why: 'a page the RMA owns is put when its slot is deleted',
  },
  'apf-ready-recurses': {
    seed: '001', threads: 1, foundAs: ['APF_NO_RECURSION'],
    bug: 'the ready-time prefault passes no_apf = false, so it may go async again (001 without its new parameter)',
    why: 'the prefault of a completed async fault queues another one',
  },
  'apf-prefault-no-reload': {
    seed: '001', threads: 1, foundAs: ['APF_PREFAULT_SAFE'],
    bug: 'the ready-time prefault does not reload the root first',
    why: 'the prefault walks a root that is not loaded',
  },
  'apf-prefault-shadow': {
    seed: '001', threads: 1, foundAs: ['APF_PREFAULT_SAFE'],
    bug: 'the ready-time prefault also runs with shadow paging',
    why: 'the prefault runs on a vCPU without TDP',
  },
  'masks-reset-late': {
    seed: '002', threads: 1, foundAs: ['SETUP_ORDER'],
    bug: "PTE masks are reset after vendor hardware_setup, losing the vendor's masks (002's old order)",
    why: 'the module init resets the masks after the vendor set them',
  },
  'setup-error-leak': {
    seed: '002', threads: 1, foundAs: ['SETUP_BALANCED'],
    bug: 'an MMU setup failure does not call vendor hardware_unsetup',
    why: "a failed module load leaves the vendor's setup step without its unsetup",
  },
} as const satisfies Record<string, Mutant>;

export type MutantName = keyof typeof MUTANT_RECORDS;

export const MUTANT_NAMES = Object.keys(MUTANT_RECORDS) as MutantName[];

/** name -> the bug it re-creates */
export const MUTANTS: Readonly<Record<MutantName, string>> = Object.fromEntries(MUTANT_NAMES.map((n) => [n, MUTANT_RECORDS[n].bug])) as Record<MutantName, string>;

export const isMutantName = (s: string): s is MutantName => Object.hasOwn(MUTANT_RECORDS, s);

type Camel<S extends string> = S extends `${infer H}-${infer T}` ? `${H}${Capitalize<Camel<T>>}` : S;

/** the flag a mutant turns on: its name camelCased */
export const flagOf = <N extends MutantName>(name: N): Camel<N> => name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()) as Camel<N>;

/** one boolean per mutant, named by flagOf */
export type MutantFlags = { readonly [N in MutantName as Camel<N>]: boolean };

export const mutantFlags = (m: MutantName | null): MutantFlags => Object.fromEntries(MUTANT_NAMES.map((n) => [flagOf(n), n === m])) as MutantFlags;
