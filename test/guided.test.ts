import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestCaseSchema } from '../api/case.js';
import type { TestCase } from '../api/ops.js';
import { builtinFactory } from '../impl/builtin.js';
import { runCase } from '../fuzz/run/runner.js';
import { runFuzz, type FuzzSettings } from '../fuzz/cli/run-fuzz.js';
import { WHOLE } from '../fuzz/campaign/shard.js';
import { campaignArb } from '../fuzz/gen/campaign-arb.js';
import { reachOf } from '../fuzz/gen/reach.js';
import { SEQUENTIAL_ONLY } from '../fuzz/gen/arbitraries-x86.js';
import { EPOCH, GuideCorpus } from '../fuzz/guided/corpus.js';
import { mutate } from '../fuzz/guided/mutate.js';
import { removals } from '../fuzz/guided/shrink.js';
import { GUIDE_FILE } from '../fuzz/guided/store.js';
import { GuidedSource } from '../fuzz/guided/source.js';
import { Parents } from '../fuzz/guided/parents.js';
import { CaseStream } from '../fuzz/gen/stream.js';
import { DEFAULT_SHAPE } from '../fuzz/gen/arbitraries.js';
import type { Summary } from '../fuzz/report/summary.js';
import { main } from '../fuzz/cli/main.js';
import { BASIC, VMX, op } from './helpers.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'kvm-oracle-guided-'));
const REACH = reachOf(builtinFactory.capabilities, 'builtin');

const fuzz = async (o: Partial<FuzzSettings>) => {
  const out: string[] = [];
  let summary: Summary | null = null;
  const s: FuzzSettings = {
    factory: builtinFactory, spec: 'builtin', mutant: null, seed: { seed: 5, drawn: false }, runs: 1200, shrinkTimeMs: 30_000, maxOps: 30, vcpus: 2,
    disabled: new Set(), out: tmp(), workers: 0, caseTimeoutMs: 10_000, shard: WHOLE, corpus: [], maxFailures: 1, guided: true, guideDir: tmp(),
    files: { stats: false, json: join(tmp(), 's.json') }, onSummary: (x) => (summary = x), ...o,
  };
  const code = await runFuzz(s, { out: (l) => out.push(l), err: (l) => out.push(l) });
  const guide = readFileSync(join(s.guideDir!, GUIDE_FILE), 'utf8');
  return { code, out: out.join('\n'), guide, summary: summary as Summary | null, dir: s.out };
};

