/** The model's side of the conformance check: its state as an AbstractState. */
import type { AbstractHost, AbstractState } from '../api/abstract.js';
import type { ModelHost, ModelState } from './state.js';
import { abstractPpc } from './ppc/state.js';
import { spteFormat } from './setup/module.js';

const byKey = <K extends number, V>(m: ReadonlyMap<K, V>): [K, V][] => [...m].sort(([a], [b]) => a - b);
const sorted = <T extends number>(xs: Iterable<T>): T[] => [...xs].sort((a, b) => a - b);

const abstractHost = (h: ModelHost): AbstractHost =>
  h.loaded ? { loaded: true, vendor: h.vendor, tdp: h.tdp, spte: spteFormat(h) } : { loaded: false };

export const abstractModel = (s: ModelState): AbstractState => ({
  host: abstractHost(s.host),
  vms: byKey(s.vms).map(([vm, m]) => ({
    vm,
    nrMmuPages: m.nrMmuPages,
    slots: byKey(m.slots).map(([slot, { gfn, npages, flags }]) => ({ slot, gfn, npages, flags })),
    vcpus: m.ppc
      ? []
      : byKey(m.vcpus).map(([vcpu, v]) => ({
          vcpu,
          cr0: v.cr0,
          cr3: v.cr3,
          cr4: v.cr4,
          efer: v.efer,
          asyncPf: sorted([...v.apf.queued.keys(), ...v.apf.done.map((w) => w.gfn)]),
          apfHalted: v.apf.halted,
        })),
    swappedOut: sorted(m.swapped),
    ...(m.ppc && { ppc: abstractPpc(m.ppc, [...m.vcpus.keys()]) }),
  })),
});
