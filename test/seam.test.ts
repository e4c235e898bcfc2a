import { describe, expect, it } from 'vitest';
import type { ImplementationFactory } from '../api/implementation.js';
import { builtinFactory, BuiltinKvm } from '../impl/builtin.js';
import { runCampaign } from '../fuzz/campaign/campaign.js';
import { runCase } from '../fuzz/run/runner.js';
import { reachOf } from '../fuzz/gen/reach.js';
import { BASIC, VMX, op } from './helpers.js';

/**
 * the built-in implementation with its stepping hidden and deaf to the harness thread:
 * whole operations only, through apply(), its lock events all saying thread 0
 */
const unstepped: ImplementationFactory = {
  name: 'unstepped',
  capabilities: { ...builtinFactory.capabilities, stepping: false },
  create: (c, m) => {
    const k = new BuiltinKvm(c, m);
    return { apply: (o) => k.apply(o), drainEvents: () => k.drainEvents(), abstract: () => k.abstract() };
  },
};
// injected failures belong to the thread that armed them, which this one cannot know
const noFaults = reachOf(unstepped.capabilities, 'unstepped', undefined, ['failAlloc']);

describe('the seam: any implementation behind the same runner', () => {
  it('runs an implementation that cannot be stepped on two threads without false lock reports', async () => {
    const r = await runCampaign({ factory: unstepped, mutant: null, seed: 5, runs: 300, vcpus: 2, reach: noFaults });
    expect(r.counterexample).toBeNull();
    // and still finds what whole operations can show
    const m = await runCampaign({ factory: unstepped, mutant: 'walk-unlocked', seed: 1, runs: 2000, vcpus: 2, reach: noFaults });
    expect(m.counterexample?.invariant).toBe('LOCK_HELD');
  });

  it('compares the state after every operation: wrong after one, right at the end, fails there', () => {
    // reports one slot too many after the operation at index 1, and the truth otherwise
    let calls = 0;
    const liar: ImplementationFactory = {
      name: 'liar',
      capabilities: builtinFactory.capabilities,
      create: (c) => {
        const k = new BuiltinKvm(c, null);
        calls = 0;
        return {
          apply: (o, tid) => k.apply(o, tid),
          begin: (tid, o) => k.begin(tid, o),
          drainEvents: () => k.drainEvents(),
          abstract: () => {
            const s = k.abstract();
            return calls++ !== 1 ? s : { ...s, vms: s.vms.map((vm) => ({ ...vm, nrMmuPages: vm.nrMmuPages + 1 })) };
          },
        };
      },
    };
    const tc = { config: VMX, ops: [...BASIC, op.run()] };
    expect(runCase(tc, { factory: builtinFactory, mutant: null }).failure).toBeNull();
    expect(runCase(tc, { factory: liar, mutant: null }).failure).toMatchObject({ id: 'CONFORMANCE', step: 1, message: expect.stringMatching(/nrMmuPages/) });
  });

  it('generates only the operations an implementation supports, and only its hosts and platforms', async () => {
    const few: ImplementationFactory = {
      ...unstepped,
      capabilities: { ...unstepped.capabilities, ops: ['createVm', 'createVcpu', 'setMemoryRegion', 'run', 'moduleLoad', 'moduleUnload'], configs: [{ vendor: 'svm', tdp: true }], platforms: ['x86'] },
    };
    const seen = new Set<string>();
    const hosts = new Set<string>();
    const spy: ImplementationFactory = {
      ...few,
      create: (c, m) => {
        hosts.add(JSON.stringify(c));
        const impl = few.create(c, m);
        return { ...impl, apply: (o, tid) => (seen.add(o.kind === 'moduleLoad' ? `moduleLoad:${o.vendor}:${o.tdp}` : o.kind), impl.apply(o, tid)) };
      },
    };
    const r = await runCampaign({ factory: spy, mutant: null, seed: 2, runs: 200, vcpus: 2, reach: reachOf(few.capabilities, 'few', undefined, ['moduleUnload']) });
    expect(r.counterexample).toBeNull();
    expect([...hosts]).toEqual(['{"vendor":"svm","tdp":true}']);
    for (const k of seen) expect(['createVm', 'createVcpu', 'setMemoryRegion', 'run', 'moduleLoad:svm:true']).toContain(k);
    expect(seen.has('run')).toBe(true);
  });

  it('refuses --ops naming an operation the implementation lacks, or none at all', () => {
    expect(() => reachOf({ ...builtinFactory.capabilities, ops: ['createVm'] }, 'x', ['swapOut'])).toThrow(/x does not support swapOut/);
    expect(() => reachOf(builtinFactory.capabilities, 'x', ['reboot'])).toThrow(/unknown operation "reboot"/);
    expect(() => reachOf(builtinFactory.capabilities, 'x', ['createVm'], ['createVm'])).toThrow(/no operation left/);
  });
});

describe('an in-process implementation that throws where the runner does not expect it', () => {
  const broken = (what: 'abstract' | 'drain' | 'undefined'): ImplementationFactory => ({
    name: `broken-${what}`,
    capabilities: { ...builtinFactory.capabilities, stepping: false },
    create: (c) => {
      const k = new BuiltinKvm(c, null);
      return {
        apply: (o, tid) => (what === 'undefined' && o.kind === 'createVcpu' ? (undefined as never) : k.apply(o, tid)),
        drainEvents: () => {
          if (what === 'drain') throw new Error('drain exploded');
          return k.drainEvents();
        },
        abstract: () => {
          if (what === 'abstract') throw new Error('abstract exploded');
          return k.abstract();
        },
      };
    },
  });
  for (const [what, message] of [['abstract', /abstract\(\) threw: abstract exploded/], ['drain', /drainEvents\(\) threw: drain exploded/], ['undefined', /returned no result/]] as const) {
    it(`${what}: IMPL_CRASH with a counterexample, not an exception`, async () => {
      const r = await runCampaign({ factory: broken(what), mutant: null, seed: 1, runs: 50, vcpus: 1 });
      expect(r.counterexample).toMatchObject({ invariant: 'IMPL_CRASH', message: expect.stringMatching(message) });
    });
  }
});
