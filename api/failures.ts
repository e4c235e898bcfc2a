/**
 * What a failed run is blamed on: an invariant of docs/SPEC.md section 3 (one monitor each), or
 * one of the harness's own checks.
 */
import type { z } from 'zod';
import { oneOf } from './bounds.js';

export const INVARIANTS = [
  'ROOT_VALID_AT_ENTRY', 'FAILED_LOAD_NO_ENTRY', 'ROOTS_FREED_ONCE', 'ROOTS_BY_GENERATION', 'RMAP_CONSISTENT',
  'LOCK_HELD', 'LOCK_ORDER', 'LOCK_BALANCED',
  'SLOT_PHYS_LOCKED', 'PIN_ONCE', 'NO_PIN_AFTER_UNPIN', 'RMO_NEVER_PUT', 'LAZY_PIN', 'RMA_ONCE', 'RMA_LPCR', 'HPTE_BACKED',
  'APF_NO_RECURSION', 'APF_ONE_PER_GFN', 'APF_PRESENT_ONCE', 'APF_PREFAULT_SAFE', 'APF_PREFAULT_MAPS',
  'SETUP_ORDER', 'SETUP_BALANCED',
] as const;
export const InvariantIdSchema = oneOf(INVARIANTS);
export type InvariantId = z.infer<typeof InvariantIdSchema>;

/** The harness's own verdicts, beside the invariants. */
export const HARNESS_FAILURES = [
  /** a result or the abstract state differs from the model's */
  'CONFORMANCE',
  /** the implementation threw, replied with an error, exited or was killed by a signal */
  'IMPL_CRASH',
  /** an operation did not finish: too many steps, or no reply within --op-timeout */
  'IMPL_HANG',
  /** the implementation's reply was not JSON, or not valid against the schema */
  'IMPL_PROTOCOL',
  /** every thread with work is waiting for a lock */
  'DEADLOCK',
  /** a real kernel's log showed a WARN, BUG, KASAN, lockdep, stall or KVM error report during the case (fuzz/kernel-log/) */
  'KERNEL_SPLAT',
] as const;

export const FailureIdSchema = oneOf([...INVARIANTS, ...HARNESS_FAILURES]);
export type FailureId = z.infer<typeof FailureIdSchema>;
