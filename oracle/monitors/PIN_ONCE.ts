/**
 * PIN_ONCE (seed 004): a page's pin count equals the slot_phys entries holding it with
 * KVMPPC_GOT_PAGE; every put matches an earlier get; unpin marks the page dirty. Counts are
 * compared whenever no operation is in flight (a pin and its entry are not one step).
 */
import type { TraceRecord } from '../../api/events.js';
import { hex, because, type Monitor, type MonitorSpec, type Violation } from '../monitor.js';
import { SlotPhysView } from './ppc/slot-phys.js';

class PinOnce implements Monitor {
  private readonly view = new SlotPhysView();
  /** references KVM holds, by pfn: get_user_pages minus put_page */
  private readonly pins = new Map<number, number>();
  /** threads inside unpin_slot */
  private readonly unpinning = new Set<number>();
  private inFlight = 0;

  observe(r: TraceRecord): Violation | null {
    const bad = this.check(r);
    this.view.track(r);
    return bad;
  }

  private check(r: TraceRecord): Violation | null {
    switch (r.ev) {
      case 'getPage':
        this.pins.set(r.pfn, (this.pins.get(r.pfn) ?? 0) + 1);
        return null;
      case 'putPage': {
        const n = this.pins.get(r.pfn) ?? 0;
        if (n === 0) return because('put without a get', `put_page of pfn ${hex(r.pfn)} (thread ${r.tid}) matches no earlier get_page`);
        this.pins.set(r.pfn, n - 1);
        return this.unpinning.has(r.tid) && !r.dirty ? because('put without SetPageDirty', `unpin_slot put pfn ${hex(r.pfn)} without SetPageDirty`) : null;
      }
      case 'slotPhysSet': {
        const old = this.view.entry(r.array, r.index);
        return old?.got
          ? because('reference overwritten', `slot_phys[${r.index}] of vm ${r.vm} slot ${r.slot} overwritten (thread ${r.tid}) while it held pfn ${hex(old.pfn)}: that reference is lost`)
          : null;
      }
      case 'unpinSlot':
        if (r.phase === 'begin') this.unpinning.add(r.tid);
        else this.unpinning.delete(r.tid);
        return null;
      case 'opBegin':
        this.inFlight++;
        return null;
      case 'opEnd':
        return --this.inFlight === 0 ? this.balance() : null;
      default:
        return null;
    }
  }

  private balance(): Violation | null {
    for (const [pfn, n] of this.pins) {
      const held = this.view.holders(pfn);
      if (n !== held) return because('references and holders differ', `pfn ${hex(pfn)}: ${n} reference(s) taken by get_user_pages, but ${held} slot_phys entr${held === 1 ? 'y holds' : 'ies hold'} it with KVMPPC_GOT_PAGE`, true);
    }
    return null;
  }
}

export const PIN_ONCE: MonitorSpec = {
  id: 'PIN_ONCE',
  seed: '004',
  checkedAt: ['slotPhysSet', 'putPage'],
  rule: "a page's pin count equals the slot_phys entries holding it with the got-page flag; every put matches an earlier get; unpin marks dirty",
  needs: ['getPage', 'putPage', 'slotPhysAlloc', 'slotPhysSet', 'unpinSlot'],
  scope: { platform: 'ppcHv' },
  create: () => new PinOnce(),
};
