/**
 * The corpus: a directory of counterexamples from earlier runs, one file per failure
 * signature (SIGNATURE.json). Every run replays all of them before it generates a case,
 * so a fixed bug that comes back fails at once; a new failure is added unless a file of
 * its signature is there already.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../cli/options.js';
import { BadCounterexample, readCounterexample, writeAtomic, type Counterexample } from './counterexample.js';
import type { Found } from './found.js';

export interface CorpusEntry {
  readonly file: string;
  readonly cx: Counterexample;
}

/** every *.json of DIR in name order (none when DIR does not exist yet: the first night) */
export const loadCorpus = (dir: string): CorpusEntry[] => {
  if (!existsSync(dir)) return [];
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.json')).sort();
  } catch (e) {
    throw new UsageError(`--corpus: cannot read ${dir}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  return names.map((n) => {
    const file = join(dir, n);
    try {
      return { file, cx: readCounterexample(file) };
    } catch (e) {
      if (e instanceof BadCounterexample) throw new UsageError(`--corpus: ${file}: ${e.message}`);
      throw e;
    }
  });
};

/** stores a failure under its signature: the file written, or null when one was there */
export const addToCorpus = (dir: string, f: Found): string | null => {
  const file = join(dir, `${f.signature}.json`);
  if (existsSync(file)) return null;
  // whole or not at all: a 0-byte entry would break every later campaign on this corpus
  writeAtomic(file, JSON.stringify(f.counterexample, null, 2) + '\n');
  return file;
};
