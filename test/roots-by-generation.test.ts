/**
 * ROOTS_BY_GENERATION on a trace recorded from real KVM (kvm_pvm, shadow MMU): one
 * sequential case that deletes slots twice, so kvm_mmu_zap_all_fast retires generation
 * 0 and then 1 while the vCPU holds its roots. The rule holds there; the same trace with
 * one fact changed the way a broken kernel would change it breaks it.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { TraceEvent, TraceRecord } from '../api/events.js';
import { HostConfigSchema, OpSchema, type Op } from '../api/ops.js';
import { ResultSchema, type Result } from '../api/results.js';
import { threadId } from '../api/ids.js';
import { ROOTS_BY_GENERATION } from '../oracle/monitors/ROOTS_BY_GENERATION.js';

interface Step { op: Op; result: Result; events: TraceEvent[] }
const fixture = JSON.parse(readFileSync('test/fixtures/ktrace/pvm-zap-all-fast.json', 'utf8')) as { config: unknown; steps: Step[] };

const records = (steps: readonly Step[], rules: 'upstream' | 'seeds' = 'upstream'): TraceRecord[] => [
  { ev: 'hostConfig', config: HostConfigSchema.parse({ ...(fixture.config as object), rules }) },
  ...steps.flatMap((s, index): TraceRecord[] => {
    const op = OpSchema.parse(s.op);
    return [{ ev: 'opBegin', tid: threadId(0), index, op }, ...s.events, { ev: 'opEnd', tid: threadId(0), index, op, result: ResultSchema.parse(s.result) }];
  }),
];

const complaints = (rs: readonly TraceRecord[], tids: (i: number) => number = () => 0): string[] => {
  const m = ROOTS_BY_GENERATION.create();
  return rs.flatMap((r, i) => {
    const v = m.observe(r, tids(i));
    return v === null ? [] : [typeof v === 'string' ? v : v.message];
  });
};

/** the steps with `edit` applied to the events of step `at` */
const edited = (at: number, edit: (evs: TraceEvent[]) => TraceEvent[]): Step[] =>
  fixture.steps.map((s, i) => (i === at ? { ...s, events: edit(s.events) } : s));
const zapStep = fixture.steps.findIndex((s) => s.events.some((e) => e.ev === 'kvmMmuZapAllFast'));
const runAfter = fixture.steps.findIndex((s, i) => i > zapStep && s.op.kind === 'run');

describe('ROOTS_BY_GENERATION on a recorded kvm_pvm trace', () => {
  it('the recorded trace retires two generations, and the rule holds', () => {
    expect(fixture.steps.flatMap((s) => s.events).filter((e) => e.ev === 'kvmMmuZapAllFast').map((e) => (e as { gen: number }).gen)).toEqual([0, 1]);
    expect(complaints(records(fixture.steps))).toEqual([]);
  });

  it('a page of the retired generation handed out after the fast zap is caught', () => {
    const stale = edited(runAfter, (evs) => evs.map((e) => (e.ev === 'kvmMmuShadowPage' ? { ...e, gen: 0 } : e)));
    expect(complaints(records(stale))[0]).toMatch(/handed out a new page \(gfn 0x0 l2 .*\) of generation 0, which kvm_mmu_zap_all_fast made obsolete/);
  });

  it('a fast zap that leaves an obsolete page unzapped is caught when its operation ends', () => {
    const kept = edited(zapStep, (evs) => evs.filter((e, i) => !(e.ev === 'kvmMmuPrepareZap' && i === evs.findIndex((x) => x.ev === 'kvmMmuPrepareZap'))));
    expect(complaints(records(kept))).toEqual([expect.stringMatching(/returned with 1 page\(s\) of the retired generation 0 not zapped/)]);
  });

  it('a fast zap that did not change the generation is caught at the next one', () => {
    const noToggle = fixture.steps.map((s, i) => (i > zapStep ? { ...s, events: s.events.map((e) => ('gen' in e ? { ...e, gen: 0 } : e)) } : s));
    expect(complaints(records(noToggle)).length).toBeGreaterThan(0);
  });

  it('a vCPU entering with an invalid root still held is caught (kvm_entry, vmx/svm)', () => {
    const entry = { ev: 'kvmVmEntry', vm: 0, vcpu: 0 } as TraceEvent;
    const early = edited(runAfter, (evs) => [entry, ...evs]);
    expect(complaints(records(early))[0]).toMatch(/entered the guest while 4 invalid root\(s\) were still held/);
    const inOrder = edited(runAfter, (evs) => [...evs.filter((e) => e.ev === 'kvmMmuPrepareZap'), entry, ...evs.filter((e) => e.ev !== 'kvmMmuPrepareZap')]);
    expect(complaints(records(inOrder))).toEqual([]);
  });

  it('judges nothing under the seed rules, nor a VM two harness threads touched', () => {
    const stale = edited(runAfter, (evs) => evs.map((e) => (e.ev === 'kvmMmuShadowPage' ? { ...e, gen: 0 } : e)));
    expect(complaints(records(stale, 'seeds'))).toEqual([]);
    const rs = records(stale);
    const second = rs.findIndex((r) => r.ev === 'opBegin' && r.index === 1);
    expect(complaints(rs, (i) => (i === second ? 1 : 0))).toEqual([]);
  });

  it('judges nothing once an operation comes out of program order (a linearization of threads: docs/KVM.md 17)', () => {
    const stale = edited(runAfter, (evs) => evs.map((e) => (e.ev === 'kvmMmuShadowPage' ? { ...e, gen: 0 } : e)));
    // the same stream with one earlier operation's index moved past the stale run: another thread's, fed later
    const skip = records(stale).map((r) => (r.ev === 'opBegin' || r.ev === 'opEnd') && r.index >= 1 ? { ...r, index: r.index + 1 } : r);
    expect(complaints(skip)).toEqual([]);
    expect(complaints(records(stale)).length).toBeGreaterThan(0);
  });
});
