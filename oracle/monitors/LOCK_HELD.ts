/**
 * LOCK_HELD (seed 003): guest walks and guest memory reads hold mmap_sem (read or write);
 * shadow hash and rmap updates, zaps and frees of shadow pages hold kvm->lock; memslot,
 * alias, nr_mmu_pages and dirty-log changes hold mmap_sem for write. (Seed 004's
 * slot_phys_lock is SLOT_PHYS_LOCKED's.) The VM's lock instance is `kvm->lock@vm<N>`.
 */
import type { TraceRecord } from '../../api/events.js';
import { because, type Monitor, type MonitorSpec, type Violation } from '../monitor.js';
import { HeldLocks } from './locks/held-locks.js';

class LockHeld implements Monitor {
  private readonly locks = new HeldLocks();

  observe(r: TraceRecord, tid: number): Violation | null {
    this.locks.track(r);
    const who = `thread ${tid}`;
    switch (r.ev) {
      case 'kvmGuestMem':
        return this.locks.holds(tid, 'mmap_sem') ? null : because('guest memory access without mmap_sem', `${who}: guest ${r.what} of gfn ${r.gfn} (vm ${r.vm}) without mmap_sem`);
      case 'kvmMmuGetPage':
      case 'kvmMmuZapPage':
      case 'kvmMmuFreePage':
      case 'kvmRmap':
        return this.holdsKvmLock(tid, r.vm) ? null : because('shadow page update without kvm->lock', `${who}: shadow page ${r.ev === 'kvmRmap' ? 'rmap' : 'hash'} update (${r.ev}, vm ${r.vm}) without kvm->lock`);
      case 'kvmVmUpdate':
        return this.locks.holds(tid, 'mmap_sem', ['write']) ? null : because('memslot change without mmap_sem for write', `${who}: ${r.what} change of vm ${r.vm} without mmap_sem held for write`);
      default:
        return null;
    }
  }

  private holdsKvmLock(tid: number, vm: number): boolean {
    return this.locks.held(tid).some((h) => h.cls === 'kvm->lock' && h.instance === `kvm->lock@vm${vm}`);
  }
}

export const LOCK_HELD: MonitorSpec = {
  id: 'LOCK_HELD',
  seed: '003',
  checkedAt: ['kvmGuestMem', 'kvmRmap', 'kvmVmUpdate', 'kvmMmuGetPage'],
  rule: 'guest walks and guest memory reads hold mmap_sem; shadow hash/rmap updates, zaps and frees hold kvm->lock; memslot, alias, nr_mmu_pages and dirty-log changes hold mmap_sem for write',
  needs: ['lockAcquire', 'lockRelease', 'kvmGuestMem', 'kvmMmuGetPage', 'kvmMmuZapPage', 'kvmMmuFreePage', 'kvmRmap', 'kvmVmUpdate'],
  create: () => new LockHeld(),
};
