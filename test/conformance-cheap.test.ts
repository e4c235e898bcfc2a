/**
 * The cheap state comparison (oracle/conformance.ts sameValue, model/abstract.ts reusing
 * the abstraction of model objects a step left alone) must never miss a difference the
 * full comparison (firstDifference) sees: it agrees with it on any pair of values, and a
 * divergence planted in each abstract-state part is reported, after the operation it was
 * planted at, as a difference in that part.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ABSTRACT_PARTS, type AbstractPart, type AbstractState, type AbstractVm } from '../api/abstract.js';
import type { ImplementationFactory } from '../api/implementation.js';
import type { TestCase } from '../api/ops.js';
import { firstDifference, sameValue } from '../oracle/conformance.js';
import { runCase } from '../fuzz/run/runner.js';
import { builtinFactory, BuiltinKvm } from '../impl/builtin.js';
import { abstractModel } from '../model/abstract.js';
import { BASIC, VMX, op, runModel } from './helpers.js';
import { TWO_SLOTS, ppc } from './helpers-ppc.js';

/** values with the shapes states have, and the near misses a buggy impl makes */
const value = fc.letrec((tie) => ({
  leaf: fc.oneof(fc.integer({ min: -2, max: 2 }), fc.constantFrom(0, -0, NaN, undefined, null, true, false, 'a', '')),
  node: fc.oneof({ depthSize: 'small' }, tie('leaf'), fc.array(tie('node'), { maxLength: 3 }), fc.dictionary(fc.constantFrom('a', 'b', 'c'), tie('node'), { maxKeys: 3 })),
})).node;

describe('sameValue agrees with firstDifference', () => {
  it('on random pairs, on a value and its copy, and on arbitrary values', () => {
    const agree = (a: unknown, b: unknown): void => {
      expect(sameValue(a, b)).toBe(firstDifference(a, b) === null);
    };
    fc.assert(fc.property(value, value, (a, b) => agree(a, b)), { numRuns: 3000 });
    fc.assert(fc.property(value, (a) => agree(a, structuredClone(a))), { numRuns: 500 });
    fc.assert(fc.property(fc.anything(), fc.anything(), (a, b) => agree(a, b)), { numRuns: 1000 });
    // the edge cases firstDifference settles by its key walk
    for (const [a, b] of [[[1], [1, undefined]], [{ a: undefined }, {}], [[], {}], [NaN, NaN], [0, -0], [[undefined], [null]]] as const) agree(a, b);
  });
});

type Plant = (s: AbstractState) => AbstractState;
const onVm0 = (f: (vm: AbstractVm) => AbstractVm): Plant => (s) => ({ ...s, vms: s.vms.map((vm, i) => (i === 0 ? f(vm) : vm)) });
const onVcpu0 = (f: (v: AbstractVm['vcpus'][number]) => AbstractVm['vcpus'][number]): Plant => onVm0((vm) => ({ ...vm, vcpus: vm.vcpus.map((v, i) => (i === 0 ? f(v) : v)) }));

const X86: TestCase = { config: VMX, ops: [...BASIC, op.swapOut(5), op.runIf(0x5000), op.setCr('cr3', 0x3000), op.slot(1, 64, 8), op.swapOut(6), op.run()] };
const PPC: TestCase = { config: VMX, ops: [...TWO_SLOTS, ppc.run(), ppc.vcpu(1), ppc.run(1), ppc.slot(2, 4, 1)] };

