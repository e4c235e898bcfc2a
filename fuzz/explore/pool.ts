/**
 * Explored cases in worker processes: fuzz's WorkerProc (fork, init, SIGKILL, the stderr
 * tail) started on the explore worker (worker.ts). Each worker takes a chunk of the jobs
 * at a time; a watchdog kills a worker whose case runs past the case timeout (its probe is
 * an IMPL_HANG) and a worker that dies makes its case an IMPL_CRASH; a fresh worker goes on
 * with the rest of that chunk. Probes are stored by job index, so the order is the jobs'.
 */
import type { TestCase } from '../../api/ops.js';
import type { CaseSetup } from '../campaign/executor.js';
import type { FromWorker, ToWorker } from '../workers/protocol.js';
import { WorkerProc } from '../workers/proc.js';
import type { Failure, KeepTrace, RunOutcome } from '../run/runner.js';
import type { Job, Probed } from './probe.js';
import type { ExploreExec, ExploreFromWorker, ExploreToWorker } from './exec.js';

const ENTRY = '../explore/worker.js';
/** jobs handed to a worker at once: few enough that the deadline and a hang waste little */
const CHUNK = 64;

interface Range {
  readonly from: number;
  readonly count: number;
}

interface Batch {
  readonly jobs: readonly Job[];
  readonly out: (Probed | null)[];
  readonly stop: () => boolean;
  readonly done: (n: number) => void;
  /** the ranges of jobs not handed out yet */
  readonly todo: Range[];
  returned: number;
  finish(): void;
}

const failed = (failure: Failure): Probed => ({ failure, unchecked: false, unsupported: null, key: null, lastTid: 0, cuts: [] });

export class ExplorePool implements ExploreExec {
  private readonly busy = new Map<WorkerProc, Range>();
  private idle: WorkerProc[] = [];
  private batch: Batch | null = null;
  private readonly timer: NodeJS.Timeout;
  private closed = false;

  private constructor(readonly workers: number, private readonly setup: CaseSetup, private readonly caseTimeoutMs: number) {
    this.timer = setInterval(() => this.watch(), Math.max(10, Math.min(100, caseTimeoutMs / 4)));
  }

  static async start(workers: number, setup: CaseSetup, caseTimeoutMs: number): Promise<ExplorePool> {
    const pool = new ExplorePool(workers, setup, caseTimeoutMs);
    try {
      pool.idle = await Promise.all(Array.from({ length: workers }, () => pool.spawn()));
    } catch (e) {
      await pool.close();
      throw e;
    }
    return pool;
  }

  probe(jobs: readonly Job[], stop: () => boolean, done: (n: number) => void): Promise<(Probed | null)[]> {
    return new Promise((resolve) => {
      const out: (Probed | null)[] = jobs.map(() => null);
      const todo = Array.from({ length: Math.ceil(jobs.length / CHUNK) }, (_, k) => ({ from: k * CHUNK, count: Math.min(CHUNK, jobs.length - k * CHUNK) }));
      this.batch = { jobs, out, stop, done, todo, returned: 0, finish: () => resolve(out) };
      this.pump();
    });
  }

  /** one case in a worker of its own, with the same watchdog */
  async run(tc: TestCase, keepTrace: KeepTrace = false): Promise<RunOutcome> {
    const p = await this.spawn();
    return new Promise((resolve) => {
      const t = setTimeout(() => (p.kill(), resolve({ failure: this.hang(), unchecked: false, unsupported: null, preempted: 0, trace: [], points: [] })), this.caseTimeoutMs);
      this.runs.set(p, (o) => (clearTimeout(t), p.kill(), resolve(o)));
      p.send({ kind: 'run', tc, keepTrace });
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    for (const p of [...this.idle, ...this.busy.keys(), ...this.runs.keys()]) p.kill();
  }

  private readonly runs = new Map<WorkerProc, (o: RunOutcome) => void>();

  private spawn(): Promise<WorkerProc> {
    const p: WorkerProc = new WorkerProc(this.setup, { message: (m) => this.message(p, m as FromWorker | ExploreFromWorker), exit: (why) => this.died(p, why) }, ENTRY);
    return p.ready.then(() => p);
  }

  private pump(): void {
    const b = this.batch;
    if (!b || this.closed) return;
    const stop = b.stop();
    while (this.idle.length && b.todo.length && !stop) this.send(this.idle.shift()!, b.todo.shift()!);
    if (this.busy.size === 0 && this.replacing === 0 && (!b.todo.length || stop)) {
      this.batch = null;
      b.finish();
    }
  }

  private send(p: WorkerProc, r: Range): void {
    const { from, count } = r;
    this.busy.set(p, r);
    [p.since, p.at] = [Date.now(), from];
    const m: ExploreToWorker = { kind: 'probe', first: from, jobs: this.batch!.jobs.slice(from, from + count) };
    p.send(m as unknown as ToWorker);
  }

  private message(p: WorkerProc, m: FromWorker | ExploreFromWorker): void {
    if (m.kind === 'ran') return this.runs.get(p)?.(m.outcome);
    if (m.kind === 'tick') return void ([p.since, p.at] = [Date.now(), m.index]);
    if (m.kind !== 'probed') return;
    const t = this.busy.get(p);
    const b = this.batch;
    if (!t || !b) return;
    this.busy.delete(p);
    m.results.forEach((r, k) => (b.out[t.from + k] = r));
    b.returned += m.results.length;
    b.done(b.returned);
    this.idle.push(p);
    this.pump();
  }

  private hang(): Failure {
    return { id: 'IMPL_HANG', step: -1, message: `the case ran longer than ${this.caseTimeoutMs} ms (wall clock); its worker was killed` };
  }

  private watch(): void {
    const now = Date.now();
    for (const p of this.busy.keys()) if (p.since !== null && now - p.since > this.caseTimeoutMs) this.lost(p, this.hang());
  }

  private died(p: WorkerProc, why: string): void {
    const crash: Failure = { id: 'IMPL_CRASH', step: -1, message: `the worker process died during the case (${why})` };
    if (this.busy.has(p)) this.lost(p, crash);
    else if (this.runs.has(p)) this.runs.get(p)!({ failure: crash, unchecked: false, unsupported: null, preempted: 0, trace: [], points: [] });
    else if (this.idle.includes(p)) this.idle.splice(this.idle.indexOf(p), 1), this.replace();
  }

  /** workers being started in place of lost ones: the batch is not over before they are in */
  private replacing = 0;

  /**
   * the worker on case p.at hung or died: that case fails; the others of its chunk (a
   * worker answers a chunk at once, so those before it too) go back to be handed out again
   */
  private lost(p: WorkerProc, failure: Failure): void {
    const t = this.busy.get(p)!;
    const b = this.batch!;
    this.busy.delete(p);
    p.kill();
    b.out[p.at] = failed(failure);
    const before = { from: t.from, count: p.at - t.from };
    const after = { from: p.at + 1, count: t.from + t.count - (p.at + 1) };
    b.todo.unshift(...[before, after].filter((r) => r.count > 0));
    this.replace();
  }

  private replace(): void {
    this.replacing++;
    this.spawn().then(
      (q) => {
        this.replacing--;
        if (this.closed) return q.kill();
        this.idle.push(q);
        this.pump();
      },
      () => {
        // a fresh worker that cannot start: what is left is not run (null), and the search says so
        this.replacing--;
        this.batch?.todo.splice(0);
        this.pump();
      },
    );
  }
}
