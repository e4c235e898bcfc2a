/** What one model step returns, and the two ways most steps end. */
import type { Result } from '../api/results.js';
import type { ModelState, ModelVcpu, ModelVm } from './state.js';

export interface Step {
  readonly state: ModelState;
  readonly result: Result;
}

export const fail = (state: ModelState, code: number): Step => ({ state, result: { kind: 'errno', errno: code } });
export const done = (state: ModelState): Step => ({ state, result: { kind: 'ok' } });

/** A step on one vCPU: the state, its VM and the vCPU after it (step() puts them back). */
export interface VcpuStep extends Step {
  readonly vm: ModelVm;
  readonly vcpu: ModelVcpu;
}
