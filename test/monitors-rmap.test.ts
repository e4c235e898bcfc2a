/**
 * RMAP_CONSISTENT: the reverse map names exactly the leaf sptes that exist. Hand-made traces
 * that break each part of the rule, and a real trace of the built-in implementation that
 * passes, and fails once its rmap removals are taken out (an implementation that zaps a
 * page but leaves its rmap entries behind).
 */
import { describe, expect, it } from 'vitest';
import type { PageRole, TraceRecord } from '../api/events.js';
import type { Gfn, Hpa, ThreadId, VmId } from '../api/ids.js';
import type { Op } from '../api/ops.js';
import { RMAP_CONSISTENT } from '../oracle/monitors/RMAP_CONSISTENT.js';
import { runCase } from '../fuzz/run/runner.js';
import { builtinFactory } from '../impl/builtin.js';
import { firstComplaint, rec } from './records.js';
import { BASIC, VMX, op } from './helpers.js';

const vm = 0 as VmId;
const leaf = (direct: boolean): PageRole => ({ level: 1, glevels: direct ? 0 : 2, direct, quadrant: 0 });
const page = (hpa: number, gfn: number, direct = true): TraceRecord => ({ ev: 'kvmMmuGetPage', vm, hpa: hpa as Hpa, gfn: gfn as Gfn, role: leaf(direct), root: false, created: true });
const rmap = (gfn: number, add: boolean, hpa?: number): TraceRecord => ({ ev: 'kvmRmap', vm, gfn: gfn as Gfn, add, ...(hpa === undefined ? {} : { hpa: hpa as Hpa }) });
const zap = (hpa: number): TraceRecord => ({ ev: 'kvmMmuZapPage', vm, hpa: hpa as Hpa, rootCount: 0 });
const free = (hpa: number): TraceRecord => ({ ev: 'kvmMmuFreePage', vm, hpa: hpa as Hpa });
const begin = (o: Op): TraceRecord => ({ ev: 'opBegin', tid: 0 as ThreadId, index: 0, op: o });
const slot = rec.opEnd(op.slot(0, 0, 32));
const mapped = [slot, page(0x1000, 0), rmap(3, true, 0x1000)];

