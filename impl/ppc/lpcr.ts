/**
 * The logical partitioning control register (POWER7 LPCR, PPC970 HID4) and the real-mode
 * limit selector. @see arch/powerpc/include/asm/reg.h, arch/powerpc/kvm/book3s_hv.c
 * lpcr_rmls(), kvmppc_core_init_vm()
 */
import type { PpcCpu } from '../../api/ops.js';

const bit = (n: number): bigint => 1n << BigInt(63 - n);

/** POWER7 LPCR */
export const LPCR_VPM0 = bit(0);
export const LPCR_DPFD_SH = 63n - 11n;
export const LPCR_VRMA_L = bit(12);
export const LPCR_VRMASD_SH = 63n - 16n;
export const LPCR_RMLS_SH = 63n - 37n;
export const LPCR_PECE = 0x7000n;
export const LPCR_LPES = 0xcn;
export const LPCR_HDICE = 0x1n;
/** PPC970 HID4: the RMLS field is split in two, RMOR sits in it too */
export const HID4_RMLS0_SH = 63n - 2n;
export const HID4_RMLS2_SH = 63n - 39n;
export const HID4_RMOR_SH = 63n - 22n;

/** what mfspr(SPRN_LPCR/HID4) reads on the host here */
const HOST_LPCR = LPCR_PECE | LPCR_LPES;

/** kvmppc_core_init_vm(): the guest's LPCR; POWER7 starts in virtual RMA mode */
export const initLpcr = (cpu: PpcCpu): bigint =>
  cpu === 'ppc970' ? HOST_LPCR : (HOST_LPCR & (LPCR_PECE | LPCR_LPES)) | (4n << LPCR_DPFD_SH) | LPCR_HDICE | LPCR_VPM0 | LPCR_VRMA_L;

/** lpcr_rmls(): the RMLS field value for an RMO of this many bytes, or -1 */
export const lpcrRmls = (cpu: PpcCpu, rmaSize: number): number => {
  switch (rmaSize) {
    case 32 * 2 ** 20:
      return cpu === 'power7' ? 8 : -1;
    case 64 * 2 ** 20:
      return 3;
    case 128 * 2 ** 20:
      return 7;
    case 256 * 2 ** 20:
      return 4;
    case 2 ** 30:
      return 2;
    case 16 * 2 ** 30:
      return 1;
    case 256 * 2 ** 30:
      return 0;
    default:
      return -1;
  }
};

/** the LPCR for an RMO: the limit selector, and on PPC970 the RMO's offset in HID4 */
export const rmoLpcr = (cpu: PpcCpu, lpcr: bigint, rmls: number, basePfn: number): bigint => {
  const r = BigInt(rmls);
  if (cpu === 'ppc970') {
    const cleared = lpcr & ~((1n << HID4_RMLS0_SH) | (3n << HID4_RMLS2_SH));
    return cleared | ((r >> 2n) << HID4_RMLS0_SH) | ((r & 3n) << HID4_RMLS2_SH) | ((BigInt(basePfn >> 14) & 0xffffn) << HID4_RMOR_SH);
  }
  return (lpcr & ~(LPCR_VPM0 | LPCR_VRMA_L)) | (r << LPCR_RMLS_SH);
};

/** the LPCR for a VRMA: VRMASD cleared, VRMA_L set (16 MB pages) */
export const vrmaLpcr = (lpcr: bigint): bigint => (lpcr & ~(0x1fn << LPCR_VRMASD_SH)) | LPCR_VRMA_L;

export const hex = (v: bigint): string => `0x${v.toString(16)}`;
