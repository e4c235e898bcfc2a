/**
 * Generators of test cases: a prelude, then a body of pieces (an operation, a lifecycle, or
 * a pair of contending operations; see arbitraries-x86.ts and arbitraries-ppc.ts). With
 * several threads, each operation gets a thread and the case a schedule of a few
 * preemptions, which shrink away.
 */
import fc from 'fast-check';
import type { HostConfig, Op, TestCase } from '../../api/ops.js';
import type { Platform } from '../../api/protocol.js';
import { chance } from './chance.js';
import { SEQUENTIAL_ONLY, concurrentPieceArb, configArb, pieceArb, prelude } from './arbitraries-x86.js';
import { regimeHead, swarmArb, type Swarm } from './swarm.js';
import { PPC_PRELUDE_MAX, ppcConfigArb, ppcPieceArb, ppcPreludeArb } from './arbitraries-ppc.js';

export interface CaseShape {
  /** most operations after the prelude */
  readonly maxOps: number;
  /** vCPUs per VM, and harness threads issuing operations */
  readonly vcpus: number;
  /** the VM platforms to draw cases for (default both) */
  readonly platforms?: readonly Platform[];
}

export const DEFAULT_SHAPE: CaseShape = { maxOps: 30, vcpus: 2 };

/**
 * the most operations a generated case's body may have (`--max-ops`): a case this long
 * still runs and is checked in well under a second, and its counterexample stays readable
 */
export const MAX_CASE_OPS = 1000;

/** preemption points an operation passes, at most, that a preemption may follow */
export const MAX_PREEMPT_AFTER = 8;

/**
 * The odds of a preemption (both engines): none 1 time in noneFreq; else after point 0
 * (atStart), after an early point 1..earlyMax (early) or after any (anywhere), by weight;
 * then `to` (1..maxTo) points on other threads run before the thread resumes.
 */
export const PREEMPT = { noneFreq: 6, atStart: 1, early: 2, earlyMax: 3, anywhere: 1, maxTo: 3 } as const;

/**
 * A preemption for an operation, PCT-style (Burckhardt et al., ASPLOS 2010): a few
 * operations of a case are preempted after one of their preemption points, so a race of
 * depth d needs d of them well placed. Point 0 (the thread yields before the operation
 * begins, between two ioctls) and points early in an operation (its first lock or
 * get_user_pages, the first steps of a loop) are drawn more often. Each shrinks towards none.
 */
const after = fc.oneof(
  { weight: PREEMPT.atStart, arbitrary: fc.constant(0) },
  { weight: PREEMPT.early, arbitrary: fc.integer({ min: 1, max: PREEMPT.earlyMax }) },
  { weight: PREEMPT.anywhere, arbitrary: fc.integer({ min: 1, max: MAX_PREEMPT_AFTER }) },
);
const preempt = fc.option(fc.record({ after, to: fc.integer({ min: 1, max: PREEMPT.maxTo }) }), { freq: PREEMPT.noneFreq });

/**
 * A piece's thread is drawn from 0..threads * THREAD_DRAWS - 1: its value mod threads is
 * the thread, and draws below threads * (THREAD_DRAWS - 1) pin a vCPU's ioctls to the
 * vCPU's own thread (shrinking goes there).
 */
export const THREAD_DRAWS = 5;

/**
 * Like a VMM, each vCPU has its own thread (vcpu id mod threads) for its ioctls, mostly;
 * one vCPU ioctl in THREAD_DRAWS comes from the drawn thread, so two threads issue ioctls
 * on one vCPU and contend for vcpu->mutex. VM ioctls and fault injection come from any thread.
 */
const threadOf = (op: Op, drawn: number, threads: number, share = true): number =>
  'vcpu' in op && op.kind !== 'createVcpu' && (!share || drawn < threads * (THREAD_DRAWS - 1)) ? op.vcpu % threads : drawn % threads;

