/**
 * `replay FILE --emit-test DIR`: a vitest regression test for a counterexample, in the
 * style of test/replay.test.ts. The case is embedded as JSON, so the test stands alone. It
 * runs the case on the implementation under test, the correct built-in one unless the
 * environment variable KVM_ORACLE_MUTANT names a mutant, and expects no failure: it fails
 * on the mutant and passes once the bug is gone. For a mutant's counterexample it also
 * checks that the case still breaks the rule on that mutant, so it goes on testing something.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeAtomic, type Counterexample } from '../campaign/counterexample.js';

/** the repository root: the nearest folder above this module with our package.json */
const repoRoot = (): string => {
  for (let d = dirname(fileURLToPath(import.meta.url)); ; d = dirname(d)) {
    const pkg = join(d, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'kvm-mmu-oracle') return d;
    if (dirname(d) === d) throw new Error('cannot find the kvm-mmu-oracle package root');
  }
};

/** DIR/<counterexample base name>.test.ts */
export const emittedTestPath = (file: string, dir: string): string =>
  join(dir, `${basename(file).replace(/\.json$/, '').replace(/[^A-Za-z0-9._-]/g, '_')}.test.ts`);

/** the test's text, importing the sources from `dir`'s point of view */
export const emittedTest = (cx: Counterexample, file: string, dir: string): string => {
  let rel = relative(resolve(dir), repoRoot()).split(sep).join('/') || '.';
  if (!rel.startsWith('.')) rel = `./${rel}`;
  const name = basename(file).replace(/\.json$/, '');
  const comment = `${cx.invariant}: ${cx.message}`.replace(/\*\//g, '* /');
  const mutantCheck = cx.mutant === null ? [] : [
    '',
    `  it('the case still breaks ${cx.invariant} on the mutant ${cx.mutant}', () => {`,
    '    expect(runCase(cx, { factory: builtinFactory, mutant: cx.mutant, disabled }).failure).toMatchObject({ id: cx.invariant });',
    '  });',
  ];
  return [
    '/**',
    ` * Regression test for ${name}, written by \`kvm-oracle replay --emit-test\`:`,
    ` * ${comment}`,
    ` * Found with seed ${cx.seed}, implementation ${cx.implementation}, mutant ${cx.mutant ?? 'none'}.`,
    ' * The case must pass on the implementation under test: the correct built-in one, or the',
    ' * mutant named by KVM_ORACLE_MUTANT (where it fails).',
    ' */',
    "import { describe, expect, it } from 'vitest';",
    `import { parseCounterexample } from '${rel}/fuzz/campaign/counterexample.js';`,
    `import { runCase } from '${rel}/fuzz/run/runner.js';`,
    `import { builtinFactory } from '${rel}/impl/builtin.js';`,
    '',
    `const cx = parseCounterexample(JSON.stringify(${JSON.stringify(cx, null, 2)}));`,
    'const disabled = new Set(cx.disabled ?? []);',
    'const underTest = process.env.KVM_ORACLE_MUTANT || null;',
    '',
    `describe(${JSON.stringify(`regression: ${name}`)}, () => {`,
    `  it('${cx.invariant} holds on the implementation under test', () => {`,
    '    expect(runCase(cx, { factory: builtinFactory, mutant: underTest, disabled }).failure).toBeNull();',
    '  });',
    ...mutantCheck,
    '});',
    '',
  ].join('\n');
};

/** writes the test; exit status 0 written, 2 it cannot be (one line on stderr) */
export const emitTest = (cx: Counterexample, file: string, dir: string, io: { out(l: string): void; err(l: string): void }): number => {
  if (cx.implementation !== 'builtin') return io.err(`kvm-oracle replay: ${file}: --emit-test writes tests for the builtin implementation only`), 2;
  const path = emittedTestPath(file, dir);
  try {
    // whole or not at all, and no recursive mkdir (it never returns under /proc)
    writeAtomic(path, emittedTest(cx, file, dir));
  } catch (e) {
    return io.err(`kvm-oracle replay: cannot write ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`), 2;
  }
  io.out(`kvm-oracle replay: ${file}: regression test written to ${path}`);
  return 0;
};
