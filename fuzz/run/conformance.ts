/**
 * Conformance of an execution with the model: on one thread, the result and the abstract
 * state after every operation in program order; on several, a linearization of the
 * results whose end state explains the implementation's. Only the abstract-state parts
 * the implementation can show are compared.
 */
import type { AbstractPart, AbstractState } from '../../api/abstract.js';
import type { TestCase } from '../../api/ops.js';
import { initialState, type ModelState } from '../../model/state.js';
import { phases, step, stepPhase } from '../../model/step.js';
import { abstractModel } from '../../model/abstract.js';
import { checkResult, checkState, differenceKind } from '../../oracle/conformance.js';
import { linearize } from '../../oracle/linearize.js';
import { partsNotCompared, projectAbstract } from '../../oracle/abstract-parts.js';
import { partState } from '../../oracle/partition.js';
import { mergeStates } from '../../model/merge.js';
import type { Executed, Failure } from './types.js';
import type { Outcome } from '../../model/outcome.js';
import { outcomesAlong } from './outcomes.js';
import type { Checked } from './evidence.js';

const mismatch = (step: number, message: string): Failure => ({ id: 'CONFORMANCE', step, message, reason: differenceKind(message) });

/**
 * Results and states against the model; 'unchecked' when the linearizability search gave
 * up. `end`, when given, gets the model's state at the end of a run that conforms;
 * `outcomes`, when given, the rule outcomes the model took (fuzz/run/outcomes.ts);
 * `checked`, what the linearizability search returned (the evidence of its verdict).
 */
export const conformance = (tc: TestCase, run: Executed, parts: ReadonlySet<AbstractPart>, end?: (model: ModelState) => void, outcomes?: Outcome[], checked?: (lin: Checked) => void): Failure | null | 'unchecked' => {
  const initial = initialState(tc.config);
  let model: ModelState = initial;
  // an implementation that shows every part is compared whole (no projection to build after each operation)
  const whole = partsNotCompared(parts).length === 0;
  const cut = (s: AbstractState) => (whole ? s : projectAbstract(s, parts));
  const differs = (impl: AbstractState, m: ModelState) => checkState(cut(impl), cut(abstractModel(m)));
  if (run.single) {
    // one thread: program order is the only order; check the state after every operation
    for (const [k, it] of run.done.entries()) {
      const expected = step(model, it.op, it.tid);
      model = expected.state;
      if (outcomes && expected.outcomes) outcomes.push(...expected.outcomes);
      const bad = checkResult(it.result, expected.result) ?? (run.states && differs(run.states[k]!, model));
      if (bad) return mismatch(it.index, bad);
    }
  } else {
    // each independent part (oracle/partition.ts) is held to its share of the final state
    const final = (m: ModelState, vms: ReadonlySet<number> | null) => differs(partState(run.final, vms), m);
    const lin = linearize([...run.done], model, { phases, stepPhase, final, merge: mergeStates });
    checked?.(lin);
    if (lin === 'gave-up') return 'unchecked';
    if ('message' in lin) return mismatch(lin.index, lin.message);
    model = lin.state;
    if (outcomes) outcomes.push(...(outcomesAlong(initial, run.done, lin.order) ?? []));
  }
  const bad = differs(run.final, model);
  if (bad) return mismatch(run.done.at(-1)?.index ?? -1, bad);
  end?.(model);
  return null;
};
