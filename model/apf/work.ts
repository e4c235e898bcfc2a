/**
 * Async page-fault work (seed 001): what a guest access to a swapped-out page does, and
 * what completing a queued work does. At most ASYNC_PF_PER_VCPU works are outstanding per
 * vCPU, and at most one per gfn.
 */
import type { Gfn } from '../../api/ids.js';
import { EINTR, ENOENT } from '../../api/errno.js';
import type { ModelApf, ModelState, ModelVcpu, ModelVm } from '../state.js';
import { takeFailure } from '../state.js';
import type { Outcome, VcpuStep } from '../outcome.js';
import { slotBacking } from '../x86/memory.js';
import { swapIn } from './swap.js';

/** outstanding works per vCPU (the kernel has 64; 4 keeps the limit within a short case) */
export const ASYNC_PF_PER_VCPU = 4;

export const noAsyncPf = (): ModelApf => ({ queued: new Map(), done: [], halted: false });

const outstanding = (a: ModelApf): number => a.queued.size + a.done.length;
const hasWork = (a: ModelApf, g: Gfn): boolean => a.queued.has(g) || a.done.some((w) => w.gfn === g);

/**
 * An access to a swapped-out page (try_async_pf). With interrupts allowed: a gfn that already
 * has work halts the vCPU (the doublefault: KVM_RUN blocks until a signal, -EINTR); otherwise
 * work is queued and the guest told "page not present". With interrupts off, a full queue or
 * no memory for the work, the page is brought in synchronously and the access completes.
 */
export const faultOnSwapped = (
  s: ModelState,
  vm: ModelVm,
  v: ModelVcpu,
  g: Gfn,
  addr: number,
  interruptsAllowed: boolean,
  tid: number,
): VcpuStep => {
  const sync = (state: ModelState, o: Outcome): VcpuStep => ({ state, vm: swapIn(vm, g), vcpu: v, result: { kind: 'exit', reason: 'hlt' }, outcomes: [o] });
  if (!interruptsAllowed) return sync(s, 'run/apf.sync');
  if (hasWork(v.apf, g)) {
    return { state: s, vm, vcpu: { ...v, apf: { ...v.apf, halted: true } }, result: { kind: 'errno', errno: EINTR }, outcomes: ['run/apf.doubleFault→EINTR'] };
  }
  if (outstanding(v.apf) >= ASYNC_PF_PER_VCPU) return sync(s, 'run/apf.queueFull');
  const noMemory = takeFailure(s, tid, 'asyncPfWork');
  if (noMemory) return sync(noMemory, 'run/apf.noMemory');
  const apf = { ...v.apf, queued: new Map(v.apf.queued).set(g, addr) };
  return { state: s, vm, vcpu: { ...v, apf }, result: { kind: 'exit', reason: 'apfNotPresent' }, outcomes: ['run/apf.queued'] };
};

/**
 * The work queued for gfn gets its page (-ENOENT when none is queued). The page is an
 * error page when no memslot backs the gfn any more; otherwise it is resident again.
 */
export const asyncPfDone = (s: ModelState, vm: ModelVm, v: ModelVcpu, g: Gfn): VcpuStep => {
  if (!v.apf.queued.has(g)) return { state: s, vm, vcpu: v, result: { kind: 'errno', errno: ENOENT }, outcomes: ['asyncPfDone/noWork→ENOENT'] };
  const errorPage = slotBacking(vm, g) === undefined;
  const queued = new Map(v.apf.queued);
  queued.delete(g);
  const apf = { ...v.apf, queued, done: [...v.apf.done, { gfn: g, addr: v.apf.queued.get(g)!, errorPage }] };
  return { state: s, vm: errorPage ? vm : swapIn(vm, g), vcpu: { ...v, apf }, result: { kind: 'ok' }, outcomes: [errorPage ? 'asyncPfDone/errorPage' : 'asyncPfDone/done'] };
};
