/**
 * Which kernel the model describes. By default the rules of the five seed patches (Linux
 * 2.6.3x to 3.3): the built-in implementation keeps them. A case whose host config says
 * `rules: "upstream"` runs under current upstream Linux where it changed a rule the seeds
 * state or imply; the real-KVM adapter declares those. Each difference names the upstream
 * function it comes from.
 */
import { KVM_MEM_LOG_DIRTY_PAGES, type RegisterBits } from '../api/ops.js';

export type Rules = 'seeds' | 'upstream';

export const KVM_MEM_READONLY = 1 << 1;

const CR4_PSE = 1 << 4;
const CR4_PAE = 1 << 5;
const CR4_PGE = 1 << 7;
const EFER_SCE = 1 << 0;
const EFER_LME = 1 << 8;
const EFER_NX = 1 << 11;

export interface RuleSet {
  /** memslot ids userspace may use (KVM_MEMORY_SLOTS; upstream KVM_USER_MEM_SLOTS on x86) */
  readonly memSlots: number;
  /** vCPU ids KVM_CREATE_VCPU accepts (KVM_MAX_VCPUS; upstream KVM_MAX_VCPU_IDS) */
  readonly vcpuIds: number;
  /** KVM_SET_USER_MEMORY_REGION flags accepted */
  readonly slotFlags: number;
  /** deleting a slot that does not exist: 0, or -EINVAL upstream */
  readonly deleteMissingFails: boolean;
  /** kvm_set_cr3 refuses a cr3 no memslot backs */
  readonly cr3NeedsMemslot: boolean;
  /** kvm_set_cr0 sets CR0.ET, and clearing CR0.PG in 64-bit mode is a #GP */
  readonly cr0Upstream: boolean;
  /** a memslot moved with dirty logging on before and after keeps its dirty log */
  readonly moveKeepsDirtyLog: boolean;
  /** the last gfn a created or moved memslot may cover, or null: no limit */
  readonly maxGfn: number | null;
  /** the cr4 bits a write may set; the others are reserved (#GP) */
  readonly cr4Bits: number;
  /** the EFER bits a write may set; the others are reserved (#GP) */
  readonly eferBits: number;
  /** long mode: a cr3 below 2^cr3PhysBits is valid (null: a cr3 is 32 bits in every mode) */
  readonly cr3PhysBits: number | null;
  /** an EFER write's LMA bit is ignored (not a reserved bit) */
  readonly eferLmaIgnored: boolean;
  /** a shadow root whose gfn no memslot backs is a triple fault at KVM_RUN (mmu_check_root) */
  readonly rootNeedsMemslot: boolean;
  /**
   * Roots are retired by generation, not one by one. Upstream arch/x86/kvm/mmu/mmu.c:
   * kvm_mmu_zap_all_fast() toggles kvm->arch.mmu_valid_gen, which makes every shadow page
   * of the old generation obsolete (is_obsolete_sp()); kvm_mmu_find_shadow_page() skips
   * obsolete pages (for_each_valid_sp) and kvm_mmu_alloc_shadow_page() stamps the current
   * generation, so kvm_mmu_get_shadow_page() never hands out an obsolete page;
   * kvm_zap_obsolete_pages() prepare-zaps every obsolete page before kvm_mmu_zap_all_fast()
   * returns (a root still held becomes invalid), and KVM_REQ_MMU_FREE_OBSOLETE_ROOTS makes
   * vcpu_enter_guest() call kvm_mmu_free_obsolete_roots() before the next entry. The seeds
   * zap roots one by one (kvm_mmu_zap_all, seed 000). oracle/monitors/ROOTS_BY_GENERATION.ts
   * checks it from the kvmmmu tracepoints.
   */
  readonly rootsByGeneration: boolean;
}

