/**
 * Deriving a new case from kept ones, as AFL and syzkaller do, on whole operations: insert
 * a drawn operation (or a piece: a lifecycle, a contending pair), delete one, swap two
 * neighbours, change a value, splice two cases, move an operation to another thread, add
 * or drop a preemption. New operations come from the generators' own arbitraries
 * (opArb/pieceArb, ppcPieceArb), so their value domains flow in. Every result is a valid
 * case: threads and preemptions follow the operations, and a case on several threads has
 * none of the operations the model checks on one thread only.
 */
import fc from 'fast-check';
import type { Op, PpcHvConfig, TestCase } from '../../api/ops.js';
import { OpSchema } from '../../api/ops.js';
import { MAX_THREADS } from '../../api/bounds.js';
import { SEQUENTIAL_ONLY, opArb, pieceArb } from '../gen/arbitraries-x86.js';
import { ppcPieceArb } from '../gen/arbitraries-ppc.js';
import { keepOps } from '../gen/reach.js';

/** what a mutation draws from: the random source, the case's vCPUs (threads), and a second case to splice */
export interface MutationInput {
  readonly random: fc.Random;
  readonly vcpus: number;
  readonly other: TestCase;
}

type Mutation = (tc: TestCase, m: MutationInput) => TestCase;

const pick = <T>(r: fc.Random, xs: readonly T[]): T => xs[r.nextInt(0, xs.length - 1)]!;
const threadsOf = (tc: TestCase): number[] => tc.threads ? [...tc.threads] : tc.ops.map(() => 0);

/** the PPC VM a case creates, if any: its operations are drawn for it */
const ppcOf = (tc: TestCase): PpcHvConfig | undefined => tc.ops.find((o): o is Extract<Op, { kind: 'createVm' }> => o.kind === 'createVm' && !!o.ppc)?.ppc;

const drawOps = (tc: TestCase, m: MutationInput): Op[] => {
  const c = ppcOf(tc);
  const arb = c ? ppcPieceArb(c) : m.random.nextInt(0, 3) === 0 ? pieceArb(m.vcpus) : opArb(m.vcpus).map((o) => [o]);
  return arb.generate(m.random, undefined).value;
};

/** `ops` inserted before operation `at`, on `thread` */
const insertAt = (tc: TestCase, at: number, ops: readonly Op[], thread: number): TestCase => {
  const n = ops.length;
  const opsOut = [...tc.ops.slice(0, at), ...ops, ...tc.ops.slice(at)];
  if (!tc.threads) return { ...tc, ops: opsOut };
  const threads = [...tc.threads.slice(0, at), ...ops.map(() => thread), ...tc.threads.slice(at)];
  const preemptions = (tc.preemptions ?? []).map((p) => (p.op >= at ? { ...p, op: p.op + n } : p));
  return { ...tc, ops: opsOut, threads, preemptions };
};

const insert: Mutation = (tc, m) => {
  const at = m.random.nextInt(0, tc.ops.length);
  return insertAt(tc, at, drawOps(tc, m), pick(m.random, threadsOf(tc).length ? threadsOf(tc) : [0]));
};

const remove: Mutation = (tc, m) => {
  const drop = m.random.nextInt(0, tc.ops.length - 1);
  return keepOps(tc, tc.ops.map((_, i) => i).filter((i) => i !== drop));
};

const swap: Mutation = (tc, m) => {
  if (tc.ops.length < 2) return tc;
  const i = m.random.nextInt(0, tc.ops.length - 2);
  // keepOps renumbers threads and preemptions along any order
  return keepOps(tc, tc.ops.map((_, k) => (k === i ? i + 1 : k === i + 1 ? i : k)));
};

/** one value of one operation changed: a neighbour, 0, double, a flipped bit, or the same field of another operation */
const change: Mutation = (tc, m) => {
  const i = m.random.nextInt(0, tc.ops.length - 1);
  const o = tc.ops[i]! as Record<string, unknown>;
  const fields = Object.keys(o).filter((k) => typeof o[k] === 'number' || typeof o[k] === 'boolean');
  if (fields.length === 0) return tc;
  const f = pick(m.random, fields);
  const v = o[f];
  const peers = tc.ops.map((x) => (x as Record<string, unknown>)[f]).filter((x) => typeof x === 'number') as number[];
  const next = typeof v === 'boolean' ? !v : pick(m.random, [(v as number) + 1, (v as number) - 1, 0, (v as number) * 2, (v as number) ^ (1 << m.random.nextInt(0, 31)), pick(m.random, peers)]);
  const parsed = OpSchema.safeParse({ ...o, [f]: next });
  if (!parsed.success) return tc;
  return { ...tc, ops: tc.ops.map((x, k) => (k === i ? parsed.data : x)) };
};

