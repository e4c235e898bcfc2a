/**
 * The summary of a campaign or of one shard (`fuzz --json FILE`); `merge` combines the
 * summaries of shards into one. Plain JSON, read by CI and by people.
 */
import type { FailureId } from '../oracle/monitor.js';

export interface FailureSummary {
  /** fuzz/signature.ts: the same bug gives the same signature */
  readonly signature: string;
  readonly invariant: FailureId;
  /** the counterexample file, or null when it could not be written (it was printed) */
  readonly file: string | null;
  /** the generated case (1-based) at which this failure was first seen */
  readonly firstSeen: number;
}

/** A check that could not run, or ran on nothing: nothing passes silently. */
export interface NotChecked {
  /** an invariant id, or CONFORMANCE */
  readonly check: string;
  readonly reason: string;
}

export interface Summary {
  readonly seed: number;
  /** cases generated and run */
  readonly runs: number;
  readonly workers: number;
  /** which shard of the campaign this is (1-based index of count), null for a whole campaign */
  readonly shard: { readonly index: number; readonly count: number } | null;
  /** wall-clock time of the campaign */
  readonly timeMs: number;
  readonly failures: readonly FailureSummary[];
  readonly notChecked: readonly NotChecked[];
}
