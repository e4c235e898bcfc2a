/**
 * The model's state: what must be true, nothing about how. Plain Maps, copied on write by
 * step() so every state a run passes through stays as it was.
 */
import type { Gfn, SlotId, VcpuId, VmId } from '../api/ids.js';
import type { AllocSite, HostConfig } from '../api/ops.js';

/** A vCPU's async page faults (seed 001): outstanding works are `queued` plus `done`. */
export interface ModelApf {
  /** gfns whose work is queued and whose page has not arrived yet */
  readonly queued: ReadonlySet<Gfn>;
  /** works whose page arrived, in completion order, not yet delivered by KVM_RUN */
  readonly done: readonly { readonly gfn: Gfn; readonly errorPage: boolean }[];
  /** a doublefault halted the vCPU until some page arrives */
  readonly halted: boolean;
}

export interface ModelVcpu {
  /** control registers as the guest last set them */
  readonly cr0: number;
  readonly cr3: number;
  readonly cr4: number;
  readonly efer: number;
  /** a root for the current context is loaded; false after any context reset */
  readonly rootLoaded: boolean;
  /** async page faults of this vCPU */
  readonly apf: ModelApf;
}

export interface ModelSlot {
  /** first guest frame the slot backs */
  readonly gfn: Gfn;
  /** number of pages; never 0 (a deleted slot is absent) */
  readonly npages: number;
}

export interface ModelVm {
  /** memory slots by number */
  readonly slots: ReadonlyMap<SlotId, ModelSlot>;
  /** vCPUs by id */
  readonly vcpus: ReadonlyMap<VcpuId, ModelVcpu>;
  /** guest frames whose host page is swapped out */
  readonly swapped: ReadonlySet<Gfn>;
}

/** The vendor module. `vendor` and `tdp` are those of the last load attempt. */
export interface ModelHost extends HostConfig {
  /** loaded with setup complete: VMs can be created */
  readonly loaded: boolean;
}

export interface ModelState {
  /** the vendor module and paging flavour */
  readonly host: ModelHost;
  /** live VMs by id */
  readonly vms: ReadonlyMap<VmId, ModelVm>;
  /** injected allocation failures still to come, by site */
  readonly failures: ReadonlyMap<AllocSite, number>;
}

/** The module was loaded at boot with `host`. */
export const initialState = (host: HostConfig): ModelState => ({
  host: { vendor: host.vendor, tdp: host.tdp, loaded: true },
  vms: new Map(),
  failures: new Map(),
});

/** Returns a copy of `m` with `key` set to `value` (Maps stay immutable for the model). */
export const withEntry = <K, V>(m: ReadonlyMap<K, V>, key: K, value: V): Map<K, V> =>
  new Map(m).set(key, value);

/** Returns a copy of `m` without `key`. */
export const withoutEntry = <K, V>(m: ReadonlyMap<K, V>, key: K): Map<K, V> => {
  const next = new Map(m);
  next.delete(key);
  return next;
};

/** Consumes one injected failure at `site`: null when none is pending. */
export const takeFailure = (s: ModelState, site: AllocSite): ModelState | null => {
  const left = s.failures.get(site) ?? 0;
  return left > 0 ? { ...s, failures: withEntry(s.failures, site, left - 1) } : null;
};
