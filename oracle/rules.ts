/**
 * Where each rule comes from, for reports a kernel engineer files: the kernel patch
 * (docs/SEEDS.md: its subject and upstream commit) and the tracepoint events at which its monitor checks it,
 * so `--stats` can say which monitors never saw anything of theirs.
 */
import type { TraceEventKind } from '../api/events.js';
import type { FailureId, InvariantId } from './monitor.js';
import { monitorById } from './monitors/index.js';

export type SeedId = '000' | '001' | '002' | '003' | '004';

export interface SeedPatch {
  /** the patch's subject line */
  readonly subject: string;
  readonly author: string;
  /** the upstream Linux commit, where it is established; null when it is not */
  readonly commit: string | null;
  /** where the patch can be found when there is no commit id (a mailing-list posting) */
  readonly posted?: string;
}

export const SEEDS: Record<SeedId, SeedPatch> = {
  '000': { subject: 'KVM: Lazy guest cr3 switching', author: 'Avi Kivity', commit: '17c3ba9d37dbda490792a2b52953f09d0dee30d6' },
  '001': { subject: 'KVM: Retry fault before vmentry', author: 'Gleb Natapov', commit: '56028d0861e48f7cc9c573d79f2d8a0a933a2bba' },
  '002': {
    subject: 'KVM: x86/mmu: Defer "full" MMU setup until after vendor hardware_setup()',
    author: 'Sean Christopherson',
    commit: null,
    posted: 'posted to kvm@vger.kernel.org on 24 Jun 2022 as [PATCH 2/4], https://lore.kernel.org/r/20220624232735.3090056-3-seanjc@google.com',
  },
  '003': { subject: 'KVM: MMU: Concurrent guest walkers', author: 'Marcelo Tosatti', commit: '10589a4699bb978c781ce73bbae8ca942c5250c9' },
  '004': {
    subject: 'KVM: PPC: Only get pages when actually needed, not in prepare_memory_region()',
    author: 'Paul Mackerras',
    commit: null,
    posted: "merged for Linux 3.3 (git log --oneline --grep='Only get pages when actually needed' v3.2..v3.3)",
  },
};

export interface RuleSource {
  readonly seed: SeedId;
  /** the events at which the monitor checks the rule: none of them seen means nothing was checked */
  readonly events: readonly TraceEventKind[];
}

export const RULES: Record<InvariantId, RuleSource> = {
  ROOT_VALID_AT_ENTRY: { seed: '000', events: ['kvmEntry'] },
  FAILED_LOAD_NO_ENTRY: { seed: '000', events: ['kvmMmuLoad'] },
  ROOTS_FREED_ONCE: { seed: '000', events: ['kvmMmuFreePage', 'kvmDestroyVm'] },
  RMAP_CONSISTENT: { seed: '003', events: ['kvmRmap', 'kvmMmuFreePage', 'kvmDestroyVm'] },
  // the upstream form of seed 000's root lifecycle (model/rules.ts rootsByGeneration)
  ROOTS_BY_GENERATION: { seed: '000', events: ['kvmMmuZapAllFast'] },
  APF_NO_RECURSION: { seed: '001', events: ['kvmAsyncPfPrefault'] },
  APF_ONE_PER_GFN: { seed: '001', events: ['kvmAsyncPfNotPresent'] },
  APF_PRESENT_ONCE: { seed: '001', events: ['kvmAsyncPfPresent', 'kvmAsyncPfCancel'] },
  APF_PREFAULT_SAFE: { seed: '001', events: ['kvmAsyncPfPrefault'] },
  APF_PREFAULT_MAPS: { seed: '001', events: ['kvmAsyncPfPrefault'] },
  SETUP_ORDER: { seed: '002', events: ['kvmModuleInit'] },
  SETUP_BALANCED: { seed: '002', events: ['kvmSetupStep', 'kvmUnsetupStep'] },
  LOCK_HELD: { seed: '003', events: ['kvmGuestMem', 'kvmRmap', 'kvmVmUpdate', 'kvmMmuGetPage'] },
  LOCK_ORDER: { seed: '003', events: ['lockAcquire'] },
  LOCK_BALANCED: { seed: '003', events: ['lockRelease'] },
  SLOT_PHYS_LOCKED: { seed: '004', events: ['slotPhysSet', 'unpinSlot'] },
  PIN_ONCE: { seed: '004', events: ['slotPhysSet', 'putPage'] },
  NO_PIN_AFTER_UNPIN: { seed: '004', events: ['unpinSlot'] },
  RMO_NEVER_PUT: { seed: '004', events: ['kvmppcRmaSetup'] },
  LAZY_PIN: { seed: '004', events: ['slotPhysAlloc'] },
  RMA_ONCE: { seed: '004', events: ['kvmppcRmaSetup'] },
  RMA_LPCR: { seed: '004', events: ['kvmppcSetLpcr'] },
  HPTE_BACKED: { seed: '004', events: ['hpteInsert'] },
};

/** The harness's own checks: rules of the model as a whole, not of one seed. */
const HARNESS: Record<Exclude<FailureId, InvariantId>, string> = {
  CONFORMANCE: "every result and the final abstract state are the model's (with several threads: those of some order of the operations consistent with real time)",
  IMPL_CRASH: 'the implementation never throws (a BUG or WARN in kernel terms)',
  IMPL_HANG: 'every operation finishes within the runner\'s step budget (or, out of process, its --op-timeout)',
  IMPL_PROTOCOL: 'every reply of an out-of-process implementation is a well-formed protocol line of the kind asked for',
  DEADLOCK: 'some thread with work can always make progress',
  KERNEL_SPLAT: "a real kernel logs no WARN, BUG, KASAN, KFENCE, UBSAN or lockdep report, no hung task or RCU stall and no KVM error while a case runs, and does not become tainted",
};

/** The rule as docs/SPEC.md states it, and its seed patch (null for the harness's own checks). */
export const ruleOf = (id: FailureId): { rule: string; seed: (SeedPatch & { id: SeedId }) | null } => {
  const spec = monitorById(id);
  if (!spec) return { rule: HARNESS[id as Exclude<FailureId, InvariantId>] ?? id, seed: null };
  const seed = RULES[spec.id].seed;
  return { rule: spec.rule, seed: { id: seed, ...SEEDS[seed] } };
};
