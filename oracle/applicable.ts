/**
 * Which monitors can judge an implementation, from its capabilities: a monitor runs only
 * when the implementation emits every tracepoint kind it reads and supports an operation
 * it is about. The rest are reported as not checked, with the reason, never passed.
 */
import type { Capabilities } from '../api/protocol.js';
import type { TraceEventKind } from '../api/events.js';
import type { OpKind } from '../api/ops.js';
import type { InvariantId, MonitorSpec } from './monitor.js';
import { MONITORS } from './monitors/index.js';

export interface NotChecked {
  readonly ids: readonly InvariantId[];
  /** "no lockAcquire, lockRelease events" or "no moduleLoad, moduleUnload operations" */
  readonly reason: string;
}

export interface Applicable {
  readonly run: readonly MonitorSpec[];
  readonly notChecked: readonly NotChecked[];
}

/** The event kinds `m` needs from an implementation with these operations. */
export const neededEvents = (m: MonitorSpec, ops: ReadonlySet<OpKind>): TraceEventKind[] => {
  const extra = Object.entries(m.needsIf ?? {}).flatMap(([op, evs]) => (ops.has(op as OpKind) ? evs! : []));
  return [...new Set([...m.needs, ...extra])];
};

const whyNot = (m: MonitorSpec, caps: Capabilities, ops: ReadonlySet<OpKind>, events: ReadonlySet<string>): string | null => {
  if (m.scope?.platform && !caps.platforms.includes(m.scope.platform)) return `no ${m.scope.platform} VMs`;
  if (m.scope?.ops && !m.scope.ops.some((k) => ops.has(k))) return `no ${m.scope.ops.join(', ')} operations`;
  const missing = neededEvents(m, ops).filter((k) => !events.has(k));
  if (missing.length === 0) return null;
  return events.size === 0 ? 'no tracepoint events' : `no ${missing.join(', ')} events`;
};

/** Splits the monitors (less the disabled ones) into those that run and those that cannot. */
export const applicableMonitors = (caps: Capabilities, ops: ReadonlySet<OpKind>, disabled: ReadonlySet<string> = new Set()): Applicable => {
  const events = new Set<string>(caps.events);
  const run: MonitorSpec[] = [];
  const byReason = new Map<string, InvariantId[]>();
  for (const m of MONITORS) {
    if (disabled.has(m.id)) continue;
    const why = whyNot(m, caps, ops, events);
    if (why === null) run.push(m);
    else byReason.set(why, [...(byReason.get(why) ?? []), m.id]);
  }
  return { run, notChecked: [...byReason].map(([reason, ids]) => ({ ids, reason })) };
};

/** `not checked: LOCK_HELD, LOCK_ORDER (no lockAcquire events from exec:./my-impl)`, one line per reason. */
export const notCheckedLines = (a: Applicable, impl: string): string[] =>
  a.notChecked.map((n) => `not checked: ${n.ids.join(', ')} (${n.reason} from ${impl})`);
