/**
 * The monitors' own view of each vCPU's paging mode, rebuilt from kvmVcpuCreate and
 * kvmSetCr events (independent of model and impl).
 */
import type { TraceRecord } from '../../../api/events.js';

export interface Regs {
  cr0: number;
  cr3: number;
  cr4: number;
  efer: number;
}

const PG = 0x80000000;
const PAE = 1 << 5;
const LME = 1 << 8;

/** guest paging levels of the mode the registers select: 0, 2, 3 or 4 */
export const guestLevels = (r: Regs): number => {
  if (!(r.cr0 & PG)) return 0;
  if (r.efer & LME) return 4;
  return r.cr4 & PAE ? 3 : 2;
};

export class GuestRegs {
  private readonly regs = new Map<string, Regs>();
  /** two-dimensional paging, from the last hostConfig record or successful module load */
  tdp = false;

  track(r: TraceRecord): void {
    if (r.ev === 'hostConfig') this.tdp = r.config.tdp;
    else if (r.ev === 'kvmModuleInitDone' && r.ret === 0) this.tdp = r.tdp;
    else if (r.ev === 'kvmVcpuCreate') this.regs.set(`${r.vm}:${r.vcpu}`, { cr0: 0x60000010, cr3: 0, cr4: 0, efer: 0 });
    else if (r.ev === 'kvmSetCr') {
      const cur = this.regs.get(`${r.vm}:${r.vcpu}`);
      if (cur) cur[r.reg] = r.value;
    } else if (r.ev === 'kvmDestroyVm') {
      for (const k of [...this.regs.keys()]) if (k.startsWith(`${r.vm}:`)) this.regs.delete(k);
    }
  }

  get(vm: number, vcpu: number): Regs | undefined {
    return this.regs.get(`${vm}:${vcpu}`);
  }

  /** the vCPU's MMU maps guest-physical addresses (TDP, or no guest paging); unknown vCPU: undefined */
  directMap(vm: number, vcpu: number): boolean | undefined {
    const r = this.get(vm, vcpu);
    return r && (this.tdp || guestLevels(r) === 0);
  }
}
