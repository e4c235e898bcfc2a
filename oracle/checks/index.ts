/** The whole "who checks it" record: every tracepoint kind and field, every abstract-state field. */
import type { TraceEventKind } from '../../api/events.js';
import type { EventChecks } from './types.js';
import { X86_EVENT_CHECKS } from './events-x86.js';
import { APF_SETUP_EVENT_CHECKS } from './events-apf-setup.js';
import { PPC_EVENT_CHECKS } from './events-ppc.js';
import { KERNEL_EVENT_CHECKS } from './events-kernel.js';

export { ABSTRACT_CHECKS, LEFT_OUT } from './abstract.js';
export type { Check, Checker, EventCheck } from './types.js';

export const EVENT_CHECKS: EventChecks<TraceEventKind> = { ...X86_EVENT_CHECKS, ...APF_SETUP_EVENT_CHECKS, ...PPC_EVENT_CHECKS, ...KERNEL_EVENT_CHECKS };
