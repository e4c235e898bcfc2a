/**
 * Bookkeeping several PPC monitors share, rebuilt from the trace alone: every live
 * slot_phys array with its entries, and the arrays unpin_slot has released.
 */
import type { TraceRecord } from '../../../api/events.js';

export interface Entry {
  readonly pfn: number;
  /** KVMPPC_GOT_PAGE: a reference is held (else an RMO page) */
  readonly got: boolean;
}

export interface ArrayView {
  readonly vm: number;
  readonly slot: number;
  readonly entries: Map<number, Entry>;
}

export class SlotPhysView {
  /** live arrays by address */
  readonly arrays = new Map<number, ArrayView>();
  /** addresses unpin_slot released (cleared and freed) */
  readonly released = new Set<number>();

  /** the array's entry at index, if the trace set one */
  entry(array: number, index: number): Entry | undefined {
    return this.arrays.get(array)?.entries.get(index);
  }

  track(r: TraceRecord): void {
    switch (r.ev) {
      case 'slotPhysAlloc':
        this.arrays.set(r.array, { vm: r.vm, slot: r.slot, entries: new Map() });
        return;
      case 'slotPhysSet': {
        if (this.released.has(r.array)) return;
        const a = this.arrays.get(r.array) ?? { vm: r.vm, slot: r.slot, entries: new Map() };
        a.entries.set(r.index, { pfn: r.pfn, got: r.gotPage });
        this.arrays.set(r.array, a);
        return;
      }
      case 'unpinSlot':
        if (r.phase === 'end') {
          this.arrays.delete(r.array);
          this.released.add(r.array);
        }
        return;
      default:
        return;
    }
  }

  /** how many got-page entries hold pfn */
  holders(pfn: number): number {
    let n = 0;
    for (const a of this.arrays.values()) for (const e of a.entries.values()) if (e.got && e.pfn === pfn) n++;
    return n;
  }

  /** does some entry of vm hold pfn: pinned (got) or as an RMO page */
  holdsIn(vm: number, pfn: number): boolean {
    for (const a of this.arrays.values()) {
      if (a.vm !== vm) continue;
      for (const e of a.entries.values()) if (e.pfn === pfn) return true;
    }
    return false;
  }
}

