/**
 * The abstraction of state both sides must agree on after every step. The model keeps it
 * directly; the impl computes it from its kernel-shaped structures. Lists are sorted by id
 * so two abstractions compare by value.
 */
import { z } from 'zod';
import { GfnSchema, SlotIdSchema, VcpuIdSchema, VmIdSchema } from './ids.js';
import { PpcCpuSchema, VendorSchema } from './ops.js';
import { MAX_NPAGES, MAX_MMU_PAGES, int, list, oneOf } from './bounds.js';

const MAX_LIST = 4096;
const reg = int(0, Number.MAX_SAFE_INTEGER);

export const AbstractSlotSchema = z.strictObject({
  slot: SlotIdSchema,
  gfn: GfnSchema,
  npages: int(0, MAX_NPAGES),
  /** KVM_MEM_* flags */
  flags: int(0, 2 ** 32 - 1),
});
export type AbstractSlot = z.infer<typeof AbstractSlotSchema>;

export const AbstractVcpuSchema = z.strictObject({
  vcpu: VcpuIdSchema,
  cr0: reg,
  cr3: reg,
  cr4: reg,
  efer: reg,
  /** gfns of the async page faults queued and not yet delivered, sorted */
  asyncPf: list(GfnSchema, MAX_LIST),
  /** halted until an async page arrives (KVM_REQ_APF_HALT after a doublefault) */
  apfHalted: z.boolean(),
});
export type AbstractVcpu = z.infer<typeof AbstractVcpuSchema>;

/** One known slot_phys entry of a PPC VM: a pinned page, or a page of the RMO. */
export const AbstractPhysSchema = z.strictObject({
  slot: SlotIdSchema,
  /** index of the RAM page (of 2^ramPorder bytes) in the slot */
  page: int(0, 2 ** 20),
  kind: z.enum(['pinned', 'rmo']),
});
export type AbstractPhys = z.infer<typeof AbstractPhysSchema>;

/** What a PPC HV VM has beyond its slots: its vCPUs, RMA, pinned pages and HPTEs. */
export const AbstractPpcVmSchema = z.strictObject({
  cpu: PpcCpuSchema,
  ramPorder: z.union([z.literal(16), z.literal(24)]),
  vcpus: list(VcpuIdSchema, MAX_LIST),
  /** how the guest's real-mode area was set up on the first run: not yet, RMO or VRMA */
  rma: z.enum(['none', 'rmo', 'vrma']),
  phys: list(AbstractPhysSchema, MAX_LIST),
  /** valid HPTEs by index, with the guest physical address each maps */
  hptes: list(z.strictObject({ index: int(0, 2 ** 20), gpa: int(0, Number.MAX_SAFE_INTEGER) }), MAX_LIST),
});
export type AbstractPpcVm = z.infer<typeof AbstractPpcVmSchema>;

export const AbstractVmSchema = z.strictObject({
  vm: VmIdSchema,
  /** the shadow-page budget userspace set (KVM_SET_NR_MMU_PAGES) */
  nrMmuPages: int(0, MAX_MMU_PAGES),
  slots: list(AbstractSlotSchema, MAX_LIST),
  /** x86 vCPUs with their registers (a PPC VM lists its vCPUs under `ppc`) */
  vcpus: list(AbstractVcpuSchema, MAX_LIST),
  ppc: AbstractPpcVmSchema.optional(),
  /** guest frames whose host page is swapped out, sorted */
  swappedOut: list(GfnSchema, MAX_LIST),
});
export type AbstractVm = z.infer<typeof AbstractVmSchema>;

/** Which spte layout the PTE masks describe: EPT's (vmx with tdp) or the x86 page-table one. */
export const SpteFormatSchema = oneOf(['ept', 'x86', 'mixed']);
export type SpteFormat = z.infer<typeof SpteFormatSchema>;

/** The vendor module: loaded with setup complete (VMs can be created), or not. */
export const AbstractHostSchema = z.discriminatedUnion('loaded', [
  z.strictObject({ loaded: z.literal(false) }),
  z.strictObject({ loaded: z.literal(true), vendor: VendorSchema, tdp: z.boolean(), spte: SpteFormatSchema }),
]);
export type AbstractHost = z.infer<typeof AbstractHostSchema>;

export const AbstractStateSchema = z.strictObject({
  host: AbstractHostSchema,
  vms: list(AbstractVmSchema, MAX_LIST),
});
export type AbstractState = z.infer<typeof AbstractStateSchema>;

/**
 * The parts of the abstract state an implementation can show (its capabilities say which);
 * conformance compares only those, and says which it could not.
 */
export const ABSTRACT_PARTS = ['host', 'vms', 'slots', 'nrMmuPages', 'vcpus', 'registers', 'asyncPf', 'swappedOut', 'ppc'] as const;
export const AbstractPartSchema = oneOf(ABSTRACT_PARTS);
export type AbstractPart = z.infer<typeof AbstractPartSchema>;

/*
 * Left out on purpose: whether a root is loaded between operations, and how many injected
 * failures are pending. Both are the impl's freedom as long as entries and results obey the
 * rules; the monitors and the results check them where they matter.
 */
