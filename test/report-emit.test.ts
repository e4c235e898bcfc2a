import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from './cli-run.js';

const root = new URL('..', import.meta.url).pathname;
const fixture = new URL('./fixtures/ROOT_VALID_AT_ENTRY-eager-root-alloc.json', import.meta.url).pathname;

/** the environment without this vitest's own variables (a child that sees them acts as its worker) */
const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(VITEST|NODE_OPTIONS$|TEST$)/.test(k)));

/** runs one test file with vitest in a child process; the exit status says whether it passed */
const vitest = (cwd: string, file: string, env: Record<string, string> = {}) =>
  spawnSync(process.execPath, [join(root, 'node_modules/vitest/vitest.mjs'), 'run', file, '--reporter=dot'], {
    cwd, env: { ...cleanEnv, KVM_ORACLE_MUTANT: '', ...env }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000,
  });

describe('replay --emit-test', () => {
  it('writes a vitest test, against the public API only, that passes on the correct impl and fails on the mutant', async () => {
    // a user's repository: the package and vitest installed, nothing else of ours
    const repo = mkdtempSync(join(tmpdir(), 'kvm-oracle-user-'));
    mkdirSync(join(repo, 'node_modules'));
    symlinkSync(root, join(repo, 'node_modules', 'kvm-mmu-oracle'));
    symlinkSync(join(root, 'node_modules', 'vitest'), join(repo, 'node_modules', 'vitest'));
    const dir = join(repo, 'test');
    try {
      const r = await cli('replay', fixture, '--emit-test', dir);
      expect(r).toMatchObject({ code: 0, err: '' });
      const file = join(dir, 'ROOT_VALID_AT_ENTRY-eager-root-alloc.test.ts');
      expect(existsSync(file)).toBe(true);
      const text = readFileSync(file, 'utf8');
      expect(text).toContain("import { replay } from 'kvm-mmu-oracle/replay';");
      expect(text.match(/^import .* from '(.*)';$/gm)).toHaveLength(2);
      expect(text).toContain('"mutant": "eager-root-alloc"');
      const onCorrect = vitest(repo, file);
      expect(onCorrect.status, onCorrect.stdout + onCorrect.stderr).toBe(0);
      const onMutant = vitest(repo, file, { KVM_ORACLE_MUTANT: 'eager-root-alloc' });
      expect(onMutant.status).toBe(1);
      expect(onMutant.stdout + onMutant.stderr).toContain('ROOT_VALID_AT_ENTRY holds on the implementation under test');
    } finally {
      rmSync(repo, { recursive: true, force: true });
    }
  });

  it('says in one line when it cannot write the test', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kvm-oracle-'));
    writeFileSync(join(dir, 'file'), 'x');
    const r = await cli('replay', fixture, '--emit-test', join(dir, 'file', 'sub'));
    expect(r.code).toBe(2);
    expect(r.err.split('\n')).toHaveLength(1);
  });
});
