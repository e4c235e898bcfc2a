/**
 * The campaign loop (fuzz's strategy over the executor; not an --engine, which draws the
 * cases): replays the corpus, then reads the case stream in order from the
 * executor's scans (several stretches in flight, one per worker and one more), lets the
 * judge pick the failures to shrink, shrinks each, and collects them by signature until
 * it has `maxFailures` of them or the budget is spent. Everything it decides follows the
 * stream's order, never the workers' timing, so a seed gives the same counterexamples
 * with any number of workers.
 */
import type { CorpusEntry } from './corpus.js';
import type { Executor, ScanResult, Scanned } from './executor.js';
import { mergeStats, type Stats } from '../report/stats.js';
import type { Failure, RunOutcome } from '../run/runner.js';
import { toCounterexample, type Found, type Identity } from './found.js';
import { HUNT, Judge, type Decision } from './judge.js';
import { WHOLE, globalIndex, shardRuns, type Shard } from './shard.js';
import { minimizeShrunk, shrinkCase, truncate, type Cut, type Shrunk } from './shrink.js';
import { shrinkHang } from './shrink-hang.js';
import { failureSignature } from './signature.js';
import type { CaseSource } from '../gen/stream.js';

export type Signal = 'SIGINT' | 'SIGTERM';

/** cases per scan request: small enough that --time and a failure waste little */
export const CHUNK = 25;
export const SHRINK_TIME_MS = 120_000;

export interface LoopOptions {
  readonly seed: number;
  /** cases of the whole campaign (all shards); ignored when timeMs is set */
  readonly runs: number;
  /** generate cases for this long (then the run count depends on the machine) */
  readonly timeMs?: number;
  /** each shrink stops after this long with the smallest failing case so far */
  readonly shrinkTimeMs?: number;
  /** the executor's case watchdog, when it has one (shrinking a hang runs under a shorter one) */
  readonly caseTimeoutMs?: number;
  /** distinct signatures to collect before stopping (default 1) */
  readonly maxFailures?: number;
  readonly shard?: Shard;
  readonly hunt?: number;
  /** stored counterexamples, replayed before any new case */
  readonly corpus?: readonly CorpusEntry[];
  /** signatures of the baseline */
  readonly known?: ReadonlySet<string>;
  readonly identity: Identity;
  /** the case stream (fuzz/campaign/source.ts), the same as the executor's */
  readonly source: CaseSource;
  /** after each stretch of the stream */
  readonly onProgress?: (p: { readonly runs: number; readonly failures: number }) => void;
  /** a shrink begins (it may take up to shrinkTimeMs) */
  readonly onShrink?: (firstSeen: number, failure: Failure) => void;
}

export interface LoopResult {
  /** cases of the stream the campaign read (this shard's) */
  readonly runs: number;
  /** of them, cases whose linearizability search gave up */
  readonly unchecked: number;
  /** of them, cases the implementation could not run here, and the first one's reason */
  readonly unsupported: number;
  readonly unsupportedWhy: string | null;
  readonly failures: readonly Found[];
  /** corpus entries replayed */
  readonly replayed: number;
  /** corpus entries that passed: fixed (the files, as loaded) */
  readonly fixed: readonly string[];
  /** corpus entries of fixed/ that passed again */
  readonly stillFixed: number;
  readonly interrupted: Signal | null;
  /**
   * what the stretches read exercised, when the setup collects stats (whole stretches:
   * the one a campaign stops in counts in full; a case a worker was killed on does not)
   */
  readonly stats: Stats | null;
}

export class CampaignLoop {
  private signal: Signal | null = null;
  private readonly found: Found[] = [];
  private readonly stream: CaseSource;
  private unsupported = 0;
  private unsupportedWhy: string | null = null;
  private stats: Stats | null = null;
  private readonly fixed: string[] = [];
  private stillFixed = 0;

  constructor(private readonly o: LoopOptions, private readonly exec: Executor) {
    this.stream = o.source;
  }

  /** a signal: stop generating, cut the shrink under way */
  stop(s: Signal): void {
    if (this.signal) return;
    this.signal = s;
    this.exec.abort();
  }

  async run(): Promise<LoopResult> {
    const replayed = await this.replayCorpus();
    const { runs, unchecked } = this.full() ? { runs: 0, unchecked: 0 } : await this.scanStream();
    const { unsupported, unsupportedWhy, stats, fixed, stillFixed } = this;
    return { runs, unchecked, unsupported, unsupportedWhy, failures: this.found, replayed, fixed, stillFixed, interrupted: this.signal, stats };
  }

  /** enough new failures found by new cases (known ones and corpus entries do not stop the search) */
  private full(): boolean {
    return this.found.filter((f) => !f.known && f.source === 'generated').length >= (this.o.maxFailures ?? 1);
  }

  private seen(signature: string): boolean {
    return this.found.some((x) => x.signature === signature);
  }

  /** adds a failure unless its signature is already in; true when enough are in */
  private collect(f: Omit<Found, 'signature' | 'known'>): boolean {
    const signature = failureSignature(f.counterexample);
    const known = f.corpus === 'open' || (this.o.known?.has(signature) ?? false);
    if (!this.seen(signature)) this.found.push({ ...f, signature, known });
    return this.full();
  }

