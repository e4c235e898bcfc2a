/**
 * Hangs end everywhere: a case whose operation never returns replays as IMPL_HANG under the
 * case watchdog, its report says which operations ran, which hung and which never began,
 * and a campaign shrinks it by cutting after the operation that hung first.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from './cli-run.js';

const HANG = `module:${new URL('./fixtures/hang-impl.mjs', import.meta.url).pathname}`;
const dir = mkdtempSync(join(tmpdir(), 'kvm-oracle-hang-'));

/** createVm, createVcpu, a KVM_TRANSLATE (which hangs there), then two that never begin */
const hangCase = {
  format: 'kvm-oracle-counterexample/1', invariant: 'IMPL_HANG', message: 'm', step: 2, seed: 1,
  implementation: HANG, mutant: null, config: { vendor: 'vmx', tdp: true },
  ops: [
    { kind: 'createVm', vm: 0 },
    { kind: 'createVcpu', vm: 0, vcpu: 0 },
    { kind: 'translate', vm: 0, vcpu: 0, gva: 4096 },
    { kind: 'destroyVm', vm: 0 },
    { kind: 'createVm', vm: 1 },
  ],
};

describe('replay of a hang', () => {
  it('exits 1 naming IMPL_HANG and the operation within about the case timeout', async () => {
    const file = join(dir, 'hang.json');
    writeFileSync(file, JSON.stringify(hangCase));
    const t0 = Date.now();
    const r = await cli('replay', file, '--impl', HANG, '--case-timeout', '1s');
    expect(r.code, r.err).toBe(1);
    expect(r.out).toMatch(/^FAIL IMPL_HANG: the case ran longer than 1000 ms \(wall clock; operation 2 had not returned\)/m);
    // a generous bound, not a timing assertion: without the watchdog it never returns
    expect(Date.now() - t0).toBeLessThan(30_000);
    // the operations that ran are listed in order before the one that hung and those that never began
    const listed = r.out.split('\n').filter((l) => /^ {4}[ \d]\d {2}\S/.test(l)).map((l) => Number(l.trim().split(/\s+/)[0]));
    expect(listed).toEqual([0, 1, 2, 3, 4]);
    expect(r.out).toMatch(/2 {2}KVM_TRANSLATE.*<-- fails here/);
  }, 60_000);

  it('the same file passes on builtin, under the same watchdog', async () => {
    const file = join(dir, 'hang2.json');
    writeFileSync(file, JSON.stringify(hangCase));
    const r = await cli('replay', file, '--impl', 'builtin', '--case-timeout', '1s');
    expect(r.code, r.err + r.out).toBe(0);
  }, 60_000);
});

describe('a campaign that meets a hang', () => {
  it('cuts after the hanging operation and reports which ran, which hung, which never began', async () => {
    const out = join(dir, 'out');
    const r = await cli('fuzz', '--impl', HANG, '--case-timeout', '500ms', '--workers', '1', '--runs', '200', '--max-ops', '30', '--vcpus', '1', '--out', out);
    expect(r.code, r.err).toBe(1);
    const json = readdirSync(out).find((f) => f.endsWith('.json'))!;
    const cx = JSON.parse(readFileSync(join(out, json), 'utf8'));
    expect(cx.invariant).toBe('IMPL_HANG');
    // nothing after the operation that hung is left
    expect(cx.step).toBe(cx.ops.length - 1);
    expect(cx.ops[cx.step].kind).toBe('translate');
    const md = readFileSync(join(out, json.replace(/\.json$/, '.md')), 'utf8');
    expect(md).toMatch(/\(did not return\) \| \*\*fails here\*\* \(IMPL_HANG\)/);
  }, 120_000);
});
