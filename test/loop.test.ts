import { describe, expect, it } from 'vitest';
import { builtinFactory } from '../impl/builtin.js';
import { forgetful } from './fakes/forgetful.js';
import { runCampaign } from '../fuzz/campaign/campaign.js';
import { toWire } from '../fuzz/gen/campaign-arb.js';
import { caseSource } from '../fuzz/campaign/source.js';
import { reachOf } from '../fuzz/gen/reach.js';
import { CampaignLoop, type LoopOptions } from '../fuzz/campaign/loop.js';
import { inProcess } from '../fuzz/campaign/in-process.js';
import { failureSignature } from '../fuzz/campaign/signature.js';


const engine = (o: Partial<LoopOptions> & { mutant: string | null; seed: number }) => {
  const shape = { maxOps: 30, vcpus: 2 };
  const reach = reachOf(builtinFactory.capabilities, 'builtin');
  const setup = { spec: 'builtin', mutant: o.mutant, disabled: [], shape, reach: toWire(reach), seed: o.seed };
  return new CampaignLoop({ runs: 1000, identity: { implementation: 'builtin', mutant: o.mutant }, source: caseSource(setup), ...o }, inProcess(builtinFactory, setup)).run();
};

describe('the campaign engine', () => {
  it('after a conformance failure with no violation, stops 500 cases later and reports the run it was first seen at', async () => {
    const r = await runCampaign({ factory: forgetful, mutant: null, seed: 2, runs: 5000, vcpus: 1 });
    expect(r.counterexample?.invariant).toBe('CONFORMANCE');
    expect(r.firstSeen).toBeLessThan(1000);
    expect(r.runs).toBe(r.firstSeen! + 500);
  });

  it('bounds shrinking by --shrink-time, not by --time', async () => {
    const full = await runCampaign({ factory: builtinFactory, mutant: 'svm-no-reload', seed: 3, runs: 100 });
    const timed = await runCampaign({ factory: builtinFactory, mutant: 'svm-no-reload', seed: 3, runs: 0, timeMs: 50 });
    expect(timed.counterexample).toEqual(full.counterexample);
    expect([full.shrinkCut, timed.shrinkCut]).toEqual([null, null]);
    const cut = await runCampaign({ factory: builtinFactory, mutant: 'svm-no-reload', seed: 3, runs: 100, shrinkTimeMs: 0 });
    expect(cut.shrinkCut).toBe('time');
    expect(cut.counterexample!.ops.length).toBeGreaterThan(full.counterexample!.ops.length);
  });

  it('replays the corpus first: an open bug is known and the search goes on; a fixed entry is reported; a fixed one failing again is new', async () => {
    const first = await engine({ mutant: 'svm-no-reload', seed: 3 });
    const [f] = first.failures;
    expect(f).toMatchObject({ source: 'generated', firstSeen: 1, known: false, signature: failureSignature(f!.counterexample) });
    const corpus = [{ file: 'c.json', cx: f!.counterexample }];
    const again = await engine({ mutant: 'svm-no-reload', seed: 8, corpus, runs: 60 });
    expect(again).toMatchObject({ runs: 60, replayed: 1, fixed: [], failures: [{ source: 'corpus', corpus: 'open', firstSeen: 0, from: 'c.json', signature: f!.signature, known: true }] });
    const regressed = await engine({ mutant: 'svm-no-reload', seed: 8, corpus: [{ ...corpus[0]!, fixed: true }], runs: 10 });
    expect(regressed.failures.map((x) => [x.corpus, x.known])).toEqual([['regressed', false]]);
    // fixed: the corpus case passes, and the campaign goes on to new cases
    expect(await engine({ mutant: null, seed: 8, corpus, runs: 50 })).toMatchObject({ runs: 50, replayed: 1, fixed: ['c.json'], failures: [] });
  });

  it('reports a baseline signature as known and searches on: one bug gives one signature however often it is met', async () => {
    const base = await engine({ mutant: 'cmpxchg-lock-leak', seed: 1, runs: 300 });
    const sig = base.failures[0]!.signature;
    const r = await engine({ mutant: 'cmpxchg-lock-leak', seed: 1, runs: 300, maxFailures: 3, known: new Set([sig]) });
    expect(r.runs).toBe(300);
    expect(r.failures.map((f) => [f.signature, f.known])).toEqual([[sig, true]]);
  });

  it('gives the same signature for the same failure in every run', async () => {
    const [a, b] = [await engine({ mutant: 'cmpxchg-lock-leak', seed: 4 }), await engine({ mutant: 'cmpxchg-lock-leak', seed: 4 })];
    expect(a.failures[0]!.signature).toBe(b.failures[0]!.signature);
    expect(a.failures[0]!.signature).toMatch(/^LOCK_[A-Z]+-[0-9a-f]{12}$/);
  });
});
