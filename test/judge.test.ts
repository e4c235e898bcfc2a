import { describe, expect, it } from 'vitest';
import { Judge } from '../fuzz/campaign/judge.js';
import type { Scanned } from '../fuzz/campaign/executor.js';
import type { FailureId } from '../oracle/monitor.js';

const fail = (index: number, id: string): Scanned => ({ index, failure: { id: id as FailureId, step: 0, message: id }, unchecked: false, unsupported: null });

describe('the judge: which failure is shrunk', () => {
  it('takes an invariant violation at once', () => {
    expect(new Judge(500).take(7, fail(7, 'LOCK_HELD'))).toEqual([{ v: fail(7, 'LOCK_HELD'), at: 7 }]);
  });

  it('after a conformance failure, prefers a violation within the next 500 cases', () => {
    const j = new Judge(500);
    expect(j.take(3, fail(3, 'CONFORMANCE'))).toEqual([]);
    expect(j.take(40, fail(40, 'CONFORMANCE'))).toEqual([]);
    expect(j.take(503, fail(503, 'PIN_ONCE'))).toEqual([{ v: fail(503, 'PIN_ONCE'), at: 503 }]);
    expect(j.end()).toEqual([]);
  });

  it('hands the conformance case over once 500 more cases passed without a violation', () => {
    const j = new Judge(500);
    j.take(3, fail(3, 'CONFORMANCE'));
    expect(j.reach(502)).toEqual([]);
    expect(j.reach(503)).toEqual([{ v: fail(3, 'CONFORMANCE'), at: 503 }]);
    // a later violation is a failure of its own, after the conformance one
    const k = new Judge(500);
    k.take(3, fail(3, 'CONFORMANCE'));
    expect(k.take(504, fail(504, 'PIN_ONCE'))).toEqual([{ v: fail(3, 'CONFORMANCE'), at: 503 }, { v: fail(504, 'PIN_ONCE'), at: 504 }]);
  });

  it('hands a hunt under way over when the stream ends', () => {
    const j = new Judge(500);
    j.take(3, fail(3, 'CONFORMANCE'));
    expect(j.end()).toEqual([{ v: fail(3, 'CONFORMANCE'), at: 503 }]);
  });
});