export type Preempt = { after: number; to: number };
export type Drawn = [Op, number, Preempt | null];
/** a piece of a body as drawn: its operations, the thread drawn for it, preemptions for its first two */
export type DrawnPiece = readonly [Op[], number, Preempt | null, Preempt | null];

/**
 * The thread drawn for operation i of a piece: `drawn`, except that in a piece opened by
 * a vCPU operation, the VM ioctls that follow run on another thread than that vCPU's (the
 * piece is a pair of operations contending for one object).
 */
const pieceThread = (ops: readonly Op[], i: number, drawn: number, threads: number): number => {
  const first = ops[0]!;
  if (i === 0 || threads < 2 || !('vcpu' in first) || first.kind === 'createVcpu') return drawn;
  return (threadOf(first, drawn, threads) + 1 + (drawn % (threads - 1))) % threads;
};

/**
 * The body of a case: pieces of operations, each piece with the thread its VM ioctls run on
 * and a preemption for each of its first two operations (a pair of contending operations
 * may need both preempted).
 */
const bodyArb = (pieces: fc.Arbitrary<Op[]>, shape: CaseShape): fc.Arbitrary<Drawn[]> => {
  const threads = Math.max(1, shape.vcpus);
  const p = threads > 1 ? preempt : fc.constant(null);
  return fc
    .array(fc.tuple(pieces, fc.nat({ max: threads * THREAD_DRAWS - 1 }), p, p), { minLength: 1, maxLength: shape.maxOps, size: 'max' })
    .map((ps) => flattenBody(ps, shape));
};

/**
 * The operations of a body's pieces, each with its thread and preemption: whole pieces
 * while fewer than maxOps operations are in, so a lifecycle begun runs to its end (a
 * resource regime's sweep, a dirty-log cycle); at most LIFECYCLE_STRETCH times maxOps.
 * A maxOps below the default is a hard bound: whoever asks for small cases gets them
 * (and their counterexamples shrink within a short --shrink-time).
 */
export const flattenBody = (ps: readonly DrawnPiece[], shape: CaseShape): Drawn[] => {
  const threads = Math.max(1, shape.vcpus);
  const out: Drawn[] = [];
  for (const [ops, t, p0, p1] of ps) {
    if (out.length >= shape.maxOps) break;
    ops.forEach((op, i) => out.push([op, pieceThread(ops, i, t, threads), i === 0 ? p0 : i === 1 ? p1 : null]));
  }
  return out.slice(0, shape.maxOps < DEFAULT_SHAPE.maxOps ? shape.maxOps : shape.maxOps * LIFECYCLE_STRETCH);
};

/** how far past maxOps a case's last lifecycle may run */
export const LIFECYCLE_STRETCH = 3;


/**
 * A case from its head (the prelude) and body. `shareVcpus` false keeps every vCPU's
 * ioctls on its own thread: PPC cases, whose built-in impl crashes when two threads run
 * one PPC vCPU (an impl bug the lead knows of; see docs/DESIGN.md).
 */
export const assemble = (config: HostConfig, head: Op[], body: Drawn[], shape: CaseShape, shareVcpus = true): TestCase => {
  const threads = Math.max(1, shape.vcpus);
  const ops = [...head, ...body.map(([op]) => op)];
  if (threads === 1) return { config, ops };
  const preemptions = body.flatMap(([, , p], i) => (p ? [{ op: head.length + i, ...p }] : []));
  // the head (VM, slots, vCPUs) is the case's prelude: it completes before the threads race
  return { config, ops, threads: [...head.map(() => 0), ...body.map(([op, t]) => threadOf(op, t, threads, shareVcpus))], preemptions, ...(head.length > 0 && { prelude: head.length }) };
};

/** the odds (percent) that the regime's head op and a PPC prelude op are kept */
export const HEAD_KEEP = 95;
export const PPC_PRELUDE_KEEP = 96;
/** the mix of cases by weight: x86 on several threads, x86 on one, PPC HV; x86 alone on one thread */
export const CASE_MIX = { concurrent: 3, sequential: 2, ppc: 2, sequentialOnly: 5 } as const;

