/** What the runner's parts hand each other: the failure, the trace, what an execution produced. */
import type { SchedPoint } from '../../api/implementation.js';
import type { AbstractState } from '../../api/abstract.js';
import type { TraceEvent, TraceRecord } from '../../api/events.js';
import type { FailureId } from '../../oracle/monitor.js';
import type { Interval } from '../../oracle/linearize.js';
import type { Result } from '../../api/results.js';

export interface Failure {
  readonly id: FailureId;
  /** index of the operation during which it was seen */
  readonly step: number;
  readonly message: string;
  /**
   * how it broke, named (part of the signature): a monitor's reason, or for CONFORMANCE
   * the kind of difference ("result", "state vms.slots"); absent for the harness's verdicts
   */
  readonly reason?: string;
  /** the monitor's check is not about the operation it fired in (oracle/monitor.ts) */
  readonly anyOp?: true;
}

/** how the expected results of a failing run were ordered */
export type Basis =
  | 'program order'
  | 'a linearization'
  | 'the longest partial linearization (no order explains every result)'
  | 'no order (the linearizability search gave up)';

/**
 * What a failing verdict rests on, returned with it when the run keeps its trace
 * (RunOptions.keepTrace), so that reports and shrinking need not run the case again: the
 * model's result of every operation, and with several threads the order the
 * linearizability check found (or the longest partial one, as Porcupine returns).
 */
export interface Evidence {
  readonly basis: Basis;
  /** by operation index: the model's result; null where it has none (never began, past where the order stops, or a model that cannot take the step) */
  readonly expected: readonly (Result | null)[];
  /** several threads: the order, by operation index (a phased operation once per phase); null on one thread */
  readonly linearization: readonly number[] | null;
}

/** keep the trace (and the evidence) of every run, or only of one that fails */
export type KeepTrace = boolean | 'failing';

/** Thrown inside a run to end it with a failure. */
export class Stop {
  constructor(readonly failure: Failure) {}
}

/** Feeds one record, seen on harness thread `tid` during operation `index`, to the monitors. */
export type Feed = (record: TraceRecord, tid: number, index: number) => void;

/** What an execution produced: the operations' intervals in completion order, and states. */
export interface Executed {
  readonly done: readonly Interval[];
  /** one harness thread: program order is the only order */
  readonly single: boolean;
  /** the abstract state after each operation of `done` (one thread only, when asked), else null */
  readonly states: readonly AbstractState[] | null;
  /** the abstract state at the end */
  readonly final: AbstractState;
  /** preemptions that switched threads */
  readonly preempted: number;
  /** the implementation's own coverage features of the case, if it reported any */
  readonly features?: readonly string[];
}

/**
 * An implementation that is not stepped does not know which harness thread issued an
 * operation; its events are attributed to the thread that did (lockdep's `tid` included).
 */
export const attribute = (ev: TraceEvent, tid: number): TraceEvent => ('tid' in ev && ev.tid !== tid ? ({ ...ev, tid } as TraceEvent) : ev);

/** a thread stopped at a preemption point (for reports: where the scheduler may switch) */
export type Mark = (tid: number, index: number, point: SchedPoint) => void;