/** the head of this case and the tail of another */
const splice: Mutation = (tc, m) => {
  const a = m.random.nextInt(0, tc.ops.length);
  const b = m.random.nextInt(0, m.other.ops.length);
  const ops = [...tc.ops.slice(0, a), ...m.other.ops.slice(b)];
  if (!tc.threads && !m.other.threads) return { ...tc, ops };
  const threads = [...threadsOf(tc).slice(0, a), ...threadsOf(m.other).slice(b)];
  const preemptions = [
    ...(tc.preemptions ?? []).filter((p) => p.op < a),
    ...(m.other.preemptions ?? []).filter((p) => p.op >= b).map((p) => ({ ...p, op: p.op - b + a })),
  ];
  return { ...tc, ops, threads, preemptions };
};

/** an operation moved to another thread (two threads on one vCPU contend for its mutex) */
const moveThread: Mutation = (tc, m) => {
  if (m.vcpus < 2 || tc.ops.length === 0) return tc;
  const threads = threadsOf(tc);
  const i = m.random.nextInt(0, threads.length - 1);
  threads[i] = (threads[i]! + m.random.nextInt(1, m.vcpus - 1)) % m.vcpus;
  return { ...tc, threads, preemptions: tc.preemptions ?? [] };
};

/** a preemption added (after one of the operation's first points) or one dropped */
const preempt: Mutation = (tc, m) => {
  if (!tc.threads || tc.ops.length === 0) return tc;
  const ps = tc.preemptions ?? [];
  if (ps.length && m.random.nextInt(0, 2) === 0) {
    const drop = m.random.nextInt(0, ps.length - 1);
    return { ...tc, preemptions: ps.filter((_, k) => k !== drop) };
  }
  const p = { op: m.random.nextInt(0, tc.ops.length - 1), after: m.random.nextInt(0, 8), to: m.random.nextInt(1, Math.min(3, MAX_THREADS)) };
  return { ...tc, preemptions: [...ps, p] };
};

/** the mutations, by weight */
const MUTATIONS: readonly (readonly [Mutation, number])[] = [
  [insert, 4], [remove, 3], [swap, 2], [change, 4], [splice, 2], [moveThread, 2], [preempt, 2],
];
const TOTAL = MUTATIONS.reduce((n, [, w]) => n + w, 0);

const oneMutation = (tc: TestCase, m: MutationInput): TestCase => {
  let x = m.random.nextInt(0, TOTAL - 1);
  for (const [f, w] of MUTATIONS) {
    if (x < w) return tc.ops.length === 0 && f !== insert && f !== splice ? insert(tc, m) : f(tc, m);
    x -= w;
  }
  return tc;
};

/**
 * A case on several threads must not hold an operation the model checks on one thread
 * only (SEQUENTIAL_ONLY): those are dropped; a case keeps at most `maxOps` operations.
 */
export const valid = (tc: TestCase, maxOps: number): TestCase => {
  const several = tc.threads !== undefined && new Set(tc.threads).size > 1;
  const keep = tc.ops.map((_, i) => i).filter((i) => i < maxOps && !(several && SEQUENTIAL_ONLY.has(tc.ops[i]!.kind)));
  const cut = keep.length === tc.ops.length ? tc : keepOps(tc, keep);
  const within = cut.preemptions ? { ...cut, preemptions: cut.preemptions.filter((p) => p.op < cut.ops.length) } : cut;
  return withValidPrelude(within);
};

/**
 * The prelude cut to the leading operations a mutation left on thread 0 and unpreempted
 * (an operation moved to another thread, or preempted, ends it); absent stays absent.
 */
const withValidPrelude = (tc: TestCase): TestCase => {
  if (tc.prelude === undefined) return tc;
  const preempted = new Set((tc.preemptions ?? []).map((p) => p.op));
  let n = 0;
  while (n < Math.min(tc.prelude, tc.ops.length) && (tc.threads?.[n] ?? 0) === 0 && !preempted.has(n)) n++;
  return n === tc.prelude ? tc : { ...tc, prelude: n };
};

/** `count` mutations of `tc` stacked, then made valid */
export const mutate = (tc: TestCase, m: MutationInput, count: number, maxOps: number): TestCase => {
  let out = tc;
  for (let k = 0; k < count; k++) out = oneMutation(out, m);
  return valid(out, maxOps);
};
