/**
 * Operations on x86 VMs: values drawn from small pools around the boundaries the rules
 * care about (slot edges, paging-mode bits, the page-table page, unmapped gvas), weighted
 * towards the operations that change MMU state, and the prelude most cases start from.
 */
import fc from 'fast-check';
import type { HostConfig, Op } from '../../api/ops.js';
import type { Gfn, SlotId, VcpuId, VmId } from '../../api/ids.js';
import { asyncPfCycle, moduleReload } from './lifecycles.js';
import { FULL_SWARM, keeps, regimePieceArb, type Swarm } from './swarm.js';
import { PIECE_WEIGHTS } from './pools.js';
import { CONFIG_FIELDS, SEQUENTIAL_ONLY, x86OpTable } from './op-table.js';
import { fieldsArb, pieceSpecArb, tableArb } from './domain-fc.js';
import { x86PieceTable } from './piece-table.js';

export { SEQUENTIAL_ONLY } from './op-table.js';

export const configArb = fieldsArb(CONFIG_FIELDS) as fc.Arbitrary<HostConfig>;

/** single x86 operations (op-table.ts), the swarm's kinds only (it always keeps `run`, so some remain) */
export const opArb = (vcpus: number, swarm: Swarm = FULL_SWARM): fc.Arbitrary<Op> => tableArb(x86OpTable(vcpus).filter((s) => keeps(swarm, s.kind)));

/** the lifecycle pieces of piece-table.ts, by their weights */
const lifecycles = (vcpus: number) => x86PieceTable(vcpus).map((p) => ({ weight: p.weight, arbitrary: pieceSpecArb(p) }));

/** Pieces of a case body: mostly single operations, sometimes a whole lifecycle. */
export const pieceArb = (vcpus: number, swarm: Swarm = FULL_SWARM): fc.Arbitrary<Op[]> => {
  const regime = regimePieceArb(swarm, vcpus);
  return fc.oneof(
    { weight: PIECE_WEIGHTS.op, arbitrary: opArb(vcpus, swarm).map((o) => [o]) },
    { weight: PIECE_WEIGHTS.asyncPfCycle, arbitrary: asyncPfCycle },
    { weight: PIECE_WEIGHTS.moduleReload, arbitrary: moduleReload(configArb) },
    ...lifecycles(vcpus),
    ...(regime ? [{ weight: PIECE_WEIGHTS.regime, arbitrary: regime }] : []),
  );
};

/** Pieces for a case on several threads: single operations the model can check concurrently, and lifecycles. */
export const concurrentPieceArb = (vcpus: number, swarm: Swarm = FULL_SWARM): fc.Arbitrary<Op[]> => {
  const single = opArb(vcpus, swarm)
    .filter((o) => !SEQUENTIAL_ONLY.has(o.kind))
    .map((o) => [o]);
  const regime = regimePieceArb(swarm, vcpus);
  return fc.oneof({ weight: PIECE_WEIGHTS.op, arbitrary: single }, ...lifecycles(vcpus), ...(regime ? [{ weight: PIECE_WEIGHTS.regime, arbitrary: regime }] : []));
};

/**
 * A VM with memory at gfn 0 and a vCPU per thread (vCPU i issues its ioctls from thread i
 * mostly, so on several threads their runs overlap each other and the VM ioctls): most
 * cases start like this, and shrink it away. Each vCPU may then enter a paging mode, its
 * tables at gfn 0: PAE on, long mode enabled, paging on, each with its own odds, so that
 * about a third of the vCPUs end in long mode and the rest spread over 32-bit paging, PAE,
 * no paging and a refused write (EFER.LME without CR4.PAE, then paging: #GP).
 */
export const prelude = (vcpus: number): readonly { readonly op: Op; readonly keepPercent: number }[] => [
  { op: { kind: 'createVm', vm: 0 as VmId }, keepPercent: 99 },
  { op: { kind: 'setMemoryRegion', vm: 0 as VmId, slot: 0 as SlotId, gfn: 0 as Gfn, npages: 32 }, keepPercent: 97 },
  ...Array.from({ length: vcpus }, (_, i) => {
    const cr = (reg: 'cr0' | 'cr4' | 'efer', value: number, keepPercent: number) => ({ op: { kind: 'setCr', vm: 0 as VmId, vcpu: i as VcpuId, reg, value } as Op, keepPercent });
    return [{ op: { kind: 'createVcpu', vm: 0 as VmId, vcpu: i as VcpuId } as Op, keepPercent: 98 }, cr('cr4', 0x20, 65), cr('efer', 0x100, 60), cr('cr0', 0x80000001, 80)];
  }).flat(),
];
