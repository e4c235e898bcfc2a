/**
 * NO_PIN_AFTER_UNPIN (seed 004): nothing is written into a slot's slot_phys after
 * unpin_slot released it (cleared the pointer and freed the array).
 */
import type { TraceRecord } from '../../api/events.js';
import { hex, because, type Monitor, type MonitorSpec, type Violation } from '../monitor.js';
import { SlotPhysView } from './ppc/slot-phys.js';

class NoPinAfterUnpin implements Monitor {
  private readonly view = new SlotPhysView();

  observe(r: TraceRecord): Violation | null {
    const bad =
      r.ev === 'slotPhysSet' && this.view.released.has(r.array)
        ? because('pinned after unpin', `thread ${r.tid} wrote pfn ${hex(r.pfn)} into slot_phys[${r.index}] of vm ${r.vm} slot ${r.slot} (array ${hex(r.array)}) after unpin_slot released it`)
        : null;
    this.view.track(r);
    return bad;
  }
}

export const NO_PIN_AFTER_UNPIN: MonitorSpec = {
  id: 'NO_PIN_AFTER_UNPIN',
  seed: '004',
  checkedAt: ['unpinSlot'],
  rule: "nothing is written into a slot's slot_phys after unpin_slot released it",
  needs: ['slotPhysAlloc', 'slotPhysSet', 'unpinSlot'],
  scope: { platform: 'ppcHv' },
  create: () => new NoPinAfterUnpin(),
};
