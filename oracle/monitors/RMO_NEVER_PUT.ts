/**
 * RMO_NEVER_PUT (seed 004): pages of a preallocated RMA that a VM uses as its RMO are
 * never put; only a reference get_user_pages took on one may be dropped again.
 */
import type { TraceRecord } from '../../api/events.js';
import { hex, because, type Monitor, type MonitorSpec, type Violation } from '../monitor.js';

class RmoNeverPut implements Monitor {
  /** RMO pfn ranges: [first, end) with the VM that set it up */
  private readonly rmos: { vm: number; first: number; end: number }[] = [];
  /** references taken by get_user_pages, by pfn */
  private readonly gets = new Map<number, number>();

  observe(r: TraceRecord): Violation | null {
    if (r.ev === 'kvmppcRmaSetup' && r.mode === 'rmo') this.rmos.push({ vm: r.vm, first: r.basePfn, end: r.basePfn + r.npages });
    // the destroy has unpinned what it will; the RMA is no RMO of a later VM with this id
    if (r.ev === 'kvmDestroyVm') this.rmos.splice(0, this.rmos.length, ...this.rmos.filter((x) => x.vm !== r.vm));
    if (r.ev === 'getPage') this.gets.set(r.pfn, (this.gets.get(r.pfn) ?? 0) + 1);
    if (r.ev !== 'putPage') return null;
    const n = this.gets.get(r.pfn) ?? 0;
    if (n > 0) {
      this.gets.set(r.pfn, n - 1);
      return null;
    }
    const rmo = this.rmos.find((x) => r.pfn >= x.first && r.pfn < x.end);
    return rmo ? because('RMO page put', `put_page of pfn ${hex(r.pfn)} (thread ${r.tid}), a page of the RMO of vm ${rmo.vm} (RMA at pfn ${hex(rmo.first)})`, true) : null;
  }
}

export const RMO_NEVER_PUT: MonitorSpec = {
  id: 'RMO_NEVER_PUT',
  seed: '004',
  checkedAt: ['kvmppcRmaSetup'],
  rule: 'pages of a preallocated RMA are never put',
  needs: ['getPage', 'putPage', 'kvmppcRmaSetup'],
  scope: { platform: 'ppcHv' },
  create: () => new RmoNeverPut(),
};
