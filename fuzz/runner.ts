/**
 * The lockstep runner: applies a test case to an implementation and the model side by
 * side, feeds the trace to the monitors and checks conformance after every step. It takes
 * the case as data and knows nothing of fast-check.
 */
import type { ImplementationFactory, Implementation } from '../api/implementation.js';
import type { TraceEvent, TraceRecord } from '../api/events.js';
import type { TestCase } from '../api/ops.js';
import { threadId } from '../api/ids.js';
import { initialState, type ModelState } from '../model/state.js';
import { step } from '../model/step.js';
import { abstractModel } from '../model/abstract.js';
import type { FailureId, Monitor } from '../oracle/monitor.js';
import { MONITORS } from '../oracle/monitors/index.js';
import { checkResult, checkState } from '../oracle/conformance.js';

export interface RunOptions {
  readonly factory: ImplementationFactory;
  readonly mutant: string | null;
  /** invariant ids whose monitors are switched off */
  readonly disabled?: ReadonlySet<string>;
  /** keep the whole trace in the outcome (for reports; off in the fuzz loop) */
  readonly keepTrace?: boolean;
}

export interface Failure {
  readonly id: FailureId;
  /** index of the operation during which it was seen */
  readonly step: number;
  readonly message: string;
}

export interface RunOutcome {
  readonly failure: Failure | null;
  /** operations applied (all of them when nothing failed) */
  readonly steps: number;
  readonly trace: readonly TraceRecord[];
}

const MAIN = threadId(0);

export const runCase = (tc: TestCase, opts: RunOptions): RunOutcome => {
  const trace: TraceRecord[] = [];
  const monitors: [string, Monitor][] = MONITORS.filter((m) => !opts.disabled?.has(m.id)).map((m) => [m.id, m.create()]);
  const feed = (r: TraceRecord, index: number): Failure | null => {
    if (opts.keepTrace) trace.push(r);
    for (const [id, m] of monitors) {
      const msg = m.observe(r);
      if (msg) return { id: id as FailureId, step: index, message: msg };
    }
    return null;
  };
  const done = (failure: Failure | null, steps: number): RunOutcome => ({ failure, steps, trace });

  let impl: Implementation;
  try {
    impl = opts.factory.create(tc.config, opts.mutant);
  } catch (e) {
    return done({ id: 'IMPL_CRASH', step: -1, message: `creating the implementation threw: ${errorText(e)}` }, 0);
  }
  let model: ModelState = initialState(tc.config);
  const first = feed({ ev: 'hostConfig', config: tc.config }, -1);
  if (first) return done(first, 0);

  for (let i = 0; i < tc.ops.length; i++) {
    const op = tc.ops[i]!;
    let f = feed({ ev: 'opBegin', tid: MAIN, index: i, op }, i);
    let result;
    let events;
    try {
      result = impl.apply(op);
      events = impl.drainEvents();
    } catch (e) {
      // what the impl traced before it threw may already break an invariant: that comes first
      for (const ev of safeDrain(impl)) f ??= feed(ev, i);
      return done(f ?? { id: 'IMPL_CRASH', step: i, message: errorText(e) }, i + 1);
    }
    for (const ev of events) f ??= feed(ev, i);
    f ??= feed({ ev: 'opEnd', tid: MAIN, index: i, op, result }, i);
    if (f) return done(f, i + 1);
    const expected = step(model, op);
    model = expected.state;
    const bad = checkResult(result, expected.result) ?? checkState(impl.abstract(), abstractModel(model));
    if (bad) return done({ id: 'CONFORMANCE', step: i, message: bad }, i + 1);
  }
  return done(null, tc.ops.length);
};

const safeDrain = (impl: Implementation): TraceEvent[] => {
  try {
    return impl.drainEvents();
  } catch {
    return [];
  }
};

export const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));
