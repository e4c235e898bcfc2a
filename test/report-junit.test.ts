import { describe, expect, it } from 'vitest';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { junitXml } from '../fuzz/report/junit.js';
import { SUMMARY_FORMAT, type Summary } from '../fuzz/report/summary.js';

const parse = (xml: string) => {
  expect(XMLValidator.validate(xml)).toBe(true);
  const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (n) => n === 'testsuite' || n === 'testcase' }).parse(xml);
  return doc.testsuites as { tests: string; failures: string; skipped: string; testsuite: { name: string; testcase: Record<string, unknown>[] }[] };
};

const summary = (over: Partial<Summary>): Summary => ({ format: SUMMARY_FORMAT, seed: 5, runs: 2000, workers: 1, shard: null, timeMs: 1500, implementation: 'builtin', mutant: null, replayed: 0, interrupted: null, failures: [], notChecked: [], ...over });

describe('the JUnit report', () => {
  it('is one passing test case for a campaign without failures, and a skipped one per check not run', () => {
    const s = parse(junitXml([summary({ notChecked: [{ check: 'LOCK_ORDER', reason: 'switched off (--disable)' }] })]));
    expect(s).toMatchObject({ tests: '2', failures: '0', skipped: '1' });
    expect(s.testsuite[0]!.name).toBe('kvm-oracle fuzz seed 5');
    expect(s.testsuite[0]!.testcase.map((c) => c.name)).toEqual(['2000 runs, no failure', 'not checked: LOCK_ORDER: switched off (--disable)']);
  });

  it('has a test suite per shard and a failing test case per signature, with the text escaped', () => {
    const f = (sig: string) => ({ signature: sig, invariant: 'PIN_ONCE' as const, file: `out/<a & "b">/${sig}.json`, firstSeen: 12, known: false, source: 'generated' as const, message: 'pinned twice', shrinkCut: null });
    const xml = junitXml([
      summary({ shard: { index: 1, count: 2 }, failures: [f('PIN_ONCE-aaaaaaaaaaaa'), f('PIN_ONCE-bbbbbbbbbbbb')] }),
      summary({ shard: { index: 2, count: 2 } }),
    ]);
    const s = parse(xml);
    expect(s).toMatchObject({ tests: '3', failures: '2' });
    expect(s.testsuite.map((x) => x.name)).toEqual(['kvm-oracle fuzz seed 5 shard 1/2', 'kvm-oracle fuzz seed 5 shard 2/2']);
    const failing = s.testsuite[0]!.testcase;
    expect(failing.map((c) => c.name)).toEqual(['PIN_ONCE-aaaaaaaaaaaa', 'PIN_ONCE-bbbbbbbbbbbb']);
    expect(failing[0]!.failure).toMatchObject({ type: 'PIN_ONCE', message: expect.stringContaining('out/<a & "b">/PIN_ONCE-aaaaaaaaaaaa.json') });
    expect(failing[0]!.failure).toMatchObject({ message: expect.stringContaining('first seen at run 12') });
  });
});
