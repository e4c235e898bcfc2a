/**
 * PPC HV cases drawn by jsverify (seed 004), from fast-check's pools and weights
 * (fuzz/gen/pools-ppc.ts): the VM's CPU and RAM page size first (kept while the rest
 * shrinks: every value depends on it), then its prelude, kept op by op, and a body of
 * single operations and contending pairs.
 */
import jsc from 'jsverify';
import type { Op, PpcHvConfig, TestCase } from '../../../api/ops.js';
import type { Gfn, Gpa, SlotId, VcpuId, VmId } from '../../../api/ids.js';
import { PPC_PRELUDE_KEEP, assemble, type CaseShape } from '../../gen/arbitraries.js';
import { PPC_PRELUDE_MAX } from '../../gen/arbitraries-ppc.js';
import {
  DELETE_SLOTS, GPA_OFFSETS, LAZY_PAGES, MAP_PAGES, MAP_SLOTS, ODD_GFNS, PAIR_KEEP, PAIR_PAGE_MAX, PAIR_PTES, PPC_CPUS, PPC_FAIL_SITES,
  PPC_MAX_FAIL_COUNT, PPC_OP_WEIGHTS, PPC_PIECE_WEIGHTS, PPC_SLOTS, PPC_VCPUS, PPC_VMS, PRELUDE_PAGES, PTE_INDEXES, RAM_PAGE_COUNTS,
  RAM_PAGE_MAX, RAM_PAGE_STARTS, RECREATE_SLOT0_PAGES, SECONDS, deleteOp, hEnterShifts, mapShifts, mappedPool, pairOps, pinOp,
  ppcPreludeOps, rmaPagesPool, type PpcOpShape,
} from '../../gen/pools-ppc.js';
import { bodyArb } from './body.js';
import { bind, chance, frequency, mapped, weighted, widen, type Arb } from './combinators.js';
import { configArb } from './ops-x86.js';
import { keptFlags } from './campaign.js';

const vm = frequency(PPC_VMS) as Arb<VmId>;
const vcpu = frequency([...PPC_VCPUS.prelude.map((v) => [v, PPC_VCPUS.preludeWeight] as const), [PPC_VCPUS.other, 2]]) as Arb<VcpuId>;
const slot = jsc.elements(PPC_SLOTS) as Arb<SlotId>;
const mapSlot = jsc.elements(MAP_SLOTS) as Arb<SlotId>;
const k = <K extends Op['kind']>(kind: K): Arb<K> => jsc.constant(kind);
const op = <T extends Op>(fields: { [P in keyof T]: Arb<T[P]> }): Arb<Op> => widen(jsc.record<T>(fields));

export const ppcConfigArb: Arb<PpcHvConfig> = weighted(PPC_CPUS.map(({ cpu, weight, ramPorders }) => [jsc.record({ cpu: jsc.constant(cpu), ramPorder: jsc.elements([...ramPorders]) }) as Arb<PpcHvConfig>, weight] as const));

/** a pool of RAM pages (weight 5) or 8 gfns, never a whole page (weight 1), as gfns */
const inRamPages = (pool: number[], ramGfns: number): Arb<number> => frequency([...pool.map((n) => [n * ramGfns, 5 / pool.length] as const), [ODD_GFNS, 1]].map(([v, w]) => [v, w * pool.length] as const));

