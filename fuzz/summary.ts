/**
 * The summary of a campaign (or of one shard of it) as JSON: what `--json FILE` writes and
 * `kvm-oracle merge` reads. Plain data, versioned by `format`; parseSummary checks a file
 * field by field so a bad one gets a one-line reason.
 */
import type { Signal } from './engine.js';
import type { Found } from './found.js';
import type { Cut } from './shrink.js';

export const SUMMARY_FORMAT = 'kvm-oracle-summary/1';

export interface SummaryFailure {
  readonly signature: string;
  readonly invariant: string;
  /** the counterexample file, or null when it could not be written */
  readonly file: string | null;
  /** the campaign run (1-based) whose case first failed; 0: a corpus entry failed again */
  readonly firstSeen: number;
  /** in the baseline */
  readonly known: boolean;
  readonly source: 'corpus' | 'generated';
  readonly message: string;
  /** shrinking stopped early (--shrink-time, a signal) */
  readonly shrinkCut: Cut | null;
}

/** something the campaign could not check, and why */
export interface NotChecked {
  /** an invariant id, or CONFORMANCE */
  readonly what: string;
  readonly why: string;
  /** how many cases it concerns, when it concerns some */
  readonly cases?: number;
}

export interface Summary {
  readonly format: typeof SUMMARY_FORMAT;
  readonly seed: number;
  /** cases run (by this shard) */
  readonly runs: number;
  readonly workers: number;
  readonly shard: { readonly index: number; readonly count: number } | null;
  readonly timeMs: number;
  readonly implementation: string;
  readonly mutant: string | null;
  /** corpus entries replayed */
  readonly replayed: number;
  readonly interrupted: Signal | null;
  readonly failures: readonly SummaryFailure[];
  readonly notChecked: readonly NotChecked[];
}

export interface SummaryInput {
  readonly seed: number;
  readonly runs: number;
  readonly workers: number;
  readonly shard: Summary['shard'];
  readonly timeMs: number;
  readonly implementation: string;
  readonly mutant: string | null;
  readonly replayed: number;
  readonly interrupted: Signal | null;
  /** each failure with the file it was written to */
  readonly failures: readonly { readonly found: Found; readonly file: string | null }[];
  readonly unchecked: number;
  readonly disabled: readonly string[];
}

export const summaryOf = ({ unchecked, disabled, ...s }: SummaryInput): Summary => ({
  format: SUMMARY_FORMAT,
  ...s,
  failures: s.failures.map(({ found: f, file }) => ({
    signature: f.signature,
    invariant: f.counterexample.invariant,
    file,
    firstSeen: f.firstSeen,
    known: f.known,
    source: f.source,
    message: f.counterexample.message,
    shrinkCut: f.shrinkCut,
  })),
  notChecked: [
    ...(unchecked ? [{ what: 'CONFORMANCE', why: 'the linearizability search gave up (monitors still ran)', cases: unchecked }] : []),
    ...disabled.map((what) => ({ what, why: 'monitor switched off (--disable)' })),
  ],
});
