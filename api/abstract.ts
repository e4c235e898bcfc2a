/**
 * The abstraction of state both sides must agree on after every step. The model keeps it
 * directly; the impl computes it from its kernel-shaped structures. Lists are sorted by id
 * so two abstractions compare by value.
 */
import type { Gfn, SlotId, VcpuId, VmId } from './ids.js';
import type { PpcHvConfig } from './ops.js';
import type { Vendor } from './ops.js';

export interface AbstractSlot {
  readonly slot: SlotId;
  readonly gfn: Gfn;
  readonly npages: number;
  /** KVM_MEM_* flags */
  readonly flags: number;
}

export interface AbstractVcpu {
  readonly vcpu: VcpuId;
  readonly cr0: number;
  readonly cr3: number;
  readonly cr4: number;
  readonly efer: number;
  /** gfns of the async page faults queued and not yet delivered, sorted */
  readonly asyncPf: readonly Gfn[];
  /** halted until an async page arrives (KVM_REQ_APF_HALT after a doublefault) */
  readonly apfHalted: boolean;
}

/** One known slot_phys entry of a PPC VM: a pinned page, or a page of the RMO. */
export interface AbstractPhys {
  readonly slot: SlotId;
  /** index of the RAM page (of 2^ramPorder bytes) in the slot */
  readonly page: number;
  readonly kind: 'pinned' | 'rmo';
}

/** What a PPC HV VM has beyond its slots: its vCPUs, RMA, pinned pages and HPTEs. */
export interface AbstractPpcVm extends PpcHvConfig {
  readonly vcpus: readonly VcpuId[];
  /** how the guest's real-mode area was set up on the first run: not yet, RMO or VRMA */
  readonly rma: 'none' | 'rmo' | 'vrma';
  readonly phys: readonly AbstractPhys[];
  /** valid HPTEs by index, with the guest physical address each maps */
  readonly hptes: readonly { readonly index: number; readonly gpa: number }[];
}

export interface AbstractVm {
  readonly vm: VmId;
  /** the shadow-page budget userspace set (KVM_SET_NR_MMU_PAGES) */
  readonly nrMmuPages: number;
  readonly slots: readonly AbstractSlot[];
  /** x86 vCPUs with their registers (a PPC VM lists its vCPUs under `ppc`) */
  readonly vcpus: readonly AbstractVcpu[];
  readonly ppc?: AbstractPpcVm;
  /** guest frames whose host page is swapped out, sorted */
  readonly swappedOut: readonly Gfn[];
}

/** Which spte layout the PTE masks describe: EPT's (vmx with tdp) or the x86 page-table one. */
export type SpteFormat = 'ept' | 'x86' | 'mixed';

/** The vendor module: loaded with setup complete (VMs can be created), or not. */
export type AbstractHost =
  | { readonly loaded: false }
  | { readonly loaded: true; readonly vendor: Vendor; readonly tdp: boolean; readonly spte: SpteFormat };

export interface AbstractState {
  readonly host: AbstractHost;
  readonly vms: readonly AbstractVm[];
}

/*
 * Left out on purpose: whether a root is loaded between operations, and how many injected
 * failures are pending. Both are the impl's freedom as long as entries and results obey the
 * rules; the monitors and the results check them where they matter.
 */
