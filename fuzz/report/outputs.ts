/**
 * What `fuzz` leaves for CI and people once a campaign is over: the Markdown report beside
 * a counterexample, the summary (`--json`), the JUnit report (`--junit`) and the stats
 * (`--stats`). Writing goes through here so the command line stays a list of steps.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { MAX_NODES } from '../../oracle/linearize.js';
import { RULES } from '../../oracle/rules.js';
import type { Counterexample } from '../counterexample.js';
import type { RunOutcome } from '../runner.js';
import { failureSignature } from '../signature.js';
import type { NotChecked, Summary } from '../summary.js';
import { junitXml } from './junit.js';
import { markdownReport } from './markdown.js';
import { formatStats, idleMonitors } from './stats.js';
import type { CampaignWatch } from './watch.js';

export interface OutputFiles {
  readonly junit?: string;
  readonly json?: string;
  readonly stats: boolean;
}

/** the Markdown report's path: the counterexample's, with .md */
export const markdownPath = (file: string): string => file.replace(/\.json$/, '') + '.md';

export const writeMarkdown = (cx: Counterexample, outcome: RunOutcome, file: string): string => {
  const md = markdownPath(file);
  writeFileSync(md, markdownReport(cx, outcome, file));
  return md;
};

export interface CampaignEnd {
  readonly seed: number;
  readonly runs: number;
  readonly timeMs: number;
  /** cases whose linearizability search gave up */
  readonly unchecked: number;
  readonly disabled: ReadonlySet<string>;
  readonly watch: CampaignWatch;
  readonly counterexample: Counterexample | null;
  /** where it was written, null if it could not be */
  readonly file: string | null;
  /** what else the command knows was not checked (the implementation's blind spots) */
  readonly more?: readonly NotChecked[];
}

const notChecked = (e: CampaignEnd): NotChecked[] => {
  const out: NotChecked[] = [...e.disabled].sort().map((check) => ({ check, reason: 'switched off (--disable)' }));
  if (e.unchecked) out.push({ check: 'CONFORMANCE', reason: `${e.unchecked} of ${e.runs} cases: the linearizability search gave up after ${MAX_NODES} steps (monitors still ran)` });
  out.push(...(e.more ?? []));
  const s = e.watch.stats;
  if (s) for (const id of idleMonitors(s, e.disabled)) out.push({ check: id, reason: `saw none of its events (${RULES[id as keyof typeof RULES].events.join(', ')}) in ${s.cases} cases` });
  return out;
};

export const campaignSummary = (e: CampaignEnd): Summary => {
  const cx = e.counterexample;
  return {
    seed: e.seed,
    runs: e.runs,
    workers: 1,
    shard: null,
    timeMs: e.timeMs,
    failures: cx ? [{ signature: failureSignature(cx), invariant: cx.invariant, file: e.file, firstSeen: e.watch.firstSeen.get(cx.invariant) ?? e.runs }] : [],
    notChecked: notChecked(e),
  };
};

const write = (file: string, text: string): void => {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
};

/**
 * Prints the stats and writes the summary files; returns the lines to print (stdout) and
 * the errors (stderr, one line each).
 */
export const campaignOutputs = (e: CampaignEnd, files: OutputFiles): { out: string[]; errors: string[] } => {
  const out: string[] = [];
  const errors: string[] = [];
  if (files.stats && e.watch.stats) out.push(...formatStats(e.watch.stats, e.disabled));
  const summary = campaignSummary(e);
  const tryWrite = (what: string, file: string | undefined, text: () => string): void => {
    if (file === undefined) return;
    try {
      write(file, text());
      out.push(`  ${what}: ${file}`);
    } catch (err) {
      errors.push(`kvm-oracle: cannot write ${what} ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  };
  tryWrite('summary', files.json, () => JSON.stringify(summary, null, 2) + '\n');
  tryWrite('JUnit report', files.junit, () => junitXml([summary]));
  return { out, errors };
};
