/**
 * Tracepoint events: what the implementation reports it did, like the kernel's
 * trace_kvm_* points and lockdep hooks. Monitors read these; an implementation in another
 * process sends them as JSON lines (docs/PROTOCOL.md).
 */
import { z } from 'zod';
import { CrRegSchema, HostConfigSchema, OpSchema, VendorSchema, AllocSiteSchema } from './ops.js';
import { ResultSchema } from './results.js';
import { GfnSchema, HpaSchema, ThreadIdSchema, VcpuIdSchema, VmIdSchema } from './ids.js';
import { MAX_OPS, int, list, oneOf, text } from './bounds.js';
import { PpcTraceEventSchemas } from './events-ppc.js';
import { KernelTraceEventSchemas } from './events-kernel.js';

/** The kinds of guest memory access LOCK_HELD cares about. */
export const GuestMemAccessSchema = oneOf(['walk', 'read', 'write', 'pdptr', 'gup']);
export type GuestMemAccess = z.infer<typeof GuestMemAccessSchema>;

/** How a lock is held: a mutex or spinlock exclusively, an rwsem for read or write. */
export const LockModeSchema = oneOf(['exclusive', 'read', 'write']);
export type LockMode = z.infer<typeof LockModeSchema>;

/** The role bits of a shadow page that say what it shadows (kvm_mmu_page_role). */
export const PageRoleSchema = z.strictObject({
  /** shadow page-table level of this page: 1 is the leaf level */
  level: int(1, 5),
  /** guest paging levels it shadows: 0 nonpaging, 2 32-bit, 3 PAE, 4 long mode */
  glevels: int(0, 5),
  /** direct map (TDP or nonpaging): gfn is not a guest page-table page */
  direct: z.boolean(),
  /** which quarter of a guest page directory (PAE roots: the PDPTE index) */
  quadrant: int(0, 3),
});
export type PageRole = z.infer<typeof PageRoleSchema>;

const vm = VmIdSchema;
const vcpu = VcpuIdSchema;
const gfn = GfnSchema;
const roots = list(HpaSchema, 4);
const tid = int(0, 63);
const ev = <K extends string, S extends z.ZodRawShape>(name: K, shape: S, doc: string) =>
  z.strictObject({ ev: z.literal(name), ...shape }).describe(doc);

/** The x86 MMU, locks and memslots (seeds 000 and 003). */
const x86Events = [
  ev('kvmSetCr', { vm, vcpu, reg: CrRegSchema, value: int(0, Number.MAX_SAFE_INTEGER) }, 'a control register write took effect (after its checks)'),
  ev('kvmVcpuCreate', { vm, vcpu }, 'vCPU created with its reset register values'),
  ev('kvmMmuGetPage', { vm, hpa: HpaSchema, gfn, role: PageRoleSchema, root: z.boolean(), created: z.boolean() },
    'kvm_mmu_get_page found (created false) or allocated (created true) a shadow page'),
  ev('kvmMmuZapPage', { vm, hpa: HpaSchema, rootCount: int(0, 2 ** 20) }, 'kvm_mmu_prepare_zap_page: page unlinked; a root still referenced becomes invalid'),
  ev('kvmMmuFreePage', { vm, hpa: HpaSchema }, 'the shadow page went back to the page pool'),
  ev('kvmMmuLoad', { vm, vcpu, ret: int(-4095, 0), roots }, 'kvm_mmu_load finished: ret 0 (roots in `roots`) or a negative errno'),
  ev('kvmMmuUnload', { vm, vcpu, roots }, 'mmu_free_roots: the vCPU dropped its references to its roots'),
  ev('kvmEntry', { vm, vcpu, roots }, 'VM entry with these root pages (one, or four PAE roots)'),
  ev('kvmExit', { vm, vcpu, reason: text(64) }, 'VM exit'),
  ev('kvmPageFault', { vm, vcpu, gfn, write: z.boolean(), noApf: z.boolean() },
    'kvm_mmu_page_fault entered for this gfn; `noApf` forbids async work (the ready-time prefault)'),
  ev('kvmUnmapGfn', { vm, gfn }, "the mmu notifier unmapped gfn's host page: every spte mapping it is gone"),
  ev('allocFailInjected', { site: AllocSiteSchema }, 'an injected allocation failure was consumed'),
  ev('lockAcquire', { tid, lock: text(128), instance: text(256), mode: LockModeSchema, spin: z.boolean() },
    'lockdep: `tid` took lock class `lock` (instance `instance`)'),
  ev('lockRelease', { tid, lock: text(128), instance: text(256), mode: LockModeSchema }, 'lockdep: `tid` released it'),
  ev('kvmGuestMem', { vm, what: GuestMemAccessSchema, gfn }, 'a guest walk step, a guest memory read or write, a PDPTR load, or get_user_pages'),
  ev('kvmRmap', { vm, gfn, add: z.boolean(), hpa: HpaSchema.optional() },
    'rmap_add / rmap_remove for gfn; `hpa`: the shadow page whose spte it is (optional: without it only per-gfn counts are checked)'),
  ev('kvmVmUpdate', { vm, what: oneOf(['memslot', 'alias', 'nrMmuPages', 'dirtyLog']) }, "a change to the VM's memslots, aliases, nr_mmu_pages or a dirty bitmap"),
  ev('kvmDestroyVm', { vm }, 'kvm_destroy_vm finished: nothing of the VM may be left'),
] as const;

