/**
 * LOCK_ORDER (seed 003): mmap_sem is never taken while kvm->lock or a spinlock is held; no
 * lock is taken twice. Like lockdep, it also learns the order of lock classes as they nest
 * and reports the first inversion of an order seen before.
 *
 * Seed 003's kvm->lock is the x86 MMU lock of 2008; seed 004's PPC HV kvm->lock (2012) is
 * the outer VM mutex, and setup_rma takes mmap_sem inside it. So the fixed rule applies to
 * x86 VMs, and the two are different lock classes for the order graph.
 */
import type { TraceRecord } from '../../api/events.js';
import { because, type Monitor, type MonitorSpec, type Violation } from '../monitor.js';
import { HeldLocks, type Held } from './locks/held-locks.js';

class LockOrder implements Monitor {
  private readonly locks = new HeldLocks();
  /** "A>B": B was taken while A was held */
  private readonly order = new Set<string>();
  /** VM ids created as PPC HV VMs */
  private readonly ppc = new Set<number>();

  /** the lock class, with PPC's kvm->lock kept apart from x86's */
  private cls(h: Pick<Held, 'cls' | 'instance'>): string {
    const vm = /^kvm->lock@vm(\d+)$/.exec(h.instance);
    return vm && this.ppc.has(Number(vm[1])) ? `${h.cls}(ppc)` : h.cls;
  }

  observe(r: TraceRecord): Violation | null {
    // a VM is what a successful create made it (a create refused with -EEXIST changes nothing)
    if (r.ev === 'opEnd' && r.op.kind === 'createVm' && r.result.kind === 'ok') {
      if ('ppc' in r.op && r.op.ppc) this.ppc.add(r.op.vm);
      else this.ppc.delete(r.op.vm);
    }
    if (r.ev !== 'lockAcquire') {
      this.locks.track(r);
      return null;
    }
    const held = this.locks.held(r.tid);
    this.locks.track(r);
    const who = `thread ${r.tid}`;
    const twice = held.find((h) => h.instance === r.instance);
    if (twice) return because('lock taken twice', `${who} takes ${r.instance} (${r.mode}) while already holding it (${twice.mode})`);
    if (r.lock === 'mmap_sem') {
      const bad = held.find((h) => this.cls(h) === 'kvm->lock' || h.spin);
      if (bad) return because('mmap_sem taken under kvm->lock or a spinlock', `${who} takes mmap_sem while holding ${bad.instance}`);
    }
    const taken = this.cls({ cls: r.lock, instance: r.instance });
    for (const h of held) {
      const c = this.cls(h);
      if (c === taken) continue;
      if (this.order.has(`${taken}>${c}`)) {
        return because('opposite lock order (ABBA)', `${who} takes ${taken} while holding ${c}; the opposite order was seen before (possible ABBA deadlock)`);
      }
      this.order.add(`${c}>${taken}`);
    }
    return null;
  }
}

export const LOCK_ORDER: MonitorSpec = {
  id: 'LOCK_ORDER',
  seed: '003',
  checkedAt: ['lockAcquire'],
  rule: 'mmap_sem is never taken while kvm->lock (x86) or a spinlock is held; no lock is taken twice; no lock-order inversion',
  needs: ['lockAcquire', 'lockRelease'],
  create: () => new LockOrder(),
};
