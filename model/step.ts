/**
 * The executable specification: step(state, op, tid) -> { state, result }, pure. Every
 * operation has a result in every state, so any list of operations is a valid test case.
 * `tid` is the harness thread issuing it: injected failures belong to a thread, like the
 * kernel's per-task make-it-fail.
 */
import { match } from 'ts-pattern';
import type { Op } from '../api/ops.js';
import type { Result } from '../api/results.js';
import type { GuestAccess } from '../api/ops.js';
import type { VcpuId, VmId } from '../api/ids.js';
import { EBADF, EEXIST, EINVAL, ENODEV } from '../api/errno.js';
import type { ModelState, ModelVcpu, ModelVm } from './state.js';
import { armFailures, withEntry, withoutEntry } from './state.js';
import { done, fail, named, type Outcome, type Step, type VcpuStep } from './outcome.js';
import { enter, hardwareWalk, newVcpu, reload, reset, rootUnbacked, runStart, setCr } from './x86/vcpu.js';
import { setRegion } from './x86/memory.js';
import { KVM_MIN_ALLOC_MMU_PAGES, afterGuestAccess, emulate, getDirtyLog, translate } from './x86/emulate.js';
import { moduleLoad, moduleUnload } from './setup/module.js';
import { forgetSwapped, swapOut } from './apf/swap.js';
import { asyncPfDone } from './apf/work.js';
import { newPpcVm } from './ppc/state.js';
import { allocRma, mapHost, ppcSetRegion, unmapHost } from './ppc/memory.js';
import { PPC_RUN_PHASES, ppcRunPhase } from './ppc/run.js';
import { RULES } from './rules.js';
import { destroyPhase, newIoctl } from './destroy.js';

export type { Step } from './outcome.js';


const ok: Result = { kind: 'ok' };
const errno = (code: number): Result => ({ kind: 'errno', errno: code });
const putVm = (s: ModelState, id: VmId, vm: ModelVm): ModelState => ({ ...s, vms: withEntry(s.vms, id, vm) });

/** Runs a vCPU operation on an existing x86 vCPU, or -EBADF (-EINVAL on a PPC vCPU). */
const onVcpu = (s: ModelState, id: VmId, vcpu: VcpuId, f: (vm: ModelVm, v: ModelVcpu) => VcpuStep): Step => {
  const vm = s.vms.get(id);
  const v = vm?.vcpus.get(vcpu);
  if (!vm || !v) return fail(s, EBADF, vm ? 'vcpu.missing→EBADF' : 'vm.missing→EBADF');
  if (vm.ppc) return fail(s, EINVAL, 'vcpu.ppc→EINVAL');
  const r = f(vm, v);
  return { state: putVm(r.state, id, { ...r.vm, vcpus: withEntry(r.vm.vcpus, vcpu, r.vcpu) }), result: r.result, ...(r.outcomes && { outcomes: r.outcomes }) };
};

/** What a VM operation makes of its VM. */
interface VmStep {
  readonly vm: ModelVm;
  readonly result: Result;
  readonly outcomes?: readonly Outcome[];
}

/** Runs a VM operation on an existing VM, or -EBADF. */
const onVm = (s: ModelState, id: VmId, f: (vm: ModelVm) => VmStep): Step => {
  const vm = s.vms.get(id);
  if (!vm) return fail(s, EBADF, 'vm.missing→EBADF');
  const r = f(vm);
  return { state: putVm(s, id, r.vm), result: r.result, ...(r.outcomes && { outcomes: r.outcomes }) };
};

const refused = (vm: ModelVm, code: number, o: Outcome): VmStep => ({ vm, result: errno(code), outcomes: [o] });

/** An x86-only VM ioctl: -EINVAL on a PPC VM. */
const onX86Vm = (s: ModelState, id: VmId, f: (vm: ModelVm) => VmStep): Step =>
  s.vms.get(id)?.ppc ? fail(s, EINVAL, 'vm.ppc→EINVAL') : onVm(s, id, f);

