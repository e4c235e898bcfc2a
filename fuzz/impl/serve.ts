/**
 * `kvm-oracle serve`: an in-process implementation (the built-in one by default) served
 * over the protocol on stdin/stdout, so that `--impl "exec:npx kvm-oracle serve"` runs it
 * through the same seam as any other process. Every request is validated; a bad one, or
 * an implementation that throws, gets an `error` reply and the server goes on. Each reply
 * echoes its request's `seq` and counts the events since `create` (`eventsTotal`), and
 * `sync` says which request was answered last, so the harness can tell a lost line from a
 * hang (docs/PROTOCOL.md).
 */
import { createInterface } from 'node:readline';
import type { Implementation, ImplementationFactory, OpThread, SchedPoint } from '../../api/implementation.js';
import { PROTOCOL_VERSION, RequestSchema, type Request } from '../../api/protocol.js';
import { checkJson } from '../../api/validate.js';
import { errorText } from '../run/fault.js';

type Json = Record<string, unknown>;

export class Server {
  private impl: Implementation | null = null;
  private readonly threads = new Map<number, { op: OpThread; point: SchedPoint | null }>();
  /** the seq of the last request answered */
  private last: number | null = null;
  /** events sent since `create` */
  private total = 0;

  constructor(
    private readonly factory: ImplementationFactory,
    /** the mutant a `create` without one gets (serve --mutant) */
    private readonly mutant: string | null,
  ) {}

  private need(): Implementation {
    if (!this.impl) throw new Error('no instance: send "create" first');
    return this.impl;
  }

  /** threads stopped at a wait whose lock is still taken */
  private blocked(): number[] {
    return [...this.threads].filter(([, t]) => t.point?.at === 'wait' && !t.point.ready()).map(([tid]) => tid);
  }

  private handle(req: Request): Json {
    switch (req.msg) {
      case 'hello':
        return { msg: 'hello', protocol: PROTOCOL_VERSION, name: this.factory.name, capabilities: { ...this.factory.capabilities, wholeCase: true } };
      case 'create':
        this.impl = this.factory.create(req.config, req.mutant ?? this.mutant);
        this.threads.clear();
        this.total = 0;
        return { msg: 'ok' };
      case 'apply': {
        const result = this.need().apply(req.op, req.tid);
        return { msg: 'result', result, events: this.need().drainEvents() };
      }
      case 'begin': {
        const impl = this.need();
        if (!impl.begin) throw new Error('this implementation cannot be stepped');
        if (this.threads.has(req.tid)) throw new Error(`thread ${req.tid} has an operation in progress`);
        this.threads.set(req.tid, { op: impl.begin(req.tid, req.op), point: null });
        return { msg: 'ok' };
      }
      case 'step': {
        const t = this.threads.get(req.tid);
        if (!t) throw new Error(`thread ${req.tid} has no operation in progress`);
        const s = t.op.step();
        const events = this.need().drainEvents();
        if (s.done) this.threads.delete(req.tid);
        else t.point = s.point;
        const point = s.done ? null : s.point.at === 'wait' ? { at: 'wait', lock: s.point.lock, holders: s.point.holders() } : s.point;
        return s.done ? { msg: 'step', done: true, result: s.result, events, blocked: this.blocked() } : { msg: 'step', done: false, point, events, blocked: this.blocked() };
      }
      case 'drain':
        return { msg: 'events', events: this.need().drainEvents() };
      case 'abstract':
        return { msg: 'abstract', state: this.need().abstract() };
      case 'case':
        return this.wholeCase(req);
      case 'close':
        this.impl = null;
        this.threads.clear();
        return { msg: 'ok' };
      case 'sync':
        return { msg: 'sync', last: this.last };
    }
  }

  private wholeCase(req: Extract<Request, { msg: 'case' }>): Json {
    const impl = this.factory.create(req.config, req.mutant ?? this.mutant);
    this.impl = impl;
    this.total = 0;
    const steps: Json[] = [];
    for (const [index, { tid, op }] of req.ops.entries()) {
      try {
        const result = impl.apply(op, tid);
        steps.push({ result, events: impl.drainEvents(), ...(req.states && { state: impl.abstract() }) });
      } catch (e) {
        return { msg: 'case', steps, error: { index, message: errorText(e) } };
      }
    }
    return { msg: 'case', steps, final: impl.abstract() };
  }

  /** One request line to one reply line. */
  reply(line: string): string {
    const r = checkJson(RequestSchema, line);
    if (!r.ok) return JSON.stringify({ msg: 'error', message: `bad request: ${r.problem}` });
    const seq = r.value.seq;
    let reply: Json;
    try {
      reply = this.handle(r.value);
    } catch (e) {
      reply = { msg: 'error', message: errorText(e) };
    }
    if (r.value.msg !== 'sync') this.last = seq ?? this.last;
    // hello always carries a seq: it tells the harness that replies echo it
    if (seq === undefined && r.value.msg !== 'hello') return JSON.stringify(reply);
    const events = Array.isArray(reply.events) ? reply.events.length : Array.isArray(reply.steps) ? (reply.steps as { events: unknown[] }[]).reduce((n, s) => n + s.events.length, 0) : null;
    if (events !== null) this.total += events;
    return JSON.stringify({ ...reply, seq: seq ?? 0, ...(events !== null && { eventsTotal: this.total }) });
  }
}

/** Serves until stdin ends. */
export const serve = (factory: ImplementationFactory, mutant: string | null): Promise<void> =>
  new Promise((resolve) => {
    const server = new Server(factory, mutant);
    const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
    rl.on('line', (line) => {
      if (line.trim() !== '') process.stdout.write(server.reply(line) + '\n');
    });
    rl.on('close', () => resolve());
  });
