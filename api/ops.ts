/**
 * Operations the fuzzer issues, as plain JSON-able data. One union for every subsystem so
 * that a test case is a list of these and can be stored, replayed, diffed and sent to an
 * implementation in another process. Names follow the ioctl or kernel entry point. The zod
 * schemas are the single source of truth: the types are inferred from them, and
 * `npm run schema` writes them out as JSON Schema (schema/).
 */
import { z } from 'zod';
import { GfnSchema, GpaSchema, GvaSchema, SlotIdSchema, VcpuIdSchema, VmIdSchema } from './ids.js';
import { MAX_MMU_PAGES, MAX_NPAGES, MAX_U32, int, oneOf } from './bounds.js';

/** The vendor module loaded next to kvm.ko: kvm-intel (vmx) or kvm-amd (svm). */
export const VendorSchema = oneOf(['vmx', 'svm']);
export type Vendor = z.infer<typeof VendorSchema>;

/**
 * The cr4 and EFER bits a vCPU accepts (a set bit: a write may set it; any other set bit is
 * reserved and the write is a #GP). Upstream Linux takes them from the guest's CPUID
 * (arch/x86/kvm/x86.h __cr4_reserved_bits, kvm_vcpu_after_set_cpuid; kvm_enable_efer_bits).
 */
export const RegisterBitsSchema = z.strictObject({
  cr4: int(0, MAX_U32),
  efer: int(0, MAX_U32),
  /** the guest's MAXPHYADDR (CPUID 0x80000008 eax[7:0]): a long-mode cr3 with a bit at or above it is a #GP (kvm_set_cr3) */
  physBits: int(32, 52).optional(),
});
export type RegisterBits = z.infer<typeof RegisterBitsSchema>;

/** How the host is set up before the first operation (the module loaded at boot). */
export const HostConfigSchema = z.strictObject({
  /** vendor module: kvm-intel (vmx) or kvm-amd (svm) */
  vendor: VendorSchema,
  /** two-dimensional paging (EPT/NPT): the MMU uses a direct map */
  tdp: z.boolean(),
  /**
   * which kernel's rules the model holds the case to: the seed patches' (default) or
   * current upstream Linux's where they changed (model/rules.ts)
   */
  rules: oneOf(['seeds', 'upstream']).optional(),
  /**
   * the cr4 and EFER bits the implementation's vCPUs accept (Capabilities.registerBits,
   * copied into every case it runs); absent: the rule set's own (model/rules.ts)
   */
  registerBits: RegisterBitsSchema.optional(),
});
export type HostConfig = z.infer<typeof HostConfigSchema>;

/** Control registers a vCPU write can change; each write resets the MMU context. */
export const CrRegSchema = oneOf(['cr0', 'cr3', 'cr4', 'efer']);
export type CrReg = z.infer<typeof CrRegSchema>;

/** Allocation sites where the harness can make the next N allocations fail (README "Fault-injection sites"). */
export const AllocSiteSchema = oneOf([
  'mmuTopup', 'vzalloc', 'gup', 'rma', 'asyncPfWork',
  'vendorHardwareSetup', 'pteListDescCache', 'mmuPageHeaderCache', 'percpuCounter',
]);
export type AllocSite = z.infer<typeof AllocSiteSchema>;

/** The POWER processor a PPC HV guest runs on: POWER7 (ISA 2.06) or PPC970 (ISA 2.01). */
export const PpcCpuSchema = oneOf(['power7', 'ppc970']);
export type PpcCpu = z.infer<typeof PpcCpuSchema>;

/** A PPC HV (book3s_hv) VM: its CPU and the page order of its RAM (kvm->arch.ram_porder). */
export const PpcHvConfigSchema = z.strictObject({
  cpu: PpcCpuSchema,
  /** 24: 16 MB pages, as the kernel uses; 16: 64 KB pages, the smaller configuration */
  ramPorder: z.union([z.literal(16), z.literal(24)], { error: 'expected 16 or 24' }),
});
export type PpcHvConfig = z.infer<typeof PpcHvConfigSchema>;

/** What the emulated instruction does with memory. */
export const EmulatedAccessSchema = oneOf(['read', 'write', 'cmpxchg']);
export type EmulatedAccess = z.infer<typeof EmulatedAccessSchema>;

export const KVM_MEM_LOG_DIRTY_PAGES = 1;

/** A memory access the guest makes once it is entered. */
export const GuestAccessSchema = z.strictObject({ gva: GvaSchema, write: z.boolean() });
export type GuestAccess = z.infer<typeof GuestAccessSchema>;

