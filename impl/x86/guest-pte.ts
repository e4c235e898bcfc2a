/**
 * The guest's page-table memory: what kvm_read_guest() returns for one guest PTE. The
 * guest's tables follow the layout of docs/OPERATIONS.md ("Guest page-table layout"), so
 * the bytes of a table page are computed from its gfn instead of stored; the real-KVM
 * adapter writes the same bytes into guest memory (adapters/kvm/src/guest.c).
 */
import type { Gfn } from '../../api/ids.js';

export const PT_PAGE_SIZE_MASK = 1n << 7n;
const PT_BASE_FLAGS = 0x63n;
const RSVD_64 = 1n << 51n;
const RSVD_32 = 1n << 21n;

/** a 32-bit avalanche mixer over the entry's address key */
const hash32 = (key: number): number => {
  let x = key >>> 0;
  for (let round = 0; round < 2; round++) x = Math.imul(x ^ (x >>> 16), 0x45d9f3b) >>> 0;
  return (x ^ (x >>> 16)) >>> 0;
};

/** entries the adapter keeps for its own stub memory (0xf0-0xff and 0x1ff): not present */
const adapterSlot = (index: number): boolean => index === 0x1ff || index >>> 4 === 0xf;

/**
 * Guest PTE `index` of the table page at `gfn`, `size` bytes wide (4 for 32-bit paging, 8
 * for PAE and long mode). Entry 0 points back at its own page; page 0 maps gfns 1-63 1:1.
 */
export const guestPteAt = (gfn: Gfn, index: number, size: 4 | 8): bigint => {
  if (index === 0) return (BigInt(gfn) << 12n) | PT_BASE_FLAGS;
  // the guest's low memory, mapped one to one from the page at gfn 0
  if (gfn === 0 && index < 64) return (BigInt(index) << 12n) | PT_BASE_FLAGS;
  if (adapterSlot(index)) return 0x62n;
  const key = Number((BigInt(gfn) * 2048n + (size === 4 ? 1024n : 0n) + BigInt(index)) & 0xffffffffn);
  const h = hash32(key);
  const sel = h & 15;
  if (sel === 3) return (((h >>> 4) & 1 ? 1n << 18n : 0n) << 12n) | PT_BASE_FLAGS | PT_PAGE_SIZE_MASK;
  const low = (h >>> 4) & 127;
  const frame = BigInt((h >>> 11) & 3 ? low & 31 : low) << 12n;
  if (sel < 2) return frame | (PT_BASE_FLAGS & ~1n);
  if (sel === 2) return size === 8 ? frame | PT_BASE_FLAGS | RSVD_64 : frame | PT_BASE_FLAGS | PT_PAGE_SIZE_MASK | RSVD_32;
  return frame | PT_BASE_FLAGS;
};