/** for each part: the case, how to plant a divergence in it, and the path the report names */
const PLANTS: Record<AbstractPart, { tc: TestCase; plant: Plant; kind: string }> = {
  host: { tc: X86, plant: (s) => ({ ...s, host: { loaded: false } }), kind: 'state host' },
  vms: { tc: X86, plant: (s) => ({ ...s, vms: [...s.vms, { ...s.vms[0]!, vm: 7 as AbstractVm['vm'] }] }), kind: 'state vms' },
  slots: { tc: X86, plant: onVm0((vm) => ({ ...vm, slots: vm.slots.map((sl) => ({ ...sl, npages: sl.npages + 1 })) })), kind: 'state vms.slots' },
  nrMmuPages: { tc: X86, plant: onVm0((vm) => ({ ...vm, nrMmuPages: vm.nrMmuPages + 1 })), kind: 'state vms.nrMmuPages' },
  vcpus: { tc: X86, plant: onVm0((vm) => ({ ...vm, vcpus: vm.vcpus.slice(1) })), kind: 'state vms.vcpus' },
  registers: { tc: X86, plant: onVcpu0((v) => ({ ...v, cr4: v.cr4 ^ 0x80 })), kind: 'state vms.vcpus' },
  asyncPf: { tc: X86, plant: onVcpu0((v) => ({ ...v, asyncPf: [...v.asyncPf, 9 as (typeof v.asyncPf)[number]] })), kind: 'state vms.vcpus' },
  swappedOut: { tc: X86, plant: onVm0((vm) => ({ ...vm, swappedOut: vm.swappedOut.slice(0, -1) })), kind: 'state vms.swappedOut' },
  ppc: { tc: PPC, plant: onVm0((vm) => ({ ...vm, ppc: { ...vm.ppc!, hptes: [...vm.ppc!.hptes, { index: 99, gpa: 0 }] } })), kind: 'state vms.ppc' },
};

/** the built-in impl, its abstract state changed by `plant` from operation `from` on */
const planted = (plant: Plant, from: number): ImplementationFactory => ({
  name: 'planted',
  capabilities: builtinFactory.capabilities,
  create: (c) => {
    const k = new BuiltinKvm(c, null);
    let done = 0;
    return {
      apply: (o, tid) => {
        done++;
        return k.apply(o, tid);
      },
      drainEvents: () => k.drainEvents(),
      abstract: () => (done > from ? plant(k.abstract()) : k.abstract()),
    };
  },
});

describe('a divergence planted in each abstract-state part', () => {
  it('covers every part', () => expect(Object.keys(PLANTS).sort()).toEqual([...ABSTRACT_PARTS].sort()));

  for (const part of ABSTRACT_PARTS) {
    const { tc, plant, kind } = PLANTS[part];
    it(`${part}: reported as a state difference at the operation it was planted in`, () => {
      expect(runCase(tc, { factory: builtinFactory, mutant: null }).failure).toBeNull();
      // the plant must change the state the impl shows at every step it is planted in
      const { state } = runModel([...tc.ops], tc.config);
      expect(sameValue(plant(abstractModel(state)), abstractModel(state))).toBe(false);
      for (const from of [tc.ops.length - 1, tc.ops.length - 3]) {
        const r = runCase(tc, { factory: planted(plant, from), mutant: null });
        expect(r.failure).toMatchObject({ id: 'CONFORMANCE', step: from });
        expect(r.failure!.reason!.startsWith(kind)).toBe(true);
        // and, compared only at the end, it is still seen
        expect(runCase(tc, { factory: planted(plant, from), mutant: null, eachState: false }).failure).toMatchObject({ id: 'CONFORMANCE', reason: r.failure!.reason });
      }
    });
  }
});

describe('the model abstraction reused across steps', () => {
  it('equals one made afresh after every step of a case', () => {
    const ops = [...BASIC, op.createVm(1), op.slot(0, 0, 8, 1), op.swapOut(3), op.runIf(0x3000), op.setCr('cr3', 0x2000), op.apfDone(3), op.slot(0, 0, 0), op.destroyVm(1)];
    for (let n = 0; n <= ops.length; n++) {
      const s = runModel(ops.slice(0, n)).state;
      const before = structuredClone(abstractModel(s));
      // a fresh copy of the state shares no object with the cache
      const fresh = abstractModel({ ...s, host: { ...s.host }, vms: new Map([...s.vms].map(([id, vm]) => [id, { ...vm }])) });
      expect(abstractModel(s)).toEqual(fresh);
      expect(abstractModel(s)).toEqual(before);
    }
  });
});
