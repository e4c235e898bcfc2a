import { afterAll, describe, expect, it } from 'vitest';
import { builtinFactory } from '../../impl/builtin.js';
import { runCampaign } from '../../fuzz/campaign/campaign.js';
import { ExecFactory } from '../../fuzz/impl/exec.js';

const cli = new URL('../../bin/kvm-oracle.js', import.meta.url).pathname;
const served = new ExecFactory(`${JSON.stringify(process.execPath)} ${JSON.stringify(cli)} serve`);
afterAll(() => served.dispose());

describe('the built-in implementation behind the protocol (kvm-oracle serve) reaches the in-process verdicts', () => {
  const cases: [string, number][] = [['svm-no-reload', 1], ['cmpxchg-lock-leak', 2], ['rma-no-recheck', 4]];
  for (const [mutant, seed] of cases) {
    it(`${mutant}, seed ${seed}: the same invariant, and the shrunk case within one operation`, async () => {
      const local = (await runCampaign({ factory: builtinFactory, mutant, seed, runs: 2000 })).counterexample;
      const remote = (await runCampaign({ factory: served, mutant, seed, runs: 2000 })).counterexample;
      expect(local?.invariant).toBeDefined();
      expect(remote?.invariant).toBe(local?.invariant);
      expect(Math.abs(remote!.ops.length - local!.ops.length)).toBeLessThanOrEqual(1);
    }, 120_000);
  }
  it('the correct implementation passes over the protocol too', async () => {
    expect((await runCampaign({ factory: served, mutant: null, seed: 3, runs: 150 })).counterexample).toBeNull();
  }, 120_000);
});
