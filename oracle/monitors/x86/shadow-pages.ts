/**
 * Bookkeeping several x86 monitors share: which shadow pages of which VM are live, with
 * their role, and which were zapped while still in use as roots.
 */
import type { PageRole, TraceRecord } from '../../../api/events.js';

export interface LivePage {
  readonly gfn: number;
  readonly role: PageRole;
  /** zapped while still a root: must not be entered any more */
  invalid: boolean;
}

export class ShadowPages {
  /** `${vm}:${hpa}` -> page */
  readonly live = new Map<string, LivePage>();

  static key(vm: number, hpa: number): string {
    return `${vm}:${hpa}`;
  }

  /** applies a record; returns a complaint for a double alloc or a bad free */
  track(r: TraceRecord): string | null {
    switch (r.ev) {
      case 'kvmMmuGetPage': {
        if (!r.created) return null;
        const k = ShadowPages.key(r.vm, r.hpa);
        const clash = this.live.has(k);
        this.live.set(k, { gfn: r.gfn, role: r.role, invalid: false });
        return clash ? `shadow page ${hex(r.hpa)} of vm ${r.vm} allocated again while live` : null;
      }
      case 'kvmMmuZapPage': {
        const p = this.live.get(ShadowPages.key(r.vm, r.hpa));
        if (p && r.rootCount > 0) p.invalid = true;
        return null;
      }
      case 'kvmMmuFreePage':
        return this.live.delete(ShadowPages.key(r.vm, r.hpa))
          ? null
          : `shadow page ${hex(r.hpa)} of vm ${r.vm} freed but not live (double free)`;
      default:
        return null;
    }
  }

  liveIn(vm: number): number {
    let n = 0;
    for (const k of this.live.keys()) if (k.startsWith(`${vm}:`)) n++;
    return n;
  }
}

export const hex = (n: number): string => (n < 0 ? String(n) : `0x${n.toString(16)}`);
