/**
 * What the lifecycle pieces are made of, for both engines (fast-check in lifecycles.ts,
 * jsverify in fuzz/engines/jsverify/): their value pools and odds, and the functions that
 * turn what was drawn into operations. An engine draws a plan (ApfCycleDraw, ReloadDraw);
 * the operations follow from it here, the same for both.
 */
import type { AllocSite, CrReg, HostConfig, Op } from '../../api/ops.js';
import type { Gfn, Gva, SlotId, VcpuId, VmId } from '../../api/ids.js';
import type { Weighted } from './pools.js';

/** guest frames that accesses reach (the gva page, shifted by a small cr3), plus one past the slot */
export const APF_GFNS = [0, 1, 5, 8, 2, 9, 40];
/** where slot 0 goes while a page is in flight: deleted (npages 0) or moved here */
export const SLOT_BASES = [0, 16, 32];
export const SLOT_NPAGES = [0, 32];
/** the VM and vCPU of an async-fault lifecycle: the prelude's, mostly */
export const APF_IDS = [0, 0, 0, 0, 0, 0, 0, 0, 0, 1];

/**
 * register writes that change the paging context: paging on (so a direct map becomes
 * shadow paging without TDP, the case seed 001 singles out) and off, cr3, PAE, long mode
 */
export const CONTEXT_CHANGES: { reg: CrReg; value: number }[] = [
  { reg: 'cr0', value: 0x80000001 }, { reg: 'cr0', value: 0x80000001 }, { reg: 'cr0', value: 0x1 },
  { reg: 'cr3', value: 0x1000 }, { reg: 'cr4', value: 0x20 }, { reg: 'efer', value: 0x100 },
];

/**
 * What may happen to a vCPU while its page is in flight: its paging context changes, the
 * page is swapped out again, another swapped-out page is touched (two works in flight),
 * the memslot is deleted or moved, or the next load fails.
 */
export type InFlight =
  | { t: 'cr'; reg: CrReg; value: number }
  | { t: 'swap' }
  | { t: 'other' }
  | { t: 'slot'; base: Gfn; n: number }
  | { t: 'fail' };
export const IN_FLIGHT_WEIGHTS: Weighted<InFlight['t']> = [['cr', 3], ['swap', 3], ['other', 2], ['slot', 1], ['fail', 1]];

/** the odds (percent) of each optional part of the async-PF lifecycle */
export const APF_ODDS = { swap: 75, first: 85, irqs: 75, during: 65, complete: 75, after: 65, resume: 80 } as const;
export const RESUME_TARGETS = ['none', 'same', 'other'] as const;

/** where a lifecycle happens: a vCPU, the page it follows, and another page it may touch */
export interface CyclePages {
  readonly vm: VmId;
  readonly vcpu: VcpuId;
  readonly gfn: Gfn;
  readonly other: Gfn;
}

export interface ApfCycleDraw {
  readonly pages: CyclePages;
  readonly swap: boolean;
  readonly first: { readonly write: boolean; readonly irqs: boolean } | null;
  readonly during: InFlight | null;
  readonly complete: boolean;
  readonly after: InFlight | null;
  readonly resume: { readonly target: (typeof RESUME_TARGETS)[number]; readonly irqs: boolean } | null;
}

const touch = (p: CyclePages, gfn: Gfn, irqs: boolean, write = false): Op => ({
  kind: 'run', vm: p.vm, vcpu: p.vcpu, access: { gva: (gfn * 4096) as Gva, write }, interruptsAllowed: irqs,
});

const inFlightOps = (e: InFlight, p: CyclePages): Op[] => {
  switch (e.t) {
    case 'cr':
      return [{ kind: 'setCr', vm: p.vm, vcpu: p.vcpu, reg: e.reg, value: e.value }];
    case 'swap':
      return [{ kind: 'swapOut', vm: p.vm, gfn: p.gfn }];
    case 'other':
      return [{ kind: 'swapOut', vm: p.vm, gfn: p.other }, touch(p, p.other, true)];
    case 'slot':
      return [{ kind: 'setMemoryRegion', vm: p.vm, slot: 0 as SlotId, gfn: e.base, npages: e.n }];
    case 'fail':
      return [{ kind: 'failAlloc', site: 'mmuTopup', count: 1 }];
  }
};

/**
 * The async page-fault lifecycle: the host swaps a page out, a vCPU touches it (interrupts
 * mostly allowed), something may happen while the page is in flight, the work may
 * complete, and the vCPU may run again (where completed work is delivered), touching
 * either page.
 */
export const apfCycleOps = ({ pages: p, swap, first, during, complete, after, resume }: ApfCycleDraw): Op[] => {
  const ops: Op[] = [];
  if (swap) ops.push({ kind: 'swapOut', vm: p.vm, gfn: p.gfn });
  if (first) ops.push(touch(p, p.gfn, first.irqs, first.write));
  if (during) ops.push(...inFlightOps(during, p));
  if (complete) ops.push({ kind: 'asyncPfDone', vm: p.vm, vcpu: p.vcpu, gfn: p.gfn });
  if (after) ops.push(...inFlightOps(after, p));
  if (resume?.target === 'none') ops.push({ kind: 'run', vm: p.vm, vcpu: p.vcpu, access: null, interruptsAllowed: resume.irqs });
  else if (resume) ops.push(touch(p, resume.target === 'same' ? p.gfn : p.other, resume.irqs));
  return ops;
};

/** the allocations of a module load, and the odds of a shutdown first and of a failing one */
export const SETUP_SITES: AllocSite[] = ['vendorHardwareSetup', 'pteListDescCache', 'mmuPageHeaderCache', 'percpuCounter'];
export const RELOAD_ODDS = { shutdown: 75, fail: 50, rebuild: 95 } as const;

export interface ReloadDraw {
  readonly shutdown: boolean;
  readonly fail: AllocSite | null;
  readonly config: HostConfig;
  /** after a shutdown, the VM is built again (VM, slot 0, vCPU 0) once the module is back */
  readonly rebuild: boolean;
}

/**
 * A module reload: the prelude's VM may be shut down first (a VM holds the module), rmmod,
 * perhaps a setup allocation that will fail, then modprobe with a vendor and tdp of its own;
 * a VM shut down is mostly built again, so the operations after the piece have one.
 */
export const reloadOps = ({ shutdown, fail, config, rebuild }: ReloadDraw): Op[] => [
  ...(shutdown ? [{ kind: 'destroyVm', vm: 0 as VmId } as const] : []),
  { kind: 'moduleUnload' },
  ...(fail ? [{ kind: 'failAlloc', site: fail, count: 1 } as const] : []),
  { kind: 'moduleLoad', vendor: config.vendor, tdp: config.tdp },
  // a load that failed is tried again before the VM is rebuilt, after an rmmod of the module
  // that is not loaded (the failed load must have left nothing for kvm_exit() to undo)
  ...(shutdown && rebuild && fail ? ([{ kind: 'moduleUnload' }, { kind: 'moduleLoad', vendor: config.vendor, tdp: config.tdp }] as const) : []),
  ...(shutdown && rebuild
    ? ([
        { kind: 'createVm', vm: 0 as VmId },
        { kind: 'setMemoryRegion', vm: 0 as VmId, slot: 0 as SlotId, gfn: 0 as Gfn, npages: 32 },
        { kind: 'createVcpu', vm: 0 as VmId, vcpu: 0 as VcpuId },
      ] as const)
    : []),
];