describe('guided generation', () => {
  it('keeps a case only when it reaches a feature no kept case did, folded in stream order at the end of its epoch', () => {
    const c = new GuideCorpus();
    const tc = (n: number): TestCase => ({ config: VMX, ops: [op.createVm(n)] });
    expect(c.ready(0)).toBe(true);
    expect(c.ready(1)).toBe(false);
    c.fold([{ index: 7, tc: tc(7), features: ['b', 'c'] }, { index: 3, tc: tc(3), features: ['a', 'b'] }], 100);
    expect(c.entries).toHaveLength(0); // the epoch is not read yet
    c.fold([{ index: 9, tc: tc(9), features: ['a'] }, { index: EPOCH + 1, tc: tc(1), features: ['z'] }], EPOCH);
    expect(c.ready(1)).toBe(true);
    // index 3 first (new a, b), then 7 (new c); 9 reached only a: not kept; the next epoch's case waits
    expect(c.entries.map((e) => e.tc.ops[0])).toEqual([op.createVm(3), op.createVm(7)]);
    expect(c.snapshot(0).entries).toHaveLength(0);
    expect(c.snapshot(1).entries).toHaveLength(2);
    expect([...c.known].sort()).toEqual(['a', 'b', 'c']);
  });

  it('derives schema-valid cases that the correct implementation passes, and shrinks them by removal', () => {
    const parents = fc.sample(campaignArb({}, REACH), { seed: 11, numRuns: 60 });
    let threaded = 0;
    for (let k = 0; k < 300; k++) {
      const random = new fc.Random(xoroshiro128plus(k));
      const tc = mutate(parents[k % parents.length]!, { random, vcpus: 2, other: parents[(k * 7) % parents.length]! }, 1 + (k % 4), 60);
      expect(TestCaseSchema.safeParse(tc).success, JSON.stringify(tc)).toBe(true);
      if (tc.threads && new Set(tc.threads).size > 1) {
        threaded++;
        expect(tc.ops.some((o) => SEQUENTIAL_ONLY.has(o.kind))).toBe(false);
      }
      const r = runCase(tc, { factory: builtinFactory, mutant: null });
      expect(r.failure, JSON.stringify(tc)).toBeNull();
      for (const smaller of [...removals(tc)].slice(0, 5)) expect(TestCaseSchema.safeParse(smaller).success).toBe(true);
    }
    expect(threaded).toBeGreaterThan(50);
  });

  it('makes the same cases and corpus for a seed with --workers 0 and 2', async () => {
    const o = { runs: 2 * EPOCH, maxOps: 20 };
    const [zero, two] = [await fuzz({ ...o, workers: 0 }), await fuzz({ ...o, workers: 2 })];
    expect(zero.code).toBe(0);
    expect(JSON.parse(zero.guide).entries.length).toBeGreaterThan(10);
    expect(two.guide).toBe(zero.guide);
    expect(two.summary!.coverage).toEqual(zero.summary!.coverage);
  }, 120_000);

  it('takes the base stream\'s cases in its order, all in an epoch without a corpus and every other one after, so none is skipped', () => {
    const arb = campaignArb({ maxOps: 8 }, REACH);
    const base = new CaseStream(3, arb);
    const corpus = new GuideCorpus();
    const source = new GuidedSource(new CaseStream(3, arb), 3, { ...DEFAULT_SHAPE, maxOps: 8 }, REACH, corpus);
    const key = (tc: TestCase): string => JSON.stringify(tc);
    const firsts = Array.from({ length: EPOCH + 40 }, (_, j) => key(base.at(j).value[0]));
    const epoch0 = Array.from({ length: EPOCH }, (_, i) => key(source.at(i).value[0]));
    expect(epoch0).toEqual(firsts.slice(0, EPOCH));
    corpus.fold([{ index: 1, tc: source.at(1).value[0], features: ['a'] }, { index: 2, tc: source.at(2).value[0], features: ['b'] }], EPOCH);
    const epoch1 = Array.from({ length: 80 }, (_, k) => key(source.at(EPOCH + k).value[0]));
    // offsets 1, 3, 5, ... are the base stream's next cases; the others derive from the corpus
    expect(epoch1.filter((_, k) => k % 2 === 1)).toEqual(firsts.slice(EPOCH, EPOCH + 40));
    expect(epoch1.filter((_, k) => k % 2 === 0).filter((c) => firsts.includes(c)).length).toBeLessThan(40);
    expect(corpus.snapshot(2 - 1).freshStart).toBe(EPOCH);
  });

  it('draws a parent by the rarity of its features: one alone in reaching a feature is drawn most', () => {
    const tc = (n: number): TestCase => ({ config: VMX, ops: [op.createVm(n)] });
    const common = ['x', 'y', 'z'];
    const parents = new Parents([0, 1, 2, 3].map((n) => ({ tc: tc(n), features: n === 3 ? [...common, 'rare'] : common })));
    const random = new fc.Random(xoroshiro128plus(1));
    const drawn = [0, 0, 0, 0];
    for (let k = 0; k < 4000; k++) drawn[(parents.draw(random).ops[0] as { vm: number }).vm]!++;
    // weights 0.75, 0.75, 0.75, 1.75: the rare one about twice as often as each other
    expect(drawn[3]!).toBeGreaterThan(1.8 * Math.max(drawn[0]!, drawn[1]!, drawn[2]!) * 0.9);
    expect(Math.min(...drawn)).toBeGreaterThan(0);
  });

  it('is the default; --generator plain turns it off and refuses --guide-corpus, in one line, exit 2', async () => {
    for (const [args, message] of [
      [['--generator', 'plain', '--guide-corpus', tmp()], /^kvm-oracle: --guide-corpus is for guided campaigns, not --generator plain/],
      [['--generator', 'fresh'], /^kvm-oracle: --generator must be guided or plain, got "fresh"/],
      [['--generator', 'plain', '--guided'], /^kvm-oracle: give --guided or --generator plain, not both/],
    ] as const) {
      const out: string[] = [];
      const code = await main(['fuzz', ...args, '--runs', '1', '--workers', '0'], { out: (l) => out.push(l), err: (l) => out.push(l) });
      expect(code).toBe(2);
      expect(out).toHaveLength(1);
      expect(out[0]).toMatch(message);
    }
    const lines = async (args: string[]) => {
      const out: string[] = [];
      expect(await main(['fuzz', ...args, '--runs', '3', '--workers', '0', '--out', tmp()], { out: (l) => out.push(l), err: (l) => out.push(l) })).toBe(0);
      return out.join('\n');
    };
    expect(await lines(['--stats'])).toMatch(/^ {2}guided: \d+ case\(s\) in the guide corpus/m);
    expect(await lines(['--generator', 'plain'])).toMatch(/, plain generator: no failure/);
  }, 60_000);

  it('refuses a --guide-corpus file that is not one, in one line, exit 2', async () => {
    const dir = tmp();
    writeFileSync(join(dir, GUIDE_FILE), '{"format":"kvm-oracle-guide/1","entries":[{"tc":{"ops":[]},"features":[]}]}');
    const out: string[] = [];
    const code = await main(['fuzz', '--guided', '--guide-corpus', dir, '--runs', '1', '--workers', '0'], { out: (l) => out.push(l), err: (l) => out.push(l) });
    expect(code).toBe(2);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatch(/--guide-corpus: .*guide-corpus\.json: not a guide corpus \(entries\.0\.tc\.config/);
  });

  it('finds a mutant, and its counterexample replays', async () => {
    const r = await fuzz({ mutant: 'rma-no-recheck', seed: { seed: 2, drawn: false }, runs: 3000 });
    expect(r.code, r.out).toBe(1);
    const [file] = readdirSync(r.dir).filter((f) => f.endsWith('.json'));
    const out: string[] = [];
    const code = await main(['replay', join(r.dir, file!)], { out: (l) => out.push(l), err: (l) => out.push(l) });
    expect(code).toBe(1);
    expect(out.join('\n')).toMatch(/^FAIL RMA_ONCE/m);
  }, 120_000);
});
