/**
 * What an implementation in another process may declare about itself beyond what it
 * runs: the limits of its own resources (a real-KVM adapter keeps a memslot, and tables of
 * VMs and vCPUs, of its own), the machine it runs on, and a real kernel's log over a case.
 */
import { z } from 'zod';
import { MAX_ID, MAX_GFN, MAX_NPAGES, int, list, text } from './bounds.js';

export const LimitsSchema = z.strictObject({
  /** slot ids a case may name: 0..slotIds-1 (the adapter keeps the ids above for itself) */
  slotIds: int(0, MAX_ID + 1).optional(),
  /** memslots one VM may have at once */
  slotsPerVm: int(0, MAX_ID + 1).optional(),
  /** vCPUs one VM may have */
  vcpusPerVm: int(0, MAX_ID + 1).optional(),
  /** VMs a case may create (destroyed ones count with real threads: freed at the case's end) */
  vms: int(0, MAX_ID + 1).optional(),
  /** guest frames the adapter's own memory takes: a slot over them is not checked */
  reservedGfns: z.strictObject({ gfn: int(0, MAX_GFN), npages: int(1, MAX_NPAGES) }).optional(),
});
export type Limits = z.infer<typeof LimitsSchema>;

export const HostInfoSchema = z.strictObject({
  /** kernel release (uname -r) */
  kernel: text(256),
  /** the vendor module: kvm_intel, kvm_amd, kvm_pvm, ... */
  module: text(256),
  /** MMU module parameters as sysfs shows them: tdp_mmu, ept or npt, ... */
  params: z.record(z.string().max(64), text(256)),
  /** the guest paging modes the host itself runs */
  pagingModes: list(z.enum(['nonpaging', 'paging32', 'pae', 'long']), 4).optional(),
  memslots: int(0, 1 << 20).optional(),
  maxVcpuId: int(0, 1 << 20).optional(),
  readonlyMem: z.boolean().optional(),
  /** the kernel tracepoints seen to fire at start-up; null when tracing is unavailable */
  tracepoints: list(text(256), 256).nullable().optional(),
  /** why kernel tracepoints are not available, or null when they are */
  tracing: text().nullable().optional(),
  /** why the kernel log cannot be read, or null when it can */
  kernelLog: text().nullable().optional(),
});
export type HostInfo = z.infer<typeof HostInfoSchema>;

export const KernelLogSchema = z.strictObject({
  /** the records written during the case: syslog level and text */
  log: list(z.strictObject({ level: int(0, 7), text: text() }), 1000).optional(),
  /** records past the adapter's cap, not sent */
  dropped: int(0, 1 << 30).optional(),
  /** why the log could not be read (then nothing was checked) */
  unavailable: text().optional(),
  /** /proc/sys/kernel/tainted before and after (-1: unreadable) */
  taintBefore: int(-1, 2 ** 31),
  taintAfter: int(-1, 2 ** 31),
});
export type KernelLog = z.infer<typeof KernelLogSchema>;
