import { describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from './cli-run.js';
import type { TestCase } from '../api/ops.js';
import { builtinFactory } from '../impl/builtin.js';
import { runCase } from '../fuzz/run/runner.js';
import { DOMAINS, type Domain } from '../fuzz/explore/domain.js';
import { inProcess } from '../fuzz/campaign/in-process.js';
import { stateKey } from '../fuzz/explore/probe.js';
import { search, type Bound } from '../fuzz/explore/search.js';

const domain = (name: string): Domain => DOMAINS.find((d) => d.name === name)!;
const explore = (bound: Bound, domains: readonly Domain[], mutant: string | null = null, noPrune = false, disabled: string[] = []) =>
  search(inProcess(builtinFactory, { spec: 'builtin', mutant, disabled }), { bound, domains, noPrune });

/** the key a sequential case ends in, run on its own (null: it failed) */
const keyOf = (tc: TestCase): string | null => {
  let key: string | null = null;
  runCase(tc, { factory: builtinFactory, mutant: null, onEnd: (e) => (key = stateKey(e)) });
  return key;
};

describe('kvm-oracle explore', () => {
  it('exhausts a small sequential bound: its states are every state of every case, its cases those of the new states only', async () => {
    const d = domain('x86-svm-shadow');
    const r = await explore({ depth: 2, threads: 1, preemptions: 0 }, [d]);
    // independent of the search: every sequence of up to two operations, run on its own
    const tc = (...ops: typeof d.alphabet) => ({ config: d.config, ops: [...d.prelude, ...ops] });
    const k0 = keyOf(tc())!;
    const k1 = d.alphabet.map((a) => keyOf(tc(a))!);
    const k2 = d.alphabet.flatMap((a) => d.alphabet.map((b) => keyOf(tc(a, b))!));
    const all = new Set([k0, ...k1, ...k2]);
    const fresh1 = new Set(k1.filter((k) => k !== k0));
    expect(r.failure).toBeNull();
    expect(r.cut).toBeNull();
    expect(r.states).toBe(all.size);
    // one root, one case per operation, then one per operation from each new state only
    expect(r.cases).toBe(1 + d.alphabet.length + d.alphabet.length * fresh1.size);
    expect(r.states).toBeLessThan(r.cases);
    expect(r.cases).toBeLessThan(1 + d.alphabet.length + d.alphabet.length ** 2);
  });

  it('loses no state to pruning with two threads and a preemption', async () => {
    const bound = { depth: 2, threads: 2, preemptions: 1 };
    const d = [domain('x86-vmx-tdp')];
    const pruned = await explore(bound, d);
    const full = await explore(bound, d, null, true);
    expect(pruned.failure).toBeNull();
    expect(pruned.states).toBe(full.states);
    expect(pruned.cases).toBeLessThan(full.cases);
  });

  it('finds entry-no-request-recheck with two threads and one preemption, and not with one thread', async () => {
    const d = [domain('x86-vmx-tdp')];
    const racy = await explore({ depth: 2, threads: 2, preemptions: 1 }, d, 'entry-no-request-recheck');
    expect(racy.failure?.probe.failure?.id).toBe('ROOT_VALID_AT_ENTRY');
    expect(racy.failure?.job.tc.threads).toContain(1);
    const sequential = await explore({ depth: 2, threads: 1, preemptions: 0 }, d, 'entry-no-request-recheck');
    expect(sequential.failure).toBeNull();
    expect(sequential.cut).toBeNull();
  });

  it('finds a race of depth two (unpin-unlocked) only with a second preemption inside the race', async () => {
    const d = [domain('ppc-power7')];
    // the lock rule (SLOT_PHYS_LOCKED) sees the missing lock on one thread; the race itself is shown here
    const raceOnly = ['SLOT_PHYS_LOCKED'];
    const one = await explore({ depth: 2, threads: 2, preemptions: 1 }, d, 'unpin-unlocked', false, raceOnly);
    expect(one.failure).toBeNull();
    const two = await explore({ depth: 2, threads: 2, preemptions: 2 }, d, 'unpin-unlocked', false, raceOnly);
    expect(two.failure?.probe.failure?.id).toBe('PIN_ONCE');
    expect(two.failure?.job.preempted).toBe(2);
  });

  it('prints the same with worker processes as in this process', async () => {
    const args = ['explore', '--depth', '1', '--domains', 'x86-svm,ppc'];
    const [inProc, workers] = [await cli(...args, '--workers', '0'), await cli(...args, '--workers', '2')];
    expect(workers.code).toBe(0);
    const body = (out: string) => out.split('\n').slice(1);
    expect(body(workers.out)).toEqual(body(inProc.out));
    expect(workers.out).toContain('bound exhausted');
  });

  it('writes a counterexample that replay reproduces, and says the bound was exhausted on the correct impl', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kvm-oracle-explore-'));
    const args = ['explore', '--depth', '2', '--domains', 'x86-vmx-tdp', '--workers', '0', '--out', dir];
    const found = await cli(...args, '--mutant', 'entry-no-request-recheck');
    expect(found.code).toBe(1);
    expect(found.out).toContain('failure at depth 2');
    const [file] = readdirSync(dir).filter((f) => f.endsWith('.json'));
    expect(file).toMatch(/^ROOT_VALID_AT_ENTRY-[0-9a-f]{12}-builtin-entry-no-request-recheck-fast-check-explore-d2t2p1\.json$/);
    const replay = await cli('replay', join(dir, file!));
    expect(replay.code).toBe(1);
    expect(replay.out).toContain('FAIL ROOT_VALID_AT_ENTRY');
    const clean = await cli(...args);
    expect(clean.code).toBe(0);
    expect(clean.out).toMatch(/bound exhausted \(depth 2, 2 thread\(s\), 1 preemption\(s\)\): \d+ cases, \d+ distinct states, no failure/);
  });

  it('says NOT exhausted, exit 4, when the time budget ends it', async () => {
    const r = await cli('explore', '--depth', '6', '--domains', 'x86-vmx-tdp', '--workers', '0', '--time', '300ms');
    expect(r.code).toBe(4);
    expect(r.out).toContain('bound NOT exhausted (not checked): --time reached');
  });

  it('in workers, kills an explored case that never returns (IMPL_HANG, the shared watchdog) and writes it', async () => {
    const hang = new URL('./fixtures/hang-impl.mjs', import.meta.url).pathname;
    const dir = mkdtempSync(join(tmpdir(), 'kvm-oracle-explore-'));
    const r = await cli('explore', '--impl', `module:${hang}`, '--depth', '1', '--domains', 'x86-vmx-tdp', '--workers', '1', '--case-timeout', '300ms', '--out', dir);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/FAIL IMPL_HANG: the case ran longer than 300 ms/);
    expect(readdirSync(dir).filter((f) => f.startsWith('IMPL_HANG-') && f.endsWith('.json'))).toHaveLength(1);
  }, 60_000);

  it('refuses bad options in one line, exit 2', async () => {
    for (const argv of [['--threads', '3'], ['--depth', 'x'], ['--depth', '13'], ['--domains', 'nope'], ['--bogus'], ['--time', 'soon'], ['--mutant', 'nope'], ['extra']]) {
      const r = await cli('explore', ...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.errLines).toBe(1);
    }
  });
});
