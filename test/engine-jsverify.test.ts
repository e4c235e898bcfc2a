import { LIFECYCLE_STRETCH } from '../fuzz/gen/arbitraries.js';
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtinFactory } from '../impl/builtin.js';
import { caseSource } from '../fuzz/campaign/source.js';
import { toWire } from '../fuzz/gen/campaign-arb.js';
import { reachOf } from '../fuzz/gen/reach.js';
import { runCampaign } from '../fuzz/campaign/campaign.js';
import { runCase } from '../fuzz/run/runner.js';
import { main } from '../fuzz/cli/main.js';
import type { TestCase } from '../api/ops.js';
import { CaseRng } from '../fuzz/engines/jsverify/rng.js';

const reach = toWire(reachOf(builtinFactory.capabilities, 'builtin'));
const stream = (seed: number, vcpus = 2) => caseSource({ engine: 'jsverify', seed, shape: { maxOps: 30, vcpus }, reach });
const text = (seed: number, i: number, s = stream(seed)) => JSON.stringify(s.at(i).value[0]);
const tmp = () => mkdtempSync(join(tmpdir(), 'kvm-oracle-jsverify-'));
const cli = async (...argv: string[]) => {
  const lines: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (l) => lines.push(l), err: (l) => err.push(l) });
  return { code, out: lines.join('\n'), err };
};

describe('the jsverify case stream', () => {
  it('gives the same cases for the same seed, asked in any order (case i depends on the seed and i only)', () => {
    const inOrder = Array.from({ length: 60 }, (_, i) => text(3, i, undefined));
    const s = stream(3);
    const one = Array.from({ length: 60 }, (_, i) => text(3, i, s));
    expect(one).toEqual(inOrder);
    // a worker that scans every other case, or starts in the middle, draws the same ones
    const other = stream(3);
    expect([51, 7, 33, 7].map((i) => text(3, i, other))).toEqual([inOrder[51], inOrder[7], inOrder[33], inOrder[7]]);
    expect(new Set(inOrder).size).toBeGreaterThan(55);
  });

  it('seeds jsverify\'s RC4 per case with a permutation and i = j = 0, never on a short Finney cycle', () => {
    const rng = new CaseRng(2);
    const states = Array.from({ length: 3000 }, (_, i) => rng.stateAt(i));
    for (const st of states) {
      expect(st).toMatch(/^00[0-9a-f]{16}$/);
      expect(new Set(st.slice(2)).size).toBe(16);
    }
    expect(new Set(states).size).toBe(states.length);
    // seed 2 once drew a Finney state near case 800, and its case generation never ended
    const s = stream(2);
    for (let i = 0; i < 2000; i++) s.at(i);
  }, 30_000);

  it('gives other cases for another seed, and differs from the fast-check stream', () => {
    const a = Array.from({ length: 20 }, (_, i) => text(1, i));
    const b = Array.from({ length: 20 }, (_, i) => text(2, i));
    expect(a.filter((c, i) => c === b[i]).length).toBeLessThan(3);
    const fc = caseSource({ seed: 1, shape: { maxOps: 30, vcpus: 2 }, reach });
    expect(a.filter((c, i) => c === JSON.stringify(fc.at(i).value[0])).length).toBeLessThan(3);
  });

  it('draws every kind of piece: several threads with preemptions, PPC VMs, lifecycles, the prelude', () => {
    const s = stream(5);
    const cases: TestCase[] = Array.from({ length: 300 }, (_, i) => s.at(i).value[0]);
    const kinds = new Set(cases.flatMap((c) => c.ops.map((o) => o.kind)));
    for (const k of ['hEnter', 'swapOut', 'asyncPfDone', 'moduleLoad', 'setCr', 'run', 'failAlloc']) expect(kinds).toContain(k);
    expect(cases.some((c) => (c.preemptions ?? []).length > 0)).toBe(true);
    expect(cases.some((c) => c.ops[0]?.kind === 'createVm' && c.ops[0].ppc)).toBe(true);
    // a body stops taking pieces at --max-ops; its last lifecycle runs on, to 3x
    expect(Math.max(...cases.map((c) => c.ops.length))).toBeLessThanOrEqual(30 * LIFECYCLE_STRETCH + 16);
    // --vcpus 1: every case on one thread
    const one = stream(5, 1);
    expect(Array.from({ length: 50 }, (_, i) => one.at(i).value[0]).every((c) => !c.threads)).toBe(true);
  });

  it('shrinks lazily, each candidate a valid smaller-or-equal case', () => {
    const s = stream(4);
    const start = s.at(10);
    const size = (tc: TestCase) => JSON.stringify(tc).length;
    const firsts = [...take(s.shrinks(start), 50)];
    expect(firsts.length).toBe(50);
    expect(firsts.some((c) => c.value[0].ops.length < start.value[0].ops.length)).toBe(true);
    expect(firsts.every((c) => size(c.value[0]) <= size(start.value[0]) + 8)).toBe(true);
  });
});

function* take<T>(xs: Iterable<T>, n: number): Generator<T> {
  for (const x of xs) {
    if (n-- <= 0) return;
    yield x;
  }
}

describe('fuzz --engine jsverify', () => {
  it('finds svm-no-reload through the monitors, shrinks it, and its counterexample replays', async () => {
    const r = await runCampaign({ factory: builtinFactory, mutant: 'svm-no-reload', seed: 1, runs: 2000, engine: 'jsverify' });
    const cx = r.counterexample!;
    expect(cx).toMatchObject({ invariant: 'ROOT_VALID_AT_ENTRY', engine: 'jsverify', mutant: 'svm-no-reload', config: { vendor: 'svm' } });
    expect(r.shrinks).toBeGreaterThan(0);
    expect(cx.ops.length).toBeLessThanOrEqual(8);
    // the monitors, not the mutant's name: the same case passes on the correct impl
    expect(runCase(cx, { factory: builtinFactory, mutant: 'svm-no-reload', disabled: new Set() }).failure?.id).toBe('ROOT_VALID_AT_ENTRY');
    expect(runCase(cx, { factory: builtinFactory, mutant: null, disabled: new Set() }).failure).toBeNull();
  });

  it('writes the same file with 0 and 2 workers, and `replay` fails it again', async () => {
    const [a, b] = [tmp(), tmp()];
    const args = ['fuzz', '--engine', 'jsverify', '--mutant', 'svm-no-reload', '--seed', '1', '--runs', '300'];
    expect((await cli(...args, '--workers', '0', '--out', a, '--json', join(a, 'summary.json'))).code).toBe(1);
    expect(JSON.parse(readFileSync(join(a, 'summary.json'), 'utf8'))).toMatchObject({ engine: 'jsverify', failures: [{ invariant: 'ROOT_VALID_AT_ENTRY' }] });
    expect((await cli(...args, '--workers', '2', '--out', b)).code).toBe(1);
    const file = readdirSync(a).find((f) => f.endsWith('.json') && f !== 'summary.json')!;
    expect(readFileSync(join(b, file), 'utf8')).toBe(readFileSync(join(a, file), 'utf8'));
    const replay = await cli('replay', join(a, file));
    expect(replay.code).toBe(1);
    expect(replay.out).toMatch(/^FAIL ROOT_VALID_AT_ENTRY/m);
  });

  it('refuses an unknown engine with exit 2 and one line', async () => {
    const r = await cli('fuzz', '--engine', 'nope');
    expect(r.code).toBe(2);
    expect(r.err).toHaveLength(1);
    expect(r.err[0]).toMatch(/--engine must be fast-check or jsverify/);
  });
});
