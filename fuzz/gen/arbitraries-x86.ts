/**
 * Operations on x86 VMs: values drawn from small pools around the boundaries the rules
 * care about (slot edges, paging-mode bits, the page-table page, unmapped gvas), weighted
 * towards the operations that change MMU state, and the prelude most cases start from.
 */
import fc from 'fast-check';
import type { AllocSite, CrReg, GuestAccess, HostConfig, Op } from '../../api/ops.js';
import type { Gfn, Gva, SlotId, VcpuId, VmId } from '../../api/ids.js';
import { maybe } from './chance.js';
import { apfGfn, asyncPfCycle, moduleReload } from './lifecycles.js';
import { FULL_SWARM, regimePieceArb, type Swarm } from './swarm.js';
import {
  ACCESS_PERCENT, ALLOC_SITES, BASE_GFNS, CR_REGS, CR_VALUES, EMULATE_ACCESSES, GVAS, MAX_FAIL_COUNT, NPAGES, NR_MMU_PAGES, PIECE_WEIGHTS,
  REFUSED_VCPU, SLOT0_GFNS, SLOT0_NPAGES, SLOTS, SLOT_FLAGS, VCPU_WEIGHTS, VMS, X86_OP_WEIGHTS, kindOf, type Weighted, type X86OpShape,
} from './pools.js';

/**
 * Operations whose results the model cannot yet check against a concurrent run (they look
 * at the world at several instants and are not split into linearization phases): a case
 * with any of them runs on one thread. README: known limits.
 */
export const SEQUENTIAL_ONLY = new Set<Op['kind']>(['swapOut', 'asyncPfDone', 'moduleLoad', 'moduleUnload']);

const pool = <T>(w: Weighted<T>): fc.Arbitrary<T> => fc.oneof(...w.map(([v, weight]) => ({ weight, arbitrary: fc.constant(v) })));
const vm = pool(VMS) as fc.Arbitrary<VmId>;
const slot = fc.constantFrom(...SLOTS) as fc.Arbitrary<SlotId>;
const baseGfn = fc.constantFrom(...BASE_GFNS) as fc.Arbitrary<Gfn>;
const npages = fc.constantFrom(...NPAGES);
const slotFlags = fc.constantFrom(...SLOT_FLAGS);
const slot0Update = fc.record({ gfn: fc.constantFrom(...SLOT0_GFNS), npages: fc.constantFrom(...SLOT0_NPAGES) });
const crWrite = fc
  .constantFrom<CrReg>(...CR_REGS)
  .chain((reg) => fc.record({ reg: fc.constant(reg), value: fc.constantFrom(...CR_VALUES[reg]) }));
const gva = fc.constantFrom(...GVAS) as fc.Arbitrary<Gva>;
const access: fc.Arbitrary<GuestAccess | null> = maybe(fc.record({ gva, write: fc.boolean() }), ACCESS_PERCENT);
const allocSite = fc.constantFrom<AllocSite>(...ALLOC_SITES);

export const configArb: fc.Arbitrary<HostConfig> = fc.record({
  vendor: fc.constantFrom('vmx', 'svm'),
  tdp: fc.boolean(),
});

