import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from './cli-run.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'kvm-oracle-'));

describe('kvm-oracle CLI', async () => {
  it('lists mutants one per line', async () => {
    const r = await cli('mutants', '--list');
    expect(r.code).toBe(0);
    expect(r.out.split('\n')).toEqual(expect.arrayContaining(['eager-root-alloc', 'svm-no-reload']));
  });

  it('exits 2 with one line for usage errors', async () => {
    for (const argv of [['fuzz', '--seed', '4294967296'], ['fuzz', '--shard', '3/2'], ['fuzz', '--workers', 'x'], ['fuzz', '--baseline', '/nonexistent'], ['fuzz', '--max-failures', '0'], ['fuzz', '--case-timeout', '0'], ['fuzz', '--bogus'], ['fuzz', '--runs', 'x'], ['fuzz', '--mutant', 'nope'], ['frobnicate'], ['fuzz', '--runs', '5', '--time', '1s'], ['replay'], ['fuzz', '--max-ops', '1001']]) {
      const r = await cli(...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.errLines).toBe(1);
    }
  });

  it('prints help for each command', async () => {
    for (const c of ['fuzz', 'replay', 'mutants']) expect(await cli(c, '--help')).toMatchObject({ code: 0, out: expect.stringContaining(`usage: kvm-oracle ${c}`) });
  });

  it('exits 0 on the correct impl', async () => {
    expect(await cli('fuzz', '--runs', '100', '--seed', '4')).toMatchObject({ code: 0, out: expect.stringContaining('no failure') });
  });

  it('writes a counterexample that replay reproduces with the same invariant', async () => {
    const dir = tmp();
    const f = await cli('fuzz', '--mutant', 'svm-no-reload', '--seed', '3', '--out', dir);
    expect(f.code).toBe(1);
    expect(f.out).toMatch(/^FAIL ROOT_VALID_AT_ENTRY/m);
    const [file] = readdirSync(dir);
    const path = join(dir, file!);
    expect(f.out).toContain(`npx kvm-oracle replay ${path}`);
    const cx = JSON.parse(readFileSync(path, 'utf8'));
    expect(cx).toMatchObject({ seed: 3, invariant: 'ROOT_VALID_AT_ENTRY', implementation: 'builtin', mutant: 'svm-no-reload' });
    const r = await cli('replay', path);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^FAIL ROOT_VALID_AT_ENTRY/m);
    // the same case without the mutant passes
    writeFileSync(path, JSON.stringify({ ...cx, mutant: null }));
    expect((await cli('replay', path)).code).toBe(0);
  });

  it('switches monitors off with --disable, and replays with them off', async () => {
    const dir = tmp();
    const f = await cli('fuzz', '--mutant', 'cmpxchg-lock-leak', '--seed', '2', '--disable', 'LOCK_ORDER', '--out', dir);
    expect(f.out).toMatch(/^FAIL LOCK_BALANCED/m);
    const path = join(dir, readdirSync(dir)[0]!);
    expect(JSON.parse(readFileSync(path, 'utf8')).disabled).toEqual(['LOCK_ORDER']);
    expect((await cli('replay', path)).out).toMatch(/^FAIL LOCK_BALANCED/m);
    expect(await cli('fuzz', '--disable', 'NOT_AN_INVARIANT')).toMatchObject({ code: 2, errLines: 1 });
  });

  it('prints the counterexample when it cannot write it', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'file'), 'x');
    const f = await cli('fuzz', '--mutant', 'svm-no-reload', '--out', join(dir, 'file', 'sub'));
    expect(f.code).toBe(1);
    expect(f.err).toMatch(/cannot write/);
    expect(f.out).toContain('"invariant":"ROOT_VALID_AT_ENTRY"');
  });

  it('rejects files that are not counterexamples with exit 2 and one line', async () => {
    const dir = tmp();
    const cases: Record<string, string> = {
      'garbage.json': '{not json',
      'array.json': '[]',
      'noformat.json': '{"seed":1}',
      'badop.json': JSON.stringify({ format: 'kvm-oracle-counterexample/1', invariant: 'CONFORMANCE', seed: 1, implementation: 'builtin', mutant: null, config: { vendor: 'vmx', tdp: false }, ops: [{ kind: 'reboot' }] }),
      'badmutant.json': JSON.stringify({ format: 'kvm-oracle-counterexample/1', invariant: 'CONFORMANCE', seed: 1, implementation: 'builtin', mutant: 'nope', config: { vendor: 'vmx', tdp: false }, ops: [] }),
    };
    for (const [name, text] of Object.entries(cases)) {
      writeFileSync(join(dir, name), text);
      const r = await cli('replay', join(dir, name));
      expect(r.code, name).toBe(2);
      expect(r.errLines, name).toBe(1);
    }
    expect(await cli('replay', join(dir, 'missing.json'))).toMatchObject({ code: 2, err: expect.stringContaining('ENOENT') });
  });

  it('--seed random prints the drawn seed first, and records it in the counterexample', async () => {
    const dir = tmp();
    const r = await cli('fuzz', '--seed', 'random', '--mutant', 'svm-no-reload', '--workers', '1', '--out', dir);
    const seed = Number(/^kvm-oracle fuzz: seed (\d+) \(drawn by --seed random/.exec(r.out)?.[1]);
    expect(Number.isInteger(seed)).toBe(true);
    expect(JSON.parse(readFileSync(join(dir, readdirSync(dir)[0]!), 'utf8')).seed).toBe(seed);
  });

  it('a stored counterexample in --corpus still failing is an open bug: known, the run goes on, exit 0', async () => {
    const [out, corpus] = [tmp(), join(tmp(), 'corpus')];
    const first = await cli('fuzz', '--mutant', 'svm-no-reload', '--seed', '3', '--workers', '1', '--out', out, '--corpus', corpus);
    expect(first.code).toBe(1);
    const signature = /signature: (\S+) \(new\)/.exec(first.out)![1]!;
    expect(readdirSync(corpus)).toEqual([`${signature}.json`]);
    const again = await cli('fuzz', '--mutant', 'svm-no-reload', '--seed', '9', '--runs', '40', '--workers', '1', '--out', out, '--corpus', corpus);
    expect(again.code).toBe(0);
    expect(again.out).toMatch(/still fails: an open bug/);
    expect(again.out).toContain('40 runs');
    expect(again.out).toContain('1 open (still failing, known)');
    const baseline = join(out, 'baseline.txt');
    writeFileSync(baseline, `# filed upstream\n${signature}\n`);
    const known = await cli('fuzz', '--mutant', 'svm-no-reload', '--seed', '9', '--runs', '40', '--workers', '1', '--out', out, '--baseline', baseline);
    expect(known.code).toBe(0);
    expect(known.out).toContain(`known: ${signature} is in the baseline`);
    writeFileSync(join(corpus, 'broken.json'), '{');
    expect(await cli('fuzz', '--corpus', corpus)).toMatchObject({ code: 2, errLines: 1 });
  });
});
