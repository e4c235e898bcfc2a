/**
 * A synchronous line channel to a child process. The runner is synchronous (a case is a
 * pure function of its data), so the child is owned by a worker thread that does the
 * asynchronous I/O; the caller blocks on an Atomics.wait with a deadline and takes the
 * worker's messages with receiveMessageOnPort. The child runs in its own process group,
 * so a kill reaches whatever the shell started.
 */
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';

/** What the worker reports: a stdout line, or the end of the child (with its stderr tail). */
export type BridgeMessage =
  | { readonly kind: 'line'; readonly line: string }
  | { readonly kind: 'exit'; readonly code: number | null; readonly signal: string | null; readonly error?: string; readonly stderr: string };

/** longest stdout line accepted; a longer one ends the child as a protocol error */
export const MAX_LINE = 64 << 20;
/** how long a child has between SIGTERM and SIGKILL */
export const STOP_GRACE_MS = 500;
/** stderr kept for crash reports */
export const STDERR_TAIL = 8192;

// plain JavaScript, run with eval so it works from the sources (vitest) and from dist/
const WORKER = `
const { workerData } = require('node:worker_threads');
const { spawn } = require('node:child_process');
const { port, flag, command, maxLine, tailBytes } = workerData;
const post = (m) => { port.postMessage(m); Atomics.add(flag, 0, 1); Atomics.notify(flag, 0); };
let stderr = '';
let child;
try {
  child = spawn(command, { shell: true, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
} catch (e) {
  post({ kind: 'exit', code: null, signal: null, error: String(e && e.message || e), stderr: '' });
}
if (child) {
  let buf = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (d) => {
    buf += d;
    for (let i = buf.indexOf('\\n'); i >= 0; i = buf.indexOf('\\n')) {
      post({ kind: 'line', line: buf.slice(0, i) });
      buf = buf.slice(i + 1);
    }
    if (buf.length > maxLine) { post({ kind: 'line', line: buf.slice(0, 200) + '... (a line of more than ' + maxLine + ' bytes)' }); buf = ''; }
  });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (d) => { stderr = (stderr + d).slice(-tailBytes); });
  child.stdin.on('error', () => {});
  child.on('error', (e) => post({ kind: 'exit', code: null, signal: null, error: e.message, stderr }));
  child.on('close', (code, signal) => post({ kind: 'exit', code, signal, stderr }));
  port.on('message', (m) => {
    if (m.kind === 'send') child.stdin.write(m.line + '\\n');
    else if (m.kind === 'kill') { const sig = m.signal || 'SIGKILL'; try { process.kill(-child.pid, sig); } catch { try { child.kill(sig); } catch {} } }
  });
}
`;

export class SyncBridge {
  private readonly flag = new Int32Array(new SharedArrayBuffer(4));
  private readonly port: MessagePort;
  private readonly worker: Worker;
  private exited: BridgeMessage | null = null;

  constructor(command: string) {
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.worker = new Worker(WORKER, {
      eval: true,
      workerData: { port: port2, flag: this.flag, command, maxLine: MAX_LINE, tailBytes: STDERR_TAIL },
      transferList: [port2],
    });
    this.worker.unref();
  }

  /** the child's exit, once it has been seen */
  get exit(): BridgeMessage | null {
    return this.exited;
  }

  send(line: string): void {
    this.port.postMessage({ kind: 'send', line });
  }

  /** The next message, or 'timeout' when none came within `ms`. */
  next(ms: number): BridgeMessage | 'timeout' {
    const deadline = Date.now() + ms;
    for (;;) {
      const seen = Atomics.load(this.flag, 0);
      const m = receiveMessageOnPort(this.port);
      if (m) {
        const msg = m.message as BridgeMessage;
        if (msg.kind === 'exit') this.exited = msg;
        return msg;
      }
      if (this.exited) return this.exited;
      const left = deadline - Date.now();
      if (left <= 0) return 'timeout';
      Atomics.wait(this.flag, 0, seen, left);
    }
  }

  /**
   * Stops the child's process group: SIGTERM, `graceMs` for it to clean up (an adapter
   * removes its tracefs instance), then SIGKILL; waits (briefly) for its exit and stderr.
   */
  kill(graceMs = STOP_GRACE_MS): Extract<BridgeMessage, { kind: 'exit' }> | null {
    if (this.exited?.kind === 'exit') return this.exited;
    if (graceMs > 0) {
      this.port.postMessage({ kind: 'kill', signal: 'SIGTERM' });
      for (let m = this.next(graceMs); m !== 'timeout'; m = this.next(graceMs)) if (m.kind === 'exit') return m;
    }
    this.port.postMessage({ kind: 'kill', signal: 'SIGKILL' });
    for (let m = this.next(2000); m !== 'timeout'; m = this.next(2000)) if (m.kind === 'exit') return m;
    return null;
  }

  close(): void {
    if (!this.exited) this.kill();
    void this.worker.terminate();
  }
}
