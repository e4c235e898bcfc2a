/**
 * The protocol between the harness and an implementation in another process: JSON lines,
 * one reply per request (docs/PROTOCOL.md). The capabilities an implementation declares
 * in its handshake drive the generator, the monitors and the conformance check.
 */
import { z } from 'zod';
import { HostConfigSchema, OpKindSchema, OpSchema, RegisterBitsSchema } from './ops.js';
import { ResultSchema } from './results.js';
import { TraceEventKindSchema, TraceEventSchema } from './events.js';
import { AbstractPartSchema, AbstractStateSchema } from './abstract.js';
import { MAX_EVENTS, MAX_OPS, MAX_THREADS, int, list, name, oneOf, text } from './bounds.js';
import { HostInfoSchema, KernelLogSchema, LimitsSchema } from './limits.js';

export const PROTOCOL_VERSION = 1;

/** What kind of VMs an implementation runs: x86, and PPC HV (createVm with `ppc`). */
export const PlatformSchema = oneOf(['x86', 'ppcHv']);
export type Platform = z.infer<typeof PlatformSchema>;

export const CapabilitiesSchema = z.strictObject({
  /** the operation kinds it accepts; the generator makes no others */
  ops: list(OpKindSchema, 64),
  /** the tracepoint kinds it can emit; a monitor that needs another is not run */
  events: list(TraceEventKindSchema, 256),
  /** it can be stepped between preemption points (begin/step) */
  stepping: z.boolean(),
  /** it answers a whole case in one round trip */
  wholeCase: z.boolean(),
  /** a whole case runs each harness thread on a real thread; steps carry their times */
  realThreads: z.boolean().optional(),
  /** the parts of the abstract state it can show; conformance compares only these */
  abstract: list(AbstractPartSchema, 16),
  /** the mutants it knows, by name */
  mutants: list(name(), 1000),
  /** the rule sets it follows (model/rules.ts): cases are held to the first unless --rules says otherwise; absent: seeds */
  rules: z.array(oneOf(['seeds', 'upstream'])).min(1).max(2).readonly().optional(),
  /** the host configurations it can run a case under */
  configs: z.array(HostConfigSchema).min(1, { error: 'expected at least one host config' }).max(16).readonly(),
  /**
   * the guest paging modes a case may enter (model/x86/registers.ts names them); absent:
   * all. The generator drops a register write that would leave them.
   */
  pagingModes: z.array(oneOf(['nonpaging', 'paging32', 'pae', 'long'])).max(4).readonly().optional(),
  /**
   * the cr4 and EFER bits its vCPUs accept (from the CPUID it gives them, or found by
   * trying each bit); the harness copies it into every case's config, and the model
   * refuses the other bits with #GP. Absent: the rule set's own (model/rules.ts).
   */
  registerBits: RegisterBitsSchema.optional(),
  /** the VM platforms it runs */
  platforms: z.array(PlatformSchema).min(1, { error: 'expected at least one platform' }).max(2).readonly(),
  /** its own resources (api/limits.ts): a case beyond them is not checked; the generator stays inside */
  limits: LimitsSchema.optional(),
  /** the machine it runs on, told truly (kernel, vendor module, MMU parameters): shown in summaries and reports */
  host: HostInfoSchema.optional(),
});
export type Capabilities = z.infer<typeof CapabilitiesSchema>;

const tid = int(0, MAX_THREADS - 1);
const events = list(TraceEventSchema, MAX_EVENTS);
/**
 * the request's sequence number, echoed by its reply (docs/PROTOCOL.md, "A protocol that
 * checks itself"): optional, so an adapter that does not know it keeps working
 */
const seq = int(0, Number.MAX_SAFE_INTEGER).optional();
/** events the instance emitted since `create` (or in the `case`), this reply's included */
const eventsTotal = int(0, Number.MAX_SAFE_INTEGER).optional();
const msg = <K extends string, S extends z.ZodRawShape>(kind: K, shape: S) => z.strictObject({ msg: z.literal(kind), seq, ...shape });

