/**
 * The lockstep runner: applies a test case to an implementation and the model side by
 * side, feeds the trace to the monitors and checks conformance. Operations run on harness
 * threads under the deterministic scheduler, stepped (run/stepped.ts) or as one whole case
 * (run/whole.ts); with one thread the result and abstract state are checked after every
 * operation, with several the results are checked for a linearization. It takes the case
 * as data and knows nothing of fast-check.
 */
import type { Implementation, ImplementationFactory, SchedPoint } from '../../api/implementation.js';
import type { TraceRecord } from '../../api/events.js';
import type { TestCase } from '../../api/ops.js';
import type { Result } from '../../api/results.js';
import type { AbstractState } from '../../api/abstract.js';
import type { ModelState } from '../../model/state.js';
import type { Monitor } from '../../oracle/monitor.js';
import { MonitorSet, applicableFor } from './monitors.js';
import { executeStepped } from './stepped.js';
import { executeWhole } from './whole.js';
import { conformance } from './conformance.js';
import { NotRunnable, faultOf, guarded } from './fault.js';
import { Stop, type Evidence, type Failure, type KeepTrace, type Mark } from './types.js';
import type { Outcome } from '../../model/outcome.js';
import { evidenceOf, type Checked } from './evidence.js';

export type { Basis, Evidence, Failure, KeepTrace } from './types.js';
export { MAX_STEPS_PER_OP } from './stepped.js';
export { errorText } from './fault.js';

/** How to drive an implementation that can do both: 'auto' steps only cases with several threads. */
export type DriveMode = 'auto' | 'stepped' | 'apply' | 'whole';

export interface RunOptions {
  readonly factory: ImplementationFactory;
  readonly mutant: string | null;
  /** invariant ids whose monitors are switched off */
  readonly disabled?: ReadonlySet<string>;
  /**
   * keep the whole trace in the outcome, with the evidence of a failure (for reports and
   * shrinking; off in the fuzz loop); 'failing': only when the run fails
   */
  readonly keepTrace?: KeepTrace;
  /** called with every record as it is fed (stats and guided feedback count them here: no trace is kept for them) */
  readonly onRecord?: (record: TraceRecord, tid: number) => void;
  /** how to drive it (default auto; bench compares the modes) */
  readonly mode?: DriveMode;
  /** on one thread, compare the abstract state after every operation (default) or only at the end */
  readonly eachState?: boolean;
  /** called as each operation begins (a worker reports it, so a hang names its operation) */
  readonly onOpBegin?: (index: number) => void;
  /** called before each step of a stepped operation (a hang names the operation that was stepped) */
  readonly onOpStep?: (index: number) => void;
  /** called as each operation returns (with onOpBegin: which ran, which hung, which never began) */
  readonly onOpEnd?: (index: number, result: Result) => void;
  /** called at the end of a run that passed, with the states it ended in (explore's pruning key) */
  readonly onEnd?: (end: RunEnd) => void;
  /** collect the rule outcomes the model took (RunOutcome.outcomes) */
  readonly coverage?: boolean;
}

/** Where a run that passed ended: the impl's abstract state, the model's, the monitors' memory. */
export interface RunEnd {
  readonly final: AbstractState;
  readonly model: ModelState;
  readonly monitors: readonly (readonly [string, Monitor])[];
  /** the harness thread of the operation that returned last */
  readonly lastTid: number;
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
  /** the implementation could not run the case here (its reason): nothing was judged */
  readonly unsupported: string | null;
  /** preemptions that switched threads */
  readonly preempted: number;
  readonly trace: readonly Traced[];
  /** with keepTrace, a failing run: the model's expected results and the order the check found */
  readonly evidence?: Evidence;
  /** with keepTrace, stepped runs: every preemption point a thread stopped at, in order */
  readonly points: readonly PointAt[];
  /** with coverage: the rule outcomes the model took (model/outcomes/), as far as the run was checked */
  readonly outcomes?: readonly Outcome[];
  /** the coverage features the implementation reported for the case (protocol `features`), if any */
  readonly features?: readonly string[];
}

