/**
 * What a failure is blamed on, for reports a kernel engineer files: the rule broken and the
 * kernel patch it comes from (api/seeds.ts, docs/SEEDS.md). An invariant's rule and patch
 * are in its MonitorSpec; the harness's own checks are rules of the model as a whole.
 */
import type { TraceEventKind } from '../api/events.js';
import { SEEDS, type SeedId, type SeedPatch } from '../api/seeds.js';
import type { FailureId, InvariantId } from './monitor.js';
import { monitorById } from './monitors/index.js';

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
  return { rule: spec.rule, seed: { id: spec.seed, ...SEEDS[spec.seed] } };
};

/** the events at which a failure's monitor checks its rule (none for the harness's own checks) */
export const checkedAt = (id: string): readonly TraceEventKind[] => monitorById(id)?.checkedAt ?? [];
