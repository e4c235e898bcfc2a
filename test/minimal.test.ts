import { describe, expect, it } from 'vitest';
import type { ImplementationFactory } from '../api/implementation.js';
import type { TestCase } from '../api/ops.js';
import { builtinFactory } from '../impl/builtin.js';
import { runCampaign } from '../fuzz/campaign/campaign.js';
import { runCase } from '../fuzz/run/runner.js';
import { expectOneMinimal } from './one-minimal.js';
import { ddmin } from '../fuzz/shrink/ddmin.js';
import { minimize } from '../fuzz/shrink/minimize.js';
import { TestCaseSchema } from '../api/case.js';
import { check } from '../api/validate.js';

describe('ddmin', () => {
  it('finds the one failure-inducing pair in a list, and the result is 1-minimal', async () => {
    const tried: number[][] = [];
    const fails = async (xs: readonly number[]) => (tried.push([...xs]), xs.includes(3) && xs.includes(11));
    expect(await ddmin([...Array(16).keys()], fails)).toEqual([3, 11]);
    expect(tried.length).toBeLessThan(60);
  });

  it('stops when told, keeping a failing list', async () => {
    let n = 0;
    const r = await ddmin([...Array(16).keys()], async (xs) => xs.includes(5), () => ++n > 2);
    expect(r).toContain(5);
    expect(r.length).toBeGreaterThan(1);
  });
});

describe('minimize', () => {
  it('never makes a value the schema refuses, even when the implementation would still fail on it', async () => {
    const tc = { config: { vendor: 'vmx', tdp: false }, ops: [{ kind: 'createVm', vm: 0, ppc: { cpu: 'power7', ramPorder: 24 } }, { kind: 'createVcpu', vm: 0, vcpu: 3 }] } as unknown as TestCase;
    expect(check(TestCaseSchema, tc).ok).toBe(true);
    const asked: TestCase[] = [];
    const { tc: small } = await minimize(tc, async (c) => (asked.push(c), c.ops.some((o) => o.kind === 'createVm' && 'ppc' in o && o.ppc !== undefined)));
    expect(check(TestCaseSchema, small).ok).toBe(true);
    expect([16, 24]).toContain((small.ops[0] as { ppc: { ramPorder: number } }).ppc.ramPorder);
    // every candidate the implementation was asked about is one the schema takes
    expect(asked.length).toBeGreaterThan(0);
    for (const c of asked) expect(check(TestCaseSchema, c).ok).toBe(true);
  });
});

describe('minimal counterexamples', () => {
  it.each([
    ['svm-no-reload', 1],
    ['eager-root-alloc', 5],
    ['cmpxchg-lock-leak', 2],
  ] as const)('%s on seed %i: removing any one operation no longer fails the same way', async (mutant, seed) => {
    const r = await runCampaign({ factory: builtinFactory, mutant, seed, runs: 500 });
    expect(r.counterexample).not.toBeNull();
    expectOneMinimal(r.counterexample!, builtinFactory, mutant);
  });

  it('a hang: an implementation whose KVM_TRANSLATE never finishes is cut to the operation that hangs', async () => {
    const spins: ImplementationFactory = {
      name: 'spins-on-translate',
      capabilities: { ...builtinFactory.capabilities, mutants: [] },
      create(config) {
        const inner = builtinFactory.create(config, null);
        return {
          apply: (op, tid) => inner.apply(op, tid),
          begin: (tid, op) => (op.kind === 'translate' ? { step: () => ({ done: false, point: { at: 'preempt' } }) } : inner.begin!(tid, op)),
          drainEvents: () => inner.drainEvents(),
          abstract: () => inner.abstract(),
        };
      },
    };
    // a hand-made case: translate needs a VM and a vCPU; everything else is noise
    const noise: TestCase = {
      config: { vendor: 'vmx', tdp: true },
      ops: [
        { kind: 'createVm', vm: 2 as never },
        { kind: 'setMemoryRegion', vm: 2 as never, slot: 3 as never, gfn: 16 as never, npages: 4 },
        { kind: 'createVcpu', vm: 2 as never, vcpu: 1 as never },
        { kind: 'setCr', vm: 2 as never, vcpu: 1 as never, reg: 'cr0', value: 0x80000001 },
        { kind: 'translate', vm: 2 as never, vcpu: 1 as never, gva: 0x5123 as never },
        { kind: 'run', vm: 2 as never, vcpu: 1 as never, access: null },
      ],
      threads: [0, 0, 0, 1, 1, 0],
      preemptions: [],
    };
    const stillFails = async (tc: TestCase) => runCase(tc, { factory: spins, mutant: null, mode: 'stepped' }).failure?.id === 'IMPL_HANG';
    expect(await stillFails(noise)).toBe(true);
    const m = await minimize(noise, stillFails);
    expect(m.cut).toBe(false);
    expect(m.tc.ops.map((o) => o.kind)).toEqual(['translate']);
    expect(m.tc.threads).toBeUndefined();
  });
});
