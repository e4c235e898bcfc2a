/**
 * Two-thread campaigns with PPC HV VMs in the mix: the racy mutants are found by the fuzzer
 * itself (not by a hand-made schedule, see races-ppc.test.ts), each through the monitor of
 * the rule it breaks, and the correct impl is linearizable (model/ppc/run.ts phases).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runCampaign } from '../fuzz/campaign/campaign.js';
import { runCase } from '../fuzz/run/runner.js';
import { testCaseArb } from '../fuzz/gen/arbitraries.js';
import { builtinFactory } from '../impl/builtin.js';

/**
 * a seed from which the default two-thread campaign finds each racy mutant, and as what,
 * with SLOT_PHYS_LOCKED off (the lock rule catches the two slot_phys mutants on one thread)
 */
const RACY: Record<string, { seed: number; ids: string[] }> = {
  'get-page-unlocked': { seed: 3, ids: ['PIN_ONCE', 'NO_PIN_AFTER_UNPIN'] },
  'unpin-unlocked': { seed: 1, ids: ['PIN_ONCE', 'NO_PIN_AFTER_UNPIN'] },
  'rma-no-recheck': { seed: 4, ids: ['RMA_ONCE'] },
};

describe('two-thread campaign with PPC HV VMs', () => {
  const disabled = new Set(['SLOT_PHYS_LOCKED']);
  for (const [mutant, { seed, ids }] of Object.entries(RACY)) {
    it(`finds ${mutant} from seed ${seed} as ${ids.join(' or ')}, on two threads, replayable`, async () => {
      const cx = (await runCampaign({ factory: builtinFactory, mutant, seed, runs: 1000, disabled })).counterexample;
      expect(cx, mutant).not.toBeNull();
      expect(ids).toContain(cx!.invariant);
      expect(new Set(cx!.threads).size).toBe(2);
      expect(cx!.ops.some((op) => op.kind === 'hEnter' || op.kind === 'run')).toBe(true);
      expect(runCase(cx!, { factory: builtinFactory, mutant, disabled }).failure?.id).toBe(cx!.invariant);
      expect(runCase(cx!, { factory: builtinFactory, mutant: null }).failure).toBeNull();
    });
  }

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
