import { describe, expect, it } from 'vitest';
import type { TraceRecord } from '../api/events.js';
import { asViolation, type MonitorSpec } from '../oracle/monitor.js';
import { PIN_ONCE } from '../oracle/monitors/PIN_ONCE.js';
import { NO_PIN_AFTER_UNPIN } from '../oracle/monitors/NO_PIN_AFTER_UNPIN.js';
import { RMO_NEVER_PUT } from '../oracle/monitors/RMO_NEVER_PUT.js';
import { LAZY_PIN } from '../oracle/monitors/LAZY_PIN.js';
import { RMA_ONCE } from '../oracle/monitors/RMA_ONCE.js';
import { HPTE_BACKED } from '../oracle/monitors/HPTE_BACKED.js';
import { ppc } from './helpers-ppc.js';

/** feeds records in order; the first complaint, or null */
const feed = (spec: MonitorSpec, records: object[]): string | null => {
  const m = spec.create();
  for (const r of records) {
    const msg = m.observe(r as TraceRecord, (r as { tid?: number }).tid ?? 0);
    if (msg) return asViolation(msg).message;
  }
  return null;
};

const vm = 0;
const [ARRAY, PFN, RMA] = [0xd000, 0x1000000, 0x2000000];
const begin = (tid = 0, op = ppc.hEnter(0)) => ({ ev: 'opBegin', tid, index: 0, op });
const end = (tid = 0, op = ppc.hEnter(0)) => ({ ev: 'opEnd', tid, index: 0, op, result: { kind: 'ok' } });
const alloc = { ev: 'slotPhysAlloc', tid: 0, vm, slot: 1, array: ARRAY, npages: 2 };
const get = (pfn = PFN, tid = 0) => ({ ev: 'getPage', tid, pfn, count: 2 });
const put = (pfn = PFN, dirty = true, tid = 0) => ({ ev: 'putPage', tid, pfn, count: 1, dirty });
const set = (index: number, pfn = PFN, gotPage = true, tid = 0) => ({ ev: 'slotPhysSet', tid, vm, slot: 1, array: ARRAY, index, pfn, gotPage });
const unpin = (phase: 'begin' | 'end', tid = 0) => ({ ev: 'unpinSlot', tid, vm, slot: 1, array: ARRAY, phase });
const rmoSetup = (tid = 0) => ({ ev: 'kvmppcRmaSetup', tid, vm, mode: 'rmo', basePfn: RMA, npages: 0x4000 });
const lock = (ev: 'lockAcquire' | 'lockRelease', tid = 0) => ({ ev, tid, lock: 'kvm->lock', instance: 'kvm->lock@vm0', mode: 'exclusive', spin: false });
const insert = (index: number, pfn = PFN) => ({ ev: 'hpteInsert', tid: 0, vm, index, gpa: 0x1000000, pfn });

/** a pin by H_ENTER, then unpin_slot */
const PIN_UNPIN = [alloc, begin(), get(), set(0), end(), begin(0, ppc.slot(1, 1, 0)), unpin('begin'), put(), unpin('end'), end(0, ppc.slot(1, 1, 0))];

describe('PIN_ONCE', () => {
  it('accepts a pin recorded once and put once by unpin_slot, and a loser that puts its extra reference', () => {
    expect(feed(PIN_ONCE, PIN_UNPIN)).toBeNull();
    expect(feed(PIN_ONCE, [alloc, begin(1), begin(2), get(PFN, 1), get(PFN, 2), set(0, PFN, true, 1), put(PFN, false, 2), end(1), end(2)])).toBeNull();
  });
  it('trips on an entry overwritten while it holds a reference', () => {
    expect(feed(PIN_ONCE, [alloc, begin(1), begin(2), get(PFN, 1), get(PFN, 2), set(0, PFN, true, 1), set(0, PFN, true, 2)])).toMatch(/overwritten/);
  });
  it('trips on a reference no entry holds once nothing is in flight', () => {
    expect(feed(PIN_ONCE, [alloc, begin(), get(), end()])).toMatch(/1 reference\(s\) .* but 0 slot_phys entries/);
  });
  it('trips on a put without a get, and on an unpin put without SetPageDirty', () => {
    expect(feed(PIN_ONCE, [put()])).toMatch(/matches no earlier get_page/);
    expect(feed(PIN_ONCE, [alloc, get(), set(0), unpin('begin'), put(PFN, false)])).toMatch(/without SetPageDirty/);
  });
});

