/**
 * The data both engines draw PPC HV cases from (fast-check in arbitraries-ppc.ts, jsverify
 * in fuzz/engines/jsverify/ppc.ts): pools and weights around the rules of seed 004, and the
 * functions that turn a drawn prelude or pair into operations.
 */
import type { Op, PpcHvConfig } from '../../api/ops.js';
import type { Gfn, Gpa, SlotId, VcpuId, VmId } from '../../api/ids.js';
import type { Weighted } from './pools.js';

/** the prelude's VM mostly; vm 1 (another, or none) now and then */
export const PPC_VMS: Weighted<number> = [[0, 19], [1, 1]];
/**
 * vCPUs 0 and 1 (the prelude's, weight 9 together) run on different threads, so their runs
 * and H_ENTERs overlap; vCPU 2 (weight 1) is not the prelude's
 */
export const PPC_VCPUS = { prelude: [0, 1], preludeWeight: 9, other: 2 } as const;
/**
 * POWER7 with 16 MB or 64 kB RAM pages, or a PPC970 (which runs only with a preallocated
 * RMA) mostly with 16 MB pages: with 64 kB pages its slot at gpa 0 is too small for an RMO.
 */
export const PPC_CPUS = [
  { cpu: 'power7', weight: 4, ramPorders: [24, 16] },
  { cpu: 'ppc970', weight: 2, ramPorders: [24, 24, 24, 24, 24, 16] },
] as const;
/** H_ENTER's RAM page: any of the first (0..RAM_PAGE_MAX, weight 1) or one of LAZY_PAGES (weight 2) */
export const RAM_PAGE_MAX = 6;
/** a contending pair's page: one of LAZY_PAGES (weight 2) or of the first slot's (0..PAIR_PAGE_MAX, weight 1) */
export const PAIR_PAGE_MAX = 3;
export const PPC_MAX_FAIL_COUNT = 2;
export const PPC_SLOTS = [0, 0, 1, 2, 40];
/** the prelude's windows, and 32: a window no memslot id can have (the ioctl refuses it) */
export const MAP_SLOTS = [0, 0, 1, 2, 0, 0, 1, 2, 32];
/** RAM pages (from gpa 0) of the prelude's second slot: above the first's, out of the VRMA's reach */
export const LAZY_PAGES = [4, 5] as const;
/** region starts and sizes in RAM pages (8 gfns: never a whole page, weight 1 against 5) */
export const RAM_PAGE_STARTS = [0, 1, 2, 4, 6];
export const RAM_PAGE_COUNTS = [0, 1, 2, 4];
export const ODD_GFNS = 8;
export const PTE_INDEXES = [0, 3, 7, 8, 15, 119, 127, 128];
export const GPA_OFFSETS = [0, 0, 0x1000];
/** H_ENTER page shifts: mostly the RAM page size (a wrong size is refused at once, H_PARAMETER) */
export const hEnterShifts = (c: PpcHvConfig): number[] => [c.ramPorder, c.ramPorder, c.ramPorder, c.ramPorder, c.ramPorder, c.ramPorder, 12, 16, 24, 20];
/** the RAM page size mostly, every size the host has, and 13: no page size (the mmap is refused) */
export const mapShifts = (c: PpcHvConfig): number[] => [c.ramPorder, c.ramPorder, 12, 16, 24, c.ramPorder, c.ramPorder, 12, 16, 24, 13];
/** lengths in pages, and 0 (an empty mapping is refused) */
export const MAP_PAGES = [1, 2, 4, 1, 2, 4, 0];
export const PPC_FAIL_SITES = ['vzalloc', 'gup', 'rma'] as const;

export const DELETE_SLOTS = [0, 1, 1];
export const RECREATE_SLOT0_PAGES = [1, 2, 4];
/** pieces: single operations, an H_ENTER and the delete of its slot, H_ENTERs of a page from both vCPUs */
export const PPC_PIECE_WEIGHTS = { op: 84, pinDelete: 8, pinPin: 8 } as const;
export const PAIR_KEEP = 98;
export const PAIR_PTES = [0, 8, 64];

