/**
 * One table-driven test for every mutant, from its record (impl/mutants.ts): a campaign on
 * as many threads as the record says finds it as the record says, shrunk, replayable, and
 * passing on the correct impl; a race is not found on one thread; and docs/MUTANTS.md shows
 * the records as they are.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCampaign } from '../fuzz/campaign/campaign.js';
import { runCase } from '../fuzz/run/runner.js';
import { builtinFactory } from '../impl/builtin.js';
import { MUTANT_NAMES, MUTANT_RECORDS, flagOf, mutantFlags, type Mutant } from '../impl/mutants.js';
import { MUTANT_TABLE_BEGIN, MUTANT_TABLE_END, mutantTable } from '../impl/mutants-doc.js';
import { INVARIANT_IDS } from '../oracle/monitors/index.js';

/** the largest shrunk case: a race keeps its interleaving (a VM ioctl on the other thread cannot shrink onto the first) */
const MAX_OPS = { 1: 8, 2: 14 } as const;

const found = async (mutant: string, threads: 1 | 2, disabled: ReadonlySet<string>, runs: number) =>
  (await runCampaign({ factory: builtinFactory, mutant, seed: 1, runs, vcpus: threads, disabled })).counterexample;

describe.each(MUTANT_NAMES)('mutant %s', (name) => {
  const m: Mutant = MUTANT_RECORDS[name];
  const ways = [{ off: new Set<string>(), foundAs: m.foundAs, threads: m.threads }, ...(m.without ? [{ off: new Set([m.without.monitor]), ...m.without }] : [])];

  it.each(ways.map((w) => [[...w.off].join(',') || 'every monitor on', w] as const))('%s: found as the record says, shrunk, replayable, not on fewer threads', async (_, w) => {
    const cx = await found(name, w.threads, w.off, 2000);
    expect(cx, 'not found from seed 1 in 2000 runs').not.toBeNull();
    expect(w.foundAs).toContain(cx!.invariant);
    expect(cx!.ops.length).toBeLessThanOrEqual(MAX_OPS[w.threads]);
    expect(runCase(cx!, { factory: builtinFactory, mutant: name, disabled: w.off }).failure?.id).toBe(cx!.invariant);
    expect(runCase(cx!, { factory: builtinFactory, mutant: null }).failure).toBeNull();
    if (w.threads === 2) expect(new Set(cx!.threads).size).toBe(2);
    if (w.threads === 2) expect((await found(name, 1, w.off, 300))?.invariant ?? null).toBeNull();
  });
});

describe('the mutant records', () => {
  it('name invariants that exist, one flag each', () => {
    for (const n of MUTANT_NAMES) {
      const m: Mutant = MUTANT_RECORDS[n];
      for (const id of [...m.foundAs, ...(m.without?.foundAs ?? [])]) expect([...INVARIANT_IDS, 'CONFORMANCE']).toContain(id);
      expect(mutantFlags(n)[flagOf(n)]).toBe(true);
      expect(Object.values(mutantFlags(n)).filter(Boolean)).toHaveLength(1);
    }
    expect(Object.values(mutantFlags(null)).some(Boolean)).toBe(false);
  });

  it('are the table of docs/MUTANTS.md (node scripts/check-table.mjs rewrites it)', () => {
    const doc = readFileSync(new URL('../docs/MUTANTS.md', import.meta.url), 'utf8');
    const section = doc.slice(doc.indexOf(MUTANT_TABLE_BEGIN), doc.indexOf(MUTANT_TABLE_END) + MUTANT_TABLE_END.length);
    expect(section).toBe(mutantTable());
  });
});
