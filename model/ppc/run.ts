/**
 * KVM_RUN of a PPC HV vCPU, in the steps at which it looks at shared state (seed 004). The
 * first run checks the memslot at gpa 0 and its host memory under kvm->lock, then maps a
 * VRMA page by page, each a virtual-mode H_ENTER that pins when it runs: other threads'
 * mmaps and memslot changes may fall between any two, and between a page's pin and its
 * HPTE. The guest's H_ENTER first tries the real-mode handler; on H_TOO_HARD the vCPU
 * looks the page up in slot_phys and, if it was not known, pins it with get_user_pages and
 * records it under slot_phys_lock (guest-page.ts), then retries the insert: up to five
 * instants. The step to come is kept in the vCPU, like `walked` for x86.
 */
import type { VcpuId, VmId } from '../../api/ids.js';
import { EBADF, EINVAL } from '../../api/errno.js';
import { H_RESOURCE } from '../../api/hcall.js';
import type { ModelState, ModelVcpu } from '../state.js';
import { withEntry } from '../state.js';
import { HPT_NPTEG, ppcOf, putPpc } from './state.js';
import { realMode, type HEnterArgs, type HEnterStep } from './h-enter.js';
import { guestPageCheck, guestPageGup, guestPageRecord, type PendingPin } from './guest-page.js';
import { setupCheck, vrmaInsert, vrmaPin } from './rma.js';
import { fail, type Outcome, type Phase } from '../outcome.js';

/** where an unfinished PPC KVM_RUN stands */
export type RunStage =
  /**
   * inside the VM (the ioctl holds its reference, so a destroy that begins now waits for
   * it), not yet at the first-run check: a mmap that comes after the destroy began may
   * still be what the check sees
   */
  | { readonly at: 'inside' }
  /** holding kvm->lock, mapping VRMA page `page` of `pages`: its pin, then (`pinned`) its HPTE */
  | { readonly at: 'vrma'; readonly page: number; readonly pages: number; readonly pinned: boolean }
  /** in the guest: its H_ENTER goes to the real-mode handler */
  | { readonly at: 'guest' }
  /** H_TOO_HARD: kvmppc_virtmode_h_enter looks the page up in slot_phys */
  | { readonly at: 'virtual' }
  /** not known there: get_user_pages, then the record under slot_phys_lock (guest-page.ts) */
  | { readonly at: 'gup' | 'record'; readonly pin: PendingPin }
  /** pinned: the real-mode insert is redone */
  | { readonly at: 'retry' };

/** times a pin is looked up again after a delete freed its slot_phys array, at most, in a case */
const MAX_PIN_RETRIES = 4;

/**
 * the most steps a PPC run takes: the VM lookup, the check, two per VRMA page, then
 * H_ENTER's five (real mode, slot_phys, get_user_pages, record, insert), three more per
 * retried pin
 */
export const PPC_RUN_PHASES = 2 + 2 * HPT_NPTEG + 5 + 3 * MAX_PIN_RETRIES;

const putVcpu = (s: ModelState, id: VmId, vcpu: VcpuId, stage: RunStage | undefined): ModelState => {
  const vm = s.vms.get(id)!;
  const v: ModelVcpu = { ...vm.vcpus.get(vcpu)!, ppcRun: stage };
  return { ...s, vms: withEntry(s.vms, id, { ...vm, vcpus: withEntry(vm.vcpus, vcpu, v) }) };
};

/**
 * Phase `phase` of a KVM_RUN of `vcpu` whose guest makes the H_ENTER `hcall` (null: it
 * halts). Phase 0 starts the run; later phases continue from the vCPU's stage.
 */
export const ppcRunPhase = (s: ModelState, id: VmId, vcpu: VcpuId, phase: number, tid: number, hcall: HEnterArgs | null): Phase => {
  const vm = s.vms.get(id);
  const v = vm?.vcpus.get(vcpu);
  if (!vm || !v) return fail(s, EBADF, vm ? 'vcpu.missing→EBADF' : 'vm.missing→EBADF');
  if (!vm.ppc) return fail(s, EINVAL, 'hEnter/notPpc→EINVAL');
  const next = (state: ModelState, stage: RunStage, ...outcomes: Outcome[]): Phase => ({ state: putVcpu(state, id, vcpu, stage), result: null, outcomes });
  const entered = (state: ModelState, o: Outcome): Phase =>
    hcall ? next(state, { at: 'guest' }, o) : { state: putVcpu(state, id, vcpu, undefined), result: { kind: 'exit', reason: 'hlt' }, outcomes: [o, 'run/ppc.halt'] };
  const answer = (h: HEnterStep, ...before: Outcome[]): Phase => ({ state: putVcpu(h.state, id, vcpu, undefined), result: { kind: 'hcall', ret: h.ret, index: h.index }, outcomes: [...before, ...h.outcomes] });
  // kvmppc_map_vrma stops at the first page it cannot map; rma_setup_done, kvm->lock released
  const setupDone = (state: ModelState, o: Outcome): Phase => {
    const [, p] = ppcOf(state, id);
    return entered(putPpc(state, id, { ...p, rma: 'vrma', settingUp: null }), o);
  };
  if (phase === 0) return next(s, { at: 'inside' });
  const stage = v.ppcRun!;
  if (stage.at === 'inside') {
    if (vm.ppc.settingUp !== null) return { state: s, result: null, blocked: true };
    const c = setupCheck(s, id);
    if ('err' in c) return c.err ? fail(putVcpu(c.state, id, vcpu, undefined), c.err, c.outcome) : entered(c.state, c.outcome);
    const [, p] = ppcOf(c.state, id);
    return next(putPpc(c.state, id, { ...p, settingUp: vcpu }), { at: 'vrma', page: 0, pages: c.vrmaPages, pinned: false });
  }
  switch (stage.at) {
    case 'vrma': {
      if (!stage.pinned) {
        const r = vrmaPin(s, id, stage.page, tid);
        return r.ok ? next(r.state, { ...stage, pinned: true }) : setupDone(r.state, 'run/ppc.vrmaCut');
      }
      const r = vrmaInsert(s, id, stage.page);
      if (r.mapped && stage.page + 1 < stage.pages) return next(r.state, { ...stage, page: stage.page + 1, pinned: false });
      return setupDone(r.state, r.mapped ? 'run/ppc.vrma' : 'run/ppc.vrmaCut');
    }
    case 'guest': {
      const a = realMode(s, id, hcall!);
      return a === 'tooHard' ? next(s, { at: 'virtual' }, 'hEnter/tooHard') : answer(a);
    }
    case 'virtual': {
      const c = guestPageCheck(s, id, hcall!);
      return c === 'known' ? next(s, { at: 'retry' }, 'hEnter/known') : 'ret' in c ? answer(c) : next(s, { at: 'gup', pin: c });
    }
    case 'gup': {
      const g = guestPageGup(s, id, stage.pin, tid);
      return 'ret' in g ? answer(g) : next(g, { at: 'record', pin: stage.pin });
    }
    case 'record': {
      const r = guestPageRecord(s, id, stage.pin);
      return r ? next(r.state, { at: 'retry' }, r.outcome) : next(s, { at: 'virtual' }, 'hEnter/pinRetry');
    }
    case 'retry': {
      const a = realMode(s, id, hcall!);
      return answer(a === 'tooHard' ? { state: s, ret: H_RESOURCE, index: null, outcomes: ['hEnter/retry→H_RESOURCE'] } : a);
    }
  }
};
