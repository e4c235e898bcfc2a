/**
 * Runs a case in one call for an implementation that is not stepped (capabilities
 * wholeCase): the scheduler fixes the order of whole operations up front (only
 * preemptions before an operation can switch threads), the implementation runs them, and
 * the trace is fed to the monitors as if they had run one by one. An implementation with
 * real threads runs each harness thread concurrently and reports every operation's real
 * interval, which linearizability then uses.
 */
import type { Implementation } from '../../api/implementation.js';
import type { TestCase } from '../../api/ops.js';
import { threadId } from '../../api/ids.js';
import type { Interval } from '../../oracle/linearize.js';
import { Scheduler, makeThreads } from './scheduler.js';
import { ImplFault, NotRunnable, faultOf, guarded } from './fault.js';
import { Stop, attribute, type Executed, type Feed } from './types.js';

/** The order in which the scheduler issues whole operations: indexes into tc.ops. */
export const wholeOpOrder = (tc: TestCase, threadOf: readonly number[]): { order: number[]; preempted: number } => {
  const threads = makeThreads(threadOf);
  const sched = new Scheduler(tc.preemptions ?? [], tc.prelude);
  const order: number[] = [];
  for (let t = sched.pick(threads); t !== null; t = sched.pick(threads)) order.push(t.queue.shift()!);
  return { order, preempted: sched.taken };
};

export const executeWhole = (tc: TestCase, threadOf: readonly number[], impl: Implementation, realThreads: boolean, eachState: boolean, feed: Feed): Executed => {
  const { order, preempted } = wholeOpOrder(tc, threadOf);
  const single = new Set(threadOf).size <= 1;
  const withStates = single && eachState;
  const run = guarded('runCase()', () => impl.runCase!(order.map((i) => ({ tid: threadOf[i]!, op: tc.ops[i]! })), withStates, tc.prelude ?? 0));
  const failedAt = run.error ? run.error.index : null;
  const complete = failedAt ?? order.length;
  if (run.steps.length < complete) throw new ImplFault('IMPL_PROTOCOL', `case reply has ${run.steps.length} steps for ${complete} operations`);
  // with real threads the trace is fed in the order the operations began
  const fed = order.slice(0, complete).map((index, k) => ({ index, step: run.steps[k]! }));
  if (realThreads) fed.sort((a, b) => (a.step.begin ?? 0) - (b.step.begin ?? 0) || a.index - b.index);
  const done: Interval[] = [];
  let clock = 0;
  for (const { index, step } of fed) {
    const tid = threadOf[index]!;
    const op = tc.ops[index]!;
    feed({ ev: 'opBegin', tid: threadId(tid), index, op }, tid, index);
    for (const ev of step.events) feed(attribute(ev, tid), tid, index);
    feed({ ev: 'opEnd', tid: threadId(tid), index, op, result: step.result }, tid, index);
    const [begin, end] = realThreads ? realInterval(step, index) : [clock++, clock++];
    done.push({ index, op, tid, result: step.result, begin, end });
  }
  if (failedAt !== null) {
    const index = order[failedAt];
    if (run.error!.unsupported) throw new NotRunnable(`operation ${index ?? -1}: ${run.error!.message}`);
    throw new Stop({ ...faultOf(new Error(run.error!.message)), step: index ?? -1 });
  }
  if (withStates && run.steps.some((s) => s.state === undefined)) throw new ImplFault('IMPL_PROTOCOL', 'case reply lacks the abstract state after each operation (asked with "states": true)');
  if (!run.final) throw new ImplFault('IMPL_PROTOCOL', 'case reply has no "final" abstract state');
  const states = withStates ? run.steps.map((s) => s.state!) : null;
  if (realThreads) done.sort((a, b) => a.end - b.end);
  return { done, single, states, final: run.final, preempted, ...(run.features && { features: run.features }) };
};

const realInterval = (step: { begin?: number; end?: number }, index: number): [number, number] => {
  if (step.begin === undefined || step.end === undefined || step.end < step.begin) {
    throw new ImplFault('IMPL_PROTOCOL', `operation ${index}: a real-thread step needs "begin" <= "end"`);
  }
  return [step.begin, step.end];
};
