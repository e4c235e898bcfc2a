/**
 * `replay FILE --emit-test DIR [--impl SPEC]`: a vitest regression test for a
 * counterexample, for the user's own repository: the case is embedded as JSON and run
 * through the package's public API (`kvm-mmu-oracle/replay`), so the test stands alone. It
 * runs the case on the implementation under test (--impl, or the one that found it; the
 * environment variables KVM_ORACLE_IMPL and KVM_ORACLE_MUTANT override) and expects no
 * failure: it fails while the bug is there and passes once it is gone. For a mutant's
 * counterexample it also checks that the case still breaks the rule on that mutant.
 */
import { basename, join } from 'node:path';
import { writeAtomic, type Counterexample } from '../campaign/counterexample.js';

/** DIR/<counterexample base name>.test.ts */
export const emittedTestPath = (file: string, dir: string): string =>
  join(dir, `${basename(file).replace(/\.json$/, '').replace(/[^A-Za-z0-9._-]/g, '_')}.test.ts`);

/** the test's text: the case embedded, run through the package's public replay API */
export const emittedTest = (cx: Counterexample, file: string, impl: string): string => {
  const name = basename(file).replace(/\.json$/, '');
  const comment = `${cx.invariant}: ${cx.message}`.replace(/\*\//g, '* /');
  const mutantCheck = cx.mutant === null ? [] : [
    '',
    `  it('the case still breaks ${cx.invariant} on the mutant ${cx.mutant} of ${cx.implementation}', async () => {`,
    '    const r = await replay(cx, { impl: cx.implementation, mutant: cx.mutant });',
    '    expect(r.failure).toMatchObject({ id: cx.invariant });',
    '  }, 120_000);',
  ];
  return [
    '/**',
    ` * Regression test for ${name}, written by \`kvm-oracle replay --emit-test\`:`,
    ` * ${comment}`,
    ` * Found with seed ${cx.seed}, implementation ${cx.implementation}, mutant ${cx.mutant ?? 'none'}.`,
    ` * The case must pass on the implementation under test: ${JSON.stringify(impl)}, or the one`,
    ' * KVM_ORACLE_IMPL names (builtin, kvm, module:PATH, exec:COMMAND), with the mutant',
    ' * KVM_ORACLE_MUTANT names, if any. Needs the kvm-mmu-oracle package (npm install).',
    ' */',
    "import { describe, expect, it } from 'vitest';",
    "import { replay } from 'kvm-mmu-oracle/replay';",
    '',
    `const cx = ${JSON.stringify(cx, null, 2)};`,
    `const impl = process.env.KVM_ORACLE_IMPL || ${JSON.stringify(impl)};`,
    'const mutant = process.env.KVM_ORACLE_MUTANT || null;',
    '',
    `describe(${JSON.stringify(`regression: ${name}`)}, () => {`,
    `  it('${cx.invariant} holds on the implementation under test', async () => {`,
    '    const r = await replay(cx, { impl, mutant });',
    '    expect(r.failure && `${r.bug}: ${r.failure.message}`).toBeNull();',
    '  }, 120_000);',
    ...mutantCheck,
    '});',
    '',
  ].join('\n');
};

/** writes the test; exit status 0 written, 2 it cannot be (one line on stderr) */
export const emitTest = (cx: Counterexample, file: string, dir: string, impl: string, io: { out(l: string): void; err(l: string): void }): number => {
  const path = emittedTestPath(file, dir);
  try {
    // whole or not at all, and no recursive mkdir (it never returns under /proc)
    writeAtomic(path, emittedTest(cx, file, impl));
  } catch (e) {
    return io.err(`kvm-oracle replay: cannot write ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`), 2;
  }
  io.out(`kvm-oracle replay: ${file}: regression test written to ${path}`);
  return 0;
};