export const RULES: Readonly<Record<Rules, RuleSet>> = {
  seeds: {
    memSlots: 32,
    vcpuIds: 8,
    slotFlags: KVM_MEM_LOG_DIRTY_PAGES,
    deleteMissingFails: false,
    // seed 003's kvm_set_cr3: "Does the new cr3 value map to physical memory?"
    cr3NeedsMemslot: true,
    cr0Upstream: false,
    // the seed-era model: a moved slot starts with a clean log (the built-in implementation's rule)
    moveKeepsDirtyLog: false,
    // the seed-era kernels check no gfn limit
    maxGfn: null,
    // the seed-era model knows PSE, PAE and PGE in cr4, and SCE, LME and NX in EFER
    cr4Bits: CR4_PSE | CR4_PAE | CR4_PGE,
    eferBits: EFER_SCE | EFER_LME | EFER_NX,
    cr3PhysBits: null,
    // the seed-era model refuses every EFER bit it does not know
    eferLmaIgnored: false,
    // seed 003 refuses such a cr3 at the write instead; a root left unbacked walks as not present
    rootNeedsMemslot: false,
    rootsByGeneration: false,
  },
  upstream: {
    // include/linux/kvm_host.h: KVM_USER_MEM_SLOTS = KVM_MEM_SLOTS_NUM - KVM_INTERNAL_MEM_SLOTS (32767 - 3)
    memSlots: 32764,
    // arch/x86/include/asm/kvm_host.h KVM_MAX_VCPU_IDS (kvm_vm_ioctl_create_vcpu: id >= max_vcpu_ids)
    vcpuIds: 4096,
    // virt/kvm/kvm_main.c check_memory_region_flags(): KVM_MEM_READONLY with __KVM_HAVE_READONLY_MEM
    slotFlags: KVM_MEM_LOG_DIRTY_PAGES | KVM_MEM_READONLY,
    // __kvm_set_memory_region(): "if (!old || !old->npages) return -EINVAL" on delete
    deleteMissingFails: true,
    // arch/x86/kvm/x86.c kvm_set_cr3() checks reserved bits and PAE PDPTRs only
    cr3NeedsMemslot: false,
    // kvm_set_cr0(): "cr0 |= X86_CR0_ET"; kvm_is_valid_cr0()/kvm_set_cr0(): !PG && is_64_bit_mode()
    cr0Upstream: true,
    // virt/kvm/kvm_main.c kvm_prepare_memory_region(): "If logging is enabled in both old and
    // new, reuse the existing bitmap" (KVM_MR_MOVE included; found on 6.18, docs/KVM.md 12)
    moveKeepsDirtyLog: true,
    // arch/x86/kvm/x86.c kvm_arch_prepare_memory_region(): on create and move, "if ((new->base_gfn +
    // new->npages - 1) > kvm_mmu_max_gfn()) return -EINVAL"; kvm_mmu_max_gfn() is 2^(52-12)-1 under
    // shadow paging (max_gpa_bits 52); under TDP it is the host's MAXPHYADDR, not modelled (found on
    // 6.18 by the gfn domain: fuzz --impl kvm --seed 7, docs/KVM.md 15)
    maxGfn: 2 ** 40 - 1,
    // arch/x86/include/asm/kvm_host.h CR4_RESERVED_BITS leaves these to every guest; the others
    // depend on its CPUID (arch/x86/kvm/x86.h __cr4_reserved_bits): an implementation declares
    // them (Capabilities.registerBits, ruleSetOf below)
    cr4Bits: 0x7ff, // VME PVI TSD DE PSE PAE MCE PGE PCE OSFXSR OSXMMEXCPT
    // arch/x86/kvm/x86.c: efer_reserved_bits = ~EFER_SCE, and kvm_enable_efer_bits() LME and NX
    // as the CPUID has them (kvm_set_cpu_caps); a declaration replaces it
    eferBits: EFER_SCE | EFER_LME | EFER_NX,
    // arch/x86/kvm/x86.c kvm_set_cr3(): kvm_vcpu_is_illegal_gpa(cr3) in long mode, the bits at and above
    // the guest's MAXPHYADDR (cpuid_query_maxphyaddr(): 36 without CPUID leaf 0x80000008); declared
    // as registerBits.physBits (found on 6.18, docs/KVM.md 18)
    cr3PhysBits: 36,
    // arch/x86/kvm/x86.c set_efer(): "efer &= ~EFER_LMA; efer |= vcpu->arch.efer & EFER_LMA" (found on 6.18, docs/KVM.md 13)
    eferLmaIgnored: true,
    // arch/x86/kvm/mmu/mmu.c mmu_alloc_shadow_roots() -> mmu_check_root(): !kvm_vcpu_is_visible_gfn()
    // makes KVM_REQ_TRIPLE_FAULT, and vcpu_enter_guest() exits with KVM_EXIT_SHUTDOWN
    rootNeedsMemslot: true,
    rootsByGeneration: true,
  },
};

/**
 * The rule set a state is held to: its rules' own, with the register bits the
 * implementation declared (HostConfig.registerBits) in place of the rule set's.
 */
export const ruleSetOf = (s: { readonly rules: Rules; readonly registerBits?: RegisterBits | undefined }): RuleSet =>
  s.registerBits
    ? { ...RULES[s.rules], cr4Bits: s.registerBits.cr4, eferBits: s.registerBits.efer, ...(s.registerBits.physBits !== undefined && RULES[s.rules].cr3PhysBits !== null && { cr3PhysBits: s.registerBits.physBits }) }
    : RULES[s.rules];