/** Deleting or moving a slot zaps every shadow page: all roots must be reloaded. */
const dropRoots = (vm: ModelVm): ModelVm => ({
  ...vm,
  vcpus: new Map([...vm.vcpus].map(([id, { stale: _, ...v }]) => [id, { ...v, rootLoaded: false }])),
});

/** A step that may not be over: result null means the operation continues in its next phase. */
export interface Phase {
  readonly state: ModelState;
  readonly result: Result | null;
  /** the phase cannot be taken in this state (it waits for a lock another operation holds) */
  readonly blocked?: boolean;
  /** the rule outcomes the phase took */
  readonly outcomes?: readonly Outcome[];
}

/**
 * KVM_RUN is not one atomic action: completed async work is delivered and the root reloaded
 * before entry (phase 0); then the guest's access is resolved (phase 1): an exit straight
 * back to userspace (MMIO, #PF, async "page not present") does not re-enter, while an
 * access that completes may have faulted and re-entered, reloading the root if it went away
 * meanwhile. The emulator likewise translates, then accesses memory. Other threads'
 * operations may fall between the two phases, so a concurrent run checks them as two
 * steps; a sequential one simply takes both.
 * A PPC run and H_ENTER take up to PPC_RUN_PHASES steps (see ppc/run.ts): the first run's
 * check and each VRMA page, then the real-mode attempt, the virtual-mode pin and the
 * retried insert.
 */
export const phases = (op: Op): number =>
  op.kind === 'run' || op.kind === 'hEnter' ? PPC_RUN_PHASES : op.kind === 'emulate' || op.kind === 'destroyVm' || op.kind === 'allocRma' ? 2 : 1;

type RunOp = Extract<Op, { kind: 'run' }>;
type EmulateOp = Extract<Op, { kind: 'emulate' }>;

/** Runs one phase on a vCPU; `pending` (result null) when the operation goes on. */
const vcpuPhase = (s: ModelState, id: VmId, vcpu: VcpuId, f: (vm: ModelVm, v: ModelVcpu) => VcpuStep | (Omit<VcpuStep, 'result'> & { result: null })): Phase => {
  let pending = false;
  const r = onVcpu(s, id, vcpu, (m, v) => {
    const e = f(m, v);
    pending = e.result === null;
    return { ...e, result: e.result ?? ok };
  });
  return pending ? { state: r.state, result: null, ...(r.outcomes && { outcomes: r.outcomes }) } : r;
};

const emulatePhase = (s: ModelState, o: EmulateOp, phase: number): Phase =>
  vcpuPhase(s, o.vm, o.vcpu, (m, v) => {
    const e = emulate(m, v, o.access, o.gva, s.host.tdp, phase);
    return { state: s, vm: e.vm, vcpu: e.vcpu, result: e.result, ...(e.outcomes && { outcomes: e.outcomes }) };
  });

const runPhase = (s: ModelState, o: RunOp, phase: number, tid: number): Phase => {
  if (s.vms.get(o.vm)?.ppc) return ppcRunPhase(s, o.vm, o.vcpu, phase, tid, null);
  const irqs = o.interruptsAllowed ?? false;
  return vcpuPhase(s, o.vm, o.vcpu, (m, v) => {
    if (phase === 0) {
      const d = runStart(s, m, v, tid);
      if (d.result) return d;
      const failed = reload(d.state, d.vm, d.vcpu, tid, 'run/reload→ENOMEM') ?? rootUnbacked(d.state, d.vm, d.vcpu);
      if (failed) return named(failed, ...(d.outcomes ?? []));
      const before = [...(d.outcomes ?? []), ...(d.vcpu.rootLoaded ? [] : ['run/rootReload' as const])];
      const walked = o.access && hardwareWalk(d.state, d.vm, d.vcpu, o.access);
      if (o.access === null || walked === null) {
        const e = enter(d.state, d.vm, d.vcpu, o.access, irqs, tid);
        return { ...e, outcomes: [...before, ...(e.outcomes ?? [])] };
      }
      const { stale: _, ...loaded } = d.vcpu;
      return { ...d, vcpu: { ...loaded, rootLoaded: true, walked }, result: null, outcomes: before };
    }
    if (phase === 1) {
      const e = enter(s, m, v, o.access, irqs, tid);
      // no re-entry: the root stays as other threads left it
      if (e.result.kind !== 'exit' || e.result.reason !== 'hlt') return { ...e, vcpu: { ...e.vcpu, rootLoaded: v.rootLoaded, ...(v.stale && { stale: v.stale }) } };
      // the fault was handled: a write set a writable spte and marked the page dirty (set_spte's
      // mark_page_dirty, upstream make_spte's mark_page_dirty_in_slot) before the re-entry
      const { walked: _, ...before } = v;
      return { ...e, vm: afterGuestAccess(e.vm, e.vcpu, o.access, e.result), vcpu: { ...before, reentering: true }, result: null };
    }
    return reenter(s, m, v, o.access, irqs, tid);
  });
};

