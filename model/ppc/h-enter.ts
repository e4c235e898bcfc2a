/**
 * H_ENTER (seed 004): pages are pinned lazily, the first time an HPTE needs one. The page
 * is pinned even when the HPTE is then refused, and a pin that cannot be done refuses it.
 */
import type { Gpa, SlotId, VmId } from '../../api/ids.js';
import { H_PARAMETER, H_PTEG_FULL, H_SUCCESS } from '../../api/hcall.js';
import type { ModelState } from '../state.js';
import { takeFailure, withEntry } from '../state.js';
import { HPTES_PER_GROUP, HPT_NPTE, ppcOf, putPpc, slotAt, windowOf, type PpcVm } from './state.js';

export interface HEnterArgs {
  readonly pteIndex: number;
  readonly exact: boolean;
  readonly gpa: Gpa;
  readonly pageShift: number;
}

export interface HEnterStep {
  readonly state: ModelState;
  readonly ret: number;
  readonly index: number | null;
}

/** HPTE page sizes the CPU encodes: 4 KB and 16 MB, and 64 KB only on POWER7 */
const encodable = (p: PpcVm, shift: number): boolean => shift === 12 || shift === 24 || (shift === 16 && p.cpu === 'power7');

/** The free HPTE an insert uses: `index` itself, or the first free one of its group. */
const freeHpte = (p: PpcVm, index: number, exact: boolean): number | null => {
  const first = exact ? index : index - (index % HPTES_PER_GROUP);
  const last = exact ? index : first + HPTES_PER_GROUP - 1;
  for (let i = first; i <= last; i++) if (!p.hpt.has(i)) return i;
  return null;
};

/**
 * kvmppc_get_guest_page: pins the slot's RAM page at byte `offset` unless it is known.
 * get_user_pages must find there the head of a page of exactly the VM's RAM page size.
 * An injected get_user_pages failure is consumed even though the pin then fails.
 */
const pin = (s: ModelState, id: VmId, slot: SlotId, offset: number, tid: number): { state: ModelState; ok: boolean } => {
  const [, p] = ppcOf(s, id);
  const ram = 2 ** p.ramPorder;
  const page = Math.floor(offset / ram);
  const known = p.phys.get(slot)!;
  if (known.has(page)) return { state: s, ok: true };
  const failed = takeFailure(s, tid, 'gup');
  if (failed) return { state: failed, ok: false };
  const m = s.mm.get(windowOf(id, slot));
  if (!m || offset >= m.bytes || m.pageShift !== p.ramPorder || offset % ram !== 0) return { state: s, ok: false };
  return { state: putPpc(s, id, { ...p, phys: withEntry(p.phys, slot, withEntry(known, page, 'pinned')) }), ok: true };
};

export const hEnter = (s: ModelState, id: VmId, a: HEnterArgs, tid: number): HEnterStep => {
  const [vm, p] = ppcOf(s, id);
  const refuse = (state: ModelState, ret = H_PARAMETER): HEnterStep => ({ state, ret, index: null });
  if (!encodable(p, a.pageShift)) return refuse(s);
  const psize = 2 ** a.pageShift;
  const gpa = a.gpa - (a.gpa % psize);
  const found = slotAt(vm, gpa / 4096);
  if (!found) return refuse(s);
  const [slot, sl] = found;
  const { state, ok } = pin(s, id, slot, gpa - sl.gfn * 4096, tid);
  if (!ok) return refuse(state);
  // the real-mode handler, now that the page is known: the RAM page must hold the HPTE's page
  if (2 ** p.ramPorder < psize || a.pteIndex < 0 || a.pteIndex >= HPT_NPTE) return refuse(state);
  const [, now] = ppcOf(state, id);
  const index = freeHpte(now, a.pteIndex, a.exact);
  if (index === null) return refuse(state, H_PTEG_FULL);
  return { state: putPpc(state, id, { ...now, hpt: withEntry(now.hpt, index, gpa) }), ret: H_SUCCESS, index };
};
