/**
 * Shrinking a derived case: it has no generator's shrink tree, so it shrinks by removal,
 * smallest first to try big cuts: halves, quarters and so on of the operations, then each
 * operation, each preemption, and a thread's operations moved to thread 0. The engine's
 * shrink loop takes the first that still fails the same way and asks again.
 */
import type { TestCase } from '../../api/ops.js';
import { keepOps } from '../gen/reach.js';

const without = (tc: TestCase, from: number, to: number): TestCase =>
  keepOps(tc, tc.ops.map((_, i) => i).filter((i) => i < from || i >= to));

export function* removals(tc: TestCase): Generator<TestCase> {
  const n = tc.ops.length;
  for (let size = n >> 1; size >= 1; size >>= 1) {
    for (let from = 0; from + size <= n; from += size) yield without(tc, from, from + size);
  }
  for (let k = 0; k < (tc.preemptions?.length ?? 0); k++) yield { ...tc, preemptions: tc.preemptions!.filter((_, j) => j !== k) };
  const threads = [...new Set(tc.threads ?? [])].filter((t) => t !== 0);
  for (const t of threads) {
    const moved = tc.threads!.map((x) => (x === t ? 0 : x));
    yield new Set(moved).size > 1 ? { ...tc, threads: moved } : { config: tc.config, ops: tc.ops };
  }
}
