/**
 * struct page for user memory (anonymous and hugetlbfs mappings, preallocated RMAs):
 * compound pages with a reference count and PG_dirty, allocated from a physical range of
 * their own. @see include/linux/mm.h get_page(), put_page(), compound_order()
 */

/** a compound (huge) page, represented by its head */
export interface Page {
  /** pfn of the head page */
  readonly pfn: number;
  /** compound_order(): 0 for a 4 KB page, 4 for 64 KB, 12 for 16 MB */
  readonly order: number;
  /** page_count(): the mapping's (or RMA's) reference plus one per get_page() */
  count: number;
  /** PG_dirty: set by SetPageDirty() before a written page is released */
  dirty: boolean;
}

/** first pfn of user memory: far above the pages the x86 MMU code allocates */
const USER_PFN_BASE = 1 << 24;

export class PhysPages {
  private next = USER_PFN_BASE;
  /** pages in use, by head pfn */
  readonly live = new Map<number, Page>();

  /** alloc_pages(order) of a compound page, naturally aligned; count starts at 1 */
  alloc(order: number): Page {
    const size = 2 ** order;
    const pfn = Math.ceil(this.next / size) * size;
    this.next = pfn + size;
    const page: Page = { pfn, order, count: 1, dirty: false };
    this.live.set(pfn, page);
    return page;
  }

  /** the last reference went: __free_pages() (user pfns are not handed out again) */
  free(page: Page): void {
    if (page.count !== 0 || !this.live.delete(page.pfn)) throw new Error(`BUG: bad page state freeing pfn 0x${page.pfn.toString(16)}`);
  }
}
