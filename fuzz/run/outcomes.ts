/**
 * The rule outcomes a run took (spec coverage, model/outcomes/): on one thread those of
 * each model step in program order; on several, those of the linearization found, stepped
 * once more in its order. The model runs for every implementation, so this works for the
 * real kernel too.
 */
import type { Op } from '../../api/ops.js';
import type { Interval } from '../../oracle/linearize.js';
import type { Outcome } from '../../model/outcome.js';
import type { ModelState } from '../../model/state.js';
import { stepPhase } from '../../model/step.js';

/**
 * The outcomes of the phases of `order` (operation indexes, a phased one once per phase)
 * taken from `initial`; null when the order cannot be stepped again (then none is claimed).
 */
export const outcomesAlong = (initial: ModelState, done: readonly Interval[], order: readonly number[]): Outcome[] | null => {
  const byIndex = new Map<number, { op: Op; tid: number }>(done.map((iv) => [iv.index, iv]));
  const phase = new Map<number, number>();
  const out: Outcome[] = [];
  let state = initial;
  for (const index of order) {
    const it = byIndex.get(index);
    const p = phase.get(index) ?? 0;
    if (!it) return null;
    const r = stepPhase(state, it.op, p, it.tid);
    if (r.blocked) return null;
    phase.set(index, p + 1);
    state = r.state;
    if (r.outcomes) out.push(...r.outcomes);
  }
  return out;
};
