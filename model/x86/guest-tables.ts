/**
 * What the guest keeps in a page it uses as a page table (docs/OPERATIONS.md "Guest
 * page-table layout"): entry i of the page at gfn g is a pure function of g, i and the
 * entry width (4 bytes in 32-bit paging, 8 in PAE and long mode), never of the level it is
 * read at, as on real hardware. Entries are plain numbers: the layout sets no bit above 51.
 */
import type { Gfn } from '../../api/ids.js';

/** P, RW, A and D: accessed and dirty preset, so a walk never writes the tables */
export const PTE_P = 1;
export const PTE_FLAGS = 0x63;
/** PS: a large page at the PDE (or long-mode PDPTE) level; PAT in a 4 KiB PTE */
export const PTE_PS = 0x80;
/** the bit the reserved entries set in 8-byte entries (above any MAXPHYADDR below 52) */
export const RSVD_BIT_64 = 51;
/** the bit they set in 4-byte entries: reserved only in a 4 MiB PDE (CR4.PSE), elsewhere gfn bit 9 */
export const RSVD_BIT_32 = 21;
/** where the large entries point: 0, or 1 GiB (aligned for 2 MiB, 4 MiB and 1 GiB pages) */
export const LARGE_TARGETS = [0, 1 << 18] as const;
/** page 0 maps the guest's first pages one to one (entries 1 to 63), as a kernel maps its low memory */
export const IDENTITY_PAGES = 64;
/** entry indices the real-KVM adapter keeps for its own memory: never present in the layout */
export const isAdapterIndex = (i: number): boolean => (i >= 0xf0 && i <= 0xff) || i === 0x1ff;

/** the guest's MAXPHYADDR: bits from here to 51 are reserved in 8-byte entries */
export const MAXPHYADDR = 48;

/** bit n, and bits lo..hi, of a non-negative number below 2^53 */
export const bit = (v: number, n: number): boolean => Math.floor(v / 2 ** n) % 2 === 1;
export const bits = (v: number, lo: number, hi: number): number => Math.floor(v / 2 ** lo) % 2 ** (hi - lo + 1);

export type EntryKind = 'absent' | 'reserved' | 'large' | 'table';

/** a 32-bit integer hash (a fixed mixer; the C adapter computes the same one) */
const mix = (x: number): number => {
  let h = x >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x45d9f3b) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x45d9f3b) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
};

/** the hash of an entry: gfn, width and index, as 32 bits (gfn * 2048 + ..., truncated) */
const entryHash = (g: Gfn, width: 4 | 8, i: number): number =>
  mix(((g % 2 ** 32) * 2048 + (width === 4 ? 1024 : 0) + i) % 2 ** 32);

/** Which kind entry i of page g is: 2 in 16 absent, 1 reserved, 1 large, 12 a plain pointer. */
export const entryKind = (g: Gfn, width: 4 | 8, i: number): EntryKind => {
  if (i === 0 || (g === 0 && i < IDENTITY_PAGES)) return 'table';
  if (isAdapterIndex(i)) return 'absent';
  const k = entryHash(g, width, i) & 15;
  return k < 2 ? 'absent' : k === 2 ? 'reserved' : k === 3 ? 'large' : 'table';
};

/**
 * The gfn an entry names: entry 0 the page itself, entry i < 64 of page 0 gfn i; others mostly a gfn below 32 (the
 * prelude's slot), else one below 128; large entries 0 or 1 GiB.
 */
export const entryTarget = (g: Gfn, width: 4 | 8, i: number): number => {
  if (i === 0) return g;
  if (g === 0 && i < IDENTITY_PAGES) return i;
  const h = entryHash(g, width, i);
  if (entryKind(g, width, i) === 'large') return LARGE_TARGETS[(h >>> 4) & 1]!;
  const v = (h >>> 4) & 127;
  return ((h >>> 11) & 3) === 0 ? v : v & 31;
};

/** The entry's value, as the guest's memory holds it. */
export const guestEntry = (g: Gfn, width: 4 | 8, i: number): number => {
  const kind = entryKind(g, width, i);
  const addr = entryTarget(g, width, i) * 4096;
  switch (kind) {
    case 'absent':
      return addr + (PTE_FLAGS & ~PTE_P);
    case 'table':
      return addr + PTE_FLAGS;
    case 'large':
      return addr + PTE_FLAGS + PTE_PS;
    case 'reserved':
      return width === 8 ? addr + PTE_FLAGS + 2 ** RSVD_BIT_64 : addr + PTE_FLAGS + PTE_PS + 2 ** RSVD_BIT_32;
  }
};

/** the four PAE PDPTEs at cr3 (32-byte aligned: the entries from (cr3 & 0xfe0) / 8) */
export const pdptes = (cr3: number): number[] => {
  const g = Math.floor(cr3 / 4096) as Gfn;
  const first = bits(cr3, 5, 11) * 4;
  return [0, 1, 2, 3].map((i) => guestEntry(g, 8, first + i));
};

/**
 * The PDPTE bits load_pdptrs() refuses that the layout can set: PS, and MAXPHYADDR..51.
 * RW, A and D (bits 1, 5, 6) are reserved in a PDPTE too, but every present entry of the
 * layout sets them (so walks never write the tables): the model does not check them.
 */
export const pdpteReserved = (e: number): boolean => bit(e, 0) && (bit(e, 7) || bits(e, MAXPHYADDR, 51) !== 0);
