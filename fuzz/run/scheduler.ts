/**
 * The deterministic scheduler: harness threads each run their operations in program order.
 * The running thread keeps running until it finishes its operations or blocks on a lock,
 * except where the case preempts an operation after one of its preemption points; then
 * another runnable thread takes over. With no preemptions (what shrinking aims for) the run
 * has the fewest switches. Preemptions are anchored to operations, so they survive the
 * removal of unrelated operations while shrinking. A case's prelude (its first operations,
 * on thread 0) runs to completion before any other thread starts.
 */
import type { OpThread, SchedPoint } from '../../api/implementation.js';
import type { Preemption } from '../../api/ops.js';

export interface HarnessThread {
  readonly tid: number;
  /** indexes of the operations still to start, in program order */
  readonly queue: number[];
  /** the operation in progress and the preemption points it has passed */
  current: { readonly index: number; readonly op: OpThread; steps: number } | null;
  /** where it stopped last; a 'wait' blocks it until the lock is ready */
  point: SchedPoint | null;
}

export const makeThreads = (threadOf: readonly number[]): HarnessThread[] => {
  const n = threadOf.reduce((m, t) => Math.max(m, t), 0) + 1;
  const threads: HarnessThread[] = Array.from({ length: n }, (_, tid) => ({ tid, queue: [], current: null, point: null }));
  threadOf.forEach((t, i) => threads[t]!.queue.push(i));
  return threads;
};

const blocked = (t: HarnessThread): boolean => t.point?.at === 'wait' && !t.point.ready();

export const runnable = (t: HarnessThread): boolean => (t.current !== null ? !blocked(t) : t.queue.length > 0);

export class Scheduler {
  private readonly at = new Map<string, number>();
  private running = -1;
  /** a switch asked for by the last step: which other thread (1-based, modulo) */
  private pending: number | null = null;
  /** preemptions that switched threads */
  taken = 0;

  /** the case's prelude (TestCase.prelude): operations 0..prelude-1, on thread 0, run first and alone */
  constructor(preemptions: readonly Preemption[], private readonly prelude = 0) {
    for (const p of preemptions) if (p.op >= prelude) this.at.set(`${p.op}:${p.after}`, p.to);
  }

  /** called after thread `t` stopped at a preemption point */
  stepped(t: HarnessThread): void {
    if (t.current) this.pending = this.at.get(`${t.current.index}:${t.current.steps}`) ?? null;
  }

  /** the thread to step next, or null when none can run */
  pick(threads: readonly HarnessThread[]): HarnessThread | null {
    const first = threads[0];
    if (first && (first.current?.index ?? first.queue[0] ?? Infinity) < this.prelude) {
      // the prelude runs alone: a thread 0 that cannot go on is a deadlock
      this.pending = null;
      this.running = 0;
      return runnable(first) ? first : null;
    }
    const ready = threads.filter(runnable);
    if (ready.length === 0) return null;
    const cur = ready.find((t) => t.tid === this.running);
    const others = ready.filter((t) => t !== cur);
    // `after` 0: the running thread yields before its next operation begins, once
    const before = cur && !cur.current ? `${cur.queue[0]}:0` : null;
    if (before !== null && this.at.has(before) && others.length) {
      this.pending = this.at.get(before)!;
      this.at.delete(before);
    }
    let next = cur ?? ready[0]!;
    if (cur && this.pending !== null && others.length) {
      next = others[(this.pending - 1) % others.length]!;
      this.taken++;
    }
    this.pending = null;
    this.running = next.tid;
    return next;
  }
}

/** "thread 1 waits for kvm->lock@vm0 held by thread 2; ..." for threads stuck on locks */
export const describeDeadlock = (threads: readonly HarnessThread[]): string =>
  threads
    .filter((t) => t.current !== null)
    .map((t) => {
      const p = t.point;
      if (p?.at !== 'wait') return `thread ${t.tid} cannot run`;
      const h = p.holders();
      const by = h.length ? `held by thread ${h.join(', ')}${h.includes(t.tid) ? ' (itself)' : ''}` : 'that nobody will release';
      return `thread ${t.tid} waits for ${p.lock} ${by}`;
    })
    .join('; ');
