/**
 * The executable specification: step(state, op, tid) -> { state, result }, pure. Every
 * operation has a result in every state, so any list of operations is a valid test case.
 * `tid` is the harness thread issuing it: injected failures belong to a thread, like the
 * kernel's per-task make-it-fail.
 *
 * The rules are model/ioctls.ts, one row per operation. This file only runs them: whole
 * (step), or phase by phase for the linearizability search (phases, stepPhase).
 */
import type { Op } from '../api/ops.js';
import type { Outcome, Phase, Step } from './outcome.js';
import type { ModelState } from './state.js';
import { ioctlOf } from './ioctls.js';
import { newIoctl } from './destroy.js';

export type { Phase, Step } from './outcome.js';

/** the most steps `op` takes: 1 for an operation that takes effect at once */
export const phases = (op: Op): number => {
  const r = ioctlOf(op);
  return typeof r === 'function' ? 1 : r.phases;
};

/**
 * Phase `phase` of `op` (see phases()); for one-phase operations the same as step(). The
 * first phase of every operation but a destroy is a new ioctl: a VM being destroyed is
 * gone for it (model/destroy.ts newIoctl).
 */
export const stepPhase = (s: ModelState, op: Op, phase: number, tid = 0): Phase => {
  const r = ioctlOf(op);
  const run = (v: ModelState): Phase => (typeof r === 'function' ? r(v, op, tid) : r.phase(v, op, phase, tid));
  return phase === 0 && (typeof r === 'function' || !r.seesDying) ? newIoctl(s, op, run) : run(s);
};

/** `op` on one thread: at once, or its phases back to back */
export const step = (s: ModelState, op: Op, tid = 0): Step => {
  const r = ioctlOf(op);
  if (typeof r === 'function') return r(s, op, tid);
  let state = s;
  const outcomes: Outcome[] = [];
  for (let phase = 0; ; phase++) {
    const r = stepPhase(state, op, phase, tid);
    if (r.outcomes) outcomes.push(...r.outcomes);
    if (r.result) return { state: r.state, result: r.result, outcomes };
    if (r.blocked || phase + 1 >= phases(op)) throw new Error(`model: ${op.kind} stopped in phase ${phase}`);
    state = r.state;
  }
};
