/**
 * explore's progress line on stderr: fuzz's (fuzz/report/progress.ts: quiet for two
 * seconds, redrawn on a terminal, a line every 10 s in a log) with what a search has
 * instead of a run count: distinct states, and the depth under way. Timings appear only
 * here, never on stdout.
 */
import { Progress, type ProgressOptions, type ProgressState } from '../report/progress.js';

export class ExploreProgress extends Progress {
  private states = 0;
  private depth = 0;
  private readonly budget: number | undefined;

  constructor(o: ProgressOptions) {
    super(o);
    this.budget = o.timeMs;
  }

  explored(cases: number, states: number, depth: number): void {
    [this.states, this.depth] = [states, depth];
    this.tick({ cases, failures: 0, shrinking: null });
  }

  override line(s: ProgressState, t: number): string {
    const rate = t > 0 ? Math.round((s.cases * 1000) / t) : 0;
    const left = this.budget === undefined ? '' : `, ${Math.max(0, Math.round((this.budget - t) / 1000))}s left`;
    return `kvm-oracle explore: ${s.cases} cases, ${this.states} states, at depth ${this.depth}, ${rate} cases/s, ${Math.round(t / 1000)}s${left}`;
  }
}
