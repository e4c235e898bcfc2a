/**
 * The supervisor, for fuzz and explore: N worker processes scan stretches of the case
 * stream or probe lists of explored cases, one more runs single cases (shrink candidates,
 * corpus entries, a replay), and a watchdog kills any worker whose
 * case has run longer than the case timeout (wall clock). A killed or dead worker's case
 * becomes an IMPL_HANG or IMPL_CRASH verdict, a fresh worker takes its place, and the rest
 * of its stretch goes on there, so the verdicts are those of an uninterrupted scan. A worker
 * that dies is given its case once more in a fresh one before the case is blamed (a worker
 * killed from outside, or out of memory, is no verdict on the implementation).
 */
import type { TestCase } from '../../api/ops.js';
import type { Result } from '../../api/results.js';
import { threadId } from '../../api/ids.js';
import type { Failure, KeepTrace, RunOutcome, Traced } from '../run/runner.js';
import type { Executor, Numbered, ScanRequest, ScanResult, Scanned, WorkerSetup } from '../campaign/executor.js';
import type { Job, Probed } from '../explore/probe.js';
import { mergeStats, type Stats } from '../report/stats.js';
import type { FromWorker } from './protocol.js';
import { WorkerProc } from './proc.js';

export interface PoolOptions {
  readonly workers: number;
  readonly caseTimeoutMs: number;
  readonly setup: WorkerSetup;
}

/** what a stretch of work shares: the indices left, those retried, the caller */
interface Stretch<R> {
  readonly req: ScanRequest;
  /** indices whose worker died once already */
  readonly retried: Set<number>;
  resolve(v: R): void;
  reject(e: unknown): void;
}

/** a stretch of the case stream (fuzz) */
interface ScanTask extends Stretch<ScanResult> {
  readonly kind: 'scan';
  readonly acc: Scanned[];
  /** the stats of the parts scanned so far (a part cut by a hang or death has none) */
  stats: Stats | null;
}

/** explored cases (explore): req numbers `jobs` (start 0, stride 1) */
interface ProbeTask extends Stretch<Numbered[]> {
  readonly kind: 'probe';
  readonly jobs: readonly Job[];
  readonly acc: Numbered[];
}

type Task = ScanTask | ProbeTask;

interface RunTask {
  readonly tc: TestCase;
  readonly keepTrace: KeepTrace;
  /** this run's watchdog (default: the case timeout) */
  readonly timeoutMs?: number;
  /** its worker died once already */
  readonly retried?: boolean;
  resolve(v: RunOutcome): void;
  /** no worker could be started for it (WorkerError) */
  reject(e: unknown): void;
}

/** an operation's begin (or, with its result, end) record: what a cut run's report shows */
const opRecord = (tc: TestCase, index: number, result?: Result): Traced => {
  const [tid, op] = [threadId(tc.threads?.[index] ?? 0), tc.ops[index]!];
  return { tid, record: result ? { ev: 'opEnd', tid, index, op, result } : { ev: 'opBegin', tid, index, op } };
};

/** the outcome of a run the pool cut short: which operations began and returned, no events */
const cutShort = (failure: Failure | null, trace: readonly Traced[] = []): RunOutcome => ({ failure, unchecked: false, unsupported: null, preempted: 0, trace, points: [] });

export class Pool implements Executor {
  private readonly idle: WorkerProc[] = [];
  private readonly scanning = new Map<WorkerProc, Task>();
  private readonly queue: Task[] = [];
  private runner: Promise<WorkerProc> | null = null;
  /** once a run was cut, a warm worker waits to take over from the next one killed */
  private spare: Promise<WorkerProc> | null = null;
  /** the run under way; ops: its operations' begin and end records as the worker reported them */
  private running: { readonly p: WorkerProc; readonly t: RunTask; readonly ops: Traced[] } | null = null;
  private readonly runs: RunTask[] = [];
  private readonly timer: NodeJS.Timeout;
  private closed = false;
  /** a signal came: no more warm spares (the few runs left start their worker) */
  private aborted = false;

  private constructor(private readonly o: PoolOptions) {
    this.timer = setInterval(() => this.watch(), Math.max(10, Math.min(100, o.caseTimeoutMs / 4)));
  }

