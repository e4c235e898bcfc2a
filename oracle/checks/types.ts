/**
 * Who checks what the trace and the abstract state show: for every tracepoint kind and each
 * of its fields, the monitors that read it (or the conformance check), or the written reason
 * why nothing does. The types make the record complete: a new event kind or field does not
 * compile until it is entered. docs/INVARIANTS.md's check table is generated from it.
 */
import type { TraceEvent, TraceEventKind } from '../../api/events.js';
import type { InvariantId } from '../../api/failures.js';

/** a monitor, or the conformance check (results and abstract state against the model) */
export type Checker = InvariantId | 'CONFORMANCE';

export type Check =
  | { readonly by: readonly Checker[]; readonly how?: string }
  /** an identity (VM, vCPU, thread, work): every monitor that reads the event looks its state up by it */
  | { readonly key: string }
  | { readonly unchecked: string };

type FieldsOf<K extends TraceEventKind> = Exclude<keyof Extract<TraceEvent, { ev: K }>, 'ev'>;

export interface EventCheck<K extends TraceEventKind> {
  /** the monitors that read this kind (each lists it in needs or needsIf) */
  readonly by: readonly InvariantId[];
  readonly fields: { readonly [F in FieldsOf<K>]-?: Check };
}

export type EventChecks<Ks extends TraceEventKind> = { readonly [K in Ks]: EventCheck<K> };

export const by = (...ids: Checker[]): Check => ({ by: ids });
export const how = (text: string, ...ids: Checker[]): Check => ({ by: ids, how: text });
export const unchecked = (why: string): Check => ({ unchecked: why });
export const key = (what: string): Check => ({ key: what });