/** an x86 case from its prelude and regime-head keep flags and its body */
export const x86Case = (shape: CaseShape, swarm: Swarm, d: { config: HostConfig; kept: boolean[]; keptHead: boolean[]; body: Drawn[] }): TestCase =>
  // the smallMmu regime wears down shadow pages, which only a host without TDP makes per guest table
  assemble(swarm.regime === 'smallMmu' ? { ...d.config, tdp: false } : d.config, [...prelude(shape.vcpus).filter((_, i) => d.kept[i]).map((p) => p.op), ...regimeHead(swarm).filter((_, i) => d.keptHead[i])], d.body, shape);

/** An x86 case: its swarm (swarm.ts) first, then the prelude, the regime's head and the body. */
const x86CaseArb = (shape: CaseShape, pieces: (vcpus: number, swarm: Swarm) => fc.Arbitrary<Op[]>): fc.Arbitrary<TestCase> =>
  swarmArb(shape.vcpus <= 1).chain((swarm) =>
    fc
      .record({
        config: configArb,
        // each prelude op is kept with its own odds and shrinks towards being dropped
        kept: fc.tuple(...prelude(shape.vcpus).map((p) => chance(p.keepPercent))),
        // the regime's head too: it shrinks away like the prelude
        keptHead: fc.tuple(...regimeHead(swarm).map(() => chance(HEAD_KEEP))),
        body: bodyArb(pieces(shape.vcpus, swarm), shape),
      })
      .map((d) => x86Case(shape, swarm, d)),
  );

/** A case around one PPC HV VM (see arbitraries-ppc.ts), on as many threads as x86 cases. */
const ppcCaseArb = (shape: CaseShape): fc.Arbitrary<TestCase> =>
  ppcConfigArb.chain((c) =>
    fc
      .record({
        config: configArb,
        // not chained: each kept flag shrinks towards dropping its op on its own; kept 96%
        // of the time, as a case without its slot at gpa 0 or its vCPUs tests little
        prelude: fc.tuple(ppcPreludeArb(c), fc.tuple(...Array.from({ length: PPC_PRELUDE_MAX }, () => chance(PPC_PRELUDE_KEEP)))).map(([p, kept]) => p.filter((_, i) => kept[i])),
        body: bodyArb(ppcPieceArb(c), shape),
      })
      .map(({ config, prelude, body }) => assemble(config, prelude, body, shape, false)),
  );

/**
 * The mix: x86 cases on several threads (without the operations SEQUENTIAL_ONLY names),
 * x86 cases with every operation and lifecycle on one thread, and PPC HV cases.
 */
export const testCaseArb = (shape: CaseShape = DEFAULT_SHAPE): fc.Arbitrary<TestCase> => {
  if (!(shape.maxOps >= 1 && shape.maxOps <= MAX_CASE_OPS)) throw new RangeError(`maxOps must be 1..${MAX_CASE_OPS}, got ${shape.maxOps}`);
  const ppc = shape.platforms?.includes('ppcHv') ?? true;
  const x86 = shape.platforms?.includes('x86') ?? true;
  const mix: fc.WeightedArbitrary<TestCase>[] =
    shape.vcpus <= 1
      ? [{ weight: CASE_MIX.sequentialOnly, arbitrary: x86CaseArb(shape, pieceArb) }]
      : [
          { weight: CASE_MIX.concurrent, arbitrary: x86CaseArb(shape, concurrentPieceArb) },
          { weight: CASE_MIX.sequential, arbitrary: x86CaseArb({ ...shape, vcpus: 1 }, pieceArb) },
        ];
  return fc.oneof(...(x86 ? mix : []), ...(ppc || !x86 ? [{ weight: CASE_MIX.ppc, arbitrary: ppcCaseArb(shape) }] : []));
};
