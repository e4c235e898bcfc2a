/**
 * Delivering completed async page faults at the start of KVM_RUN (seed 001):
 * kvm_check_async_pf_completion() takes each completed work in completion order.
 */
import type { Gfn } from '../../api/ids.js';
import type { ModelState, ModelVcpu, ModelVm } from '../state.js';
import { takeFailure } from '../state.js';
import { directMap } from '../x86/registers.js';
import type { Outcome, VcpuStep } from '../outcome.js';
import { swapIn } from './swap.js';

/**
 * For each completed work, "page ready" prefaults a good page on a direct map, after
 * reloading the root (a failed reload skips the prefault; the failure is not returned),
 * and "page present" finishes it. Delivering any work wakes a halted vCPU. The prefault is
 * at the work's fault address read as a gpa (seed 001 passes work->gva to page_fault): a
 * work queued under shadow paging and delivered after paging was turned off prefaults the
 * gfn its gva names, not the one that was swapped out.
 */
export const deliverCompleted = (s: ModelState, vm: ModelVm, v: ModelVcpu, tid: number): Omit<VcpuStep, 'result'> => {
  if (v.apf.done.length === 0) return { state: s, vm, vcpu: v };
  let state = s;
  let m = vm;
  let cur = v;
  const outcomes: Outcome[] = ['run/apf.delivered'];
  for (const w of v.apf.done) {
    if (w.errorPage || !directMap(cur, s.host.tdp)) continue;
    if (!cur.rootLoaded) {
      const failed = takeFailure(state, tid, 'mmuTopup');
      if (failed) {
        state = failed;
        outcomes.push('run/apf.deliverNoRoot');
        continue;
      }
      const { stale: _, ...loaded } = cur;
      cur = { ...loaded, rootLoaded: true };
    }
    // the prefault (no_apf) brings a page swapped out again back synchronously
    m = swapIn(m, Math.floor(w.addr / 4096) as Gfn);
  }
  return { state, vm: m, vcpu: { ...cur, apf: { ...cur.apf, done: [], halted: false } }, outcomes };
};
