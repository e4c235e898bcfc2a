/**
 * What `fuzz` leaves for CI and people once a campaign is over: the Markdown report beside
 * a counterexample, the summary (`--json`), the JUnit report (`--junit`) and the stats
 * (`--stats`). Writing goes through here so the command line stays a list of steps.
 */
import { MAX_NODES } from '../../oracle/linearize.js';
import { checkedAt } from '../../oracle/rule-of.js';
import { writeAtomic, type Counterexample } from '../campaign/counterexample.js';
import type { RunOutcome } from '../run/runner.js';
import { summaryOf, type NotChecked, type Summary, type SummaryInput } from './summary.js';
import { junitXml } from './junit.js';
import { textReport } from './text.js';
import { markdownReport } from './markdown.js';
import { formatStats, idleMonitors, type Stats } from './stats.js';
import { opsIssued, type CoverageCounts } from './spec-coverage.js';
import type { Rules } from '../../model/rules.js';

export interface OutputFiles {
  readonly junit?: string;
  readonly json?: string;
  readonly stats: boolean;
}

/** the Markdown report's path: the counterexample's, with .md */
export const markdownPath = (file: string): string => file.replace(/\.json$/, '') + '.md';

/** the plain-text report's path: the counterexample's, with .txt */
export const textPath = (file: string): string => file.replace(/\.json$/, '') + '.txt';

/** writes both reports beside the counterexample: the Markdown one's path */
export const writeMarkdown = (cx: Counterexample, outcome: RunOutcome, file: string): string => {
  const md = markdownPath(file);
  writeAtomic(md, markdownReport(cx, outcome, file));
  writeAtomic(textPath(file), textReport(cx, outcome, file));
  return md;
};

export interface CampaignEnd extends Omit<SummaryInput, 'notChecked'> {
  /** cases whose linearizability search gave up */
  readonly unchecked: number;
  readonly disabled: ReadonlySet<string>;
  /** the stats, when they were collected (null: cases ran where they could not be) */
  readonly stats: Stats | null;
  /** what else the command knows was not checked (the implementation's blind spots) */
  readonly more?: readonly NotChecked[];
  /** the rules the cases were held to (spec coverage lists what they cannot reach) */
  readonly rules?: Rules;
  /** the outcomes the implementation cannot express (fuzz/report/expressible.ts) */
  readonly inexpressible?: CoverageCounts['inexpressible'];
}

const notChecked = (e: CampaignEnd): NotChecked[] => {
  const out: NotChecked[] = [...e.disabled].sort().map((check) => ({ check, reason: 'switched off (--disable)' }));
  if (e.unchecked) out.push({ check: 'CONFORMANCE', reason: `the linearizability search gave up after ${MAX_NODES} steps (monitors still ran)`, cases: e.unchecked });
  out.push(...(e.more ?? []));
  const s = e.stats;
  if (s) for (const id of idleMonitors(s, e.disabled)) out.push({ check: id, reason: `saw none of its events (${checkedAt(id).join(', ')}) in ${s.cases} cases` });
  else out.push({ check: 'monitor activity', reason: 'not collected (the stats are collected with --stats, --json or --junit)' });
  return out;
};

export const campaignSummary = ({ unchecked: _u, disabled: _d, stats: _s, more: _m, rules = 'seeds', inexpressible: _x, ...e }: CampaignEnd): Summary =>
  summaryOf({
    ...e,
    notChecked: notChecked({ unchecked: _u, disabled: _d, stats: _s, more: _m, ...e }),
    ...(_s && { coverage: { rules, ops: opsIssued(_s), outcomes: _s.outcomes, ...(_x && { inexpressible: _x }) } }),
  });

/** written whole or not at all (a kill or a full disk leaves no partial file) */
const write = writeAtomic;

/**
 * Prints the stats and writes the summary files; returns the lines to print (stdout) and
 * the errors (stderr, one line each).
 */
export const campaignOutputs = (e: CampaignEnd, files: OutputFiles): { out: string[]; errors: string[] } => {
  const out: string[] = [];
  const errors: string[] = [];
  if (files.stats && e.stats) out.push(...formatStats(e.stats, e.disabled, e.rules, e.inexpressible));
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
