import { describe, expect, it } from 'vitest';
import { runCase } from '../fuzz/run/runner.js';
import { builtinFactory } from '../impl/builtin.js';
import { countCase, countingInto, emptyStats, formatStats, idleMonitors, mergeStats } from '../fuzz/report/stats.js';
import { BASIC, VMX, op } from './helpers.js';

/** a VM whose first run meets an injected mmu_topup_memory_caches() failure */
const statsOfFailedLoad = () => {
  const s = emptyStats();
  const tc = { config: VMX, ops: [...BASIC, op.failTopup(), op.run()] };
  const o = runCase(tc, { factory: builtinFactory, mutant: null, ...countingInto(s) });
  // counted as the records were fed: the run kept no trace for them
  expect(o.trace).toEqual([]);
  countCase(s, o);
  return s;
};

describe('--stats', () => {
  it('counts operations, result kinds, the events each monitor checks at, and fault sites armed and fired', () => {
    const s = statsOfFailedLoad();
    expect(s.cases).toBe(1);
    expect(s.ops).toEqual({ createVm: 1, setMemoryRegion: 1, createVcpu: 1, failAlloc: 1, run: 1 });
    expect(s.results.run).toEqual({ '-ENOMEM': 1 });
    expect(s.results.createVm).toEqual({ '0': 1 });
    expect(s.faultsArmed).toEqual({ mmuTopup: 1 });
    expect(s.faultsFired).toEqual({ mmuTopup: 1 });
    expect(s.monitorEvents.FAILED_LOAD_NO_ENTRY).toBeGreaterThan(0);
    expect(s.monitorEvents.ROOT_VALID_AT_ENTRY ?? 0).toBe(0);
  });

  it('names the monitors that saw nothing of their own, except those switched off', () => {
    const s = statsOfFailedLoad();
    const idle = idleMonitors(s);
    expect(idle).toEqual(expect.arrayContaining(['ROOT_VALID_AT_ENTRY', 'SETUP_ORDER', 'PIN_ONCE']));
    expect(idle).not.toContain('FAILED_LOAD_NO_ENTRY');
    expect(idleMonitors(s, new Set(['SETUP_ORDER']))).not.toContain('SETUP_ORDER');
    const text = formatStats(s).join('\n');
    expect(text).toMatch(/^ {4}ROOT_VALID_AT_ENTRY: 0 \[kvmEntry\] {3}<-- saw nothing of its own/m);
    expect(text).toMatch(/^ {4}hEnter: 0 {3}<-- never issued$/m);
    expect(text).toMatch(/^ {4}mmuTopup: 1, 1$/m);
    expect(text).toMatch(/^ {4}gup: 0, 0 {3}<-- never fired$/m);
  });

  it('adds up across workers or shards', () => {
    const a = statsOfFailedLoad();
    const sum = mergeStats(a, statsOfFailedLoad());
    expect(sum.cases).toBe(2);
    expect(sum.ops.run).toBe(2);
    expect(sum.results.run).toEqual({ '-ENOMEM': 2 });
    expect(sum.monitorEvents.FAILED_LOAD_NO_ENTRY).toBe(2 * a.monitorEvents.FAILED_LOAD_NO_ENTRY!);
    expect(a.cases).toBe(1); // the inputs are left as they were
  });
});
