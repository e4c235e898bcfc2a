/**
 * Why a monitor cannot run on a real kernel: the tracepoint or field the kernel lacks, so
 * the summary says that instead of the event kinds the adapter does not declare. The
 * same table, with where each runs, is docs/KVM.md's "Per monitor".
 */
import type { InvariantId } from '../../api/failures.js';

const KVM_X86: Partial<Record<InvariantId, string>> = {
  ROOT_VALID_AT_ENTRY: 'kvm_entry (vmx/svm only) traces no root, and no tracepoint gives a shadow page address or kvm_mmu_load/free_roots',
  FAILED_LOAD_NO_ENTRY: "no tracepoint for kvm_mmu_load's return, and a failure needs fault injection (failAlloc)",
  ROOTS_FREED_ONCE: 'kvm_mmu_get_page/prepare_zap_page give no page address, and no tracepoint marks kvm_mmu_free_shadow_page or kvm_destroy_vm',
  LOCK_HELD: 'locks are lockdep\'s, reported in the kernel log (KERNEL_SPLAT with CONFIG_PROVE_LOCKING), not per operation',
  LOCK_ORDER: 'lockdep reports lock order in the kernel log (KERNEL_SPLAT with CONFIG_PROVE_LOCKING)',
  LOCK_BALANCED: 'lockdep reports an unbalanced lock in the kernel log (KERNEL_SPLAT with CONFIG_PROVE_LOCKING)',
};

/** The kernel's reason for `id` on an x86 KVM host, when the table has one. */
export const kernelGap = (id: InvariantId): string | undefined => KVM_X86[id];
