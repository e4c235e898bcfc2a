import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtinFactory } from '../impl/builtin.js';
import { runFuzz, type FuzzSettings } from '../fuzz/cli/run-fuzz.js';
import { readCounterexample } from '../fuzz/campaign/counterexample.js';
import { WHOLE } from '../fuzz/campaign/shard.js';
import type { Summary } from '../fuzz/report/summary.js';
// @ts-expect-error a plain JS fixture (worker processes import it as module:PATH)
import { factory as hangFactory } from './fixtures/hang-impl.mjs';

const HANG = new URL('./fixtures/hang-impl.mjs', import.meta.url).pathname;
const DIE_ONCE = new URL('./fixtures/die-once-impl.mjs', import.meta.url).pathname;
const tmp = () => mkdtempSync(join(tmpdir(), 'kvm-oracle-workers-'));

const fuzz = async (o: Partial<FuzzSettings>) => {
  const out: string[] = [];
  let summary: Summary | null = null;
  const s: FuzzSettings = {
    factory: builtinFactory, spec: 'builtin', mutant: null, seed: { seed: 1, drawn: false }, runs: 500, shrinkTimeMs: 60_000, maxOps: 30, vcpus: 2,
    disabled: new Set(), out: tmp(), workers: 2, caseTimeoutMs: 10_000, shard: WHOLE, corpus: [], maxFailures: 1, onSummary: (x) => (summary = x), ...o,
  };
  const code = await runFuzz(s, { out: (l) => out.push(l), err: (l) => out.push(l) });
  // the counterexamples (a Markdown report is written beside each)
  const files = readdirSync(s.out).filter((f) => f.endsWith('.json')).map((f) => readFileSync(join(s.out, f), 'utf8'));
  return { code, out: out.join('\n'), files, summary: summary as Summary | null };
};

describe('fuzz --workers', () => {
  it('finds the same counterexample, byte for byte, in every run and with any number of workers', async () => {
    const o = { mutant: 'rma-no-recheck', seed: { seed: 1, drawn: false } };
    const [a, b, one] = [await fuzz(o), await fuzz(o), await fuzz({ ...o, workers: 1 })];
    expect(a.code).toBe(1);
    expect(a.files).toHaveLength(1);
    expect(JSON.parse(a.files[0]!).threads).toBeDefined();
    expect(b.files).toEqual(a.files);
    expect(one.files).toEqual(a.files);
    expect(a.summary!.failures[0]!.firstSeen).toBe(b.summary!.failures[0]!.firstSeen);
  });

  it('the shard holding the first failing case finds it at the same run, with the same counterexample', async () => {
    const o = { mutant: 'unpin-puts-rmo', seed: { seed: 4, drawn: false }, runs: 1000 };
    const whole = await fuzz(o);
    const run = whole.summary!.failures[0]!.firstSeen;
    const shard = await fuzz({ ...o, shard: { index: ((run - 1) % 3) + 1, count: 3 } });
    expect(shard.summary).toMatchObject({ shard: { count: 3 }, failures: [{ firstSeen: run }] });
    expect(shard.files).toEqual(whole.files);
  });

  it('a guided campaign whose worker is killed once in a case goes on as if it had not been: no failure, the same cases', async () => {
    const dir = tmp();
    const o = { factory: builtinFactory, spec: `module:${DIE_ONCE}`, runs: 900, guided: true, files: { stats: true } };
    // the guide corpus a campaign ends with depends on every case it ran (the stats of the
    // dead worker's part of a stretch are lost with it: those are not compared)
    const guidedLines = (out: string) => out.split('\n').filter((l) => /guided:/.test(l));
    // worker 1's 300th case, past the first epoch: its stretch is guided by a corpus
    process.env.KVM_ORACLE_DIE_AT = '420';
    try {
      const calm = await fuzz(o);
      process.env.KVM_ORACLE_DIE_ONCE = join(dir, 'died');
      const killed = await fuzz(o);
      expect(readdirSync(dir)).toEqual(['died']);
      expect(calm.code).toBe(0);
      expect(killed.code).toBe(0);
      expect(killed.out).not.toMatch(/IMPL_CRASH/);
      expect(guidedLines(killed.out).length).toBeGreaterThan(0);
      expect(guidedLines(killed.out)).toEqual(guidedLines(calm.out));
    } finally {
      delete process.env.KVM_ORACLE_DIE_ONCE;
      delete process.env.KVM_ORACLE_DIE_AT;
    }
  });

  it('kills a case that loops forever (IMPL_HANG), shrinks it in fresh workers, and ends', async () => {
    const r = await fuzz({ factory: hangFactory, spec: `module:${HANG}`, caseTimeoutMs: 300, shrinkTimeMs: 3000, maxOps: 8 });
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/FAIL IMPL_HANG: the case ran longer than 300 ms/);
    const cx = JSON.parse(r.files[0]!);
    expect(cx).toMatchObject({ invariant: 'IMPL_HANG', implementation: `module:${HANG}` });
    expect(cx.ops[cx.step].kind).toBe('translate');
  });

  it('says so, in one line and exit 2, when the implementation does not load', async () => {
    const r = await fuzz({ spec: 'module:/nonexistent/impl.mjs' });
    expect(r.code).toBe(2);
    expect(r.out.split('\n')).toHaveLength(1);
    expect(r.out).toMatch(/cannot start the workers: module:\/nonexistent\/impl.mjs: no such file/);
  });

  it('on SIGINT during a shrink, writes the smallest case so far and exits 1', async () => {
    const dir = tmp();
    const child = spawn(process.execPath, [new URL('./fixtures/fuzz-hang.mjs', import.meta.url).pathname, dir, '60000']);
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => {
      // let the shrink take a step or two, then interrupt it
      if (String(d).includes('shrinking it')) setTimeout(() => child.kill('SIGINT'), 1500);
    });
    const code = await new Promise((resolve) => child.on('exit', resolve));
    expect(code).toBe(1);
    expect(out).toMatch(/shrinking cut short \(signal\)/);
    expect(out).toMatch(/interrupted by SIGINT/);
    const [file] = readdirSync(dir);
    expect(readCounterexample(join(dir, file!))).toMatchObject({ invariant: 'IMPL_HANG' });
  });
});
