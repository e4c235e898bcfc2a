/**
 * Which failure of the stream gets shrunk, decided on the verdicts in stream order only,
 * so it does not depend on which worker finished first.
 *
 * Invariant violations outrank conformance differences: a monitor names the rule that
 * broke, a difference with the model only says that something did. So after a CONFORMANCE
 * failure the judge looks at up to `hunt` more cases for a violation (which wins, and the
 * conformance case is dropped), and hands over the conformance case once none turned up.
 */
import type { Scanned } from './executor.js';

/** cases tried after a conformance failure, looking for an invariant violation */
export const HUNT = 500;

/** a failing case to shrink, and the stream position whose verdict decided it */
export interface Decision {
  readonly v: Scanned;
  readonly at: number;
}

export class Judge {
  /** the conformance failure being hunted past, and the last position of the hunt */
  private pending: { readonly v: Scanned; readonly until: number } | null = null;

  constructor(private readonly hunt = HUNT) {}

  /** the verdict of a failing (or unchecked) case at stream position `p`: what to shrink now */
  take(p: number, v: Scanned): Decision[] {
    const out = this.reach(p - 1);
    if (!v.failure) return out;
    if (v.failure.id !== 'CONFORMANCE') {
      this.pending = null;
      return [...out, { v, at: p }];
    }
    this.pending ??= { v, until: p + this.hunt };
    return out;
  }

  /** every case up to position `p` has been seen: a hunt that ended hands its case over */
  reach(p: number): Decision[] {
    if (!this.pending || p < this.pending.until) return [];
    const { v, until } = this.pending;
    this.pending = null;
    return [{ v, at: Math.min(p, until) }];
  }

  /** the stream ended (budget, time, signal): a hunt under way hands its case over */
  end(): Decision[] {
    return this.reach(Infinity);
  }
}
