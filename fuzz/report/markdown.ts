/**
 * The Markdown report written beside each counterexample (same base name, `.md`), meant to
 * be pasted into a bug report or a mailing-list mail as it is: the rule broken and the seed
 * patch it comes from, the host, the operations in execution order with the model's and
 * the implementation's results, the interleaving as a Mermaid sequence diagram (cases with
 * several threads), and the replay command, shell-quoted.
 */
import type { Op, TestCase } from '../../api/ops.js';
import { ruleOf } from '../../oracle/rules.js';
import type { Counterexample } from '../campaign/counterexample.js';
import { formatOp, formatResult } from './format.js';
import type { RunOutcome } from '../run/runner.js';
import { failureSignature } from '../campaign/signature.js';
import { execution } from './expected.js';
import { sequenceDiagram } from './mermaid.js';
import { replayCommand } from './shell.js';
import { describeHost } from '../impl/host-info.js';

/** a table cell: no line breaks, no column separators */
const cell = (s: string): string => s.replace(/\s+/g, ' ').replace(/\|/g, '\\|');

const host = (tc: TestCase, threads: number): string => {
  const { vendor, tdp } = tc.config;
  const module = vendor === 'vmx' ? `kvm_intel ept=${tdp ? 1 : 0}` : `kvm_amd npt=${tdp ? 1 : 0}`;
  const ppc = tc.ops.flatMap((o: Op) => (o.kind === 'createVm' && o.ppc ? [`vm${o.vm} on ${o.ppc.cpu === 'power7' ? 'POWER7' : 'PPC970'} with ${o.ppc.ramPorder === 24 ? '16 MB' : '64 KB'} RAM pages`] : []));
  return [
    `x86 host with \`${module}\` loaded at boot (${vendor}, TDP ${tdp ? 'on' : 'off'})`,
    ...(ppc.length ? [`PPC HV VMs (book3s_hv): ${ppc.join('; ')}`] : []),
    `${threads} harness thread(s) issuing operations`,
  ].join('; ');
};

const seedLine = (cx: Counterexample): string => {
  const { seed } = ruleOf(cx.invariant);
  if (!seed) return 'none: a check of the harness against the model, which is built from all five seed patches';
  const where = seed.commit ? `upstream commit ${seed.commit}` : `no upstream commit id recorded; ${seed.posted}`;
  return `seed ${seed.id}, "${seed.subject}" (${seed.author}), ${where}`;
};

export const markdownReport = (cx: Counterexample, outcome: RunOutcome, file: string): string => {
  const threads = Math.max(0, ...(cx.threads ?? [0])) + 1;
  const run = execution(cx, outcome);
  const lines = [
    `# ${cx.invariant}: ${cx.message}`,
    '',
    `- **Rule broken** (\`${cx.invariant}\`): ${ruleOf(cx.invariant).rule}`,
    `- **Seed patch**: ${seedLine(cx)}`,
    `- **Implementation**: ${cx.implementation}, mutant ${cx.mutant === null ? 'none' : `\`${cx.mutant}\``}`,
    `- **Host**: ${cx.host ? `${describeHost(cx.host)}, running the case's config: ` : ''}${host(cx, threads)}`,
    `- **Found by**: ${cx.explore ? `\`kvm-oracle explore --depth ${cx.explore.depth} --threads ${cx.explore.threads} --preemptions ${cx.explore.preemptions}\`` : `\`kvm-oracle fuzz\` with seed ${cx.seed}`}; failure signature \`${failureSignature(cx)}\``,
    ...(cx.disabled?.length ? [`- **Monitors switched off**: ${cx.disabled.join(', ')}`] : []),
    '',
    '## Operations, in execution order',
    '',
    `Expected results are the model's, in ${run.basis}.`,
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
  lines.push('', '## Replay', '', '```sh', replayCommand(file, cx.implementation), '```', '', `The case is the JSON file beside this report (\`${file}\`); \`--trace\` prints every tracepoint event.`, '');
  return lines.join('\n');
};
