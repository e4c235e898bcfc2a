/**
 * APF_PRESENT_ONCE (seed 001): each queued work gets exactly one "page present", after its
 * page arrived, or is cancelled with its vCPU; a vCPU reset or destroyed keeps none.
 */
import type { TraceRecord } from '../../api/events.js';
import { hex, because, type Monitor, type MonitorSpec, type Violation } from '../monitor.js';

interface Work {
  readonly gfn: number;
  /** the worker finished (kvmAsyncPfCompleted) */
  completed: boolean;
}

class ApfPresentOnce implements Monitor {
  /** `${vm}:${vcpu}:${token}` -> work, from queueing to present or cancel */
  private readonly works = new Map<string, Work>();

  private leftover(prefix: string, what: string): Violation | null {
    for (const [k, w] of this.works) {
      if (k.startsWith(prefix)) return because('work left without page present', `${what}, but work ${hex(Number(k.split(':')[2]))} for gfn ${hex(w.gfn)} never got "page present" nor was cancelled`);
    }
    return null;
  }

  observe(r: TraceRecord): Violation | null {
    switch (r.ev) {
      case 'kvmAsyncPfNotPresent':
        this.works.set(`${r.vm}:${r.vcpu}:${r.token}`, { gfn: r.gfn, completed: false });
        return null;
      case 'kvmAsyncPfCompleted': {
        const w = this.works.get(`${r.vm}:${r.vcpu}:${r.token}`);
        if (!w || w.completed) return because('completed work that was not waiting', `work ${hex(r.token)} of vcpu ${r.vcpu} of vm ${r.vm} completed but was not waiting for its page`);
        w.completed = true;
        return null;
      }
      case 'kvmAsyncPfPresent':
      case 'kvmAsyncPfCancel': {
        const key = `${r.vm}:${r.vcpu}:${r.token}`;
        const w = this.works.get(key);
        const what = r.ev === 'kvmAsyncPfPresent' ? '"page present" delivered' : 'cancelled';
        if (!w) return because('work not outstanding', `work ${hex(r.token)} (gfn ${hex(r.gfn)}) of vcpu ${r.vcpu} of vm ${r.vm} ${what}, but it is not outstanding (twice, or never queued)`);
        if (r.ev === 'kvmAsyncPfPresent' && !w.completed) return because('page present before the page', `"page present" for work ${hex(r.token)} (gfn ${hex(r.gfn)}) before its page arrived`);
        this.works.delete(key);
        return null;
      }
      case 'kvmVcpuCreate':
        return this.leftover(`${r.vm}:${r.vcpu}:`, `vcpu ${r.vcpu} of vm ${r.vm} was (re)set`);
      case 'kvmDestroyVm':
        return this.leftover(`${r.vm}:`, `vm ${r.vm} was destroyed`);
      default:
        return null;
    }
  }
}

export const APF_PRESENT_ONCE: MonitorSpec = {
  id: 'APF_PRESENT_ONCE',
  seed: '001',
  checkedAt: ['kvmAsyncPfPresent', 'kvmAsyncPfCancel'],
  rule: 'each queued work gets exactly one "page present", or is cancelled with its vcpu',
  needs: ['kvmAsyncPfNotPresent', 'kvmAsyncPfCompleted', 'kvmAsyncPfPresent', 'kvmAsyncPfCancel', 'kvmVcpuCreate'],
  needsIf: { destroyVm: ['kvmDestroyVm'] },
  scope: { ops: ['swapOut'] },
  create: () => new ApfPresentOnce(),
};
