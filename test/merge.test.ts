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
});
