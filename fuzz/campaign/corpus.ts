/**
 * The corpus: a directory of counterexamples from earlier runs, one file per failure
 * signature (SIGNATURE.json), and under fixed/ the ones that passed on a later run. Every
 * run replays all of them first and then generates new cases as usual:
 * - an entry that still fails is an open bug: reported as known, the night stays green;
 * - an entry that passes is fixed: it moves to fixed/ and is reported as fixed;
 * - an entry of fixed/ that fails again is a regression: it fails the night and moves back.
 * A new failure is added unless a file of its signature is there already.
 */
import { BadInput } from '../io.js';
import { existsSync, mkdirSync, readdirSync, renameSync } from 'node:fs';
import { basename, join } from 'node:path';
import { BadCounterexample, readCounterexample, writeAtomic, type Counterexample } from './counterexample.js';
import type { Found } from './found.js';

export const FIXED_DIR = 'fixed';

export interface CorpusEntry {
  readonly file: string;
  readonly cx: Counterexample;
  /** in fixed/: it passed on an earlier run */
  readonly fixed?: boolean;
}

const jsonFiles = (dir: string): string[] => {
  if (!existsSync(dir)) return [];
  try {
    return readdirSync(dir, { withFileTypes: true }).filter((e) => e.isFile() && e.name.endsWith('.json')).map((e) => e.name).sort();
  } catch (e) {
    throw new BadInput(`--corpus: cannot read ${dir}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
};

/** every *.json of DIR, then of DIR/fixed, in name order (none when DIR does not exist yet: the first night) */
export const loadCorpus = (dir: string): CorpusEntry[] =>
  [false, true].flatMap((fixed) => {
    const from = fixed ? join(dir, FIXED_DIR) : dir;
    return jsonFiles(from).map((n) => {
      const file = join(from, n);
      try {
        return { file, cx: readCounterexample(file), ...(fixed && { fixed }) };
      } catch (e) {
        if (e instanceof BadCounterexample) throw new BadInput(`--corpus: ${file}: ${e.message}`);
        throw e;
      }
    });
  });

/** stores a failure under its signature: the file written, or null when one was there */
export const addToCorpus = (dir: string, f: Found): string | null => {
  const file = join(dir, `${f.signature}.json`);
  if (existsSync(file)) return null;
  // whole or not at all: a 0-byte entry would break every later campaign on this corpus
  writeAtomic(file, JSON.stringify(f.counterexample, null, 2) + '\n');
  return file;
};

/** moves an entry that passes now to DIR/fixed (fixed), or one of fixed/ that fails again back (regressed); the new path */
export const moveEntry = (dir: string, file: string, to: 'fixed' | 'open'): string => {
  const target = to === 'fixed' ? join(dir, FIXED_DIR, basename(file)) : join(dir, basename(file));
  mkdirSync(join(target, '..'), { recursive: true });
  renameSync(file, target);
  return target;
};
