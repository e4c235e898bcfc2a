/**
 * One worker process, as the pool sees it: forked with an IPC channel (structured clone),
 * given the campaign's setup, and killed with SIGKILL, which stops it whatever it runs (a
 * loop that never yields, native code, a child of its own). Its stderr is kept (the last
 * lines), so a worker that dies can say why in the counterexample instead of on the
 * terminal.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { WorkerSetup } from '../campaign/executor.js';
import type { FromWorker, ToWorker } from './protocol.js';

export class WorkerError extends Error {}

export interface ProcEvents {
  message(m: FromWorker): void;
  /** it died, and not because the pool killed it */
  exit(why: string): void;
}

/** the compiled worker program, beside this file; tests run the sources, so they use the build in dist/ */
const workerPath = (): string => {
  const here = new URL('./worker.js', import.meta.url);
  return fileURLToPath(existsSync(fileURLToPath(here)) ? here : new URL('../../dist/fuzz/workers/worker.js', import.meta.url));
};

const TAIL = 2000;

export class WorkerProc {
  private readonly child: ChildProcess;
  readonly ready: Promise<void>;
  /** when the watched case began (Date.now()), null while nothing is watched */
  since: number | null = null;
  /** the stream index of the scanned case, or the operation of the run, under way */
  at = -1;
  private killed = false;
  private stderr = '';

  constructor(setup: WorkerSetup, on: ProcEvents) {
    this.child = fork(workerPath(), [], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], serialization: 'advanced', execArgv: [] });
    this.child.stderr!.on('data', (d: Buffer) => void (this.stderr = (this.stderr + d.toString()).slice(-TAIL)));
    this.child.on('error', () => {}); // a send to a dead worker: its exit says the rest
    this.ready = new Promise((resolve, reject) => {
      this.child.on('message', (m: FromWorker) => {
        if (m.kind === 'ready') resolve();
        else if (m.kind === 'initFailed') reject(new WorkerError(m.message));
        else on.message(m);
      });
      this.child.on('exit', (code, signal) => {
        const why = `${signal ? `signal ${signal}` : `exit code ${code}`}${this.lastError()}`;
        reject(new WorkerError(`a worker process exited before it was ready (${why})`));
        if (!this.killed) on.exit(why);
      });
    });
    this.ready.catch(() => {}); // the pool awaits it; an early death is reported there
    this.send({ kind: 'init', setup });
  }

  send(m: ToWorker): void {
    if (!this.killed && this.child.connected) this.child.send(m);
  }

  kill(): void {
    this.killed = true;
    this.child.kill('SIGKILL');
  }

  private lastError(): string {
    const line = this.stderr.trim().split('\n').find((l) => /Error|error:/.test(l));
    return line ? `: ${line.trim()}` : '';
  }
}
