import { describe, expect, it } from 'vitest';
import { BuiltinKvm } from '../impl/builtin.js';
import type { VmId } from '../api/ids.js';
import type { Op } from '../api/ops.js';
import { H_SUCCESS } from '../api/hcall.js';
import { KVMPPC_GOT_PAGE } from '../impl/ppc/structs.js';
import { LPCR_VPM0, LPCR_VRMA_L, LPCR_RMLS_SH } from '../impl/ppc/lpcr.js';
import { HPTE_V_VALID } from '../impl/ppc/hpt.js';
import { runCase } from '../fuzz/run/runner.js';
import { builtinFactory } from '../impl/builtin.js';
import { VMX } from './helpers.js';
import { MB16, P7, TWO_SLOTS, ppc } from './helpers-ppc.js';

const boot = (ops: Op[], mutant: string | null = null) => {
  const k = new BuiltinKvm(VMX, mutant);
  const results = ops.map((o) => k.apply(o));
  return { k, results, kvm: k.ppcVms.get(0 as VmId)! };
};
const pageAt = (k: BuiltinKvm, entry: bigint) => k.host.mm.phys.live.get(Number(entry >> 12n))!;

describe('impl: slot_phys and pinning (seed 004)', () => {
  it('allocates slot_phys at prepare and leaves every entry 0', () => {
    const { kvm } = boot([ppc.createVm(), ppc.map(1, 2), ppc.slot(1, 1, 2)]);
    expect([...kvm.arch.slotPhys[1]!.data]).toEqual([0n, 0n]);
    expect(kvm.arch.slotNpages[1]).toBe(2);
  });

  it('records a pinned page with KVMPPC_GOT_PAGE and holds one reference on it', () => {
    const { k, kvm, results } = boot([...TWO_SLOTS, ppc.run(), ppc.hEnter(MB16)]);
    expect(results.at(-1)).toMatchObject({ ret: H_SUCCESS });
    const e = kvm.arch.slotPhys[1]!.data[0]!;
    expect(e & KVMPPC_GOT_PAGE).toBe(KVMPPC_GOT_PAGE);
    expect(pageAt(k, e)).toMatchObject({ order: 12, count: 2 });
  });

  it('answers H_TOO_HARD in real mode and pins in virtual mode', () => {
    const { k } = boot([...TWO_SLOTS, ppc.run()]);
    k.drainEvents();
    k.apply(ppc.hEnter(MB16));
    const calls = k.drainEvents().filter((e) => e.ev === 'kvmppcHcall');
    expect(calls.map((e) => e.ev === 'kvmppcHcall' && [e.mode, e.ret])).toEqual([['real', 9999], ['virtual', H_SUCCESS]]);
  });

  it('puts each pinned page once, dirty, when the slot goes; the page lives on in its mapping', () => {
    const { k, kvm } = boot([...TWO_SLOTS, ppc.run(), ppc.hEnter(MB16), ppc.hEnter(2 * MB16)]);
    const pages = [...kvm.arch.slotPhys[1]!.data].map((e) => pageAt(k, e));
    const array = kvm.arch.slotPhys[1]!;
    k.apply(ppc.slot(1, 1, 0));
    expect(pages.map((p) => [p.count, p.dirty])).toEqual([[1, true], [1, true]]);
    expect(kvm.arch.slotPhys[1]).toBeNull();
    expect(array.freed).toBe(true);
    // the pages go with the mapping
    k.apply(ppc.unmap(1));
    expect(pages.every((p) => !k.host.mm.phys.live.has(p.pfn))).toBe(true);
  });

  it('invalidates the HPTEs of a deleted slot before unpinning it', () => {
    const { k, kvm } = boot([...TWO_SLOTS, ppc.run(), ppc.hEnter(MB16, 0)]);
    expect(kvm.arch.hptVirt![0]! & HPTE_V_VALID).toBe(HPTE_V_VALID);
    k.drainEvents();
    k.apply(ppc.slot(1, 1, 0));
    const evs = k.drainEvents().filter((e) => !('lock' in e && e.lock === 'kvm->slots_lock'));
    expect(evs.map((e) => e.ev).slice(0, 3)).toEqual(['hpteInvalidate', 'lockAcquire', 'unpinSlot']);
    expect(kvm.arch.hptVirt![0]! & HPTE_V_VALID).toBe(0n);
  });
});

