import { describe, expect, it } from 'vitest';
import { runCampaign } from '../fuzz/campaign/campaign.js';
import { builtinFactory } from '../impl/builtin.js';

/** docs/SPEC.md section 4: what each mutant of seeds 001 and 002 is expected to break */
const EXPECTED: Record<string, string[]> = {
  'apf-ready-recurses': ['APF_NO_RECURSION'],
  'apf-prefault-no-reload': ['APF_PREFAULT_SAFE'],
  'apf-prefault-shadow': ['APF_PREFAULT_SAFE'],
  'masks-reset-late': ['SETUP_ORDER'],
  'setup-error-leak': ['SETUP_BALANCED'],
};

describe('campaigns against the seed 001 and 002 mutants', () => {
  it.each(Object.entries(EXPECTED))('finds %s as %j or a conformance failure, shrunk to at most 8 operations', async (mutant, ids) => {
    const r = await runCampaign({ factory: builtinFactory, mutant, seed: 1, runs: 1000 });
    expect(r.counterexample).not.toBeNull();
    expect([...ids, 'CONFORMANCE']).toContain(r.counterexample!.invariant);
    expect(r.counterexample!.ops.length).toBeLessThanOrEqual(8);
  });

  it('finds nothing in the correct implementation', async () => {
    expect((await runCampaign({ factory: builtinFactory, mutant: null, seed: 7, runs: 400 })).counterexample).toBeNull();
  });
});
