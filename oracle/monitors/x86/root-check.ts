/**
 * Whether a vCPU may use a set of roots right now (entry, or the ready-time prefault):
 * each is valid, a live shadow page not zapped since, built for the current paging mode and
 * cr3. Shared by the monitors that need it; they feed the trackers themselves.
 */
import { ShadowPages } from './shadow-pages.js';
import { hex, because, type Violation } from '../../monitor.js';
import { GuestRegs, guestLevels } from './guest-regs.js';
import { bit, bits, pdptes } from '../../../model/x86/guest-tables.js';

/**
 * The guest tables a shadow root may be built from: the page at cr3, or in PAE mode the
 * page directories its present PDPTEs name (the guest memory's layout, docs/OPERATIONS.md).
 */
const rootGfns = (cr3: number, levels: number): number[] =>
  levels === 3 ? pdptes(cr3).filter((e) => bit(e, 0)).map((e) => bits(e, 12, 50)) : [Math.floor(cr3 / 4096)];

const INVALID_PAGE = -1;

/**
 * A complaint about `roots` for vCPU `vcpu` of `vm`, or null when they are fine. `act`
 * says what the vCPU did with them ("entered with", "prefaulted with").
 */
export const rootProblem = (
  pages: ShadowPages,
  regs: GuestRegs,
  use: { readonly vm: number; readonly vcpu: number; readonly roots: readonly number[] },
  act: string,
): Violation | null => {
  const { vm, vcpu, roots } = use;
  const who = `vcpu ${vcpu} of vm ${vm} ${act}`;
  const r = regs.get(vm, vcpu);
  if (roots.length === 0 || roots.includes(INVALID_PAGE)) return because('invalid root', `${who} root_hpa == INVALID_PAGE`);
  for (const hpa of roots) {
    const p = pages.live.get(ShadowPages.key(vm, hpa));
    if (!p) return because('freed root', `${who} root ${hex(hpa)}, which is not a live shadow page (freed)`);
    if (p.invalid) return because('zapped root', `${who} root ${hex(hpa)}, zapped since it was loaded`);
    if (!r) continue;
    const levels = guestLevels(r);
    const direct = regs.tdp || levels === 0;
    if (p.role.glevels !== levels || p.role.direct !== direct) {
      return because('root of another paging mode', `${who} root ${hex(hpa)} built for ${p.role.glevels}-level ${p.role.direct ? 'direct' : 'shadow'} paging; the guest now uses ${levels}-level ${direct ? 'direct' : 'shadow'}`);
    }
    if (!direct && !rootGfns(r.cr3, levels).includes(p.gfn)) {
      return because('root of another cr3', `${who} root ${hex(hpa)} shadowing gfn ${hex(p.gfn)}; cr3 is ${hex(r.cr3)}`);
    }
  }
  return null;
};
