/**
 * APF_ONE_PER_GFN (seed 001): a vCPU never has two outstanding async works for one gfn;
 * a second fault on it must be recognised (kvm_find_async_pf_gfn) as the doublefault, and
 * a doublefault is only for a gfn that has work outstanding.
 */
import type { TraceRecord } from '../../api/events.js';
import { hex, because, type Monitor, type MonitorSpec, type Violation } from '../monitor.js';

class ApfOnePerGfn implements Monitor {
  /** `${vm}:${vcpu}:${token}` -> gfn, for every work queued and not yet present or cancelled */
  private readonly outstanding = new Map<string, number>();

  observe(r: TraceRecord): Violation | null {
    switch (r.ev) {
      case 'kvmAsyncPfNotPresent': {
        const prefix = `${r.vm}:${r.vcpu}:`;
        for (const [k, gfn] of this.outstanding) {
          if (k.startsWith(prefix) && gfn === r.gfn) {
            return because('second work for a gfn', `vcpu ${r.vcpu} of vm ${r.vm} queued work ${hex(r.token)} for gfn ${hex(r.gfn)}, which already has work ${hex(Number(k.slice(prefix.length)))} outstanding`);
          }
        }
        this.outstanding.set(prefix + r.token, r.gfn);
        return null;
      }
      case 'kvmAsyncPfDoublefault': {
        // kvm_find_async_pf_gfn found it: the gfn has work outstanding on this vCPU
        const prefix = `${r.vm}:${r.vcpu}:`;
        for (const [k, gfn] of this.outstanding) if (k.startsWith(prefix) && gfn === r.gfn) return null;
        return because('doublefault without work', `vcpu ${r.vcpu} of vm ${r.vm} made a doublefault halt request for gfn ${hex(r.gfn)}, which has no async work outstanding`);
      }
      case 'kvmAsyncPfPresent':
      case 'kvmAsyncPfCancel':
        this.outstanding.delete(`${r.vm}:${r.vcpu}:${r.token}`);
        return null;
      case 'kvmDestroyVm':
        for (const k of [...this.outstanding.keys()]) if (k.startsWith(`${r.vm}:`)) this.outstanding.delete(k);
        return null;
      default:
        return null;
    }
  }
}

export const APF_ONE_PER_GFN: MonitorSpec = {
  id: 'APF_ONE_PER_GFN',
  seed: '001',
  checkedAt: ['kvmAsyncPfNotPresent'],
  rule: 'a vcpu never has two outstanding async works for one gfn',
  needs: ['kvmAsyncPfNotPresent', 'kvmAsyncPfDoublefault', 'kvmAsyncPfPresent', 'kvmAsyncPfCancel'],
  needsIf: { destroyVm: ['kvmDestroyVm'] },
  scope: { ops: ['swapOut'] },
  create: () => new ApfOnePerGfn(),
};
