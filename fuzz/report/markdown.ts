/**
 * The Markdown report written beside each counterexample (same base name, `.md`), meant to
 * be pasted into an issue tracker as it is (a mailing list gets the plain-text one, text.ts):
 * the rule broken and the patch it comes from, the host and kernel, the operations in
 * execution order with the model's and the implementation's results, the interleaving as a
 * Mermaid sequence diagram (cases with several threads), the replay command and the case.
 * A pure function of the case and its failing run's outcome (its trace and evidence).
 */
import { ruleOf } from '../../oracle/rule-of.js';
import type { Counterexample } from '../campaign/counterexample.js';
import { formatOp, formatResult } from './format.js';
import type { RunOutcome } from '../run/runner.js';
import { execution, orderText } from './expected.js';
import { sequenceDiagram } from './mermaid.js';
import { foundLine, hostLine, kernelLine, patchLine, reasonLine, replayLine } from './facts.js';

/** a table cell: no line breaks, no column separators */
const cell = (s: string): string => s.replace(/\s+/g, ' ').replace(/\|/g, '\\|');

export const markdownReport = (cx: Counterexample, outcome: RunOutcome, file: string): string => {
  const threads = Math.max(0, ...(cx.threads ?? [0])) + 1;
  const run = execution(outcome);
  const lines = [
    `# ${cx.invariant}: ${cx.message}`,
    '',
    `- **Rule broken** (\`${cx.invariant}\`, ${reasonLine(cx)}): ${ruleOf(cx.invariant).rule}`,
    `- **From**: ${patchLine(cx)}`,
    `- **Implementation**: ${cx.implementation}, mutant ${cx.mutant === null ? 'none' : `\`${cx.mutant}\``}`,
    `- **Host**: ${hostLine(cx)}`,
    `- **Kernel**: ${kernelLine(cx)}`,
    `- **Found by**: \`${foundLine(cx)}\``,
    ...(cx.disabled?.length ? [`- **Monitors switched off**: ${cx.disabled.join(', ')}`] : []),
    '',
    '## Operations, in execution order',
    '',
    `Expected results are the model's, in ${run.basis}.`,
    ...(run.linearization ? ['', `The order the check found: ${orderText(run.linearization)}.`] : []),
    '',
    '| # | thread | operation | expected (model) | actual |   |',
    '|---|---|---|---|---|---|',
    ...run.ops.map((e) => {
      const actual = e.actual ? formatResult(e.actual) : '(did not return)';
      const expected = e.expected ? formatResult(e.expected) : '—';
      const mark = e.index === cx.step ? `**fails here** (${cx.invariant})` : e.actual && e.expected && actual !== expected ? 'differs' : '';
      return `| ${e.index} | t${e.tid} | ${cell(formatOp(e.op))} | ${cell(expected)} | ${cell(actual)} | ${mark} |`;
    }),
  ];
  const notRun = cx.ops.map((op, i) => ({ op, i })).filter(({ i }) => !run.ops.some((e) => e.index === i));
  if (notRun.length) lines.push('', `Not begun when the run stopped: ${notRun.map(({ op, i }) => `[${i}] ${formatOp(op)}`).join('; ')}.`);
  if (threads > 1) {
    const pre = (cx.preemptions ?? []).map((p) => (p.after ? `op ${p.op} after its preemption point ${p.after}` : `before op ${p.op}`)).join(', ') || 'none';
    lines.push('', '## Interleaving', '', `Preemptions: ${pre}. Notes name the preemption point at which a thread was switched out, and its lock and guest-entry events.`, '');
    lines.push('```mermaid', ...sequenceDiagram(cx, outcome, outcome.failure), '```');
  }
  lines.push('', '## Replay', '', 'Save the case below as the file named, then (with `npm install kvm-mmu-oracle`):', '', '```sh', replayLine(file, cx.implementation), '```', '', '`--trace` prints every tracepoint event.', '');
  lines.push('<details><summary>The case (JSON)</summary>', '', '```json', JSON.stringify(cx, null, 2), '```', '', '</details>', '');
  return lines.join('\n');
};
