/**
 * What `fuzz` prints and writes for each failure it collected: the report (a new one in
 * full, a known one in a line), its signature, the counterexample file, the corpus entry.
 * A counterexample is never lost: when its file cannot be written it is printed whole.
 */
import { join } from 'node:path';
import type { Io } from '../io.js';
import { addToCorpus } from '../campaign/corpus.js';
import { counterexampleName, writeAtomic } from '../campaign/counterexample.js';
import { replayCommand } from './shell.js';
import { writeMarkdown } from './outputs.js';
import type { RunOutcome } from '../run/runner.js';
import type { Executor } from '../campaign/executor.js';
import type { Found } from '../campaign/found.js';
import { reportFailure } from './report.js';
import { bugOf, bugText } from '../campaign/signature.js';
import { errorText } from '../run/runner.js';

export interface ReportContext {
  /** seed, workers, implementation ... as the header says them */
  readonly what: string;
  readonly runs: number;
  readonly shrinkTimeMs: number;
  readonly out: string;
  readonly corpusDir?: string;
  /**
   * runs the case with its trace only when the failure came without its run (in a worker:
   * a hang there cannot hang the report); a failure fuzz shrank carries its own
   */
  readonly exec: Executor;
  /** the command that found it, and where, when not fuzz's shrunk run (explore) */
  readonly command?: string;
  readonly header?: string;
}

const header = (f: Found, c: ReportContext): string =>
  f.corpus === 'open'
    ? `the stored counterexample ${f.from} still fails: an open bug`
    : f.corpus === 'regressed'
      ? `the stored counterexample ${f.from} passed on an earlier run and fails again: a regression`
      : `failure first seen at run ${f.firstSeen} (of ${c.runs} runs), shrunk in ${f.shrinks} steps`;

/** the file name holds the signature: a second failure of the run never overwrites the first */
const fileFor = (f: Found, c: ReportContext): string => join(c.out, counterexampleName(f.counterexample));

/** prints and writes one failure; the file written, or null when it could not be */
export const reportFound = async (f: Found, c: ReportContext, io: Io): Promise<string | null> => {
  const cx = f.counterexample;
  io.out(`kvm-oracle ${c.command ?? 'fuzz'}: ${c.what}: ${c.header ?? header(f, c)}`);
  if (f.shrinkCut) io.out(`  shrinking cut short (${f.shrinkCut === 'time' ? `--shrink-time ${c.shrinkTimeMs} ms reached` : 'signal'}): the case may not be minimal`);
  let outcome: RunOutcome | null = null;
  if (f.known) io.out(`  known: ${f.signature} ${f.corpus === 'open' ? 'is an open bug of the corpus' : 'is in the baseline'} (${bugText(bugOf(cx))}: ${cx.message})`);
  else {
    // the run that failed, kept by shrinking (or the corpus replay): the report is written from it
    outcome = f.outcome && (f.outcome.evidence || f.outcome.trace.length) ? f.outcome : await c.exec.run(cx, true);
    for (const l of reportFailure(cx, outcome, cx)) io.out(l);
    if (!outcome.trace.length) io.out('  (no trace: the run for this report was cut short too, e.g. killed at --case-timeout)');
    io.out(`  signature: ${f.signature} (${f.corpus === 'regressed' ? 'REGRESSED' : 'new'}): ${bugText(bugOf(cx))}`);
  }
  const file = fileFor(f, c);
  let md: string | null = null;
  try {
    writeAtomic(file, JSON.stringify(cx, null, 2) + '\n');
    if (outcome) md = writeMarkdown(cx, outcome, file);
  } catch (e) {
    // never lose a counterexample: print it whole when it cannot be written
    io.err(`kvm-oracle: cannot write ${file}: ${errorText(e)}; the counterexample follows`);
    io.out(JSON.stringify(cx));
    return null;
  }
  io.out(`  written: ${file}`);
  if (md) io.out(`  report:  ${md}`);
  if (c.corpusDir && f.source !== 'corpus') {
    try {
      const stored = addToCorpus(c.corpusDir, f);
      io.out(stored ? `  corpus:  added ${stored}` : `  corpus:  ${f.signature} is there already`);
    } catch (e) {
      io.err(`kvm-oracle: cannot add to the corpus ${c.corpusDir}: ${errorText(e)}`);
    }
  }
  io.out(`  replay:  ${replayCommand(file, f.counterexample.implementation)}`);
  return file;
};
