/** The impl's side of the conformance check: its kernel structures, abstracted. */
import type { AbstractState } from '../api/abstract.js';
import type { VmId } from '../api/ids.js';
import type { KvmHost } from './host.js';
import type { Kvm } from './x86/structs.js';

export const abstractKvm = (host: KvmHost, vms: ReadonlyMap<VmId, Kvm>): AbstractState => ({
  host: host.config,
  vms: [...vms.values()]
    .sort((a, b) => a.vmId - b.vmId)
    .map((kvm) => ({
      vm: kvm.vmId,
      nrMmuPages: kvm.nRequestedMmuPages,
      slots: kvm.memslots
        .map((s) => ({ slot: s.id, gfn: s.baseGfn, npages: s.npages, flags: s.flags }))
        .sort((a, b) => a.slot - b.slot),
      vcpus: [...kvm.vcpus.values()]
        .sort((a, b) => a.vcpuId - b.vcpuId)
        .map((v) => ({ vcpu: v.vcpuId, cr0: v.cr0, cr3: v.cr3, cr4: v.cr4, efer: v.efer })),
    })),
});
