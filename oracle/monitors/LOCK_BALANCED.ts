/**
 * LOCK_BALANCED (seed 003): every path, error paths included, releases every lock it took
 * before returning to userspace.
 */
import type { TraceRecord } from '../../api/events.js';
import { because, type Monitor, type MonitorSpec, type Violation } from '../monitor.js';
import { HeldLocks, describeHeld } from './locks/held-locks.js';

class LockBalanced implements Monitor {
  private readonly locks = new HeldLocks();

  observe(r: TraceRecord): Violation | null {
    const bad = this.locks.track(r);
    if (bad) return because('released a lock not held', bad);
    if (r.ev !== 'opEnd') return null;
    const held = this.locks.held(r.tid);
    return held.length ? because('returned to userspace holding a lock', `thread ${r.tid} returned to userspace from ${r.op.kind} holding ${describeHeld(held)}`) : null;
  }
}

export const LOCK_BALANCED: MonitorSpec = {
  id: 'LOCK_BALANCED',
  seed: '003',
  checkedAt: ['lockRelease'],
  rule: 'every path, error paths included, releases every lock it took before returning to userspace',
  needs: ['lockAcquire', 'lockRelease'],
  create: () => new LockBalanced(),
};
