import { describe, expect, it } from 'vitest';
import { builtinFactory } from '../../impl/builtin.js';
import { MUTANTS } from '../../impl/mutants.js';
import { runCampaign } from '../../fuzz/campaign/campaign.js';
import { bugOf, failureSignature } from '../../fuzz/campaign/signature.js';
import { expectOneMinimal } from '../one-minimal.js';

/** seeds 1..5; KVM_ORACLE_LONG_SEEDS=1,2 (what .ci/run sets, to keep CI short) takes fewer */
const SEEDS = (process.env['KVM_ORACLE_LONG_SEEDS'] ?? '1,2,3,4,5').split(',').map(Number);

describe(`every public mutant on seeds ${SEEDS.join(', ')}`, () => {
  it.each(Object.keys(MUTANTS))('%s: one signature per rule broken (not per seed or failing operation), each counterexample 1-minimal', async (mutant) => {
    const sigs = new Set<string>();
    const rules = new Set<string>();
    for (const seed of SEEDS) {
      const r = await runCampaign({ factory: builtinFactory, mutant, seed, runs: 2000, vcpus: 2, shrinkTimeMs: 900_000 });
      if (!r.counterexample) continue; // some are found only on some seeds
      expect(r.shrinkCut).toBeNull();
      sigs.add(failureSignature(r.counterexample));
      const b = bugOf(r.counterexample);
      rules.add(`${b.invariant} (${b.reason})`);
      expectOneMinimal(r.counterexample, builtinFactory, mutant);
    }
    // a race mutant may break two rules (get-page-unlocked: a lost reference, or a pin after
    // unpin): two bugs, two signatures; never two signatures for one rule broken one way
    expect(sigs.size, [...sigs].join(' ')).toBe(rules.size);
    expect(rules.size, [...rules].join(', ')).toBeLessThanOrEqual(2);
  });

  it('the signature does not depend on the engine', async () => {
    const [fc, jsv] = await Promise.all((['fast-check', 'jsverify'] as const).map((engine) => runCampaign({ factory: builtinFactory, mutant: 'svm-no-reload', seed: 2, runs: 500, engine })));
    expect(failureSignature(jsv!.counterexample!)).toBe(failureSignature(fc!.counterexample!));
  });
});
