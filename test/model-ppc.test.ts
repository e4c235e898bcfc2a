import { describe, expect, it } from 'vitest';
import { initialState, type ModelState } from '../model/state.js';
import { step } from '../model/step.js';
import { abstractModel } from '../model/abstract.js';
import type { Op } from '../api/ops.js';
import type { Result } from '../api/results.js';
import { EBADF, EINVAL, ENOMEM, EPERM } from '../api/errno.js';
import { H_PARAMETER, H_PTEG_FULL, H_SUCCESS } from '../api/hcall.js';
import { VMX, op } from './helpers.js';
import { MB16, P7, P7_64K, P970, TWO_SLOTS, ppc } from './helpers-ppc.js';

const runAll = (ops: Op[]): { state: ModelState; results: Result[] } => {
  let state = initialState(VMX);
  const results = ops.map((o) => {
    const r = step(state, o);
    state = r.state;
    return r.result;
  });
  return { state, results };
};
const last = (ops: Op[]): Result => runAll(ops).results.at(-1)!;
const view = (ops: Op[]) => abstractModel(runAll(ops).state).vms[0]!.ppc!;
const hcall = (ret: number, index: number | null = null): Result => ({ kind: 'hcall', ret, index });
const errno = (e: number): Result => ({ kind: 'errno', errno: e });

describe('model: PPC memory regions (seed 004)', () => {
  it('checks alignment to the RAM page size and pins nothing', () => {
    expect(last([ppc.createVm(), op.slot(0, 0, 0x800)])).toEqual(errno(EINVAL));
    expect(last([ppc.createVm(), op.slot(0, 0x800, 0x1000)])).toEqual(errno(EINVAL));
    expect(last([ppc.createVm(P7_64K), op.slot(0, 0x10, 0x20)])).toEqual({ kind: 'ok' });
    expect(view([ppc.createVm(), ppc.map(0, 1), ppc.slot(0, 0, 1)]).phys).toEqual([]);
  });

  it('allocates slot_phys once: only a new slot can fail at vzalloc', () => {
    expect(last([ppc.createVm(), ppc.fail('vzalloc'), ppc.slot(0, 0, 1)])).toEqual(errno(ENOMEM));
    expect(last([ppc.createVm(), ppc.slot(0, 0, 1), ppc.fail('vzalloc'), ppc.slot(0, 4, 1)])).toEqual({ kind: 'ok' });
  });

  it('refuses x86 register writes on a PPC vCPU and H_ENTER on an x86 one', () => {
    expect(last([ppc.createVm(), ppc.vcpu(), op.setCr('cr0', 1)])).toEqual(errno(EINVAL));
    expect(last([op.createVm(), op.createVcpu(), ppc.hEnter(0)])).toEqual(errno(EINVAL));
    expect(last([ppc.createVm(), ppc.hEnter(0)])).toEqual(errno(EBADF));
  });
});

describe('model: first run sets up the RMA once', () => {
  it('needs a slot at gpa 0 with host memory of the RAM page size behind it', () => {
    expect(last([ppc.createVm(), ppc.vcpu(), ppc.run()])).toEqual(errno(EINVAL));
    expect(last([ppc.createVm(), ppc.slot(0, 0, 1), ppc.vcpu(), ppc.run()])).toEqual(errno(EINVAL));
    expect(last([ppc.createVm(), ppc.slot(0, 0, 1), ppc.map(0, 1, 16), ppc.vcpu(), ppc.run()])).toEqual(errno(EINVAL));
  });

  it('maps a VRMA on POWER7, pinning each page through H_ENTER', () => {
    const v = view([ppc.createVm(), ppc.slot(0, 0, 2), ppc.map(0, 2), ppc.vcpu(), ppc.run()]);
    expect(v.rma).toBe('vrma');
    expect(v.phys).toEqual([{ slot: 0, page: 0, kind: 'pinned' }, { slot: 0, page: 1, kind: 'pinned' }]);
    expect(v.hptes).toEqual([{ index: 119, gpa: MB16 }, { index: 127, gpa: 0 }]);
  });

  it('stops the VRMA at the first page it cannot pin, and still succeeds', () => {
    const ops = [ppc.createVm(), ppc.slot(0, 0, 4), ppc.map(0, 1), ppc.vcpu(), ppc.run()];
    expect(last(ops)).toEqual({ kind: 'exit', reason: 'hlt' });
    expect(view(ops).hptes).toEqual([{ index: 127, gpa: 0 }]);
  });

  it('gives -EPERM on PPC970 without an RMA, and uses an RMO with one', () => {
    expect(last([ppc.createVm(P970), ppc.slot(0, 0, 4), ppc.map(0, 4), ppc.vcpu(), ppc.run()])).toEqual(errno(EPERM));
    const rmo = [ppc.createVm(P970), ppc.rma(), ppc.slot(0, 0, 4), ppc.vcpu(), ppc.run()];
    expect(last(rmo)).toEqual({ kind: 'exit', reason: 'hlt' });
    expect(view(rmo)).toMatchObject({ rma: 'rmo', hptes: [] });
    expect(view(rmo).phys.map((p) => p.kind)).toEqual(['rmo', 'rmo', 'rmo', 'rmo']);
  });

  it('sizes the RMO with lpcr_rmls: 32 MB only on POWER7, 16 MB never', () => {
    const rmo = (c = P7, pages = 2) => last([ppc.createVm(c), ppc.rma(), ppc.slot(0, 0, pages), ppc.vcpu(), ppc.run()]);
    expect(rmo(P7, 2)).toEqual({ kind: 'exit', reason: 'hlt' });
    expect(rmo(P970, 2)).toEqual(errno(EINVAL));
    expect(rmo(P7, 1)).toEqual(errno(EINVAL));
  });

  it('does it once: a later run does not look at the memory again', () => {
    expect(last([...TWO_SLOTS, ppc.run(), ppc.unmap(0), ppc.slot(0, 0, 0), ppc.run()])).toEqual({ kind: 'exit', reason: 'hlt' });
  });
});

