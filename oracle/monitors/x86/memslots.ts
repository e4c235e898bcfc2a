/**
 * The monitors' own view of which guest frames memslots back, rebuilt from the results of
 * KVM_SET_USER_MEMORY_REGION (independent of model and impl).
 */
import type { TraceRecord } from '../../../api/events.js';
import { KVM_MEM_LOG_DIRTY_PAGES } from '../../../api/ops.js';

export class Memslots {
  /** `${vm}:${slot}` -> [first gfn, npages, flags] */
  private readonly slots = new Map<string, [number, number, number]>();

  /** thread -> [vm, first gfn, npages, slot] of a KVM_SET_USER_MEMORY_REGION in flight */
  private readonly inFlight = new Map<number, [number, number, number, number]>();

  /** an operation starts: a region being set may be in place before its result comes */
  begin(r: Extract<TraceRecord, { ev: 'opBegin' }>): void {
    if (r.op.kind === 'setMemoryRegion') this.inFlight.set(r.tid, [r.op.vm, r.op.gfn, r.op.npages, r.op.slot]);
  }

  /** whether a region still in flight (so perhaps already in place) covers gfn */
  pending(vm: number, gfn: number): boolean {
    for (const [v, base, n] of this.inFlight.values()) if (v === vm && gfn >= base && gfn < base + n) return true;
    return false;
  }

  track(r: TraceRecord): void {
    if (r.ev === 'opEnd') this.inFlight.delete(r.tid);
    if (r.ev === 'opEnd' && r.op.kind === 'setMemoryRegion' && r.result.kind === 'ok') {
      const { vm, slot, gfn, npages, flags } = r.op;
      if (npages === 0) this.slots.delete(`${vm}:${slot}`);
      else this.slots.set(`${vm}:${slot}`, [gfn, npages, flags ?? 0]);
    } else if (r.ev === 'kvmDestroyVm') {
      for (const k of [...this.slots.keys()]) if (k.startsWith(`${r.vm}:`)) this.slots.delete(k);
    }
  }

  /** the slots (id and first gfn) that back gfn, or may already (a region in flight) */
  slotsAt(vm: number, gfn: number): { slot: number; base: number }[] {
    const out: { slot: number; base: number }[] = [];
    for (const [k, [base, n]] of this.slots) if (k.startsWith(`${vm}:`) && gfn >= base && gfn < base + n) out.push({ slot: Number(k.split(':')[1]), base });
    for (const [v, base, n, slot] of this.inFlight.values()) if (v === vm && gfn >= base && gfn < base + n) out.push({ slot, base });
    return out;
  }

  backed(vm: number, gfn: number): boolean {
    return this.flagsOf(vm, gfn) !== null;
  }

  /** whether the slot backing gfn logs dirty pages (KVM_MEM_LOG_DIRTY_PAGES) */
  logsDirty(vm: number, gfn: number): boolean {
    return ((this.flagsOf(vm, gfn) ?? 0) & KVM_MEM_LOG_DIRTY_PAGES) !== 0;
  }

  private flagsOf(vm: number, gfn: number): number | null {
    for (const [k, [base, n, flags]] of this.slots) if (k.startsWith(`${vm}:`) && gfn >= base && gfn < base + n) return flags;
    return null;
  }
}
