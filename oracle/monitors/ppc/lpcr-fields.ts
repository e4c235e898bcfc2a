/**
 * The LPCR (POWER7) and HID4 (PPC970) fields the RMA rules of seed 004 constrain, written
 * out from the architecture (IBM bit numbering: bit 0 is the most significant), and the
 * real-mode limit selector the hardware accepts for an RMO of each size.
 * @see arch/powerpc/include/asm/reg.h LPCR_*, HID4_*; arch/powerpc/kvm/book3s_hv.c
 * lpcr_rmls(), kvmppc_core_init_vm(), kvmppc_hv_setup_rma()
 */
const ibm = (n: number): bigint => 1n << BigInt(63 - n);

export const P7 = {
  VPM0: ibm(0),
  /** default prefetch depth, 3 bits at IBM 9..11 */
  DPFD: 7n << 52n,
  VRMA_L: ibm(12),
  /** VRMA segment descriptor, 5 bits at IBM 12..16 (its low bits hold L and LP) */
  VRMASD: 0x1fn << 47n,
  /** real mode limit selector, 4 bits at IBM 34..37 */
  RMLS_SH: 26n,
  RMLS: 0xfn << 26n,
  PECE: 0x7000n,
  LPES: 0xcn,
  HDICE: 1n,
} as const;

export const HID4 = {
  /** the RMLS field is split: its top bit at IBM 2, its low two bits at IBM 38..39 */
  RMLS0_SH: 61n,
  RMLS2_SH: 24n,
  /** the RMO's offset in 64 MB units, 16 bits at IBM 7..22 */
  RMOR_SH: 41n,
  RMOR: 0xffffn << 41n,
} as const;

const MB = 2 ** 20;
/** lpcr_rmls(): RMO size in bytes -> selector (32 MB only on POWER7) */
const RMLS: ReadonlyMap<number, number> = new Map([
  [64 * MB, 3], [128 * MB, 7], [256 * MB, 4], [1024 * MB, 2], [16 * 1024 * MB, 1], [256 * 1024 * MB, 0],
]);

export const rmlsFor = (cpu: 'power7' | 'ppc970', bytes: number): number | null =>
  bytes === 32 * MB ? (cpu === 'power7' ? 8 : null) : RMLS.get(bytes) ?? null;

/** a hex register value from the trace, or null when it is not one */
export const parseReg = (s: string): bigint | null => (/^0x[0-9a-f]{1,16}$/i.test(s) ? BigInt(s) : null);

export const hexReg = (v: bigint): string => `0x${v.toString(16)}`;
