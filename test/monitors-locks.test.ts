import { describe, expect, it } from 'vitest';
import type { TraceRecord } from '../api/events.js';
import { asViolation, type MonitorSpec } from '../oracle/monitor.js';
import { LOCK_HELD } from '../oracle/monitors/LOCK_HELD.js';
import { LOCK_ORDER } from '../oracle/monitors/LOCK_ORDER.js';
import { LOCK_BALANCED } from '../oracle/monitors/LOCK_BALANCED.js';
import { op } from './helpers.js';

/** feeds [tid, record] pairs in order; the first complaint, or null */
const feed = (spec: MonitorSpec, records: [number, object][]): string | null => {
  const m = spec.create();
  for (const [tid, r] of records) {
    const msg = m.observe(r as TraceRecord, tid);
    if (msg) return asViolation(msg).message;
  }
  return null;
};

const lock = (tid: number, cls: string, mode = 'exclusive', instance = `${cls}@vm0`, spin = false): [number, object] => [tid, { ev: 'lockAcquire', tid, lock: cls, instance, mode, spin }];
const unlock = (tid: number, cls: string, mode = 'exclusive', instance = `${cls}@vm0`): [number, object] => [tid, { ev: 'lockRelease', tid, lock: cls, instance, mode }];
const mm = (tid: number, mode: string): [number, object] => lock(tid, 'mmap_sem', mode, 'mmap_sem@mm');
const unmm = (tid: number, mode: string): [number, object] => unlock(tid, 'mmap_sem', mode, 'mmap_sem@mm');
const walk: [number, object] = [0, { ev: 'kvmGuestMem', vm: 0, what: 'walk', gfn: 2 }];
const hash: [number, object] = [0, { ev: 'kvmMmuGetPage', vm: 0, hpa: 0x5000, gfn: 2, role: {}, root: false, created: true }];
const slot: [number, object] = [0, { ev: 'kvmVmUpdate', vm: 0, what: 'memslot' }];
const end = (tid: number): [number, object] => [tid, { ev: 'opEnd', tid, index: 0, op: op.run(), result: { kind: 'ok' } }];

describe('LOCK_HELD', () => {
  it('accepts walks under mmap_sem, hash updates under kvm->lock, slot changes under mmap_sem for write', () => {
    expect(feed(LOCK_HELD, [mm(0, 'read'), walk, lock(0, 'kvm->lock'), hash, unlock(0, 'kvm->lock'), unmm(0, 'read'), mm(0, 'write'), slot])).toBeNull();
  });
  it('trips on a guest walk without mmap_sem', () => {
    expect(feed(LOCK_HELD, [walk])).toMatch(/guest walk .* without mmap_sem/);
  });
  it('trips on a hash update without kvm->lock, or under another VM`s', () => {
    expect(feed(LOCK_HELD, [mm(0, 'read'), hash])).toMatch(/without kvm->lock/);
    expect(feed(LOCK_HELD, [lock(0, 'kvm->lock', 'exclusive', 'kvm->lock@vm1'), hash])).toMatch(/without kvm->lock/);
  });
  it('trips on a memslot change under mmap_sem for read only', () => {
    expect(feed(LOCK_HELD, [mm(0, 'read'), slot])).toMatch(/memslot change .* for write/);
  });
  it('looks at the thread that did it', () => {
    expect(feed(LOCK_HELD, [mm(1, 'read'), walk])).toMatch(/thread 0/);
  });
});

describe('LOCK_ORDER', () => {
  it('accepts mmap_sem then kvm->lock, over and over', () => {
    const nest = [mm(0, 'read'), lock(0, 'kvm->lock'), unlock(0, 'kvm->lock'), unmm(0, 'read')];
    expect(feed(LOCK_ORDER, [...nest, ...nest])).toBeNull();
  });
  it('trips on mmap_sem taken under kvm->lock or a spinlock', () => {
    expect(feed(LOCK_ORDER, [lock(0, 'kvm->lock'), mm(0, 'read')])).toMatch(/takes mmap_sem while holding kvm->lock@vm0/);
    expect(feed(LOCK_ORDER, [lock(0, 'slot_phys_lock', 'exclusive', 'slot_phys_lock@vm0', true), mm(0, 'read')])).toMatch(/slot_phys_lock/);
  });
  it('trips on a lock taken twice, also a recursive down_read', () => {
    expect(feed(LOCK_ORDER, [mm(0, 'read'), mm(0, 'read')])).toMatch(/already holding it/);
  });
  it('trips on an order inversion between two threads', () => {
    const ab = [lock(0, 'vcpu->mutex'), lock(0, 'kvm->lock'), unlock(0, 'kvm->lock'), unlock(0, 'vcpu->mutex')];
    expect(feed(LOCK_ORDER, [...ab, lock(1, 'kvm->lock'), lock(1, 'vcpu->mutex')])).toMatch(/opposite order/);
  });
  it('lets a PPC HV VM take mmap_sem inside its kvm->lock (seed 004)', () => {
    const ppcVm: [number, object] = [0, { ev: 'opEnd', tid: 0, index: 0, op: { kind: 'createVm', vm: 0, ppc: { cpu: 'power7', ramPorder: 24 } }, result: { kind: 'ok' } }];
    expect(feed(LOCK_ORDER, [ppcVm, lock(0, 'kvm->lock'), mm(0, 'read')])).toBeNull();
  });
});

describe('LOCK_BALANCED', () => {
  it('accepts an ioctl that releases what it took', () => {
    expect(feed(LOCK_BALANCED, [mm(0, 'read'), unmm(0, 'read'), end(0)])).toBeNull();
  });
  it('trips on a return to userspace with a lock held', () => {
    expect(feed(LOCK_BALANCED, [mm(0, 'read'), end(0)])).toMatch(/returned to userspace .* holding mmap_sem@mm \(read\)/);
  });
  it('trips on a release of a lock the thread does not hold', () => {
    expect(feed(LOCK_BALANCED, [mm(0, 'read'), unmm(1, 'read')])).toMatch(/without holding it/);
  });
  it('does not blame one thread for another`s locks', () => {
    expect(feed(LOCK_BALANCED, [mm(1, 'read'), end(0)])).toBeNull();
  });
});