const vm = VmIdSchema;
const vcpu = VcpuIdSchema;
const op = <K extends string, S extends z.ZodRawShape>(kind: K, shape: S, doc: string) =>
  z.strictObject({ kind: z.literal(kind), ...shape }).describe(doc);

export const OpSchema = z.discriminatedUnion('kind', [
  op('createVm', { vm, ppc: PpcHvConfigSchema.optional() }, 'KVM_CREATE_VM: an x86 VM, or a PPC HV VM when `ppc` is given'),
  op('destroyVm', { vm }, 'close of the last VM fd: kvm_destroy_vm'),
  op('setMemoryRegion', {
    vm, slot: SlotIdSchema, gfn: GfnSchema, npages: int(0, MAX_NPAGES),
    /** KVM_MEM_LOG_DIRTY_PAGES (1) turns dirty logging on; absent means 0 */
    flags: int(0, 2 ** 32 - 1).optional(),
  }, 'KVM_SET_USER_MEMORY_REGION; npages 0 deletes the slot, a new gfn moves it'),
  op('createVcpu', { vm, vcpu }, 'KVM_CREATE_VCPU'),
  op('setCr', { vm, vcpu, reg: CrRegSchema, value: int(0, Number.MAX_SAFE_INTEGER) }, 'a cr0/cr3/cr4/efer write (KVM_SET_SREGS or a guest mov-to-cr exit)'),
  op('resetVcpu', { vm, vcpu }, 'INIT: kvm_vcpu_reset, registers to their reset values and kvm_mmu_reset_context'),
  op('run', {
    vm, vcpu, access: GuestAccessSchema.nullable(),
    /** the guest's RFLAGS.IF for this run (kvm_x86_ops->interrupt_allowed): only then may a fault go async */
    interruptsAllowed: z.boolean().optional(),
  }, 'KVM_RUN: deliver completed async page faults, reload the root, enter, let the guest make `access` (if any)'),
  op('emulate', { vm, vcpu, access: EmulatedAccessSchema, gva: GvaSchema }, 'the instruction emulator touches gva: emulator_read/write/cmpxchg_emulated'),
  op('translate', { vm, vcpu, gva: GvaSchema }, 'KVM_TRANSLATE: the guest walk of gva, as userspace asks for it'),
  op('getDirtyLog', { vm, slot: SlotIdSchema }, "KVM_GET_DIRTY_LOG: fetch and clear a slot's dirty bitmap"),
  op('setNrMmuPages', { vm, pages: int(0, MAX_MMU_PAGES) }, "KVM_SET_NR_MMU_PAGES: the VM's shadow-page budget"),
  op('swapOut', { vm, gfn: GfnSchema }, 'host reclaim swaps out the page behind `gfn` (MADV_PAGEOUT); the mmu notifier zaps its sptes'),
  op('asyncPfDone', { vm, vcpu, gfn: GfnSchema }, 'the async work `vcpu` queued for `gfn` finishes: async_pf_execute() got the page'),
  op('moduleLoad', { vendor: VendorSchema, tdp: z.boolean() }, 'modprobe of the vendor module (kvm_intel ept=, kvm_amd npt=): kvm_init()'),
  op('moduleUnload', {}, 'rmmod of the loaded vendor module: kvm_exit()'),
  op('failAlloc', { site: AllocSiteSchema, count: int(0, 1000) }, 'fault injection: the next `count` allocations at `site` fail'),
  op('mapHostMemory', { vm, slot: SlotIdSchema, pageShift: int(0, 63), pages: int(0, 2 ** 20) },
    'mmap (MAP_FIXED) of `pages` pages of 2^pageShift bytes at the start of the host address window of (vm, slot); replaces what was there'),
  op('unmapHostMemory', { vm, slot: SlotIdSchema }, 'munmap of the whole host address window of (vm, slot)'),
  op('allocRma', { vm, slot: SlotIdSchema }, 'KVM_ALLOCATE_RMA on a PPC VM, the RMA file mmapped over the window of (vm, slot)'),
  op('hEnter', { vm, vcpu, pteIndex: int(0, 2 ** 20), exact: z.boolean(), gpa: GpaSchema, pageShift: int(0, 63) },
    'KVM_RUN of a PPC vCPU whose guest makes one H_ENTER hcall: an HPTE for the page of 2^pageShift bytes at `gpa`, at `pteIndex` exactly or in its group of eight'),
]);
export type Op = z.infer<typeof OpSchema>;
export type OpKind = Op['kind'];

/** Every operation kind, in the schema's order. */
export const OP_KINDS: readonly OpKind[] = OpSchema.options.map((o) => o.shape.kind.value);
export const OpKindSchema = oneOf(OP_KINDS as [OpKind, ...OpKind[]]);

export type { TestCase, Preemption } from './case.js';
