/**
 * The locks each harness thread holds, rebuilt from lockAcquire/lockRelease tracepoints
 * (what lockdep keeps in task_struct->held_locks).
 */
import type { LockMode, TraceRecord } from '../../../api/events.js';

export interface Held {
  readonly cls: string;
  readonly instance: string;
  readonly mode: LockMode;
  readonly spin: boolean;
}

export class HeldLocks {
  private readonly byThread = new Map<number, Held[]>();

  held(tid: number): readonly Held[] {
    return this.byThread.get(tid) ?? [];
  }

  holds(tid: number, cls: string, modes?: readonly LockMode[]): boolean {
    return this.held(tid).some((h) => h.cls === cls && (!modes || modes.includes(h.mode)));
  }

  /** applies the record; returns a complaint for a release of a lock not held */
  track(r: TraceRecord): string | null {
    if (r.ev === 'lockAcquire') {
      this.byThread.set(r.tid, [...this.held(r.tid), { cls: r.lock, instance: r.instance, mode: r.mode, spin: r.spin }]);
    } else if (r.ev === 'lockRelease') {
      const list = [...this.held(r.tid)];
      const i = list.findIndex((h) => h.instance === r.instance && h.mode === r.mode);
      if (i < 0) return `thread ${r.tid} released ${r.instance} (${r.mode}) without holding it`;
      list.splice(i, 1);
      this.byThread.set(r.tid, list);
    }
    return null;
  }
}

export const describeHeld = (h: readonly Held[]): string => h.map((x) => `${x.instance} (${x.mode})`).join(', ');
