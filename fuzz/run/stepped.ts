/**
 * Runs a case operation by operation under the deterministic scheduler: stepped between
 * preemption points when the implementation can be (begin/step), else each operation
 * applied whole, its events attributed to the thread that issued it.
 */
import type { Implementation, OpThread } from '../../api/implementation.js';
import type { AbstractState } from '../../api/abstract.js';
import type { Op, TestCase } from '../../api/ops.js';
import { threadId } from '../../api/ids.js';
import type { Interval } from '../../oracle/linearize.js';
import { Scheduler, describeDeadlock, makeThreads } from './scheduler.js';
import { faultOf, guarded } from './fault.js';
import { Stop, attribute, type Executed, type Feed, type Mark } from './types.js';

/** a thread that takes more steps than this on one operation is reported as hung */
export const MAX_STEPS_PER_OP = 10_000;

const atomically = (impl: Implementation, tid: number, op: Op): OpThread => ({ step: () => ({ done: true, result: impl.apply(op, tid) }) });

export const executeStepped = (tc: TestCase, threadOf: readonly number[], impl: Implementation, stepped: boolean, eachState: boolean, feed: Feed, mark?: Mark, onStep?: (index: number) => void): Executed => {
  const threads = makeThreads(threadOf);
  const sched = new Scheduler(tc.preemptions ?? [], tc.prelude);
  const single = threads.length <= 1;
  const done: Interval[] = [];
  const states: AbstractState[] | null = single && eachState ? [] : null;
  const began = new Map<number, number>();
  let clock = 0;
  let steps = 0;
  const events = (tid: number, index: number) => {
    for (const ev of guarded('drainEvents()', () => impl.drainEvents())) feed(stepped ? ev : attribute(ev, tid), tid, index);
  };
  for (;;) {
    const t = sched.pick(threads);
    if (t === null) {
      const stuck = threads.find((x) => x.current);
      if (stuck) throw new Stop({ id: 'DEADLOCK', step: stuck.current!.index, message: `deadlock: ${describeDeadlock(threads)}` });
      return { done, single, states, final: guarded('abstract()', () => impl.abstract()), preempted: sched.taken };
    }
    if (t.current === null) {
      const index = t.queue.shift()!;
      const op = tc.ops[index]!;
      feed({ ev: 'opBegin', tid: threadId(t.tid), index, op }, t.tid, index);
      began.set(index, clock++);
      t.current = { index, op: stepped ? impl.begin!(t.tid, op) : atomically(impl, t.tid, op), steps: 0 };
      steps = 0;
    }
    const { index } = t.current;
    let s;
    onStep?.(index);
    try {
      s = t.current.op.step();
    } catch (e) {
      try {
        events(t.tid, index);
      } catch {
        // the step's own failure is the one to report
      }
      throw new Stop({ ...faultOf(e), step: index });
    }
    events(t.tid, index);
    if (s.done) {
      const op = tc.ops[index]!;
      if (s.result === undefined || s.result === null) throw new Stop({ id: 'IMPL_CRASH', step: index, message: `operation ${index} returned no result (${String(s.result)})` });
      feed({ ev: 'opEnd', tid: threadId(t.tid), index, op, result: s.result }, t.tid, index);
      done.push({ index, op, tid: t.tid, result: s.result, begin: began.get(index)!, end: clock++ });
      states?.push(guarded('abstract()', () => impl.abstract()));
      t.current = null;
      t.point = null;
    } else {
      t.point = s.point;
      mark?.(t.tid, index, s.point);
      t.current.steps++;
      sched.stepped(t);
      if (++steps > MAX_STEPS_PER_OP) throw new Stop({ id: 'IMPL_HANG', step: index, message: `thread ${t.tid} took more than ${MAX_STEPS_PER_OP} steps in operation ${index}` });
    }
  }
};
