import { describe, expect, it } from 'vitest';
import { readCounterexample } from '../fuzz/counterexample.js';
import { runCase } from '../fuzz/runner.js';
import { builtinFactory } from '../impl/builtin.js';

describe('stored counterexamples', () => {
  it('a file written by an earlier version still replays to the same invariant', () => {
    const cx = readCounterexample(new URL('./fixtures/ROOT_VALID_AT_ENTRY-eager-root-alloc.json', import.meta.url).pathname);
    const again = runCase(cx, { factory: builtinFactory, mutant: cx.mutant });
    expect(again.failure).toMatchObject({ id: cx.invariant, step: cx.step });
  });
});
