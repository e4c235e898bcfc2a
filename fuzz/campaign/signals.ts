/**
 * SIGINT and SIGTERM in `fuzz`: the first stops the search gracefully (the case under way
 * is dropped, the shrink under way cut), and the handlers stay until the last file is
 * written, so a signal while the reports are written lets them finish. A second signal
 * exits at once, but only between two files: every file is written synchronously
 * (writeAtomic), and a handler runs only between two synchronous steps, so what is on disk
 * is then whole or absent, never a lone .tmp.
 */
import type { Signal } from './loop.js';

/** the exit status of a run a signal ended (with nothing new found) */
export const SIGNAL_EXIT: Record<Signal, number> = { SIGINT: 130, SIGTERM: 143 };

export interface Signals {
  /** the first signal that came, or null */
  readonly caught: Signal | null;
  /**
   * Lets a signal that came during synchronous work be handled: Node runs a handler only
   * when the event loop turns, so without this the handlers could be taken down with the
   * signal still pending, and it would be lost.
   */
  settle(): Promise<void>;
  /** takes the handlers down (after the last file) */
  release(): void;
}

/** installs the handlers; `first` is told of the first signal */
export const catchSignals = (first: (s: Signal) => void): Signals => {
  let caught: Signal | null = null;
  const handlers = (Object.keys(SIGNAL_EXIT) as Signal[]).map((sig) => {
    const h = (): void => {
      if (caught) process.exit(SIGNAL_EXIT[sig]);
      caught = sig;
      first(sig);
    };
    process.on(sig, h);
    return [sig, h] as const;
  });
  return {
    get caught() {
      return caught;
    },
    settle: async () => {
      for (let i = 0; i < 2; i++) await new Promise((turn) => setImmediate(turn));
    },
    release: () => {
      for (const [sig, h] of handlers) process.off(sig, h);
    },
  };
};
