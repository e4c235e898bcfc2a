/**
 * Control registers and the guest's view of its memory: kvm_set_cr0/3/4, set_efer,
 * load_pdptrs and the guest page-table walk. @see arch/x86/kvm/x86.c
 */
import type { CrReg } from '../../api/ops.js';
import type { Gfn } from '../../api/ids.js';
import type { Gen } from '../preempt.js';
import type { Kvm, KvmVcpu } from './structs.js';
import { PT_PRESENT_MASK } from './structs.js';
import { gfnToMemslot } from './memslots.js';

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

type Regs = Pick<KvmVcpu, 'cr0' | 'cr4' | 'efer'>;
export const isPaging = (v: Regs): boolean => (v.cr0 & X86_CR0_PG) !== 0;
export const isPae = (v: Regs): boolean => (v.cr4 & X86_CR4_PAE) !== 0;
/** EFER.LMA: long mode is active when LME is set and paging is on */
export const isLongMode = (v: Regs): boolean => isPaging(v) && (v.efer & EFER_LME) !== 0;

/** guest-virtual pages the guest's page tables map (README: guest page-table layout) */
export const GUEST_MAPPED_PAGES = 64;
export const GUEST_FRAMES = 64;

/**
 * What the guest keeps in its page tables: every level lives in the page at cr3, and leaf
 * entry v maps frame (v + table gfn) mod 64. Null when no memslot backs the table page.
 */
const guestPte = (kvm: Kvm, table: Gfn, level: number, page: number): number | null => {
  if (!gfnToMemslot(kvm, table)) return null;
  if (page >= GUEST_MAPPED_PAGES) return 0;
  const target = level > 1 ? table : (page + table) % GUEST_FRAMES;
  return (target << 12) | PT_PRESENT_MASK;
};

const guestLevels = (vcpu: KvmVcpu): number => (isLongMode(vcpu) ? 4 : isPae(vcpu) ? 3 : 2);

/** kvm_read_guest() of one guest PTE: the caller holds mmap_sem */
export function* kvmReadGuestPte(kvm: Kvm, table: Gfn, level: number, page: number, what: 'walk' | 'pdptr'): Gen<number | null> {
  yield { at: 'guestMem' };
  kvm.host.trace.emit({ ev: 'kvmGuestMem', vm: kvm.vmId, what, gfn: table });
  return guestPte(kvm, table, level, page);
}

/**
 * load_pdptrs(): the four PDPTEs from the page at cr3 under mmap_sem, or null if unreadable.
 * The caller stores them only once the register write succeeds (see kvmSetCr).
 */
export function* loadPdptrs(vcpu: KvmVcpu, cr3: number): Gen<number[] | null> {
  const mm = vcpu.kvm.host.mmapSem;
  const tid = vcpu.kvm.host.current;
  yield* mm.downRead(tid);
  const pdpte = yield* kvmReadGuestPte(vcpu.kvm, (cr3 >>> 12) as Gfn, 3, 0, 'pdptr');
  mm.upRead(tid);
  return pdpte === null ? null : [pdpte, pdpte, pdpte, pdpte];
}

/** FNAME(walk_addr): the gfn a gva maps to, or null (the guest takes a #PF); under mmap_sem */
export function* walkAddr(vcpu: KvmVcpu, gva: number): Gen<Gfn | null> {
  if (!isPaging(vcpu)) return (gva >>> 12) as Gfn;
  let table = (vcpu.cr3 >>> 12) as Gfn;
  for (let level = guestLevels(vcpu); level >= 1; level--) {
    const pte = yield* kvmReadGuestPte(vcpu.kvm, table, level, gva >>> 12, 'walk');
    if (!pte || !(pte & PT_PRESENT_MASK)) return null;
    table = (pte >>> 12) as Gfn;
  }
  return table;
}

/** The CPU's own walk of the guest tables (TDP, or the gpa an exit reports): no locks. */
export const hardwareWalk = (vcpu: KvmVcpu, gva: number): Gfn | null => {
  if (!isPaging(vcpu)) return (gva >>> 12) as Gfn;
  let table = (vcpu.cr3 >>> 12) as Gfn;
  for (let level = guestLevels(vcpu); level >= 1; level--) {
    const pte = guestPte(vcpu.kvm, table, level, gva >>> 12);
    if (!pte) return null;
    table = (pte >>> 12) as Gfn;
  }
  return table;
};

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
