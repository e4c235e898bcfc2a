/** The impl's side of the conformance check: its kernel structures, abstracted. */
import type { AbstractState, AbstractVm } from '../api/abstract.js';
import type { Gfn, SlotId, VmId } from '../api/ids.js';
import type { KvmHost } from './host.js';
import type { Kvm } from './x86/structs.js';
import type { KvmPpc } from './ppc/structs.js';
import { abstractPpc } from './ppc/abstract.js';

const slotsOf = (slots: readonly { id: SlotId; baseGfn: Gfn; npages: number; flags?: number }[]) =>
  slots.map((s) => ({ slot: s.id, gfn: s.baseGfn, npages: s.npages, flags: s.flags ?? 0 })).sort((a, b) => a.slot - b.slot);

const abstractX86 = (kvm: Kvm): AbstractVm => ({
  vm: kvm.vmId,
  nrMmuPages: kvm.nRequestedMmuPages,
  slots: slotsOf(kvm.memslots),
  vcpus: [...kvm.vcpus.values()]
    .sort((a, b) => a.vcpuId - b.vcpuId)
    .map((v) => ({ vcpu: v.vcpuId, cr0: v.cr0, cr3: v.cr3, cr4: v.cr4, efer: v.efer })),
});

export const abstractKvm = (host: KvmHost, vms: ReadonlyMap<VmId, Kvm>, ppc: ReadonlyMap<VmId, KvmPpc>): AbstractState => ({
  host: host.config,
  vms: [
    ...[...vms.values()].map(abstractX86),
    ...[...ppc.values()].map((kvm) => ({ vm: kvm.vmId, nrMmuPages: 0, slots: slotsOf(kvm.memslots), vcpus: [], ppc: abstractPpc(kvm) })),
  ].sort((a, b) => a.vm - b.vm),
});
