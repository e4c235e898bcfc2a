/**
 * The model's state: what must be true, nothing about how. Plain Maps, copied on write by
 * step() so every state a run passes through stays as it was.
 */
import type { Gfn, SlotId, VcpuId, VmId } from '../api/ids.js';
import type { AllocSite, HostConfig, RegisterBits } from '../api/ops.js';
import type { HostMapping, PpcVm } from './ppc/state.js';
import type { RunStage } from './ppc/run.js';
import type { Rules } from './rules.js';

/** A vCPU's async page faults (seed 001): outstanding works are `queued` plus `done`. */
export interface ModelApf {
  /** gfns whose work is queued and whose page has not arrived yet, each with the address
   * the fault handler got (a gpa on a direct map, else the gva) */
  readonly queued: ReadonlyMap<Gfn, number>;
  /** works whose page arrived, in completion order, not yet delivered by KVM_RUN */
  readonly done: readonly { readonly gfn: Gfn; readonly addr: number; readonly errorPage: boolean }[];
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
  /**
   * not loaded only because another vCPU asked every vCPU to reload (kvm_reload_remote_mmus):
   * the vCPU still holds its valid shadow root until its next entry unloads it, so a guest
   * write to that root's gfn zaps it, and asks every vCPU to reload again
   */
  readonly stale?: true;
  /** x86 KVM_RUN between its handled fault and its re-entry: still inside the VM */
  readonly reentering?: true;
  /** TDP: the gfn the CPU's walk found at entry, while the access is still resolving */
  readonly walked?: Gfn | null;
  /** async page faults of this vCPU */
  readonly apf: ModelApf;
  /** PPC: where an unfinished KVM_RUN stands (see ppc/run.ts) */
  readonly ppcRun?: RunStage;
}

export interface ModelSlot {
  /** first guest frame the slot backs */
  readonly gfn: Gfn;
  /** number of pages; never 0 (a deleted slot is absent) */
  readonly npages: number;
  /** KVM_MEM_* flags as last set */
  readonly flags: number;
  /** pages (offsets from gfn) written since the last KVM_GET_DIRTY_LOG, when logging */
  readonly dirty: ReadonlySet<number>;
}

export interface ModelVm {
  /** memory slots by number */
  readonly slots: ReadonlyMap<SlotId, ModelSlot>;
  /** vCPUs by id (a PPC vCPU keeps its reset registers: x86 register ops are refused) */
  readonly vcpus: ReadonlyMap<VcpuId, ModelVcpu>;
  /** KVM_SET_NR_MMU_PAGES value; 0 until userspace sets one */
  readonly nrMmuPages: number;
  /** a PPC HV VM's memory state; null for an x86 VM */
  readonly ppc: PpcVm | null;
  /** guest frames whose host page is swapped out */
  readonly swapped: ReadonlySet<Gfn>;
  /** its destroy has begun and not ended (see destroy.ts): new ioctls do not see it */
  readonly dying?: boolean;
}

/** The vendor module. `vendor` and `tdp` are those of the last load attempt. */
export interface ModelHost extends HostConfig {
  /** loaded with setup complete: VMs can be created */
  readonly loaded: boolean;
}

export interface ModelState {
  /** which kernel's rules hold (model/rules.ts) */
  readonly rules: Rules;
  /** the cr4 and EFER bits the implementation declared (ruleSetOf); absent: the rules' own */
  readonly registerBits?: RegisterBits;
  /** the vendor module and paging flavour */
  readonly host: ModelHost;
  /** live VMs by id */
  readonly vms: ReadonlyMap<VmId, ModelVm>;
  /** injected allocation failures still to come, by `${thread}:${site}` (per task, like make-it-fail) */
  readonly failures: ReadonlyMap<string, number>;
  /** host memory mapped in each (vm, slot) address window (see ppc/state.ts windowOf) */
  readonly mm: ReadonlyMap<number, HostMapping>;
}

/** The module was loaded at boot with `host`. */
export const initialState = (host: HostConfig): ModelState => ({
  rules: host.rules ?? 'seeds',
  ...(host.registerBits && { registerBits: host.registerBits }),
  host: { vendor: host.vendor, tdp: host.tdp, loaded: true },
  vms: new Map(),
  failures: new Map(),
  mm: new Map(),
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

const failureKey = (tid: number, site: AllocSite): string => `${tid}:${site}`;

/** Arms `count` more failures at `site` for the allocations of thread `tid`. */
export const armFailures = (s: ModelState, tid: number, site: AllocSite, count: number): ModelState => {
  const k = failureKey(tid, site);
  return { ...s, failures: withEntry(s.failures, k, (s.failures.get(k) ?? 0) + count) };
};

/** Consumes one injected failure of thread `tid` at `site`: null when none is pending. */
export const takeFailure = (s: ModelState, tid: number, site: AllocSite): ModelState | null => {
  const k = failureKey(tid, site);
  const left = s.failures.get(k) ?? 0;
  return left > 0 ? { ...s, failures: withEntry(s.failures, k, left - 1) } : null;
};
