/**
 * What the harness's userspace does to its own address space: mmap and munmap over a
 * slot's window, under mmap_sem for write. A pinned page outlives its mapping.
 * @see mm/mmap.c do_mmap(), do_munmap()
 */
import type { SlotId, VmId } from '../../api/ids.js';
import { EINVAL } from '../../api/errno.js';
import type { KvmHost } from '../host.js';
import type { Gen } from '../preempt.js';
import { WINDOW_BYTES, slotUserspaceAddr, type RmaFile } from './mm.js';

/** page sizes a mapping can have: normal pages, 64 KB and 16 MB hugetlbfs pages */
const PAGE_SHIFTS = [12, 16, 24];

const badWindow = (vm: VmId, slot: SlotId): boolean => vm < 0 || slot < 0 || slot >= 32;

/** mmap(MAP_FIXED) of pages << pageShift bytes at the start of (vm, slot)'s window */
export function* sysMmap(host: KvmHost, vm: VmId, slot: SlotId, pageShift: number, pages: number, file: RmaFile | null): Gen<number> {
  const len = pages * 2 ** pageShift;
  if (badWindow(vm, slot) || !PAGE_SHIFTS.includes(pageShift) || pages < 1 || len > WINDOW_BYTES) return EINVAL;
  const tid = host.current;
  yield* host.mmapSem.downWrite(tid);
  host.mm.mmap(slotUserspaceAddr(vm, slot), len, pageShift, file);
  host.mmapSem.upWrite(tid);
  return 0;
}

/** munmap of (vm, slot)'s whole window */
export function* sysMunmap(host: KvmHost, vm: VmId, slot: SlotId): Gen<number> {
  if (badWindow(vm, slot)) return EINVAL;
  const tid = host.current;
  yield* host.mmapSem.downWrite(tid);
  host.mm.munmap(slotUserspaceAddr(vm, slot), WINDOW_BYTES);
  host.mmapSem.upWrite(tid);
  return 0;
}
