/**
 * Control register rules (Intel SDM vol. 3 ch. 2 and 4, as kvm_set_cr0/3/4 and set_efer
 * check them). A write either takes effect or is refused with #GP and changes nothing.
 */
import type { CrReg } from '../../api/ops.js';
import type { ModelVcpu } from '../state.js';
import { RULES, type RuleSet } from '../rules.js';
import type { Outcome } from '../outcome.js';
import { pdpteReserved, pdptes } from './guest-tables.js';

export const CR0_PE = 1 << 0;
export const CR0_PG = 0x80000000;
/** extension type: hardwired to 1 since the 486; upstream kvm_set_cr0() keeps it set */
export const CR0_ET = 1 << 4;
export const CR0_NW = 1 << 29;
export const CR0_CD = 1 << 30;
/** the architectural cr0 bits (PE MP EM TS ET NE WP AM NW CD PG); the rest are reserved */
const CR0_KNOWN = 0b111 << 29 | 1 << 18 | 1 << 16 | 0b111111;
export const CR4_PAE = 1 << 5;
export const EFER_LME = 1 << 8;

/** Values after INIT (kvm_vcpu_reset): cr0 = ET|CD|NW, paging off. */
export const RESET_REGS = { cr0: 0x60000010, cr3: 0, cr4: 0, efer: 0 } as const;

/** long mode active: the CPU's to set; upstream set_efer() keeps the current value whatever is written */
const EFER_LMA = 1 << 10;

export const has = (value: number, bit: number): boolean => (value & bit) !== 0;

export type PagingMode = 'nonpaging' | 'paging32' | 'pae' | 'long';

export const pagingMode = (v: Pick<ModelVcpu, 'cr0' | 'cr4' | 'efer'>): PagingMode => {
  if (!has(v.cr0, CR0_PG)) return 'nonpaging';
  if (has(v.efer, EFER_LME)) return 'long';
  return has(v.cr4, CR4_PAE) ? 'pae' : 'paging32';
};

/** a refused write: the #GP and the check that refused it */
export interface Gp {
  readonly gp: Outcome;
}

/**
 * The registers after the write, or the #GP when the CPU refuses it. `cr3Backed` says
 * whether a memory slot backs the gfn a cr3 value points to (PDPTR loads read it).
 */
export const writeCr = (
  v: ModelVcpu,
  reg: CrReg,
  value: number,
  cr3Backed: (cr3: number) => boolean,
  rs: RuleSet = RULES.seeds,
): ModelVcpu | Gp => {
  // upstream kvm_set_cr0(): "cr0 |= X86_CR0_ET" and "Write to CR0 reserved bits are ignored, even on Intel"
  const next: ModelVcpu = { ...v, [reg]: reg === 'cr0' && rs.cr0Upstream ? ((value | CR0_ET) & CR0_KNOWN) >>> 0 : reg === 'efer' && rs.eferLmaIgnored ? (value & ~EFER_LMA) >>> 0 : value };
  const mode = pagingMode(next);
  const wasPaging = has(v.cr0, CR0_PG);
  const gp = (why: Outcome): Gp => ({ gp: why });
  // upstream kvm_set_cr3() in long mode: only the bits at and above MAXPHYADDR are reserved
  const wide = reg === 'cr3' && rs.cr3PhysBits !== null && pagingMode(v) === 'long';
  if (wide && value >= 2 ** rs.cr3PhysBits!) return gp('setCr/cr3.reserved→#GP');
  if (value < 0 || (value > 0xffffffff && !wide)) return gp('setCr/range→#GP');
  if (reg === 'cr0' && has(value, CR0_PG) && !has(value, CR0_PE)) return gp('setCr/cr0.pgWithoutPe→#GP');
  // upstream kvm_is_valid_cr0(): NW without CD is a #GP (SDM vol. 3 2.5)
  if (reg === 'cr0' && rs.cr0Upstream && has(value, CR0_NW) && !has(value, CR0_CD)) return gp('setCr/cr0.nwWithoutCd→#GP');
  // upstream kvm_set_cr0(): leaving paging from 64-bit code is a #GP (the write is the guest's own)
  if (reg === 'cr0' && rs.cr0Upstream && pagingMode(v) === 'long' && !has(value, CR0_PG)) return gp('setCr/cr0.leaveLong→#GP');
  if (reg === 'cr0' && !wasPaging && mode === 'long' && !has(v.cr4, CR4_PAE)) return gp('setCr/cr0.longWithoutPae→#GP');
  // upstream kvm_is_valid_cr4(): cr4_guest_rsvd_bits from the guest's CPUID (rs.cr4Bits, declared)
  if (reg === 'cr4' && (value & ~rs.cr4Bits) !== 0) return gp('setCr/cr4.reserved→#GP');
  if (reg === 'cr4' && pagingMode(v) === 'long' && !has(value, CR4_PAE)) return gp('setCr/cr4.paeOffInLong→#GP');
  if (reg === 'efer' && (value & ~rs.eferBits & ~(rs.eferLmaIgnored ? EFER_LMA : 0)) !== 0) return gp('setCr/efer.reserved→#GP');
  if (reg === 'efer' && wasPaging && has(value ^ v.efer, EFER_LME)) return gp('setCr/efer.lmeWhilePaging→#GP');
  // seed 003's kvm_set_cr3 refuses a cr3 no memslot backs, in every mode (upstream does not)
  if (reg === 'cr3' && rs.cr3NeedsMemslot && !cr3Backed(value)) return gp('setCr/cr3.unbacked→#GP');
  // entering or staying in PAE paging loads the PDPTRs from the page at cr3
  if (mode === 'pae' && reg !== 'efer' && !cr3Backed(next.cr3)) return gp('setCr/pdptrs.unbacked→#GP');
  // load_pdptrs(): a present PDPTE with a reserved bit is refused too
  if (mode === 'pae' && reg !== 'efer' && pdptes(next.cr3).some(pdpteReserved)) return gp('setCr/pdptrs.reserved→#GP');
  return next;
};

/** The MMU maps guest-physical addresses (TDP, or a guest without paging), not gvas. */
export const directMap = (v: Pick<ModelVcpu, 'cr0' | 'cr4' | 'efer'>, tdp: boolean): boolean =>
  tdp || pagingMode(v) === 'nonpaging';

/** Whether the write throws the root away: every write but cr3 without shadow paging. */
export const writeResetsRoot = (reg: CrReg, v: ModelVcpu, tdp: boolean): boolean => reg !== 'cr3' || !directMap(v, tdp);
