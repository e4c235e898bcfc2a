/**
 * APF_PREFAULT_SAFE (seed 001): the ready-time prefault runs only on a direct (TDP) map,
 * never for an error page, and only with a valid root (reloaded first).
 */
import type { TraceRecord } from '../../api/events.js';
import type { Monitor, MonitorSpec } from '../monitor.js';
import { ShadowPages, hex } from './x86/shadow-pages.js';
import { GuestRegs } from './x86/guest-regs.js';
import { rootProblem } from './x86/root-check.js';

class ApfPrefaultSafe implements Monitor {
  private readonly pages = new ShadowPages();
  private readonly regs = new GuestRegs();
  /** `${vm}:${vcpu}:${token}` of works that completed with an error page */
  private readonly errorPages = new Set<string>();

  observe(r: TraceRecord): string | null {
    this.pages.track(r);
    this.regs.track(r);
    if (r.ev === 'kvmAsyncPfCompleted' && r.errorPage) this.errorPages.add(`${r.vm}:${r.vcpu}:${r.token}`);
    if (r.ev !== 'kvmAsyncPfPrefault') return null;
    const what = `"page ready" prefault of gfn ${hex(r.gfn)} (work ${hex(r.token)})`;
    if (this.regs.directMap(r.vm, r.vcpu) === false) {
      return `${what} ran on vcpu ${r.vcpu} of vm ${r.vm} with shadow paging: the guest's paging context may have changed since the fault`;
    }
    if (this.errorPages.has(`${r.vm}:${r.vcpu}:${r.token}`)) return `${what} ran for an error page`;
    const bad = rootProblem(this.pages, this.regs, r, 'prefaulted with');
    return bad && `${what}: ${bad}`;
  }
}

export const APF_PREFAULT_SAFE: MonitorSpec = {
  id: 'APF_PREFAULT_SAFE',
  rule: 'the ready-time prefault runs only with a valid root, only on a direct (TDP) map, never for an error page',
  needs: ['kvmAsyncPfCompleted', 'kvmAsyncPfPrefault', 'kvmMmuGetPage', 'kvmMmuZapPage', 'kvmMmuFreePage', 'kvmSetCr', 'kvmVcpuCreate'],
  needsIf: { destroyVm: ['kvmDestroyVm'], moduleLoad: ['kvmModuleInitDone'] },
  scope: { ops: ['swapOut'] },
  create: () => new ApfPrefaultSafe(),
};
