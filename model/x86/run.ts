/**
 * KVM_RUN and the emulator on x86, phase by phase. KVM_RUN is not one atomic action:
 * completed async work is delivered and the root reloaded before entry (phase 0); then the
 * guest's access is resolved (phase 1): an exit straight back to userspace (MMIO, #PF,
 * async "page not present") does not re-enter, while an access that completes may have
 * faulted and re-entered (phase 2), reloading the root if it went away meanwhile. The
 * emulator likewise translates (phase 0), then accesses memory (phase 1). Other threads'
 * operations may fall between phases (model/phases.ts).
 */
import type { EmulatedAccess, GuestAccess } from '../../api/ops.js';
import type { Gva, VcpuId, VmId } from '../../api/ids.js';
import type { Result } from '../../api/results.js';
import type { ModelState, ModelVcpu, ModelVm } from '../state.js';
import { named, type Outcome, type Phase, type VcpuStep } from '../outcome.js';
import { onVcpu } from '../on.js';
import { enter, hardwareWalk, reload, rootUnbacked, runStart } from './vcpu.js';
import { afterGuestAccess, emulate } from './emulate.js';

/** phase `phase` of KVM_RUN on an x86 vCPU (the guest makes `access`, or halts) */
export const runPhase = (s: ModelState, vm: VmId, vcpu: VcpuId, access: GuestAccess | null, irqs: boolean, phase: number, tid: number): Phase =>
  onVcpu(s, vm, vcpu, (m, v): VcpuStep<Result | null> => {
    if (phase === 0) {
      const d = runStart(s, m, v, tid);
      if (d.result) return d;
      const failed = reload(d.state, d.vm, d.vcpu, tid, 'run/reload→ENOMEM') ?? rootUnbacked(d.state, d.vm, d.vcpu);
      if (failed) return named(failed, ...(d.outcomes ?? []));
      const before = [...(d.outcomes ?? []), ...(d.vcpu.rootLoaded ? [] : ['run/rootReload' as const])];
      const walked = access && hardwareWalk(d.state, d.vm, d.vcpu, access);
      if (access === null || walked === null) {
        const e = enter(d.state, d.vm, d.vcpu, access, irqs, tid);
        return { ...e, outcomes: [...before, ...(e.outcomes ?? [])] };
      }
      const { stale: _, ...loaded } = d.vcpu;
      return { ...d, vcpu: { ...loaded, rootLoaded: true, walked }, result: null, outcomes: before };
    }
    if (phase === 1) {
      const e = enter(s, m, v, access, irqs, tid);
      // no re-entry: the root stays as other threads left it
      if (e.result.kind !== 'exit' || e.result.reason !== 'hlt') return { ...e, vcpu: { ...e.vcpu, rootLoaded: v.rootLoaded, ...(v.stale && { stale: v.stale }) } };
      // the fault was handled: a write set a writable spte and marked the page dirty (set_spte's
      // mark_page_dirty, upstream make_spte's mark_page_dirty_in_slot) before the re-entry
      const { walked: _, ...before } = v;
      return { ...e, vm: afterGuestAccess(e.vm, e.vcpu, access, e.result), vcpu: { ...before, reentering: true }, result: null };
    }
    return reenter(s, m, v, access, irqs, tid);
  });

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

/** phase `phase` of KVM_EMULATE: the walk (0), then the access (1) */
export const emulatePhase = (s: ModelState, vm: VmId, vcpu: VcpuId, access: EmulatedAccess, gva: Gva, phase: number): Phase =>
  onVcpu(s, vm, vcpu, (m, v) => ({ state: s, ...emulate(m, v, access, gva, s.host.tdp, phase) }));
