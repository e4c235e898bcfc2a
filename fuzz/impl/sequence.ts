/**
 * A protocol that checks itself (docs/PROTOCOL.md): once an implementation's hello reply
 * carries a `seq`, every request gets the next sequence number and its reply must echo
 * it, and replies with events say how many the instance emitted so far (`eventsTotal`).
 * So a line lost, duplicated or reordered between the two processes is an IMPL_PROTOCOL
 * failure naming what went missing, never a verdict on the implementation; an adapter
 * that does not echo `seq` is spoken to as before (nothing is checked).
 */
import type { Request } from '../../api/protocol.js';
import type { SyncBridge } from './bridge.js';

/** how long a `sync` may take after a request had no reply in time */
export const SYNC_MS = 2000;

type Loose = { readonly msg?: unknown; readonly seq?: unknown; readonly events?: unknown; readonly steps?: unknown; readonly eventsTotal?: unknown };

export class Sequencer {
  /** the implementation echoes seq (its hello reply carried one) */
  private on = false;
  private next = 1;
  /** events received since the last create (or in this case) */
  private received = 0;

  /** the request as sent: with the next seq once the implementation echoes them */
  stamp<R extends Request>(req: R): R & { seq?: number } {
    return this.on && req.msg !== 'hello' ? { ...req, seq: this.next++ } : req;
  }

  /** after the hello reply: does it speak sequence numbers? */
  hello(reply: Loose): void {
    this.on = typeof reply.seq === 'number';
  }

  /** what is wrong with the sequence of this reply (checked before its schema), or null */
  order(sent: { msg: string; seq?: number }, reply: Loose): string | null {
    if (!this.on || sent.seq === undefined || reply.msg === undefined) return null;
    // a reply without seq is judged by its schema (the kind it should be)
    if (reply.seq === sent.seq || reply.seq === undefined) return null;
    if (typeof reply.seq !== 'number') return `the reply to request ${sent.seq} ("${sent.msg}") has a seq that is not a number`;
    if (reply.seq < sent.seq) return `a reply to request ${reply.seq} arrived again (or late) in place of the reply to request ${sent.seq} ("${sent.msg}"): a line was duplicated or reordered`;
    return `the reply to request ${reply.seq} arrived in place of the reply to request ${sent.seq} ("${sent.msg}"), which was lost`;
  }

  /** the events of a valid reply: a count that disagrees with eventsTotal names what went missing */
  events(sent: { msg: string; seq?: number }, reply: Loose): string | null {
    if (sent.msg === 'create' || sent.msg === 'case') this.received = 0;
    const n = Array.isArray(reply.events) ? reply.events.length : Array.isArray(reply.steps) ? reply.steps.reduce((k: number, s: { events?: unknown[] }) => k + (s.events?.length ?? 0), 0) : 0;
    this.received += n;
    if (!this.on || typeof reply.eventsTotal !== 'number' || reply.eventsTotal === this.received) return null;
    const d = reply.eventsTotal - this.received;
    return `the implementation counts ${reply.eventsTotal} events since "create", ${this.received} arrived (${Math.abs(d)} ${d > 0 ? 'missing' : 'more than sent'}) by the reply to request ${sent.seq} ("${sent.msg}")`;
  }

  /**
   * No reply to `sent` in time: ask the implementation which request it answered last. A
   * reply it sent that never arrived is a protocol failure, named here. Null when it does
   * not answer, or answered only earlier requests: a hang, as far as anyone can tell (a
   * request lost on its way in looks the same to both sides).
   */
  lost(bridge: SyncBridge, sent: { msg: string; seq?: number }, ms = SYNC_MS): string | null {
    if (!this.on || sent.seq === undefined) return null;
    const probe = this.next++;
    bridge.send(JSON.stringify({ msg: 'sync', seq: probe }));
    for (let m = bridge.next(ms); m !== 'timeout' && m.kind === 'line'; m = bridge.next(ms)) {
      let r: Loose;
      try {
        r = JSON.parse(m.line) as Loose;
      } catch {
        return null;
      }
      // the reply itself, only late: the implementation was slow (IMPL_HANG by --op-timeout)
      if (r.seq === sent.seq) return null;
      if (r.msg !== 'sync' || r.seq !== probe) continue;
      const last = typeof (r as { last?: unknown }).last === 'number' ? (r as { last: number }).last : null;
      if (last !== null && last >= sent.seq) return `the reply to request ${sent.seq} ("${sent.msg}") never arrived in its place, though the implementation answered it (a line was lost or reordered)`;
      return null;
    }
    return null;
  }
}
