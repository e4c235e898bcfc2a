/**
 * The jsverify arbitrary a campaign draws from: the same mix as fast-check's
 * (fuzz/gen/arbitraries.ts CASE_MIX): x86 cases on several threads, x86 cases on one, PPC
 * HV cases, each with its prelude (kept op by op, with the same odds) and a body; then cut
 * to the implementation's reach (fuzz/gen/reach.ts), as fast-check's cases are.
 */
import jsc from 'jsverify';
import type { Op, TestCase } from '../../../api/ops.js';
import { CASE_MIX, DEFAULT_SHAPE, HEAD_KEEP, MAX_CASE_OPS, x86Case, type CaseShape } from '../../gen/arbitraries.js';
import { prelude } from '../../gen/arbitraries-x86.js';
import { restrictCase, type Reach } from '../../gen/reach.js';
import { regimeHead, type Swarm } from '../../gen/swarm.js';
import { bodyArb } from './body.js';
import { bind, chance, mapped, weighted, type Arb } from './combinators.js';
import { configArb } from './ops-x86.js';
import { concurrentPieceArb, pieceArb, swarmArb } from './pieces-x86.js';
import { ppcCaseArb } from './ppc.js';

/** keep flags, one per op; jsc.tuple wants at least one arbitrary */
export const keptFlags = (percents: readonly number[]): Arb<boolean[]> => (percents.length ? jsc.tuple(percents.map(chance)) : jsc.constant<boolean[]>([]));

/** an x86 case: its swarm first (kept while the rest shrinks), then the prelude, the regime's head and the body */
const x86CaseArb = (shape: CaseShape, pieces: (vcpus: number, s: Swarm) => Arb<Op[]>): Arb<TestCase> =>
  bind(swarmArb(shape.vcpus <= 1), (swarm) =>
    mapped(
      jsc.record({
        config: configArb,
        kept: keptFlags(prelude(shape.vcpus).map((p) => p.keepPercent)),
        keptHead: keptFlags(regimeHead(swarm).map(() => HEAD_KEEP)),
        body: bodyArb(pieces(shape.vcpus, swarm), shape),
      }),
      (d) => x86Case(shape, swarm, d),
    ),
    (swarm) => `${swarm.regime} ${[...swarm.kinds].sort().join(',')}`,
  );

export const testCaseArb = (shape: CaseShape = DEFAULT_SHAPE): Arb<TestCase> => {
  if (!(shape.maxOps >= 1 && shape.maxOps <= MAX_CASE_OPS)) throw new RangeError(`maxOps must be 1..${MAX_CASE_OPS}, got ${shape.maxOps}`);
  const ppc = shape.platforms?.includes('ppcHv') ?? true;
  const x86 = shape.platforms?.includes('x86') ?? true;
  const mix: [Arb<TestCase>, number][] =
    shape.vcpus <= 1
      ? [[x86CaseArb(shape, pieceArb), CASE_MIX.sequentialOnly]]
      : [[x86CaseArb(shape, concurrentPieceArb), CASE_MIX.concurrent], [x86CaseArb({ ...shape, vcpus: 1 }, pieceArb), CASE_MIX.sequential]];
  return weighted([...(x86 ? mix : []), ...(ppc || !x86 ? [[ppcCaseArb(shape), CASE_MIX.ppc] as const] : [])]);
};

export const jsverifyCampaignArb = (shape: Partial<CaseShape>, reach: Reach): Arb<TestCase> => {
  const s = { maxOps: shape.maxOps ?? DEFAULT_SHAPE.maxOps, vcpus: shape.vcpus ?? DEFAULT_SHAPE.vcpus, platforms: [...reach.platforms] };
  return mapped(testCaseArb(s), (tc) => restrictCase(tc, reach));
};
