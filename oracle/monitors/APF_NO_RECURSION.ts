/**
 * APF_NO_RECURSION (seed 001): a fault taken with no_apf = true never queues async work,
 * nor makes a doublefault halt request. The ready-time prefault is such a fault: nothing
 * between its start and the work's "page present" may go async.
 */
import type { TraceRecord } from '../../api/events.js';
import { hex, because, type Monitor, type MonitorSpec, type Violation } from '../monitor.js';

class ApfNoRecursion implements Monitor {
  /** `${vm}:${vcpu}` whose last fault was taken with no_apf */
  private readonly noApfFault = new Set<string>();
  /** `${vm}:${vcpu}` -> token of the work whose ready-time prefault is running */
  private readonly readying = new Map<string, number>();

  observe(r: TraceRecord): Violation | null {
    switch (r.ev) {
      case 'kvmPageFault':
        if (r.noApf) this.noApfFault.add(`${r.vm}:${r.vcpu}`);
        else this.noApfFault.delete(`${r.vm}:${r.vcpu}`);
        return null;
      case 'kvmAsyncPfPrefault':
        this.readying.set(`${r.vm}:${r.vcpu}`, r.token);
        return null;
      case 'kvmAsyncPfPresent':
      case 'kvmAsyncPfCancel':
        if (this.readying.get(`${r.vm}:${r.vcpu}`) === r.token) this.readying.delete(`${r.vm}:${r.vcpu}`);
        return null;
      case 'kvmAsyncPfNotPresent':
      case 'kvmAsyncPfDoublefault': {
        const key = `${r.vm}:${r.vcpu}`;
        const what = r.ev === 'kvmAsyncPfNotPresent' ? `queued async work for gfn ${hex(r.gfn)}` : `made a doublefault halt request for gfn ${hex(r.gfn)}`;
        const token = this.readying.get(key);
        if (token !== undefined) return because('async inside the ready-time prefault', `vcpu ${r.vcpu} of vm ${r.vm} ${what} inside the "page ready" prefault of work ${hex(token)}`);
        if (this.noApfFault.has(key)) return because('async from a no_apf fault', `vcpu ${r.vcpu} of vm ${r.vm} ${what} from a fault taken with no_apf`);
        return null;
      }
      case 'opEnd':
        this.noApfFault.clear();
        this.readying.clear();
        return null;
      default:
        return null;
    }
  }
}

export const APF_NO_RECURSION: MonitorSpec = {
  id: 'APF_NO_RECURSION',
  seed: '001',
  checkedAt: ['kvmAsyncPfPrefault'],
  rule: 'a fault taken with no_apf = true (the ready-time prefault) never queues async work',
  needs: ['kvmAsyncPfNotPresent', 'kvmAsyncPfDoublefault', 'kvmAsyncPfPrefault', 'kvmAsyncPfPresent', 'kvmAsyncPfCancel', 'kvmPageFault'],
  scope: { ops: ['swapOut'] },
  create: () => new ApfNoRecursion(),
};
