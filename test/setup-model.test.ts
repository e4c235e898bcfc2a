import { describe, expect, it } from 'vitest';
import { initialState } from '../model/state.js';
import { abstractModel } from '../model/abstract.js';
import type { HostConfig, Op } from '../api/ops.js';
import type { Result } from '../api/results.js';
import { EAGAIN, EEXIST, ENODEV, ENOENT, ENOMEM } from '../api/errno.js';
import { SETUP_ALLOCATIONS } from '../model/setup/module.js';
import { VMX, op, runModel } from './helpers.js';

const runAll = (ops: Op[], config: HostConfig = VMX) => runModel(ops, config);
const errno = (e: number): Result => ({ kind: 'errno', errno: e });
const OK: Result = { kind: 'ok' };

describe('model: module load and unload (seed 002)', () => {
  it('starts loaded with the boot config; VMs need a loaded module', () => {
    expect(abstractModel(initialState({ vendor: 'vmx', tdp: true })).host).toEqual({ loaded: true, vendor: 'vmx', tdp: true, spte: 'ept' });
    const { state, results } = runAll([op.unload(), op.createVm()]);
    expect(results).toEqual([OK, errno(ENODEV)]);
    expect(abstractModel(state).host).toEqual({ loaded: false });
  });

  it('refuses a second load, an unload of nothing, and an unload while a VM holds the module', () => {
    expect(runAll([op.load('svm')]).results).toEqual([errno(EEXIST)]);
    expect(runAll([op.unload(), op.unload()]).results).toEqual([OK, errno(ENOENT)]);
    expect(runAll([op.createVm(), op.unload(), op.destroyVm(), op.unload()]).results).toEqual([OK, errno(EAGAIN), OK, OK]);
  });

  it('loads another vendor after an unload; its masks are the vendor\'s', () => {
    const { state } = runAll([op.unload(), op.load('vmx', true)], { vendor: 'svm', tdp: true });
    expect(abstractModel(state).host).toEqual({ loaded: true, vendor: 'vmx', tdp: true, spte: 'ept' });
    expect(abstractModel(runAll([op.unload(), op.load('svm', true)]).state).host).toMatchObject({ spte: 'x86' });
  });

  it.each(SETUP_ALLOCATIONS)('fails the load with -ENOMEM when %s fails, leaving nothing loaded', (site) => {
    const { state, results } = runAll([op.unload(), op.fail(site), op.load(), op.load()]);
    expect(results.slice(2)).toEqual([errno(ENOMEM), OK]);
    expect(abstractModel(state).host.loaded).toBe(true);
  });

  it('does not consume a setup failure the load does not reach', () => {
    // the vendor's allocation fails first; the counter's failure waits for the next load
    const { results } = runAll([op.unload(), op.fail('percpuCounter'), op.fail('vendorHardwareSetup'), op.load(), op.load(), op.load()]);
    expect(results.slice(3)).toEqual([errno(ENOMEM), errno(ENOMEM), OK]);
  });
});