/** Harness to implementation. */
export const RequestSchema = z.discriminatedUnion('msg', [
  msg('hello', { protocol: z.literal(PROTOCOL_VERSION) }),
  msg('create', { config: HostConfigSchema, mutant: name().nullable() }),
  msg('apply', { tid, op: OpSchema }),
  msg('begin', { tid, op: OpSchema }),
  msg('step', { tid }),
  msg('drain', {}),
  msg('abstract', {}),
  msg('case', {
    config: HostConfigSchema,
    mutant: name().nullable(),
    ops: list(z.strictObject({ tid, op: OpSchema }), MAX_OPS),
    /** an abstract state after each operation (the harness asks on one thread) */
    states: z.boolean(),
    /** the first `prelude` operations (tid 0) complete before any other begins (TestCase.prelude); absent: 0 */
    prelude: int(0, MAX_OPS).optional(),
  }),
  msg('close', {}),
  /** after a request had no reply in time: which request did the implementation answer last? */
  msg('sync', {}),
]);
export type Request = z.infer<typeof RequestSchema>;

/** Where a stepped operation stopped: a preemption point, or a wait for a lock. */
export const WirePointSchema = z.discriminatedUnion('at', [
  z.strictObject({ at: z.literal(['lock', 'alloc', 'gup', 'guestMem', 'entry', 'preempt']), lock: text(256).optional() }),
  z.strictObject({ at: z.literal('wait'), lock: text(256), holders: list(tid, MAX_THREADS) }),
]);
export type WirePoint = z.infer<typeof WirePointSchema>;

/** One operation of a whole case, as the implementation ran it. */
export const CaseStepSchema = z.strictObject({
  result: ResultSchema,
  events,
  state: AbstractStateSchema.optional(),
  /** realThreads: the operation's interval in monotonic nanoseconds (any origin) */
  begin: int(0, Number.MAX_SAFE_INTEGER).optional(),
  end: int(0, Number.MAX_SAFE_INTEGER).optional(),
});
export type CaseStep = z.infer<typeof CaseStepSchema>;

const blocked = list(tid, MAX_THREADS);

/** coverage features one case reply may carry */
export const MAX_FEATURES = 10_000;

/** Implementation to harness: each reply kind, by the request it answers. */
export const Replies = {
  hello: msg('hello', { protocol: z.literal(PROTOCOL_VERSION, { error: `expected protocol ${PROTOCOL_VERSION}` }), name: text(256), capabilities: CapabilitiesSchema }),
  ok: msg('ok', {}),
  result: msg('result', { result: ResultSchema, events, eventsTotal }),
  step: z.union([
    msg('step', { done: z.literal(true), result: ResultSchema, events, blocked, eventsTotal }),
    msg('step', { done: z.literal(false), point: WirePointSchema, events, blocked, eventsTotal }),
  ]),
  events: msg('events', { events, eventsTotal }),
  abstract: msg('abstract', { state: AbstractStateSchema }),
  case: msg('case', {
    steps: list(CaseStepSchema, MAX_OPS),
    final: AbstractStateSchema.optional(),
    /** the operation that failed (steps before it are complete) */
    error: z.strictObject({ index: int(0, MAX_OPS - 1), message: text(), unsupported: z.boolean().optional() }).optional(),
    /** a real kernel's log and taint over the case (fuzz/kernel-log/): a splat there is KERNEL_SPLAT */
    kernel: KernelLogSchema.optional(),
    /** optional: the implementation's own coverage of the case (kcov or gcov edges, ioctl paths), as names; guided generation keeps cases that reach new ones */
    features: list(text(256), MAX_FEATURES).optional(),
    eventsTotal,
  }),
  /** the seq of the last request answered before this one (null: none) */
  sync: msg('sync', { last: int(0, Number.MAX_SAFE_INTEGER).nullable() }),
  /** `unsupported`: the implementation cannot run this here (not a bug): the case is not checked */
  error: msg('error', { message: text(), unsupported: z.boolean().optional() }),
} as const;

/** The reply each request expects (an `error` reply is always allowed). */
export const REPLY_TO = {
  hello: 'hello', create: 'ok', apply: 'result', begin: 'ok', step: 'step',
  drain: 'events', abstract: 'abstract', case: 'case', close: 'ok', sync: 'sync',
} as const satisfies Record<Request['msg'], keyof typeof Replies>;

export type Reply<K extends keyof typeof Replies> = z.infer<(typeof Replies)[K]>;