describe('model: H_ENTER pins lazily', () => {
  const ready = [...TWO_SLOTS, ppc.run()];

  it('pins a page on first use and inserts in the first free HPTE of the group', () => {
    const ops = [...ready, ppc.hEnter(MB16, 3), ppc.hEnter(MB16, 5)];
    expect(runAll(ops).results.slice(-2)).toEqual([hcall(H_SUCCESS, 0), hcall(H_SUCCESS, 1)]);
    expect(view(ops).phys).toContainEqual({ slot: 1, page: 0, kind: 'pinned' });
  });

  it('refuses memory that is not mapped, or not with the RAM page size, or not at a page start', () => {
    expect(last([...ready, ppc.unmap(1), ppc.hEnter(MB16)])).toEqual(hcall(H_PARAMETER));
    expect(last([...ready, ppc.map(1, 32, 16), ppc.hEnter(MB16)])).toEqual(hcall(H_PARAMETER));
    expect(last([...ready, ppc.hEnter(MB16 + 0x1000, 0, { pageShift: 12 })])).toEqual(hcall(H_PARAMETER));
    expect(last([...ready, ppc.fail('gup'), ppc.hEnter(MB16)])).toEqual(hcall(H_PARAMETER));
  });

  it('pins even when the HPTE is then refused', () => {
    const ops = [...ready, ppc.hEnter(MB16, 128)];
    expect(last(ops)).toEqual(hcall(H_PARAMETER));
    expect(view(ops).phys).toContainEqual({ slot: 1, page: 0, kind: 'pinned' });
  });

  it('checks the HPTE page size: 64 KB only on POWER7, never larger than a RAM page', () => {
    expect(last([...ready, ppc.hEnter(MB16, 0, { pageShift: 16 })])).toEqual(hcall(H_SUCCESS, 0));
    expect(last([...ready, ppc.hEnter(MB16, 0, { pageShift: 20 })])).toEqual(hcall(H_PARAMETER));
    const small = [ppc.createVm(P7_64K), ppc.slot(0, 0, 4, 0, 0x10), ppc.map(0, 4, 16), ppc.vcpu(), ppc.run()];
    expect(last([...small, ppc.hEnter(0x20000, 0)])).toEqual(hcall(H_PARAMETER));
  });

  it('answers H_PTEG_FULL for a taken exact HPTE (the VRMA uses the last of a group)', () => {
    expect(last([...ready, ppc.hEnter(MB16, 127, { exact: true })])).toEqual(hcall(H_PTEG_FULL));
  });
});

describe('model: unpinning', () => {
  it('drops the HPTEs and the pins of a deleted slot, and only the HPTEs of a moved slot', () => {
    const ops = [...TWO_SLOTS, ppc.run(), ppc.hEnter(MB16, 0)];
    const del = view([...ops, ppc.slot(1, 1, 0)]);
    expect(del.phys.filter((p) => p.slot === 1)).toEqual([]);
    expect(del.hptes).toEqual([{ index: 127, gpa: 0 }]);
    const moved = view([...ops, ppc.slot(1, 4, 2)]);
    expect(moved.phys).toContainEqual({ slot: 1, page: 0, kind: 'pinned' });
    expect(moved.hptes).toEqual([{ index: 127, gpa: 0 }]);
  });
});
