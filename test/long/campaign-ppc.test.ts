import { describe, expect, it } from 'vitest';
import { runCampaign } from '../../fuzz/campaign/campaign.js';
import { runCase } from '../../fuzz/run/runner.js';
import { FORMAT, parseCounterexample } from '../../fuzz/campaign/counterexample.js';
import { builtinFactory } from '../../impl/builtin.js';

/** docs/SPEC.md section 4: the PPC mutants a sequential campaign must find, and as what */
const SEQUENTIAL: Record<string, string[]> = {
  'eager-pin': ['LAZY_PIN', 'CONFORMANCE'],
  'unpin-puts-rmo': ['RMO_NEVER_PUT'],
};
/** these need two vCPU threads: one thread cannot open their windows (test/races-ppc.test.ts) */
const RACY = ['get-page-unlocked', 'unpin-unlocked', 'rma-no-recheck'];

describe('fuzz campaign with PPC HV VMs in the mix', () => {
  for (const [mutant, ids] of Object.entries(SEQUENTIAL)) {
    it(`finds ${mutant} from seeds 1 to 5 as ${ids.join(' or ')}, shrunk and replayable`, async () => {
      for (const seed of [1, 2, 3, 4, 5]) {
        const cx = (await runCampaign({ factory: builtinFactory, mutant, seed, runs: 1000, vcpus: 1 })).counterexample;
        expect(cx, `seed ${seed}`).not.toBeNull();
        expect(ids).toContain(cx!.invariant);
        expect(cx!.ops.length).toBeLessThanOrEqual(6);
        expect(runCase(cx!, { factory: builtinFactory, mutant }).failure?.id).toBe(cx!.invariant);
        expect(runCase(cx!, { factory: builtinFactory, mutant: null }).failure).toBeNull();
      }
    });
  }

  it('finds them with two threads too (a VM ioctl on the other thread cannot shrink onto the first)', async () => {
    for (const [mutant, ids] of Object.entries(SEQUENTIAL)) {
      const cx = (await runCampaign({ factory: builtinFactory, mutant, seed: 1, runs: 1000 })).counterexample;
      expect(ids).toContain(cx?.invariant);
      expect(cx!.ops.length).toBeLessThanOrEqual(8);
    }
  });

  it('does not find the racy mutants with one thread, but for the lock rule', async () => {
    // SLOT_PHYS_LOCKED sees the missing slot_phys_lock without a race; the race itself needs two threads
    const disabled = new Set(['SLOT_PHYS_LOCKED']);
    for (const mutant of RACY) expect((await runCampaign({ factory: builtinFactory, mutant, seed: 1, runs: 300, vcpus: 1, disabled })).counterexample, mutant).toBeNull();
    for (const mutant of ['get-page-unlocked', 'unpin-unlocked']) {
      expect((await runCampaign({ factory: builtinFactory, mutant, seed: 1, runs: 300, vcpus: 1 })).counterexample?.invariant, mutant).toBe('SLOT_PHYS_LOCKED');
    }
  });

  it('is deterministic for a PPC counterexample', async () => {
    const a = await runCampaign({ factory: builtinFactory, mutant: 'unpin-puts-rmo', seed: 4, runs: 1000 });
    const b = await runCampaign({ factory: builtinFactory, mutant: 'unpin-puts-rmo', seed: 4, runs: 1000 });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
  });
});

describe('counterexample files', () => {
  const file = (ops: object[]) => JSON.stringify({ format: FORMAT, invariant: 'CONFORMANCE', seed: 1, implementation: 'builtin', mutant: null, config: { vendor: 'vmx', tdp: false }, ops });
  it('accepts files without PPC fields (x86 VMs) and files with the PPC operations', () => {
    expect(parseCounterexample(file([{ kind: 'createVm', vm: 0 }])).ops).toHaveLength(1);
    const ops = [
      { kind: 'createVm', vm: 0, ppc: { cpu: 'power7', ramPorder: 24 } },
      { kind: 'mapHostMemory', vm: 0, slot: 0, pageShift: 24, pages: 1 },
      { kind: 'unmapHostMemory', vm: 0, slot: 0 },
      { kind: 'allocRma', vm: 0, slot: 0 },
      { kind: 'hEnter', vm: 0, vcpu: 0, pteIndex: 0, exact: false, gpa: 0, pageShift: 24 },
    ];
    expect(parseCounterexample(file(ops)).ops).toHaveLength(5);
  });
});
