/**
 * The explored cases as test cases the runner (and replay) runs like any other: a node of
 * the search is a quiescent point (no operation in flight), reached by a case; a move adds
 * one operation, or a race, to that case so that the run of the longer case is the run of
 * the shorter one, then the move.
 *
 * How the scheduler (fuzz/run/scheduler.ts) is made to do that: the running thread keeps
 * running its queue, so the next operation goes on the thread that returned last (`main`):
 * when it returned, nothing else had work, so an operation queued behind it changes nothing
 * before. A race puts operation A on `main` and B on the other thread, and preempts A after
 * its k-th point (to the other thread, the only one with work). If the other thread has
 * run before, B also gets a yield before it begins (`after` 0): that yield is taken when the
 * other thread returned from its earlier operation (`main` had work then), where the
 * scheduler would have switched anyway, so B waits until A's preemption. Only two threads:
 * with a third, "the other thread" is no longer one.
 */
import type { Op, Preemption, TestCase } from '../../api/ops.js';
import { SEQUENTIAL_ONLY } from '../gen/arbitraries-x86.js';
import type { Domain } from './domain.js';
import type { Cut, Job } from './probe.js';

export interface Node {
  readonly domain: number;
  readonly tc: TestCase;
  /** operations after the prelude */
  readonly depth: number;
  /** preemptions inside operations (not the yields between them) */
  readonly preempted: number;
  /** the thread that returned last: the next operation goes there */
  readonly main: number;
  /**
   * an operation the model cannot check against a concurrent run (SEQUENTIAL_ONLY) is in
   * the case: no race may follow, as fuzz never mixes them either
   */
  readonly sequential: boolean;
}

/** a job and the node its run reaches, once the probe says where that is */
export interface Planned extends Job {
  readonly parent: Node;
  readonly depth: number;
  readonly preempted: number;
  readonly sequential: boolean;
}

export const rootJob = (d: Domain, index: number): Planned => {
  const tc: TestCase = { config: d.config, ops: [...d.prelude] };
  const parent: Node = { domain: index, tc, depth: 0, preempted: 0, main: 0, sequential: false };
  return { tc, moved: [], parent, depth: 0, preempted: 0, sequential: false };
};

/** the node a planned job reaches, from the thread its probe returned last on */
export const nodeOf = (p: Planned, lastTid: number): Node => ({ domain: p.parent.domain, tc: p.tc, depth: p.depth, preempted: p.preempted, main: lastTid, sequential: p.sequential });

const threadsOf = (tc: TestCase): number[] => [...(tc.threads ?? tc.ops.map(() => 0))];

export const raceable = (op: Op): boolean => !SEQUENTIAL_ONLY.has(op.kind);

/** `op` after the node's case, on its main thread */
export const seqJob = (n: Node, op: Op): Planned => {
  const i = n.tc.ops.length;
  const tc: TestCase = n.tc.threads ? { ...n.tc, ops: [...n.tc.ops, op], threads: [...n.tc.threads, n.main] } : { ...n.tc, ops: [...n.tc.ops, op] };
  return { tc, moved: [i], parent: n, depth: n.depth + 1, preempted: n.preempted, sequential: n.sequential || !raceable(op) };
};

/** A on the main thread, preempted after its `after`-th point, and B on the other thread */
export const raceJob = (n: Node, a: Op, b: Op, after: number): Planned => {
  const [ia, ib] = [n.tc.ops.length, n.tc.ops.length + 1];
  const threads = threadsOf(n.tc);
  const other = 1 - n.main;
  const yieldFirst: Preemption[] = threads.includes(other) ? [{ op: ib, after: 0, to: 1 }] : [];
  const tc: TestCase = {
    ...n.tc,
    ops: [...n.tc.ops, a, b],
    threads: [...threads, n.main, other],
    preemptions: [...(n.tc.preemptions ?? []), { op: ia, after, to: 1 }, ...yieldFirst],
  };
  return { tc, moved: [ia, ib], parent: n, depth: n.depth + 2, preempted: n.preempted + 1, sequential: false };
};

/** the same race with one more preemption, at a point its probe reached after the last one */
export const refineJob = (p: Planned, cut: Cut): Planned => ({
  ...p,
  tc: { ...p.tc, preemptions: [...(p.tc.preemptions ?? []), { op: cut.op, after: cut.after, to: 1 }] },
  preempted: p.preempted + 1,
});