/** a page of the prelude's second slot (LAZY_PAGES, never pinned by a first run) or of the first */
export const slotOfPage = (n: number): SlotId => ((LAZY_PAGES as readonly number[]).includes(n) ? 1 : 0) as SlotId;
const vm0 = 0 as VmId;
export const pinOp = (c: PpcHvConfig, vcpu: number, n: number, pteIndex: number): Op =>
  ({ kind: 'hEnter', vm: vm0, vcpu: vcpu as VcpuId, pteIndex, exact: false, gpa: (n * 2 ** c.ramPorder) as Gpa, pageShift: c.ramPorder });
export const deleteOp = (n: number): Op => ({ kind: 'setMemoryRegion', vm: vm0, slot: slotOfPage(n), gfn: 0 as Gfn, npages: 0 });
/** either half of a pair shrinks away on its own */
export const pairOps = ([a, b]: readonly [Op, Op], keepA: boolean, keepB: boolean): Op[] => [...(keepA ? [a] : []), ...(keepB ? [b] : [])];

export interface PpcPreludeDraw {
  readonly pages: number;
  readonly rmaPages: number;
  readonly mapped: 'all' | 'first' | 'rma';
  readonly mapFirst: boolean;
  readonly second: 'none' | 'mapped' | 'mappedLater' | 'unmapped';
  readonly ran: boolean;
}
export const PRELUDE_PAGES = [1, 2, 4];
export const SECONDS = ['none', 'mapped', 'mappedLater', 'unmapped'] as const;
/** with 16 MB pages, RMO sizes lpcr_rmls takes: 64 MB, or 32 MB on POWER7 (16 MB never) */
export const rmaPagesPool = (c: PpcHvConfig): number[] => (c.cpu === 'ppc970' ? [4, 4, 4, 4, 4, 4, 2, 1] : [4, 2, 2, 1]);
/**
 * What is mapped behind the slot at gpa 0: all of it, its first RAM page, or an RMA. A
 * PPC970 runs only with an RMA (else -EPERM); an RMA of 16 MB pages never matches 64 kB RAM
 * pages (-EINVAL), so it is rarer there.
 */
export const mappedPool = (c: PpcHvConfig): PpcPreludeDraw['mapped'][] =>
  c.cpu === 'ppc970' ? ['rma', 'rma', 'rma', 'all'] : c.ramPorder === 24 ? ['all', 'all', 'first', 'rma'] : ['all', 'all', 'all', 'first', 'rma'];

/** the prelude's operations (arbitraries-ppc.ts says what it makes) */
export const ppcPreludeOps = (c: PpcHvConfig, { pages: anyPages, rmaPages, mapped, mapFirst, second, ran }: PpcPreludeDraw): Op[] => {
  const pages = mapped === 'rma' && c.ramPorder === 24 ? rmaPages : anyPages;
  const ramGfns = 2 ** (c.ramPorder - 12);
  const region = (slot: number, gfn: number, n: number): Op => ({ kind: 'setMemoryRegion', vm: vm0, slot: slot as SlotId, gfn: gfn as Gfn, npages: n * ramGfns });
  const map = (slot: number, n: number): Op => ({ kind: 'mapHostMemory', vm: vm0, slot: slot as SlotId, pageShift: c.ramPorder, pages: n });
  const map0 = mapped === 'rma' ? { kind: 'allocRma' as const, vm: vm0, slot: 0 as SlotId } : map(0, mapped === 'all' ? pages : 1);
  const first = mapFirst ? [map0, region(0, 0, pages)] : [region(0, 0, pages), map0];
  const slot1 = region(1, LAZY_PAGES[0] * ramGfns, LAZY_PAGES.length);
  const rest = { none: [], mapped: [map(1, 2), slot1], mappedLater: [slot1, map(1, 2)], unmapped: [slot1] }[second];
  const vcpus: Op[] = [0, 1].map((v) => ({ kind: 'createVcpu', vm: vm0, vcpu: v as VcpuId }));
  const firstRun: Op[] = ran ? [{ kind: 'run', vm: vm0, vcpu: 0 as VcpuId, access: null }] : [];
  return [{ kind: 'createVm', vm: vm0, ppc: c }, ...first, ...rest, ...vcpus, ...firstRun];
};
