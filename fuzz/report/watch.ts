/**
 * What the fuzz command watches while a campaign runs, through the campaign's per-case hook:
 * the count of generated cases, the case at which each failure was first seen, the progress
 * line and (with --stats or --json) the stats. It only observes: the campaign's cases and
 * results are the same with or without it.
 */
import type { FailureId } from '../../oracle/monitor.js';
import type { CasePhase } from '../campaign/campaign.js';
import type { RunOutcome } from '../run/runner.js';
import { Progress, type ProgressOptions } from './progress.js';
import { addCase, emptyStats, type Stats } from './stats.js';

export interface WatchOptions {
  /** show the progress line here (absent: none) */
  readonly progress?: ProgressOptions;
  /** collect stats: the campaign must then keep each case's trace */
  readonly stats: boolean;
}

export class CampaignWatch {
  /** generated cases so far */
  cases = 0;
  /** cases tried while shrinking */
  shrinkSteps = 0;
  /** the generated case (1-based) at which each failure id was first seen */
  readonly firstSeen = new Map<FailureId, number>();
  readonly stats: Stats | null;
  private readonly progress: Progress | null;

  constructor(o: WatchOptions) {
    this.stats = o.stats ? emptyStats() : null;
    this.progress = o.progress ? new Progress(o.progress) : null;
  }

  /** whether the campaign must keep traces for this watch */
  get keepTrace(): boolean {
    return this.stats !== null;
  }

  /** the campaign's onCase hook */
  readonly onCase = (_tc: unknown, outcome: RunOutcome, phase: CasePhase): void => {
    if (phase === 'generate') {
      this.cases++;
      const id = outcome.failure?.id;
      if (id !== undefined && !this.firstSeen.has(id)) this.firstSeen.set(id, this.cases);
      if (this.stats) addCase(this.stats, outcome);
    } else this.shrinkSteps++;
    this.progress?.tick({ cases: this.cases, failures: this.firstSeen.size, shrinking: phase === 'shrink' ? this.shrinkSteps : null });
  };

  /** the campaign is over */
  end(): void {
    this.progress?.end();
  }
}
