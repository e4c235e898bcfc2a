/**
 * The feedback of guided generation: what a run reached, as strings. A case is kept in
 * the guide corpus when it reached one no kept case did. Features are the specification's
 * own: the rule outcomes the model took (with how often, in AFL's count buckets), the
 * result kind of each operation, each event kind with its key fields, features of the
 * final abstract state, how much the scheduler preempted, and whatever the implementation
 * reports itself (`features` in the protocol: gcov or kcov edges, ioctl paths).
 */
import type { AbstractState } from '../../api/abstract.js';
import { TraceEventSchema, type TraceRecord } from '../../api/events.js';
import type { RunOutcome } from '../run/runner.js';
import { resultKind } from '../report/stats.js';
import { pagingMode } from '../../model/x86/registers.js';

/** AFL's hit-count buckets: 1, 2, 3, 4-7, 8-15, 16+ */
export const bucket = (n: number): string => (n <= 3 ? String(n) : n < 8 ? '4+' : n < 16 ? '8+' : '16+');

/** string fields that say which kind of an event it is (not which object) */
const KEY_FIELDS = ['reason', 'what', 'site', 'lock', 'mode', 'stage', 'phase', 'hcall', 'reg'] as const;
/** boolean fields worth telling apart */
const FLAG_FIELDS = ['created', 'root', 'errorPage', 'noApf', 'write', 'add', 'gotPage', 'dirty', 'spin'] as const;

/** which of those fields each event kind declares (api/events.ts), so the hot path reads only those */
const PLANS = new Map(
  TraceEventSchema.options.map((o) => {
    const fields = Object.keys(o.shape);
    const has = (k: string): boolean => fields.includes(k);
    const ev = o.shape.ev.value as string;
    const plan = { keys: KEY_FIELDS.filter(has), flags: FLAG_FIELDS.filter(has), ret: has('ret') };
    // an event kind with none of those fields has one feature, made once
    const fixed = plan.keys.length + plan.flags.length === 0 && !plan.ret ? `e:${ev}` : null;
    return [ev, { ...plan, fixed }] as const;
  }),
);

const eventFeature = (r: TraceRecord): string => {
  const plan = PLANS.get(r.ev);
  if (!plan) return `e:${r.ev}`;
  if (plan.fixed) return plan.fixed;
  const e = r as unknown as Record<string, unknown>;
  let f = `e:${r.ev}`;
  for (const k of plan.keys) if (typeof e[k] === 'string') f += `.${k}=${e[k] as string}`;
  for (const k of plan.flags) if (e[k] === true) f += `.${k}`;
  if (plan.ret && typeof e.ret === 'number' && e.ret !== 0) f += '.fail';
  return f;
};

/** features of the state a run ended in */
export const stateFeatures = (a: AbstractState): string[] => {
  const out = new Set<string>([`a:vms=${bucket(a.vms.length)}`, `a:host=${a.host.loaded ? 'loaded' : 'none'}`]);
  for (const vm of a.vms) {
    out.add(`a:slots=${bucket(vm.slots.length)}`);
    if (vm.slots.some((s) => s.flags & 1)) out.add('a:logging');
    if (vm.swappedOut.length) out.add(`a:swapped=${bucket(vm.swappedOut.length)}`);
    for (const v of vm.vcpus) {
      out.add(`a:mode=${pagingMode(v)}`);
      if (v.asyncPf.length) out.add(`a:apf=${bucket(v.asyncPf.length)}${v.apfHalted ? '.halted' : ''}`);
    }
    if (vm.ppc) out.add(`a:ppc.rma=${vm.ppc.rma}.hptes=${bucket(vm.ppc.hptes.length)}.phys=${bucket(vm.ppc.phys.length)}`);
  }
  return [...out];
};

/**
 * The features of one run, counted as its records come (RunOptions.onRecord), so no trace
 * is kept: `record` for each record, then `of` once the run is over.
 */
export class RunFeatures {
  private readonly events = new Map<string, number>();
  private readonly results = new Set<string>();

  readonly record = (r: TraceRecord): void => {
    if (r.ev === 'opEnd') this.results.add(`r:${r.op.kind}/${resultKind(r.result)}`);
    else if (r.ev !== 'opBegin') {
      const f = eventFeature(r);
      this.events.set(f, (this.events.get(f) ?? 0) + 1);
    }
  };

  /** every feature of the run (its outcome's rule outcomes, the end state, the implementation's own); then ready for the next run */
  of(o: Pick<RunOutcome, 'outcomes' | 'preempted'>, final: AbstractState | null, reported: readonly string[] = []): string[] {
    const out = new Set<string>(this.results);
    const counts = new Map<string, number>();
    for (const name of o.outcomes ?? []) counts.set(name, (counts.get(name) ?? 0) + 1);
    for (const [name, n] of counts) out.add(`o:${name}#${bucket(n)}`);
    for (const [f, n] of this.events) out.add(`${f}#${bucket(n)}`);
    if (o.preempted) out.add(`x:preempted=${bucket(o.preempted)}`);
    if (final) for (const f of stateFeatures(final)) out.add(f);
    for (const f of reported) out.add(`i:${f}`);
    this.events.clear();
    this.results.clear();
    return [...out].sort();
  }
}
