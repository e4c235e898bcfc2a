/**
 * PPC HV cases drawn by jsverify (seed 004), from the operation table fast-check reads too
 * (fuzz/gen/op-table-ppc.ts, pools-ppc.ts): the VM's CPU and RAM page size first (kept while the rest
 * shrinks: every value depends on it), then its prelude, kept op by op, and a body of
 * single operations and contending pairs.
 */
import jsc from 'jsverify';
import type { Op, PpcHvConfig, TestCase } from '../../../api/ops.js';
import { PPC_PRELUDE_KEEP, assemble, type CaseShape } from '../../gen/arbitraries.js';
import { PPC_PRELUDE_MAX } from '../../gen/arbitraries-ppc.js';
import {
  LAZY_PAGES, PAIR_KEEP, PAIR_PAGE_MAX, PAIR_PTES, PPC_PIECE_WEIGHTS, PRELUDE_PAGES, SECONDS, deleteOp, mappedPool, pairOps, pinOp,
  ppcPreludeOps, rmaPagesPool,
} from '../../gen/pools-ppc.js';
import { PPC_CONFIGS, ppcOpTable } from '../../gen/op-table-ppc.js';
import { bodyArb } from './body.js';
import { bind, chance, frequency, mapped, weighted, type Arb } from './combinators.js';
import { configArb } from './ops-x86.js';
import { keptFlags } from './campaign.js';
import { tableArb } from './domain.js';

export const ppcConfigArb: Arb<PpcHvConfig> = frequency(PPC_CONFIGS);

const ppcOpArb = (c: PpcHvConfig): Arb<Op> => tableArb(ppcOpTable(c));

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
      ({ config, prelude: [p, kept], body }) => assemble(config, p.filter((_, i) => kept[i]), body, shape, false),
    ),
    (c) => `${c.cpu} ${c.ramPorder}`,
  );
