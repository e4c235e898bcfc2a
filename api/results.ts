/**
 * Results of operations: what userspace observes. The model predicts each one exactly;
 * a difference is a CONFORMANCE failure.
 */
import { z } from 'zod';
import { GpaSchema, GvaSchema } from './ids.js';
import { MAX_NPAGES, int, list } from './bounds.js';

/** a negative errno (see api/errno.ts) */
const errno = int(-4095, -1);
const r = <K extends string, S extends z.ZodRawShape>(kind: K, shape: S, doc: string) =>
  z.strictObject({ kind: z.literal(kind), ...shape }).describe(doc);

const exit = <S extends z.ZodRawShape>(shape: S, doc: string) => r('exit', shape, doc);

export const ResultSchema = z.union([
  r('ok', {}, 'the ioctl returned 0'),
  r('errno', { errno }, 'the ioctl returned a negative errno (see api/errno.ts)'),
  r('gp', {}, 'the register write was refused: #GP injected, nothing changed'),
  exit({ reason: z.literal('hlt') }, 'KVM_RUN: the guest ran its access (if any) and halted'),
  exit({ reason: z.literal('mmio'), gpa: GpaSchema }, 'KVM_RUN: the access hit a gpa no memory slot backs (KVM_EXIT_MMIO)'),
  exit({ reason: z.literal('guestPageFault'), gva: GvaSchema }, "KVM_RUN: the guest's own page tables do not map the gva"),
  exit({ reason: z.literal('shutdown') }, 'KVM_RUN: the guest triple-faulted (KVM_EXIT_SHUTDOWN), e.g. no memslot backs its root (upstream mmu_check_root)'),
  exit({ reason: z.literal('apfNotPresent') }, 'KVM_RUN: async work queued, "page not present" injected'),
  r('emulated', { outcome: z.enum(['continue', 'propagateFault']) }, "the emulator's verdict (X86EMUL_*): done, or #PF for the guest"),
  r('emulated', { outcome: z.literal('mmio'), gpa: GpaSchema }, "the emulator's verdict: an MMIO exit"),
  r('translation', { gpa: GpaSchema.nullable() }, 'KVM_TRANSLATE: the gpa, or null when the guest does not map the gva (valid = 0)'),
  r('dirtyLog', { pages: list(int(0, MAX_NPAGES - 1), MAX_NPAGES) }, 'KVM_GET_DIRTY_LOG: the dirty pages of the slot, as offsets from its first gfn'),
  r('hcall', { ret: int(-(2 ** 31), 2 ** 31 - 1), index: int(0, 2 ** 20).nullable() },
    "the guest's hcall returned `ret` (api/hcall.ts) and the guest halted; H_ENTER also returns the HPTE index it used (null unless H_SUCCESS)"),
], { error: 'expected a result: {kind: ok | errno | gp | exit | emulated | translation | dirtyLog | hcall, ...}' });

export type Result = z.infer<typeof ResultSchema>;
