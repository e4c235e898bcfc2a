/**
 * Host memory behind guest frames (seed 001): the host can swap a page out; an access to
 * it then needs the page back, synchronously or through async work.
 */
import type { Gfn, VmId } from '../../api/ids.js';
import { EBADF, EFAULT } from '../../api/errno.js';
import type { ModelSlot, ModelState, ModelVm } from '../state.js';
import { withEntry } from '../state.js';
import { slotBacking } from '../x86/memory.js';
import { done, fail, type Step } from '../outcome.js';

/** MADV_PAGEOUT on the gfn's host page: -EFAULT when no memslot backs the gfn. */
export const swapOut = (s: ModelState, id: VmId, gfn: Gfn): Step => {
  const vm = s.vms.get(id);
  if (!vm) return fail(s, EBADF, 'vm.missing→EBADF');
  if (!slotBacking(vm, gfn)) return fail(s, EFAULT, 'swapOut/unbacked→EFAULT');
  return done({ ...s, vms: withEntry(s.vms, id, { ...vm, swapped: new Set(vm.swapped).add(gfn) }) }, 'swapOut/swapped');
};

/** The page is resident again (a synchronous fault, the async worker, or a prefault). */
export const swapIn = (vm: ModelVm, gfn: Gfn): ModelVm => {
  if (!vm.swapped.has(gfn)) return vm;
  const swapped = new Set(vm.swapped);
  swapped.delete(gfn);
  return { ...vm, swapped };
};

/** A deleted or moved slot gives its old host pages back: none of them is swapped any more. */
export const forgetSwapped = (vm: ModelVm, old: ModelSlot): ModelVm => ({
  ...vm,
  swapped: new Set([...vm.swapped].filter((g) => g < old.gfn || g >= old.gfn + old.npages)),
});
