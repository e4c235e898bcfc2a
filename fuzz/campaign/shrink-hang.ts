/**
 * Shrinking a hang. Every candidate that still hangs costs a whole watchdog period, so a
 * hang is not shrunk by the engine's shrinker (hundreds of candidates, a worker killed for
 * each): the case is first cut after the operation that hung (what never began goes), then
 * operations are dropped in halves, quarters, ... (ddmin's complement step) and preemptions
 * one by one, while it still hangs. Those candidates run under a shorter watchdog (the hang
 * is reached within milliseconds of the case's start; a candidate that merely runs long
 * under it is a false hang), so the result is confirmed under the full one at the end, and
 * the cut case is kept when it is not.
 */
import type { TestCase } from '../../api/ops.js';
import type { Failure, RunOutcome } from '../run/runner.js';
import { keepOps } from '../run/cut.js';
import type { Executor } from './executor.js';
import type { Cut, Shrunk } from './shrink.js';

/** the shorter watchdog of the candidates: an eighth of the case timeout, at least 1 s */
export const candidateTimeout = (caseTimeoutMs: number): number => Math.min(caseTimeoutMs, Math.max(1000, Math.floor(caseTimeoutMs / 8)));

/** the operations the run began (a run the watchdog cut has their records, as the worker sent them) */
const begunOps = (o: RunOutcome): number[] => o.trace.flatMap((t) => (t.record.ev === 'opBegin' ? [t.record.index] : []));

export const shrinkHang = async (exec: Executor, tc: TestCase, seen: RunOutcome, stop: () => Cut | null, caseTimeoutMs?: number): Promise<Shrunk> => {
  let failure = seen.failure as Failure;
  let outcome = seen;
  const short = caseTimeoutMs === undefined ? undefined : candidateTimeout(caseTimeoutMs);
  /** the run of `c` when it hangs (with what trace it has), else null */
  const hangs = async (c: TestCase, ms = short): Promise<RunOutcome | null> => {
    const o = await exec.run(c, 'failing', ms);
    return o.failure?.id === 'IMPL_HANG' ? o : null;
  };
  // 1. cut after the hanging operation, confirmed under the full watchdog
  const hung = failure.step;
  let keep = new Set([...begunOps(seen), hung]);
  let base = tc;
  let steps = 0;
  if (keep.size < tc.ops.length) {
    const f = await hangs(keepOps(tc, keep), caseTimeoutMs);
    if (f) [base, failure, outcome, steps] = [keepOps(tc, keep), f.failure!, f, 1];
    else keep = new Set(tc.ops.keys());
  }
  const confirmed = { tc: base, failure, outcome, steps };
  // 2. drop chunks of the others while it still hangs (under the shorter watchdog)
  let cur = base;
  let cut: Cut | null = null;
  let n = 2;
  outer: while (true) {
    const others = [...keep].filter((i) => i !== hung).sort((a, b) => a - b);
    if (!others.length) break;
    n = Math.min(n, others.length);
    const size = Math.ceil(others.length / n);
    for (let k = 0; k < others.length; k += size) {
      if ((cut = stop())) break outer;
      const drop = new Set(others.slice(k, k + size));
      const next = new Set([...keep].filter((i) => !drop.has(i)));
      const c = keepOps(tc, next);
      const f = await hangs(c);
      if (f) {
        [keep, cur, failure, outcome] = [next, c, f.failure!, f];
        steps++;
        n = Math.max(2, n - 1);
        continue outer;
      }
    }
    if (size === 1) break;
    n *= 2;
  }
  // 3. preemptions the hang does not need
  for (const p of cur.preemptions ?? []) {
    if ((cut ??= stop())) break;
    const c = { ...cur, preemptions: cur.preemptions!.filter((q) => q !== p) };
    const f = await hangs(c);
    if (f) [cur, failure, outcome] = [c, f.failure!, f];
  }
  if (cur === confirmed.tc) return { ...confirmed, cut };
  // 4. confirmed under the full watchdog, or the cut case stands
  const f = short === caseTimeoutMs ? outcome : await hangs(cur, caseTimeoutMs);
  return f ? { tc: cur, failure: f.failure!, outcome: f, steps, cut } : { ...confirmed, cut };
};
