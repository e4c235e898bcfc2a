import { describe, expect, it } from 'vitest';
import { readCounterexample, parseCounterexample } from '../fuzz/campaign/counterexample.js';
import { runCase } from '../fuzz/run/runner.js';
import { builtinFactory } from '../impl/builtin.js';
import { textReport } from '../fuzz/report/text.js';
import { failureSignature } from '../fuzz/campaign/signature.js';

const fixture = (name: string) => readCounterexample(new URL(`./fixtures/${name}`, import.meta.url).pathname);
const report = (name: string, file = `/home/me/out/${name}`) => {
  const cx = fixture(name);
  const outcome = runCase(cx, { factory: builtinFactory, mutant: cx.mutant, disabled: new Set(cx.disabled ?? []), keepTrace: true });
  return { cx, text: textReport(cx, outcome, file) };
};

describe('the plain-text report', () => {
  it('has a one-line subject, the rule, the patch with its commit, host and kernel, the operations and the replay command', () => {
    const { cx, text } = report('ROOT_VALID_AT_ENTRY-eager-root-alloc.json');
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^Subject: \[kvm-oracle\] ROOT_VALID_AT_ENTRY \(.+\) in \w+, mutant eager-root-alloc \(builtin\)$/);
    expect(text).toContain('upstream commit 17c3ba9d37dbda490792a2b52953f09d0dee30d6');
    expect(text).toMatch(/^Host: +x86 host, kvm_/m);
    expect(text).toMatch(/^Kernel: +none/m);
    expect(text).toContain(failureSignature(cx));
    expect(text).toMatch(/^ {2}\d+ +t0 +KVM_RUN .*<-- fails here \(ROOT_VALID_AT_ENTRY\)$/m);
    expect(text).toContain(`npx kvm-oracle replay ROOT_VALID_AT_ENTRY-eager-root-alloc.json`);
    // no Markdown, no absolute path, and the case itself at the end
    expect(text).not.toMatch(/```|\*\*|^\|/m);
    expect(text).not.toContain('/home/me');
    expect(parseCounterexample(text.slice(text.indexOf('\n{\n') + 1))).toEqual(cx);
  });

  it('cites a patch without an upstream commit by where it was posted', () => {
    const cx = { ...fixture('ROOT_VALID_AT_ENTRY-eager-root-alloc.json'), invariant: 'SETUP_ORDER' as const };
    const text = textReport(cx, runCase(cx, { factory: builtinFactory, mutant: null, keepTrace: true }), 'x.json');
    expect(text).toContain('lore.kernel.org/r/20220624232735.3090056-3-seanjc@google.com');
    expect(text).not.toContain('no upstream commit');
  });
});
