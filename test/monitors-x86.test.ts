import { describe, expect, it } from 'vitest';
import type { TraceRecord } from '../api/events.js';
import { asViolation, type MonitorSpec } from '../oracle/monitor.js';
import { ROOT_VALID_AT_ENTRY } from '../oracle/monitors/ROOT_VALID_AT_ENTRY.js';
import { FAILED_LOAD_NO_ENTRY } from '../oracle/monitors/FAILED_LOAD_NO_ENTRY.js';
import { ROOTS_FREED_ONCE } from '../oracle/monitors/ROOTS_FREED_ONCE.js';
import { op } from './helpers.js';

/** feeds records in order; the first complaint, or null */
export const feed = (spec: MonitorSpec, records: object[]): string | null => {
  const m = spec.create();
  for (const r of records) {
    const msg = m.observe(r as TraceRecord, 0);
    if (msg) return asViolation(msg).message;
  }
  return null;
};

const vm = 0;
const vcpu = 0;
const role = (glevels: number, direct: boolean, level = 4) => ({ level, glevels, direct, quadrant: 0 });
const created = (hpa: number, gfn: number, r = role(4, false)) => ({ ev: 'kvmMmuGetPage', vm, hpa, gfn, role: r, root: true, created: true });
const setCr = (reg: string, value: number) => ({ ev: 'kvmSetCr', vm, vcpu, reg, value });
const LONG_MODE = [setCr('cr3', 0x2000), setCr('cr4', 0x20), setCr('efer', 0x100), setCr('cr0', 0x80000001)];
const start = [{ ev: 'hostConfig', config: { vendor: 'vmx', tdp: false } }, { ev: 'kvmVcpuCreate', vm, vcpu }];
const entry = (...roots: number[]) => ({ ev: 'kvmEntry', vm, vcpu, roots });

describe('ROOT_VALID_AT_ENTRY', () => {
  it('accepts an entry with a live root built for the current mode and cr3', () => {
    expect(feed(ROOT_VALID_AT_ENTRY, [...start, ...LONG_MODE, created(0x5000, 2), entry(0x5000)])).toBeNull();
  });
  it('trips on INVALID_PAGE', () => {
    expect(feed(ROOT_VALID_AT_ENTRY, [...start, entry(-1)])).toMatch(/INVALID_PAGE/);
  });
  it('trips on a root freed since it was loaded', () => {
    const freed = [...start, ...LONG_MODE, created(0x5000, 2), { ev: 'kvmMmuFreePage', vm, hpa: 0x5000 }, entry(0x5000)];
    expect(feed(ROOT_VALID_AT_ENTRY, freed)).toMatch(/not a live shadow page/);
  });
  it('trips on a root zapped while in use', () => {
    const zapped = [...start, ...LONG_MODE, created(0x5000, 2), { ev: 'kvmMmuZapPage', vm, hpa: 0x5000, rootCount: 1 }, entry(0x5000)];
    expect(feed(ROOT_VALID_AT_ENTRY, zapped)).toMatch(/zapped/);
  });
  it('trips on a root built for another cr3 or another paging mode', () => {
    expect(feed(ROOT_VALID_AT_ENTRY, [...start, ...LONG_MODE, created(0x5000, 2), setCr('cr3', 0x3000), entry(0x5000)])).toMatch(/cr3 is 0x3000/);
    expect(feed(ROOT_VALID_AT_ENTRY, [...start, created(0x5000, 2), entry(0x5000)])).toMatch(/built for 4-level shadow/);
  });
  it('does not tie a direct (TDP) root to cr3', () => {
    const tdp = [{ ev: 'hostConfig', config: { vendor: 'svm', tdp: true } }, { ev: 'kvmVcpuCreate', vm, vcpu }, ...LONG_MODE];
    expect(feed(ROOT_VALID_AT_ENTRY, [...tdp, created(0x5000, 0, role(4, true)), setCr('cr3', 0x9000), entry(0x5000)])).toBeNull();
  });
});

describe('FAILED_LOAD_NO_ENTRY', () => {
  const run = op.run();
  const load = (ret: number) => ({ ev: 'kvmMmuLoad', vm, vcpu, ret, roots: [] });
  const end = (result: object) => ({ ev: 'opEnd', tid: 0, index: 0, op: run, result });
  it('accepts a failed load that returns its error without entry', () => {
    expect(feed(FAILED_LOAD_NO_ENTRY, [load(-12), end({ kind: 'errno', errno: -12 }), load(0), entry(0x5000)])).toBeNull();
  });
  it('trips on an entry after a failed load', () => {
    expect(feed(FAILED_LOAD_NO_ENTRY, [load(-12), entry(0x5000)])).toMatch(/entered the guest after kvm_mmu_load returned -12/);
  });
  it('trips when KVM_RUN does not return the load error', () => {
    expect(feed(FAILED_LOAD_NO_ENTRY, [load(-12), end({ kind: 'exit', reason: 'hlt' })])).toMatch(/KVM_RUN returned/);
  });
});

describe('ROOTS_FREED_ONCE', () => {
  const free = (hpa: number) => ({ ev: 'kvmMmuFreePage', vm, hpa });
  const destroy = { ev: 'kvmDestroyVm', vm };
  it('accepts pages freed once before destroy', () => {
    expect(feed(ROOTS_FREED_ONCE, [created(0x5000, 2), created(0x6000, 2), free(0x5000), free(0x6000), destroy])).toBeNull();
  });
  it('trips on a double free', () => {
    expect(feed(ROOTS_FREED_ONCE, [created(0x5000, 2), free(0x5000), free(0x5000)])).toMatch(/double free/);
  });
  it('trips on a page live after VM destroy', () => {
    expect(feed(ROOTS_FREED_ONCE, [created(0x5000, 2), created(0x6000, 2), free(0x5000), destroy])).toMatch(/1 shadow page/);
  });
  it('trips on a page allocated twice', () => {
    expect(feed(ROOTS_FREED_ONCE, [created(0x5000, 2), created(0x5000, 3)])).toMatch(/allocated again/);
  });
});
