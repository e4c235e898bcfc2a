/**
 * The implementation under test, behind one interface. The built-in impl (impl/) is the
 * first implementation; a user's own goes behind the same three calls.
 */
import type { AbstractState } from './abstract.js';
import type { TraceEvent } from './events.js';
import type { HostConfig, Op } from './ops.js';
import type { Result } from './results.js';

export interface Implementation {
  /** apply one operation to completion and return what userspace would see */
  apply(op: Op): Result;
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
