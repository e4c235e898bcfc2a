/**
 * The reverse map: for every guest frame, the leaf sptes that map it, so a frame can be
 * unmapped everywhere (swap-out, slot changes). @see arch/x86/kvm/mmu/mmu.c rmap_add()
 */
import type { Gfn } from '../../api/ids.js';
import type { Kvm, KvmMmuPage, KvmVcpu } from './structs.js';
import { PT_PRESENT_MASK } from './structs.js';
import { gfnToMemslot } from './memslots.js';

/** rmap_add(): a second spte for a gfn needs a pte_list_desc from the vCPU cache */
export const rmapAdd = (vcpu: KvmVcpu, sp: KvmMmuPage, index: number, gfn: Gfn): void => {
  const slot = gfnToMemslot(vcpu.kvm, gfn);
  if (!slot) throw new Error(`BUG: rmap_add for gfn ${gfn} outside every memslot`);
  const list = slot.rmap[gfn - slot.baseGfn]!;
  if (list.length >= 1 && vcpu.mmuPteListDescCache.objects.pop() === undefined) {
    throw new Error('BUG: pte_list_desc cache empty (missing topup)');
  }
  sp.gfns[index] = gfn;
  list.push({ sp, index });
  vcpu.kvm.host.trace.emit({ ev: 'kvmRmap', vm: vcpu.kvm.vmId, gfn, add: true, hpa: sp.hpa });
};

/** rmap_remove(): called when a leaf spte is dropped */
export const rmapRemove = (kvm: Kvm, sp: KvmMmuPage, index: number): void => {
  const gfn = sp.gfns[index]! as Gfn;
  const slot = gfnToMemslot(kvm, gfn);
  const list = slot?.rmap[gfn - slot.baseGfn];
  const k = list?.findIndex((e) => e.sp === sp && e.index === index) ?? -1;
  if (k < 0) throw new Error(`BUG: rmap_remove: spte ${index} of page ${sp.hpa} not in the rmap of gfn ${gfn}`);
  list!.splice(k, 1);
  kvm.host.trace.emit({ ev: 'kvmRmap', vm: kvm.vmId, gfn, add: false, hpa: sp.hpa });
};

/** kvm_unmap_rmapp(): drop every spte mapping gfn (the mmu notifier's unmap) */
export const kvmUnmapGfn = (kvm: Kvm, gfn: Gfn): number => {
  const slot = gfnToMemslot(kvm, gfn);
  const list = slot?.rmap[gfn - slot.baseGfn] ?? [];
  const n = list.length;
  for (const { sp, index } of list.splice(0)) {
    if (sp.spt[index]! & PT_PRESENT_MASK) sp.spt[index] = 0;
  }
  return n;
};
