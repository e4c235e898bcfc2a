import { describe, expect, it } from 'vitest';
import type { ModelState } from '../model/state.js';
import { abstractModel } from '../model/abstract.js';
import type { HostConfig, Op } from '../api/ops.js';
import type { Result } from '../api/results.js';
import { EFAULT, EINTR, ENOENT, ENOMEM } from '../api/errno.js';
import { ASYNC_PF_PER_VCPU } from '../model/apf/work.js';
import { BASIC, SVM_TDP, VMX, op, runModel } from './helpers.js';

const runAll = (ops: Op[], config: HostConfig = SVM_TDP) => runModel(ops, config);
const last = (ops: Op[], config?: HostConfig): Result => runAll(ops, config).results.at(-1)!;
const vm0 = (s: ModelState) => abstractModel(s).vms[0]!;

const NOT_PRESENT: Result = { kind: 'exit', reason: 'apfNotPresent' };
const HLT: Result = { kind: 'exit', reason: 'hlt' };
/** gfn 5 swapped out and touched with interrupts allowed: work queued */
const QUEUED: Op[] = [...BASIC, op.swapOut(5), op.runIf(0x5000)];

describe('model: a fault on a swapped-out page (seed 001)', () => {
  it('queues work with interrupts allowed, and brings the page in without', () => {
    expect(last(QUEUED)).toEqual(NOT_PRESENT);
    expect(vm0(runAll(QUEUED).state).vcpus[0]!.asyncPf).toEqual([5]);
    const sync = runAll([...BASIC, op.swapOut(5), op.run(0x5000)]);
    expect(sync.results.at(-1)).toEqual(HLT);
    expect(vm0(sync.state).swappedOut).toEqual([]);
  });

  it('halts the vCPU on a second fault on a queued gfn, until some page arrives', () => {
    const { state, results } = runAll([...QUEUED, op.runIf(0x5000), op.run()]);
    expect(results.slice(-2)).toEqual([{ kind: 'errno', errno: EINTR }, { kind: 'errno', errno: EINTR }]);
    expect(vm0(state).vcpus[0]!.apfHalted).toBe(true);
    expect(last([...QUEUED, op.runIf(0x5000), op.apfDone(5), op.run()])).toEqual(HLT);
  });

  it(`takes the fault synchronously beyond ${ASYNC_PF_PER_VCPU} works, or when the work cannot be allocated`, () => {
    const gfns = Array.from({ length: ASYNC_PF_PER_VCPU + 1 }, (_, i) => i + 1);
    const { results } = runAll([...BASIC, ...gfns.flatMap((g) => [op.swapOut(g), op.runIf(g * 0x1000)])]);
    expect(results.at(-1)).toEqual(HLT);
    expect(results.at(-3)).toEqual(NOT_PRESENT);
    expect(last([...BASIC, op.swapOut(5), op.fail('asyncPfWork'), op.runIf(0x5000)])).toEqual(HLT);
  });

  it('refuses to swap out a page no memslot backs, and to complete work that is not queued', () => {
    expect(last([...BASIC, op.swapOut(40)])).toEqual({ kind: 'errno', errno: EFAULT });
    expect(last([...BASIC, op.apfDone(5)])).toEqual({ kind: 'errno', errno: ENOENT });
  });
});

describe('model: page ready and page present', () => {
  it('delivers completed work at the next run; the prefault brings a re-swapped page back', () => {
    const { state } = runAll([...QUEUED, op.apfDone(5), op.swapOut(5), op.run()]);
    expect(vm0(state).vcpus[0]!.asyncPf).toEqual([]);
    expect(vm0(state).swappedOut).toEqual([]);
  });

  it('does not prefault with shadow paging, nor for an error page', () => {
    const paging = [op.setCr('cr0', 0x80000001)];
    const shadow = runAll([...QUEUED.slice(0, 3), ...paging, ...QUEUED.slice(3), op.apfDone(5), op.swapOut(5), op.run()], VMX);
    expect(vm0(shadow.state).swappedOut).toEqual([5]);
    const gone = runAll([...QUEUED, op.slot(0, 0, 0), op.apfDone(5), op.slot(0, 0, 32), op.run()]);
    expect(gone.results.at(-3)).toEqual({ kind: 'ok' });
    expect(vm0(gone.state).vcpus[0]!.asyncPf).toEqual([]);
  });

  it('reloads the root for the prefault; a failed reload skips it and is not returned', () => {
    const reset = [...QUEUED, op.apfDone(5), op.setCr('cr0', 0x1), op.swapOut(5)];
    expect(vm0(runAll([...reset, op.failTopup(), op.run()]).state).swappedOut).toEqual([5]);
    // the ready-time reload took the one failure; the run's own reload succeeds
    expect(last([...reset, op.failTopup(), op.run()])).toEqual(HLT);
    expect(last([...reset, op.failTopup(2), op.run()])).toEqual({ kind: 'errno', errno: ENOMEM });
  });

  it('cancels every work of a vCPU on INIT and wakes it', () => {
    const { state } = runAll([...QUEUED, op.runIf(0x5000), op.reset()]);
    expect(vm0(state).vcpus[0]).toMatchObject({ asyncPf: [], apfHalted: false });
  });
});
