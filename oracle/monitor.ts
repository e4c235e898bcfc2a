/**
 * A monitor checks one invariant of docs/SPEC.md section 3 by reading the trace: tracepoint
 * events from the impl and the runner's operation markers, in order.
 */
import type { TraceRecord } from '../api/events.js';

import type { InvariantId } from '../api/failures.js';
import type { TraceEventKind } from '../api/events.js';
import type { OpKind } from '../api/ops.js';
import type { Platform } from '../api/protocol.js';
import type { SeedId } from '../api/seeds.js';

export type { InvariantId, FailureId } from '../api/failures.js';

/**
 * A broken invariant: which of the monitor's named reasons (a short phrase, the same for
 * every case that breaks the rule this way: part of the failure's signature) and the
 * message about this case (addresses, ids).
 */
export interface Violation {
  readonly reason: string;
  readonly message: string;
  /**
   * the check is not about the operation it fired in (a balance checked whenever no
   * operation is in flight): the failing operation's kind is then left out of the signature
   */
  readonly anyOp?: true;
}

/** the reason of a monitor that returns a plain message */
export const DEFAULT_REASON = 'violated';

export const because = (reason: string, message: string, anyOp = false): Violation => ({ reason, message, ...(anyOp && { anyOp }) });

/** a number in a violation's message: hexadecimal, as the kernel prints addresses and frames (a negative one in decimal) */
export const hex = (n: number): string => (n < 0 ? String(n) : `0x${n.toString(16)}`);

/** a plain message gets the default reason */
export const asViolation = (v: string | Violation): Violation => (typeof v === 'string' ? { reason: DEFAULT_REASON, message: v } : v);

export interface Monitor {
  /**
   * feed one record, seen on harness thread `tid`; when it breaks the invariant, a
   * Violation (a named reason and a message) or a plain message (the default reason)
   */
  observe(r: TraceRecord, tid: number): string | Violation | null;
}

/**
 * One invariant, whole: its id, the seed patch it comes from, the rule as docs/SPEC.md
 * states it, the events it needs and those it checks at, where it can judge anything, and
 * its monitor. Adding an invariant is its id in api/failures.ts, a file in oracle/monitors/
 * and a line in oracle/monitors/index.ts (docs/DESIGN.md).
 */
export interface MonitorSpec {
  readonly id: InvariantId;
  /** the seed patch the rule comes from (docs/SEEDS.md) */
  readonly seed: SeedId;
  /** the rule, as docs/SPEC.md states it */
  readonly rule: string;
  /**
   * the events that exercise the rule, mostly those at which it checks (LAZY_PIN: a PPC
   * slot's allocation, where a pin must not follow): none of them seen in a campaign means
   * it checked nothing (`--stats`)
   */
  readonly checkedAt: readonly TraceEventKind[];
  /**
   * the tracepoint kinds it reads: it runs only on an implementation that declares them
   * all, and is reported as not checked on any other
   */
  readonly needs: readonly TraceEventKind[];
  /** more kinds it needs when the implementation also supports these operations */
  readonly needsIf?: Partial<Record<OpKind, readonly TraceEventKind[]>>;
  /** where it can judge anything: an implementation without any of these ops (or this platform) leaves it nothing to check */
  readonly scope?: { readonly ops?: readonly OpKind[]; readonly platform?: Platform };
  readonly create: () => Monitor;
}
