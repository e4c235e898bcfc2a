/**
 * The guest page-table walker, one body for the three guest formats (paging_tmpl.h is
 * compiled once per PTTYPE: 32, 64 and PAE's 64 with a PDPTR cache).
 * @see arch/x86/kvm/mmu/paging_tmpl.h FNAME(walk_addr_generic)
 */
import type { Gfn } from '../../api/ids.js';
import type { Gen } from '../preempt.js';
import type { Kvm, KvmVcpu } from './structs.js';
import { PT32E_ROOT_LEVEL, PT32_ROOT_LEVEL, PT64_ROOT_LEVEL, PT_PAGE_TABLE_LEVEL } from './structs.js';
import { gfnToMemslot } from './memslots.js';
import { PT_PAGE_SIZE_MASK, guestPteAt } from './guest-pte.js';
import { X86_CR4_PSE, isLongMode, isPae, isPaging } from './cpu.js';

/** struct guest_walker: where the walk ended and the table page read at each level */
export interface GuestWalker {
  /** the level the walk stopped at (the leaf's, or the faulting entry's) */
  level: number;
  /** table_gfn[level - 1]: the guest table read at that level */
  readonly tableGfn: Gfn[];
  /** the gfn mapped; null when the guest takes a #PF */
  gfn: Gfn | null;
  /** why the walk faulted: no memslot behind a table, not present, a reserved bit */
  fault: 'noSlot' | 'notPresent' | 'rsvd' | null;
}

const MAXPHYADDR = 48n;
const PT64_HIGH_RSVD = ((1n << 52n) - 1n) & ~((1n << MAXPHYADDR) - 1n);
const PT64_BASE_ADDR_MASK = ((1n << 52n) - 1n) & ~0xfffn;
const PT32_BASE_ADDR_MASK = 0xfffff000n;
const PSE_4M_RSVD = ((1n << 22n) - 1n) & ~((1n << 13n) - 1n);

/** reads guest PTE `index` of `table` (null: no memslot); the walker's only memory access */
export type PteReader = (table: Gfn, index: number, size: 4 | 8) => Gen<bigint | null>;

/** kvm_vcpu_read_guest() of one guest PTE, traced; the caller holds mmap_sem */
export function* kvmReadGuestPte(kvm: Kvm, table: Gfn, index: number, size: 4 | 8, what: 'walk' | 'pdptr'): Gen<bigint | null> {
  yield { at: 'guestMem' };
  kvm.host.trace.emit({ ev: 'kvmGuestMem', vm: kvm.vmId, what, gfn: table });
  return gfnToMemslot(kvm, table) ? guestPteAt(table, index, size) : null;
}

/** FNAME(is_rsvd_bits_set) with the masks reset_guest_rsvds_bits_mask() builds */
const isRsvdBitsSet = (vcpu: KvmVcpu, pte: bigint, level: number, pt64: boolean): boolean => {
  if (pt64) return (pte & PT64_HIGH_RSVD) !== 0n || (level === PT64_ROOT_LEVEL && (pte & PT_PAGE_SIZE_MASK) !== 0n);
  const pse = (vcpu.cr4 & X86_CR4_PSE) !== 0;
  return pse && level === PT32_ROOT_LEVEL && (pte & PT_PAGE_SIZE_MASK) !== 0n && (pte & PSE_4M_RSVD) !== 0n;
};

/** FNAME(is_last_gpte): a 4 KiB PTE, or a PS entry where it maps a large page */
const isLastGpte = (vcpu: KvmVcpu, pte: bigint, level: number, pt64: boolean): boolean => {
  if (level === PT_PAGE_TABLE_LEVEL) return true;
  if (!(pte & PT_PAGE_SIZE_MASK)) return false;
  return pt64 || (vcpu.cr4 & X86_CR4_PSE) !== 0;
};

/** FNAME(walk_addr_generic): the walk of `addr` through the guest's tables, read with `read` */
export function* walkAddrGeneric(vcpu: KvmVcpu, addr: number, read: PteReader): Gen<GuestWalker> {
  const pt64 = isPae(vcpu) || isLongMode(vcpu);
  const shift = pt64 ? 9 : 10;
  const la = isLongMode(vcpu) ? addr % 2 ** 48 : addr % 2 ** 32;
  const ptIndex = (level: number): number => Math.floor(la / 2 ** (12 + shift * (level - 1))) % 2 ** shift;
  const w: GuestWalker = { level: isLongMode(vcpu) ? PT64_ROOT_LEVEL : pt64 ? PT32E_ROOT_LEVEL : PT32_ROOT_LEVEL, tableGfn: [], gfn: null, fault: null };
  let pte = BigInt(vcpu.cr3);
  if (w.level === PT32E_ROOT_LEVEL) {
    // mmu->get_pdptr(): the PDPTRs cached by load_pdptrs, not guest memory
    pte = BigInt(vcpu.pdptrs[Math.floor(la / 2 ** 30) % 4]!);
    if (!(pte & 1n)) return { ...w, fault: 'notPresent' };
    w.level--;
  }
  for (;;) {
    const tableGfn = Number((pte & (pt64 ? PT64_BASE_ADDR_MASK : PT32_BASE_ADDR_MASK)) >> 12n) as Gfn;
    w.tableGfn[w.level - 1] = tableGfn;
    const next = yield* read(tableGfn, ptIndex(w.level), pt64 ? 8 : 4);
    if (next === null) return { ...w, fault: 'noSlot' };
    pte = next;
    if (!(pte & 1n)) return { ...w, fault: 'notPresent' };
    if (isRsvdBitsSet(vcpu, pte, w.level, pt64)) return { ...w, fault: 'rsvd' };
    if (isLastGpte(vcpu, pte, w.level, pt64)) break;
    w.level--;
  }
  // gpte_to_gfn_lvl() plus the offset of addr inside a large page
  const span = 2 ** (shift * (w.level - 1));
  const base = Number((pte & (pt64 ? PT64_BASE_ADDR_MASK : PT32_BASE_ADDR_MASK)) >> 12n);
  w.gfn = (base - (base % span) + (Math.floor(la / 4096) % span)) as Gfn;
  return w;
}

/** the shadow MMU's walk: every table read traced, under mmap_sem held by the caller */
export const walkAddr = (vcpu: KvmVcpu, addr: number): Gen<GuestWalker> =>
  walkAddrGeneric(vcpu, addr, (table, index, size) => kvmReadGuestPte(vcpu.kvm, table, index, size, 'walk'));

/** vcpu->arch.mmu.gva_to_gpa() of the emulator's linear address: the gfn, or null (UNMAPPED_GVA) */
export function* walkGfn(vcpu: KvmVcpu, gva: number): Gen<Gfn | null> {
  // outside long mode the emulator's linear address has 32 bits (linearize())
  if (!isPaging(vcpu)) return Math.floor((gva % 2 ** 32) / 4096) as Gfn;
  return (yield* walkAddr(vcpu, gva)).gfn;
}

/** The CPU's own walk of the guest tables (TDP, or the gpa an exit reports): no locks, no trace. */
export const hardwareWalk = (vcpu: KvmVcpu, gva: number): Gfn | null => {
  if (!isPaging(vcpu)) return Math.floor((gva % 2 ** 32) / 4096) as Gfn;
  const silent: PteReader = function* (table, index, size) {
    return gfnToMemslot(vcpu.kvm, table) ? guestPteAt(table, index, size) : null;
  };
  const run = walkAddrGeneric(vcpu, gva, silent).next();
  if (!run.done) throw new Error('hardwareWalk: the silent walk yielded');
  return run.value.gfn;
};
