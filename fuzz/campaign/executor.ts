/**
 * Where cases run, for every strategy (fuzz's campaign loop, explore's search): an Executor
 * scans a stretch of the case stream, probes a list of explored cases, or runs one case (a
 * shrink candidate, a corpus entry, a replay). The supervisor of worker processes
 * (fuzz/workers/pool.ts) is one; fuzz/campaign/in-process.ts, for the library API and
 * --workers 0, is the other. Both scan with scanCases and probe with probe(), so a case
 * gives the same verdict wherever it ran.
 */
import type { TestCase } from '../../api/ops.js';
import type { CaseShape } from '../gen/arbitraries.js';
import { runCase, type Failure, type KeepTrace, type RunOptions, type RunOutcome } from '../run/runner.js';
import type { CaseSource } from '../gen/stream.js';
import type { WireReach } from '../gen/campaign-arb.js';
import type { EngineName } from '../engines/name.js';
import { countCase, countingInto, emptyStats, type Stats } from '../report/stats.js';
import type { GuideSnapshot, Novel } from '../guided/corpus.js';
import { guidedScan } from '../guided/scan.js';
import type { Job, Probed } from '../explore/probe.js';

/** what a run of one case says */
export interface Verdict {
  readonly failure: Failure | null;
  /** the linearizability search gave up on it */
  readonly unchecked: boolean;
  /** the implementation cannot run it here: why (else null) */
  readonly unsupported: string | null;
}

/** the verdict on case `index` of the stream */
export interface Scanned extends Verdict {
  readonly index: number;
}

/** what a scan found, and (when the setup asks for them) the stats of every case it ran */
export interface ScanResult {
  readonly verdicts: Scanned[];
  readonly stats: Stats | null;
  /** guided: the cases that reached a feature their epoch's corpus lacks, by index */
  readonly novel?: Novel[];
}

/** cases start, start + stride, ... (count of them) of the stream */
export interface ScanRequest {
  readonly start: number;
  readonly stride: number;
  readonly count: number;
  /** guided: the corpus the cases' epoch sees (fuzz/guided/) */
  readonly guide?: GuideSnapshot;
}

/** What a worker needs to rebuild the implementation: plain JSON, sent to each worker once. */
export interface ImplSetup {
  /** the implementation, as --impl names it (see fuzz/impl/spec.ts) */
  readonly spec: string;
  /** --op-timeout, for an exec: implementation */
  readonly opTimeoutMs?: number;
  readonly mutant: string | null;
  readonly disabled: readonly string[];
}

/** ... and the case stream of a campaign, for a worker that scans one (fuzz) */
export interface CaseSetup extends ImplSetup {
  readonly shape: CaseShape;
  /** what the generator may make (--ops, --skip-ops, --rules, the capabilities) */
  readonly reach: WireReach;
  readonly seed: number;
  /** which engine draws and shrinks the cases (absent: fast-check) */
  readonly engine?: EngineName;
  /** collect the stats of scanned cases (--stats, --json, --junit), counted as each record is fed */
  readonly stats?: boolean;
  /** guided generation (fuzz/guided/): cases derived from those that reached something new */
  readonly guided?: boolean;
}

/** what a worker is set up with: the implementation, and the case stream when it scans one */
export type WorkerSetup = ImplSetup | CaseSetup;

export const hasStream = (s: WorkerSetup): s is CaseSetup => 'seed' in s;

/** an explored case's probe, numbered by its place in the list probed */
export type Numbered = Probed & { readonly index: number };

export interface Executor {
  /** workers that scan at once */
  readonly workers: number;
  /** the failing, unchecked and unsupported cases of the request, by increasing index */
  scan(r: ScanRequest): Promise<ScanResult>;
  /** explored cases (fuzz/explore/): their probes, in the order of `jobs` */
  probe(jobs: readonly Job[]): Promise<Probed[]>;
  /**
   * one case; with keepTrace, its whole trace and the evidence of a failure (shrinking keeps
   * the last failing outcome for the report: 'failing'); timeoutMs: its own watchdog
   * (shrinking a hang; an executor without a watchdog ignores it)
   */
  run(tc: TestCase, keepTrace?: KeepTrace, timeoutMs?: number): Promise<RunOutcome>;
  /** a signal: what runs now is dropped (a pending run() passes) */
  abort(): void;
  close(): Promise<void>;
}

/**
 * scans in this thread; `tick(index)` before each case (the supervisor's watchdog),
 * `seen` after it (the in-process executor's per-case hook)
 */
export const scanCases = (stream: CaseSource, r: ScanRequest, opts: RunOptions, withStats = false, tick?: (index: number) => void, seen?: (tc: TestCase, o: RunOutcome) => void): ScanResult => {
  const verdicts: Scanned[] = [];
  const stats = withStats ? emptyStats() : null;
  const guided = r.guide && guidedScan(stream, r.guide);
  const statsOpts = stats ? { ...opts, ...countingInto(stats) } : opts;
  const runOpts = guided ? guided.opts(statsOpts) : statsOpts;
  for (let k = 0; k < r.count; k++) {
    const index = r.start + k * r.stride;
    tick?.(index);
    const tc = stream.at(index).value[0];
    const outcome = runCase(tc, runOpts);
    seen?.(tc, outcome);
    guided?.seen(index, tc, outcome);
    if (stats) countCase(stats, outcome);
    const { failure, unchecked, unsupported } = outcome;
    if (failure || unchecked || unsupported) verdicts.push({ index, failure, unchecked, unsupported });
  }
  return { verdicts, stats, ...(guided && { novel: guided.novel }) };
};
