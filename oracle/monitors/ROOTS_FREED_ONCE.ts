/**
 * ROOTS_FREED_ONCE (seed 000): every root and shadow page allocated is freed exactly once,
 * and none is live after its VM is destroyed. "Destroyed" is the destroy ioctl's return
 * (or the impl's kvmDestroyVm tracepoint, whichever comes first), so an impl that leaves
 * out the tracepoint is still judged.
 */
import type { TraceRecord } from '../../api/events.js';
import { because, type Monitor, type MonitorSpec, type Violation } from '../monitor.js';
import { ShadowPages } from './x86/shadow-pages.js';

class RootsFreedOnce implements Monitor {
  private readonly pages = new ShadowPages();

  observe(r: TraceRecord): Violation | null {
    const vm = r.ev === 'kvmDestroyVm' ? r.vm : r.ev === 'opEnd' && r.op.kind === 'destroyVm' && r.result.kind === 'ok' ? r.op.vm : null;
    const n = vm === null ? 0 : this.pages.liveIn(vm);
    if (n > 0) return because('pages live after destroy', `${n} shadow page(s) of vm ${vm} still live after kvm_destroy_vm`);
    const bad = this.pages.track(r);
    return bad ? because('shadow page allocated or freed twice', bad) : null;
  }
}

export const ROOTS_FREED_ONCE: MonitorSpec = {
  id: 'ROOTS_FREED_ONCE',
  seed: '000',
  checkedAt: ['kvmMmuFreePage', 'kvmDestroyVm'],
  rule: 'every root/shadow page allocated is freed exactly once; none live after VM destroy',
  needs: ['kvmMmuGetPage', 'kvmMmuZapPage', 'kvmMmuFreePage'],
  needsIf: { destroyVm: ['kvmDestroyVm'] },
  create: () => new RootsFreedOnce(),
};
