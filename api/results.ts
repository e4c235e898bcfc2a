/**
 * Results of operations: what userspace observes. The model predicts each one exactly;
 * a difference is a CONFORMANCE failure.
 */
import type { Gpa, Gva } from './ids.js';

/** Why KVM_RUN returned to userspace after the guest was entered. */
export type ExitReason =
  /** the guest ran its access (if any) and halted */
  | { readonly reason: 'hlt' }
  /** the access hit a gpa no memory slot backs: KVM_EXIT_MMIO */
  | { readonly reason: 'mmio'; readonly gpa: Gpa }
  /** the guest's own page tables do not map the gva: #PF injected into the guest */
  | { readonly reason: 'guestPageFault'; readonly gva: Gva }
  /**
   * the page behind the access is swapped out: async work was queued and "page not
   * present" injected (KVM_PV_REASON_PAGE_NOT_PRESENT); the guest parks the access and halts
   */
  | { readonly reason: 'apfNotPresent' };

export type Result =
  /** the ioctl returned 0 */
  | { readonly kind: 'ok' }
  /** the ioctl returned a negative errno (see api/errno.ts) */
  | { readonly kind: 'errno'; readonly errno: number }
  /** the register write was refused: #GP injected, nothing changed */
  | { readonly kind: 'gp' }
  /** KVM_RUN entered the guest and came back with an exit */
  | ({ readonly kind: 'exit' } & ExitReason)
  /** the emulator's verdict (X86EMUL_*): done, #PF for the guest, or an MMIO exit */
  | { readonly kind: 'emulated'; readonly outcome: 'continue' | 'propagateFault' }
  | { readonly kind: 'emulated'; readonly outcome: 'mmio'; readonly gpa: Gpa }
  /** KVM_TRANSLATE: the gpa, or null when the guest does not map the gva (valid = 0) */
  | { readonly kind: 'translation'; readonly gpa: Gpa | null }
  /** KVM_GET_DIRTY_LOG: the dirty pages of the slot, as offsets from its first gfn */
  | { readonly kind: 'dirtyLog'; readonly pages: readonly number[] }
  /**
   * the guest's hcall returned `ret` (api/hcall.ts) and the guest halted; H_ENTER also
   * returns the HPTE index it used (null unless H_SUCCESS)
   */
  | { readonly kind: 'hcall'; readonly ret: number; readonly index: number | null };

