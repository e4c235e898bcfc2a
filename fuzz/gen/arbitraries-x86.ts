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

/**
 * Operations whose results the model cannot yet check against a concurrent run (they look
 * at the world at several instants and are not split into linearization phases): a case
 * with any of them runs on one thread. README: known limits.
 */
export const SEQUENTIAL_ONLY = new Set<Op['kind']>(['swapOut', 'asyncPfDone', 'moduleLoad', 'moduleUnload']);

/** vm 0 (the prelude's) mostly; vm 1 for a second VM, or for an ioctl on one that does not exist */
const vm = fc.oneof({ weight: 6, arbitrary: fc.constant(0) }, fc.constant(1)) as fc.Arbitrary<VmId>;
const slot = fc.constantFrom(0, 0, 0, 1, 2, 3, 40) as fc.Arbitrary<SlotId>;
const baseGfn = fc.constantFrom(0, 8, 16, 32, 48, 60) as fc.Arbitrary<Gfn>;
/** 0 deletes; 32 matches the prelude's slot, so a new gfn moves it: both zap every root */
const npages = fc.constantFrom(0, 0, 4, 8, 16, 32, 32);
const slotFlags = fc.constantFrom(0, 0, 1, 1, 2);
/**
 * An update of the prelude's slot 0 (gfn 0, 32 pages) that KVM accepts: deleted, moved,
 * or created again where it was. Each zaps every root of the VM, which is what running
 * vCPUs on other threads must notice before they enter.
 */
const slot0Update = fc.record({ gfn: fc.constantFrom(0, 16, 32), npages: fc.constantFrom(0, 32) });

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

/** gvas inside and past the mapped window; gva 0 is the page-table page under paging */
const gva = fc.constantFrom(0x0, 0x1000, 0x5000, 0x8fff, 0x20000, 0x3f000, 0x40000, 0x81000) as fc.Arbitrary<Gva>;
const access: fc.Arbitrary<GuestAccess | null> = maybe(fc.record({ gva, write: fc.boolean() }), 80);

/** kvm_mmu_load's topup most often; every setup and async-work allocation too */
const allocSite = fc.constantFrom<AllocSite>(
  'mmuTopup', 'mmuTopup', 'mmuTopup', 'asyncPfWork', 'vendorHardwareSetup', 'pteListDescCache', 'mmuPageHeaderCache', 'percpuCounter',
);

export const configArb: fc.Arbitrary<HostConfig> = fc.record({
  vendor: fc.constantFrom('vmx', 'svm'),
  tdp: fc.boolean(),
});

export const opArb = (vcpus: number, swarm: Swarm = FULL_SWARM): fc.Arbitrary<Op> => {
  // the prelude's vCPUs, one per thread, mostly; and one that KVM_CREATE_VCPU refuses
  const vcpu = fc.oneof(
    { weight: 8, arbitrary: fc.integer({ min: 0, max: vcpus - 1 }) },
    fc.constant(9),
  ) as fc.Arbitrary<VcpuId>;
  const k = <K extends Op['kind']>(kind: K) => fc.constant(kind);
  const entries: [Op['kind'], number, fc.Arbitrary<Op>][] = [
    ['createVm', 5, fc.record({ kind: k('createVm'), vm })],
    ['destroyVm', 2, fc.record({ kind: k('destroyVm'), vm })],
    ['setMemoryRegion', 10, fc.record({ kind: k('setMemoryRegion'), vm, slot, gfn: baseGfn, npages, flags: slotFlags })],
    ['setMemoryRegion', 4, fc.tuple(vm, slot0Update).map(([v, u]): Op => ({ kind: 'setMemoryRegion', vm: v, slot: 0 as SlotId, gfn: u.gfn as Gfn, npages: u.npages, flags: 0 }))],
    ['createVcpu', 6, fc.record({ kind: k('createVcpu'), vm, vcpu })],
    ['setCr', 18, fc.tuple(vm, vcpu, crWrite).map(([v, c, w]): Op => ({ kind: 'setCr', vm: v, vcpu: c, reg: w.reg, value: w.value }))],
    ['resetVcpu', 3, fc.record({ kind: k('resetVcpu'), vm, vcpu })],
    ['run', 24, fc.record({ kind: k('run'), vm, vcpu, access, interruptsAllowed: fc.boolean() })],
    ['emulate', 8, fc.record({ kind: k('emulate'), vm, vcpu, access: fc.constantFrom('read', 'write', 'cmpxchg'), gva })],
    ['translate', 3, fc.record({ kind: k('translate'), vm, vcpu, gva })],
    ['getDirtyLog', 4, fc.record({ kind: k('getDirtyLog'), vm, slot })],
    ['setNrMmuPages', 2, fc.record({ kind: k('setNrMmuPages'), vm, pages: fc.constantFrom(0, 32, 64, 100, 256) })],
    ['failAlloc', 5, fc.record({ kind: k('failAlloc'), site: allocSite, count: fc.integer({ min: 1, max: 3 }) })],
    ['swapOut', 4, fc.record({ kind: k('swapOut'), vm, gfn: apfGfn })],
    ['asyncPfDone', 4, fc.record({ kind: k('asyncPfDone'), vm, vcpu, gfn: apfGfn })],
    ['moduleUnload', 2, fc.record({ kind: k('moduleUnload') })],
    ['moduleLoad', 2, configArb.map(({ vendor, tdp }): Op => ({ kind: 'moduleLoad', vendor, tdp }))],
  ];
  // the swarm's kinds only (it always keeps `run`, so some remain)
  return fc.oneof(...entries.filter(([kind]) => swarm.kinds.has(kind)).map(([, weight, arbitrary]) => ({ weight, arbitrary })));
};

/** how often a regime's piece comes, against 100 for single operations: a few per case */
const REGIME_WEIGHT = 12;

/** Pieces of a case body: mostly single operations, sometimes a whole lifecycle. */
export const pieceArb = (vcpus: number, swarm: Swarm = FULL_SWARM): fc.Arbitrary<Op[]> => {
  const regime = regimePieceArb(swarm, vcpus);
  return fc.oneof(
    { weight: 100, arbitrary: opArb(vcpus, swarm).map((o) => [o]) },
    { weight: 20, arbitrary: asyncPfCycle },
    { weight: 4, arbitrary: moduleReload(configArb) },
    ...(regime ? [{ weight: REGIME_WEIGHT, arbitrary: regime }] : []),
  );
};


/** Pieces for a case on several threads: single operations the model can check concurrently. */
export const concurrentPieceArb = (vcpus: number, swarm: Swarm = FULL_SWARM): fc.Arbitrary<Op[]> => {
  const single = opArb(vcpus, swarm)
    .filter((o) => !SEQUENTIAL_ONLY.has(o.kind))
    .map((o) => [o]);
  const regime = regimePieceArb(swarm, vcpus);
  return regime ? fc.oneof({ weight: 100, arbitrary: single }, { weight: REGIME_WEIGHT, arbitrary: regime }) : single;
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
