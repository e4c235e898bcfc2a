/**
 * The interleaving of a run as a Mermaid sequence diagram, which GitHub, GitLab and most
 * bug trackers render from a ```mermaid block: each harness thread is a participant and
 * KVM another; an ioctl is a message to KVM and its result the reply; the events that
 * explain a failure are notes over the thread that had them: root loads, unloads, zaps and
 * frees, pins and unpins, guest entries, the events the broken rule is checked at, and lock
 * events only when the rule is about locks; a preemption point where the scheduler
 * switched threads is a note naming the point; the failing check closes the diagram.
 */
import type { TestCase } from '../../api/ops.js';
import { checkedAt } from '../../oracle/rule-of.js';
import { formatOp, formatRecord, formatResult } from './format.js';
import type { Failure, PointAt, RunOutcome, Traced } from '../run/runner.js';

/** diagrams past this many lines are cut at the start (the end is where it fails) */
const MAX_LINES = 200;

/** Mermaid ends message text at '#', ';' and a newline, and reads '<' and '>' as HTML: entity codes */
export const mermaidText = (s: string): string => s.replace(/\s+/g, ' ').replace(/[#;<>]/g, (c) => `#${c.charCodeAt(0)};`);

const hex = (n: number): string => `0x${n.toString(16)}`;

/** root and page lifecycle events: what a reader needs to see why an entry or a put was wrong */
const EXPLAINS = new Set(['kvmMmuLoad', 'kvmMmuUnload', 'kvmMmuZapPage', 'kvmMmuFreePage', 'kvmDestroyVm', 'getPage', 'putPage', 'slotPhysSet', 'unpinSlot', 'kvmppcRmaSetup', 'kvmppcRmaSetupDone', 'hpteInsert', 'kvmAsyncPfPrefault', 'allocFailInjected']);

const recordLine = (t: Traced, ruleEvents: ReadonlySet<string>, locks: boolean): string | null => {
  const p = `T${t.tid}`;
  const r = t.record;
  switch (r.ev) {
    case 'opBegin':
      return `${p}->>KVM: ${mermaidText(`[${r.index}] ${formatOp(r.op)}`)}`;
    case 'opEnd':
      return `KVM-->>${p}: ${mermaidText(`[${r.index}] ${formatResult(r.result)}`)}`;
    case 'lockAcquire':
      return locks ? `Note over ${p}: ${mermaidText(`lock ${r.instance} (${r.mode})`)}` : null;
    case 'lockRelease':
      return locks ? `Note over ${p}: ${mermaidText(`unlock ${r.instance}`)}` : null;
    case 'kvmMmuGetPage':
      return r.root ? `Note over ${p}: ${mermaidText(formatRecord(r))}` : null;
    case 'kvmEntry':
      return `Note over ${p}: ${mermaidText(`guest entry: vm${r.vm} vcpu${r.vcpu}, roots [${r.roots.map((x) => (x < 0 ? 'INVALID_PAGE' : hex(x))).join(', ')}]`)}`;
    case 'kvmppcEntry':
      return `Note over ${p}: ${mermaidText(`guest entry (PPC): vm${r.vm} vcpu${r.vcpu}`)}`;
    default:
      return ruleEvents.has(r.ev) || EXPLAINS.has(r.ev) ? `Note over ${p}: ${mermaidText(formatRecord(r))}` : null;
  }
};

const pointLine = (p: PointAt): string =>
  `Note over T${p.tid}: ${mermaidText(p.at === 'wait' ? `[${p.index}] blocked: waits for ${p.lock}` : `[${p.index}] preempted at ${p.at}${p.lock ? ` (${p.lock})` : ''}`)}`;

type Item = { readonly tid: number; readonly line: string | null; readonly point?: true };

/** records and preemption points in the order they happened */
const timeline = (o: RunOutcome, ruleEvents: ReadonlySet<string>, locks: boolean): Item[] => {
  const items: Item[] = [];
  let next = 0;
  const pointsUpTo = (at: number): void => {
    for (; next < o.points.length && o.points[next]!.traceAt <= at; next++) items.push({ tid: o.points[next]!.tid, line: pointLine(o.points[next]!), point: true });
  };
  o.trace.forEach((t, i) => {
    pointsUpTo(i);
    if (t.record.ev !== 'hostConfig') items.push({ tid: t.tid, line: recordLine(t, ruleEvents, locks) });
  });
  pointsUpTo(o.trace.length);
  return items;
};

export const sequenceDiagram = (tc: TestCase, o: RunOutcome, failure: Failure | null): string[] => {
  const threads = Math.max(0, ...(tc.threads ?? [0])) + 1;
  const ruleEvents = new Set<string>(failure ? checkedAt(failure.id) : []);
  const locks = failure !== null && (failure.id.startsWith('LOCK_') || failure.id === 'DEADLOCK' || failure.id === 'RMA_ONCE');
  const items = timeline(o, ruleEvents, locks);
  const lines: string[] = [];
  items.forEach((it, i) => {
    if (it.line === null) return;
    // a point is worth a note only where another thread ran next
    if (it.point && items.slice(i + 1).find((x) => x.line !== null)?.tid === it.tid) return;
    lines.push(`  ${it.line}`);
  });
  if (failure) {
    const last = [...o.trace].reverse().find((t) => t.record.ev !== 'hostConfig');
    lines.push(`  Note over T${last?.tid ?? 0}: ${mermaidText(`FAIL ${failure.id}: ${failure.message}`)}`);
  }
  const cut = lines.length > MAX_LINES ? [`  Note over T0: ${lines.length - MAX_LINES} earlier lines not shown`, ...lines.slice(-MAX_LINES)] : lines;
  const participants = Array.from({ length: threads }, (_, t) => `  participant T${t} as thread ${t}`);
  return ['sequenceDiagram', ...participants, '  participant KVM', ...cut];
};
