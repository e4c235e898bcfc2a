/**
 * The bench rows of guided generation (fuzz/guided/), as ratios to the plain lockstep run
 * of the same stream: the feedback alone (each case run with its trace and rule outcomes
 * kept, and its features computed), and a whole guided scan (derived cases made from a
 * corpus, run, and their features compared with the corpus's), in operations per second.
 */
import type { TestCase } from '../../api/ops.js';
import { builtinFactory } from '../../impl/builtin.js';
import { runCase } from '../run/runner.js';
import { scanCases } from '../campaign/executor.js';
import { CaseStream } from '../gen/stream.js';
import { campaignArb } from '../gen/campaign-arb.js';
import { reachOf } from '../gen/reach.js';
import { DEFAULT_SHAPE } from '../gen/arbitraries.js';
import { EPOCH, GuideCorpus } from '../guided/corpus.js';
import { GuidedSource } from '../guided/source.js';
import { RunFeatures } from '../guided/features.js';
import { abstractModel } from '../../model/abstract.js';

const OPTS = { factory: builtinFactory, mutant: null };

const counted = new RunFeatures();

/** one case with the guided feedback, as a guided scan runs it (fuzz/guided/scan.ts): records counted, outcomes and the model's end state kept, features made */
export const withFeedback = (tc: TestCase): void => {
  let end = null as ReturnType<typeof abstractModel> | null;
  const o = runCase(tc, { ...OPTS, coverage: true, onRecord: counted.record, onEnd: (e) => (end = abstractModel(e.model)) });
  counted.of(o, end, o.features);
};

/** a guided stream whose epoch 1 derives from `parents` (as if the first epoch had kept them) */
const guidedStream = (parents: readonly TestCase[]) => {
  const reach = reachOf(builtinFactory.capabilities, 'builtin');
  const base = new CaseStream(42, campaignArb(DEFAULT_SHAPE, reach));
  const corpus = new GuideCorpus(parents.map((tc, i) => ({ tc, features: [`bench:${i}`] })));
  corpus.fold([], EPOCH);
  return { source: new GuidedSource(base, 42, DEFAULT_SHAPE, reach, corpus), corpus, base };
};

/** operations of the cases from `start` (count of them) of a stream, and the time a scan of them takes */
const scanRate = (run: () => void, ops: number, rounds: number): number => {
  let best = Infinity;
  for (let r = 0; r < rounds; r++) {
    const t0 = process.hrtime.bigint();
    run();
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e9);
  }
  return ops / best;
};

/** [name, ops/s] of a plain scan and a guided scan of `count` cases of epoch 1 */
export const guidedScanRows = (parents: readonly TestCase[], count: number, rounds: number): { plain: number; guided: number; ops: number } => {
  const { source, corpus, base } = guidedStream(parents);
  const req = { start: EPOCH, stride: 1, count };
  const guide = corpus.snapshot(1);
  const opsOf = (s: { at(i: number): { value: readonly [TestCase] } }): number => {
    let n = 0;
    for (let k = 0; k < count; k++) n += s.at(EPOCH + k).value[0].ops.length;
    return n;
  };
  const plainOps = opsOf(base);
  const guidedOps = opsOf(source);
  // per operation, so cases of another length compare
  const plain = scanRate(() => scanCases(base, req, OPTS), plainOps, rounds);
  const guided = scanRate(() => scanCases(source, { ...req, guide }, OPTS), guidedOps, rounds);
  return { plain, guided, ops: guidedOps };
};
