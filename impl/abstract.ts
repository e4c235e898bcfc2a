/** The impl's side of the conformance check: its kernel structures, abstracted. */
import type { AbstractHost, AbstractState } from '../api/abstract.js';
import type { VmId } from '../api/ids.js';
import type { KvmHost } from './host.js';
import type { Kvm } from './x86/structs.js';
import { spteFormatOf } from './setup/pte-masks.js';

const sorted = <T extends number>(xs: Iterable<T>): T[] => [...xs].sort((a, b) => a - b);

const abstractHost = (host: KvmHost): AbstractHost =>
  host.module.devRegistered
    ? { loaded: true, vendor: host.config.vendor, tdp: host.config.tdp, spte: spteFormatOf(host.module.pteMasks) }
    : { loaded: false };

export const abstractKvm = (host: KvmHost, vms: ReadonlyMap<VmId, Kvm>): AbstractState => ({
  host: abstractHost(host),
  vms: [...vms.values()]
    .sort((a, b) => a.vmId - b.vmId)
    .map((kvm) => ({
      vm: kvm.vmId,
      slots: kvm.memslots
        .map((s) => ({ slot: s.id, gfn: s.baseGfn, npages: s.npages }))
        .sort((a, b) => a.slot - b.slot),
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
    })),
});
