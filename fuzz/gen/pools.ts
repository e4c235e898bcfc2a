/**
 * The values x86 cases are drawn from (the operation table, op-table.ts, names which field
 * takes which): pools around the boundaries the rules care about, and the weights of the
 * pieces. A pool lists a value once per share it gets (the
 * first is where shrinking goes); a weighted list pairs each value with its weight.
 */
import type { AllocSite, CrReg } from '../../api/ops.js';
import type { Weighted } from './domain.js';

export type { Weighted } from './domain.js';

/** vm 0 (the prelude's) mostly; vm 1 for a second VM, or for an ioctl on one that does not exist */
export const VMS: Weighted<number> = [[0, 6], [1, 1]];
export const SLOTS = [0, 0, 0, 1, 2, 3, 40];
export const BASE_GFNS = [0, 8, 16, 32, 48, 60];
/** 0 deletes; 32 matches the prelude's slot, so a new gfn moves it: both zap every root */
export const NPAGES = [0, 0, 4, 8, 16, 32, 32];
export const SLOT_FLAGS = [0, 0, 1, 1, 2];
/**
 * An update of the prelude's slot 0 (gfn 0, 32 pages) that KVM accepts: deleted, moved,
 * or created again where it was. Each zaps every root of the VM, which is what running
 * vCPUs on other threads must notice before they enter.
 */
export const SLOT0_GFNS = [0, 16, 32];
export const SLOT0_NPAGES = [0, 32];

/** register values around the paging-mode boundaries, plus a few the CPU refuses */
export const CR_VALUES: Record<CrReg, number[]> = {
  cr0: [0x60000010, 0x1, 0x80000001, 0x80000011, 0x80000000],
  cr3: [0x0, 0x1000, 0x8000, 0x10000, 0x21000, 0x3f000],
  cr4: [0x0, 0x20, 0xa0, 0x10, 0x2000],
  efer: [0x0, 0x100, 0x900, 0x4],
};
export const CR_REGS: CrReg[] = ['cr0', 'cr0', 'cr3', 'cr3', 'cr4', 'efer'];

/** gvas inside and past the mapped window; gva 0 is the page-table page under paging */
export const GVAS = [0x0, 0x1000, 0x5000, 0x8fff, 0x20000, 0x3f000, 0x40000, 0x81000];
/** percent of runs that make a guest access */
export const ACCESS_PERCENT = 80;
export const EMULATE_ACCESSES = ['read', 'write', 'cmpxchg'] as const;
export const NR_MMU_PAGES = [0, 32, 64, 100, 256];

/** kvm_mmu_load's topup most often; every setup and async-work allocation too */
export const ALLOC_SITES: AllocSite[] = ['mmuTopup', 'mmuTopup', 'mmuTopup', 'asyncPfWork', 'vendorHardwareSetup', 'pteListDescCache', 'mmuPageHeaderCache', 'percpuCounter'];
export const MAX_FAIL_COUNT = 3;
/** the prelude's vCPUs (weight 8, spread over 0..vcpus-1) and one KVM_CREATE_VCPU refuses */
export const VCPU_WEIGHTS = { prelude: 8, refused: 1 } as const;
export const REFUSED_VCPU = 9;

/** pieces of a sequential x86 body, against 100 for single operations */
export const PIECE_WEIGHTS = { op: 100, asyncPfCycle: 20, moduleReload: 4, regime: 12 } as const;
