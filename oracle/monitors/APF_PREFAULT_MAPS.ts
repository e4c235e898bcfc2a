/**
 * APF_PREFAULT_MAPS (seed 001): after "page ready" prefaulted a gfn on a direct map, the
 * vCPU's next access to it takes no fault, unless something unmapped it in between (the
 * host swapped it out, a shadow page was zapped, the vCPU dropped its root). The prefault is
 * a read fault (error code 0), so a write to a page of a slot that logs dirty pages may
 * still fault: such a page is made writable only by a write fault, for the dirty log.
 */
import type { TraceRecord } from '../../api/events.js';
import { hex, because, type Monitor, type MonitorSpec, type Violation } from '../monitor.js';
import { Memslots } from './x86/memslots.js';

class ApfPrefaultMaps implements Monitor {
  private readonly slots = new Memslots();
  /** `${vm}:${vcpu}:${token}` -> gfn of a prefault whose "page present" has not come yet */
  private readonly prefaulting = new Map<string, number>();
  /** `${vm}:${vcpu}` -> gfns the vCPU's next access must find mapped */
  private readonly mapped = new Map<string, Set<number>>();

  private forget(prefix: string): void {
    for (const k of [...this.mapped.keys()]) if (k.startsWith(prefix)) this.mapped.delete(k);
    for (const k of [...this.prefaulting.keys()]) if (k.startsWith(prefix)) this.prefaulting.delete(k);
  }

  observe(r: TraceRecord): Violation | null {
    this.slots.track(r);
    switch (r.ev) {
      case 'kvmAsyncPfPrefault':
        // a gfn no memslot backs any more has nothing to map
        if (this.slots.backed(r.vm, r.gfn)) this.prefaulting.set(`${r.vm}:${r.vcpu}:${r.token}`, r.gfn);
        return null;
      case 'kvmAsyncPfPresent': {
        const key = `${r.vm}:${r.vcpu}:${r.token}`;
        if (!this.prefaulting.delete(key)) return null;
        const set = this.mapped.get(`${r.vm}:${r.vcpu}`) ?? new Set<number>();
        this.mapped.set(`${r.vm}:${r.vcpu}`, set.add(r.gfn));
        return null;
      }
      case 'kvmPageFault':
        if (r.write && this.slots.logsDirty(r.vm, r.gfn)) return null;
        return this.mapped.get(`${r.vm}:${r.vcpu}`)?.has(r.gfn)
          ? because('fault right after the prefault', `vcpu ${r.vcpu} of vm ${r.vm} faulted on gfn ${hex(r.gfn)} right after "page ready" prefaulted it`)
          : null;
      case 'kvmUnmapGfn':
        for (const [k, set] of this.mapped) if (k.startsWith(`${r.vm}:`)) set.delete(r.gfn);
        return null;
      case 'kvmMmuZapPage':
      case 'kvmDestroyVm':
        this.forget(`${r.vm}:`);
        return null;
      case 'kvmMmuUnload':
      case 'kvmVcpuCreate':
        this.forget(`${r.vm}:${r.vcpu}:`);
        this.mapped.delete(`${r.vm}:${r.vcpu}`);
        return null;
      case 'opEnd':
        // the vCPU made its next access (or gave up before entering)
        if (r.op.kind === 'run' && r.op.access) this.mapped.delete(`${r.op.vm}:${r.op.vcpu}`);
        return null;
      default:
        return null;
    }
  }
}

export const APF_PREFAULT_MAPS: MonitorSpec = {
  id: 'APF_PREFAULT_MAPS',
  seed: '001',
  checkedAt: ['kvmAsyncPfPrefault'],
  rule: 'after "page ready" on TDP, the guest\'s next access to that gfn takes no fault',
  needs: ['kvmAsyncPfPrefault', 'kvmAsyncPfPresent', 'kvmMmuUnload', 'kvmMmuZapPage', 'kvmPageFault', 'kvmUnmapGfn', 'kvmVcpuCreate'],
  needsIf: { destroyVm: ['kvmDestroyVm'] },
  scope: { ops: ['swapOut'] },
  create: () => new ApfPrefaultMaps(),
};
