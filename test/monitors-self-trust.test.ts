/**
 * Monitors judge the impl's claims by facts from elsewhere in the trace, not by what the
 * impl concluded and reported itself. Each case is an impl that lies in one field; the
 * monitor must still catch the broken rule. And a destroyed VM's ids mean nothing to a
 * later VM with the same id.
 */
import { describe, expect, it } from 'vitest';
import type { TraceRecord } from '../api/events.js';
import type { Hpa, ThreadId, VmId } from '../api/ids.js';
import { APF_PREFAULT_SAFE } from '../oracle/monitors/APF_PREFAULT_SAFE.js';
import { FAILED_LOAD_NO_ENTRY } from '../oracle/monitors/FAILED_LOAD_NO_ENTRY.js';
import { LOCK_ORDER } from '../oracle/monitors/LOCK_ORDER.js';
import { RMO_NEVER_PUT } from '../oracle/monitors/RMO_NEVER_PUT.js';
import { ROOT_VALID_AT_ENTRY } from '../oracle/monitors/ROOT_VALID_AT_ENTRY.js';
import { ROOTS_FREED_ONCE } from '../oracle/monitors/ROOTS_FREED_ONCE.js';
import { SETUP_BALANCED } from '../oracle/monitors/SETUP_BALANCED.js';
import { firstComplaint, rec } from './records.js';
import { op } from './helpers.js';

const vm0 = { vm: 0 as VmId, vcpu: 0 as never };
const entry = (roots: number[]): TraceRecord => ({ ev: 'kvmEntry', ...vm0, roots: roots as Hpa[] });
const load = (ret: number, roots: number[]): TraceRecord => ({ ev: 'kvmMmuLoad', ...vm0, ret, roots: roots as Hpa[] });
const zap = (hpa: number, rootCount: number): TraceRecord => ({ ev: 'kvmMmuZapPage', vm: 0 as VmId, hpa: hpa as Hpa, rootCount });
const destroyed: TraceRecord = { ev: 'kvmDestroyVm', vm: 0 as VmId };
const slot0 = rec.opEnd(op.slot(0, 0, 32));
const lockRec = (cls: string, instance: string): TraceRecord => ({ ev: 'lockAcquire', tid: 0, lock: cls, instance, mode: 'exclusive', spin: false } as TraceRecord);

describe('monitors take no conclusion of the impl on trust', () => {
  it('APF_PREFAULT_SAFE: a work the impl says got its page, though no memslot backs the gfn, is an error page', () => {
    const lying = [rec.host(true), slot0, rec.vcpu(), rec.root(0x1000, true), rec.notPresent(0, 0x40), rec.completed(0, 0x40, false)];
    expect(firstComplaint(APF_PREFAULT_SAFE, [...lying, rec.prefault(0, 0x40, [0x1000])])).toMatch(/error page/);
  });

  it('ROOT_VALID_AT_ENTRY: a loaded root the impl zaps claiming no root used it is not entered', () => {
    const t = [rec.host(true), rec.vcpu(), rec.root(0x1000, true), load(0, [0x1000]), zap(0x1000, 0)];
    expect(firstComplaint(ROOT_VALID_AT_ENTRY, [...t, entry([0x1000])])).toMatch(/zapped/);
  });

  it('ROOTS_FREED_ONCE: a lookup that claims to find a page no one allocated is caught', () => {
    const found: TraceRecord = { ...(rec.root(0x3000, true) as Extract<TraceRecord, { ev: 'kvmMmuGetPage' }>), created: false };
    expect(firstComplaint(ROOTS_FREED_ONCE, [found])).toMatch(/no live page/);
  });

  it('ROOTS_FREED_ONCE: a destroy that returns without its tracepoint is still judged', () => {
    expect(firstComplaint(ROOTS_FREED_ONCE, [rec.root(0x1000, true), rec.opEnd(op.destroyVm())])).toMatch(/still live/);
  });

  it('FAILED_LOAD_NO_ENTRY: a load that reports success after its topup failed, then enters', () => {
    const injected: TraceRecord = { ev: 'allocFailInjected', site: 'mmuTopup' };
    expect(firstComplaint(FAILED_LOAD_NO_ENTRY, [rec.root(0x1000, true), injected, load(0, [0x1000]), entry([0x1000])])).toMatch(/after its mmuTopup allocation failed/);
  });

  it('SETUP_BALANCED: a load whose tracepoint says 0 but which returned an error leaves nothing set up', () => {
    const failedLoad = rec.opEnd({ kind: 'moduleLoad', vendor: 'vmx', tdp: true }, { kind: 'errno', errno: -12 });
    expect(firstComplaint(SETUP_BALANCED, [rec.init(), rec.setup('vendor', 'vmx_area'), rec.initDone(0), failedLoad])).toMatch(/still set up/);
  });

  it('LOCK_ORDER: a PPC create refused with -EEXIST does not make the x86 VM a PPC one', () => {
    const refused = rec.opEnd(op.createVm(), { kind: 'errno', errno: -17 });
    const ppcCreate = { ...(refused as Extract<TraceRecord, { ev: 'opEnd' }>), op: { kind: 'createVm', vm: 0, ppc: { cpu: 'power7', ramPorder: 24 } } } as TraceRecord;
    const began = { ...(ppcCreate as object), ev: 'opBegin' } as TraceRecord;
    const t = [rec.opEnd(op.createVm()), began, ppcCreate, lockRec('kvm->lock', 'kvm->lock@vm0'), lockRec('mmap_sem', 'mmap_sem@mm')];
    expect(firstComplaint(LOCK_ORDER, t)).toMatch(/takes mmap_sem while holding kvm->lock/);
  });
});

describe("a destroyed VM's ids mean nothing to the next VM with that id", () => {
  it('APF_PREFAULT_SAFE: token 0 of the new VM is not the old VM error-page work', () => {
    const old = [rec.host(true), slot0, rec.vcpu(), rec.notPresent(0, 0x40), rec.completed(0, 0x40, true), rec.cancel(0, 0x40), destroyed];
    const fresh = [slot0, rec.vcpu(), rec.root(0x2000, true), rec.notPresent(0, 5), rec.completed(0, 5), rec.prefault(0, 5, [0x2000])];
    expect(firstComplaint(APF_PREFAULT_SAFE, [...old, ...fresh])).toBeNull();
  });

  it('ROOT_VALID_AT_ENTRY: a root of the old VM at the same address is no root of the new one', () => {
    const old = [rec.host(true), rec.vcpu(), rec.root(0x1000, true), destroyed];
    expect(firstComplaint(ROOT_VALID_AT_ENTRY, [...old, rec.vcpu(), entry([0x1000])])).toMatch(/not a live shadow page/);
  });

  it("RMO_NEVER_PUT: a put of a page of the old VM's RMA is not blamed on that RMO", () => {
    const rmo: TraceRecord = { ev: 'kvmppcRmaSetup', tid: 0 as ThreadId, vm: 0 as VmId, mode: 'rmo', basePfn: 0x100, npages: 4 } as TraceRecord;
    const put: TraceRecord = { ev: 'putPage', tid: 0 as ThreadId, pfn: 0x101, count: 0, dirty: true } as TraceRecord;
    expect(firstComplaint(RMO_NEVER_PUT, [rmo, put])).toMatch(/RMO of vm 0/);
    expect(firstComplaint(RMO_NEVER_PUT, [rmo, destroyed, put])).toBeNull();
  });
});
