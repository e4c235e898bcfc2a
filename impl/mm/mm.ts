/**
 * The host process's address space (struct mm_struct): VMAs with their kernel page size,
 * pages faulted in on first touch, and where the harness's userspace (like QEMU) puts the
 * memory of each memory slot. @see mm/mmap.c find_vma(), mm/hugetlb.c vma_kernel_pagesize()
 */
import type { SlotId, VmId } from '../../api/ids.js';
import { PAGE_SHIFT } from '../../api/ids.js';
import type { KvmRmaInfo } from '../ppc/structs.js';
import { PhysPages, type Page } from './page.js';

/** the kvm_rma file behind a VMA */
export interface RmaFile {
  /** vm_file->private_data: the RMA */
  readonly ri: KvmRmaInfo;
  /** the last reference to the file went with the mapping: kvm_rma_release() */
  release(): void;
}

export interface Vma {
  readonly start: number;
  readonly end: number;
  /** log2 of vma_kernel_pagesize(): 12 for normal pages, 16 or 24 for hugetlbfs */
  readonly pageShift: number;
  /** the kvm_rma file mapped here, or null for anonymous/hugetlbfs memory */
  readonly rma: RmaFile | null;
  /** pages faulted in, by page index inside the VMA */
  readonly pages: Map<number, Page>;
}

/** bytes of address space the harness reserves for each (vm, slot) */
export const WINDOW_BYTES = 2 ** 36;

/** the userspace address of slot `slot` of VM `vm` (its window's start) */
export const slotUserspaceAddr = (vm: VmId, slot: SlotId): number => (vm * 32 + slot + 1) * WINDOW_BYTES;

export class MmStruct {
  /** VMAs sorted by start address */
  private readonly vmas: Vma[] = [];
  readonly phys = new PhysPages();

  /** find_vma(): the first VMA ending above addr (it may start above addr, too) */
  findVma(addr: number): Vma | undefined {
    return this.vmas.find((v) => v.end > addr);
  }

  /** mmap(MAP_FIXED): replaces whatever was mapped in [start, start + len) */
  mmap(start: number, len: number, pageShift: number, rma: RmaFile | null): void {
    this.munmap(start, len);
    this.vmas.push({ start, end: start + len, pageShift, rma, pages: new Map() });
    this.vmas.sort((a, b) => a.start - b.start);
  }

  /** munmap() of every VMA starting in [start, start + len): the mapping's references go */
  munmap(start: number, len: number): void {
    for (const v of this.vmas.filter((x) => x.start >= start && x.start < start + len)) {
      this.vmas.splice(this.vmas.indexOf(v), 1);
      for (const page of v.pages.values()) if (--page.count === 0) this.phys.free(page);
      v.rma?.release();
    }
  }

  /** handle_mm_fault(): the compound page covering addr, faulted in if new */
  faultIn(vma: Vma, addr: number): Page {
    const index = Math.floor((addr - vma.start) / 2 ** vma.pageShift);
    let page = vma.pages.get(index);
    if (!page) {
      page = vma.rma ? vma.rma.ri.pages[index]! : this.phys.alloc(vma.pageShift - PAGE_SHIFT);
      if (vma.rma) page.count++;
      vma.pages.set(index, page);
    }
    return page;
  }
}
