/**
 * The guest's hashed page table and the real-mode H_ENTER handler: it runs with the MMU
 * off and cannot sleep, so a page whose pfn slot_phys does not know yet is H_TOO_HARD.
 * @see arch/powerpc/kvm/book3s_hv_rm_mmu.c kvmppc_h_enter(), book3s_64_mmu_hv.c
 */
import type { ThreadId } from '../../api/ids.js';
import { H_PARAMETER, H_PTEG_FULL, H_SUCCESS, H_TOO_HARD } from '../../api/hcall.js';
import type { KvmPpc, KvmPpcVcpu } from './structs.js';
import { KVMPPC_PA_MASK, gfnToMemslot } from './structs.js';

/** a small table: 16 groups (PTEGs) of 8 HPTEs */
export const HPT_NPTEG = 16;
export const HPT_NPTE = HPT_NPTEG * 8;
export const HPT_HASH_MASK = BigInt(HPT_NPTEG - 1);

/** first doubleword (v) */
export const HPTE_V_1TB_SEG = 1n << 62n;
export const HPTE_V_BOLTED = 0x10n;
export const HPTE_V_LARGE = 0x4n;
export const HPTE_V_VALID = 0x1n;
/** second doubleword (r) */
export const HPTE_R_PP0 = 1n << 63n;
export const HPTE_R_RPN = 0x3ffffffffff000n;
export const HPTE_R_R = 0x100n;
export const HPTE_R_C = 0x80n;
export const HPTE_R_W = 0x40n;
export const HPTE_R_I = 0x20n;
export const HPTE_R_M = 0x10n;
export const HPTE_R_WIMG = 0x78n;
export const PP_RWXX = 0n;
/** H_ENTER flag: use pte_index itself, not the first free HPTE of its group */
export const H_EXACT = 1n << (63n - 24n);

export interface HEnterResult {
  readonly ret: number;
  /** the HPTE used (what the guest finds in r4), or null */
  readonly index: number | null;
}

/** hpte_page_size(): 4 KB, 64 KB (POWER7 only), 16 MB, or 0 for an encoding we refuse */
export const hptePageSize = (kvm: KvmPpc, v: bigint, r: bigint): bigint => {
  if (!(v & HPTE_V_LARGE)) return 1n << 12n;
  if ((r & 0xf000n) === 0x1000n && kvm.cpu === 'power7') return 1n << 16n;
  if ((r & 0xff000n) === 0n) return 1n << 24n;
  return 0n;
};

/** the LP bits a large page of 2^shift bytes has in the second doubleword */
export const hpteLpBits = (shift: number): bigint => (shift === 16 ? 0x1000n : shift === 24 ? 0n : 0x2000n);

/** kvmppc_alloc_hpt() (the LPID is left out) */
export const kvmppcAllocHpt = (): { hptVirt: BigUint64Array; revmap: BigUint64Array } => ({
  hptVirt: new BigUint64Array(HPT_NPTE * 2),
  revmap: new BigUint64Array(HPT_NPTE),
});

export const kvmppcFreeHpt = (kvm: KvmPpc): void => {
  kvm.arch.hptVirt = null;
  kvm.host.trace.emit({ ev: 'kvmppcFreeHpt', tid: kvm.host.current as ThreadId, vm: kvm.vmId });
};

/** the guest physical address a valid HPTE maps (from the guest's view in the revmap) */
export const hpteGpa = (kvm: KvmPpc, index: number): number => {
  const g = kvm.arch.revmap[index]!;
  return Number(g & HPTE_R_RPN & ~(hptePageSize(kvm, kvm.arch.hptVirt![index * 2]!, g) - 1n));
};

export const hpteValid = (kvm: KvmPpc, index: number): boolean => ((kvm.arch.hptVirt?.[index * 2] ?? 0n) & HPTE_V_VALID) !== 0n;

/** Invalidates the HPTEs that map guest addresses in [start, end): the slot is going away. */
export const kvmppcFlushHptes = (kvm: KvmPpc, start: number, end: number): void => {
  const hpt = kvm.arch.hptVirt;
  for (let i = 0; hpt && i < HPT_NPTE; i++) {
    if (!hpteValid(kvm, i) || hpteGpa(kvm, i) < start || hpteGpa(kvm, i) >= end) continue;
    hpt[i * 2] = 0n;
    kvm.host.trace.emit({ ev: 'hpteInvalidate', tid: kvm.host.current as ThreadId, vm: kvm.vmId, index: i });
  }
};

/**
 * kvmppc_h_enter(): validate the guest's HPTE, translate its address through slot_phys and
 * insert it. No preemption point: real mode, or virtual mode with preemption disabled.
 * (slot_phys is indexed by RAM page, as kvmppc_get_guest_page indexes it.)
 */
export const kvmppcHEnter = (vcpu: KvmPpcVcpu, flags: bigint, pteIndex: number, pteh: bigint, ptel: bigint): HEnterResult => {
  const kvm = vcpu.kvm;
  const arch = kvm.arch;
  const fail = (ret: number): HEnterResult => ({ ret, index: null });
  const gPtel = ptel;
  const psize = hptePageSize(kvm, pteh, ptel);
  if (!psize) return fail(H_PARAMETER);
  const gpa = ptel & HPTE_R_RPN & ~(psize - 1n);
  const gfn = Number(gpa >> 12n);
  const memslot = gfnToMemslot(kvm, gfn);
  const physp = memslot && arch.slotPhys[memslot.id];
  if (!memslot || !physp) return fail(H_PARAMETER);
  let pa = physp.data[(gfn - memslot.baseGfn) >> (arch.ramPorder - 12)]!;
  if (!pa) return fail(H_TOO_HARD);
  pa &= KVMPPC_PA_MASK;
  const pfn = Number(pa >> 12n);
  const pteSize = BigInt(arch.ramPsize);
  if (pteSize < psize) return fail(H_PARAMETER);
  if (pteSize > psize) pa |= gpa & (pteSize - 1n);
  ptel = (ptel & ~(HPTE_R_PP0 - psize)) | pa;
  const wimg = ptel & HPTE_R_WIMG;
  if (wimg !== HPTE_R_M && wimg !== (HPTE_R_W | HPTE_R_I | HPTE_R_M)) return fail(H_PARAMETER);
  pteh = (pteh & ~0x60n) | HPTE_V_VALID;
  const hpt = arch.hptVirt!;
  if (pteIndex < 0 || pteIndex >= HPT_NPTE) return fail(H_PARAMETER);
  if (!(flags & H_EXACT)) {
    const group = pteIndex & ~7;
    const free = [0, 1, 2, 3, 4, 5, 6, 7].find((i) => !(hpt[(group + i) * 2]! & HPTE_V_VALID));
    if (free === undefined) return fail(H_PTEG_FULL);
    pteIndex = group + free;
  } else if (hpt[pteIndex * 2]! & HPTE_V_VALID) return fail(H_PTEG_FULL);
  arch.revmap[pteIndex] = gPtel;
  hpt[pteIndex * 2 + 1] = BigInt.asUintN(64, ptel);
  hpt[pteIndex * 2] = BigInt.asUintN(64, pteh);
  kvm.host.trace.emit({ ev: 'hpteInsert', tid: kvm.host.current as ThreadId, vm: kvm.vmId, index: pteIndex, gpa: Number(gpa), pfn });
  return { ret: H_SUCCESS, index: pteIndex };
};
