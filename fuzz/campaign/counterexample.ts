/**
 * Counterexample files: read only through the schema (api/counterexample.ts), so a bad
 * file gets one line naming the JSON path of its first problem; read only when it is a
 * regular file of reasonable size; written atomically (a temporary file, then rename), so
 * a full disk never leaves half a counterexample behind.
 */
import { constants, existsSync, closeSync, fstatSync, openSync, readSync, renameSync, unlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { CounterexampleSchema, FORMAT, type Counterexample } from '../../api/counterexample.js';
import { checkJson } from '../../api/validate.js';
import { failureSignature } from './signature.js';

export { FORMAT, type Counterexample } from '../../api/counterexample.js';

/** a counterexample of MAX_OPS operations is well under this */
export const MAX_FILE_BYTES = 16 << 20;

export class BadCounterexample extends Error {}

/** Parses and checks a counterexample; throws BadCounterexample with the reason. */
export const parseCounterexample = (text: string): Counterexample => {
  // what an older version left when it was killed while writing (files are whole now)
  if (!text.trim()) throw new BadCounterexample('the file is empty (cut short by a kill or a full disk): delete it');
  const r = checkJson(CounterexampleSchema, text);
  if (!r.ok) throw new BadCounterexample(r.problem);
  return r.value;
};

/** Reads a regular file of at most `max` bytes as UTF-8; anything else is a one-line reason. */
export const readBounded = (path: string, max = MAX_FILE_BYTES): string => {
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO must not wait for a writer
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    throw new BadCounterexample(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new BadCounterexample(`${path} is not a regular file`);
    if (st.size > max) throw new BadCounterexample(`${path} has ${st.size} bytes, more than the ${max} such a file may have`);
    const buf = Buffer.alloc(Math.min(st.size, max) + 1);
    let n = 0;
    try {
      for (let k = 1; k > 0 && n < buf.length; n += k) k = readSync(fd, buf, n, buf.length - n, n);
    } catch (e) {
      // /proc/self/mem and the like: a "regular file" that cannot be read
      throw new BadCounterexample(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    if (n > max) throw new BadCounterexample(`${path} grew past ${max} bytes while it was read`);
    return buf.subarray(0, n).toString('utf8');
  } finally {
    closeSync(fd);
  }
};

export const readCounterexample = (path: string): Counterexample => parseCounterexample(readBounded(path));

/**
 * mkdir -p, one level at a time: Node 20's recursive mkdirSync never returns for some
 * paths (under /proc), and a report must not hang after the campaign.
 */
const makeDirs = (dir: string): void => {
  if (existsSync(dir)) return;
  const up = dirname(dir);
  if (up !== dir) makeDirs(up);
  mkdirSync(dir);
};

/** Writes `text` to `path` atomically: the file is whole or absent. */
export const writeAtomic = (path: string, text: string): void => {
  makeDirs(dirname(path));
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, path);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      // nothing was left
    }
    throw e;
  }
};

/** a spec (builtin, kvm, module:PATH, exec:COMMAND) as a short file-name part */
const slug = (spec: string): string => spec.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 24) || 'impl';

/**
 * The file name: the signature (so two different failures never share a file), the
 * implementation, the mutant, the engine and where it came from; the same failure from
 * the same seed and engine always lands in the same file.
 */
export const counterexampleName = (cx: Counterexample): string => {
  const from = cx.explore ? `explore-d${cx.explore.depth}t${cx.explore.threads}p${cx.explore.preemptions}` : `seed${cx.seed}`;
  return `${failureSignature(cx)}-${slug(cx.implementation)}-${cx.mutant ?? 'nomutant'}-${cx.engine ?? 'fast-check'}-${from}.json`;
};
