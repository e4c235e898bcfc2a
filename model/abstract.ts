/**
 * The model's side of the conformance check: its state as an AbstractState. Model states
 * are never changed in place (every step builds new objects for what it changes), so the
 * abstraction of a VM or of the host is kept per object and reused while the step leaves
 * it alone: after most operations only one VM is new.
 */
import type { AbstractHost, AbstractState, AbstractVm } from '../api/abstract.js';
import type { VmId } from '../api/ids.js';
import type { ModelHost, ModelState, ModelVm } from './state.js';
import { abstractPpc } from './ppc/state.js';
import { spteFormat } from './setup/module.js';

const byKey = <K extends number, V>(m: ReadonlyMap<K, V>): [K, V][] => [...m].sort(([a], [b]) => a - b);
const sorted = <T extends number>(xs: Iterable<T>): T[] => [...xs].sort((a, b) => a - b);

const abstractHost = (h: ModelHost): AbstractHost =>
  h.loaded ? { loaded: true, vendor: h.vendor, tdp: h.tdp, spte: spteFormat(h) } : { loaded: false };

const abstractVm = (vm: VmId, m: ModelVm): AbstractVm => ({
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
});

/** abstractions already made, by the model object they were made of (the VM id is part of the key: a VM object may be stored under two ids) */
const vmCache = new WeakMap<ModelVm, Map<VmId, AbstractVm>>();
const hostCache = new WeakMap<ModelHost, AbstractHost>();

const cachedVm = (id: VmId, m: ModelVm): AbstractVm => {
  let byId = vmCache.get(m);
  if (!byId) vmCache.set(m, (byId = new Map()));
  let a = byId.get(id);
  if (!a) byId.set(id, (a = abstractVm(id, m)));
  return a;
};

const cachedHost = (h: ModelHost): AbstractHost => {
  let a = hostCache.get(h);
  if (!a) hostCache.set(h, (a = abstractHost(h)));
  return a;
};

/** The abstraction of `s`; parts of it may be shared with earlier calls: read it, never change it. */
export const abstractModel = (s: ModelState): AbstractState => ({
  host: cachedHost(s.host),
  vms: byKey(s.vms).map(([vm, m]) => cachedVm(vm, m)),
});
