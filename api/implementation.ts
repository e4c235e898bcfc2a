/**
 * The implementation under test, behind one interface. The built-in impl (impl/) is the
 * first implementation; a user's own goes behind the same three calls.
 */
import type { AbstractState } from './abstract.js';
import type { TraceEvent } from './events.js';
import type { HostConfig, Op } from './ops.js';
import type { Result } from './results.js';

/**
 * Where a thread stopped: a preemption point. 'wait' means it is blocked on a lock until
 * `ready()` is true; `holders()` names the threads holding it (for deadlock reports).
 */
export type SchedPoint =
  | { readonly at: 'lock' | 'alloc' | 'gup' | 'guestMem' | 'entry' | 'preempt'; readonly lock?: string }
  | { readonly at: 'wait'; readonly lock: string; ready(): boolean; holders(): number[] };

export type ThreadStep = { readonly done: true; readonly result: Result } | { readonly done: false; readonly point: SchedPoint };

/** An operation in progress on one harness thread. */
export interface OpThread {
  /** run until the next preemption point, or to completion */
  step(): ThreadStep;
}

export interface Implementation {
  /** apply one operation to completion and return what userspace would see */
  apply(op: Op): Result;
  /**
   * Start `op` on harness thread `tid` without running it. Optional: an implementation
   * without it runs each operation atomically, so only whole operations interleave.
   */
  begin?(tid: number, op: Op): OpThread;
  /** hand over (and forget) the tracepoint events emitted since the last call */
  drainEvents(): TraceEvent[];
  /** the abstraction of the current state, for the conformance check */
  abstract(): AbstractState;
}

/** Builds a fresh implementation for one test case. */
export interface ImplementationFactory {
  /** a name stored in counterexamples, e.g. "builtin" */
  readonly name: string;
  create(config: HostConfig, mutant: string | null): Implementation;
  /** the mutants this implementation knows, by name */
  readonly mutants: readonly string[];
}
