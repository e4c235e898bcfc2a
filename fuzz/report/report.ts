/**
 * The failure report printed by fuzz and replay: what broke, where, and how to replay it.
 * A case with several threads is shown as its interleaving, one column per thread.
 */
import type { TestCase } from '../../api/ops.js';
import { monitorById } from '../../oracle/monitors/index.js';
import { formatOp, formatRecord, formatResult } from './format.js';
import type { Counterexample } from '../campaign/counterexample.js';
import type { RunOutcome, Traced } from '../run/runner.js';

const COLUMN = 58;
const MAX_LINES = 120;

const line = (t: Traced): string =>
  t.record.ev === 'opBegin'
    ? `[${t.record.index}] ${formatOp(t.record.op)}`
    : t.record.ev === 'opEnd'
      ? `[${t.record.index}] => ${formatResult(t.record.result)}`
      : `  ${formatRecord(t.record)}`;

/** The records of the failing operation (one thread), as tracepoint lines. */
const failingStep = (o: RunOutcome, step: number): string[] => {
  const out: string[] = [];
  let inside = false;
  for (const t of o.trace) {
    const r = t.record;
    if (r.ev === 'opBegin') inside = r.index === step;
    else if (r.ev === 'opEnd') {
      if (r.index === step) out.push(`      => ${formatResult(r.result)}`);
    } else if (inside) out.push(`      ${formatRecord(r)}`);
  }
  return out;
};

/** Every record in time order, each in its thread's column. */
const interleaving = (o: RunOutcome, threads: number): string[] => {
  const head = Array.from({ length: threads }, (_, t) => `thread ${t}`.padEnd(COLUMN)).join('| ');
  const rows = o.trace
    .filter((t) => t.record.ev !== 'hostConfig')
    .map((t) => `${' '.repeat(t.tid * (COLUMN + 2))}${line(t)}`.slice(0, t.tid * (COLUMN + 2) + COLUMN + 40));
  const cut = rows.length > MAX_LINES ? [`      ... ${rows.length - MAX_LINES} earlier lines`, ...rows.slice(-MAX_LINES)] : rows;
  return [`      ${head}`, ...cut.map((r) => `      ${r}`)];
};

/** Operation indices in the order they began, then those that never did (the run stopped first). */
const executionOrder = (o: RunOutcome, tc: TestCase): number[] => {
  const begun = o.trace.flatMap((t) => (t.record.ev === 'opBegin' ? [t.record.index] : []));
  const seen = new Set(begun);
  return [...begun, ...tc.ops.map((_, i) => i).filter((i) => !seen.has(i))];
};

export const reportFailure = (cx: Counterexample, outcome: RunOutcome, tc: TestCase): string[] => {
  const rule = monitorById(cx.invariant)?.rule;
  const threads = Math.max(0, ...(tc.threads ?? [0])) + 1;
  const lines = [`FAIL ${cx.invariant}: ${cx.message}`];
  if (rule) lines.push(`  rule: ${rule}`);
  lines.push(
    `  ${cx.explore ? `explore depth ${cx.explore.depth}, ${cx.explore.threads} thread(s), ${cx.explore.preemptions} preemption(s)` : `seed ${cx.seed}`}, implementation ${cx.implementation}, mutant ${cx.mutant ?? 'none'}, host ${tc.config.vendor}, tdp ${tc.config.tdp ? 'on' : 'off'}, ${threads} thread(s)`,
    `  operations (${tc.ops.length}${threads > 1 ? ', in the order they began' : ''}):`,
  );
  for (const i of executionOrder(outcome, tc)) {
    const t = threads > 1 ? `t${tc.threads?.[i] ?? 0}  ` : '';
    const notBegun = threads > 1 && !outcome.trace.some((x) => x.record.ev === 'opBegin' && x.record.index === i) ? '   (not begun)' : '';
    lines.push(`    ${String(i).padStart(2)}  ${t}${formatOp(tc.ops[i]!)}${i === cx.step ? '   <-- fails here' : notBegun}`);
  }
  if (threads > 1) {
    const pre = (tc.preemptions ?? []).map((p) => (p.after ? `op ${p.op} after point ${p.after}` : `before op ${p.op}`)).join(', ') || 'none';
    lines.push(`  interleaving (preemptions: ${pre}; ${outcome.preempted} taken):`);
    lines.push(...interleaving(outcome, threads));
  } else if (cx.step >= 0) {
    lines.push(`  trace of operation ${cx.step}:`);
    lines.push(...failingStep(outcome, cx.step));
  }
  return lines;
};
