/**
 * Lifecycles that need many steps, as pieces both engines draw from one declaration
 * (fuzz/gen/domain.ts PieceSpec): what is drawn, and the operations it becomes.
 * - `dirtyLog`: logging turned on for the prelude's slot 0 (or a new slot 1 at gfn 40),
 *   writes by a vCPU (a guest write or an emulated one), a harvest, writes to the same and
 *   other pages, a second harvest, the slot moved, its flags changed or deleted with
 *   logging on, writes and a harvest after that, logging off. The guest's synthetic tables
 *   map gva page v to gfn v while cr3 is 0 (docs/OPERATIONS.md), with paging or without.
 * - `vmRebuild`: the prelude's VM destroyed and built again (VM, slot 0, a vCPU per
 *   thread), so the operations after it address live objects.
 */
import type { Op } from '../../api/ops.js';
import type { Gfn, Gva, SlotId, VcpuId, VmId } from '../../api/ids.js';
import { chance, pool, range, weighted, type PieceSpec } from './domain.js';

const vm0 = 0 as VmId;

/** where each slot's log lives: slot 0 is the prelude's; slot 1 is made here */
const LOG_SLOTS = { 0: { gfn: 0, npages: 32 }, 1: { gfn: 40, npages: 8 } } as const;
/** where a moved slot goes (gfn), by slot */
const MOVED = { 0: 32, 1: 48 } as const;

export interface DirtyLogDraw {
  readonly vcpu: number;
  readonly slot: 0 | 1;
  /** page offsets in the slot: written first, second, and after the first harvest */
  readonly pages: readonly [number, number, number];
  readonly emulated: boolean;
  /** the first two writes and the first harvest (each shrinks away on its own) */
  readonly w0: boolean;
  readonly w1: boolean;
  readonly h: boolean;
  readonly again: boolean;
  readonly change: 'none' | 'move' | 'flags' | 'delete';
  readonly after: boolean;
  readonly off: boolean;
}

const region = (slot: number, gfn: number, npages: number, flags: number): Op => ({ kind: 'setMemoryRegion', vm: vm0, slot: slot as SlotId, gfn: gfn as Gfn, npages, flags });

export const dirtyLogOps = (d: DirtyLogDraw): Op[] => {
  const { gfn, npages } = LOG_SLOTS[d.slot];
  const vcpu = d.vcpu as VcpuId;
  const write = (g: number): Op =>
    d.emulated
      ? { kind: 'emulate', vm: vm0, vcpu, access: 'write', gva: (g * 0x1000) as Gva }
      : { kind: 'run', vm: vm0, vcpu, access: { gva: (g * 0x1000) as Gva, write: true }, interruptsAllowed: false };
  const harvest: Op = { kind: 'getDirtyLog', vm: vm0, slot: d.slot as SlotId };
  const at = (base: number, i: number) => base + (d.pages[i]! % npages);
  const { w0, w1, h } = d;
  const ops: Op[] = [region(d.slot, gfn, npages, 1), ...(w0 ? [write(at(gfn, 0))] : []), ...(w1 ? [write(at(gfn, 1))] : []), ...(h ? [harvest] : [])];
  if (d.again) ops.push(write(at(gfn, 0)), write(at(gfn, 2)), harvest);
  let base: number = gfn;
  if (d.change === 'move') ops.push(region(d.slot, (base = MOVED[d.slot]), npages, 1));
  else if (d.change === 'flags') ops.push(region(d.slot, base, npages, 0), region(d.slot, base, npages, 1));
  else if (d.change === 'delete') ops.push(region(d.slot, base, 0, 0), region(d.slot, base, npages, 1));
  if (d.after) ops.push(write(at(base, 1)), harvest);
  if (d.off) ops.push(region(d.slot, base, npages, 0));
  return ops;
};

export interface RebuildDraw {
  readonly flags: number;
  readonly vcpus: readonly boolean[];
}

export const rebuildOps = (d: RebuildDraw): Op[] => [
  { kind: 'destroyVm', vm: vm0 },
  { kind: 'createVm', vm: vm0 },
  region(0, 0, 32, d.flags),
  ...d.vcpus.flatMap((kept, i): Op[] => (kept ? [{ kind: 'createVcpu', vm: vm0, vcpu: i as VcpuId }] : [])),
];

/** the x86 lifecycle pieces and their weights (against 100 for single operations) */
export const x86PieceTable = (vcpus: number): readonly PieceSpec[] => [
  {
    name: 'dirtyLog',
    weight: 10,
    fields: {
      vcpu: range(0, vcpus - 1),
      slot: weighted([[0, 3], [1, 1]]),
      pages: { t: 'pool', values: [[1, 2, 3], [5, 5, 9], [3, 30, 7], [31, 1, 16], [0, 4, 2]] },
      emulated: chance(30),
      w0: chance(97),
      w1: chance(90),
      h: chance(95),
      again: chance(80),
      change: weighted([['none', 3], ['move', 2], ['flags', 2], ['delete', 1]]),
      after: chance(75),
      off: chance(50),
    },
    ops: (d) => dirtyLogOps(d as unknown as DirtyLogDraw),
  },
  {
    name: 'vmRebuild',
    weight: 2,
    fields: {
      flags: pool([0, 1]),
      vcpus: { t: 'pool', values: [Array.from({ length: vcpus }, () => true)] },
    },
    ops: (d) => rebuildOps(d as unknown as RebuildDraw),
  },
];
