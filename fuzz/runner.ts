/**
 * The lockstep runner: applies a test case to an implementation and the model side by
 * side, feeds the trace to the monitors and checks conformance. Operations run on harness
 * threads under the deterministic scheduler; with one thread the result and abstract state
 * are checked after every operation, with several the results are checked for a
 * linearization at the end. It takes the case as data and knows nothing of fast-check.
 */
import type { ImplementationFactory, Implementation, OpThread } from '../api/implementation.js';
import type { TraceRecord } from '../api/events.js';
import type { Op, TestCase } from '../api/ops.js';
import { threadId } from '../api/ids.js';
import { initialState, type ModelState } from '../model/state.js';
import { phases, step, stepPhase } from '../model/step.js';
import { abstractModel } from '../model/abstract.js';
import type { FailureId, Monitor } from '../oracle/monitor.js';
import { MONITORS } from '../oracle/monitors/index.js';
import { checkResult, checkState } from '../oracle/conformance.js';
import { linearize, type Interval } from '../oracle/linearize.js';
import { Scheduler, describeDeadlock, makeThreads } from './scheduler.js';

export interface RunOptions {
  readonly factory: ImplementationFactory;
  readonly mutant: string | null;
  /** invariant ids whose monitors are switched off */
  readonly disabled?: ReadonlySet<string>;
  /** keep the whole trace in the outcome (for reports; off in the fuzz loop) */
  readonly keepTrace?: boolean;
  /** called as each operation begins (a worker reports it, so a hang names its operation) */
  readonly onOpBegin?: (index: number) => void;
}

export interface Failure {
  readonly id: FailureId;
  /** index of the operation during which it was seen */
  readonly step: number;
  readonly message: string;
}

/** One record of the run and the harness thread it happened on. */
export interface Traced {
  readonly tid: number;
  readonly record: TraceRecord;
}

export interface RunOutcome {
  readonly failure: Failure | null;
  /** the linearizability search gave up (MAX_NODES): the results were not checked */
  readonly unchecked: boolean;
  /** preemptions that switched threads */
  readonly preempted: number;
  readonly trace: readonly Traced[];
}

/** a thread that takes more steps than this on one operation is reported as hung */
export const MAX_STEPS_PER_OP = 10_000;

class Stop {
  constructor(readonly failure: Failure) {}
}

export const runCase = (tc: TestCase, opts: RunOptions): RunOutcome => {
  const trace: Traced[] = [];
  const monitors: [string, Monitor][] = MONITORS.filter((m) => !opts.disabled?.has(m.id)).map((m) => [m.id, m.create()]);
  const feed = (record: TraceRecord, tid: number, index: number): void => {
    if (record.ev === 'opBegin') opts.onOpBegin?.(index);
    if (opts.keepTrace) trace.push({ tid, record });
    for (const [id, m] of monitors) {
      const msg = m.observe(record, tid);
      if (msg) throw new Stop({ id: id as FailureId, step: index, message: msg });
    }
  };
  const threadOf = tc.threads ?? tc.ops.map(() => 0);
  const sched = new Scheduler(tc.preemptions ?? []);
  const outcome = (failure: Failure | null, unchecked = false): RunOutcome => ({ failure, unchecked, preempted: sched.taken, trace });
  try {
    let impl: Implementation;
    try {
      impl = opts.factory.create(tc.config, opts.mutant);
    } catch (e) {
      return outcome({ id: 'IMPL_CRASH', step: -1, message: `creating the implementation threw: ${errorText(e)}` });
    }
    feed({ ev: 'hostConfig', config: tc.config }, 0, -1);
    const results = execute(tc, threadOf, impl, sched, feed);
    const c = conformance(tc, threadOf, impl, results);
    return c === 'unchecked' ? outcome(null, true) : outcome(c);
  } catch (e) {
    if (e instanceof Stop) return outcome(e.failure);
    throw e;
  }
};

type Feed = (record: TraceRecord, tid: number, index: number) => void;
const atomically = (impl: Implementation, op: Op): OpThread => ({ step: () => ({ done: true, result: impl.apply(op) }) });

/** Runs every operation to completion under the scheduler; returns the intervals. */
const execute = (tc: TestCase, threadOf: readonly number[], impl: Implementation, sched: Scheduler, feed: Feed): Interval[] => {
  const threads = makeThreads(threadOf);
  const done: Interval[] = [];
  const began = new Map<number, number>();
  let clock = 0;
  let steps = 0;
  for (;;) {
    const t = sched.pick(threads);
    if (t === null) {
      if (threads.some((x) => x.current)) throw new Stop({ id: 'DEADLOCK', step: threads.find((x) => x.current)!.current!.index, message: `deadlock: ${describeDeadlock(threads)}` });
      return done;
    }
    if (t.current === null) {
      const index = t.queue.shift()!;
      const op = tc.ops[index]!;
      feed({ ev: 'opBegin', tid: threadId(t.tid), index, op }, t.tid, index);
      began.set(index, clock++);
      t.current = { index, op: impl.begin ? impl.begin(t.tid, op) : atomically(impl, op), steps: 0 };
      steps = 0;
    }
    const { index } = t.current;
    let s;
    try {
      s = t.current.op.step();
    } catch (e) {
      for (const ev of safeDrain(impl)) feed(ev, t.tid, index);
      throw new Stop({ id: 'IMPL_CRASH', step: index, message: errorText(e) });
    }
    for (const ev of impl.drainEvents()) feed(ev, t.tid, index);
    if (s.done) {
      const op = tc.ops[index]!;
      feed({ ev: 'opEnd', tid: threadId(t.tid), index, op, result: s.result }, t.tid, index);
      done.push({ index, op, tid: t.tid, result: s.result, begin: began.get(index)!, end: clock++ });
      t.current = null;
      t.point = null;
    } else {
      t.point = s.point;
      t.current.steps++;
      sched.stepped(t);
      if (++steps > MAX_STEPS_PER_OP) throw new Stop({ id: 'IMPL_HANG', step: index, message: `thread ${t.tid} took more than ${MAX_STEPS_PER_OP} steps in operation ${index}` });
    }
  }
};

/** Results (and the final abstract state) against the model; 'unchecked' when the search gave up. */
const conformance = (tc: TestCase, threadOf: readonly number[], impl: Implementation, done: Interval[]): Failure | null | 'unchecked' => {
  let model: ModelState = initialState(tc.config);
  if (new Set(threadOf).size <= 1) {
    // one thread: program order is the only order; check state after every operation
    for (const it of done) {
      const expected = step(model, it.op, it.tid);
      model = expected.state;
      const bad = checkResult(it.result, expected.result);
      if (bad) return { id: 'CONFORMANCE', step: it.index, message: bad };
    }
  } else {
    const actual = impl.abstract();
    const lin = linearize(done, model, { phases, stepPhase, final: (m) => checkState(actual, abstractModel(m)) });
    if (lin === 'gave-up') return 'unchecked';
    if ('message' in lin) return { id: 'CONFORMANCE', step: lin.index, message: lin.message };
    model = lin.state;
  }
  const bad = checkState(impl.abstract(), abstractModel(model));
  return bad ? { id: 'CONFORMANCE', step: done.at(-1)?.index ?? -1, message: bad } : null;
};

const safeDrain = (impl: Implementation) => {
  try {
    return impl.drainEvents();
  } catch {
    return [];
  }
};

export const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));