describe('RMAP_CONSISTENT', () => {
  it('accepts adds and removes that match, a zap that empties the page, and unmap', () => {
    const ok = [...mapped, rmap(4, true, 0x1000), rec.unmap(4), zap(0x1000), rmap(3, false, 0x1000), free(0x1000), rec.opEnd(op.run(0x3000))];
    expect(firstComplaint(RMAP_CONSISTENT, [...ok, { ev: 'kvmDestroyVm', vm }])).toBeNull();
  });
  it('trips on an add for a gfn no memslot backs', () => {
    expect(firstComplaint(RMAP_CONSISTENT, [page(0x1000, 0), rmap(3, true, 0x1000)])).toMatch(/no memslot backs/);
  });
  it('accepts an add for a region whose KVM_SET_USER_MEMORY_REGION is still in flight', () => {
    expect(firstComplaint(RMAP_CONSISTENT, [begin(op.slot(0, 0, 32)), page(0x1000, 0), rmap(3, true, 0x1000)])).toBeNull();
  });
  it('trips on an add into a page that is not live, or was zapped', () => {
    expect(firstComplaint(RMAP_CONSISTENT, [slot, rmap(3, true, 0x1000)])).toMatch(/not live/);
    expect(firstComplaint(RMAP_CONSISTENT, [slot, page(0x1000, 0), zap(0x1000), rmap(3, true, 0x1000)])).toMatch(/zapped before/);
  });
  it('trips on an add into a direct page for a gfn outside what the page maps', () => {
    expect(firstComplaint(RMAP_CONSISTENT, [rec.opEnd(op.slot(0, 0, 1024)), page(0x1000, 0), rmap(600, true, 0x1000)])).toMatch(/maps gfns 0x0\.\.0x1ff/);
    // a shadow (non-direct) page shadows a guest table: its leaves map any gfn
    expect(firstComplaint(RMAP_CONSISTENT, [rec.opEnd(op.slot(0, 0, 1024)), page(0x1000, 0, false), rmap(600, true, 0x1000)])).toBeNull();
  });
  it('trips on a remove that matches no add, with or without the page named', () => {
    expect(firstComplaint(RMAP_CONSISTENT, [...mapped, rmap(3, false, 0x2000)])).toMatch(/matches no rmap_add/);
    expect(firstComplaint(RMAP_CONSISTENT, [slot, rmap(3, true), rmap(3, false), rmap(3, false)])).toMatch(/matches no rmap_add/);
    expect(firstComplaint(RMAP_CONSISTENT, [...mapped, rec.unmap(3), rmap(3, false, 0x1000)])).toMatch(/matches no rmap_add/);
  });
  it('trips on a page freed with rmap entries left', () => {
    expect(firstComplaint(RMAP_CONSISTENT, [...mapped, zap(0x1000), free(0x1000)])).toMatch(/freed with 1 rmap entry left \(gfn 0x3\)/);
  });
  it('trips on a page zapped (kept as a root) whose operation ends with rmap entries left', () => {
    const zapped = [...mapped, { ...zap(0x1000), rootCount: 1 } as TraceRecord];
    expect(firstComplaint(RMAP_CONSISTENT, [...zapped, rec.opEnd(op.run(0x3000))])).toMatch(/zapped by run with 1 rmap entry left/);
    expect(firstComplaint(RMAP_CONSISTENT, [...zapped, rmap(3, false, 0x1000), rec.opEnd(op.run(0x3000))])).toBeNull();
  });
  it('accepts a new page at the address of one zapped and freed earlier in the same operation (reclaim, then a fault)', () => {
    const reused = [...mapped, zap(0x1000), rmap(3, false, 0x1000), free(0x1000), page(0x1000, 0), rmap(5, true, 0x1000)];
    expect(firstComplaint(RMAP_CONSISTENT, [...reused, rec.opEnd(op.run(0x5000))])).toBeNull();
    // the new page is a page like any other: zapped in turn with its entry left, it trips
    expect(firstComplaint(RMAP_CONSISTENT, [...reused, zap(0x1000), rec.opEnd(op.run(0x5000))])).toMatch(/zapped by run with 1 rmap entry left \(gfn 0x5\)/);
  });
  it('trips on rmap entries left after the VM is destroyed (tracepoint or ioctl result)', () => {
    const noPage = [slot, rmap(3, true)];
    expect(firstComplaint(RMAP_CONSISTENT, [...noPage, { ev: 'kvmDestroyVm', vm }])).toMatch(/1 rmap entry of vm 0 left/);
    expect(firstComplaint(RMAP_CONSISTENT, [...noPage, rec.opEnd(op.destroyVm())])).toMatch(/left after kvm_destroy_vm/);
  });

  describe('on the built-in implementation', () => {
    const tc = { config: VMX, ops: [...BASIC, op.run(0x3000, true), op.run(0x5000), op.slot(0, 0, 0), op.run(0x3000), op.destroyVm()] };
    const trace = runCase(tc, { factory: builtinFactory, mutant: null, keepTrace: true }).trace.map((t) => t.record);

    it('passes, with rmap adds and removes in the trace', () => {
      expect(trace.filter((r) => r.ev === 'kvmRmap' && r.add).length).toBeGreaterThanOrEqual(2);
      expect(trace.filter((r) => r.ev === 'kvmRmap' && !r.add).length).toBeGreaterThanOrEqual(2);
      expect(firstComplaint(RMAP_CONSISTENT, trace)).toBeNull();
    });
    it('fails when the zap leaves the rmap entries of its sptes behind', () => {
      const stale = trace.filter((r) => !(r.ev === 'kvmRmap' && !r.add));
      expect(firstComplaint(RMAP_CONSISTENT, stale)).toMatch(/stale reverse map/);
    });
  });
});
