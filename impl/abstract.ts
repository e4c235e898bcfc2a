/** The impl's side of the conformance check: its kernel structures, abstracted. */
import type { AbstractHost, AbstractState, AbstractVm } from '../api/abstract.js';
import type { Gfn, SlotId, VmId } from '../api/ids.js';
import type { KvmHost } from './host.js';
import type { Kvm } from './x86/structs.js';
import type { KvmPpc } from './ppc/structs.js';
import { abstractPpc } from './ppc/abstract.js';
import { spteFormatOf } from './setup/pte-masks.js';

const sorted = <T extends number>(xs: Iterable<T>): T[] => [...xs].sort((a, b) => a - b);

const slotsOf = (slots: readonly { id: SlotId; baseGfn: Gfn; npages: number; flags?: number }[]) =>
  slots.map((s) => ({ slot: s.id, gfn: s.baseGfn, npages: s.npages, flags: s.flags ?? 0 })).sort((a, b) => a.slot - b.slot);

const abstractHost = (host: KvmHost): AbstractHost =>
  host.module.devRegistered
    ? { loaded: true, vendor: host.config.vendor, tdp: host.config.tdp, spte: spteFormatOf(host.module.pteMasks) }
    : { loaded: false };

const abstractX86 = (kvm: Kvm): AbstractVm => ({
  vm: kvm.vmId,
  nrMmuPages: kvm.nRequestedMmuPages,
  slots: slotsOf(kvm.memslots),
  vcpus: [...kvm.vcpus.values()]
    .sort((a, b) => a.vcpuId - b.vcpuId)
    .map((v) => ({
      vcpu: v.vcpuId,
      cr0: v.cr0,
      cr3: v.cr3,
      cr4: v.cr4,
      efer: v.efer,
      asyncPf: sorted(v.asyncPf.queue.map((w) => w.arch.gfn)),
      apfHalted: v.apf.halted,
    })),
  swappedOut: sorted(kvm.swappedOut),
});

export const abstractKvm = (host: KvmHost, vms: ReadonlyMap<VmId, Kvm>, ppc: ReadonlyMap<VmId, KvmPpc>): AbstractState => ({
  host: abstractHost(host),
  vms: [
    ...[...vms.values()].map(abstractX86),
    ...[...ppc.values()].map((kvm) => ({ vm: kvm.vmId, nrMmuPages: 0, slots: slotsOf(kvm.memslots), vcpus: [], swappedOut: [], ppc: abstractPpc(kvm) })),
  ].sort((a, b) => a.vm - b.vm),
});
