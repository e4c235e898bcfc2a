/**
 * Golden verdicts: fuzz and explore, each at a fixed seed and bound, in this process
 * (--workers 0) and in two worker processes, find the same failing case before shrinking
 * (fuzz: the stream index it was first seen at; explore: the case number of the search and
 * its operations) and the same invariant, and both match the file recorded before the
 * executor was shared (test/fixtures/golden/verdicts.json). A change to the generators or
 * the search moves these figures on purpose: regenerate the file with
 * `GOLDEN=update npx vitest run test/golden.test.ts` and say why in the commit.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from './cli-run.js';

const FILE = new URL('./fixtures/golden/verdicts.json', import.meta.url);
const UPDATE = process.env.GOLDEN === 'update';
const golden: Record<string, unknown> = UPDATE ? {} : JSON.parse(readFileSync(FILE, 'utf8'));
const seen: Record<string, unknown> = {};

/** what a run found, from its --json summary and the counterexample it wrote */
const fuzzVerdict = async (mutant: string, workers: number): Promise<unknown> => {
  const dir = mkdtempSync(join(tmpdir(), 'kvm-oracle-golden-'));
  const r = await cli('fuzz', '--seed', '7', '--runs', '150', '--mutant', mutant, '--workers', String(workers), '--shrink-time', '1ms', '--out', dir, '--json', join(dir, 's.json'));
  const s = JSON.parse(readFileSync(join(dir, 's.json'), 'utf8'));
  return { code: r.code, runs: s.runs, failures: s.failures.map((f: Record<string, unknown>) => ({ invariant: f.invariant, firstSeen: f.firstSeen })) };
};

const exploreVerdict = async (args: string[], workers: number): Promise<unknown> => {
  const dir = mkdtempSync(join(tmpdir(), 'kvm-oracle-golden-'));
  const r = await cli('explore', ...args, '--workers', String(workers), '--out', dir, '--json', join(dir, 's.json'));
  const s = JSON.parse(readFileSync(join(dir, 's.json'), 'utf8'));
  const cx = s.failure && JSON.parse(readFileSync(s.failure.file, 'utf8'));
  const found = r.out.match(/failure at depth \d+ \(case (\d+) of the search/);
  return { code: r.code, cases: s.cases, states: s.states, exhausted: s.exhausted, levels: s.levels, failure: s.failure && { invariant: s.failure.invariant, depth: s.failure.depth, caseNo: Number(found?.[1]), step: cx.step, ops: cx.ops, threads: cx.threads ?? null, preemptions: cx.preemptions ?? null } };
};

const CASES: readonly { name: string; run: (workers: number) => Promise<unknown> }[] = [
  { name: 'fuzz eager-root-alloc', run: (w) => fuzzVerdict('eager-root-alloc', w) },
  { name: 'fuzz cmpxchg-lock-leak', run: (w) => fuzzVerdict('cmpxchg-lock-leak', w) },
  { name: 'fuzz unpin-puts-rmo', run: (w) => fuzzVerdict('unpin-puts-rmo', w) },
  { name: 'explore entry-no-request-recheck', run: (w) => exploreVerdict(['--depth', '2', '--domains', 'x86-vmx-tdp', '--mutant', 'entry-no-request-recheck'], w) },
  { name: 'explore clean depth 1', run: (w) => exploreVerdict(['--depth', '1', '--domains', 'x86-svm,ppc'], w) },
];

describe('golden verdicts (fuzz and explore, any --workers)', () => {
  for (const c of CASES) {
    it(`${c.name}: the same verdict in process and in 2 workers, and the recorded one`, async () => {
      const [inProc, pooled] = [await c.run(0), await c.run(2)];
      expect(pooled).toEqual(inProc);
      seen[c.name] = inProc;
      if (!UPDATE) expect(inProc).toEqual(golden[c.name]);
      else writeFileSync(FILE, JSON.stringify(seen, null, 2) + '\n');
    }, 120_000);
  }
});
