import { describe, expect, it } from 'vitest';
import { runCampaign } from '../fuzz/campaign/campaign.js';
import { builtinFactory } from '../impl/builtin.js';

// what each mutant is found as: test/mutants.test.ts, from the records of impl/mutants.ts
describe('fuzz campaign', () => {
  it('finds no failure in the correct implementation', async () => {
    for (const seed of [1, 2, 3]) {
      const r = await runCampaign({ factory: builtinFactory, mutant: null, seed, runs: 300 });
      expect(r.counterexample, `seed ${seed}: ${r.counterexample?.message}`).toBeNull();
      expect(r.runs).toBe(300);
    }
  });

  it('is deterministic: the same seed gives the same counterexample', async () => {
    const a = await runCampaign({ factory: builtinFactory, mutant: 'eager-root-alloc', seed: 7, runs: 1000 });
    const b = await runCampaign({ factory: builtinFactory, mutant: 'eager-root-alloc', seed: 7, runs: 1000 });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
  });
});
