/**
 * Host physical pages: where shadow pages, caches and pinned guest pages come from.
 * Frees are checked (a double free is an impl bug, reported as a WARN).
 */
import type { Hpa } from '../api/ids.js';
import { PAGE_SHIFT } from '../api/ids.js';

export class HostPages {
  private next = 1;
  private readonly freeList: number[] = [];
  private readonly live = new Set<number>();

  /** alloc_page(GFP_KERNEL): never fails here; injected failures happen at call sites */
  alloc(): Hpa {
    const pfn = this.freeList.pop() ?? this.next++;
    this.live.add(pfn);
    return (pfn << PAGE_SHIFT) as Hpa;
  }

  free(hpa: Hpa): void {
    const pfn = hpa >> PAGE_SHIFT;
    if (!this.live.delete(pfn)) throw new Error(`WARN: free of page ${hpa.toString(16)} that is not allocated`);
    this.freeList.push(pfn);
  }

  get allocated(): number {
    return this.live.size;
  }
}
