/**
 * The package's public surface (`import ... from 'kvm-mmu-oracle'`): what an
 * implementation under test is written against. The types are inferred from the zod
 * schemas, which are exported too, so a TypeScript implementation can validate its own
 * output the way the harness will.
 */
export type { Implementation, ImplementationFactory, OpThread, SchedPoint, ThreadStep, CaseRun } from './implementation.js';
export type { Capabilities, CaseStep, Platform, Request, Reply } from './protocol.js';
export { CapabilitiesSchema, RequestSchema, Replies, REPLY_TO, PROTOCOL_VERSION } from './protocol.js';
export type { Op, OpKind, HostConfig, Vendor, CrReg, AllocSite, PpcHvConfig, GuestAccess, EmulatedAccess, RegisterBits, TestCase, Preemption } from './ops.js';
export { OpSchema, HostConfigSchema, OP_KINDS, KVM_MEM_LOG_DIRTY_PAGES } from './ops.js';
export type { Result } from './results.js';
export { ResultSchema } from './results.js';
export type { TraceEvent, TraceEventKind, PageRole, LockMode, GuestMemAccess } from './events.js';
export { TraceEventSchema, TRACE_EVENT_KINDS } from './events.js';
export type { AbstractState, AbstractVm, AbstractVcpu, AbstractSlot, AbstractHost, AbstractPart, AbstractPpcVm, AbstractPhys } from './abstract.js';
export { AbstractStateSchema, ABSTRACT_PARTS } from './abstract.js';
export type { Counterexample } from './counterexample.js';
export { CounterexampleSchema, FORMAT } from './counterexample.js';
export type { FailureId, InvariantId } from './failures.js';
export type { VmId, VcpuId, SlotId, Gfn, Gva, Gpa, Hpa, ThreadId } from './ids.js';
export { vmId, vcpuId, slotId, gfn, gva, gpa, hpa, INVALID_PAGE, PAGE_SIZE, PAGE_SHIFT } from './ids.js';
export * as errno from './errno.js';
export * as hcall from './hcall.js';
export { check, checkJson, type Parsed } from './validate.js';
