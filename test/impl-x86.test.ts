import { describe, expect, it } from 'vitest';
import { BuiltinKvm } from '../impl/builtin.js';
import { INVALID_PAGE, type VcpuId, type VmId, type Gfn } from '../api/ids.js';
import { ENOMEM } from '../api/errno.js';
import type { Op } from '../api/ops.js';
import { gfnToMemslot } from '../impl/x86/memslots.js';
import { kvmMmuZapAll, kvmMmuFreeSomePages } from '../impl/x86/mmu-page.js';
import { KVM_REQ_MMU_RELOAD } from '../impl/x86/structs.js';
import { BASIC, TO_LONG_MODE, VMX, SVM_TDP, op } from './helpers.js';

const boot = (ops: Op[], config = VMX, mutant: string | null = null) => {
  const k = new BuiltinKvm(config, mutant);
  const results = ops.map((o) => k.apply(o));
  return { k, results, kvm: k.vms.get(0 as VmId)!, vcpu: () => k.vms.get(0 as VmId)!.vcpus.get(0 as VcpuId)! };
};

describe('impl: root lifecycle', () => {
  it('creates a vCPU with root_hpa == INVALID_PAGE and loads it on KVM_RUN', () => {
    const { k, vcpu } = boot(BASIC);
    expect(vcpu().mmu.rootHpa).toBe(INVALID_PAGE);
    k.apply(op.run());
    expect(vcpu().mmu.rootHpa).not.toBe(INVALID_PAGE);
  });

  it('uses one level-4 root in long mode and four PAE roots for a 32-bit guest', () => {
    const long = boot([...BASIC, ...TO_LONG_MODE, op.run()]);
    expect(long.vcpu().mmu.shadowRootLevel).toBe(4);
    const root = long.kvm.pageByHpa.get(long.vcpu().mmu.rootHpa)!;
    expect([root.gfn, root.role.glevels, root.rootCount]).toEqual([2, 4, 1]);
    const p32 = boot([...BASIC, op.setCr('cr3', 0x2000), op.setCr('cr0', 0x80000001), op.run()]);
    expect(p32.vcpu().mmu.rootHpa).toBe(p32.vcpu().paeRootHpa);
    expect(p32.vcpu().mmu.paeRoot.map((h) => p32.kvm.pageByHpa.get(h)!.role.quadrant)).toEqual([0, 1, 2, 3]);
  });

  it('drops the root on a context reset and keeps the shadow page cached in the hash', () => {
    const { k, kvm, vcpu } = boot([...BASIC, ...TO_LONG_MODE, op.run(0x1000)]);
    const before = kvm.activeMmuPages.size;
    k.apply(op.setCr('cr3', 0x3000));
    expect(vcpu().mmu.rootHpa).toBe(INVALID_PAGE);
    expect(kvm.activeMmuPages.size).toBe(before);
    k.apply(op.setCr('cr3', 0x2000));
    k.drainEvents();
    k.apply(op.run(0x1000));
    // the old root is found again in the hash, and the leaf is still mapped: no fault
    const ev = k.drainEvents();
    expect(ev.filter((e) => e.ev === 'kvmMmuGetPage' && e.created)).toHaveLength(0);
    expect(ev.filter((e) => e.ev === 'kvmPageFault')).toHaveLength(0);
  });

  it('returns -ENOMEM from a failed topup without entering, root still invalid', () => {
    const { k, vcpu } = boot([...BASIC, op.failTopup()]);
    k.drainEvents();
    expect(k.apply(op.run())).toEqual({ kind: 'errno', errno: ENOMEM });
    expect(k.drainEvents().map((e) => e.ev).filter((e) => !e.startsWith('lock'))).toEqual(['allocFailInjected', 'kvmMmuLoad']);
    expect(vcpu().mmu.rootHpa).toBe(INVALID_PAGE);
  });

  it('shares a root between vCPUs with the same context (root_count 2)', () => {
    const two = [...BASIC, op.createVcpu(1), op.run(null, false, 0), op.run(null, false, 1)];
    const { kvm } = boot(two, SVM_TDP);
    const [a, b] = [0, 1].map((i) => kvm.vcpus.get(i as VcpuId)!.mmu.rootHpa);
    expect(a).toBe(b);
    expect(kvm.pageByHpa.get(a!)!.rootCount).toBe(2);
  });
});

describe('impl: zapping, reclaim and teardown', () => {
  it('marks a root zapped while in use invalid and requests a reload', () => {
    const { kvm, vcpu } = boot([...BASIC, op.run(0x1000)]);
    const roots = [...vcpu().mmu.paeRoot];
    kvmMmuZapAll(kvm);
    expect(vcpu().requests & KVM_REQ_MMU_RELOAD).toBeTruthy();
    expect(roots.every((h) => kvm.pageByHpa.get(h)!.role.invalid)).toBe(true);
  });

  it('reclaims the oldest pages but never a root in use', () => {
    const { kvm, vcpu } = boot([...BASIC, ...TO_LONG_MODE, op.run(0x1000)]);
    kvm.nFreeMmuPages = 0;
    kvmMmuFreeSomePages(kvm);
    expect([...kvm.activeMmuPages].map((p) => p.hpa)).toEqual([vcpu().mmu.rootHpa]);
  });

  it('gives every host page back when the VM is destroyed', () => {
    const { k } = boot([]);
    const module = k.host.pages.allocated; // what the vendor module's setup holds
    [...BASIC, op.createVcpu(1), ...TO_LONG_MODE, op.run(0x1000), op.run(0x5000, true, 1)].forEach((o) => k.apply(o));
    expect(k.host.pages.allocated).toBeGreaterThan(module);
    k.apply(op.destroyVm());
    expect(k.host.pages.allocated).toBe(module);
  });
});

describe('impl: memslots', () => {
  it('finds slots by binary search over base gfn, highest first, with an lru hint', () => {
    const { kvm } = boot([op.createVm(), op.slot(2, 40, 8), op.slot(0, 0, 8), op.slot(1, 16, 8)]);
    expect(kvm.memslots.map((s) => s.baseGfn)).toEqual([40, 16, 0]);
    expect(gfnToMemslot(kvm, 17 as Gfn)?.id).toBe(1);
    expect(kvm.lruSlot).toBe(1);
    expect(gfnToMemslot(kvm, 30 as Gfn)).toBeUndefined();
    expect(gfnToMemslot(kvm, 47 as Gfn)?.id).toBe(2);
  });

  it('unmaps a gfn everywhere through the rmap when its slot moves', () => {
    const { k, kvm } = boot([...BASIC, op.run(0x3000)]);
    expect(gfnToMemslot(kvm, 3 as Gfn)!.rmap[3]).toHaveLength(1);
    k.apply(op.slot(0, 40, 32));
    expect(gfnToMemslot(kvm, 43 as Gfn)!.rmap[3]).toHaveLength(0);
  });
});
