/**
 * Generators of test cases. Values are drawn from small pools around the boundaries the
 * rules care about (slot edges, paging-mode bits, unmapped gvas), operations are weighted
 * towards the ones that change MMU state, and whole lifecycles (fuzz/lifecycles.ts) come as
 * single pieces, so short cases reach deep states.
 */
import fc from 'fast-check';
import type { AllocSite, CrReg, GuestAccess, HostConfig, Op, TestCase } from '../api/ops.js';
import type { Gfn, Gva, SlotId, VcpuId, VmId } from '../api/ids.js';
import { chance, maybe } from './chance.js';
import { apfGfn, asyncPfCycle, moduleReload } from './lifecycles.js';

const vm = fc.constantFrom(0, 0, 0, 1) as fc.Arbitrary<VmId>;
const vcpu = fc.constantFrom(0, 0, 1, 2, 9) as fc.Arbitrary<VcpuId>;
const slot = fc.constantFrom(0, 1, 2, 3, 40) as fc.Arbitrary<SlotId>;
const baseGfn = fc.constantFrom(0, 8, 16, 32, 48, 60) as fc.Arbitrary<Gfn>;
const npages = fc.constantFrom(0, 4, 8, 16, 32);

/** register values around the paging-mode boundaries, plus a few the CPU refuses */
const CR_VALUES: Record<CrReg, number[]> = {
  cr0: [0x60000010, 0x1, 0x80000001, 0x80000011, 0x80000000],
  cr3: [0x0, 0x1000, 0x8000, 0x10000, 0x21000, 0x3f000],
  cr4: [0x0, 0x20, 0xa0, 0x10, 0x2000],
  efer: [0x0, 0x100, 0x900, 0x4],
};
const crWrite = fc
  .constantFrom<CrReg>('cr0', 'cr0', 'cr3', 'cr3', 'cr4', 'efer')
  .chain((reg) => fc.record({ reg: fc.constant(reg), value: fc.constantFrom(...CR_VALUES[reg]) }));

/** gvas inside and past the mapped window, at page starts and ends */
const access: fc.Arbitrary<GuestAccess | null> = maybe(
  fc.record({
    gva: fc.constantFrom(0x0, 0x1000, 0x5000, 0x8fff, 0x20000, 0x3f000, 0x40000, 0x81000) as fc.Arbitrary<Gva>,
    write: fc.boolean(),
  }),
  80,
);

/** kvm_mmu_load's topup most often; every setup and async-work allocation too */
const allocSite = fc.constantFrom<AllocSite>(
  'mmuTopup', 'mmuTopup', 'mmuTopup', 'asyncPfWork', 'vendorHardwareSetup', 'pteListDescCache', 'mmuPageHeaderCache', 'percpuCounter',
);

export const configArb: fc.Arbitrary<HostConfig> = fc.record({
  vendor: fc.constantFrom('vmx', 'svm'),
  tdp: fc.boolean(),
});

export const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('createVm' as const), vm }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('destroyVm' as const), vm }) },
  { weight: 10, arbitrary: fc.record({ kind: fc.constant('setMemoryRegion' as const), vm, slot, gfn: baseGfn, npages }) },
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('createVcpu' as const), vm, vcpu }) },
  {
    weight: 22,
    arbitrary: fc.tuple(vm, vcpu, crWrite).map(([v, c, w]): Op => ({ kind: 'setCr', vm: v, vcpu: c, reg: w.reg, value: w.value })),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('resetVcpu' as const), vm, vcpu }) },
  { weight: 28, arbitrary: fc.record({ kind: fc.constant('run' as const), vm, vcpu, access, interruptsAllowed: fc.boolean() }) },
  {
    weight: 8,
    arbitrary: fc.record({ kind: fc.constant('failAlloc' as const), site: allocSite, count: fc.integer({ min: 1, max: 3 }) }),
  },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('swapOut' as const), vm, gfn: apfGfn }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('asyncPfDone' as const), vm, vcpu, gfn: apfGfn }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('moduleUnload' as const) }) },
  { weight: 2, arbitrary: configArb.map(({ vendor, tdp }): Op => ({ kind: 'moduleLoad', vendor, tdp })) },
);

/** Pieces of a case body: mostly single operations, sometimes a whole lifecycle. */
const pieceArb: fc.Arbitrary<Op[]> = fc.oneof(
  { weight: 100, arbitrary: opArb.map((o) => [o]) },
  { weight: 20, arbitrary: asyncPfCycle },
  { weight: 4, arbitrary: moduleReload(configArb) },
);

/**
 * A VM with memory at gfn 0 and one vCPU: most cases start like this, and shrink it away.
 * Half of them also turn paging on (tables at gfn 0), so shadow paging is common too.
 */
const PRELUDE: readonly { readonly op: Op; readonly keepPercent: number }[] = [
  { op: { kind: 'createVm', vm: 0 as VmId }, keepPercent: 80 },
  { op: { kind: 'setMemoryRegion', vm: 0 as VmId, slot: 0 as SlotId, gfn: 0 as Gfn, npages: 32 }, keepPercent: 80 },
  { op: { kind: 'createVcpu', vm: 0 as VmId, vcpu: 0 as VcpuId }, keepPercent: 80 },
  { op: { kind: 'setCr', vm: 0 as VmId, vcpu: 0 as VcpuId, reg: 'cr0', value: 0x80000001 }, keepPercent: 50 },
];

export interface CaseShape {
  /** most operations after the prelude */
  readonly maxOps: number;
}

export const testCaseArb = (shape: CaseShape = { maxOps: 30 }): fc.Arbitrary<TestCase> =>
  fc
    .record({
      config: configArb,
      // each prelude op is kept with its own odds and shrinks towards being dropped
      prelude: fc.tuple(...PRELUDE.map((p) => chance(p.keepPercent))),
      body: fc.array(pieceArb, { minLength: 1, maxLength: shape.maxOps }).map((pieces) => pieces.flat().slice(0, shape.maxOps)),
    })
    .map(({ config, prelude, body }) => ({ config, ops: [...PRELUDE.filter((_, i) => prelude[i]).map((p) => p.op), ...body] }));
