/**
 * The values x86 cases are drawn from (the operation table, op-table.ts, names which field
 * takes which): pools around the boundaries the rules care about, and the weights of the
 * pieces. A pool lists a value once per share it gets (the
 * first is where shrinking goes); a weighted list pairs each value with its weight.
 */
import type { AllocSite, CrReg } from '../../api/ops.js';
import type { Weighted } from './domain.js';

export type { Weighted } from './domain.js';

/** vm 0 (the prelude's) mostly; vm 1 for a second VM (createVm makes it more often than others address it) */
export const VMS: Weighted<number> = [[0, 20], [1, 1]];
export const CREATE_VMS: Weighted<number> = [[0, 1], [1, 2]];
/**
 * the prelude's slot 0 mostly, slots the body makes, and the ids at the limits of both
 * rule sets (model/rules.ts): 31 and 32 (seeds: KVM_MEMORY_SLOTS 32), 32763 and 32764
 * (upstream: KVM_USER_MEM_SLOTS), 65535 and 65536 (address space 1 on upstream x86: SMM)
 */
export const SLOTS: Weighted<number> = [[0, 12], [1, 3], [2, 2], [3, 2], [31, 1], [32, 1], [40, 1], [32763, 1], [32764, 1], [65536, 1]];
export const BASE_GFNS = [0, 8, 16, 32, 48, 60];
/** 0 deletes; 32 matches the prelude's slot, so a new gfn moves it: both zap every root */
export const NPAGES = [0, 0, 4, 8, 16, 32, 32];
/**
 * slots at the edges of the address space, rarely: 4 GiB, the largest gfn (a 52-bit
 * physical address), a slot that ends exactly there and one that wraps past it; the
 * largest slot the schema takes (MAX_NPAGES) and one page
 */
export const EDGE_REGIONS: readonly (readonly [number, number])[] = [
  [0x100000, 1], [0xfffff, 2], [2 ** 40 - 1, 1], [2 ** 40 - 16, 16], [2 ** 40 - 8, 16], [0, 2 ** 18], [2 ** 40 - 2 ** 18, 2 ** 18], [1, 1],
];
/** every combination of the memslot flags (LOG_DIRTY_PAGES 1, READONLY 2, GUEST_MEMFD 4) and an unknown bit */
export const SLOT_FLAGS: Weighted<number> = [[0, 6], [1, 6], [2, 2], [3, 2], [4, 1], [5, 1], [8, 1], [2 ** 31, 1]];
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
  cr3: [0x0, 0x1000, 0x8000, 0x9000, 0x10000, 0x21000, 0x3f000],
  cr4: [0x0, 0x20, 0xa0, 0x10, 0x2000],
  efer: [0x0, 0x100, 0x900, 0x4],
};
const bits = (n: number): number[] => Array.from({ length: n }, (_, b) => 2 ** b);
/**
 * Every bit of each register alone (the architecturally defined ones and the reserved
 * ones: cr0 and cr4 bits 0-31 and bit 32, EFER bits 0-15 and 16, 32), and the
 * combinations the rules name (Intel SDM vol. 3 2.5; kvm_set_cr0/cr4, set_efer):
 * cr0 PG without PE, NW without CD, CD|NW, ET with PE and WP; cr4 PAE|PSE|PGE, PAE|LA57,
 * PCIDE, OSXSAVE|PAE; EFER LME|NXE|SCE, LMA alone, SVME; cr3 with PWT|PCD, its low
 * (PCID) bits, at 4 GiB, at the largest gfn, past a 52-bit physical address.
 */
export const CR_RULE_VALUES: Record<CrReg, number[]> = {
  cr0: [...bits(33), 0x80000000, 0x20000000, 0x60000000, 0x80010031, 0x80000001 + 0x40000000],
  cr3: [0x18, 0xfff, 0x1018, 0x100000000, (2 ** 40 - 1) * 0x1000, 2 ** 52, 0x20000],
  cr4: [...bits(33), 0xb0, 0x1020, 0x20020, 0x40020, 0x20 | 0x80 | 0x10 | 0x200 | 0x400],
  efer: [...bits(17), 2 ** 32, 0x901, 0x400, 0x1000, 0xd01],
};
/** of the writes to each register, the share of CR_RULE_VALUES (else CR_VALUES) */
export const CR_RULE_SHARE = { typical: 4, rule: 1 } as const;
export const CR_REGS: CrReg[] = ['cr0', 'cr0', 'cr3', 'cr3', 'cr4', 'efer'];

/** gvas in the low pages; gva 0 maps the page-table page itself under paging (entry 0 points back at its page) */
export const GVAS = [0x0, 0x1000, 0x5000, 0x8fff, 0x20000, 0x3f000, 0x40000, 0x81000];
/** weights: each low gva, each gva chosen by where its walk ends (walk-gvas.ts), each edge gva */
export const GVA_WEIGHTS = { low: 8, walk: 1, edge: 2 } as const;
/**
 * gvas at the boundaries, rarely: the last byte of the prelude's slot, the last page below
 * 4 GiB and its last byte, 4 GiB and a page above it (without paging, and in the 32-bit
 * paging modes, the linear address wraps to 32 bits; KVM_TRANSLATE without paging does not).
 */
export const EDGE_GVAS = [0x1ffff, 0xfffff000, 0xffffffff, 2 ** 32, 2 ** 32 + 0x5010];
/** percent of runs that make a guest access */
export const ACCESS_PERCENT = 80;
export const EMULATE_ACCESSES = ['read', 'write', 'cmpxchg'] as const;
export const NR_MMU_PAGES = [0, 32, 64, 100, 256];

/** kvm_mmu_load's topup most often; every setup and async-work allocation too */
export const ALLOC_SITES: AllocSite[] = ['mmuTopup', 'mmuTopup', 'mmuTopup', 'asyncPfWork', 'vendorHardwareSetup', 'pteListDescCache', 'mmuPageHeaderCache', 'percpuCounter'];
export const MAX_FAIL_COUNT = 3;
/** the prelude's vCPUs (weight 30, spread over 0..vcpus-1) and one that is not there */
export const VCPU_WEIGHTS = { prelude: 30, refused: 1 } as const;
export const REFUSED_VCPU = 9;
/**
 * KVM_CREATE_VCPU's ids: the prelude's, and those at the limits of both rule sets (seeds:
 * KVM_MAX_VCPUS 8; upstream: KVM_MAX_VCPU_IDS 4096) and of the u32 argument
 */
export const CREATE_VCPU_IDS: Weighted<number> = [[2, 4], [3, 2], [7, 2], [8, 2], [4095, 1], [4096, 1], [2 ** 32 - 1, 1]];

/** pieces of a sequential x86 body, against 100 for single operations */
export const PIECE_WEIGHTS = { op: 100, asyncPfCycle: 20, moduleReload: 4, regime: 20 } as const;
