import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../fuzz/cli/main.js';
import { SUMMARY_FORMAT, type Summary, type FailureSummary } from '../fuzz/report/summary.js';

const dir = mkdtempSync(join(tmpdir(), 'kvm-oracle-merge-'));
const failure = (signature: string, firstSeen: number, known = false): FailureSummary => ({
  signature, invariant: signature.split('-')[0]! as FailureSummary['invariant'], file: `counterexamples/${signature}.json`, firstSeen, known, source: 'generated', message: 'm', shrinkCut: null,
});
const shard = (index: number, count: number, failures: FailureSummary[] = [], extra: Partial<Summary> = {}): string => {
  const s: Summary = {
    format: SUMMARY_FORMAT, seed: 7, runs: 100, workers: 2, shard: { index, count }, timeMs: 1000 * index, implementation: 'builtin', mutant: null,
    replayed: 0, interrupted: null, failures, notChecked: [{ check: 'CONFORMANCE', reason: 'gave up', cases: index }], ...extra,
  };
  const file = join(dir, `s${index}-${count}-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(s));
  return file;
};
const merge = async (...argv: string[]) => {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(['merge', ...argv], { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err };
};

describe('kvm-oracle merge', () => {
  it('adds the shards up into one report, exit 0 without a new failure', async () => {
    const json = join(dir, 'merged.json');
    const r = await merge(shard(1, 2, [failure('PIN_ONCE-aaaaaaaaaaaa', 41, true)]), shard(2, 2), '--json', json);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/2 shard\(s\) of seed 7.*200 runs, 1 failure\(s\), 0 new/);
    expect(r.out).toMatch(/known PIN_ONCE-aaaaaaaaaaaa/);
    expect(JSON.parse(readFileSync(json, 'utf8'))).toMatchObject({ runs: 200, workers: 4, timeMs: 2000, shard: null, notChecked: [{ check: 'CONFORMANCE', cases: 3 }] });
  });

  it('exits 1 for a new failure, listed once with the earliest run it was seen at', async () => {
    const r = await merge(shard(1, 2, [failure('LOCK_HELD-bbbbbbbbbbbb', 90)]), shard(2, 2, [failure('LOCK_HELD-bbbbbbbbbbbb', 12)]));
    expect(r.code).toBe(1);
    expect(r.out.match(/NEW/g)).toHaveLength(1);
    expect(r.out).toMatch(/first seen at run 12/);
  });

  it('exits 2 with one line for a missing, repeated, foreign or interrupted shard, or a bad file', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"format": "something else"}');
    for (const argv of [[shard(1, 3), shard(3, 3)], [shard(1, 2), shard(1, 2)], [shard(1, 2), shard(2, 2, [], { seed: 8 })], [shard(1, 2), shard(2, 2, [], { interrupted: 'SIGTERM' })], [bad], []]) {
      const r = await merge(...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err).toHaveLength(1);
    }
  });

  describe('shards that say which cases they ran', () => {
    const stream = { seed: 7, runs: 100, maxOps: 30, vcpus: 2, engine: 'fast-check', implementation: 'builtin', mutant: null, reach: '0123456789abcdef' };
    const part = (index: number, count: number, n = Math.ceil((100 - (index - 1)) / count), other: Partial<typeof stream> = {}, failures: FailureSummary[] = []) =>
      shard(index, count, failures, { runs: n, cases: { stream: { ...stream, ...other }, start: index - 1, stride: count, count: n } });

    it('a whole partition merges', async () => {
      expect((await merge(part(1, 3), part(2, 3), part(3, 3))).code).toBe(0);
    });

    it('a matrix of whole campaigns merges (the nightly job: one campaign per --vcpus), a gap in one of them does not', async () => {
      const three = { vcpus: 3 };
      expect((await merge(part(1, 2), part(2, 2), part(1, 2, 50, three), part(2, 2, 50, three))).code).toBe(0);
      const r = await merge(part(1, 2), part(2, 2), part(1, 2, 50, three));
      expect(r.code).toBe(2);
      expect(r.err[0]).toMatch(/\(vcpus 2 vs 3\), and not every campaign given is whole: case\(s\) 1, 3, 5/);
    });

    const BAD: [string, () => string[], RegExp][] = [
      ['one summary twice', () => { const a = part(1, 2); return [a, a, part(2, 2)]; }, /case\(s\) 0, 2, 4, 6, 8, \.\.\. \(50 in all\) ran twice/],
      ['every shard twice', () => [part(1, 2), part(2, 2), part(1, 2), part(2, 2)], /ran twice/],
      ['a shard that stopped short without a failure', () => [part(1, 2, 40), part(2, 2)], /case\(s\) 80, 82, 84, 86, 88, \.\.\. \(10 in all\) of the 100 ran in no shard given/],
      ['an overlapping partition', () => [part(1, 2), part(1, 3), part(2, 3), part(3, 3)], /ran twice/],
      ['shards of another --vcpus', () => [part(1, 2), part(2, 2, 50, { vcpus: 3 })], /ran another campaign's cases than .* \(vcpus 2 vs 3\)/],
      ['shards of another --runs', () => [part(1, 2), part(2, 2, 50, { runs: 200 })], /\(runs 100 vs 200\)/],
      ['shards of another engine', () => [part(1, 2), part(2, 2, 50, { engine: 'jsverify' })], /\(engine "fast-check" vs "jsverify"\)/],
    ];
    for (const [name, files, why] of BAD) {
      it(`${name}: exit 2, one line naming it`, async () => {
        const r = await merge(...files());
        expect(r.code).toBe(2);
        expect(r.err).toHaveLength(1);
        expect(r.err[0]).toMatch(why);
      });
    }

    it('a shard that stopped at a known failure is short, not missing cases', async () => {
      const r = await merge(part(1, 2, 20, {}, [failure('PIN_ONCE-aaaaaaaaaaaa', 39, true)]), part(2, 2));
      expect(r.code).toBe(0);
    });
  });
});
