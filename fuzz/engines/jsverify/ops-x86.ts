/**
 * x86 operations drawn by jsverify, from the same pools and weights as fast-check's
 * (fuzz/gen/pools.ts): jsc.elements for a pool (it shrinks towards the pool's first
 * values), jsc.record for an operation (it shrinks field by field), and the operations
 * weighted as in X86_OP_WEIGHTS, the swarm's kinds only.
 */
import jsc from 'jsverify';
import type { CrReg, GuestAccess, HostConfig, Op } from '../../../api/ops.js';
import type { Gfn, Gva, SlotId, VcpuId, VmId } from '../../../api/ids.js';
import {
  ACCESS_PERCENT, ALLOC_SITES, BASE_GFNS, CR_REGS, CR_VALUES, EMULATE_ACCESSES, GVAS, MAX_FAIL_COUNT, NPAGES, NR_MMU_PAGES,
  REFUSED_VCPU, SLOT0_GFNS, SLOT0_NPAGES, SLOTS, SLOT_FLAGS, VCPU_WEIGHTS, VMS, X86_OP_WEIGHTS, kindOf, type X86OpShape,
} from '../../gen/pools.js';
import { APF_GFNS } from '../../gen/lifecycle-ops.js';
import type { Swarm } from '../../gen/swarm.js';
import { frequency, mapped, maybe, weighted, widen, type Arb } from './combinators.js';

const vm = frequency(VMS) as Arb<VmId>;
const slot = jsc.elements(SLOTS) as Arb<SlotId>;
const gva = jsc.elements(GVAS) as Arb<Gva>;
export const apfGfn = jsc.elements(APF_GFNS) as Arb<Gfn>;
const access: Arb<GuestAccess | null> = maybe(jsc.record({ gva, write: jsc.bool }), ACCESS_PERCENT);
const k = <K extends Op['kind']>(kind: K): Arb<K> => jsc.constant(kind);
/** an operation's record as an arbitrary of Op (jsverify's arbitraries are invariant; each shrinks only what it made) */
const op = <T extends Op>(fields: { [P in keyof T]: Arb<T[P]> }): Arb<Op> => widen(jsc.record<T>(fields));

export const configArb: Arb<HostConfig> = jsc.record({ vendor: jsc.elements(['vmx', 'svm'] as HostConfig['vendor'][]), tdp: jsc.bool });

/** the prelude's vCPUs, one per thread, mostly; and one that KVM_CREATE_VCPU refuses */
const vcpuArb = (vcpus: number): Arb<VcpuId> =>
  frequency([...Array.from({ length: vcpus }, (_, i) => [i, VCPU_WEIGHTS.prelude] as const), [REFUSED_VCPU, VCPU_WEIGHTS.refused * vcpus]]) as Arb<VcpuId>;

/** a register write: the register by its share of CR_REGS, then one of its values */
const setCrArb = (vcpu: Arb<VcpuId>): Arb<Op> => {
  const regs = [...new Set(CR_REGS)];
  return weighted(regs.map((reg) => [op({ kind: k('setCr'), vm, vcpu, reg: jsc.constant<CrReg>(reg), value: jsc.elements(CR_VALUES[reg]) }), CR_REGS.filter((r) => r === reg).length] as const));
};

export const opArb = (vcpus: number, swarm: Swarm): Arb<Op> => {
  const vcpu = vcpuArb(vcpus);
  const arbs: Record<X86OpShape, Arb<Op>> = {
    createVm: op({ kind: k('createVm'), vm }),
    destroyVm: op({ kind: k('destroyVm'), vm }),
    setMemoryRegion: op({ kind: k('setMemoryRegion'), vm, slot, gfn: jsc.elements(BASE_GFNS) as Arb<Gfn>, npages: jsc.elements(NPAGES), flags: jsc.elements(SLOT_FLAGS) }),
    slot0Update: op({ kind: k('setMemoryRegion'), vm, slot: jsc.constant(0 as SlotId), gfn: jsc.elements(SLOT0_GFNS) as Arb<Gfn>, npages: jsc.elements(SLOT0_NPAGES), flags: jsc.constant(0) }),
    createVcpu: op({ kind: k('createVcpu'), vm, vcpu }),
    setCr: setCrArb(vcpu),
    resetVcpu: op({ kind: k('resetVcpu'), vm, vcpu }),
    run: op({ kind: k('run'), vm, vcpu, access, interruptsAllowed: jsc.bool }),
    emulate: op({ kind: k('emulate'), vm, vcpu, access: jsc.elements([...EMULATE_ACCESSES]), gva }),
    translate: op({ kind: k('translate'), vm, vcpu, gva }),
    getDirtyLog: op({ kind: k('getDirtyLog'), vm, slot }),
    setNrMmuPages: op({ kind: k('setNrMmuPages'), vm, pages: jsc.elements(NR_MMU_PAGES) }),
    failAlloc: op({ kind: k('failAlloc'), site: jsc.elements(ALLOC_SITES), count: jsc.integer(1, MAX_FAIL_COUNT) }),
    swapOut: op({ kind: k('swapOut'), vm, gfn: apfGfn }),
    asyncPfDone: op({ kind: k('asyncPfDone'), vm, vcpu, gfn: apfGfn }),
    moduleUnload: op({ kind: k('moduleUnload') }),
    moduleLoad: mapped(configArb, ({ vendor, tdp }): Op => ({ kind: 'moduleLoad', vendor, tdp })),
  };
  // the swarm's kinds only (it always keeps `run`, so some remain)
  return weighted(X86_OP_WEIGHTS.filter(([shape]) => swarm.kinds.has(kindOf(shape))).map(([shape, w]) => [arbs[shape], w] as const));
};