/** Async page faults (virt/kvm/async_pf.c, trace_kvm_async_pf_*); a work is named by its token. */
const token = int(0, 2 ** 32 - 1);
const apfEvents = [
  ev('kvmAsyncPfNotPresent', { vm, vcpu, token, gfn }, 'work queued for gfn and "page not present" delivered (kvm_arch_async_page_not_present)'),
  ev('kvmAsyncPfDoublefault', { vm, vcpu, gfn }, 'a fault on a gfn that already has work queued: KVM_REQ_APF_HALT'),
  ev('kvmAsyncPfCompleted', { vm, vcpu, token, gfn, errorPage: z.boolean() }, 'async_pf_execute() finished: the page is in, or an error page (no memslot backs gfn now)'),
  ev('kvmAsyncPfPrefault', { vm, vcpu, token, gfn, roots }, 'kvm_arch_async_page_ready() is about to prefault gfn with these roots loaded'),
  ev('kvmAsyncPfPresent', { vm, vcpu, token, gfn }, '"page present" delivered (kvm_arch_async_page_present): the work is finished'),
  ev('kvmAsyncPfCancel', { vm, vcpu, token, gfn }, 'the work was cancelled with its vCPU (kvm_clear_async_pf_completion_queue)'),
] as const;

/** What module setup does: a step is one thing to undo (vendor setup, a cache, a counter). */
export const SetupStageSchema = oneOf(['vendor', 'mmu']);
export type SetupStage = z.infer<typeof SetupStageSchema>;

/** Module load and unload (kvm_init, kvm_exit) and their setup steps. */
const setupEvents = [
  ev('kvmModuleInit', { vendor: VendorSchema, tdp: z.boolean() }, 'kvm_init() starts loading the vendor module'),
  ev('kvmModuleInitDone', { vendor: VendorSchema, tdp: z.boolean(), ret: int(-4095, 0) }, 'kvm_init() returned: 0 means setup is complete and VMs may be created'),
  ev('kvmModuleExitDone', { vendor: VendorSchema }, 'kvm_exit() finished: the vendor module is gone'),
  ev('kvmResetPteMasks', {}, 'kvm_mmu_reset_all_pte_masks(): the masks are back to their defaults'),
  ev('kvmSetupStep', { stage: SetupStageSchema, object: text(64), ret: int(-4095, 0) }, 'a setup step ran: ret 0 means `object` now exists and must be undone once'),
  ev('kvmUnsetupStep', { stage: SetupStageSchema, object: text(64) }, 'a setup step was undone'),
] as const;

export const TraceEventSchema = z.discriminatedUnion('ev', [...x86Events, ...apfEvents, ...setupEvents, ...PpcTraceEventSchemas, ...KernelTraceEventSchemas]);
export type TraceEvent = z.infer<typeof TraceEventSchema>;
export type TraceEventKind = TraceEvent['ev'];

/** Every tracepoint kind, in the schema's order. */
export const TRACE_EVENT_KINDS: readonly TraceEventKind[] = TraceEventSchema.options.map((o) => o.shape.ev.value);
export const TraceEventKindSchema = oneOf(TRACE_EVENT_KINDS as [TraceEventKind, ...TraceEventKind[]]);

/** Markers the runner puts around each operation; monitors see them in the same stream. */
export const HarnessEventSchema = z.discriminatedUnion('ev', [
  /** the host as the case starts (and after every module load) */
  z.strictObject({ ev: z.literal('hostConfig'), config: HostConfigSchema }),
  z.strictObject({ ev: z.literal('opBegin'), tid: ThreadIdSchema, index: int(0, MAX_OPS - 1), op: OpSchema }),
  z.strictObject({ ev: z.literal('opEnd'), tid: ThreadIdSchema, index: int(0, MAX_OPS - 1), op: OpSchema, result: ResultSchema }),
]);
export type HarnessEvent = z.infer<typeof HarnessEventSchema>;

export type TraceRecord = TraceEvent | HarnessEvent;
