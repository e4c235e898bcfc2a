/**
 * The rule of every operation, one row per kind: what it returns and what it changes.
 * Most take effect in one step; those other threads can interleave with (KVM_RUN, the
 * emulator, H_ENTER, KVM_ALLOCATE_RMA, a VM's destroy) are declared with their phases,
 * each a step of its own (the linearizability search, oracle/search.ts, may put other
 * threads' operations between two). The table is exhaustive: an operation kind without a
 * row does not compile. model/step.ts runs the rows.
 */
import type { Op } from '../api/ops.js';
import { EEXIST, EINVAL, ENODEV } from '../api/errno.js';
import type { ModelState, ModelVm } from './state.js';
import { armFailures, withEntry } from './state.js';
import { done, fail, type Phase, type Step } from './outcome.js';
import { onVcpu, onVm, onX86Vm, putVm } from './on.js';
import { newVcpu, reset, setCr } from './x86/vcpu.js';
import { setRegion } from './x86/memory.js';
import { KVM_MIN_ALLOC_MMU_PAGES, getDirtyLog, translate } from './x86/emulate.js';
import { emulatePhase, runPhase } from './x86/run.js';
import { moduleLoad, moduleUnload } from './setup/module.js';
import { forgetSwapped, swapOut } from './apf/swap.js';
import { asyncPfDone } from './apf/work.js';
import { newPpcVm } from './ppc/state.js';
import { allocRma, mapHost, ppcSetRegion, unmapHost } from './ppc/memory.js';
import { PPC_RUN_PHASES, ppcRunPhase } from './ppc/run.js';
import { RULES } from './rules.js';
import { destroyPhase } from './destroy.js';

/** an operation that takes effect in one step */
type OneStep<O> = (s: ModelState, op: O, tid: number) => Step;

/** an operation in up to `phases` steps; each phase but the last returns result null */
interface Phased<O> {
  readonly phases: number;
  readonly phase: (s: ModelState, op: O, phase: number, tid: number) => Phase;
  /** its first phase is not a new ioctl that a VM being destroyed hides from (the destroy itself) */
  readonly seesDying?: true;
}

export type Ioctl<O extends Op = Op> = OneStep<O> | Phased<O>;

/** Deleting or moving a slot zaps every shadow page: all roots must be reloaded. */
const dropRoots = (vm: ModelVm): ModelVm => ({
  ...vm,
  vcpus: new Map([...vm.vcpus].map(([id, { stale: _, ...v }]) => [id, { ...v, rootLoaded: false }])),
});

/** one row per operation kind: a missing row (or one too many) does not compile */
export type IoctlTable = { readonly [K in Op['kind']]: Ioctl<Extract<Op, { kind: K }>> };

export const IOCTLS = {
  createVm: (s, { vm, ppc }) => {
    // no vendor module: /dev/kvm has no driver behind it
    if (!s.host.loaded) return fail(s, ENODEV, 'createVm/noModule→ENODEV');
    if (s.vms.has(vm)) return fail(s, EEXIST, 'createVm/exists→EEXIST');
    const created = putVm(s, vm, { slots: new Map(), vcpus: new Map(), nrMmuPages: 0, ppc: ppc ? newPpcVm(ppc) : null, swapped: new Set() });
    return done(created, ppc ? 'createVm/ppc' : 'createVm/x86');
  },
  setMemoryRegion: (s, { vm, slot, gfn, npages, flags }, tid) =>
    s.vms.get(vm)?.ppc
      ? ppcSetRegion(s, vm, slot, gfn, npages, tid)
      : onVm(s, vm, (m) => {
          const r = setRegion(m, slot, gfn, npages, flags ?? 0, RULES[s.rules]);
          if ('errno' in r) return fail({ state: s, vm: m }, r.errno, r.outcome);
          const next = { ...m, slots: r.slots };
          if (r.change !== 'delete' && r.change !== 'move') return done({ state: s, vm: next }, r.outcome);
          return done({ state: s, vm: dropRoots(forgetSwapped(next, m.slots.get(slot)!)) }, r.outcome);
        }),
  createVcpu: (s, { vm, vcpu }) =>
    onVm(s, vm, (m) => {
      if (vcpu < 0 || vcpu >= RULES[s.rules].vcpuIds) return fail({ state: s, vm: m }, EINVAL, 'createVcpu/id→EINVAL');
      if (m.vcpus.has(vcpu)) return fail({ state: s, vm: m }, EEXIST, 'createVcpu/exists→EEXIST');
      return done({ state: s, vm: { ...m, vcpus: withEntry(m.vcpus, vcpu, newVcpu()) } }, 'createVcpu/created');
    }),
  setCr: (s, { vm, vcpu, reg, value }) => onVcpu(s, vm, vcpu, (m, v) => setCr(s, m, v, reg, value)),
  resetVcpu: (s, { vm, vcpu }) => onVcpu(s, vm, vcpu, (m) => reset(s, m)),
  run: {
    phases: PPC_RUN_PHASES,
    phase: (s, o, phase, tid) =>
      s.vms.get(o.vm)?.ppc ? ppcRunPhase(s, o.vm, o.vcpu, phase, tid, null) : runPhase(s, o.vm, o.vcpu, o.access, o.interruptsAllowed ?? false, phase, tid),
  },
  emulate: { phases: 2, phase: (s, o, phase) => emulatePhase(s, o.vm, o.vcpu, o.access, o.gva, phase) },
  hEnter: { phases: PPC_RUN_PHASES, phase: (s, o, phase, tid) => ppcRunPhase(s, o.vm, o.vcpu, phase, tid, o) },
  destroyVm: { phases: 2, phase: (s, o, phase) => destroyPhase(s, o.vm, phase), seesDying: true },
  allocRma: { phases: 2, phase: (s, o, phase, tid) => allocRma(s, o.vm, o.slot, tid, phase) },
  translate: (s, { vm, vcpu, gva }) => onVcpu(s, vm, vcpu, (m, v) => translate(s, m, v, gva)),
  getDirtyLog: (s, { vm, slot }) => onX86Vm(s, vm, (m) => getDirtyLog(s, m, slot, RULES[s.rules].memSlots)),
  setNrMmuPages: (s, { vm, pages }) =>
    onX86Vm(s, vm, (m) =>
      pages < KVM_MIN_ALLOC_MMU_PAGES ? fail({ state: s, vm: m }, EINVAL, 'setNrMmuPages/belowMin→EINVAL') : done({ state: s, vm: { ...m, nrMmuPages: pages } }, 'setNrMmuPages/set'),
    ),
  failAlloc: (s, { site, count }, tid) => done(armFailures(s, tid, site, count), 'failAlloc/armed'),
  swapOut: (s, { vm, gfn }) => (s.vms.get(vm)?.ppc ? fail(s, EINVAL, 'vm.ppc→EINVAL') : swapOut(s, vm, gfn)),
  asyncPfDone: (s, { vm, vcpu, gfn }) => onVcpu(s, vm, vcpu, (m, v) => asyncPfDone(s, m, v, gfn)),
  moduleLoad: (s, { vendor, tdp }, tid) => moduleLoad(s, vendor, tdp, tid),
  moduleUnload: (s) => moduleUnload(s),
  mapHostMemory: (s, { vm, slot, pageShift, pages }) => mapHost(s, vm, slot, pageShift, pages),
  unmapHostMemory: (s, { vm, slot }) => unmapHost(s, vm, slot),
} satisfies IoctlTable;

/** the row of `op` */
export const ioctlOf = (op: Op): Ioctl => IOCTLS[op.kind] as Ioctl;
