/**
 * What one model step returns, and the two ways most steps end. A step names the rule
 * outcomes it took (model/outcomes/): the spec coverage a campaign reports.
 */
import type { Result } from '../api/results.js';
import type { ModelState, ModelVcpu, ModelVm } from './state.js';
import type { Outcome } from './outcomes/index.js';

export type { Outcome } from './outcomes/index.js';

/**
 * One step of the model: the state after it, its result and the rule outcomes it took.
 * A phase of an operation that is not over (model/phases.ts) has result null.
 */
export interface Step<R extends Result | null = Result> {
  readonly state: ModelState;
  readonly result: R;
  /** the rule outcomes the step took, in order */
  readonly outcomes?: readonly Outcome[];
  /** (a phase only) it cannot be taken in this state: it waits for a lock another operation holds */
  readonly blocked?: boolean;
}

/** a phase of an operation: its result is null while the operation goes on */
export type Phase = Step<Result | null>;

/** A step on one VM (and one vCPU of it): also the VM (and vCPU) after it, which model/on.ts puts back in the state. */
export interface VmStep<R extends Result | null = Result> extends Step<R> {
  readonly vm: ModelVm;
}
export interface VcpuStep<R extends Result | null = Result> extends VmStep<R> {
  readonly vcpu: ModelVcpu;
}

type Ended<T> = T & { readonly result: Result; readonly outcomes?: readonly Outcome[] };
/** what a step ends on: the state, or the state with the VM (and vCPU) it changed */
type At = ModelState | { readonly state: ModelState };
const base = (at: At): { readonly state: ModelState } => ('state' in at ? at : { state: at });

/** The two ways a step ends: with -`code`, or with 0; each taking `outcome`. */
export function fail(at: ModelState, code: number, outcome?: Outcome): Step;
export function fail<T extends { readonly state: ModelState }>(at: T, code: number, outcome?: Outcome): Ended<T>;
export function fail(at: At, code: number, outcome?: Outcome): Ended<{ state: ModelState }> {
  return { ...base(at), result: { kind: 'errno', errno: code }, ...(outcome && { outcomes: [outcome] }) };
}
export function done(at: ModelState, outcome?: Outcome): Step;
export function done<T extends { readonly state: ModelState }>(at: T, outcome?: Outcome): Ended<T>;
export function done(at: At, outcome?: Outcome): Ended<{ state: ModelState }> {
  return { ...base(at), result: { kind: 'ok' }, ...(outcome && { outcomes: [outcome] }) };
}

/** `r` with outcome `o` taken after those it names */
export const named = <T extends { readonly outcomes?: readonly Outcome[] }>(r: T, ...o: Outcome[]): T => ({ ...r, outcomes: [...(r.outcomes ?? []), ...o] });
