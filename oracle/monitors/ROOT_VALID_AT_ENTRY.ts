/**
 * ROOT_VALID_AT_ENTRY (seed 000): at every guest entry the vCPU's root is valid, was built
 * for the current paging mode and cr3, and has not been freed or zapped since.
 */
import type { TraceRecord } from '../../api/events.js';
import type { Monitor, MonitorSpec, Violation } from '../monitor.js';
import { ShadowPages } from './x86/shadow-pages.js';
import { GuestRegs } from './x86/guest-regs.js';
import { rootProblem } from './x86/root-check.js';

class RootValidAtEntry implements Monitor {
  private readonly pages = new ShadowPages();
  private readonly regs = new GuestRegs();

  observe(r: TraceRecord): Violation | null {
    this.pages.track(r);
    this.regs.track(r);
    if (r.ev !== 'kvmEntry') return null;
    return rootProblem(this.pages, this.regs, r, 'entered with');
  }
}

export const ROOT_VALID_AT_ENTRY: MonitorSpec = {
  id: 'ROOT_VALID_AT_ENTRY',
  seed: '000',
  checkedAt: ['kvmEntry'],
  rule: 'at every guest entry the vcpu root is valid, built for the current paging mode and cr3, and not freed since',
  needs: ['kvmEntry', 'kvmMmuGetPage', 'kvmMmuZapPage', 'kvmMmuFreePage', 'kvmSetCr', 'kvmVcpuCreate'],
  needsIf: { destroyVm: ['kvmDestroyVm'], moduleLoad: ['kvmModuleInitDone'] },
  create: () => new RootValidAtEntry(),
};