  /** starts the scanning workers; rejects (WorkerError) when the implementation does not load */
  static async start(o: PoolOptions): Promise<Pool> {
    const pool = new Pool(o);
    try {
      for (const p of await Promise.all(Array.from({ length: o.workers }, () => pool.spawn()))) pool.idle.push(p);
    } catch (e) {
      await pool.close();
      throw e;
    }
    return pool;
  }

  get workers(): number {
    return this.o.workers;
  }

  scan(req: ScanRequest): Promise<ScanResult> {
    const scanned = new Promise<ScanResult>((resolve, reject) => {
      this.queue.push({ kind: 'scan', req, acc: [], retried: new Set(), stats: null, resolve, reject });
      this.pump();
    });
    scanned.catch(() => {}); // the engine awaits one at a time: the others' rejection is no crash
    return scanned;
  }

  probe(jobs: readonly Job[]): Promise<Probed[]> {
    const probed = new Promise<Numbered[]>((resolve, reject) => {
      this.queue.push({ kind: 'probe', jobs, req: { start: 0, stride: 1, count: jobs.length }, acc: [], retried: new Set(), resolve, reject });
      this.pump();
    });
    return probed.then((v) => v.map(({ index: _, ...p }) => p));
  }

  run(tc: TestCase, keepTrace: KeepTrace = false, timeoutMs?: number): Promise<RunOutcome> {
    return new Promise((resolve, reject) => {
      this.runs.push({ tc, keepTrace, ...(timeoutMs !== undefined && { timeoutMs }), resolve, reject });
      void this.nextRun();
    });
  }

  abort(): void {
    this.aborted = true;
    if (this.running) this.endRun(this.running.p, cutShort(null));
    for (const t of this.runs.splice(0)) t.resolve(cutShort(null));
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    for (const p of [...this.idle, ...this.scanning.keys()]) p.kill();
    for (const r of [this.runner, this.spare]) if (r) (await r.catch(() => null))?.kill();
  }

  private spawn(): Promise<WorkerProc> {
    const p: WorkerProc = new WorkerProc(this.o.setup, { message: (m) => this.message(p, m), exit: (why) => this.died(p, why) });
    const ready = p.ready.then(() => p);
    ready.catch(() => {}); // a spare nobody awaits yet must not be an unhandled rejection
    return ready;
  }

  private pump(): void {
    while (!this.closed && this.idle.length && this.queue.length) {
      const [p, t] = [this.idle.shift()!, this.queue.shift()!];
      this.scanning.set(p, t);
      [p.since, p.at] = [null, t.req.start];
      const { start, count } = t.req;
      p.send(t.kind === 'scan' ? { kind: 'scan', req: t.req } : { kind: 'probe', first: start, jobs: t.jobs.slice(start, start + count) });
    }
  }

  private message(p: WorkerProc, m: FromWorker): void {
    if (m.kind === 'tick') [p.since, p.at] = [Date.now(), m.index];
    else if (m.kind === 'op') {
      p.at = m.index;
      if (this.running?.p === p) this.running.ops.push(opRecord(this.running.t.tc, m.index));
    } else if (m.kind === 'at') p.at = m.index;
    else if (m.kind === 'opEnd') {
      if (this.running?.p === p) this.running.ops.push(opRecord(this.running.t.tc, m.index, m.result));
    }
    else if (m.kind === 'ran') this.endRun(p, m.outcome, false);
    else if (m.kind === 'scanned' || m.kind === 'probed') {
      const t = this.scanning.get(p);
      if (!t) return;
      this.scanning.delete(p);
      p.since = null;
      if (t.kind === 'probe' && m.kind === 'probed') t.resolve([...t.acc, ...m.verdicts]);
      else if (t.kind === 'scan' && m.kind === 'scanned') {
        const stats = t.stats && m.stats ? mergeStats(t.stats, m.stats) : (t.stats ?? m.stats);
        // guided: a part cut by a hang or death brings no new cases
        t.resolve({ verdicts: [...t.acc, ...m.verdicts], stats, ...(m.novel && { novel: m.novel }) });
      }
      this.idle.push(p);
      this.pump();
    }
  }

  private watch(): void {
    const now = Date.now();
    const late = (p: WorkerProc, ms = this.o.caseTimeoutMs): boolean => p.since !== null && now - p.since > ms;
    for (const [p, t] of this.scanning) if (late(p)) this.lost(p, t, this.hang(-1));
    const r = this.running;
    if (r && late(r.p, r.t.timeoutMs)) this.endRun(r.p, cutShort(this.hang(r.p.at, r.t.timeoutMs), r.ops));
  }

