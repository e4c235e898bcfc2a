/** Cutting what began after a failure, on every thread (fuzz/run/cut.ts), and reports in execution order. */
import { describe, expect, it } from 'vitest';
import type { TestCase } from '../api/ops.js';
import { cutAfterFailure, keepOps } from '../fuzz/run/cut.js';
import { runCase } from '../fuzz/run/runner.js';
import { reportFailure } from '../fuzz/report/report.js';
import { builtinFactory } from '../impl/builtin.js';
import { FORMAT } from '../fuzz/campaign/counterexample.js';
import { op } from './helpers.js';

const SVM = { vendor: 'svm', tdp: false } as const;
// svm-no-reload enters with INVALID_PAGE at op 3; thread 1's operations wait behind thread 0
const tc: TestCase = {
  config: SVM,
  ops: [op.createVm(), op.createVcpu(), op.slot(0, 0, 32), op.run(), op.slot(1, 64, 8), op.createVcpu(1), op.slot(2, 96, 8)],
  threads: [0, 0, 1, 0, 1, 1, 0],
  preemptions: [{ op: 2, after: 0, to: 1 }, { op: 5, after: 0, to: 1 }],
};
const opts = { factory: builtinFactory, mutant: 'svm-no-reload' };

describe('cutting after the failure', () => {
  it('keepOps renumbers threads and preemptions, dropping those of cut operations', () => {
    expect(keepOps(tc, new Set([0, 1, 3, 5]))).toEqual({ ...tc, ops: [tc.ops[0], tc.ops[1], tc.ops[3], tc.ops[5]], threads: [0, 0, 0, 1], preemptions: [{ op: 3, after: 0, to: 1 }] });
  });

  it('drops, on every thread, the operations that had not begun when the monitor fired', () => {
    const r = runCase(tc, opts);
    expect(r.failure?.id).toBe('ROOT_VALID_AT_ENTRY');
    const cut = cutAfterFailure(tc, opts, r.failure!)!;
    expect(cut.ops.length).toBeLessThan(tc.ops.length);
    expect(cut.ops).not.toContainEqual(op.slot(2, 96, 8));
    expect(runCase(cut, opts).failure?.id).toBe('ROOT_VALID_AT_ENTRY');
  });

  it('lists the operations of a report in the order they began', () => {
    const outcome = runCase(tc, { ...opts, keepTrace: true });
    const f = outcome.failure!;
    const cx = { format: FORMAT, invariant: f.id, message: f.message, step: f.step, seed: 0, implementation: 'builtin', mutant: opts.mutant, ...tc };
    const lines = reportFailure(cx as never, outcome, tc);
    const listed = lines.flatMap((l) => /^ {4}\s?(\d+) {2}t\d/.exec(l)?.[1] ?? []).map(Number);
    const began = outcome.trace.flatMap((t) => (t.record.ev === 'opBegin' ? [t.record.index] : []));
    expect(listed.slice(0, began.length)).toEqual(began);
    expect(lines.some((l) => l.includes('(not begun)'))).toBe(true);
  });
});
