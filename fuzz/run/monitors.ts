/**
 * The monitors of one run, fed every trace record in order. Which monitors run is decided
 * once per implementation (oracle/applicable.ts) and cached.
 */
import type { TraceRecord } from '../../api/events.js';
import type { ImplementationFactory } from '../../api/implementation.js';
import { asViolation, type FailureId, type Monitor, type MonitorSpec } from '../../oracle/monitor.js';
import { applicableMonitors, type Applicable } from '../../oracle/applicable.js';

const cache = new WeakMap<ImplementationFactory, Map<string, Applicable>>();

/** The monitors that can judge `factory`, less the disabled ones (cached per factory). */
export const applicableFor = (factory: ImplementationFactory, disabled: ReadonlySet<string> = new Set()): Applicable => {
  const key = [...disabled].sort().join(',');
  let byKey = cache.get(factory);
  if (!byKey) cache.set(factory, (byKey = new Map()));
  let a = byKey.get(key);
  if (!a) byKey.set(key, (a = applicableMonitors(factory.capabilities, new Set(factory.capabilities.ops), disabled)));
  return a;
};

export interface Violation {
  readonly id: FailureId;
  /** the monitor's named reason (oracle/monitor.ts) */
  readonly reason: string;
  readonly anyOp?: true;
  readonly message: string;
}

export class MonitorSet {
  private readonly live: [FailureId, Monitor][];

  constructor(specs: readonly MonitorSpec[]) {
    this.live = specs.map((m) => [m.id, m.create()]);
  }

  /** the monitors' own memory of the trace so far, by invariant id (explore's pruning key) */
  memory(): readonly (readonly [FailureId, Monitor])[] {
    return this.live;
  }

  /** feeds one record; the first violation it causes, or null */
  observe(record: TraceRecord, tid: number): Violation | null {
    for (const [id, m] of this.live) {
      const v = m.observe(record, tid);
      if (v) return { id, ...asViolation(v) };
    }
    return null;
  }
}
