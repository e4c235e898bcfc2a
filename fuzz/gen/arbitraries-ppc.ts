/**
 * Generators of PPC HV cases (seed 004). Values sit around the rules: regions aligned and
 * not aligned to the VM's RAM page size, host memory mapped before or after the region,
 * with the right or a wrong page size, or an RMA; first runs; H_ENTER on mapped, unmapped
 * and wrongly sized memory, exact or in a group, inside and past the hash table; deletes
 * and destroys with pages pinned; allocation failures at the PPC sites.
 */
import fc from 'fast-check';
import { chance } from './chance.js';
import type { Op, PpcHvConfig } from '../../api/ops.js';
import { weighted } from './domain.js';
import {
  LAZY_PAGES, PAIR_KEEP, PAIR_PAGE_MAX, PAIR_PTES, PPC_PIECE_WEIGHTS, PRELUDE_PAGES, SECONDS, deleteOp, mappedPool, pairOps, pinOp,
  ppcPreludeOps, rmaPagesPool, type PpcPreludeDraw,
} from './pools-ppc.js';
import { PPC_CONFIGS, ppcOpTable } from './op-table-ppc.js';
import { domainArb, tableArb } from './domain-fc.js';

/** the CPUs and RAM page sizes of PPC_CPUS */
export const ppcConfigArb = domainArb(weighted(PPC_CONFIGS)) as fc.Arbitrary<PpcHvConfig>;

/** The body of a case around a VM whose RAM pages are 2^ramPorder bytes (op-table-ppc.ts). */
const ppcOpArb = (c: PpcHvConfig): fc.Arbitrary<Op> => tableArb(ppcOpTable(c));

/**
 * Pieces of a PPC case body: mostly single operations, sometimes two that contend for the
 * same page (PIN_ONCE, NO_PIN_AFTER_UNPIN): an H_ENTER that pins it and the delete of its
 * slot, or H_ENTERs of it from both vCPUs. The vCPUs run on their own threads and the
 * delete on any, so the two often overlap.
 */
export const ppcPieceArb = (c: PpcHvConfig): fc.Arbitrary<Op[]> => {
  const page = fc.oneof({ weight: 2, arbitrary: fc.constantFrom(...LAZY_PAGES) }, fc.nat(PAIR_PAGE_MAX));
  const pte = fc.constantFrom(...PAIR_PTES);
  const pair = (ops: fc.Arbitrary<[Op, Op]>): fc.Arbitrary<Op[]> => fc.tuple(ops, chance(PAIR_KEEP), chance(PAIR_KEEP)).map(([ab, keepA, keepB]) => pairOps(ab, keepA, keepB));
  return fc.oneof(
    { weight: PPC_PIECE_WEIGHTS.op, arbitrary: ppcOpArb(c).map((o) => [o]) },
    { weight: PPC_PIECE_WEIGHTS.pinDelete, arbitrary: pair(fc.tuple(fc.nat(1), page, pte).map(([v, n, i]): [Op, Op] => [pinOp(c, v, n, i), deleteOp(n)])) },
    { weight: PPC_PIECE_WEIGHTS.pinPin, arbitrary: pair(fc.tuple(page, pte).map(([n, i]): [Op, Op] => [pinOp(c, 0, n, i), pinOp(c, 1, n, i + 1)])) },
  );
};

/** the most operations ppcPreludeArb returns */
export const PPC_PRELUDE_MAX = 8;

/**
 * A PPC VM with memory at gpa 0 (1, 2 or 4 RAM pages) behind which host memory of the
 * right page size (maybe only part of it) or an RMA (mostly of a size an RMO can have) is
 * mapped, before or after the region; maybe a second slot at LAZY_PAGES, mapped or not;
 * and two vCPUs, whose first runs and H_ENTERs may then race. In half of the cases vCPU 0
 * has run once already: the RMA is set up, and the body's operations meet a running VM
 * (in the rest, a delete or remap of the slot at gpa 0 before any run leaves a VM that
 * never runs, and the first runs may race each other).
 */
const mappedArb = (c: PpcHvConfig): fc.Arbitrary<PpcPreludeDraw['mapped']> => fc.constantFrom(...mappedPool(c));

export const ppcPreludeArb = (c: PpcHvConfig): fc.Arbitrary<Op[]> =>
  fc
    .record({
      pages: fc.constantFrom(...PRELUDE_PAGES),
      rmaPages: fc.constantFrom(...rmaPagesPool(c)),
      mapped: mappedArb(c),
      mapFirst: fc.boolean(),
      second: fc.constantFrom(...SECONDS),
      ran: fc.boolean(),
    })
    .map((d) => ppcPreludeOps(c, d));
