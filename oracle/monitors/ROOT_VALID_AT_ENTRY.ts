/**
 * ROOT_VALID_AT_ENTRY (seed 000): at every guest entry the vCPU's root is valid, was built
 * for the current paging mode and cr3, and has not been freed or zapped since.
 */
import type { TraceRecord } from '../../api/events.js';
import type { Monitor, MonitorSpec } from '../monitor.js';
import { ShadowPages, hex } from './x86/shadow-pages.js';
import { GuestRegs, guestLevels } from './x86/guest-regs.js';

const INVALID_PAGE = -1;

class RootValidAtEntry implements Monitor {
  private readonly pages = new ShadowPages();
  private readonly regs = new GuestRegs();

  observe(r: TraceRecord): string | null {
    this.pages.track(r);
    this.regs.track(r);
    if (r.ev !== 'kvmEntry') return null;
    const who = `vcpu ${r.vcpu} of vm ${r.vm}`;
    const regs = this.regs.get(r.vm, r.vcpu);
    if (r.roots.length === 0 || r.roots.includes(INVALID_PAGE as never)) return `${who} entered with root_hpa == INVALID_PAGE`;
    for (const hpa of r.roots) {
      const p = this.pages.live.get(ShadowPages.key(r.vm, hpa));
      if (!p) return `${who} entered with root ${hex(hpa)}, which is not a live shadow page (freed)`;
      if (p.invalid) return `${who} entered with root ${hex(hpa)}, zapped since it was loaded`;
      if (!regs) continue;
      const levels = guestLevels(regs);
      const direct = this.regs.tdp || levels === 0;
      if (p.role.glevels !== levels || p.role.direct !== direct) {
        return `${who} entered with root ${hex(hpa)} built for ${p.role.glevels}-level ${p.role.direct ? 'direct' : 'shadow'} paging; the guest now uses ${levels}-level ${direct ? 'direct' : 'shadow'}`;
      }
      if (!direct && p.gfn !== Math.floor(regs.cr3 / 4096)) {
        return `${who} entered with root ${hex(hpa)} shadowing gfn ${hex(p.gfn)}; cr3 is ${hex(regs.cr3)}`;
      }
    }
    return null;
  }
}

export const ROOT_VALID_AT_ENTRY: MonitorSpec = {
  id: 'ROOT_VALID_AT_ENTRY',
  rule: 'at every guest entry the vcpu root is valid, built for the current paging mode and cr3, and not freed since',
  create: () => new RootValidAtEntry(),
};
