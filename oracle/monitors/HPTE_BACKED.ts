/**
 * HPTE_BACKED (seed 004): every valid HPTE maps a pinned page or an RMO page. Checked when
 * an HPTE is inserted, when unpin_slot has released an array, and at every guest entry.
 */
import type { TraceRecord } from '../../api/events.js';
import { because, type Monitor, type MonitorSpec, type Violation } from '../monitor.js';
import { SlotPhysView, hex } from './ppc/slot-phys.js';

class HpteBacked implements Monitor {
  private readonly view = new SlotPhysView();
  /** valid HPTEs per VM: index -> pfn of the RAM page it maps */
  private readonly hptes = new Map<number, Map<number, number>>();
  /** RMO pfn ranges per VM */
  private readonly rmo = new Map<number, [number, number]>();

  observe(r: TraceRecord): Violation | null {
    this.view.track(r);
    switch (r.ev) {
      case 'kvmppcRmaSetup':
        if (r.mode === 'rmo') this.rmo.set(r.vm, [r.basePfn, r.basePfn + r.npages]);
        return null;
      case 'hpteInsert': {
        const m = this.hptes.get(r.vm) ?? new Map<number, number>();
        this.hptes.set(r.vm, m.set(r.index, r.pfn));
        return this.unbacked(r.vm, `HPTE inserted by thread ${r.tid}`);
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
        return null;
      case 'unpinSlot':
        return r.phase === 'end' ? this.unbacked(r.vm, `after unpin_slot of slot ${r.slot}`) : null;
      case 'kvmppcEntry':
        return this.unbacked(r.vm, `at entry of vcpu ${r.vcpu}`);
      default:
        return null;
    }
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
  rule: 'every valid HPTE maps a pinned page or an RMO page',
  needs: ['hpteInsert', 'hpteInvalidate', 'kvmppcEntry', 'kvmppcFreeHpt', 'kvmppcRmaSetup', 'slotPhysAlloc', 'slotPhysSet', 'unpinSlot'],
  needsIf: { destroyVm: ['kvmDestroyVm'] },
  scope: { platform: 'ppcHv' },
  create: () => new HpteBacked(),
};