  /** every entry, whatever fails: an open bug does not stop the search for new ones */
  private async replayCorpus(): Promise<number> {
    let n = 0;
    for (const { file, cx, fixed } of this.o.corpus ?? []) {
      if (this.signal) break;
      const outcome = await this.exec.run(cx, 'failing');
      const { failure } = outcome;
      n++;
      if (this.signal) break;
      if (!failure) {
        if (fixed) this.stillFixed++;
        else this.fixed.push(file);
        continue;
      }
      const counterexample = toCounterexample(cx, failure, cx.seed, this.o.identity);
      this.collect({ counterexample, outcome, firstSeen: 0, source: 'corpus', from: file, corpus: fixed ? 'regressed' : 'open', shrinks: 0, shrinkCut: null });
    }
    return n;
  }

  private async scanStream(): Promise<{ runs: number; unchecked: number }> {
    const shard = this.o.shard ?? WHOLE;
    const deadline = this.o.timeMs === undefined ? Infinity : Date.now() + this.o.timeMs;
    const total = this.o.timeMs === undefined ? shardRuns(shard, this.o.runs) : Infinity;
    const judge = new Judge(this.o.hunt ?? HUNT);
    const inflight: { from: number; count: number; scanned: Promise<ScanResult> }[] = [];
    let [dispatched, read, unchecked] = [0, 0, 0];
    /** shrinks what the judge decided; the cases read when enough failures are in */
    const settle = async (ds: Decision[]): Promise<number | null> => {
      for (const d of ds) if (await this.settle(d.v)) return Math.min(d.at, read - 1) + 1;
      return null;
    };
    let enough: number | null;
    for (;;) {
      while (!this.signal && inflight.length <= this.exec.workers && dispatched < total && Date.now() < deadline) {
        const start = globalIndex(shard, dispatched);
        // a guided stream makes the cases of an epoch only once the epoch before is in
        if (this.stream.ready?.(start) === false) break;
        const count = Math.min(CHUNK, total - dispatched, this.stream.stretch?.(start, shard.count) ?? CHUNK);
        const guide = this.stream.guide?.(start);
        inflight.push({ from: dispatched, count, scanned: this.exec.scan({ start, stride: shard.count, count, ...(guide && { guide }) }) });
        dispatched += count;
      }
      const next = inflight.shift();
      if (!next || this.signal) break;
      const { verdicts, stats, novel } = await next.scanned;
      if (this.signal) break;
      if (stats) this.stats = this.stats ? mergeStats(this.stats, stats) : stats;
      read = next.from + next.count;
      this.stream.fold?.(novel ?? [], globalIndex(shard, read));
      for (const v of verdicts) {
        const p = (v.index - (shard.index - 1)) / shard.count;
        if ((enough = await settle(judge.take(p, v))) !== null) return { runs: enough, unchecked };
        if (v.unchecked) unchecked++;
        if (v.unsupported) [this.unsupported, this.unsupportedWhy] = [this.unsupported + 1, this.unsupportedWhy ?? v.unsupported];
      }
      if ((enough = await settle(judge.reach(read - 1))) !== null) return { runs: enough, unchecked };
      this.o.onProgress?.({ runs: read, failures: this.found.length });
    }
    return { runs: (await settle(judge.end())) ?? read, unchecked };
  }

  /** shrinks the failing case at stream index d.index and collects it */
  private async settle(d: Scanned): Promise<boolean> {
    const start = this.stream.at(d.index);
    let failure = d.failure!;
    let again: RunOutcome | null = null;
    if (!this.signal) {
      // run it once more on its own, keeping its evidence (a scan keeps none): a hang found
      // by a scan learns its operation here, and shrinking starts from this outcome
      again = await this.exec.run(start.value[0], 'failing');
      if (again.failure?.id === failure.id) failure = again.failure;
    }
    // a bug already collected (an open corpus entry, a known one, an earlier case): no second shrink
    if (this.seen(failureSignature(toCounterexample(start.value[0], failure, this.o.seed, this.o.identity)))) return this.full() || this.signal !== null;
    this.o.onShrink?.(d.index + 1, failure);
    const until = Date.now() + (this.o.shrinkTimeMs ?? SHRINK_TIME_MS);
    const stop = (): Cut | null => (this.signal ? 'signal' : Date.now() > until ? 'time' : null);
    let s: Shrunk;
    const seen: RunOutcome = again?.failure === failure ? again : { failure, unchecked: false, unsupported: null, preempted: 0, trace: [], points: [] };
    if (seen === again && failure.id === 'IMPL_HANG' && failure.step >= 0) s = await shrinkHang(this.exec, start.value[0], seen, stop, this.o.caseTimeoutMs);
    else {
      s = await shrinkCase(this.exec, this.stream, start, seen, stop);
      if (!s.cut) s = await truncate(this.exec, s);
      if (!s.cut) s = await minimizeShrunk(this.exec, s, stop);
    }
    const counterexample = toCounterexample(s.tc, s.failure, this.o.seed, this.o.identity);
    return this.collect({ counterexample, outcome: s.outcome, firstSeen: d.index + 1, source: 'generated', shrinks: s.steps, shrinkCut: s.cut }) || this.signal !== null;
  }
}
