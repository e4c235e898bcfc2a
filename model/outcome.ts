/**
 * What one model step returns, and the two ways most steps end. A step names the rule
 * outcomes it took (model/outcomes/): the spec coverage a campaign reports.
 */
import type { Result } from '../api/results.js';
import type { ModelState, ModelVcpu, ModelVm } from './state.js';
import type { Outcome } from './outcomes/index.js';

export type { Outcome } from './outcomes/index.js';

export interface Step {
  readonly state: ModelState;
  readonly result: Result;
  /** the rule outcomes the step took, in order */
  readonly outcomes?: readonly Outcome[];
}

export const fail = (state: ModelState, code: number, outcome?: Outcome): Step => ({ state, result: { kind: 'errno', errno: code }, ...(outcome && { outcomes: [outcome] }) });
export const done = (state: ModelState, outcome?: Outcome): Step => ({ state, result: { kind: 'ok' }, ...(outcome && { outcomes: [outcome] }) });

/** `r` with outcome `o` taken after those it names */
export const named = <T extends { readonly outcomes?: readonly Outcome[] }>(r: T, ...o: Outcome[]): T => ({ ...r, outcomes: [...(r.outcomes ?? []), ...o] });

/** A step on one vCPU: the state, its VM and the vCPU after it (step() puts them back). */
export interface VcpuStep extends Step {
  readonly vm: ModelVm;
  readonly vcpu: ModelVcpu;
}
