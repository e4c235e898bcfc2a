/**
 * kvmppc_get_guest_page for a guest's H_ENTER (seed 004), at the three instants it looks at
 * shared state: slot_phys (a known page needs no pin), get_user_pages on the host memory
 * behind the slot (it may sleep), then the record under slot_phys_lock. Between them another
 * vCPU may pin the same page (the loser drops its extra reference), an mmap may change the
 * memory, and a delete may free the array: the vCPU then looks the memslot up again
 * (-EAGAIN). The first run's VRMA pins cannot be raced and take one instant (h-enter.ts).
 */
import type { SlotId, VmId } from '../../api/ids.js';
import type { ModelState } from '../state.js';
import { ppcOf } from './state.js';
import { gup, pageOf, recordPin, refuse, target, type HEnterArgs, type HEnterStep } from './h-enter.js';
import type { Outcome } from '../outcome.js';

/** a pin under way: the slot, the byte offset of the page in it, and which slot_phys array it read */
export interface PendingPin {
  readonly slot: SlotId;
  readonly offset: number;
  readonly gen: number;
}

/** the first look: 'known' (go on to the insert), a pin to make, or H_PARAMETER */
export const guestPageCheck = (s: ModelState, id: VmId, a: HEnterArgs): 'known' | PendingPin | HEnterStep => {
  const t = target(s, id, a);
  const [, p] = ppcOf(s, id);
  const known = t && p.phys.get(t.slot);
  if (!t || !known) return refuse(s, 'hEnter/badPage→H_PARAMETER');
  if (known.has(pageOf(p, t.offset))) return 'known';
  return { slot: t.slot, offset: t.offset, gen: p.physGen.get(t.slot) ?? 0 };
};

/** get_user_pages at the address the check computed: the state, or H_PARAMETER */
export const guestPageGup = (s: ModelState, id: VmId, pin: PendingPin, tid: number): ModelState | HEnterStep => {
  const g = gup(s, id, pin.slot, pin.offset, tid);
  return g === true ? s : refuse(g, 'hEnter/gupFailed→H_PARAMETER');
};

/** the record under slot_phys_lock; null when the array was freed meanwhile (-EAGAIN: look again) */
export const guestPageRecord = (s: ModelState, id: VmId, pin: PendingPin): { state: ModelState; outcome: Outcome } | null => {
  const [, p] = ppcOf(s, id);
  const known = p.phys.get(pin.slot);
  if (!known || p.physGen.get(pin.slot) !== pin.gen) return null;
  const page = pageOf(p, pin.offset);
  // the loser of a race drops its extra reference: slot_phys keeps the first pin
  return known.has(page) ? { state: s, outcome: 'hEnter/pinRace' } : { state: recordPin(s, id, pin.slot, page), outcome: 'hEnter/pinned' };
};
