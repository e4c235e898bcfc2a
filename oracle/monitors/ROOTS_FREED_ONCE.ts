/**
 * ROOTS_FREED_ONCE (seed 000): every root and shadow page allocated is freed exactly once,
 * and none is live after its VM is destroyed.
 */
import type { TraceRecord } from '../../api/events.js';
import type { Monitor, MonitorSpec } from '../monitor.js';
import { ShadowPages } from './x86/shadow-pages.js';

class RootsFreedOnce implements Monitor {
  private readonly pages = new ShadowPages();

  observe(r: TraceRecord): string | null {
    const bad = this.pages.track(r);
    if (bad) return bad;
    if (r.ev !== 'kvmDestroyVm') return null;
    const n = this.pages.liveIn(r.vm);
    return n > 0 ? `${n} shadow page(s) of vm ${r.vm} still live after kvm_destroy_vm` : null;
  }
}

export const ROOTS_FREED_ONCE: MonitorSpec = {
  id: 'ROOTS_FREED_ONCE',
  rule: 'every root/shadow page allocated is freed exactly once; none live after VM destroy',
  needs: ['kvmMmuGetPage', 'kvmMmuZapPage', 'kvmMmuFreePage'],
  needsIf: { destroyVm: ['kvmDestroyVm'] },
  create: () => new RootsFreedOnce(),
};