const ppcOpArb = (c: PpcHvConfig): Arb<Op> => {
  const ramGfns = 2 ** (c.ramPorder - 12);
  const gfn = inRamPages(RAM_PAGE_STARTS, ramGfns) as Arb<Gfn>;
  const ramPage = frequency([...Array.from({ length: RAM_PAGE_MAX + 1 }, (_, n) => [n, LAZY_PAGES.length] as const), ...LAZY_PAGES.map((n) => [n, 2 * (RAM_PAGE_MAX + 1)] as const)]);
  const gpa = mapped(jsc.tuple([ramPage, jsc.elements(GPA_OFFSETS)]), ([n, off]) => ({ gpa: (n * 2 ** c.ramPorder + off) as Gpa }));
  const recreate = [{ slot: 1, gfn: LAZY_PAGES[0] * ramGfns, npages: LAZY_PAGES.length * ramGfns }, ...RECREATE_SLOT0_PAGES.map((n) => ({ slot: 0, gfn: 0, npages: n * ramGfns }))];
  const arbs: Record<PpcOpShape, Arb<Op>> = {
    hEnter: mapped(jsc.record({ vm, vcpu, pteIndex: jsc.elements(PTE_INDEXES), exact: jsc.bool, gpa, pageShift: jsc.elements(hEnterShifts(c)) }), (d): Op => ({ kind: 'hEnter', vm: d.vm, vcpu: d.vcpu, pteIndex: d.pteIndex, exact: d.exact, gpa: d.gpa.gpa, pageShift: d.pageShift })),
    run: op({ kind: k('run'), vm, vcpu, access: jsc.constant(null) }),
    setMemoryRegion: op({ kind: k('setMemoryRegion'), vm, slot, gfn, npages: inRamPages(RAM_PAGE_COUNTS, ramGfns) }),
    deleteSlot: op({ kind: k('setMemoryRegion'), vm, slot: jsc.elements(DELETE_SLOTS) as Arb<SlotId>, gfn, npages: jsc.constant(0) }),
    // half the time slot 1, half slot 0 at one of its sizes, as fast-check's oneof
    recreateSlot: mapped(frequency(recreate.map((r, i) => [r, i === 0 ? RECREATE_SLOT0_PAGES.length : 1] as const)), (r): Op => ({ kind: 'setMemoryRegion', vm: 0 as VmId, slot: r.slot as SlotId, gfn: r.gfn as Gfn, npages: r.npages })),
    mapHostMemory: op({ kind: k('mapHostMemory'), vm, slot: mapSlot, pageShift: jsc.elements(mapShifts(c)), pages: jsc.elements(MAP_PAGES) }),
    unmapHostMemory: op({ kind: k('unmapHostMemory'), vm, slot: mapSlot }),
    allocRma: op({ kind: k('allocRma'), vm, slot: mapSlot }),
    createVcpu: op({ kind: k('createVcpu'), vm, vcpu }),
    createVm: op({ kind: k('createVm'), vm, ppc: ppcConfigArb }),
    destroyVm: op({ kind: k('destroyVm'), vm }),
    failAlloc: op({ kind: k('failAlloc'), site: jsc.elements([...PPC_FAIL_SITES]), count: jsc.integer(1, PPC_MAX_FAIL_COUNT) }),
    setCr: op({ kind: k('setCr'), vm, vcpu, reg: jsc.constant('cr0' as const), value: jsc.constant(1) }),
  };
  return weighted(PPC_OP_WEIGHTS.map(([shape, w]) => [arbs[shape], w] as const));
};

/** single operations, and pairs contending for a page (either half shrinks away on its own) */
const ppcPieceArb = (c: PpcHvConfig): Arb<Op[]> => {
  const page = frequency([...LAZY_PAGES.map((n) => [n, 2 * (PAIR_PAGE_MAX + 1)] as const), ...Array.from({ length: PAIR_PAGE_MAX + 1 }, (_, n) => [n, LAZY_PAGES.length] as const)]);
  const pte = jsc.elements(PAIR_PTES);
  const pair = <T>(arb: Arb<T>, ops: (t: T) => [Op, Op]): Arb<Op[]> =>
    mapped(jsc.tuple([arb, chance(PAIR_KEEP), chance(PAIR_KEEP)]) as unknown as Arb<[T, boolean, boolean]>, ([t, a, b]) => pairOps(ops(t), a, b));
  return weighted([
    [mapped(ppcOpArb(c), (o) => [o]), PPC_PIECE_WEIGHTS.op],
    [pair(jsc.tuple([jsc.integer(0, 1), page, pte]), ([v, n, i]) => [pinOp(c, v!, n!, i!), deleteOp(n!)]), PPC_PIECE_WEIGHTS.pinDelete],
    [pair(jsc.tuple([page, pte]), ([n, i]) => [pinOp(c, 0, n!, i!), pinOp(c, 1, n!, i! + 1)]), PPC_PIECE_WEIGHTS.pinPin],
  ]);
};

const ppcPreludeArb = (c: PpcHvConfig): Arb<Op[]> =>
  mapped(
    jsc.record({
      pages: jsc.elements(PRELUDE_PAGES),
      rmaPages: jsc.elements(rmaPagesPool(c)),
      mapped: jsc.elements(mappedPool(c)),
      mapFirst: jsc.bool,
      second: jsc.elements([...SECONDS]),
      ran: jsc.bool,
    }),
    (d) => ppcPreludeOps(c, d),
  );

export const ppcCaseArb = (shape: CaseShape): Arb<TestCase> =>
  bind(ppcConfigArb, (c) =>
    mapped(
      jsc.record({
        config: configArb,
        prelude: jsc.tuple([ppcPreludeArb(c), keptFlags(Array.from({ length: PPC_PRELUDE_MAX }, () => PPC_PRELUDE_KEEP))]) as unknown as Arb<[Op[], boolean[]]>,
        body: bodyArb(ppcPieceArb(c), shape),
      }),
      ({ config, prelude: [p, kept], body }) => assemble(config, p.filter((_, i) => kept[i]), body, shape),
    ),
    (c) => `${c.cpu} ${c.ramPorder}`,
  );
