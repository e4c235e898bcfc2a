/**
 * The body of a case as jsverify draws it: 1 to maxOps pieces, each with the thread its VM
 * ioctls run on and a preemption for each of its first two operations, with the odds of
 * fast-check's (fuzz/gen/arbitraries.ts PREEMPT). The pieces become operations as in
 * fast-check (flattenBody); the list shrinks with jsc.shrink.nearray (one piece dropped, or
 * one piece shrunk, at a time).
 */
import jsc from 'jsverify';
import type { Op } from '../../../api/ops.js';
import { MAX_PREEMPT_AFTER, PREEMPT, THREAD_DRAWS, flattenBody, type CaseShape, type Drawn, type DrawnPiece, type Preempt } from '../../gen/arbitraries.js';
import { frequency, mapped, maybe, type Arb } from './combinators.js';

/**
 * where a preemption comes, as one weighted pool: fast-check's mix of point 0, an early
 * point and any point, each of those ranges uniform, over a common denominator
 */
const afterPool = Array.from({ length: MAX_PREEMPT_AFTER + 1 }, (_, n) => {
  const early = n >= 1 && n <= PREEMPT.earlyMax ? PREEMPT.early * MAX_PREEMPT_AFTER : 0;
  const anywhere = n >= 1 ? PREEMPT.anywhere * PREEMPT.earlyMax : 0;
  return [n, n === 0 ? PREEMPT.atStart * PREEMPT.earlyMax * MAX_PREEMPT_AFTER : early + anywhere] as const;
});

/** a preemption 5 times in 6 (1 in noneFreq none, to the percent); shrinks to none */
const preempt: Arb<Preempt | null> = maybe(
  jsc.record({ after: frequency(afterPool), to: jsc.integer(1, PREEMPT.maxTo) }),
  Math.round(100 - 100 / PREEMPT.noneFreq),
);

/** 1..max of `arb`, the length uniform; shrinks as jsc.nearray does */
const nearrayOf = <T>(arb: Arb<T>, max: number): Arb<T[]> => {
  const shrink = jsc.shrink.nearray(arb.shrink!);
  return jsc.bless({
    generator: jsc.generator.bless((size: number) => Array.from({ length: jsc.random(1, max) }, () => arb.generator(size))),
    shrink,
    show: (v: T[]) => JSON.stringify(v),
  });
};

export const bodyArb = (pieces: Arb<Op[]>, shape: CaseShape): Arb<Drawn[]> => {
  const threads = Math.max(1, shape.vcpus);
  const p = threads > 1 ? preempt : jsc.constant(null);
  const piece = jsc.tuple([pieces, jsc.integer(0, threads * THREAD_DRAWS - 1), p, p]) as unknown as Arb<DrawnPiece>;
  return mapped(nearrayOf(piece, shape.maxOps), (ps) => flattenBody(ps, shape));
};
