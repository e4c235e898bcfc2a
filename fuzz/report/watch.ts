/**
 * What the progress line shows while a campaign runs, from the engine's callbacks and the
 * executor's runs: cases read so far, failures collected, and, once a shrink has begun,
 * how many candidates it tried. It only observes: the campaign's cases and results are
 * the same with or without it, in process or in workers.
 */
import type { Executor } from '../campaign/executor.js';
import { Progress, type ProgressOptions, type ProgressState } from './progress.js';

export class CampaignWatch {
  private state: ProgressState = { cases: 0, failures: 0, shrinking: null };
  private readonly line: Progress;

  constructor(o: ProgressOptions) {
    this.line = new Progress(o);
  }

  /** the engine's onProgress: a stretch was read (a shrink, if any, is over) */
  readonly onProgress = (p: { readonly runs: number; readonly failures: number }): void => {
    this.tick({ cases: p.runs, failures: p.failures, shrinking: null });
  };

  /** the engine's onShrink: case `run` failed; from now on every single run is a shrink candidate */
  readonly onShrink = (run: number): void => {
    this.tick({ ...this.state, cases: Math.max(this.state.cases, run), shrinking: 0 });
  };

  /** the executor, with each single run counted while a shrink is under way */
  executor(exec: Executor): Executor {
    return {
      get workers() {
        return exec.workers;
      },
      scan: (r) => exec.scan(r),
      probe: (jobs) => exec.probe(jobs),
      run: (tc, keepTrace, timeoutMs) => {
        if (this.state.shrinking !== null) this.tick({ ...this.state, shrinking: this.state.shrinking + 1 });
        return exec.run(tc, keepTrace, timeoutMs);
      },
      abort: () => exec.abort(),
      close: () => exec.close(),
    };
  }

  private tick(s: ProgressState): void {
    this.state = s;
    this.line.tick(s);
  }

  /** the campaign is over */
  end(): void {
    this.line.end();
  }
}
