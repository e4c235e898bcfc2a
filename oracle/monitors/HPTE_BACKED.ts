/**
 * HPTE_BACKED (seed 004): every valid HPTE maps a pinned page or an RMO page. Checked when
 * an HPTE is inserted, when unpin_slot has released an array, and at every guest entry.
 * At insert, the page is the one slot_phys holds for the HPTE's guest address: the entry
 * of the RAM page gpa falls in, in the slot backing it (kvmppc_h_enter's translation).
 */
import type { TraceRecord } from '../../api/events.js';
import { hex, because, type Monitor, type MonitorSpec, type Violation } from '../monitor.js';
import { SlotPhysView } from './ppc/slot-phys.js';
import { Memslots } from './x86/memslots.js';

class HpteBacked implements Monitor {
  private readonly view = new SlotPhysView();
  /** valid HPTEs per VM: index -> pfn of the RAM page it maps */
  private readonly hptes = new Map<number, Map<number, number>>();
  /** RMO pfn ranges per VM */
  private readonly rmo = new Map<number, [number, number]>();
  private readonly slots = new Memslots();
  /** log2 of each PPC VM's RAM page size */
  private readonly ramPorder = new Map<number, number>();

  observe(r: TraceRecord): Violation | null {
    this.view.track(r);
    this.slots.track(r);
    switch (r.ev) {
      case 'opBegin':
        this.slots.begin(r);
        return null;
      case 'opEnd':
        if (r.op.kind === 'createVm' && r.op.ppc && r.result.kind === 'ok') this.ramPorder.set(r.op.vm, r.op.ppc.ramPorder);
        return null;
      case 'kvmppcRmaSetup':
        if (r.mode === 'rmo') this.rmo.set(r.vm, [r.basePfn, r.basePfn + r.npages]);
        return null;
      case 'hpteInsert': {
        const m = this.hptes.get(r.vm) ?? new Map<number, number>();
        this.hptes.set(r.vm, m.set(r.index, r.pfn));
        return this.unbacked(r.vm, `HPTE inserted by thread ${r.tid}`) ?? this.wrongPage(r);
      }
      case 'hpteInvalidate':
        this.hptes.get(r.vm)?.delete(r.index);
        return null;
      case 'kvmppcFreeHpt':
        this.hptes.delete(r.vm);
        return null;
      case 'kvmDestroyVm':
        this.hptes.delete(r.vm);
        this.rmo.delete(r.vm);
        this.ramPorder.delete(r.vm);
        return null;
      case 'unpinSlot':
        return r.phase === 'end' ? this.unbacked(r.vm, `after unpin_slot of slot ${r.slot}`) : null;
      case 'kvmppcEntry':
        return this.unbacked(r.vm, `at entry of vcpu ${r.vcpu}`);
      default:
        return null;
    }
  }

  /** the pfn slot_phys holds for the HPTE's gpa, where the trace says which one that is */
  private wrongPage(r: Extract<TraceRecord, { ev: 'hpteInsert' }>): Violation | null {
    const porder = this.ramPorder.get(r.vm);
    const gfn = Math.floor(r.gpa / 4096);
    if (porder === undefined) return null;
    const held: number[] = [];
    for (const { slot, base } of this.slots.slotsAt(r.vm, gfn)) {
      const index = Math.floor((gfn - base) / 2 ** (porder - 12));
      for (const a of this.view.arrays.values()) {
        const e = a.vm === r.vm && a.slot === slot ? a.entries.get(index) : undefined;
        if (e) held.push(e.pfn);
      }
    }
    if (held.length === 0 || held.includes(r.pfn)) return null;
    return because('HPTE maps another page than slot_phys holds', `HPTE ${r.index} of vm ${r.vm} maps gpa ${hex(r.gpa)} to pfn ${hex(r.pfn)}, but slot_phys holds pfn ${hex(held[0]!)} for that guest page`);
  }

  private unbacked(vm: number, when: string): Violation | null {
    const rmo = this.rmo.get(vm);
    for (const [index, pfn] of this.hptes.get(vm) ?? []) {
      if (this.view.holdsIn(vm, pfn) || (rmo && pfn >= rmo[0] && pfn < rmo[1])) continue;
      return because('HPTE maps an unpinned page', `${when}: HPTE ${index} of vm ${vm} maps pfn ${hex(pfn)}, which is neither pinned in slot_phys nor an RMO page`);
    }
    return null;
  }
}

export const HPTE_BACKED: MonitorSpec = {
  id: 'HPTE_BACKED',
  seed: '004',
  checkedAt: ['hpteInsert'],
  rule: 'every valid HPTE maps a pinned page or an RMO page: the one slot_phys holds for its guest address',
  needs: ['hpteInsert', 'hpteInvalidate', 'kvmppcEntry', 'kvmppcFreeHpt', 'kvmppcRmaSetup', 'slotPhysAlloc', 'slotPhysSet', 'unpinSlot'],
  needsIf: { destroyVm: ['kvmDestroyVm'] },
  scope: { platform: 'ppcHv' },
  create: () => new HpteBacked(),
};