describe('NO_PIN_AFTER_UNPIN', () => {
  it('accepts writes before unpin_slot and into a new array after it', () => {
    expect(feed(NO_PIN_AFTER_UNPIN, [...PIN_UNPIN, { ...alloc, array: ARRAY + 0x1000 }, { ...set(0), array: ARRAY + 0x1000 }])).toBeNull();
  });
  it('trips on a write into a released array', () => {
    expect(feed(NO_PIN_AFTER_UNPIN, [...PIN_UNPIN, set(1, PFN + 0x1000)])).toMatch(/after unpin_slot released it/);
  });
});

describe('RMO_NEVER_PUT', () => {
  it('accepts puts of pinned pages and a get/put pair on an RMA page', () => {
    expect(feed(RMO_NEVER_PUT, [rmoSetup(), ...PIN_UNPIN, get(RMA + 0x1000), put(RMA + 0x1000)])).toBeNull();
  });
  it('trips on a put of an RMO page', () => {
    expect(feed(RMO_NEVER_PUT, [rmoSetup(), put(RMA + 0x1000)])).toMatch(/a page of the RMO of vm 0/);
  });
});

describe('LAZY_PIN', () => {
  const region = ppc.slot(1, 1, 2);
  it('accepts pins during H_ENTER and other threads pinning while a region is set', () => {
    expect(feed(LAZY_PIN, [begin(0, region), alloc, end(0, region), begin(1), get(PFN, 1), set(0, PFN, true, 1), end(1)])).toBeNull();
    expect(feed(LAZY_PIN, [begin(0, region), begin(1), get(PFN, 1), end(1), end(0, region)])).toBeNull();
  });
  it('trips on a pin inside KVM_SET_USER_MEMORY_REGION', () => {
    expect(feed(LAZY_PIN, [begin(0, region), alloc, get()])).toMatch(/prepare_memory_region must not pin/);
  });
});

describe('RMA_ONCE', () => {
  const setup = (tid = 0) => [lock('lockAcquire', tid), rmoSetup(tid), { ev: 'kvmppcSetLpcr', tid, vm, lpcr: '0x1' }, { ev: 'kvmppcRmaSetupDone', tid, vm }, lock('lockRelease', tid)];
  const entry = { ev: 'kvmppcEntry', tid: 0, vm, vcpu: 0 };
  it('accepts one setup under kvm->lock, then entries; and a new setup after the VM is destroyed', () => {
    expect(feed(RMA_ONCE, [...setup(), entry, entry, { ev: 'kvmDestroyVm', vm }, ...setup(1)])).toBeNull();
  });
  it('trips on a second setup, a setup without kvm->lock, an early entry and an early rma_setup_done', () => {
    expect(feed(RMA_ONCE, [...setup(1), ...setup(2)])).toMatch(/set up a second time \(thread 2; first by thread 1\)/);
    expect(feed(RMA_ONCE, [rmoSetup()])).toMatch(/without holding kvm->lock/);
    expect(feed(RMA_ONCE, [entry])).toMatch(/before rma_setup_done/);
    expect(feed(RMA_ONCE, [lock('lockAcquire'), rmoSetup(), { ev: 'kvmppcRmaSetupDone', tid: 0, vm }])).toMatch(/published before/);
  });
});

describe('HPTE_BACKED', () => {
  it('accepts HPTEs on pinned and RMO pages, invalidated before the unpin', () => {
    const ok = [alloc, get(), set(0), insert(0), rmoSetup(), insert(1, RMA), { ev: 'hpteInvalidate', tid: 0, vm, index: 0 }, unpin('begin'), put(), unpin('end')];
    expect(feed(HPTE_BACKED, ok)).toBeNull();
  });
  it('trips on an HPTE of a page nobody pinned, and on one left valid across unpin_slot', () => {
    expect(feed(HPTE_BACKED, [insert(3)])).toMatch(/HPTE 3 of vm 0 maps pfn 0x1000000/);
    expect(feed(HPTE_BACKED, [alloc, get(), set(0), insert(0), unpin('begin'), put(), unpin('end')])).toMatch(/after unpin_slot of slot 1/);
  });
});
