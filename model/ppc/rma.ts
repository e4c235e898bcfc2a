/**
 * The first vCPU run of a PPC HV VM sets up the guest's real-mode area, exactly once (seed
 * 004): an RMO when a preallocated RMA is mapped behind the slot at gpa 0, otherwise a
 * VRMA on POWER7 (one HPTE per RAM page, pinning each) and -EPERM on PPC970.
 */
import type { Gpa, VmId } from '../../api/ids.js';
import { EINVAL, EPERM } from '../../api/errno.js';
import { H_SUCCESS } from '../../api/hcall.js';
import type { ModelState } from '../state.js';
import { withEntry } from '../state.js';
import { HPT_NPTEG, HPTES_PER_GROUP, RMA_BYTES, ppcOf, putPpc, slotAt, windowOf, type PpcVm } from './state.js';
import { realMode, virtualModePin, type HEnterArgs } from './h-enter.js';
import type { Outcome } from '../outcome.js';

const MB = 1 << 20;

/** lpcr_rmls: RMO sizes the hardware can limit real mode to (32 MB on POWER7 only) */
const rmoSizeOk = (p: PpcVm, bytes: number): boolean =>
  [64 * MB, 128 * MB, 256 * MB, 1024 * MB, 16 * 1024 * MB, 256 * 1024 * MB].includes(bytes) ||
  (bytes === 32 * MB && p.cpu === 'power7');

/** the VRMA's HPTE for RAM page i: the last HPTE of group NPTEG-1-i (the VRMA VSID's hash) */
const vrmaIndex = (i: number): number => (HPT_NPTEG - 1 - i) * HPTES_PER_GROUP + HPTES_PER_GROUP - 1;

/** What the setup found under kvm->lock and mmap_sem. */
export type SetupCheck =
  /** done (an RMO, or nothing to do), or the errno KVM_RUN returns without entering */
  | { readonly state: ModelState; readonly err: number; readonly outcome: Outcome }
  /** a VRMA: RAM pages 0 .. pages-1 are mapped next, one virtual-mode H_ENTER each */
  | { readonly state: ModelState; readonly vrmaPages: number };

/** kvmppc_hv_setup_rma up to the VRMA's HPTEs: the memslot at gpa 0 and its host memory */
export const setupCheck = (s: ModelState, id: VmId): SetupCheck => {
  const [vm, p] = ppcOf(s, id);
  if (p.rma !== 'none') return { state: s, err: 0, outcome: 'run/ppc.ready' };
  const found = slotAt(vm, 0);
  if (!found) return { state: s, err: EINVAL, outcome: 'run/ppc.noSlot0→EINVAL' };
  const [slot, sl] = found;
  const m = s.mm.get(windowOf(id, slot));
  if (!m || m.pageShift !== p.ramPorder) return { state: s, err: EINVAL, outcome: 'run/ppc.badMapping→EINVAL' };
  const ram = 2 ** p.ramPorder;
  if (m.rma) {
    const bytes = Math.min(RMA_BYTES, sl.npages * 4096);
    if (!rmoSizeOk(p, bytes)) return { state: s, err: EINVAL, outcome: 'run/ppc.rmoSize→EINVAL' };
    let pages = p.phys.get(slot)!;
    for (let i = 0; i < bytes / ram; i++) pages = withEntry(pages, i, 'rmo');
    return { state: putPpc(s, id, { ...p, rma: 'rmo', phys: withEntry(p.phys, slot, pages) }), err: 0, outcome: 'run/ppc.rmo' };
  }
  if (p.cpu === 'ppc970') return { state: s, err: EPERM, outcome: 'run/ppc.noRma→EPERM' };
  return { state: s, vrmaPages: Math.min((sl.npages * 4096) / ram, HPT_NPTEG) };
};

const vrmaArgs = (s: ModelState, id: VmId, i: number): HEnterArgs => {
  const [, p] = ppcOf(s, id);
  return { pteIndex: vrmaIndex(i), exact: true, gpa: (i * 2 ** p.ramPorder) as Gpa, pageShift: p.ramPorder };
};

/** kvmppc_map_vrma, RAM page i: the pin of its virtual-mode H_ENTER (not ok stops the setup) */
export const vrmaPin = (s: ModelState, id: VmId, i: number, tid: number): { state: ModelState; ok: boolean } => {
  const r = virtualModePin(s, id, vrmaArgs(s, id, i), tid);
  return 'ret' in r ? { state: r.state, ok: false } : { state: r, ok: true };
};

/** then its HPTE, by the real-mode insert: true when mapped */
export const vrmaInsert = (s: ModelState, id: VmId, i: number): { state: ModelState; mapped: boolean } => {
  const r = realMode(s, id, vrmaArgs(s, id, i));
  return r === 'tooHard' ? { state: s, mapped: false } : { state: r.state, mapped: r.ret === H_SUCCESS };
};
