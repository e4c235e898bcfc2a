/**
 * RMAP_CONSISTENT (seed 003, which moves "hash list, active list, rmap and parent pte
 * handling" under kvm->lock): the reverse map names exactly the leaf sptes that exist.
 * An rmap_add goes into a live shadow page that has not been zapped (for a direct page,
 * a gfn inside the range the page maps) and a gfn some memslot backs; an rmap_remove
 * matches an earlier add; a zapped page has no rmap entry left by the end of the operation
 * that zapped it (kvm_mmu_page_unlink_children), a freed page none at all, and a destroyed
 * VM none. The mmu notifier's unmap (kvmUnmapGfn) drops every entry of its gfn at once.
 * @see arch/x86/kvm/mmu/mmu.c rmap_add(), rmap_remove(), kvm_mmu_page_get_gfn()
 *
 * An implementation that leaves out `hpa` is judged on per-gfn counts only.
 */
import type { TraceRecord } from '../../api/events.js';
import { hex, type Monitor, type MonitorSpec } from '../monitor.js';
import { ShadowPages } from './x86/shadow-pages.js';
import { RmapEntries } from './x86/rmap-entries.js';
import { Memslots } from './x86/memslots.js';

class RmapConsistent implements Monitor {
  private readonly pages = new ShadowPages();
  private readonly slots = new Memslots();
  private readonly rmap = new RmapEntries();
  /** `${vm}:${hpa}` of pages zapped in an operation still running, by the zapping thread */
  private readonly zappedBy = new Map<number, Set<string>>();

  observe(r: TraceRecord, tid: number): string | null {
    const bad = this.check(r, tid);
    this.pages.track(r);
    this.slots.track(r);
    return bad;
  }

  private check(r: TraceRecord, tid: number): string | null {
    switch (r.ev) {
      case 'opBegin':
        this.slots.begin(r);
        return null;
      case 'kvmRmap':
        return r.add ? this.add(r.vm, r.gfn, r.hpa) : this.rmap.remove(r.vm, r.gfn, r.hpa);
      case 'kvmUnmapGfn':
        this.rmap.dropGfn(r.vm, r.gfn);
        return null;
      case 'kvmMmuZapPage': {
        const set = this.zappedBy.get(tid) ?? new Set<string>();
        this.zappedBy.set(tid, set.add(ShadowPages.key(r.vm, r.hpa)));
        return null;
      }
      case 'kvmMmuFreePage':
        // checked here; its address may be reused by a new page before the operation ends
        this.forget(ShadowPages.key(r.vm, r.hpa));
        return this.left(r.vm, r.hpa, 'freed');
      case 'opEnd': {
        const zapped = [...(this.zappedBy.get(r.tid) ?? [])];
        this.zappedBy.delete(r.tid);
        for (const k of zapped) {
          const [vm, hpa] = k.split(':').map(Number) as [number, number];
          const bad = this.left(vm, hpa, `zapped by ${r.op.kind}`);
          if (bad) return bad;
        }
        if (r.op.kind !== 'destroyVm' || r.result.kind !== 'ok') return null;
        return this.destroyed(r.op.vm);
      }
      case 'kvmDestroyVm':
        return this.destroyed(r.vm);
      default:
        return null;
    }
  }

  /** a page freed is no longer "zapped in a running operation": its hpa may hold a new page */
  private forget(key: string): void {
    for (const set of this.zappedBy.values()) set.delete(key);
  }

  private add(vm: number, gfn: number, hpa: number | undefined): string | null {
    const what = `rmap_add of gfn ${hex(gfn)} in vm ${vm}`;
    if (!this.slots.backed(vm, gfn) && !this.slots.pending(vm, gfn)) return `${what}, which no memslot backs`;
    if (hpa !== undefined) {
      const p = this.pages.live.get(ShadowPages.key(vm, hpa));
      if (!p) return `${what} into shadow page ${hex(hpa)}, which is not live`;
      if (p.invalid) return `${what} into shadow page ${hex(hpa)}, zapped before: the spte outlives its page's unlink`;
      const span = 512 ** p.role.level;
      if (p.role.direct && (gfn < p.gfn || gfn >= p.gfn + span)) {
        return `${what} into direct shadow page ${hex(hpa)}, which maps gfns ${hex(p.gfn)}..${hex(p.gfn + span - 1)}`;
      }
    }
    this.rmap.add(vm, gfn, hpa);
    return null;
  }

  private left(vm: number, hpa: number, what: string): string | null {
    const gfns = this.rmap.ofPage(vm, hpa);
    return gfns.length ? `shadow page ${hex(hpa)} of vm ${vm} ${what} with ${gfns.length} rmap entr${gfns.length === 1 ? 'y' : 'ies'} left (gfn ${gfns.map(hex).join(', ')}): stale reverse map` : null;
  }

  private destroyed(vm: number): string | null {
    const n = this.rmap.countIn(vm);
    this.rmap.forget(vm);
    return n ? `${n} rmap entr${n === 1 ? 'y' : 'ies'} of vm ${vm} left after kvm_destroy_vm` : null;
  }
}

export const RMAP_CONSISTENT: MonitorSpec = {
  id: 'RMAP_CONSISTENT',
  seed: '003',
  checkedAt: ['kvmRmap', 'kvmMmuFreePage', 'kvmDestroyVm'],
  rule: 'every rmap entry names a live leaf spte: added into a live, unzapped shadow page for a backed gfn, removed once, gone when its page is zapped or freed and when the VM is destroyed',
  needs: ['kvmRmap', 'kvmMmuGetPage', 'kvmMmuZapPage', 'kvmMmuFreePage', 'kvmUnmapGfn'],
  needsIf: { destroyVm: ['kvmDestroyVm'] },
  create: () => new RmapConsistent(),
};
