/**
 * The summary of a campaign or of one shard (`fuzz --json FILE`); `merge` combines the
 * summaries of shards into one, and the JUnit report is made from it. Plain JSON, read by
 * CI and by people, versioned by `format`.
 */
import type { FailureId } from '../../oracle/monitor.js';
import type { Signal } from '../campaign/loop.js';
import type { Found } from '../campaign/found.js';
import type { Cut } from '../campaign/shrink.js';
import type { EngineName } from '../engines/name.js';
import type { CoverageCounts } from './spec-coverage.js';
import { bugOf, bugText } from '../campaign/signature.js';

export const SUMMARY_FORMAT = 'kvm-oracle-summary/1';

export interface FailureSummary {
  /** fuzz/campaign/signature.ts: the same bug gives the same signature */
  readonly signature: string;
  readonly invariant: FailureId;
  /** the counterexample file, or null when it could not be written (it was printed) */
  readonly file: string | null;
  /** the campaign run (1-based) whose case first failed; 0: a corpus entry failed again */
  readonly firstSeen: number;
  /** in the baseline, or an open corpus entry */
  readonly known: boolean;
  readonly source: 'corpus' | 'generated';
  /** a corpus entry that still fails (open), or one that was fixed and fails again (regressed) */
  readonly corpus?: 'open' | 'regressed';
  /** the bug in a line: invariant, reason, failing operation kind (signature.ts) */
  readonly bug?: string;
  readonly message: string;
  /** shrinking stopped early (--shrink-time, a signal) */
  readonly shrinkCut: Cut | null;
}

/** A check that could not run, or ran on nothing: nothing passes silently. */
export interface NotChecked {
  /** an invariant id, CONFORMANCE, or what else was not checked */
  readonly check: string;
  readonly reason: string;
  /** how many cases it concerns, when it concerns some (merge adds them up) */
  readonly cases?: number;
}

import type { CaseSet } from '../campaign/case-set.js';

export interface Summary {
  readonly format: typeof SUMMARY_FORMAT;
  readonly seed: number;
  /** cases generated and run (by this shard) */
  readonly runs: number;
  readonly workers: number;
  /** which shard of the campaign this is (1-based index of count), null for a whole campaign */
  readonly shard: { readonly index: number; readonly count: number } | null;
  /** wall-clock time of the campaign */
  readonly timeMs: number;
  /** the --impl spec */
  readonly implementation: string;
  readonly mutant: string | null;
  /** the engine that drew the cases (`fuzz --engine`), when it is not the default, fast-check */
  readonly engine?: EngineName;
  /** corpus entries replayed */
  readonly replayed: number;
  /** corpus entries that pass now (moved to fixed/) */
  readonly fixed?: readonly string[];
  readonly interrupted: Signal | null;
  readonly failures: readonly FailureSummary[];
  readonly notChecked: readonly NotChecked[];
  /** spec coverage (fuzz/report/spec-coverage.ts), when the stats were collected */
  readonly coverage?: CoverageCounts;
  /** which cases it ran, so that merge can prove the shards whole (fuzz/campaign/case-set.ts) */
  readonly cases?: CaseSet;
}

export interface SummaryInput extends Omit<Summary, 'format' | 'failures'> {
  /** each failure with the file it was written to */
  readonly failures: readonly { readonly found: Found; readonly file: string | null }[];
}

export const summaryOf = (s: SummaryInput): Summary => ({
  format: SUMMARY_FORMAT,
  ...s,
  failures: s.failures.map(({ found: f, file }) => ({
    signature: f.signature,
    invariant: f.counterexample.invariant,
    file,
    firstSeen: f.firstSeen,
    known: f.known,
    source: f.source,
    ...(f.corpus && { corpus: f.corpus }),
    bug: bugText(bugOf(f.counterexample)),
    message: f.counterexample.message,
    shrinkCut: f.shrinkCut,
  })),
});
