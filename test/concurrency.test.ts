import { describe, expect, it } from 'vitest';
import type { TestCase } from '../api/ops.js';
import type { Result } from '../api/results.js';
import { runCase } from '../fuzz/run/runner.js';
import { runCampaign } from '../fuzz/campaign/campaign.js';
import { reportFailure } from '../fuzz/report/report.js';
import { builtinFactory } from '../impl/builtin.js';
import { linearize, type Interval } from '../oracle/linearize.js';
import { BASIC, VMX, op } from './helpers.js';

const run = (tc: TestCase, mutant: string | null = null, disabled?: string[]) =>
  runCase(tc, { factory: builtinFactory, mutant, keepTrace: true, ...(disabled && { disabled: new Set(disabled) }) });

/** the opBegin records, as "t<thread>:<op index>" in the order they started */
const starts = (tc: TestCase, mutant: string | null = null): string[] =>
  run(tc, mutant).trace.flatMap((t) => (t.record.ev === 'opBegin' ? [`t${t.tid}:${t.record.index}`] : []));

describe('scheduler', () => {
  const tc: TestCase = {
    config: VMX,
    ops: [...BASIC, op.run(0x1000), op.slot(1, 40, 8), op.run(0x2000)],
    threads: [0, 0, 0, 0, 1, 0],
  };

  it('keeps the running thread until it is done, without preemptions', () => {
    expect(starts({ ...tc, preemptions: [] })).toEqual(['t0:0', 't0:1', 't0:2', 't0:3', 't0:5', 't1:4']);
  });

  it('switches threads where an operation is preempted', () => {
    expect(starts({ ...tc, preemptions: [{ op: 3, after: 1, to: 1 }] })).toEqual(['t0:0', 't0:1', 't0:2', 't0:3', 't1:4', 't0:5']);
  });

  it('gives the same trace for the same case', () => {
    const c = { ...tc, preemptions: [{ op: 3, after: 2, to: 1 }] };
    expect(JSON.stringify(run(c).trace)).toBe(JSON.stringify(run(c).trace));
  });

  it('reports a deadlock with the waits that make it', () => {
    // a leaked mmap_sem read lock (monitors that would catch it first switched off) blocks the writer; gva 0x44000 is absent under cr3 0x1000
    const leak: TestCase = {
      config: VMX,
      ops: [...BASIC, op.setCr('cr3', 0x1000), op.setCr('cr0', 0x80000001), { kind: 'emulate', vm: 0 as never, vcpu: 0 as never, access: 'cmpxchg', gva: 0x44000 as never }, op.slot(1, 40, 8)],
      threads: [0, 0, 0, 0, 0, 0, 1],
      preemptions: [],
    };
    const f = run(leak, 'cmpxchg-lock-leak', ['LOCK_ORDER', 'LOCK_BALANCED']).failure;
    expect(f?.id).toBe('DEADLOCK');
    expect(f?.message).toMatch(/thread 1 waits for mmap_sem@mm held by thread 0/);
  });

  it('prints the interleaving thread by thread', () => {
    const c = { ...tc, preemptions: [{ op: 3, after: 2, to: 1 }] };
    const cx = { format: 'kvm-oracle-counterexample/1' as const, invariant: 'CONFORMANCE' as const, message: 'x', step: 5, seed: 0, implementation: 'builtin', mutant: null, ...c };
    const lines = reportFailure(cx, run(c), c).join('\n');
    expect(lines).toMatch(/thread 0 +\| thread 1/);
    expect(lines).toMatch(/^ {66,}\[4\] KVM_SET_USER_MEMORY_REGION/m);
  });
});

const ok: Result = { kind: 'ok' };

describe('linearizability check', () => {
  // a register: write v, read -> v
  type S = number;
  const model = {
    phases: () => 1,
    stepPhase: (s: S, o: { kind: string; value?: number }) =>
      o.kind === 'write' ? { state: o.value!, result: { kind: 'ok' } as Result } : { state: s, result: { kind: 'errno', errno: s } as Result },
  };
  const iv = (index: number, kind: string, value: number, begin: number, end: number, result: Result = ok): Interval =>
    ({ index, op: { kind, value } as never, tid: index, result, begin, end }) as Interval;
  const read = (v: number): Result => ({ kind: 'errno', errno: v });

  it('accepts a read that overlaps a write and sees either value', () => {
    for (const v of [0, 1]) expect(linearize([iv(0, 'write', 1, 0, 3), iv(1, 'read', 0, 1, 2, read(v))], 0, model)).toHaveProperty('order');
  });

  it('rejects a read of the old value after the write returned', () => {
    const r = linearize([iv(0, 'write', 1, 0, 1), iv(1, 'read', 0, 2, 3, read(0))], 0, model);
    expect(r).toMatchObject({ index: 1, message: expect.stringMatching(/no order/) });
  });

  it('rejects reads that disagree on the order of two writes', () => {
    const ops = [iv(0, 'write', 1, 0, 9), iv(1, 'write', 2, 0, 9), iv(2, 'read', 0, 1, 4, read(1)), iv(3, 'read', 0, 5, 8, read(2)), iv(4, 'read', 0, 10, 11, read(1))];
    expect(linearize(ops, 0, model)).toHaveProperty('message');
    expect(linearize(ops.slice(0, 4), 0, model)).toHaveProperty('order');
  });

  it('gives up (rather than answer) when the search is too large', () => {
    // 14 overlapping writes, then a read of a value none wrote: every order must be tried
    const writes = Array.from({ length: 14 }, (_, i) => iv(i, 'write', i + 1, 0, 20));
    expect(linearize([...writes, iv(14, 'read', 0, 21, 22, read(99))], 0, model)).toBe('gave-up');
    expect(linearize([...writes.slice(0, 4), iv(4, 'read', 0, 21, 22, read(99))], 0, model)).toHaveProperty('message');
  });
});

describe('interleaving-only mutant', () => {
  it('entry-no-request-recheck is not found on one thread and is found on two', async () => {
    expect((await runCampaign({ factory: builtinFactory, mutant: 'entry-no-request-recheck', seed: 1, runs: 600, vcpus: 1 })).counterexample).toBeNull();
    const cx = (await runCampaign({ factory: builtinFactory, mutant: 'entry-no-request-recheck', seed: 1, runs: 2000, vcpus: 2 })).counterexample;
    expect(cx?.invariant).toBe('ROOT_VALID_AT_ENTRY');
    expect(cx?.preemptions?.length).toBeGreaterThan(0);
    // the stored interleaving reproduces it; without its preemptions it passes
    expect(run(cx!, cx!.mutant).failure?.id).toBe('ROOT_VALID_AT_ENTRY');
    expect(run({ ...cx!, preemptions: [] }, cx!.mutant).failure).toBeNull();
  });
});
