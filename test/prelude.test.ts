import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TestCase } from '../api/ops.js';
import { TestCaseSchema } from '../api/case.js';
import { runCase } from '../fuzz/run/runner.js';
import { wholeOpOrder } from '../fuzz/run/whole.js';
import { keepOps } from '../fuzz/gen/reach.js';
import { keepOps as keepBegun } from '../fuzz/run/cut.js';
import { testCaseArb } from '../fuzz/gen/arbitraries.js';
import { builtinFactory } from '../impl/builtin.js';
import { BASIC, VMX, op } from './helpers.js';

/** thread 1 asks to run before op 1 (a preemption at point 0 of op 1) */
const tc: TestCase = {
  config: VMX,
  ops: [...BASIC, op.run(0x1000), op.run(0x2000, false, 1)],
  threads: [0, 0, 0, 0, 1],
  preemptions: [{ op: 1, after: 0, to: 1 }, { op: 2, after: 1, to: 1 }],
};
const starts = (c: TestCase): string[] =>
  runCase(c, { factory: builtinFactory, mutant: null, keepTrace: true }).trace.flatMap((t) => (t.record.ev === 'opBegin' ? [`t${t.tid}:${t.record.index}`] : []));

describe('a case\'s prelude', () => {
  it('completes before any other thread begins, whatever the preemptions (stepped)', () => {
    // without a prelude the preemption before op 1 lets thread 1 start first
    expect(starts(tc)[1]).toBe('t1:4');
    expect(starts({ ...tc, prelude: 3, preemptions: [] }).slice(0, 3)).toEqual(['t0:0', 't0:1', 't0:2']);
    const s = new Set(starts({ ...tc, prelude: 3, preemptions: [{ op: 3, after: 0, to: 1 }] }).slice(0, 3));
    expect(s).toEqual(new Set(['t0:0', 't0:1', 't0:2']));
  });

  it('comes first in the order a whole-case implementation is given', () => {
    expect(wholeOpOrder({ ...tc, preemptions: [{ op: 1, after: 0, to: 1 }] }, tc.threads!).order.slice(0, 2)).toEqual([0, 4]);
    expect(wholeOpOrder({ ...tc, preemptions: [], prelude: 3 }, tc.threads!).order.slice(0, 3)).toEqual([0, 1, 2]);
  });

  it('is refused when longer than the case, on another thread, or preempted', () => {
    const issues = (c: unknown) => (TestCaseSchema.safeParse(c).error?.issues ?? []).map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(issues({ ...tc, preemptions: [], prelude: 3 })).toEqual([]);
    expect(issues({ ...tc, preemptions: [], prelude: 6 })).toContain('prelude: expected at most the 5 operations, got 6');
    expect(issues({ ...tc, preemptions: [], prelude: 5 })).toEqual(['threads.4: operation 4 is in the prelude, which runs on thread 0; got thread 1']);
    expect(issues({ ...tc, prelude: 3 })[0]).toMatch(/^preemptions.0.op: operation 1 is in the prelude/);
  });

  it('follows the operations kept when a case is cut or shrunk', () => {
    const c = { ...tc, preemptions: [], prelude: 3 };
    expect(keepOps(c, [0, 2, 3, 4]).prelude).toBe(2);
    expect(keepOps(c, [3, 4]).prelude).toBeUndefined();
    expect(keepBegun(c, new Set([1, 2, 4])).prelude).toBe(2);
  });

  it('is the head of every generated case on several threads, and valid', () => {
    const cases = fc.sample(testCaseArb({ maxOps: 30, vcpus: 2 }), { seed: 7, numRuns: 300 });
    const threaded = cases.filter((c) => c.threads && new Set(c.threads).size > 1);
    expect(threaded.length).toBeGreaterThan(50);
    expect(threaded.filter((c) => (c.prelude ?? 0) >= 2).length).toBeGreaterThan(threaded.length / 2);
    for (const c of cases) expect(TestCaseSchema.safeParse(c).success).toBe(true);
  });
});
