/**
 * The baseline: failure signatures already known (filed, or accepted for now), one a
 * line; blank lines and lines starting with # are skipped. A failure whose signature is
 * listed is reported as known and does not make the run fail.
 */
import { BadInput } from '../io.js';
import { BadCounterexample, readBounded } from './counterexample.js';

/** a baseline is a list of signatures: a few MB at most (a FIFO or /dev/zero is refused) */
const MAX_BASELINE_BYTES = 4 << 20;

export const parseBaseline = (text: string): Set<string> =>
  new Set(text.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#')));

export const loadBaseline = (file: string): Set<string> => {
  try {
    return parseBaseline(readBounded(file, MAX_BASELINE_BYTES));
  } catch (e) {
    if (e instanceof BadCounterexample) throw new BadInput(`--baseline: ${e.message}`);
    throw new BadInput(`--baseline: cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
};
