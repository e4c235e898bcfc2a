/** The tracepoint buffer: impl code emits, the harness drains after every step. */
import type { TraceEvent } from '../api/events.js';

export class Tracer {
  private buf: TraceEvent[] = [];

  emit(e: TraceEvent): void {
    this.buf.push(e);
  }

  drain(): TraceEvent[] {
    const out = this.buf;
    this.buf = [];
    return out;
  }
}
