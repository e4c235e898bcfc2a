/**
 * The progress line on stderr: cases, cases/s, failures and the time left, for any run
 * that lasts over two seconds. On a terminal it is redrawn in place; in a CI log (not a
 * TTY) it is one line every ten seconds. The campaign is synchronous, so the line is driven
 * by the per-case hook and the clock, not by a timer. stdout is never touched.
 */

import type { ProgressSink } from '../io.js';

/** where the line goes: process.stderr, or a fake in tests */
export type { ProgressSink } from '../io.js';

export interface ProgressOptions {
  readonly sink: ProgressSink;
  /** the run budget: a number of cases, or a wall-clock time */
  readonly runs: number;
  readonly timeMs?: number;
  /** milliseconds; Date.now unless a test drives the clock */
  readonly now?: () => number;
}

export interface ProgressState {
  /** generated cases so far */
  readonly cases: number;
  /** distinct failures seen */
  readonly failures: number;
  /** shrink steps tried, once shrinking has begun */
  readonly shrinking: number | null;
}

/** nothing is shown before this */
export const QUIET_MS = 2000;
/** a new line this often when stderr is not a terminal */
export const LOG_EVERY_MS = 10_000;
/** at most this often on a terminal */
const REDRAW_MS = 100;

const duration = (ms: number): string => {
  const s = Math.max(0, Math.round(ms / 1000));
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
};

export class Progress {
  private readonly now: () => number;
  private readonly start: number;
  /** when the last line was shown, or null while quiet */
  private shown: number | null = null;
  private last: ProgressState = { cases: 0, failures: 0, shrinking: null };

  constructor(private readonly o: ProgressOptions) {
    this.now = o.now ?? Date.now;
    this.start = this.now();
  }

  line(s: ProgressState, t: number): string {
    const rate = t > 0 ? Math.round((s.cases * 1000) / t) : 0;
    const left =
      s.shrinking !== null
        ? `shrinking (${s.shrinking} cases tried)`
        : this.o.timeMs !== undefined
          ? `${duration(this.o.timeMs - t)} left`
          : rate > 0
            ? `about ${duration(((this.o.runs - s.cases) * 1000) / rate)} left`
            : 'time left unknown';
    return `kvm-oracle fuzz: ${s.cases} cases, ${rate} cases/s, ${s.failures} failure(s), ${left}`;
  }

  /** after every case */
  tick(s: ProgressState): void {
    this.last = s;
    const t = this.now() - this.start;
    if (t < QUIET_MS) return;
    const gap = this.o.sink.isTTY ? REDRAW_MS : LOG_EVERY_MS;
    if (this.shown !== null && t - this.shown < gap) return;
    this.shown = t;
    this.draw(t);
  }

  /** the run is over: leave the last state on screen (only if anything was shown) */
  end(): void {
    if (this.shown === null) return;
    this.draw(this.now() - this.start);
    if (this.o.sink.isTTY) this.o.sink.write('\n');
  }

  private draw(t: number): void {
    const text = this.line(this.last, t);
    // on a terminal: back to column 0, the line, then clear what a longer line left
    this.o.sink.write(this.o.sink.isTTY ? `\r${text}\x1b[K` : `${text}\n`);
  }
}
