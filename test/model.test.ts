import { describe, expect, it } from 'vitest';
import type { ModelState } from '../model/state.js';
import { step } from '../model/step.js';
import { abstractModel } from '../model/abstract.js';
import type { HostConfig, Op } from '../api/ops.js';
import type { Result } from '../api/results.js';
import { EBADF, EEXIST, EINVAL, ENOMEM } from '../api/errno.js';
import { BASIC, TO_LONG_MODE, VMX, SVM_TDP, op, runModel } from './helpers.js';

const runAll = (ops: Op[], config: HostConfig = VMX) => runModel(ops, config);
const last = (ops: Op[], config = VMX): Result => runAll(ops, config).results.at(-1)!;
const rootLoaded = (s: ModelState, vcpu = 0): boolean => s.vms.get(0 as never)!.vcpus.get(vcpu as never)!.rootLoaded;

describe('model: VMs, vCPUs and slots', () => {
  it('refuses duplicates and unknown objects', () => {
    expect(last([op.createVm(), op.createVm()])).toEqual({ kind: 'errno', errno: EEXIST });
    expect(last([op.createVcpu()])).toEqual({ kind: 'errno', errno: EBADF });
    expect(last([op.createVm(), op.createVcpu(8)])).toEqual({ kind: 'errno', errno: EINVAL });
    expect(last([op.run()])).toEqual({ kind: 'errno', errno: EBADF });
  });

  it('checks memory regions like __kvm_set_memory_region', () => {
    expect(last([...BASIC, op.slot(1, 16, 8)])).toEqual({ kind: 'errno', errno: EEXIST });
    expect(last([...BASIC, op.slot(0, 0, 16)])).toEqual({ kind: 'errno', errno: EINVAL });
    expect(last([...BASIC, op.slot(40, 64, 8)])).toEqual({ kind: 'errno', errno: EINVAL });
    expect(last([...BASIC, op.slot(3, 0, 0)])).toEqual({ kind: 'ok' });
    const moved = runAll([...BASIC, op.slot(0, 40, 32)]).state;
    expect(abstractModel(moved).vms[0]!.slots).toEqual([{ slot: 0, gfn: 40, npages: 32, flags: 0 }]);
  });
});

describe('model: lazy roots (seed 000)', () => {
  it('loads the root at run, and a context change only drops it', () => {
    const { state } = runAll([...BASIC, op.run()]);
    expect(rootLoaded(state)).toBe(true);
    expect(rootLoaded(step(state, op.setCr('cr0', 0x1)).state)).toBe(false);
  });

  it('keeps the root over a cr3 write without shadow paging', () => {
    const { state } = runAll([...BASIC, op.run(), op.setCr('cr3', 0x1000)]);
    expect(rootLoaded(state)).toBe(true);
    const tdp = runAll([...BASIC, ...TO_LONG_MODE, op.run(), op.setCr('cr3', 0x1000)], SVM_TDP).state;
    expect(rootLoaded(tdp)).toBe(true);
    const shadow = runAll([...BASIC, ...TO_LONG_MODE, op.run(), op.setCr('cr3', 0x1000)]).state;
    expect(rootLoaded(shadow)).toBe(false);
  });

  it('returns -ENOMEM from a failed load, without entering, and loads on the next run', () => {
    const { state, results } = runAll([...BASIC, op.failTopup(), op.run(0x1000), op.run(0x1000)]);
    expect(results.at(-2)).toEqual({ kind: 'errno', errno: ENOMEM });
    expect(results.at(-1)).toEqual({ kind: 'exit', reason: 'hlt' });
    expect(rootLoaded(state)).toBe(true);
  });

  it('does not consume an injected failure when the root is already loaded', () => {
    expect(last([...BASIC, op.run(), op.failTopup(), op.run()])).toEqual({ kind: 'exit', reason: 'hlt' });
  });

  it('drops every root when a slot is deleted or moved, not when one is added', () => {
    const base = [...BASIC, op.createVcpu(1), op.run(null, false, 0), op.run(null, false, 1)];
    expect(rootLoaded(runAll([...base, op.slot(1, 40, 8)]).state, 1)).toBe(true);
    const del = runAll([...base, op.slot(0, 0, 0)]).state;
    expect([rootLoaded(del, 0), rootLoaded(del, 1)]).toEqual([false, false]);
  });
});

describe('model: registers and guest accesses', () => {
  it('refuses writes the CPU refuses', () => {
    expect(last([...BASIC, op.setCr('cr0', 0x80000000)])).toEqual({ kind: 'gp' });
    expect(last([...BASIC, op.setCr('efer', 0x100), op.setCr('cr0', 0x80000001)])).toEqual({ kind: 'gp' });
    expect(last([...BASIC, op.setCr('cr4', 0x2000)])).toEqual({ kind: 'gp' });
    expect(last([...BASIC, op.setCr('cr3', 0x40000)])).toEqual({ kind: 'gp' });
    expect(last([...BASIC, ...TO_LONG_MODE, op.setCr('cr4', 0)])).toEqual({ kind: 'gp' });
  });

  it('translates through the guest tables and reports MMIO for unbacked frames', () => {
    expect(last([...BASIC, op.run(0x30000)])).toEqual({ kind: 'exit', reason: 'mmio', gpa: 0x30000 });
    const paging = [...BASIC, op.setCr('cr3', 0x2000), op.setCr('cr0', 0x80000001)];
    expect(last([...paging, op.run(0x5000)])).toEqual({ kind: 'exit', reason: 'hlt' });
    // docs/OPERATIONS.md's layout, 32-bit paging from cr3 0x2000: PT entry 7 of gfn 2 is absent,
    // entry 3 maps gfn 73, past the 32-page slot
    expect(last([...paging, op.run(0x7000)])).toEqual({ kind: 'exit', reason: 'guestPageFault', gva: 0x7000 });
    expect(last([...paging, op.run(0x3123)])).toEqual({ kind: 'exit', reason: 'mmio', gpa: 73 * 0x1000 + 0x123 });
  });

  it('resets registers and the root on INIT', () => {
    const { state } = runAll([...BASIC, ...TO_LONG_MODE, op.run(), op.reset()]);
    expect(abstractModel(state).vms[0]!.vcpus[0]).toEqual({ vcpu: 0, cr0: 0x60000010, cr3: 0, cr4: 0, efer: 0, asyncPf: [], apfHalted: false });
    expect(rootLoaded(state)).toBe(false);
  });
});
