/**
 * Checks added where a seed's rule constrained a field no check read: a doublefault only for
 * a gfn with async work outstanding (APF_ONE_PER_GFN), and an HPTE that maps the page
 * slot_phys holds for its guest address (HPTE_BACKED). Each fails on a trace that breaks it
 * and passes the built-in implementation.
 */
import { describe, expect, it } from 'vitest';
import type { TraceRecord } from '../api/events.js';
import type { SlotId, ThreadId, VmId } from '../api/ids.js';
import { APF_ONE_PER_GFN } from '../oracle/monitors/APF_ONE_PER_GFN.js';
import { HPTE_BACKED } from '../oracle/monitors/HPTE_BACKED.js';
import { runCase } from '../fuzz/run/runner.js';
import { builtinFactory } from '../impl/builtin.js';
import { firstComplaint, rec } from './records.js';
import { MB16, P7, TWO_SLOTS, ppc } from './helpers-ppc.js';
import { VMX } from './helpers.js';

describe('APF_ONE_PER_GFN: doublefaults', () => {
  it('accepts a doublefault on a gfn with work outstanding', () => {
    expect(firstComplaint(APF_ONE_PER_GFN, [rec.notPresent(1, 0x40), rec.doublefault(0x40)])).toBeNull();
  });
  it('trips on a doublefault for a gfn with no work, or whose work is over', () => {
    expect(firstComplaint(APF_ONE_PER_GFN, [rec.doublefault(0x40)])).toMatch(/gfn 0x40, which has no async work outstanding/);
    expect(firstComplaint(APF_ONE_PER_GFN, [rec.notPresent(1, 0x41), rec.doublefault(0x40)])).toMatch(/no async work outstanding/);
    expect(firstComplaint(APF_ONE_PER_GFN, [rec.notPresent(1, 0x40), rec.present(1, 0x40), rec.doublefault(0x40)])).toMatch(/no async work/);
  });
});

describe('HPTE_BACKED: the page slot_phys holds for the gpa', () => {
  const vm = 0 as VmId;
  const tid = 0 as ThreadId;
  const array = 0x100;
  const created = rec.opEnd(ppc.createVm(P7));
  const slot1 = rec.opEnd(ppc.slot(1, 1, 2));
  const alloc: TraceRecord = { ev: 'slotPhysAlloc', tid, vm, slot: 1 as SlotId, array, npages: 2 };
  const set = (index: number, pfn: number): TraceRecord => ({ ev: 'slotPhysSet', tid, vm, slot: 1 as SlotId, array, index, pfn, gotPage: true });
  const insert = (gpa: number, pfn: number): TraceRecord => ({ ev: 'hpteInsert', tid, vm, index: 0, gpa, pfn });
  const pinned = [created, slot1, alloc, set(0, 0x1000), set(1, 0x2000)];
  it('accepts an HPTE mapping the entry of its gpa\'s RAM page, at any offset in it', () => {
    expect(firstComplaint(HPTE_BACKED, [...pinned, insert(MB16, 0x1000), insert(2 * MB16 + 0x10000, 0x2000)])).toBeNull();
  });
  it('trips on an HPTE mapping another pinned page than its gpa\'s', () => {
    expect(firstComplaint(HPTE_BACKED, [...pinned, insert(MB16, 0x2000)])).toMatch(/maps gpa 0x1000000 to pfn 0x2000, but slot_phys holds pfn 0x1000/);
  });
  it('passes the built-in implementation, and fails its trace with one HPTE pointing at the page of another', () => {
    const ops = [...TWO_SLOTS, ppc.run(), ppc.hEnter(MB16, 0), ppc.hEnter(2 * MB16, 8)];
    const trace = runCase({ config: VMX, ops }, { factory: builtinFactory, mutant: null, keepTrace: true }).trace.map((t) => t.record);
    const inserts = trace.filter((r) => r.ev === 'hpteInsert');
    expect(inserts.length).toBeGreaterThanOrEqual(3);
    expect(firstComplaint(HPTE_BACKED, trace)).toBeNull();
    const [a, b] = inserts.slice(-2) as Extract<TraceRecord, { ev: 'hpteInsert' }>[];
    const swapped = trace.map((r) => (r === b ? { ...b, pfn: a!.pfn } : r));
    expect(firstComplaint(HPTE_BACKED, swapped)).toMatch(/but slot_phys holds pfn/);
  });
});