describe('impl: RMA setup', () => {
  it('uses the RMA as RMO: entries without KVMPPC_GOT_PAGE, RMLS in the LPCR, use_count taken', () => {
    const { kvm } = boot([ppc.createVm(P7), ppc.rma(), ppc.slot(0, 0, 4), ppc.vcpu(), ppc.run()]);
    const ri = kvm.arch.rma!;
    expect(ri.useCount).toBe(2);
    expect([...kvm.arch.slotPhys[0]!.data].map((e) => Number(e >> 12n) - ri.basePfn)).toEqual([0, 0x1000, 0x2000, 0x3000]);
    expect(kvm.arch.lpcr & (LPCR_VPM0 | LPCR_VRMA_L)).toBe(0n);
    expect((kvm.arch.lpcr >> LPCR_RMLS_SH) & 0xfn).toBe(3n);
    expect(kvm.arch.rmaSetupDone).toBe(true);
  });

  it('never puts RMO pages, and drops the VM reference on the RMA at destroy', () => {
    const { k, kvm } = boot([ppc.createVm(P7), ppc.rma(), ppc.slot(0, 0, 4), ppc.vcpu(), ppc.run()]);
    const ri = kvm.arch.rma!;
    k.apply({ kind: 'destroyVm', vm: 0 as VmId });
    expect(ri.useCount).toBe(1);
    expect(ri.pages.every((p) => p.count === 1)).toBe(true);
  });

  it('keeps VRMA mode in the LPCR without an RMA on POWER7', () => {
    const { kvm } = boot([...TWO_SLOTS, ppc.run()]);
    expect(kvm.arch.lpcr & LPCR_VRMA_L).toBe(LPCR_VRMA_L);
    expect(kvm.arch.rma).toBeNull();
  });
});

describe('impl and model agree on hand-written PPC cases', () => {
  const cases: Record<string, Op[]> = {
    'VRMA, lazy pins, delete, destroy': [...TWO_SLOTS, ppc.run(), ppc.hEnter(MB16), ppc.hEnter(0x1000, 7, { exact: true, pageShift: 12 }), ppc.slot(1, 1, 0), { kind: 'destroyVm', vm: 0 as VmId }],
    // found by seed 10: HPTEs at a moved slot's old addresses must not outlive its pins
    'move, then delete, with an HPTE': [ppc.createVm(), ppc.slot(0, 0, 1), ppc.map(0, 1), ppc.vcpu(), ppc.hEnter(0), ppc.slot(0, 2, 1), ppc.slot(0, 2, 0)],
    'map after the region': [ppc.createVm(), ppc.slot(0, 0, 2), ppc.vcpu(), ppc.run(), ppc.map(0, 2), ppc.run(), ppc.hEnter(MB16)],
    'RMO then more memory': [ppc.createVm(P7), ppc.rma(), ppc.slot(0, 0, 4), ppc.slot(1, 4, 1), ppc.map(1, 1), ppc.vcpu(), ppc.hEnter(4 * MB16), ppc.hEnter(MB16)],
    'failures at every site': [ppc.createVm(), ppc.fail('vzalloc'), ppc.slot(0, 0, 1), ppc.slot(0, 0, 1), ppc.fail('rma'), ppc.rma(), ppc.map(0, 1), ppc.vcpu(), ppc.fail('gup'), ppc.run(), ppc.hEnter(0)],
  };
  for (const [name, ops] of Object.entries(cases)) {
    it(name, () => {
      expect(runCase({ config: VMX, ops }, { factory: builtinFactory, mutant: null }).failure).toBeNull();
    });
  }
});
