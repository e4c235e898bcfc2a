/**
 * A monitor checks one invariant of SPEC.md section 3 by reading the trace: tracepoint
 * events from the impl and the runner's operation markers, in order.
 */
import type { TraceRecord } from '../api/events.js';

import type { InvariantId } from '../api/failures.js';
import type { TraceEventKind } from '../api/events.js';
import type { OpKind } from '../api/ops.js';
import type { Platform } from '../api/protocol.js';

export type { InvariantId, FailureId } from '../api/failures.js';

export interface Monitor {
  /** feed one record, seen on harness thread `tid`; a message when it breaks the invariant */
  observe(r: TraceRecord, tid: number): string | null;
}

export interface MonitorSpec {
  readonly id: InvariantId;
  /** the rule, as SPEC.md states it */
  readonly rule: string;
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
