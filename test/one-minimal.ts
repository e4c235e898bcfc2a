/** Checks that a counterexample is 1-minimal: no single operation can go. */
import { expect } from 'vitest';
import type { ImplementationFactory } from '../api/implementation.js';
import type { TestCase } from '../api/ops.js';
import { runCase } from '../fuzz/run/runner.js';
import { keepOps } from '../fuzz/run/cut.js';
import { bugKey } from '../fuzz/campaign/signature.js';

/** the bug key of a run of tc, or null when it passes */
const keyOf = (tc: TestCase, factory: ImplementationFactory, mutant: string | null): string | null => {
  const f = runCase(tc, { factory, mutant }).failure;
  return f && bugKey(tc, f);
};

/** every single operation removed: none fails the same way */
export const expectOneMinimal = (tc: TestCase, factory: ImplementationFactory, mutant: string | null): void => {
  const key = keyOf(tc, factory, mutant);
  expect(key).not.toBeNull();
  for (const i of tc.ops.keys()) {
    const without = keepOps(tc, new Set([...tc.ops.keys()].filter((j) => j !== i)));
    expect(keyOf(without, factory, mutant), `operation ${i} of ${JSON.stringify(tc.ops)} can go`).not.toBe(key);
  }
};

