/**
 * SLOT_PHYS_LOCKED (seed 004): a slot_phys entry is written, and unpin_slot walks the array,
 * puts its pages and clears the pointer, only under the VM's slot_phys_lock ("a spinlock
 * protecting those updates to ensure that we don't lose track of any references to
 * pages"). The lock instance is `slot_phys_lock@vm<N>`, from the lockdep tracepoints.
 * @see arch/powerpc/kvm/book3s_hv.c unpin_slot(), kvmppc_hv_setup_rma();
 * book3s_64_mmu_hv.c kvmppc_get_guest_page()
 */
import type { TraceRecord } from '../../api/events.js';
import { hex, type Monitor, type MonitorSpec } from '../monitor.js';
import { HeldLocks } from './locks/held-locks.js';

class SlotPhysLocked implements Monitor {
  private readonly locks = new HeldLocks();
  /** threads inside unpin_slot, with their VM */
  private readonly unpinning = new Map<number, number>();

  observe(r: TraceRecord, tid: number): string | null {
    this.locks.track(r);
    const who = `thread ${tid}`;
    switch (r.ev) {
      case 'slotPhysSet':
        return this.holds(tid, r.vm) ? null : `${who}: slot_phys[${r.index}] of vm ${r.vm} slot ${r.slot} written without slot_phys_lock`;
      case 'unpinSlot':
        if (r.phase === 'end') {
          this.unpinning.delete(tid);
          return null;
        }
        this.unpinning.set(tid, r.vm);
        return this.holds(tid, r.vm) ? null : `${who}: unpin_slot of vm ${r.vm} slot ${r.slot} walks slot_phys without slot_phys_lock`;
      case 'putPage': {
        const vm = this.unpinning.get(tid);
        return vm === undefined || this.holds(tid, vm) ? null : `${who}: unpin_slot of vm ${vm} put pfn ${hex(r.pfn)} without slot_phys_lock`;
      }
      case 'opEnd':
        this.unpinning.delete(r.tid);
        return null;
      default:
        return null;
    }
  }

  private holds(tid: number, vm: number): boolean {
    return this.locks.held(tid).some((h) => h.cls === 'slot_phys_lock' && h.instance === `slot_phys_lock@vm${vm}`);
  }
}

export const SLOT_PHYS_LOCKED: MonitorSpec = {
  id: 'SLOT_PHYS_LOCKED',
  seed: '004',
  checkedAt: ['slotPhysSet', 'unpinSlot'],
  rule: 'slot_phys entries are written, and unpin_slot walks and puts them, only under the VM\'s slot_phys_lock',
  needs: ['lockAcquire', 'lockRelease', 'slotPhysSet', 'unpinSlot', 'putPage'],
  scope: { platform: 'ppcHv' },
  create: () => new SlotPhysLocked(),
};
