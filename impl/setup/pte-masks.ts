/**
 * The spte bit masks (shadow_*_mask): which bits of an spte mean present, user, accessed,
 * dirty, no-execute and execute. They are module globals; the vendor module may change
 * them in its hardware_setup(), so they are reset before it runs.
 * @see arch/x86/kvm/mmu/spte.c kvm_mmu_reset_all_pte_masks(), kvm_mmu_set_ept_masks()
 */
import type { SpteFormat } from '../../api/abstract.js';

export const PT_PRESENT_MASK = 1n << 0n;
export const PT_USER_MASK = 1n << 2n;
export const PT_ACCESSED_MASK = 1n << 5n;
export const PT_DIRTY_MASK = 1n << 6n;
export const PT64_NX_MASK = 1n << 63n;

export const VMX_EPT_READABLE_MASK = 1n << 0n;
export const VMX_EPT_EXECUTABLE_MASK = 1n << 2n;
export const VMX_EPT_ACCESS_BIT = 1n << 8n;
export const VMX_EPT_DIRTY_BIT = 1n << 9n;

/** the shadow_*_mask globals */
export interface PteMasks {
  /** bits every present spte has */
  present: bigint;
  /** user-accessible (EPT: readable) */
  user: bigint;
  /** accessed bit, 0 without A/D bits */
  accessed: bigint;
  /** dirty bit, 0 without A/D bits */
  dirty: bigint;
  /** no-execute (x86 PTEs) */
  nx: bigint;
  /** execute (EPT) */
  x: bigint;
}

const X86_MASKS: Readonly<PteMasks> = {
  present: PT_PRESENT_MASK, user: PT_USER_MASK, accessed: PT_ACCESSED_MASK, dirty: PT_DIRTY_MASK, nx: PT64_NX_MASK, x: 0n,
};

const EPT_MASKS: Readonly<PteMasks> = {
  present: VMX_EPT_READABLE_MASK, user: VMX_EPT_READABLE_MASK, accessed: VMX_EPT_ACCESS_BIT, dirty: VMX_EPT_DIRTY_BIT, nx: 0n, x: VMX_EPT_EXECUTABLE_MASK,
};

/** the globals before anything set them: all zero */
export const noPteMasks = (): PteMasks => ({ present: 0n, user: 0n, accessed: 0n, dirty: 0n, nx: 0n, x: 0n });

/** kvm_mmu_reset_all_pte_masks(): the x86 page-table layout */
export const kvmMmuResetAllPteMasks = (m: PteMasks): void => void Object.assign(m, X86_MASKS);

/** kvm_mmu_set_ept_masks(): vmx with EPT (A/D bits and execute-only supported here) */
export const kvmMmuSetEptMasks = (m: PteMasks): void => void Object.assign(m, EPT_MASKS);

const same = (a: PteMasks, b: PteMasks): boolean =>
  a.present === b.present && a.user === b.user && a.accessed === b.accessed && a.dirty === b.dirty && a.nx === b.nx && a.x === b.x;

/** Which layout the masks describe, for the abstraction. */
export const spteFormatOf = (m: PteMasks): SpteFormat => (same(m, EPT_MASKS) ? 'ept' : same(m, X86_MASKS) ? 'x86' : 'mixed');
