/** The model's side of the conformance check: its state as an AbstractState. */
import type { AbstractState } from '../api/abstract.js';
import type { ModelState } from './state.js';
import { abstractPpc } from './ppc/state.js';

const byKey = <K extends number, V>(m: ReadonlyMap<K, V>): [K, V][] => [...m].sort(([a], [b]) => a - b);

export const abstractModel = (s: ModelState): AbstractState => ({
  host: s.host,
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
        })),
    ...(m.ppc && { ppc: abstractPpc(m.ppc, [...m.vcpus.keys()]) }),
  })),
});