export const opArb = (vcpus: number, swarm: Swarm = FULL_SWARM): fc.Arbitrary<Op> => {
  // the prelude's vCPUs, one per thread, mostly; and one that KVM_CREATE_VCPU refuses
  const vcpu = fc.oneof(
    { weight: VCPU_WEIGHTS.prelude, arbitrary: fc.integer({ min: 0, max: vcpus - 1 }) },
    { weight: VCPU_WEIGHTS.refused, arbitrary: fc.constant(REFUSED_VCPU) },
  ) as fc.Arbitrary<VcpuId>;
  const k = <K extends Op['kind']>(kind: K) => fc.constant(kind);
  const arbs: Record<X86OpShape, fc.Arbitrary<Op>> = {
    createVm: fc.record({ kind: k('createVm'), vm }),
    destroyVm: fc.record({ kind: k('destroyVm'), vm }),
    setMemoryRegion: fc.record({ kind: k('setMemoryRegion'), vm, slot, gfn: baseGfn, npages, flags: slotFlags }),
    slot0Update: fc.tuple(vm, slot0Update).map(([v, u]): Op => ({ kind: 'setMemoryRegion', vm: v, slot: 0 as SlotId, gfn: u.gfn as Gfn, npages: u.npages, flags: 0 })),
    createVcpu: fc.record({ kind: k('createVcpu'), vm, vcpu }),
    setCr: fc.tuple(vm, vcpu, crWrite).map(([v, c, w]): Op => ({ kind: 'setCr', vm: v, vcpu: c, reg: w.reg, value: w.value })),
    resetVcpu: fc.record({ kind: k('resetVcpu'), vm, vcpu }),
    run: fc.record({ kind: k('run'), vm, vcpu, access, interruptsAllowed: fc.boolean() }),
    emulate: fc.record({ kind: k('emulate'), vm, vcpu, access: fc.constantFrom(...EMULATE_ACCESSES), gva }),
    translate: fc.record({ kind: k('translate'), vm, vcpu, gva }),
    getDirtyLog: fc.record({ kind: k('getDirtyLog'), vm, slot }),
    setNrMmuPages: fc.record({ kind: k('setNrMmuPages'), vm, pages: fc.constantFrom(...NR_MMU_PAGES) }),
    failAlloc: fc.record({ kind: k('failAlloc'), site: allocSite, count: fc.integer({ min: 1, max: MAX_FAIL_COUNT }) }),
    swapOut: fc.record({ kind: k('swapOut'), vm, gfn: apfGfn }),
    asyncPfDone: fc.record({ kind: k('asyncPfDone'), vm, vcpu, gfn: apfGfn }),
    moduleUnload: fc.record({ kind: k('moduleUnload') }),
    moduleLoad: configArb.map(({ vendor, tdp }): Op => ({ kind: 'moduleLoad', vendor, tdp })),
  };
  // the swarm's kinds only (it always keeps `run`, so some remain)
  return fc.oneof(...X86_OP_WEIGHTS.filter(([shape]) => swarm.kinds.has(kindOf(shape))).map(([shape, weight]) => ({ weight, arbitrary: arbs[shape] })));
};


/** Pieces of a case body: mostly single operations, sometimes a whole lifecycle. */
export const pieceArb = (vcpus: number, swarm: Swarm = FULL_SWARM): fc.Arbitrary<Op[]> => {
  const regime = regimePieceArb(swarm, vcpus);
  return fc.oneof(
    { weight: PIECE_WEIGHTS.op, arbitrary: opArb(vcpus, swarm).map((o) => [o]) },
    { weight: PIECE_WEIGHTS.asyncPfCycle, arbitrary: asyncPfCycle },
    { weight: PIECE_WEIGHTS.moduleReload, arbitrary: moduleReload(configArb) },
    ...(regime ? [{ weight: PIECE_WEIGHTS.regime, arbitrary: regime }] : []),
  );
};


/** Pieces for a case on several threads: single operations the model can check concurrently. */
export const concurrentPieceArb = (vcpus: number, swarm: Swarm = FULL_SWARM): fc.Arbitrary<Op[]> => {
  const single = opArb(vcpus, swarm)
    .filter((o) => !SEQUENTIAL_ONLY.has(o.kind))
    .map((o) => [o]);
  const regime = regimePieceArb(swarm, vcpus);
  return regime ? fc.oneof({ weight: PIECE_WEIGHTS.op, arbitrary: single }, { weight: PIECE_WEIGHTS.regime, arbitrary: regime }) : single;
};

/**
 * A VM with memory at gfn 0 and a vCPU per thread (vCPU i issues its ioctls from thread i,
 * so on several threads their runs overlap each other and the VM ioctls): most cases start
 * like this, and shrink it away. Half the vCPUs also turn paging on (tables at gfn 0), so
 * shadow paging is common too.
 */
export const prelude = (vcpus: number): readonly { readonly op: Op; readonly keepPercent: number }[] => [
  { op: { kind: 'createVm', vm: 0 as VmId }, keepPercent: 90 },
  { op: { kind: 'setMemoryRegion', vm: 0 as VmId, slot: 0 as SlotId, gfn: 0 as Gfn, npages: 32 }, keepPercent: 80 },
  ...Array.from({ length: vcpus }, (_, i) => [
    { op: { kind: 'createVcpu', vm: 0 as VmId, vcpu: i as VcpuId } as Op, keepPercent: 90 },
    { op: { kind: 'setCr', vm: 0 as VmId, vcpu: i as VcpuId, reg: 'cr0', value: 0x80000001 } as Op, keepPercent: 50 },
  ]).flat(),
];
