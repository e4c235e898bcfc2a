/**
 * H_ENTER (seed 004): pages are pinned lazily, the first time an HPTE needs one. The page
 * is pinned even when the HPTE is then refused, and a pin that cannot be done refuses it.
 */
import type { Gpa, SlotId, VmId } from '../../api/ids.js';
import { H_PARAMETER, H_PTEG_FULL, H_SUCCESS } from '../../api/hcall.js';
import type { ModelState } from '../state.js';
import { takeFailure, withEntry } from '../state.js';
import { HPTES_PER_GROUP, HPT_NPTE, ppcOf, putPpc, slotAt, windowOf, type PpcVm } from './state.js';
import type { Outcome } from '../outcome.js';

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
  readonly outcomes: readonly Outcome[];
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

/** the RAM page (index in slot_phys) at byte `offset` of a slot */
export const pageOf = (p: PpcVm, offset: number): number => Math.floor(offset / 2 ** p.ramPorder);

/** slot_phys records RAM page `page` of `slot` as pinned (the slot's array must exist) */
export const recordPin = (s: ModelState, id: VmId, slot: SlotId, page: number): ModelState => {
  const [, p] = ppcOf(s, id);
  return putPpc(s, id, { ...p, phys: withEntry(p.phys, slot, withEntry(p.phys.get(slot)!, page, 'pinned')) });
};

/**
 * kvmppc_get_guest_page in one instant: pins the slot's RAM page at byte `offset` unless it
 * is known. So are kvmppc_map_vrma's pins, which no other vCPU can race (they wait on
 * kvm->lock); a guest's H_ENTER pins in three steps (guest-page.ts).
 */
const pin = (s: ModelState, id: VmId, slot: SlotId, offset: number, tid: number): { state: ModelState; ok: boolean } => {
  const [, p] = ppcOf(s, id);
  const page = pageOf(p, offset);
  if (p.phys.get(slot)!.has(page)) return { state: s, ok: true };
  const g = gup(s, id, slot, offset, tid);
  return g === true ? { state: recordPin(s, id, slot, page), ok: true } : { state: g, ok: false };
};

/**
 * get_user_pages on the page at byte `offset` of the host memory behind `slot`: it must
 * find the head of a page of exactly the VM's RAM page size. True, or the state after an
 * injected failure (consumed even though the pin then fails) or a wrong mapping.
 */
export const gup = (s: ModelState, id: VmId, slot: SlotId, offset: number, tid: number): ModelState | true => {
  const [, p] = ppcOf(s, id);
  const failed = takeFailure(s, tid, 'gup');
  if (failed) return failed;
  const m = s.mm.get(windowOf(id, slot));
  return m && offset < m.bytes && m.pageShift === p.ramPorder && offset % 2 ** p.ramPorder === 0 ? true : s;
};

/** What one H_ENTER attempt says: a return code for the guest, or H_TOO_HARD (retry in virtual mode). */
export type Attempt = HEnterStep | 'tooHard';

export const refuse = (state: ModelState, o: Outcome, ret = H_PARAMETER): HEnterStep => ({ state, ret, index: null, outcomes: [o] });

/** the slot backing the HPTE's page, and the page's gpa, or null (H_PARAMETER) */
export const target = (s: ModelState, id: VmId, a: HEnterArgs): { slot: SlotId; offset: number; gpa: number } | null => {
  const [vm, p] = ppcOf(s, id);
  if (!encodable(p, a.pageShift)) return null;
  const psize = 2 ** a.pageShift;
  const gpa = a.gpa - (a.gpa % psize);
  const found = slotAt(vm, gpa / 4096);
  return found ? { slot: found[0], offset: gpa - found[1].gfn * 4096, gpa } : null;
};

/**
 * kvmppc_h_enter, the real-mode handler: it cannot sleep, so a RAM page slot_phys does not
 * know yet is H_TOO_HARD; a known one must hold the HPTE's page, then the HPTE goes in.
 */
export const realMode = (s: ModelState, id: VmId, a: HEnterArgs): Attempt => {
  const t = target(s, id, a);
  if (!t) return refuse(s, 'hEnter/badPage→H_PARAMETER');
  const [, p] = ppcOf(s, id);
  if (!p.phys.get(t.slot)!.has(pageOf(p, t.offset))) return 'tooHard';
  if (2 ** p.ramPorder < 2 ** a.pageShift || a.pteIndex < 0 || a.pteIndex >= HPT_NPTE) return refuse(s, 'hEnter/badIndex→H_PARAMETER');
  const index = freeHpte(p, a.pteIndex, a.exact);
  if (index === null) return refuse(s, 'hEnter/ptegFull→H_PTEG_FULL', H_PTEG_FULL);
  return { state: putPpc(s, id, { ...p, hpt: withEntry(p.hpt, index, t.gpa) }), ret: H_SUCCESS, index, outcomes: ['hEnter/inserted'] };
};

/** the pin of kvmppc_map_vrma's virtual-mode H_ENTER: a state with the page pinned, or its H_PARAMETER */
export const virtualModePin = (s: ModelState, id: VmId, a: HEnterArgs, tid: number): ModelState | HEnterStep => {
  const t = target(s, id, a);
  if (!t) return refuse(s, 'hEnter/badPage→H_PARAMETER');
  const { state, ok } = pin(s, id, t.slot, t.offset, tid);
  return ok ? state : refuse(state, 'hEnter/gupFailed→H_PARAMETER');
};
