/**
 * Bookkeeping several x86 monitors share: which shadow pages of which VM are live, with
 * their role, and which were zapped. It takes no conclusion of the impl's on trust: a zap
 * invalidates the page whatever `rootCount` the impl says it had (a page zapped with no
 * root user is freed at once, so only a root can be used after its zap), and a lookup that
 * found an existing page (`created` false) must name a live page.
 */
import type { PageRole, TraceRecord } from '../../../api/events.js';
import { hex } from '../../monitor.js';

export interface LivePage {
  readonly gfn: number;
  readonly role: PageRole;
  /** zapped: must not be used as a root any more */
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
        const k = ShadowPages.key(r.vm, r.hpa);
        if (!r.created) return this.live.has(k) ? null : `kvm_mmu_get_page of vm ${r.vm} found shadow page ${hex(r.hpa)} in its hash, but no live page has that address`;
        const clash = this.live.has(k);
        this.live.set(k, { gfn: r.gfn, role: r.role, invalid: false });
        return clash ? `shadow page ${hex(r.hpa)} of vm ${r.vm} allocated again while live` : null;
      }
      case 'kvmMmuZapPage': {
        const p = this.live.get(ShadowPages.key(r.vm, r.hpa));
        if (p) p.invalid = true;
        return null;
      }
      case 'kvmMmuFreePage':
        return this.live.delete(ShadowPages.key(r.vm, r.hpa))
          ? null
          : `shadow page ${hex(r.hpa)} of vm ${r.vm} freed but not live (double free)`;
      case 'kvmDestroyVm':
        // a new VM with this id starts with none (ROOTS_FREED_ONCE checks that none was left)
        for (const k of [...this.live.keys()]) if (k.startsWith(`${r.vm}:`)) this.live.delete(k);
        return null;
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

