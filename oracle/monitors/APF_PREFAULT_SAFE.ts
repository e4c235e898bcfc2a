/**
 * APF_PREFAULT_SAFE (seed 001): the ready-time prefault runs only on a direct (TDP) map,
 * never for an error page, and only with a valid root (reloaded first).
 *
 * Whether a work completed with an error page is the monitor's own conclusion, from the
 * memslots when the worker finished (no slot backs the gfn), not the impl's `errorPage`
 * flag. Tokens are per vCPU and start again for a new vCPU or VM, so a work's key is
 * forgotten when it is over and when its vCPU or VM goes.
 */
import type { TraceRecord } from '../../api/events.js';
import { hex, because, type Monitor, type MonitorSpec, type Violation } from '../monitor.js';
import { ShadowPages } from './x86/shadow-pages.js';
import { GuestRegs } from './x86/guest-regs.js';
import { rootProblem } from './x86/root-check.js';
import { Memslots } from './x86/memslots.js';

class ApfPrefaultSafe implements Monitor {
  private readonly pages = new ShadowPages();
  private readonly regs = new GuestRegs();
  private readonly slots = new Memslots();
  /** `${vm}:${vcpu}:${token}` of works that completed when no memslot backed their gfn */
  private readonly errorPages = new Set<string>();

  private forget(prefix: string): void {
    for (const k of [...this.errorPages]) if (k.startsWith(prefix)) this.errorPages.delete(k);
  }

  observe(r: TraceRecord): Violation | null {
    this.pages.track(r);
    this.regs.track(r);
    this.slots.track(r);
    switch (r.ev) {
      case 'kvmAsyncPfCompleted':
        if (!this.slots.backed(r.vm, r.gfn)) this.errorPages.add(`${r.vm}:${r.vcpu}:${r.token}`);
        return null;
      case 'kvmAsyncPfPresent':
      case 'kvmAsyncPfCancel':
        this.errorPages.delete(`${r.vm}:${r.vcpu}:${r.token}`);
        return null;
      case 'kvmVcpuCreate':
        this.forget(`${r.vm}:${r.vcpu}:`);
        return null;
      case 'kvmDestroyVm':
        this.forget(`${r.vm}:`);
        return null;
    }
    if (r.ev !== 'kvmAsyncPfPrefault') return null;
    const what = `"page ready" prefault of gfn ${hex(r.gfn)} (work ${hex(r.token)})`;
    if (this.regs.directMap(r.vm, r.vcpu) === false) {
      return because('prefault with shadow paging', `${what} ran on vcpu ${r.vcpu} of vm ${r.vm} with shadow paging: the guest's paging context may have changed since the fault`);
    }
    if (this.errorPages.has(`${r.vm}:${r.vcpu}:${r.token}`)) return because('prefault for an error page', `${what} ran for an error page`);
    const bad = rootProblem(this.pages, this.regs, r, 'prefaulted with');
    return bad && because(bad.reason, `${what}: ${bad.message}`);
  }
}

export const APF_PREFAULT_SAFE: MonitorSpec = {
  id: 'APF_PREFAULT_SAFE',
  seed: '001',
  checkedAt: ['kvmAsyncPfPrefault'],
  rule: 'the ready-time prefault runs only with a valid root, only on a direct (TDP) map, never for an error page',
  needs: ['kvmAsyncPfCompleted', 'kvmAsyncPfPrefault', 'kvmMmuGetPage', 'kvmMmuZapPage', 'kvmMmuFreePage', 'kvmSetCr', 'kvmVcpuCreate'],
  needsIf: { destroyVm: ['kvmDestroyVm'], moduleLoad: ['kvmModuleInitDone'] },
  scope: { ops: ['swapOut'] },
  create: () => new ApfPrefaultSafe(),
};
