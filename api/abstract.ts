/**
 * The abstraction of state both sides must agree on after every step. The model keeps it
 * directly; the impl computes it from its kernel-shaped structures. Lists are sorted by id
 * so two abstractions compare by value.
 */
import type { Gfn, SlotId, VcpuId, VmId } from './ids.js';
import type { Vendor } from './ops.js';

export interface AbstractSlot {
  readonly slot: SlotId;
  readonly gfn: Gfn;
  readonly npages: number;
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

export interface AbstractVm {
  readonly vm: VmId;
  readonly slots: readonly AbstractSlot[];
  readonly vcpus: readonly AbstractVcpu[];
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
