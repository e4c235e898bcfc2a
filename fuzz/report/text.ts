/**
 * The plain-text report written beside each counterexample (same base name, `.txt`), for a
 * mailing list such as kvm@vger.kernel.org, which takes plain text only: a one-line
 * subject, the rule and the patch it comes from with its upstream commit, the host and the
 * kernel, the operations in execution order with the expected (model) and actual results,
 * the replay command, and the case itself as JSON at the end. Lines stay short; no tables,
 * no Markdown, no absolute paths. A pure function of the case and its failing run's outcome.
 */
import { ruleOf } from '../../oracle/rule-of.js';
import type { Counterexample } from '../campaign/counterexample.js';
import { bugOf, bugText } from '../campaign/signature.js';
import type { RunOutcome } from '../run/runner.js';
import { execution, orderText } from './expected.js';
import { formatOp, formatResult } from './format.js';
import { foundLine, hostLine, kernelLine, patchLine, replayLine } from './facts.js';

const pad = (s: string, n: number): string => (s.length >= n ? s : s + ' '.repeat(n - s.length));

/** "[kvm-oracle] ROOT_VALID_AT_ENTRY (invalid root) in run, svm-no-reload": fits a subject line */
export const subjectOf = (cx: Counterexample): string => `[kvm-oracle] ${bugText(bugOf(cx))}${cx.mutant ? `, mutant ${cx.mutant}` : ''} (${cx.implementation.replace(/:.*/, '')})`;

export const textReport = (cx: Counterexample, outcome: RunOutcome, file: string): string => {
  const run = execution(outcome);
  const rows = run.ops.map((e) => {
    const actual = e.actual ? formatResult(e.actual) : '(did not return)';
    const expected = e.expected ? formatResult(e.expected) : '-';
    const mark = e.index === cx.step ? `<-- fails here (${cx.invariant})` : e.actual && e.expected && actual !== expected ? '<-- differs' : '';
    return [String(e.index), `t${e.tid}`, formatOp(e.op), expected, actual, mark];
  });
  const head = ['#', 'thr', 'operation', 'expected', 'actual', ''];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]): string => r.map((c, i) => pad(c, widths[i]!)).join('  ').trimEnd();
  const notRun = cx.ops.map((op, i) => ({ op, i })).filter(({ i }) => !run.ops.some((e) => e.index === i));
  return [
    `Subject: ${subjectOf(cx)}`,
    '',
    `${cx.invariant}: ${cx.message}`,
    '',
    `Rule:           ${ruleOf(cx.invariant).rule}`,
    `From:           ${patchLine(cx)}`,
    `Implementation: ${cx.implementation}, mutant ${cx.mutant ?? 'none'}`,
    `Host:           ${hostLine(cx)}`,
    `Kernel:         ${kernelLine(cx)}`,
    `Found by:       ${foundLine(cx)}`,
    ...(cx.disabled?.length ? [`Switched off:   ${cx.disabled.join(', ')}`] : []),
    '',
    `Operations in execution order (expected: the model's results, in ${run.basis}):`,
    '',
    ...[head, ...rows].map((r) => `  ${line(r)}`),
    ...(run.linearization ? ['', `The order the check found: ${orderText(run.linearization)}.`] : []),
    ...(notRun.length ? ['', `Not begun when the run stopped: ${notRun.map(({ op, i }) => `[${i}] ${formatOp(op)}`).join('; ')}.`] : []),
    ...(cx.preemptions?.length ? ['', `Preemptions: ${cx.preemptions.map((p) => (p.after ? `operation ${p.op} after its preemption point ${p.after}` : `before operation ${p.op}`)).join(', ')}.`] : []),
    '',
    'To replay it (npm install kvm-mmu-oracle; the case below saved as the file named):',
    '',
    `  ${replayLine(file, cx.implementation)}`,
    '',
    'The case:',
    '',
    JSON.stringify(cx, null, 2),
    '',
  ].join('\n');
};