/**
 * The re-entry after the fault (vcpu_enter_guest again), its own phase: other threads'
 * operations may fall before it. With the root still loaded the guest's instruction
 * completes, and a write dirties its page again (a KVM_GET_DIRTY_LOG in between
 * write-protected it, so the write faults once more). With the root gone (a memslot
 * change zapped it) the root is reloaded (-ENOMEM: no entry) and the instruction runs
 * again from the start: its walk may now fault or exit where the first one did not.
 */
const reenter = (s: ModelState, m: ModelVm, inside: ModelVcpu, access: GuestAccess | null, irqs: boolean, tid: number): VcpuStep => {
  const { reentering: _, ...v } = inside;
  const hlt: Result = { kind: 'exit', reason: 'hlt' };
  if (v.rootLoaded) return { state: s, vm: afterGuestAccess(m, v, access, hlt), vcpu: v, result: hlt };
  const failed = reload(s, m, v, tid, 'run/reentry→ENOMEM');
  if (failed) return failed;
  const e = enter(s, m, v, access, irqs, tid);
  const outcomes: Outcome[] = ['run/rootReload', 'run/reexecuted', ...(e.outcomes ?? [])];
  return { ...e, vm: afterGuestAccess(e.vm, e.vcpu, access, e.result), outcomes };
};

/** Phase `phase` of `op` (see phases()); for one-phase operations the same as step(). */
export const stepPhase = (s: ModelState, op: Op, phase: number, tid = 0): Phase =>
  op.kind === 'destroyVm' ? destroyPhase(s, op.vm, phase) : phase === 0 ? newIoctl(s, op, (v) => opPhase(v, op, 0, tid)) : opPhase(s, op, phase, tid);

const opPhase = (s: ModelState, op: Op, phase: number, tid: number): Phase => {
  if (op.kind === 'run') return runPhase(s, op, phase, tid);
  if (op.kind === 'emulate') return emulatePhase(s, op, phase);
  if (op.kind === 'hEnter') return ppcRunPhase(s, op.vm, op.vcpu, phase, tid, op);
  if (op.kind === 'allocRma') return allocRma(s, op.vm, op.slot, tid, phase);
  return step(s, op, tid);
};

/** A phased operation on one thread: its phases back to back. */
const allPhases = (s: ModelState, op: Op, tid: number): Step => {
  let state = s;
  const outcomes: Outcome[] = [];
  for (let phase = 0; ; phase++) {
    const r = stepPhase(state, op, phase, tid);
    if (r.outcomes) outcomes.push(...r.outcomes);
    if (r.result) return { state: r.state, result: r.result, outcomes };
    if (r.blocked || phase + 1 >= phases(op)) throw new Error(`model: ${op.kind} stopped in phase ${phase}`);
    state = r.state;
  }
};

