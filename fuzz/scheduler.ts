/**
 * The deterministic scheduler: harness threads each run their operations in program order,
 * and at every preemption point the case's schedule says which runnable thread goes next.
 * Choice 0 keeps the running thread, so a schedule of zeros (what shrinking aims for) is
 * the run with the fewest switches.
 */
import type { OpThread, SchedPoint } from '../api/implementation.js';

export interface HarnessThread {
  readonly tid: number;
  /** indexes of the operations still to start, in program order */
  readonly queue: number[];
  /** the operation in progress */
  current: { readonly index: number; readonly op: OpThread } | null;
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

export const runnable = (t: HarnessThread): boolean =>
  t.current !== null ? !blocked(t) : t.queue.length > 0;

export class Scheduler {
  private decision = 0;
  private running = -1;

  constructor(private readonly schedule: readonly number[]) {}

  /** the thread to step next, or null when none can run */
  pick(threads: readonly HarnessThread[]): HarnessThread | null {
    const ready = threads.filter(runnable);
    if (ready.length === 0) return null;
    const c = this.schedule[this.decision++] ?? 0;
    const cur = ready.find((t) => t.tid === this.running);
    let next: HarnessThread;
    if (cur && c === 0) next = cur;
    else if (cur) {
      const others = ready.filter((t) => t !== cur);
      next = others.length ? others[(c - 1) % others.length]! : cur;
    } else next = ready[c % ready.length]!;
    this.running = next.tid;
    return next;
  }

  /** scheduling decisions taken so far */
  get decisions(): number {
    return this.decision;
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
      const by = h.length ? `held by thread ${h.join(', ')}${h.includes(t.tid) ? ' (itself)' : ''}` : 'held by a thread that returned to userspace';
      return `thread ${t.tid} waits for ${p.lock} ${by}`;
    })
    .join('; ');
