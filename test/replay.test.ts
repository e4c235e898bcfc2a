import { describe, expect, it } from 'vitest';
import { readCounterexample } from '../fuzz/counterexample.js';
import { runCase } from '../fuzz/runner.js';
import { builtinFactory } from '../impl/builtin.js';
import { H_PARAMETER } from '../api/hcall.js';

describe('stored counterexamples', () => {
  it('a file written by an earlier version still replays to the same invariant', () => {
    const cx = readCounterexample(new URL('./fixtures/ROOT_VALID_AT_ENTRY-eager-root-alloc.json', import.meta.url).pathname);
    const again = runCase(cx, { factory: builtinFactory, mutant: cx.mutant });
    expect(again.failure).toMatchObject({ id: cx.invariant, step: cx.step });
  });
});

describe('fixed false positives stay fixed', () => {
  it('a pin that checked slot_phys, then found the host mapping changed, is linearizable', () => {
    // seed 2 once failed CONFORMANCE here: vCPU 1's H_ENTER looked the page up in slot_phys
    // (not known), slept before get_user_pages; vCPU 0 pinned the page and an mmap replaced
    // the memory behind the slot; get_user_pages then failed, so H_PARAMETER, which the
    // model only allowed once it split the pin into its check and its get_user_pages
    const cx = readCounterexample(new URL('./fixtures/CONFORMANCE-ppc-pin-after-mmap.json', import.meta.url).pathname);
    const r = runCase(cx, { factory: builtinFactory, mutant: null, keepTrace: true });
    expect(r.failure).toBeNull();
    const end = r.trace.find((t) => t.record.ev === 'opEnd' && t.record.index === 18)?.record;
    expect(end).toMatchObject({ result: { kind: 'hcall', ret: H_PARAMETER } });
  });
});
