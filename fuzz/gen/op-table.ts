/**
 * The x86 operations as one table, read by both engines (fast-check: arbitraries-x86.ts,
 * jsverify: fuzz/engines/jsverify/ops-x86.ts): per operation kind, its weight among the
 * single operations, the objects it addresses and the domains of its values (pools.ts).
 * docs/DESIGN.md "Adding an operation kind" says what else a new kind needs.
 */
import type { CrReg, OpKind } from '../../api/ops.js';
import { APF_GFNS } from './lifecycle-ops.js';
import { WALK_GVAS } from './walk-gvas.js';
import { bool, maybe, opSpec, opVariants, pool, range, value, weighted, type Fields, type OpSpec } from './domain.js';
import {
  ACCESS_PERCENT, ALLOC_SITES, BASE_GFNS, CREATE_VCPU_IDS, CREATE_VMS, CR_REGS, CR_RULE_SHARE, CR_RULE_VALUES, CR_VALUES, EDGE_GVAS, EDGE_REGIONS,
  EMULATE_ACCESSES, GVAS, GVA_WEIGHTS, MAX_FAIL_COUNT, NPAGES, NR_MMU_PAGES, REFUSED_VCPU, SLOT0_GFNS, SLOT0_NPAGES, SLOTS, SLOT_FLAGS, VCPU_WEIGHTS, VMS,
} from './pools.js';

/** the host a case starts on, and what a module load brings */
export const CONFIG_FIELDS = { vendor: pool(['vmx', 'svm']), tdp: bool } as const satisfies Fields;

/** the prelude's vCPUs (one per thread), mostly; and one that KVM_CREATE_VCPU refuses */
export const vcpuDomain = (vcpus: number) =>
  weighted([...Array.from({ length: vcpus }, (_, i) => [i, VCPU_WEIGHTS.prelude] as const), [REFUSED_VCPU, VCPU_WEIGHTS.refused * vcpus]]);

/** per register (by its share of CR_REGS): its usual values, or every bit and the combinations the rules name */
const crVariants = (): [Fields, number][] =>
  [...new Set(CR_REGS)].flatMap((reg: CrReg): [Fields, number][] => {
    const share = CR_REGS.filter((r) => r === reg).length;
    return [
      [{ reg: value(reg), value: pool(CR_VALUES[reg]) }, share * CR_RULE_SHARE.typical],
      [{ reg: value(reg), value: pool(CR_RULE_VALUES[reg]) }, share * CR_RULE_SHARE.rule],
    ];
  });

/** regions: the usual bases and sizes (weight 16 against 1 for each edge region) */
const regionVariants = (): [Fields, number][] => [
  [{ gfn: pool(BASE_GFNS), npages: pool(NPAGES) }, 16],
  ...EDGE_REGIONS.map(([g, n]): [Fields, number] => [{ gfn: value(g), npages: value(n) }, 1]),
];

/**
 * The single x86 operations, weighted towards the ones that change MMU state;
 * `slot0Update` is a setMemoryRegion of the prelude's slot 0 (SLOT0_*).
 */
export const x86OpTable = (vcpus: number): readonly OpSpec[] => {
  const vm = weighted(VMS);
  const vcpu = vcpuDomain(vcpus);
  const slot = weighted(SLOTS);
  const gva = weighted([
    ...GVAS.map((g) => [g, GVA_WEIGHTS.low] as const),
    ...WALK_GVAS.map((g) => [g, GVA_WEIGHTS.walk] as const),
    ...EDGE_GVAS.map((g) => [g, GVA_WEIGHTS.edge] as const),
  ]);
  const apfGfn = pool(APF_GFNS);
  return [
    opSpec('createVm', 5, { vm: weighted(CREATE_VMS) }),
    // rare: everything after it meets a VM that is gone (the vmRebuild lifecycle destroys and rebuilds)
    opSpec('destroyVm', 1, { vm: weighted([[0, 1], [1, 1]]) }),
    opVariants('setMemoryRegion', 10, { vm, slot, flags: weighted(SLOT_FLAGS) }, regionVariants()),
    opSpec('setMemoryRegion', 4, { vm, slot: value(0), gfn: pool(SLOT0_GFNS), npages: pool(SLOT0_NPAGES), flags: value(0) }, { shape: 'slot0Update' }),
    opSpec('createVcpu', 6, { vm, vcpu: weighted([...Array.from({ length: vcpus }, (_, i) => [i, 4] as const), ...CREATE_VCPU_IDS]) }),
    opVariants('setCr', 18, { vm, vcpu }, crVariants()),
    opSpec('resetVcpu', 3, { vm, vcpu }),
    opSpec('run', 24, { vm, vcpu, access: maybe(ACCESS_PERCENT, { gva, write: bool }), interruptsAllowed: bool }),
    opSpec('emulate', 8, { vm, vcpu, access: pool(EMULATE_ACCESSES), gva }),
    opSpec('translate', 3, { vm, vcpu, gva }),
    opSpec('getDirtyLog', 4, { vm, slot }),
    opSpec('setNrMmuPages', 2, { vm, pages: pool(NR_MMU_PAGES) }),
    opSpec('failAlloc', 5, { site: pool(ALLOC_SITES), count: range(1, MAX_FAIL_COUNT) }),
    opSpec('swapOut', 4, { vm, gfn: apfGfn }, { sequentialOnly: true }),
    opSpec('asyncPfDone', 4, { vm, vcpu, gfn: apfGfn }, { sequentialOnly: true }),
    opSpec('moduleUnload', 2, {}, { sequentialOnly: true }),
    opSpec('moduleLoad', 2, CONFIG_FIELDS, { sequentialOnly: true }),
    // the PPC hcall on an x86 vCPU: refused (-EINVAL); rare, and never left out by a swarm
    opSpec('hEnter', 1, { vm, vcpu, pteIndex: value(0), exact: value(true), gpa: value(0), pageShift: value(12) }),
  ];
};

/**
 * Operations whose results the model cannot yet check against a concurrent run (they look
 * at the world at several instants and are not split into linearization phases): a case
 * with any of them runs on one thread. README: known limits.
 */
export const SEQUENTIAL_ONLY: ReadonlySet<OpKind> = new Set(x86OpTable(1).filter((s) => s.sequentialOnly).map((s) => s.kind));
