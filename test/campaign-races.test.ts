/**
 * Two-thread campaigns with PPC HV VMs in the mix: the generator puts a PPC VM's vCPUs on
 * both threads, and the correct impl is linearizable (model/ppc/run.ts phases). That the
 * fuzzer itself finds the racy mutants (not a hand-made schedule, see races-ppc.test.ts)
 * is test/mutants.test.ts, from the records of impl/mutants.ts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runCampaign } from '../fuzz/campaign/campaign.js';
import { testCaseArb } from '../fuzz/gen/arbitraries.js';
import { builtinFactory } from '../impl/builtin.js';

describe('two-thread campaign with PPC HV VMs', () => {
  it('generates PPC cases whose vCPUs run on both threads', () => {
    const cases = fc.sample(testCaseArb(), { seed: 1, numRuns: 200 });
    const ppc = cases.filter((tc) => tc.ops.some((op) => op.kind === 'createVm' && op.ppc));
    const hEnterThreads = (tc: (typeof cases)[number]) => new Set(tc.ops.flatMap((op, i) => (op.kind === 'hEnter' ? [tc.threads![i]] : [])));
    expect(ppc.filter((tc) => hEnterThreads(tc).size === 2).length).toBeGreaterThan(10);
  });

  it('finds no failure in the correct impl on a two-thread campaign', async () => {
    const r = await runCampaign({ factory: builtinFactory, mutant: null, seed: 7, runs: 400 });
    expect(r.counterexample, r.counterexample?.message).toBeNull();
    expect(r.runs).toBe(400);
  });
});
