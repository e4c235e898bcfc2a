/**
 * The implementation under test, behind one interface. The built-in impl (impl/) is the
 * first implementation; a user's own goes behind the same calls, in process (`--impl
 * module:PATH`) or in another process over the protocol (`--impl exec:COMMAND`).
 */
import type { AbstractState } from './abstract.js';
import type { TraceEvent } from './events.js';
import type { HostConfig, Op } from './ops.js';
import type { Result } from './results.js';
import type { Capabilities, CaseStep } from './protocol.js';

export type { Capabilities, CaseStep } from './protocol.js';

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

/** A whole case as a non-stepped implementation ran it: one step per operation, in order. */
export interface CaseRun {
  readonly steps: readonly CaseStep[];
  /** the abstract state at the end (absent when an operation failed) */
  readonly final?: AbstractState;
  /** the operation that failed; the steps before it are complete */
  readonly error?: { readonly index: number; readonly message: string; readonly unsupported?: boolean };
  /** the implementation's own coverage of the case (protocol `features`), if it reports any */
  readonly features?: readonly string[];
}

export interface Implementation {
  /** apply one operation, issued by harness thread `tid`, to completion */
  apply(op: Op, tid: number): Result;
  /**
   * Start `op` on harness thread `tid` without running it (capabilities.stepping). An
   * implementation without it runs each operation atomically, so only whole operations
   * interleave, and the harness attributes its events to the issuing thread.
   */
  begin?(tid: number, op: Op): OpThread;
  /**
   * Run a whole case in one call (capabilities.wholeCase): the operations in the order
   * given, each with its thread; `states` asks for an abstract state after each. The
   * first `prelude` operations (thread 0) complete before any other begins, on real
   * threads too.
   */
  runCase?(ops: readonly { readonly tid: number; readonly op: Op }[], states: boolean, prelude?: number): CaseRun;
  /** hand over (and forget) the tracepoint events emitted since the last call */
  drainEvents(): TraceEvent[];
  /** the abstraction of the current state, for the conformance check */
  abstract(): AbstractState;
  /** the case is over: free what it holds */
  close?(): void;
}

/** Builds a fresh implementation for one test case. */
export interface ImplementationFactory {
  /** what it calls itself (the --impl spec is what counterexamples record) */
  readonly name: string;
  /** what it supports: operations, events, stepping, abstract-state parts, mutants, hosts */
  readonly capabilities: Capabilities;
  create(config: HostConfig, mutant: string | null): Implementation;
  /** the campaign is over: stop processes, close files */
  dispose?(): void;
}
