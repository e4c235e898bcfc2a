/**
 * Runs operations as threads on the built-in impl by hand: each thread is the generator
 * impl.exec(op), stepped from one preemption point to the next in the order a test
 * chooses, with host.current set to its thread id. Every monitor sees the whole trace, with
 * opBegin/opEnd per thread, as the runner would show it.
 */
import type { TraceRecord } from '../api/events.js';
import type { HostConfig, Op } from '../api/ops.js';
import type { Result } from '../api/results.js';
import { threadId } from '../api/ids.js';
import { BuiltinKvm } from '../impl/builtin.js';
import type { Gen, PreemptPoint } from '../impl/preempt.js';
import { MONITORS } from '../oracle/monitors/index.js';
import { asViolation } from '../oracle/monitor.js';

export const HOST: HostConfig = { vendor: 'vmx', tdp: false };

export interface Violation {
  readonly id: string;
  readonly message: string;
}

export interface ThreadRun {
  readonly impl: BuiltinKvm;
  /** the first invariant broken, or null */
  readonly violation: Violation | null;
  /** each thread's result, by thread index */
  readonly results: Result[];
  /** where each step stopped: `T<i> <point>` or `T<i> done` */
  readonly steps: string[];
}

/**
 * `setup` runs first on thread 0, sequentially. Then thread i+1 runs threads[i]: the
 * schedule lists thread indexes, one step each; afterwards every unfinished thread runs to
 * the end, round robin (a thread waiting for a lock yields its turn).
 */
export const runThreads = (mutant: string | null, setup: readonly Op[], threads: readonly Op[], schedule: readonly number[], disabled: readonly string[] = []): ThreadRun => {
  const impl = new BuiltinKvm(HOST, mutant);
  const monitors = MONITORS.filter((m) => !disabled.includes(m.id)).map((m) => [m.id, m.create()] as const);
  let violation: Violation | null = null;
  const feed = (r: TraceRecord): void => {
    for (const [id, m] of monitors) {
      const v = m.observe(r, impl.host.current);
      if (v && !violation) violation = { id, ...asViolation(v) };
    }
  };
  feed({ ev: 'hostConfig', config: HOST });
  setup.forEach((op, index) => {
    impl.host.current = 0;
    feed({ ev: 'opBegin', tid: threadId(0), index, op });
    const result = impl.apply(op);
    impl.drainEvents().forEach(feed);
    feed({ ev: 'opEnd', tid: threadId(0), index, op, result });
  });

  const results: Result[] = [];
  const steps: string[] = [];
  const gens: (Gen<Result> | null)[] = threads.map(() => null);
  const done = threads.map(() => false);
  /** one step of thread i: where it stopped, or null when it finished */
  const step = (i: number): PreemptPoint | null => {
    const tid = threadId(i + 1);
    const index = setup.length + i;
    impl.host.current = tid;
    if (!gens[i]) {
      gens[i] = impl.exec(threads[i]!);
      feed({ ev: 'opBegin', tid, index, op: threads[i]! });
    }
    const r = gens[i]!.next();
    impl.drainEvents().forEach(feed);
    if (!r.done) {
      steps.push(`T${i} ${r.value.at}${'lock' in r.value ? ` ${r.value.lock}` : ''}`);
      return r.value;
    }
    done[i] = true;
    results[i] = r.value;
    steps.push(`T${i} done`);
    feed({ ev: 'opEnd', tid, index, op: threads[i]!, result: r.value });
    return null;
  };
  for (const i of schedule) if (!done[i]) step(i);
  for (let guard = 0; done.includes(false); guard++) {
    if (guard > 10_000) throw new Error(`threads do not finish: ${steps.slice(-6).join(', ')}`);
    for (let i = 0; i < threads.length; i++) {
      while (!done[i]) if (step(i)?.at === 'wait') break;
    }
  }
  return { impl, violation, results, steps };
};

/** the same threads, one after the other: what a single vCPU thread can do */
export const runSequentially = (mutant: string | null, setup: readonly Op[], threads: readonly Op[], disabled: readonly string[] = []): ThreadRun =>
  runThreads(mutant, setup, threads, [], disabled);
