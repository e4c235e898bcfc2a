/**
 * The baseline: failure signatures already known (filed, or accepted for now), one a
 * line; blank lines and lines starting with # are skipped. A failure whose signature is
 * listed is reported as known and does not make the run fail.
 */
import { readFileSync } from 'node:fs';
import { UsageError } from '../cli/options.js';

export const parseBaseline = (text: string): Set<string> =>
  new Set(text.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#')));

export const loadBaseline = (file: string): Set<string> => {
  try {
    return parseBaseline(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UsageError(`--baseline: cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
};
