import { describe, expect, it } from 'vitest';
import { runCampaign } from '../../fuzz/campaign/campaign.js';
import { runCase } from '../../fuzz/run/runner.js';
import { FORMAT, parseCounterexample } from '../../fuzz/campaign/counterexample.js';
import { builtinFactory } from '../../impl/builtin.js';
import { MUTANT_NAMES, MUTANT_RECORDS } from '../../impl/mutants.js';

/** the PPC mutants one thread finds (impl/mutants.ts; test/mutants.test.ts finds each from seed 1) */
const SEQUENTIAL = MUTANT_NAMES.filter((n) => MUTANT_RECORDS[n].seed === '004' && MUTANT_RECORDS[n].threads === 1 && !('without' in MUTANT_RECORDS[n]));

describe('fuzz campaign with PPC HV VMs in the mix', () => {
  for (const mutant of SEQUENTIAL) {
    const ids: readonly string[] = MUTANT_RECORDS[mutant].foundAs;
    it(`finds ${mutant} from seeds 2 to 5 as ${ids.join(' or ')}, shrunk and replayable`, async () => {
      for (const seed of [2, 3, 4, 5]) {
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
    for (const mutant of SEQUENTIAL) {
      const ids: readonly string[] = MUTANT_RECORDS[mutant].foundAs;
      const cx = (await runCampaign({ factory: builtinFactory, mutant, seed: 1, runs: 1000 })).counterexample;
      expect(ids).toContain(cx?.invariant);
      expect(cx!.ops.length).toBeLessThanOrEqual(8);
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
