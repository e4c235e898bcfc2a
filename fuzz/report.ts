/** The failure report printed by fuzz and replay: what broke, where, and how to replay it. */
import type { TestCase } from '../api/ops.js';
import { monitorById } from '../oracle/monitors/index.js';
import { formatOp, formatRecord, formatResult } from './format.js';
import type { Counterexample } from './counterexample.js';
import type { RunOutcome } from './runner.js';

/** The trace records of the failing operation, as tracepoint lines. */
const failingStepTrace = (o: RunOutcome, step: number): string[] => {
  const lines: string[] = [];
  let inside = false;
  for (const r of o.trace) {
    if (r.ev === 'opBegin') inside = r.index === step;
    else if (r.ev === 'opEnd') {
      if (r.index === step) lines.push(`      => ${formatResult(r.result)}`);
    } else if (inside) lines.push(`      ${formatRecord(r)}`);
  }
  return lines;
};

export const reportFailure = (cx: Counterexample, outcome: RunOutcome, tc: TestCase): string[] => {
  const rule = monitorById(cx.invariant)?.rule;
  const lines = [`FAIL ${cx.invariant}: ${cx.message}`];
  if (rule) lines.push(`  rule: ${rule}`);
  lines.push(
    `  seed ${cx.seed}, implementation ${cx.implementation}, mutant ${cx.mutant ?? 'none'}, host ${tc.config.vendor}, tdp ${tc.config.tdp ? 'on' : 'off'}`,
    `  operations (${tc.ops.length}):`,
  );
  tc.ops.forEach((op, i) => lines.push(`    ${String(i).padStart(2)}  ${formatOp(op)}${i === cx.step ? '   <-- fails here' : ''}`));
  if (cx.step >= 0) {
    lines.push(`  trace of operation ${cx.step}:`);
    lines.push(...failingStepTrace(outcome, cx.step));
  }
  return lines;
};
