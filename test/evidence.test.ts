/**
 * Verdicts carry their evidence (fuzz/run/types.ts Evidence): the search returns the
 * results of the order it found, or its longest partial order; a failing run kept with its
 * trace returns the model's expected results; shrinking hands on the outcome of the last
 * failing run, which is the run of the case it ends with.
 */
import { describe, expect, it } from 'vitest';
import type { Result } from '../api/results.js';
import type { TestCase } from '../api/ops.js';
import { linearize, type Interval } from '../oracle/linearize.js';
import { runCase, type RunOptions } from '../fuzz/run/runner.js';
import { builtinFactory } from '../impl/builtin.js';
import { readCounterexample } from '../fuzz/campaign/counterexample.js';
import type { Executor } from '../fuzz/campaign/executor.js';
import { minimizeShrunk, truncate } from '../fuzz/campaign/shrink.js';
import { BASIC, VMX, op } from './helpers.js';

const fixture = (name: string) => readCounterexample(new URL(`./fixtures/${name}`, import.meta.url).pathname);
const optsOf = (cx: { mutant: string | null; disabled?: readonly string[] }): RunOptions => ({ factory: builtinFactory, mutant: cx.mutant, disabled: new Set(cx.disabled ?? []) });

describe('the linearizability search returns its evidence', () => {
  const ok: Result = { kind: 'ok' };
  const read = (v: number): Result => ({ kind: 'errno', errno: v });
  const model = {
    phases: () => 1,
    stepPhase: (s: number, o: { kind: string; value?: number }) => (o.kind === 'write' ? { state: o.value!, result: ok } : { state: s, result: read(s) }),
  };
  const iv = (index: number, kind: string, value: number, begin: number, end: number, result: Result = ok): Interval => ({ index, op: { kind, value } as never, tid: index, result, begin, end });

  it('a linearization comes with the model result of each of its steps', () => {
    const r = linearize([iv(0, 'write', 1, 0, 3), iv(1, 'read', 0, 1, 2, read(1))], 0, model);
    expect(r).toMatchObject({ order: [0, 1], results: [ok, read(1)] });
  });

  it('no linearization: the longest partial order, and what the model said where it stopped', () => {
    const r = linearize([iv(0, 'write', 1, 0, 1), iv(1, 'read', 0, 2, 3, read(0))], 0, model);
    expect(r).toMatchObject({ index: 1, order: [0], results: [ok], expected: read(1) });
  });
});

describe('a failing run kept with its trace returns its evidence', () => {
  it('one thread: the model in program order, where the results differ too', () => {
    const cx = fixture('CONFORMANCE-eager-pin-mapped-later.json');
    const o = runCase(cx, { ...optsOf(cx), keepTrace: 'failing' });
    expect(o.failure?.id).toBe('CONFORMANCE');
    expect(o.evidence).toMatchObject({ basis: 'program order', linearization: null });
    expect(o.evidence!.expected[cx.step]).toEqual({ kind: 'ok' });
    const actual = o.trace.flatMap((t) => (t.record.ev === 'opEnd' && t.record.index === cx.step ? [t.record.result] : []));
    expect(actual).toEqual([expect.objectContaining({ kind: 'errno' })]);
  });

  it('several threads, a monitor that stopped the run: the linearization of what returned', () => {
    const cx = fixture('RMA_ONCE-rma-no-recheck-two-threads.json');
    const o = runCase(cx, { ...optsOf(cx), keepTrace: true });
    expect(o.failure?.id).toBe('RMA_ONCE');
    expect(o.evidence?.basis).toBe('a linearization');
    const returned = new Set(o.trace.flatMap((t) => (t.record.ev === 'opEnd' ? [t.record.index] : [])));
    expect(new Set(o.evidence!.linearization)).toEqual(returned);
    for (const i of returned) expect(o.evidence!.expected[i]).not.toBeNull();
  });

  it("keepTrace 'failing' keeps nothing of a run that passes; no keepTrace, no evidence", () => {
    const pass = runCase({ config: VMX, ops: [...BASIC, op.run()] }, { factory: builtinFactory, mutant: null, keepTrace: 'failing' });
    expect([pass.failure, pass.trace, pass.points, pass.evidence]).toEqual([null, [], [], undefined]);
    const cx = fixture('RMA_ONCE-rma-no-recheck-two-threads.json');
    const lean = runCase(cx, optsOf(cx));
    expect(lean.failure?.id).toBe('RMA_ONCE');
    expect([lean.trace, lean.evidence]).toEqual([[], undefined]);
  });
});

describe('shrinking keeps the last failing outcome', () => {
  /** runs in this thread, counting */
  const executor = (o: RunOptions) => {
    const ran: TestCase[] = [];
    const exec: Executor = { workers: 1, scan: () => Promise.reject(new Error('no scan')), probe: () => Promise.reject(new Error('no probe')), run: async (tc, keepTrace) => (ran.push(tc), runCase(tc, { ...o, keepTrace })), abort: () => {}, close: async () => {} };
    return { exec, ran };
  };

  it('truncate and minimize end with the outcome of the very case they return: a fresh run gives the same', async () => {
    const cx = fixture('ROOT_VALID_AT_ENTRY-eager-root-alloc.json');
    const o = optsOf(cx);
    const padded: TestCase = { config: cx.config, ops: [...cx.ops, ...BASIC.slice(1)] };
    const first = runCase(padded, { ...o, keepTrace: true });
    expect(first.failure?.id).toBe('ROOT_VALID_AT_ENTRY');
    const { exec, ran } = executor(o);
    const t = await truncate(exec, { tc: padded, failure: first.failure!, outcome: first, steps: 0, cut: null });
    // the cut came from the kept trace: the padded case itself was not run again
    expect(ran.map((c) => JSON.stringify(c))).not.toContain(JSON.stringify(padded));
    const m = await minimizeShrunk(exec, t, () => null);
    expect(m.tc.ops.length).toBeLessThanOrEqual(cx.ops.length);
    expect(m.outcome).toEqual(runCase(m.tc, { ...o, keepTrace: 'failing' }));
    expect(m.outcome.failure).toEqual(m.failure);
  });
});
