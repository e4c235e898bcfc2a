/**
 * One implementation process speaking the protocol (docs/PROTOCOL.md): requests out,
 * replies in, each reply validated against the schema. Every way the process can let the
 * harness down becomes an ImplFault: no reply in time (IMPL_HANG, and the process is
 * stopped: SIGTERM, then SIGKILL after bridge.ts STOP_GRACE_MS), an exit or signal (IMPL_CRASH with its stderr tail), a line that is not JSON
 * or not the reply the request expects (IMPL_PROTOCOL with the line), an error reply
 * (IMPL_CRASH with its message).
 */
import { z } from 'zod';
import { PROTOCOL_VERSION, REPLY_TO, Replies, type Capabilities, type Reply, type Request } from '../../api/protocol.js';
import { check, checkJson } from '../../api/validate.js';
import { ImplFault, NotRunnable } from '../run/fault.js';
import { SyncBridge, type BridgeMessage } from './bridge.js';
import { SYNC_MS, Sequencer } from './sequence.js';

/** how long a new process may take to answer its handshake */
export const STARTUP_MS = 30_000;

const shorten = (s: string, n = 200): string => (s.length > n ? `${s.slice(0, n)}...` : s);

const exitText = (m: Extract<BridgeMessage, { kind: 'exit' }>): string => {
  const how = m.error ? `could not be started (${m.error})` : m.signal ? `was killed by ${m.signal}` : `exited with status ${m.code}`;
  const tail = m.stderr.trim().split('\n').slice(-5).join(' | ');
  return `the implementation process ${how}${tail ? `; stderr: ${shorten(tail, 600)}` : ''}`;
};

export class ExecProcess {
  private readonly bridge: SyncBridge;
  private broken = false;
  private readonly seq = new Sequencer();
  readonly name: string;
  readonly capabilities: Capabilities;

  constructor(
    readonly command: string,
    private readonly timeoutMs: number,
  ) {
    this.bridge = new SyncBridge(command);
    const hello = this.request({ msg: 'hello', protocol: PROTOCOL_VERSION }, Math.max(timeoutMs, STARTUP_MS));
    this.name = hello.name;
    this.capabilities = hello.capabilities;
    this.seq.hello(hello);
  }

  /** false once the process died, hung or broke the protocol: start a new one */
  get usable(): boolean {
    return !this.broken && this.bridge.exit === null;
  }

  request<R extends Request>(req: R, timeoutMs = this.timeoutMs): Reply<(typeof REPLY_TO)[R['msg']]> {
    if (!this.usable) throw new ImplFault('IMPL_CRASH', 'the implementation process is gone');
    const sent = this.seq.stamp(req);
    this.bridge.send(JSON.stringify(sent));
    const m = this.bridge.next(timeoutMs);
    if (m === 'timeout') {
      this.broken = true;
      const lost = this.seq.lost(this.bridge, sent, Math.max(SYNC_MS, timeoutMs));
      if (lost) throw (this.bridge.kill(), new ImplFault('IMPL_PROTOCOL', lost));
      const exit = this.bridge.kill();
      const tail = exit?.stderr.trim().split('\n').slice(-3).join(' | ');
      throw new ImplFault('IMPL_HANG', `no reply to "${req.msg}" within ${timeoutMs} ms; the process was killed${tail ? `; stderr: ${shorten(tail, 600)}` : ''}`);
    }
    if (m.kind === 'exit') {
      this.broken = true;
      throw new ImplFault('IMPL_CRASH', `during "${req.msg}": ${exitText(m)}`);
    }
    const expect = REPLY_TO[req.msg];
    const r = checkJson(z.looseObject({ msg: z.string() }), m.line);
    const kind = r.ok ? r.value.msg : null;
    const order = r.ok ? this.seq.order(sent, r.value) : null;
    if (order) throw ((this.broken = true), this.bridge.kill(), new ImplFault('IMPL_PROTOCOL', order));
    const v = r.ok ? (kind === 'error' ? check(Replies.error, r.value) : kind === expect ? check(Replies[expect], r.value) : null) : r;
    if (!v || !v.ok) {
      this.broken = true;
      this.bridge.kill();
      const why = v ? v.problem : `expected a "${expect}" reply, got "${kind}"`;
      throw new ImplFault('IMPL_PROTOCOL', `reply to "${req.msg}": ${why}; line: ${shorten(m.line)}`);
    }
    const reply = v.value as { msg: string; message?: string; unsupported?: boolean };
    const missing = this.seq.events(sent, reply);
    if (missing) throw ((this.broken = true), this.bridge.kill(), new ImplFault('IMPL_PROTOCOL', missing));
    if (reply.msg === 'error' && reply.unsupported) throw new NotRunnable(`"${req.msg}": ${reply.message}`);
    if (reply.msg === 'error') throw new ImplFault('IMPL_CRASH', `"${req.msg}" failed: ${reply.message}`);
    return reply as Reply<(typeof REPLY_TO)[R['msg']]>;
  }

  close(): void {
    this.bridge.close();
  }
}
