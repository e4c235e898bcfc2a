import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readCounterexample } from '../fuzz/campaign/counterexample.js';
import { runCase } from '../fuzz/run/runner.js';
import { builtinFactory } from '../impl/builtin.js';
import { markdownReport } from '../fuzz/report/markdown.js';
import { mermaidText } from '../fuzz/report/mermaid.js';
import { replayCommand } from '../fuzz/report/shell.js';
import { SEEDS } from '../api/seeds.js';

const fixture = (name: string) => readCounterexample(new URL(`./fixtures/${name}`, import.meta.url).pathname);
const report = (name: string, file = `counterexamples/${name}`) => {
  const cx = fixture(name);
  const outcome = runCase(cx, { factory: builtinFactory, mutant: cx.mutant, disabled: new Set(cx.disabled ?? []), keepTrace: true });
  return { cx, md: markdownReport(cx, outcome, file) };
};
const mermaidBlock = (md: string): string[] => md.split('```mermaid\n')[1]?.split('\n```')[0]?.split('\n') ?? [];

describe('the Markdown report', () => {
  it('names the rule, its seed patch with subject and commit, the host, and each operation with both results', () => {
    const { md } = report('ROOT_VALID_AT_ENTRY-eager-root-alloc.json');
    expect(md).toMatch(/^# ROOT_VALID_AT_ENTRY: /);
    expect(md).toContain('at every guest entry the vcpu root is valid');
    expect(md).toContain(`"${SEEDS['000'].subject}"`);
    expect(md).toContain('upstream commit 17c3ba9d37dbda490792a2b52953f09d0dee30d6');
    expect(md).toMatch(/\*\*Host\*\*: x86 host, kvm_(intel ept|amd npt)=[01] /);
    expect(md).toContain('**Kernel**: none');
    expect(md).toContain('| # | thread | operation | expected (model) | actual |');
    expect(md).toMatch(/\| \d+ \| t0 \| KVM_RUN .* \*\*fails here\*\* \(ROOT_VALID_AT_ENTRY\) \|/);
    // one thread: no interleaving to draw
    expect(md).not.toContain('```mermaid');
  });

  it('shows where the implementation and the model differ', () => {
    const { md } = report('CONFORMANCE-eager-pin-mapped-later.json');
    expect(md).toContain('**From**: none');
    expect(md).toMatch(/\| 1 \| t0 \| KVM_SET_USER_MEMORY_REGION [^|]* \| 0 \| -EINVAL \| \*\*fails here\*\* \(CONFORMANCE\) \|/);
    expect(md).toContain('Monitors switched off');
  });

  it('draws a two-thread interleaving as a Mermaid sequence diagram', () => {
    const { md } = report('RMA_ONCE-rma-no-recheck-two-threads.json');
    const diagram = mermaidBlock(md);
    expect(diagram[0]).toBe('sequenceDiagram');
    expect(diagram).toEqual(expect.arrayContaining(['  participant T0 as thread 0', '  participant T1 as thread 1', '  participant KVM']));
    expect(diagram.some((l) => /^ {2}Note over T0: \[5\] preempted at lock \(kvm-#62;lock@vm0\)$/.test(l))).toBe(true);
    expect(diagram.filter((l) => l.includes('kvmppcRmaSetup:')).length).toBe(2);
    expect(diagram.some((l) => /^ {2}T1->>KVM: \[6\] KVM_RUN/.test(l))).toBe(true);
    expect(diagram.some((l) => /Note over T\d: lock .*\(exclusive\)/.test(l))).toBe(true);
    expect(diagram.some((l) => l.includes('guest entry'))).toBe(true);
    expect(diagram.at(-1)).toMatch(/^ {2}Note over T0: FAIL RMA_ONCE: /);
    // every line is one Mermaid statement: text without a raw '#', ';', '<' or '>'
    const statement = /^(sequenceDiagram| {2}participant (T\d+ as thread \d+|KVM)| {2}(T\d+->>KVM|KVM-->>T\d+|Note over T\d+): ([^#;<>\n]|#\d+;)+)$/;
    for (const l of diagram) expect(l).toMatch(statement);
    expect(md).toContain('Expected results are the model\'s, in a linearization.');
  });

  it('quotes the replay command for the shell', () => {
    const file = `it's "$HOME" \`x\`.json`;
    const cmd = replayCommand(file);
    expect(cmd.startsWith('npx kvm-oracle replay ')).toBe(true);
    // bash reads back exactly the file name
    const echoed = execFileSync('bash', ['-c', cmd.replace(/^npx kvm-oracle replay /, 'printf %s ')]).toString();
    expect(echoed).toBe(file);
    expect(report('RMA_ONCE-rma-no-recheck-two-threads.json', file).md).toContain(`\`\`\`sh\n${cmd}\n\`\`\``);
    // the report names the file only: no directory of the reporter's machine
    expect(report('RMA_ONCE-rma-no-recheck-two-threads.json', `/home/me/out/${file}`).md).not.toContain('/home/me');
  });

  it('draws the events that explain a race: the root loaded, zapped by the other thread, then entered', () => {
    const { md } = report('ROOT_VALID_AT_ENTRY-stale-pdptrs.json');
    const diagram = mermaidBlock(md);
    if (diagram.length) {
      expect(diagram.some((l) => l.includes('kvmMmuLoad') || l.includes('kvmMmuGetPage'))).toBe(true);
      expect(diagram.some((l) => /Note over T\d: lock /.test(l))).toBe(false);
    }
    expect(md).toContain('```json');
  });

  it('escapes what Mermaid would read as syntax', () => {
    expect(mermaidText('a;b #c <d> e\nf')).toBe('a#59;b #35;c #60;d#62; e f');
  });
});
