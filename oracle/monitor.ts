/**
 * A monitor checks one invariant of SPEC.md section 3 by reading the trace: tracepoint
 * events from the impl and the runner's operation markers, in order.
 */
import type { TraceRecord } from '../api/events.js';

export type InvariantId =
  | 'ROOT_VALID_AT_ENTRY'
  | 'FAILED_LOAD_NO_ENTRY'
  | 'ROOTS_FREED_ONCE'
  | 'LOCK_HELD'
  | 'LOCK_ORDER'
  | 'LOCK_BALANCED'
  | 'PIN_ONCE'
  | 'NO_PIN_AFTER_UNPIN'
  | 'RMO_NEVER_PUT'
  | 'LAZY_PIN'
  | 'RMA_ONCE'
  | 'HPTE_BACKED'
  | 'APF_NO_RECURSION'
  | 'APF_ONE_PER_GFN'
  | 'APF_PRESENT_ONCE'
  | 'APF_PREFAULT_SAFE'
  | 'APF_PREFAULT_MAPS'
  | 'SETUP_ORDER'
  | 'SETUP_BALANCED';

/** What a failed run is blamed on: an invariant, or one of the harness's own checks. */
export type FailureId =
  | InvariantId
  /** a result or the abstract state differs from the model's */
  | 'CONFORMANCE'
  /** the implementation threw (a BUG/WARN in the impl, or a broken external impl) */
  | 'IMPL_CRASH'
  /** an operation did not finish: it took more steps than the runner allows */
  | 'IMPL_HANG'
  /** every thread with work is waiting for a lock */
  | 'DEADLOCK';

export interface Monitor {
  /** feed one record, seen on harness thread `tid`; a message when it breaks the invariant */
  observe(r: TraceRecord, tid: number): string | null;
}

export interface MonitorSpec {
  readonly id: InvariantId;
  /** the rule, as SPEC.md states it */
  readonly rule: string;
  readonly create: () => Monitor;
}
