/**
 * The abstraction of state both sides must agree on after every step. The model keeps it
 * directly; the impl computes it from its kernel-shaped structures. Lists are sorted by id
 * so two abstractions compare by value.
 */
import type { Gfn, SlotId, VcpuId, VmId } from './ids.js';
import type { HostConfig } from './ops.js';

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
}

export interface AbstractVm {
  readonly vm: VmId;
  /** the shadow-page budget userspace set (KVM_SET_NR_MMU_PAGES) */
  readonly nrMmuPages: number;
  readonly slots: readonly AbstractSlot[];
  readonly vcpus: readonly AbstractVcpu[];
}

export interface AbstractState {
  readonly host: HostConfig;
  readonly vms: readonly AbstractVm[];
}

/*
 * Left out on purpose: whether a root is loaded between operations, and how many injected
 * failures are pending. Both are the impl's freedom as long as entries and results obey the
 * rules; the monitors and the results check them where they matter.
 */
