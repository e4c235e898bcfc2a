/**
 * Events only a real kernel reports: its kvm and kvmmmu tracepoints as they print, with
 * the fields the kernel gives and nothing made up (no page address, no roots). The kvm
 * adapter (adapters/kvm/src/trace.c) translates them; docs/KVM.md says which fire where.
 * The VM and vCPU are the operation's: the tracepoints name neither (kvm_entry's vcpu_id
 * aside).
 */
import { z } from 'zod';
import { GfnSchema, VcpuIdSchema, VmIdSchema } from './ids.js';
import { int, text } from './bounds.js';

const vm = VmIdSchema;
const vcpu = VcpuIdSchema;
/** a 64-bit value as the trace prints it, in hex (a pte, a gva): not always a safe integer */
const hex = text(18).regex(/^[0-9a-f]{1,16}$/);
/** kvm->arch.mmu_valid_gen (a u8; upstream toggles it between 0 and 1) */
const gen = int(0, 255);
/** a shadow page as KVM_MMU_PAGE_PRINTK prints it (arch/x86/kvm/mmu/mmutrace.h) */
const page = {
  vm,
  gen,
  gfn: GfnSchema,
  /** the role less its `invalid` bit: "l2 8-byte q0 direct wux nxe ad" (level, gpte size, quadrant, direct, access, efer_nx, ad) */
  role: text(64),
  /** role.invalid: the page was zapped while still a root of some vCPU */
  invalid: z.boolean(),
  /** root_count: the vCPUs holding it as a root */
  rootCount: int(0, 2 ** 20),
};
const ev = <K extends string, S extends z.ZodRawShape>(name: K, shape: S, doc: string) =>
  z.strictObject({ ev: z.literal(name), ...shape }).describe(doc);

export const KernelTraceEventSchemas = [
  ev('kvmMmuShadowPage', { ...page, created: z.boolean() }, 'kvm_mmu_get_page: a shadow page handed out, found (created false) or allocated'),
  ev('kvmMmuPrepareZap', page, 'kvm_mmu_prepare_zap_page: unlinked; with rootCount 0 it goes to be freed, else it becomes invalid'),
  ev('kvmMmuZapAllFast', { vm, gen, usedPages: int(0, 2 ** 32 - 1) }, 'kvm_mmu_zap_all_fast: `gen` is the generation it makes obsolete (traced before the toggle)'),
  ev('kvmUnmapHvaRange', { pages: int(0, 2 ** 40) }, 'kvm_unmap_hva_range: the mmu notifier unmapped this many host pages (of any VM of the process)'),
  ev('kvmMmuWalk', { vm, vcpu, addr: hex, pferr: int(0, 2 ** 32 - 1) }, 'kvm_mmu_pagetable_walk: a guest page-table walk for addr began'),
  ev('kvmMmuWalkElement', { vm, vcpu, pte: hex, level: int(0, 5) }, 'kvm_mmu_paging_element: the walker read a guest pte at this level'),
  ev('kvmMmuWalkError', { vm, vcpu, pferr: int(0, 2 ** 32 - 1) }, 'kvm_mmu_walker_error: the walk ends in a guest page fault'),
  ev('kvmEmulateInsn', { vm, vcpu, rip: hex, mode: text(8), failed: z.boolean() }, 'kvm_emulate_insn: the emulator ran a guest instruction (mode real, vm16, prot16, prot32, prot64)'),
  ev('kvmVmEntry', { vm, vcpu }, 'kvm_entry (vmx, svm): the vCPU enters the guest; the kernel traces no root'),
  ev('kvmGuestFault', { vm, vcpu, address: hex, errorCode: int(0, Number.MAX_SAFE_INTEGER) },
    'kvm_page_fault (vmx, svm): an intercepted fault; address is a gpa with ept/npt, a gva with shadow paging'),
] as const;
