/**
 * Control registers and the guest's view of its memory: kvm_set_cr0/3/4, set_efer,
 * load_pdptrs. The guest page-table walk is paging-tmpl.ts. @see arch/x86/kvm/x86.c
 */
import type { CrReg } from '../../api/ops.js';
import type { Gfn } from '../../api/ids.js';
import type { Gen } from '../preempt.js';
import type { KvmVcpu } from './structs.js';
import { gfnToMemslot } from './memslots.js';
import { guestPteAt } from './guest-pte.js';

export const X86_CR0_PE = 1 << 0;
export const X86_CR0_PG = 0x80000000;
export const X86_CR4_PSE = 1 << 4;
export const X86_CR4_PAE = 1 << 5;
export const X86_CR4_PGE = 1 << 7;
export const EFER_SCE = 1 << 0;
export const EFER_LME = 1 << 8;
export const EFER_NX = 1 << 11;
const CR4_RESERVED_BITS = ~(X86_CR4_PSE | X86_CR4_PAE | X86_CR4_PGE);
const EFER_RESERVED_BITS = ~(EFER_SCE | EFER_LME | EFER_NX);
/** pdptr_rsvd_bits for MAXPHYADDR 48: bits 48-51, 2, 7 and 8 (see loadPdptrs for 1, 5, 6) */
const PDPTE_RSVD = (0xfn << 48n) | (1n << 2n) | (3n << 7n);

type Regs = Pick<KvmVcpu, 'cr0' | 'cr4' | 'efer'>;
export const isPaging = (v: Regs): boolean => (v.cr0 & X86_CR0_PG) !== 0;
export const isPae = (v: Regs): boolean => (v.cr4 & X86_CR4_PAE) !== 0;
/** EFER.LMA: long mode is active when LME is set and paging is on */
export const isLongMode = (v: Regs): boolean => isPaging(v) && (v.efer & EFER_LME) !== 0;

/**
 * load_pdptrs(): the four PDPTEs at cr3 (32-byte aligned) under mmap_sem, or null if the
 * page is not guest memory or a present PDPTE sets a reserved bit. RW, A and D are
 * reserved in a PDPTE too, but the guest's tables set them in every present entry (so
 * walks never write the tables; docs/OPERATIONS.md): they are left out of the mask.
 * The caller stores the PDPTRs only once the register write succeeds (see kvmSetCr).
 */
export function* loadPdptrs(vcpu: KvmVcpu, cr3: number): Gen<number[] | null> {
  const kvm = vcpu.kvm;
  const mm = kvm.host.mmapSem;
  const tid = kvm.host.current;
  const pdptGfn = Math.floor(cr3 / 4096) as Gfn;
  const offset = (cr3 & 0xfe0) >>> 3;
  yield* mm.downRead(tid);
  yield { at: 'guestMem' };
  kvm.host.trace.emit({ ev: 'kvmGuestMem', vm: kvm.vmId, what: 'pdptr', gfn: pdptGfn });
  const readable = gfnToMemslot(kvm, pdptGfn) !== undefined;
  mm.upRead(tid);
  if (!readable) return null;
  const pdpte = [0, 1, 2, 3].map((i) => guestPteAt(pdptGfn, offset + i, 8));
  if (pdpte.some((e) => (e & 1n) !== 0n && (e & PDPTE_RSVD) !== 0n)) return null;
  return pdpte.map(Number);
}

/**
 * The architectural checks of a register write: the value to store, or 'gp'. `needsPdptrs`
 * says the write enters or stays in PAE paging, so the PDPTRs must be loaded from cr3.
 */
export const checkCrWrite = (vcpu: KvmVcpu, reg: CrReg, value: number): { needsPdptrs: boolean } | 'gp' => {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) return 'gp';
  const next = { cr0: vcpu.cr0, cr4: vcpu.cr4, efer: vcpu.efer, [reg]: value };
  const paePaging = isPaging(next) && isPae(next) && !isLongMode(next);
  switch (reg) {
    case 'cr0':
      if ((value & X86_CR0_PG) && !(value & X86_CR0_PE)) return 'gp';
      if (!isPaging(vcpu) && isLongMode(next) && !isPae(vcpu)) return 'gp';
      return { needsPdptrs: paePaging };
    case 'cr4':
      if (value & CR4_RESERVED_BITS) return 'gp';
      if (isLongMode(vcpu) && !(value & X86_CR4_PAE)) return 'gp';
      return { needsPdptrs: paePaging };
    case 'efer':
      if (value & EFER_RESERVED_BITS) return 'gp';
      if (isPaging(vcpu) && ((value ^ vcpu.efer) & EFER_LME)) return 'gp';
      return { needsPdptrs: false };
    case 'cr3':
      return { needsPdptrs: paePaging };
  }
};