export const step = (s: ModelState, op: Op, tid = 0): Step =>
  match(op)
    .with({ kind: 'createVm' }, ({ vm, ppc }) => {
      // no vendor module: /dev/kvm has no driver behind it
      if (!s.host.loaded) return fail(s, ENODEV, 'createVm/noModule→ENODEV');
      if (s.vms.has(vm)) return fail(s, EEXIST, 'createVm/exists→EEXIST');
      const created = putVm(s, vm, { slots: new Map(), vcpus: new Map(), nrMmuPages: 0, ppc: ppc ? newPpcVm(ppc) : null, swapped: new Set() });
      return done(created, ppc ? 'createVm/ppc' : 'createVm/x86');
    })
    .with({ kind: 'setMemoryRegion' }, ({ vm, slot, gfn, npages, flags }) =>
      s.vms.get(vm)?.ppc
        ? ppcSetRegion(s, vm, slot, gfn, npages, tid)
        : onVm(s, vm, (m) => {
            const r = setRegion(m, slot, gfn, npages, flags ?? 0, RULES[s.rules]);
            if ('errno' in r) return refused(m, r.errno, r.outcome);
            const next = { ...m, slots: r.slots };
            if (r.change !== 'delete' && r.change !== 'move') return { vm: next, result: ok, outcomes: [r.outcome] };
            return { vm: dropRoots(forgetSwapped(next, m.slots.get(slot)!)), result: ok, outcomes: [r.outcome] };
          }),
    )
    .with({ kind: 'createVcpu' }, ({ vm, vcpu }) =>
      onVm(s, vm, (m) => {
        if (vcpu < 0 || vcpu >= RULES[s.rules].vcpuIds) return refused(m, EINVAL, 'createVcpu/id→EINVAL');
        if (m.vcpus.has(vcpu)) return refused(m, EEXIST, 'createVcpu/exists→EEXIST');
        return { vm: { ...m, vcpus: withEntry(m.vcpus, vcpu, newVcpu()) }, result: ok, outcomes: ['createVcpu/created'] };
      }),
    )
    .with({ kind: 'setCr' }, ({ vm, vcpu, reg, value }) => onVcpu(s, vm, vcpu, (m, v) => setCr(s, m, v, reg, value)))
    .with({ kind: 'resetVcpu' }, ({ vm, vcpu }) => onVcpu(s, vm, vcpu, (m) => reset(s, m)))
    .with({ kind: 'run' }, { kind: 'emulate' }, { kind: 'hEnter' }, { kind: 'destroyVm' }, { kind: 'allocRma' }, (o) => allPhases(s, o, tid))
    .with({ kind: 'translate' }, ({ vm, vcpu, gva }) => onVcpu(s, vm, vcpu, (m, v) => translate(s, m, v, gva)))
    .with({ kind: 'getDirtyLog' }, ({ vm, slot }) => onX86Vm(s, vm, (m) => getDirtyLog(m, slot, RULES[s.rules].memSlots)))
    .with({ kind: 'setNrMmuPages' }, ({ vm, pages }) =>
      onX86Vm(s, vm, (m) =>
        pages < KVM_MIN_ALLOC_MMU_PAGES ? refused(m, EINVAL, 'setNrMmuPages/belowMin→EINVAL') : { vm: { ...m, nrMmuPages: pages }, result: ok, outcomes: ['setNrMmuPages/set'] },
      ),
    )
    .with({ kind: 'failAlloc' }, ({ site, count }) => done(armFailures(s, tid, site, count), 'failAlloc/armed'))
    .with({ kind: 'swapOut' }, ({ vm, gfn }) => (s.vms.get(vm)?.ppc ? fail(s, EINVAL, 'vm.ppc→EINVAL') : swapOut(s, vm, gfn)))
    .with({ kind: 'asyncPfDone' }, ({ vm, vcpu, gfn }) => onVcpu(s, vm, vcpu, (m, v) => asyncPfDone(s, m, v, gfn)))
    .with({ kind: 'moduleLoad' }, ({ vendor, tdp }) => moduleLoad(s, vendor, tdp, tid))
    .with({ kind: 'moduleUnload' }, () => moduleUnload(s))
    .with({ kind: 'mapHostMemory' }, ({ vm, slot, pageShift, pages }) => mapHost(s, vm, slot, pageShift, pages))
    .with({ kind: 'unmapHostMemory' }, ({ vm, slot }) => unmapHost(s, vm, slot))
    .exhaustive();
