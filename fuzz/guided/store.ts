/**
 * `fuzz --guide-corpus DIR`: the guide corpus kept between nights, next to the failure
 * corpus. Read before the campaign (its cases are the corpus of the first epoch), written
 * after it, atomically (a temporary file renamed over the old one), as one JSON file.
 */
import { BadInput } from '../io.js';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { TestCaseSchema } from '../../api/case.js';
import { MAX_TEXT } from '../../api/bounds.js';
import type { GuideEntry } from './corpus.js';

export const GUIDE_FILE = 'guide-corpus.json';
export const GUIDE_FORMAT = 'kvm-oracle-guide/1';

const GuideFileSchema = z.strictObject({
  format: z.literal(GUIDE_FORMAT),
  entries: z.array(z.strictObject({ tc: TestCaseSchema, features: z.array(z.string().max(MAX_TEXT)) })),
});

/** the entries kept in DIR (none when it has no corpus yet); a bad file is a usage error (exit 2) */
export const loadGuide = (dir: string): GuideEntry[] => {
  const file = join(dir, GUIDE_FILE);
  if (!existsSync(file)) return [];
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new BadInput(`--guide-corpus: ${file}: ${(e as Error).message}`);
  }
  const r = GuideFileSchema.safeParse(json);
  if (!r.success) throw new BadInput(`--guide-corpus: ${file}: not a guide corpus (${r.error.issues[0]?.path.join('.') ?? ''}: ${r.error.issues[0]?.message ?? ''})`);
  return r.data.entries;
};

/** writes the entries to DIR, replacing what was there in one rename */
export const saveGuide = (dir: string, entries: readonly GuideEntry[]): string => {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, GUIDE_FILE);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify({ format: GUIDE_FORMAT, entries }) + '\n');
  renameSync(tmp, file);
  return file;
};
