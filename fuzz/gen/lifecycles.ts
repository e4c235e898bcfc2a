/**
 * Lifecycles as pieces of a case: an async page fault from swap-out through what happens
 * while it is in flight to delivery (seed 001), and a module reload (seed 002). They make
 * the multi-step states these rules are about common; every optional part shrinks away.
 */
import fc from 'fast-check';
import type { AllocSite, CrReg, HostConfig, Op } from '../../api/ops.js';
import type { Gfn, Gva, SlotId, VcpuId, VmId } from '../../api/ids.js';
import { chance, maybe } from './chance.js';

/** guest frames that accesses reach (the gva page, shifted by a small cr3), plus one past the slot */
export const apfGfn = fc.constantFrom(0, 1, 5, 8, 2, 9, 40) as fc.Arbitrary<Gfn>;

/** where slot 0 goes while a page is in flight: deleted (npages 0) or moved here */
const slotBase = fc.constantFrom(0, 16, 32) as fc.Arbitrary<Gfn>;

/** the VM and vCPU of an async-fault lifecycle: the prelude's, mostly */
const apfVm = fc.constantFrom(0, 0, 0, 0, 0, 0, 0, 0, 0, 1) as fc.Arbitrary<VmId>;
const apfVcpu = fc.constantFrom(0, 0, 0, 0, 0, 0, 0, 0, 0, 1) as fc.Arbitrary<VcpuId>;

/**
 * register writes that change the paging context: paging on (so a direct map becomes
 * shadow paging without TDP, the case seed 001 singles out) and off, cr3, PAE, long mode
 */
const contextChange = fc.constantFrom<{ reg: CrReg; value: number }>(
  { reg: 'cr0', value: 0x80000001 }, { reg: 'cr0', value: 0x80000001 }, { reg: 'cr0', value: 0x1 },
  { reg: 'cr3', value: 0x1000 }, { reg: 'cr4', value: 0x20 }, { reg: 'efer', value: 0x100 },
);

/**
 * What may happen to a vCPU while its page is in flight: its paging context changes, the
 * page is swapped out again, another swapped-out page is touched (two works in flight),
 * the memslot is deleted or moved, or the next load fails.
 */
type InFlight =
  | { t: 'cr'; reg: CrReg; value: number }
  | { t: 'swap' }
  | { t: 'other' }
  | { t: 'slot'; base: Gfn; n: number }
  | { t: 'fail' };
const inFlight: fc.Arbitrary<InFlight> = fc.oneof(
  { weight: 3, arbitrary: contextChange.map((w): InFlight => ({ t: 'cr', ...w })) },
  { weight: 3, arbitrary: fc.constant<InFlight>({ t: 'swap' }) },
  { weight: 2, arbitrary: fc.constant<InFlight>({ t: 'other' }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('slot' as const), base: slotBase, n: fc.constantFrom(0, 32) }) },
  { weight: 1, arbitrary: fc.constant<InFlight>({ t: 'fail' }) },
);

/** where a lifecycle happens: a vCPU, the page it follows, and another page it may touch */
interface CyclePages {
  readonly vm: VmId;
  readonly vcpu: VcpuId;
  readonly gfn: Gfn;
  readonly other: Gfn;
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
 * The async page-fault lifecycle as one piece: the host swaps a page out, a vCPU touches
 * it (interrupts mostly allowed), something may happen while the page is in flight, the
 * work may complete, and the vCPU may run again (where completed work is delivered),
 * touching either page. Each part is optional and shrinks away; single swapOut and
 * asyncPfDone operations add other orders.
 */
export const asyncPfCycle: fc.Arbitrary<Op[]> = fc
  .record({
    pages: fc.record({ vm: apfVm, vcpu: apfVcpu, gfn: apfGfn, other: apfGfn }),
    swap: chance(75),
    first: maybe(fc.record({ write: fc.boolean(), irqs: chance(75) }), 85),
    during: maybe(inFlight, 65),
    complete: chance(75),
    after: maybe(inFlight, 65),
    resume: maybe(fc.record({ target: fc.constantFrom('none', 'same', 'other'), irqs: chance(75) }), 80),
  })
  .map(({ pages: p, swap, first, during, complete, after, resume }): Op[] => {
    const ops: Op[] = [];
    if (swap) ops.push({ kind: 'swapOut', vm: p.vm, gfn: p.gfn });
    if (first) ops.push(touch(p, p.gfn, first.irqs, first.write));
    if (during) ops.push(...inFlightOps(during, p));
    if (complete) ops.push({ kind: 'asyncPfDone', vm: p.vm, vcpu: p.vcpu, gfn: p.gfn });
    if (after) ops.push(...inFlightOps(after, p));
    if (resume?.target === 'none') ops.push({ kind: 'run', vm: p.vm, vcpu: p.vcpu, access: null, interruptsAllowed: resume.irqs });
    else if (resume) ops.push(touch(p, resume.target === 'same' ? p.gfn : p.other, resume.irqs));
    return ops;
  });

/** the allocations of a module load */
const setupSite = fc.constantFrom<AllocSite>('vendorHardwareSetup', 'pteListDescCache', 'mmuPageHeaderCache', 'percpuCounter');

/**
 * A module reload: the prelude's VM may be shut down first (a VM holds the module), rmmod,
 * perhaps a setup allocation that will fail, then modprobe with a vendor and tdp of its own.
 */
export const moduleReload = (configArb: fc.Arbitrary<HostConfig>): fc.Arbitrary<Op[]> => fc
  .record({ shutdown: chance(75), fail: maybe(setupSite, 50), config: configArb })
  .map(({ shutdown, fail, config }): Op[] => [
    ...(shutdown ? [{ kind: 'destroyVm', vm: 0 as VmId } as const] : []),
    { kind: 'moduleUnload' },
    ...(fail ? [{ kind: 'failAlloc', site: fail, count: 1 } as const] : []),
    { kind: 'moduleLoad', vendor: config.vendor, tdp: config.tdp },
  ]);
