/**
 * A counterexample file never chooses what runs: replay and --corpus run the implementation
 * the command line names (--impl, default builtin), whatever the file's "implementation" says.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from './cli-run.js';

const dir = mkdtempSync(join(tmpdir(), 'kvm-oracle-trust-'));
const touched = join(dir, 'touched');
const evil = join(dir, 'evil.mjs');
writeFileSync(evil, `import { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(touched)}, 'ran');\nexport default {};\n`);

const file = (name: string, implementation: string): string => {
  const path = join(dir, `${name}.json`);
  const cx = {
    format: 'kvm-oracle-counterexample/1', invariant: 'CONFORMANCE', message: 'm', step: 0, seed: 1,
    implementation, mutant: null, config: { vendor: 'vmx', tdp: false }, ops: [{ kind: 'createVm', vm: 0 }],
  };
  writeFileSync(path, JSON.stringify(cx));
  return path;
};

const HOSTILE: [string, string][] = [
  ['exec', `exec:touch ${touched}; false`],
  ['module', `module:${evil}`],
];

describe('replay runs only what --impl names', () => {
  for (const [name, impl] of HOSTILE) {
    it(`a file naming ${name}: runs nothing, one line naming the implementation, exit 2`, async () => {
      const r = await cli('replay', file(name, impl));
      expect(r.code).toBe(2);
      expect(r.errs).toHaveLength(1);
      expect(r.err).toContain(JSON.stringify(impl));
      expect(r.err).toMatch(/--impl/);
      expect(existsSync(touched)).toBe(false);
    });

    it(`a file naming ${name}, with --impl builtin: replayed on builtin, and the report says so`, async () => {
      const r = await cli('replay', file(name, impl), '--impl', 'builtin');
      expect(r.code, r.err).toBe(0);
      expect(r.out).toMatch(/passes on builtin .*recorded as CONFORMANCE on /);
      expect(existsSync(touched)).toBe(false);
    });
  }

  it('the file\'s implementation runs when --impl repeats it', async () => {
    const r = await cli('replay', file('module-named', `module:${evil}`), '--impl', `module:${evil}`);
    // the module is loaded (it is not a factory, so the load fails): it ran because the user named it
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/not an ImplementationFactory/);
    expect(existsSync(touched)).toBe(true);
  });
});

describe('--corpus runs the campaign\'s implementation, not the entries\'', () => {
  it('entries naming exec: and module: replay on builtin and run nothing they name', async () => {
    const corpus = join(dir, 'corpus');
    mkdirSync(corpus);
    const t = join(dir, 'touched-corpus');
    for (const [name, impl] of [['a', `exec:touch ${t}; false`], ['b', `module:${evil.replace('evil', 'evil2')}`]] as const) {
      writeFileSync(join(corpus, `${name}.json`), JSON.stringify({
        format: 'kvm-oracle-counterexample/1', invariant: 'CONFORMANCE', message: 'm', step: 0, seed: 1,
        implementation: impl, mutant: null, config: { vendor: 'vmx', tdp: false }, ops: [{ kind: 'createVm', vm: 0 }],
      }));
    }
    writeFileSync(evil.replace('evil', 'evil2'), `import { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(t)}, 'ran');\nexport default {};\n`);
    const r = await cli('fuzz', '--runs', '5', '--workers', '0', '--corpus', corpus, '--out', join(dir, 'out'));
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/2 stored counterexample\(s\) replayed first/);
    expect(existsSync(t)).toBe(false);
  }, 60_000);
});
