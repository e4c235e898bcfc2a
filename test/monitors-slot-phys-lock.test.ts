/**
 * SLOT_PHYS_LOCKED (seed 004's slot_phys_lock) and LOCK_HELD's kvm->lock around shadow-page
 * frees: hand-made traces that break the rule, and the built-in implementation, which keeps
 * it on every path (H_ENTER pins, the RMO's entries, unpin_slot).
 */
import { describe, expect, it } from 'vitest';
import type { TraceRecord } from '../api/events.js';
import type { Hpa, SlotId, ThreadId, VmId } from '../api/ids.js';
import { SLOT_PHYS_LOCKED } from '../oracle/monitors/SLOT_PHYS_LOCKED.js';
import { LOCK_HELD } from '../oracle/monitors/LOCK_HELD.js';
import { runCase } from '../fuzz/run/runner.js';
import { builtinFactory } from '../impl/builtin.js';
import { firstComplaint } from './records.js';
import { MB16, P7, TWO_SLOTS, ppc } from './helpers-ppc.js';
import { VMX } from './helpers.js';

const vm = 0 as VmId;
const tid = 0 as ThreadId;
const slot = 1 as SlotId;
const lock = (ev: 'lockAcquire' | 'lockRelease', cls: string, owner = 'vm0'): TraceRecord =>
  ({ ev, tid, lock: cls, instance: `${cls}@${owner}`, mode: 'exclusive', ...(ev === 'lockAcquire' && { spin: cls === 'slot_phys_lock' }) }) as TraceRecord;
const set: TraceRecord = { ev: 'slotPhysSet', tid, vm, slot, array: 0x100, index: 0, pfn: 0x40, gotPage: true };
const unpin = (phase: 'begin' | 'end'): TraceRecord => ({ ev: 'unpinSlot', tid, vm, slot, array: 0x100, phase });
const put: TraceRecord = { ev: 'putPage', tid, pfn: 0x40, count: 1, dirty: true };

describe('SLOT_PHYS_LOCKED', () => {
  const locked = (...rs: TraceRecord[]) => [lock('lockAcquire', 'slot_phys_lock'), ...rs, lock('lockRelease', 'slot_phys_lock')];
  it('accepts entries written and unpin_slot walking under the VM\'s slot_phys_lock', () => {
    expect(firstComplaint(SLOT_PHYS_LOCKED, [...locked(set), ...locked(unpin('begin'), put), unpin('end'), put])).toBeNull();
  });
  it('trips on an entry written without it, or under another VM\'s', () => {
    expect(firstComplaint(SLOT_PHYS_LOCKED, [set])).toMatch(/slot_phys\[0\] of vm 0 slot 1 written without slot_phys_lock/);
    expect(firstComplaint(SLOT_PHYS_LOCKED, [lock('lockAcquire', 'slot_phys_lock', 'vm1'), set])).toMatch(/without slot_phys_lock/);
    expect(firstComplaint(SLOT_PHYS_LOCKED, [lock('lockAcquire', 'kvm->lock'), set])).toMatch(/without slot_phys_lock/);
  });
  it('trips on unpin_slot walking, or putting a page, without it', () => {
    expect(firstComplaint(SLOT_PHYS_LOCKED, [unpin('begin')])).toMatch(/walks slot_phys without slot_phys_lock/);
    expect(firstComplaint(SLOT_PHYS_LOCKED, [...locked(unpin('begin')), put])).toMatch(/put pfn 0x40 without slot_phys_lock/);
  });

  it('passes the built-in implementation, which writes entries on H_ENTER, for an RMO and in unpin_slot', () => {
    const ops = [...TWO_SLOTS, ppc.run(), ppc.hEnter(MB16, 0), ppc.slot(1, 1, 0), ppc.createVm(P7, 1), ppc.slot(0, 0, 4, 1), ppc.rma(0, 1), ppc.vcpu(0, 1), ppc.run(0, 1), ppc.slot(0, 0, 0, 1)];
    const trace = runCase({ config: VMX, ops }, { factory: builtinFactory, mutant: null, keepTrace: true }).trace.map((t) => t.record);
    expect(trace.filter((r) => r.ev === 'slotPhysSet' && r.gotPage).length).toBeGreaterThan(0);
    expect(trace.filter((r) => r.ev === 'slotPhysSet' && !r.gotPage).length).toBeGreaterThan(0);
    expect(trace.filter((r) => r.ev === 'unpinSlot').length).toBeGreaterThanOrEqual(4);
    expect(firstComplaint(SLOT_PHYS_LOCKED, trace)).toBeNull();
    // the same trace with slot_phys_lock's tracepoints gone breaks the rule at the first entry
    const unlocked = trace.filter((r) => !((r.ev === 'lockAcquire' || r.ev === 'lockRelease') && r.lock === 'slot_phys_lock'));
    expect(firstComplaint(SLOT_PHYS_LOCKED, unlocked)).toMatch(/without slot_phys_lock/);
  });
});

describe('LOCK_HELD: shadow-page frees', () => {
  const free: TraceRecord = { ev: 'kvmMmuFreePage', vm, hpa: 0x1000 as Hpa };
  it('accepts a free under kvm->lock and trips on one without it', () => {
    expect(firstComplaint(LOCK_HELD, [lock('lockAcquire', 'kvm->lock'), free])).toBeNull();
    expect(firstComplaint(LOCK_HELD, [free])).toMatch(/kvmMmuFreePage, vm 0\) without kvm->lock/);
  });
});
