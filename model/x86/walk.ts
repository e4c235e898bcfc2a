/**
 * The guest's own page-table walk over the layout of guest-tables.ts, with the rules of
 * upstream FNAME(walk_addr_generic) (arch/x86/kvm/mmu/paging_tmpl.h): per level, the table
 * page must be guest memory (kvm_vcpu_read_guest... fails: #PF), the entry present
 * (is_present_gpte) and free of reserved bits (is_rsvd_bits_set, reset_guest_rsvds_bits_mask
 * in mmu.c), and a PS entry ends the walk where it makes a large page (is_last_gpte).
 * PAE starts from the four PDPTRs load_pdptrs() cached at the register write, not memory.
 */
import type { Gfn, Gva } from '../../api/ids.js';
import type { ModelVcpu, ModelVm } from '../state.js';
import { has, pagingMode } from './registers.js';
import { MAXPHYADDR, bit, bits, guestEntry, pdptes } from './guest-tables.js';
import { slotBacking } from './memory.js';

export const CR4_PSE = 1 << 4;

/** Where a walk ends: a gfn, or the level and reason the guest takes its #PF. */
export type WalkEnd =
  | { readonly kind: 'mapped'; readonly gfn: Gfn; readonly level: number }
  | { readonly kind: 'absent' | 'reserved' | 'unbacked'; readonly level: number };

/** The walk of gva in the vCPU's paging mode (not 'nonpaging'). */
export const walk = (vm: ModelVm, v: ModelVcpu, gva: Gva): WalkEnd => {
  const mode = pagingMode(v);
  const wide = mode !== 'paging32';
  // the linear address: 48 bits in long mode, 32 in the 32-bit modes
  const la = gva % 2 ** (mode === 'long' ? 48 : 32);
  const indexBits = wide ? 9 : 10;
  const index = (level: number): number => bits(la, 12 + indexBits * (level - 1), 12 + indexBits * level - 1);
  let level = mode === 'long' ? 4 : 2;
  let table: number = Math.floor(v.cr3 / 4096);
  if (mode === 'pae') {
    const pdpte = pdptes(v.cr3)[bits(la, 30, 31)]!;
    if (!bit(pdpte, 0)) return { kind: 'absent', level: 3 };
    table = bits(pdpte, 12, 50);
  }
  for (;; level--) {
    if (slotBacking(vm, table) === undefined) return { kind: 'unbacked', level };
    const e = guestEntry(table as Gfn, wide ? 8 : 4, index(level));
    if (!bit(e, 0)) return { kind: 'absent', level };
    const ps = bit(e, 7);
    if (reserved(e, level, mode === 'long', wide, has(v.cr4, CR4_PSE))) return { kind: 'reserved', level };
    // a PS entry is a leaf below the top level (64-bit), or at the PDE with CR4.PSE (32-bit)
    const large = level > 1 && ps && (wide || has(v.cr4, CR4_PSE));
    if (level === 1 || large) {
      const within = level === 1 ? 0 : bits(la, 12, 12 + indexBits * (level - 1) - 1);
      return { kind: 'mapped', gfn: (bits(e, 12, wide ? 50 : 31) + within) as Gfn, level };
    }
    table = bits(e, 12, wide ? 50 : 31);
  }
};

/**
 * The reserved bits of a present entry at this level: 8-byte entries, bits MAXPHYADDR..51
 * and PS in a PML4E (1 GiB pages assumed supported, so not in a PDPTE); 4-byte entries,
 * bits 13..21 of a 4 MiB PDE (CR4.PSE), nothing else.
 */
const reserved = (e: number, level: number, long: boolean, wide: boolean, pse: boolean): boolean => {
  if (wide) return bits(e, MAXPHYADDR, 51) !== 0 || (long && level === 4 && bit(e, 7));
  return pse && level === 2 && bit(e, 7) && bits(e, 13, 21) !== 0;
};

/**
 * The gfn a guest access to gva reaches, or null when the guest takes a #PF. Without paging
 * gpa = gva, of 32 bits (real and protected mode address no more); KVM_TRANSLATE takes all
 * of it (nonpaging_gva_to_gpa, see emulate.ts translate).
 */
export const guestTranslate = (vm: ModelVm, v: ModelVcpu, gva: Gva): Gfn | null => {
  if (pagingMode(v) === 'nonpaging') return Math.floor((gva % 2 ** 32) / 4096) as Gfn;
  const end = walk(vm, v, gva);
  return end.kind === 'mapped' ? end.gfn : null;
};
