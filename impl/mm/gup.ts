/**
 * get_user_pages and put_page: the references KVM takes on user pages and gives back.
 * These are traced (getPage/putPage); the mapping's own references are not.
 * @see mm/gup.c get_user_pages_fast(), include/linux/mm.h put_page()
 */
import type { ThreadId } from '../../api/ids.js';
import type { KvmHost } from '../host.js';
import type { Gen } from '../preempt.js';
import type { Page } from './page.js';

export interface GupPage {
  readonly page: Page;
  /** addr is the start of the compound page (PageHead of the page returned) */
  readonly head: boolean;
}

/** get_user_pages_fast(addr, 1, write): the page at addr with a reference, or null (np != 1) */
export function* getUserPagesFast(host: KvmHost, addr: number): Gen<GupPage | null> {
  yield { at: 'gup' };
  if (host.faults.shouldFail('gup')) return null;
  const vma = host.mm.findVma(addr);
  if (!vma || vma.start > addr) return null;
  const page = host.mm.faultIn(vma, addr);
  page.count++;
  host.trace.emit({ ev: 'getPage', tid: host.current as ThreadId, pfn: page.pfn, count: page.count });
  return { page, head: (addr - vma.start) % 2 ** vma.pageShift === 0 };
}

/** put_page() of a reference KVM took; the page is freed with its last reference */
export const putPage = (host: KvmHost, page: Page): void => {
  page.count--;
  host.trace.emit({ ev: 'putPage', tid: host.current as ThreadId, pfn: page.pfn, count: page.count, dirty: page.dirty });
  if (page.count === 0) host.mm.phys.free(page);
};

/** SetPageDirty(): the guest may have written it */
export const setPageDirty = (page: Page): void => {
  page.dirty = true;
};
