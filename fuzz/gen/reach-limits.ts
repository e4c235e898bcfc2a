/**
 * An implementation with resources of its own (capabilities.limits: a real-KVM adapter's
 * memslot, its tables of VMs and vCPUs) gets no operation that names them: slot ids at or
 * above `slotIds`, a memslot over `reservedGfns`. The kernel would answer those, but about
 * the adapter's objects, not the case's; an operation beyond them that slips through is
 * answered "not checked" by the adapter. The counts (VMs, vCPUs, slots per VM) are far
 * above what the generator makes and are left to that answer.
 */
import type { Op } from '../../api/ops.js';
import type { Limits } from '../../api/limits.js';

export const withinLimits = (op: Op, l: Limits | undefined): boolean => {
  if (!l) return true;
  if ((op.kind === 'setMemoryRegion' || op.kind === 'getDirtyLog') && l.slotIds !== undefined && op.slot >= l.slotIds) return false;
  const r = l.reservedGfns;
  if (op.kind === 'setMemoryRegion' && r && op.npages > 0) return !(op.gfn < r.gfn + r.npages && r.gfn < op.gfn + op.npages);
  return true;
};
