import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from './cli-run.js';

const root = new URL('..', import.meta.url).pathname;
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');

/** A project outside the repo that depends on the package, as a user's would. */
const userProject = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'kvm-oracle-user-'));
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(root, join(dir, 'node_modules', 'kvm-mmu-oracle'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module', private: true }));
  cpSync(join(root, 'examples', 'module', 'quiet-builtin.ts'), join(dir, 'quiet-builtin.ts'));
  return dir;
};

describe('a module: implementation written in TypeScript against the published types', () => {
  const dir = userProject();
  const compile = (...extra: string[]) =>
    execFileSync(process.execPath, [tsc, '--skipLibCheck', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--outDir', join(dir, 'out'), ...extra, join(dir, 'quiet-builtin.ts')], { cwd: dir, encoding: 'utf8' });

  it('type-checks from outside the repository, and a type error is caught', () => {
    expect(() => compile()).not.toThrow();
    writeFileSync(join(dir, 'bad.ts'), "import type { Op } from 'kvm-mmu-oracle';\nexport const op: Op = { kind: 'createVm', vm: 'zero' };\n");
    expect(() => execFileSync(process.execPath, [tsc, '--noEmit', '--skipLibCheck', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', join(dir, 'bad.ts')], { cwd: dir, encoding: 'utf8' })).toThrow(/bad\.ts/);
  }, 180_000);

  it('runs through --impl module:, the monitors it cannot feed reported as not checked, never passed', async () => {
    compile();
    const impl = `module:${join(dir, 'out', 'quiet-builtin.js')}`;
    const r = await cli('fuzz', '--impl', impl, '--runs', '150', '--seed', '3');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/not checked: ROOT_VALID_AT_ENTRY, .*RMO_NEVER_PUT.* \(no tracepoint events from module:/);
    // a bug that only a monitor sees is not found, and the report says which monitor was missing
    const m = await cli('fuzz', '--impl', impl, '--runs', '150', '--seed', '3', '--mutant', 'unpin-puts-rmo');
    expect(m.out).toMatch(/not checked: .*RMO_NEVER_PUT/);
  }, 120_000);

  it('rejects a module that is not an implementation with exit 2 and one line', async () => {
    writeFileSync(join(dir, 'not-impl.mjs'), 'export default { name: "x", create() {}, capabilities: { ops: ["reboot"] } };\n');
    const r = await cli('fuzz', '--impl', `module:${join(dir, 'not-impl.mjs')}`);
    expect(r).toMatchObject({ code: 2, err: expect.stringMatching(/capabilities\.ops\[0\]: expected one of createVm/) });
    expect(r.err.split('\n')).toHaveLength(1);
  });
});
