/**
 * `--stats`: what a campaign exercised, so a blind spot of the generator shows: operation
 * kinds issued, result kinds per operation, how many events of its own each monitor saw
 * (their MonitorSpec's `checkedAt`), and how often each fault-injection site was armed and
 * fired. Counts are plain JSON, so the stats of workers or shards add up (mergeStats). They
 * are counted as the runner feeds each record (RunOptions.onRecord), never from a kept
 * trace: a case run for its stats keeps nothing.
 */
import type { TraceRecord } from '../../api/events.js';
import type { AllocSite } from '../../api/ops.js';
import type { Result } from '../../api/results.js';
import { errnoName } from '../../api/errno.js';
import { hcallName } from '../../api/hcall.js';
import { INVARIANT_IDS } from '../../oracle/monitors/index.js';
import { checkedAt } from '../../oracle/rule-of.js';
import { OP_KINDS } from '../../api/ops.js';
import type { RunOutcome } from '../run/runner.js';
import type { Rules } from '../../model/rules.js';
import { formatSpecCoverage, opsIssued, specCoverage, type CoverageCounts } from './spec-coverage.js';

type Counts = Record<string, number>;

export interface Stats {
  /** generated cases (cases tried while shrinking are not counted) */
  cases: number;
  /** operations begun, by kind */
  ops: Counts;
  /** results, by operation kind then result kind */
  results: Record<string, Counts>;
  /** events each monitor checks its rule at, by invariant id */
  monitorEvents: Counts;
  /** failAlloc operations issued per site, and failures consumed there */
  faultsArmed: Counts;
  faultsFired: Counts;
  /** rule outcomes the model took (model/outcomes/), by name */
  outcomes: Counts;
}

/** every site, so one never armed or never fired shows as 0 */
const SITES: Record<AllocSite, true> = {
  mmuTopup: true, vzalloc: true, gup: true, rma: true, asyncPfWork: true,
  vendorHardwareSetup: true, pteListDescCache: true, mmuPageHeaderCache: true, percpuCounter: true,
};

export const emptyStats = (): Stats => ({ cases: 0, ops: {}, results: {}, monitorEvents: {}, faultsArmed: {}, faultsFired: {}, outcomes: {} });

/** the kind of a result, without its values: "-EINVAL", "exit mmio", "H_SUCCESS" */
export const resultKind = (r: Result): string => {
  switch (r.kind) {
    case 'errno':
      return errnoName(r.errno);
    case 'exit':
      return `exit ${r.reason}`;
    case 'emulated':
      return `emulated ${r.outcome}`;
    case 'translation':
      return r.gpa === null ? 'translation invalid' : 'translation valid';
    case 'dirtyLog':
      return r.pages.length ? 'dirty pages' : 'no dirty page';
    case 'hcall':
      return hcallName(r.ret);
    case 'ok':
      return '0';
    default:
      return r.kind;
  }
};

const bump = (c: Counts, k: string, n = 1): void => {
  c[k] = (c[k] ?? 0) + n;
};

/** which monitors check at each event kind */
const CHECKED_AT = new Map<string, string[]>();
for (const id of INVARIANT_IDS) for (const ev of checkedAt(id)) CHECKED_AT.set(ev, [...(CHECKED_AT.get(ev) ?? []), id]);

/** one record of a generated case, as the runner feeds it (RunOptions.onRecord) */
export const countRecord = (s: Stats, r: TraceRecord): void => {
  if (r.ev === 'opBegin') {
    bump(s.ops, r.op.kind);
    if (r.op.kind === 'failAlloc') bump(s.faultsArmed, r.op.site);
  } else if (r.ev === 'opEnd') bump((s.results[r.op.kind] ??= {}), resultKind(r.result));
  else if (r.ev === 'allocFailInjected') bump(s.faultsFired, r.site);
  for (const id of CHECKED_AT.get(r.ev) ?? []) bump(s.monitorEvents, id);
};

/** a generated case whose records were counted is over: it counts, with its rule outcomes (run with coverage) */
export const countCase = (s: Stats, o: Pick<RunOutcome, 'outcomes'>): void => {
  s.cases++;
  for (const name of o.outcomes ?? []) bump(s.outcomes, name);
};

/** the options that count a case's records into `s` as they are fed, and its rule outcomes */
export const countingInto = (s: Stats): { readonly coverage: true; readonly onRecord: (r: TraceRecord) => void } => ({ coverage: true, onRecord: (r) => countRecord(s, r) });

export const mergeStats = (a: Stats, b: Stats): Stats => {
  const add = (x: Counts, y: Counts): Counts => {
    const out = { ...x };
    for (const [k, n] of Object.entries(y)) bump(out, k, n);
    return out;
  };
  const results: Record<string, Counts> = { ...a.results };
  for (const [k, c] of Object.entries(b.results)) results[k] = add(results[k] ?? {}, c);
  return {
    cases: a.cases + b.cases, ops: add(a.ops, b.ops), results, monitorEvents: add(a.monitorEvents, b.monitorEvents),
    faultsArmed: add(a.faultsArmed, b.faultsArmed), faultsFired: add(a.faultsFired, b.faultsFired),
    outcomes: add(a.outcomes ?? {}, b.outcomes ?? {}),
  };
};

/** monitors (not switched off) that saw no event of their own: they checked nothing */
export const idleMonitors = (s: Stats, disabled: ReadonlySet<string> = new Set()): string[] =>
  INVARIANT_IDS.filter((id) => !disabled.has(id) && !s.monitorEvents[id]);

const byCount = (c: Counts): string =>
  Object.entries(c)
    .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
    .map(([k, n]) => `${k} x${n}`)
    .join(', ');

/** the --stats text; the same seed and runs give the same text */
export const formatStats = (s: Stats, disabled: ReadonlySet<string> = new Set(), rules: Rules = 'seeds', inexpressible?: CoverageCounts['inexpressible']): string[] => {
  const lines = [`stats: ${s.cases} generated cases (cases tried while shrinking not counted)`, '  operations issued (results):'];
  for (const k of OP_KINDS) {
    const n = s.ops[k] ?? 0;
    lines.push(`    ${k}: ${n}${n ? ` (${byCount(s.results[k] ?? {}) || 'none returned'})` : '   <-- never issued'}`);
  }
  lines.push('  monitors (events of their own seen):');
  for (const id of INVARIANT_IDS) {
    const n = s.monitorEvents[id] ?? 0;
    const note = disabled.has(id) ? '   (switched off)' : n === 0 ? '   <-- saw nothing of its own: checked nothing' : '';
    lines.push(`    ${id}: ${n} [${checkedAt(id).join(', ')}]${note}`);
  }
  lines.push('  fault-injection sites (armed, fired):');
  for (const site of Object.keys(SITES)) {
    const fired = s.faultsFired[site] ?? 0;
    lines.push(`    ${site}: ${s.faultsArmed[site] ?? 0}, ${fired}${fired === 0 ? '   <-- never fired' : ''}`);
  }
  return [...lines, ...formatSpecCoverage(specCoverage(s.outcomes, opsIssued(s), rules, inexpressible))];
};