  private hang(op: number, ms = this.o.caseTimeoutMs): Failure {
    const where = op >= 0 ? `; operation ${op} had not returned` : '';
    return { id: 'IMPL_HANG', step: op, message: `the case ran longer than ${ms} ms (wall clock${where}); its worker was killed` };
  }

  private died(p: WorkerProc, why: string): void {
    const crash: Failure = { id: 'IMPL_CRASH', step: p.at, message: `the worker process died during the case (${why})` };
    const t = this.scanning.get(p);
    if (t && !t.retried.has(p.at)) this.retry(p, t);
    else if (t) this.lost(p, t, { ...crash, step: -1 });
    else if (this.running?.p === p && !this.running.t.retried) {
      // once more in a fresh worker: the next death is the implementation's
      const { t: r } = this.running;
      this.runs.unshift({ ...r, retried: true });
      this.endRun(p, null);
    } else if (this.running?.p === p) this.endRun(p, cutShort(crash, this.running.ops));
    else if (this.idle.includes(p)) this.idle.splice(this.idle.indexOf(p), 1), this.replace();
  }

  /** a scanning worker hung or died on case p.at: record it, and go on past it elsewhere */
  private lost(p: WorkerProc, t: Task, failure: Failure): void {
    this.scanning.delete(p);
    p.kill();
    const { start, stride, count } = t.req;
    const done = (p.at - start) / stride + 1;
    const verdict = { index: p.at, failure, unchecked: false, unsupported: null };
    if (t.kind === 'scan') t.acc.push(verdict);
    else t.acc.push({ ...verdict, key: null, lastTid: 0, cuts: [] });
    if (done < count) this.queue.unshift({ ...t, req: { ...t.req, start: p.at + stride, stride, count: count - done } });
    else if (t.kind === 'scan') t.resolve({ verdicts: t.acc, stats: t.stats });
    else t.resolve(t.acc);
    this.replace();
  }

  /** a scanning worker died on case p.at for the first time: its stretch goes on from that case */
  private retry(p: WorkerProc, t: Task): void {
    this.scanning.delete(p);
    p.kill();
    const { start, stride, count } = t.req;
    const done = (p.at - start) / stride;
    t.retried.add(p.at);
    // the rest of the same request: its guide corpus too (a retried guided stretch stays guided)
    this.queue.unshift({ ...t, req: { ...t.req, start: p.at, count: count - done } });
    this.replace();
  }

  private replace(): void {
    if (this.closed) return;
    this.spawn().then(
      (q) => (this.closed ? q.kill() : (this.idle.push(q), this.pump())),
      (e) => {
        // a fresh worker that cannot start: nothing more can be scanned
        for (const t of this.queue.splice(0)) t.reject(e);
      },
    );
  }

  private async nextRun(): Promise<void> {
    if (this.running || this.closed || !this.runs.length) return;
    this.runner ??= this.spawn();
    let p: WorkerProc;
    try {
      p = await this.runner;
    } catch (e) {
      // no worker can be started: every run waiting fails with the reason (exit 2 upstream)
      this.runner = null;
      for (const t of this.runs.splice(0)) t.reject(e);
      return;
    }
    if (this.running || this.closed || !this.runs.length) return;
    this.running = { p, t: this.runs.shift()!, ops: [] };
    [p.since, p.at] = [Date.now(), -1];
    p.send({ kind: 'run', tc: this.running.t.tc, keepTrace: this.running.t.keepTrace });
  }

  /**
   * the run on p is over: with the worker's verdict, or cut (hang, death, abort: p is
   * replaced); null: it is run again (requeued already), nobody is answered
   */
  private endRun(p: WorkerProc, v: RunOutcome | null, cut = true): void {
    if (this.running?.p !== p) return;
    const { t } = this.running;
    this.running = null;
    p.since = null;
    if (cut) {
      // shrinking a hang kills a worker per candidate: start the next one ahead
      p.kill();
      const ahead = !this.closed && !this.aborted;
      if (!ahead) void this.spare?.then((q) => q.kill(), () => {});
      this.runner = ahead ? (this.spare ?? this.spawn()) : null;
      this.spare = ahead ? this.spawn() : null;
    }
    if (v) t.resolve(v);
    void this.nextRun();
  }
}
