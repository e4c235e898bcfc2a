/**
 * The scan's side of guided generation: each case runs with its rule outcomes kept and
 * its records counted as they come (features.ts; no trace is kept), and one that reached a feature its epoch's corpus lacks is sent back (Novel) for
 * the engine to fold in at the epoch's end.
 */
import type { TestCase } from '../../api/ops.js';
import type { CaseSource } from '../gen/stream.js';
import type { RunOptions, RunOutcome } from '../run/runner.js';
import type { ModelState } from '../../model/state.js';
import { abstractModel } from '../../model/abstract.js';
import { epochOf, type GuideSnapshot, type Novel } from './corpus.js';
import { RunFeatures } from './features.js';

/** the optional methods of a guided stream (fuzz/guided/source.ts) */
export interface Guided {
  load?(s: GuideSnapshot): void;
  knownAt?(epoch: number): ReadonlySet<string>;
}

export interface GuidedScan {
  /** the run options of one case: records counted, outcomes and the model's end state kept */
  readonly opts: (base: RunOptions) => RunOptions;
  /** after case `index` ran */
  readonly seen: (index: number, tc: TestCase, o: RunOutcome) => void;
  readonly novel: Novel[];
}

export const guidedScan = (stream: CaseSource & Guided, guide: GuideSnapshot): GuidedScan => {
  stream.load?.(guide);
  const known = stream.knownAt?.(guide.epoch) ?? new Set<string>();
  const novel: Novel[] = [];
  let end: ModelState | null = null;
  const counted = new RunFeatures();
  return {
    novel,
    opts: (base) => ({
      ...base,
      coverage: true,
      onRecord: base.onRecord ? (r, tid) => (counted.record(r), base.onRecord!(r, tid)) : counted.record,
      onEnd: (e) => ((end = e.model), base.onEnd?.(e)),
    }),
    seen: (index, tc, o) => {
      if (epochOf(index) !== guide.epoch) throw new Error(`guided scan: case ${index} is not of epoch ${guide.epoch}`);
      const features = counted.of(o, end && abstractModel(end), o.features);
      end = null;
      if (features.some((f) => !known.has(f))) novel.push({ index, tc, features });
    },
  };
};
