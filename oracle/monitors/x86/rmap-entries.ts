/**
 * The monitors' own reverse map, rebuilt from kvmRmap events: how many rmap entries each
 * (vm, shadow page, gfn) has. Entries of an implementation that does not name the page
 * are kept under page -1.
 */
import { hex } from '../../monitor.js';

const NO_PAGE = -1;

export class RmapEntries {
  /** vm -> `${hpa}:${gfn}` -> count */
  private readonly byVm = new Map<number, Map<string, number>>();

  private of(vm: number): Map<string, number> {
    const m = this.byVm.get(vm) ?? new Map<string, number>();
    this.byVm.set(vm, m);
    return m;
  }

  add(vm: number, gfn: number, hpa = NO_PAGE): void {
    const m = this.of(vm);
    const k = `${hpa}:${gfn}`;
    m.set(k, (m.get(k) ?? 0) + 1);
  }

  /** removes one entry; a complaint when there is none to remove */
  remove(vm: number, gfn: number, hpa = NO_PAGE): string | null {
    const m = this.of(vm);
    const k = `${hpa}:${gfn}`;
    const n = m.get(k) ?? 0;
    if (n === 0) return `rmap_remove of gfn ${hex(gfn)} in vm ${vm}${hpa === NO_PAGE ? '' : ` (shadow page ${hex(hpa)})`} matches no rmap_add`;
    if (n === 1) m.delete(k);
    else m.set(k, n - 1);
    return null;
  }

  /** the mmu notifier unmapped gfn: every spte mapping it left the rmap */
  dropGfn(vm: number, gfn: number): void {
    const m = this.of(vm);
    for (const k of [...m.keys()]) if (k.endsWith(`:${gfn}`)) m.delete(k);
  }

  /** the gfns with entries in shadow page hpa */
  ofPage(vm: number, hpa: number): number[] {
    return [...this.of(vm).keys()].filter((k) => k.startsWith(`${hpa}:`)).map((k) => Number(k.slice(k.indexOf(':') + 1)));
  }

  countIn(vm: number): number {
    let n = 0;
    for (const c of this.of(vm).values()) n += c;
    return n;
  }

  forget(vm: number): void {
    this.byVm.delete(vm);
  }
}