/** A preemption point reached: by thread `tid` in operation `index`, when the trace had `traceAt` records. */
export interface PointAt {
  readonly tid: number;
  readonly index: number;
  readonly at: SchedPoint['at'];
  readonly lock?: string;
  readonly traceAt: number;
}

const modeFor = (impl: Implementation, o: RunOptions, single: boolean): 'stepped' | 'apply' | 'whole' => {
  const caps = o.factory.capabilities;
  const canStep = caps.stepping && impl.begin !== undefined;
  const canWhole = caps.wholeCase && impl.runCase !== undefined;
  const m = o.mode ?? 'auto';
  if (m === 'stepped' && canStep) return 'stepped';
  if (m === 'whole' && canWhole) return 'whole';
  if (m === 'apply') return 'apply';
  if (canStep && (!single || !canWhole)) return 'stepped';
  return canWhole ? 'whole' : 'apply';
};

export const runCase = (tc: TestCase, opts: RunOptions): RunOutcome => {
  const trace: { tid: number; record: TraceRecord }[] = [];
  const monitors = new MonitorSet(applicableFor(opts.factory, opts.disabled).run);
  let at = -1;
  const feed = (record: TraceRecord, tid: number, index: number): void => {
    at = index;
    if (record.ev === 'opBegin') opts.onOpBegin?.(index);
    else if (record.ev === 'opEnd') opts.onOpEnd?.(index, record.result);
    if (opts.keepTrace) trace.push({ tid, record });
    opts.onRecord?.(record, tid);
    const v = monitors.observe(record, tid);
    if (v) throw new Stop({ ...v, step: index });
  };
  const threadOf = tc.threads ?? tc.ops.map(() => 0);
  const single = new Set(threadOf).size <= 1;
  let preempted = 0;
  const points: PointAt[] = [];
  const mark: Mark = (tid, index, p) => {
    if (opts.keepTrace) points.push({ tid, index, at: p.at, ...(p.lock !== undefined && { lock: p.lock }), traceAt: trace.length });
  };
  const taken: Outcome[] | undefined = opts.coverage ? [] : undefined;
  let features: readonly string[] | undefined;
  let checked: Checked | undefined;
  const outcome = (failure: Failure | null, unchecked = false, unsupported: string | null = null): RunOutcome => {
    const kept = opts.keepTrace === true || (opts.keepTrace === 'failing' && failure !== null);
    let evidence: Evidence | undefined;
    try {
      evidence = kept && failure ? evidenceOf(tc, trace, single, checked) : undefined;
    } catch {
      // a model that cannot explain the run leaves the verdict without evidence, not without a verdict
    }
    return { failure, unchecked, unsupported, preempted, trace: kept ? trace : [], points: kept ? points : [], ...(evidence && { evidence }), ...(taken && { outcomes: taken }), ...(features && { features }) };
  };
  let impl: Implementation | null = null;
  try {
    impl = guarded('creating the implementation', () => opts.factory.create(tc.config, opts.mutant));
    feed({ ev: 'hostConfig', config: tc.config }, 0, -1);
    const mode = modeFor(impl, opts, single);
    const run =
      mode === 'whole'
        ? executeWhole(tc, threadOf, impl, opts.factory.capabilities.realThreads === true, opts.eachState ?? true, feed)
        : executeStepped(tc, threadOf, impl, mode === 'stepped', opts.eachState ?? true, feed, mark, opts.onOpStep);
    preempted = run.preempted;
    features = run.features;
    const onEnd = opts.onEnd;
    const end = onEnd && ((model: ModelState) => onEnd({ final: run.final, model, monitors: monitors.memory(), lastTid: run.done.at(-1)?.tid ?? 0 }));
    const c = conformance(tc, run, new Set(opts.factory.capabilities.abstract), end, taken, opts.keepTrace ? (lin) => (checked = lin) : undefined);
    return c === 'unchecked' ? outcome(null, true) : outcome(c);
  } catch (e) {
    if (e instanceof Stop) return outcome(e.failure);
    if (e instanceof NotRunnable) return outcome(null, false, e.message);
    return outcome({ ...faultOf(e), step: at });
  } finally {
    try {
      impl?.close?.();
    } catch {
      // a case that is over cannot fail any more
    }
  }
};
