import { describe, expect, it } from 'vitest';
import { readCounterexample } from '../fuzz/campaign/counterexample.js';
import { bugOf, bugText, failureSignature } from '../fuzz/campaign/signature.js';
import { differenceKind } from '../oracle/conformance.js';
import { asViolation, DEFAULT_REASON } from '../oracle/monitor.js';
import { runCase } from '../fuzz/run/runner.js';
import { builtinFactory } from '../impl/builtin.js';

const fixture = readCounterexample(new URL('./fixtures/ROOT_VALID_AT_ENTRY-eager-root-alloc.json', import.meta.url).pathname);
const run = (cx: typeof fixture) => runCase(cx, { factory: builtinFactory, mutant: cx.mutant });

describe('failure signatures', () => {
  it('ignore the seed, the values drawn, the case size, the threads and the engine', () => {
    const sig = failureSignature(fixture);
    expect(sig).toMatch(/^ROOT_VALID_AT_ENTRY-[0-9a-f]{12}$/);
    const other = { ...fixture, seed: 99, engine: 'jsverify' as const, ops: fixture.ops.map((op) => ('vm' in op ? { ...op, vm: 7 } : op)) } as typeof fixture;
    expect(failureSignature(other)).toBe(sig);
    expect(failureSignature({ ...fixture, threads: fixture.ops.map((_, i) => i % 2) } as typeof fixture)).toBe(sig);
    // an extra operation before the failing one changes the case, not the bug
    const step = fixture.step;
    expect(failureSignature({ ...fixture, ops: [fixture.ops[0]!, ...fixture.ops], step: step + 1 })).toBe(sig);
  });

  it('tell apart the invariant, the reason, the failing operation, the mutant and the implementation', () => {
    const sig = failureSignature(fixture);
    const variants = [
      { ...fixture, invariant: 'LOCK_HELD' as const },
      { ...fixture, reason: 'freed root' },
      { ...fixture, step: 0 },
      { ...fixture, mutant: null },
      { ...fixture, implementation: 'other' },
    ];
    for (const v of variants) expect(failureSignature(v)).not.toBe(sig);
  });

  it('take the reason the monitor names (a replay of the fixture)', () => {
    const f = run(fixture).failure!;
    expect(f.id).toBe('ROOT_VALID_AT_ENTRY');
    expect(f.reason).toBe('invalid root');
    expect(bugText(bugOf({ ...fixture, reason: f.reason! }))).toBe(`ROOT_VALID_AT_ENTRY (invalid root) in ${fixture.ops[f.step]!.kind}`);
  });

  it('give a plain message from a monitor the default reason', () => {
    expect(asViolation('something broke')).toEqual({ reason: DEFAULT_REASON, message: 'something broke' });
    expect(bugOf({ ...fixture, reason: undefined }).reason).toBe(DEFAULT_REASON);
  });

  it('name the kind of a conformance difference, without indices or values', () => {
    expect(differenceKind('result differs: result.errno: impl -22, model 0')).toBe('result');
    expect(differenceKind('abstract state differs: state.vms[1].slots[0].npages: impl 1, model 2')).toBe('state vms.slots');
    expect(differenceKind('no order of the concurrent operations explains the results; closest: operation 3 ends in a state that abstract state differs: state.host.loaded: impl true, model false')).toBe('state host.loaded');
    expect(differenceKind('no order of the concurrent operations explains the results; closest: operation 3 result differs: result: impl 1, model 2')).toBe('result');
  });
});
