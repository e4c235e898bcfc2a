/** The linearizability check at scale: an iterative search, and histories split by VM. */
import { describe, expect, it } from 'vitest';
import type { Op, TestCase } from '../api/ops.js';
import type { Result } from '../api/results.js';
import { linearize, type Interval } from '../oracle/linearize.js';
import { partition } from '../oracle/partition.js';
import { runCase } from '../fuzz/run/runner.js';
import { builtinFactory } from '../impl/builtin.js';
import { SVM_TDP, op } from './helpers.js';

const ok: Result = { kind: 'ok' };
const iv = (index: number, o: Op, tid: number, begin: number, end: number, result: Result = ok): Interval => ({ index, op: o, tid, result, begin, end });

describe('partition of a history (P-compositionality)', () => {
  it('splits by VM, and joins the VMs of a thread that arms failures', () => {
    const h = [iv(0, op.createVm(0), 0, 0, 1), iv(1, op.createVm(1), 1, 0, 1), iv(2, op.run(null, false, 0, 0), 0, 2, 3), iv(3, op.run(null, false, 1, 1), 1, 2, 3)];
    expect(partition(h).map((p) => [...p.vms])).toEqual([[0], [1]]);
    const armed = [...h, iv(4, { kind: 'failAlloc', site: 'mmuTopup', count: 1 }, 0, 4, 5), iv(5, op.run(null, false, 0, 1), 0, 6, 7)];
    expect(partition(armed).map((p) => [...p.vms].sort())).toEqual([[0, 1]]);
  });

  it('keeps a history with a module load or unload whole', () => {
    const h = [iv(0, op.createVm(0), 0, 0, 1), iv(1, op.createVm(1), 1, 0, 1), iv(2, { kind: 'moduleUnload' }, 1, 2, 3)];
    expect(partition(h)).toHaveLength(1);
  });
});

describe('a long history', () => {
  // a register per VM: setNrMmuPages writes it, a read is modelled as translate returning it
  type S = ReadonlyMap<number, number>;
  const model = {
    phases: () => 1,
    stepPhase: (s: S, o: Op) =>
      o.kind === 'setNrMmuPages' ? { state: new Map(s).set(o.vm, o.pages), result: ok } : { state: s, result: { kind: 'errno', errno: s.get((o as { vm: number }).vm) ?? 0 } as Result },
    merge: (parts: readonly S[]) => new Map(parts.flatMap((p) => [...p])),
  };
  const write = (vm: number, v: number): Op => ({ kind: 'setNrMmuPages', vm: vm as never, pages: v });
  const read = (vm: number): Op => ({ kind: 'translate', vm: vm as never, vcpu: 0 as never, gva: 0 as never });

  it('is searched without a recursion depth limit: 30,000 operations in a row', () => {
    const h = Array.from({ length: 30_000 }, (_, i) => (i % 2 ? iv(i, read(0), 1, 2 * i, 2 * i + 1, { kind: 'errno', errno: i - 1 }) : iv(i, write(0, i), 0, 2 * i, 2 * i + 1)));
    expect(linearize(h, new Map() as S, model)).toHaveProperty('order');
    const wrong = [...h.slice(0, -1), { ...h.at(-1)!, result: { kind: 'errno', errno: 7 } as Result }];
    expect(linearize(wrong, new Map() as S, model)).toMatchObject({ index: 29_999 });
  });

  it('finds a wrong read in one VM while the other VM has many overlapping writes', () => {
    // 14 overlapping writes to vm 1 make a search over both VMs at once give up
    const busy = Array.from({ length: 14 }, (_, i) => iv(i, write(1, i + 1), i % 2, 0, 20));
    const h = [...busy, iv(14, write(0, 5), 0, 21, 22), iv(15, read(0), 1, 23, 24, { kind: 'errno', errno: 4 })];
    expect(linearize(h, new Map() as S, model)).toMatchObject({ index: 15 });
    expect(linearize(h, new Map() as S, { ...model, merge: undefined })).toBe('gave-up');
  });
});

describe('the runner on a two-thread case of 5000 operations', () => {
  // two VMs (split into two parts), or one VM with a vCPU per thread (one part)
  it.each([[2], [1]])('with %i VM(s): checks it, or reports it unchecked, without a crash', (vms) => {
    const head: Op[] = [op.createVm(0), op.slot(0, 0, 32, 0), op.createVcpu(0, 0), op.createVm(1), op.slot(0, 0, 32, 1), op.createVcpu(1, 1 % vms)];
    const body: Op[] = Array.from({ length: 5000 - head.length }, (_, i) => {
      const [vcpu, vm] = [i % 2, (i % 2) % vms];
      return i % 6 < 2 ? op.run(0x1000 * (i % 4), i % 3 === 0, vcpu, vm) : i % 6 < 4 ? op.setCr('cr3', 0x1000 * (i % 8), vcpu, vm) : op.slot(1, 0x40 + (i % 5), 4, vm);
    });
    const preemptions = Array.from({ length: 50 }, (_, k) => ({ op: head.length + 97 * k, after: k % 3, to: 1 }));
    const tc: TestCase = { config: SVM_TDP, ops: [...head, ...body], threads: [...head.map(() => 0), ...body.map((_, i) => i % 2)], preemptions };
    const r = runCase(tc, { factory: builtinFactory, mutant: null });
    expect(r.failure).toBeNull();
    expect(r.preempted).toBeGreaterThan(0);
    expect(r.unchecked).toBe(false);
  });
});
