/**
 * LOCK_ORDER (seed 003): mmap_sem is never taken while kvm->lock or a spinlock is held; no
 * lock is taken twice. Like lockdep, it also learns the order of lock classes as they nest
 * and reports the first inversion of an order seen before.
 */
import type { TraceRecord } from '../../api/events.js';
import type { Monitor, MonitorSpec } from '../monitor.js';
import { HeldLocks } from './locks/held-locks.js';

class LockOrder implements Monitor {
  private readonly locks = new HeldLocks();
  /** "A>B": B was taken while A was held */
  private readonly order = new Set<string>();

  observe(r: TraceRecord): string | null {
    if (r.ev !== 'lockAcquire') {
      this.locks.track(r);
      return null;
    }
    const held = this.locks.held(r.tid);
    this.locks.track(r);
    const who = `thread ${r.tid}`;
    const twice = held.find((h) => h.instance === r.instance);
    if (twice) return `${who} takes ${r.instance} (${r.mode}) while already holding it (${twice.mode})`;
    if (r.lock === 'mmap_sem') {
      const bad = held.find((h) => h.cls === 'kvm->lock' || h.spin);
      if (bad) return `${who} takes mmap_sem while holding ${bad.instance}`;
    }
    for (const h of held) {
      if (h.cls === r.lock) continue;
      if (this.order.has(`${r.lock}>${h.cls}`)) {
        return `${who} takes ${r.lock} while holding ${h.cls}; the opposite order was seen before (possible ABBA deadlock)`;
      }
      this.order.add(`${h.cls}>${r.lock}`);
    }
    return null;
  }
}

export const LOCK_ORDER: MonitorSpec = {
  id: 'LOCK_ORDER',
  rule: 'mmap_sem is never taken while kvm->lock or a spinlock is held; no lock is taken twice',
  create: () => new LockOrder(),
};
