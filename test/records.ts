/** Builders for trace records, to feed monitors by hand. */
import type { SetupStage, TraceRecord } from '../api/events.js';
import type { Gfn, Hpa, ThreadId, VcpuId, VmId } from '../api/ids.js';
import type { Op } from '../api/ops.js';
import type { Result } from '../api/results.js';
import { asViolation, type MonitorSpec } from '../oracle/monitor.js';

const at = { vm: 0 as VmId, vcpu: 0 as VcpuId };
const work = (token: number, gfn: number) => ({ ...at, token, gfn: gfn as Gfn });

export const rec = {
  host: (tdp: boolean): TraceRecord => ({ ev: 'hostConfig', config: { vendor: 'vmx', tdp } }),
  opEnd: (op: Op, result: Result = { kind: 'ok' }): TraceRecord => ({ ev: 'opEnd', tid: 0 as ThreadId, index: 0, op, result }),
  vcpu: (): TraceRecord => ({ ev: 'kvmVcpuCreate', ...at }),
  cr0: (value: number): TraceRecord => ({ ev: 'kvmSetCr', ...at, reg: 'cr0', value }),
  /** a root page at hpa, direct (TDP or nonpaging) or shadowing a 2-level guest at gfn 0 */
  root: (hpa: number, direct: boolean): TraceRecord => ({
    ev: 'kvmMmuGetPage', vm: at.vm, hpa: hpa as Hpa, gfn: 0 as Gfn, root: true, created: true,
    role: { level: direct ? 4 : 2, glevels: direct ? 0 : 2, direct, quadrant: 0 },
  }),
  fault: (gfn: number, noApf = false): TraceRecord => ({ ev: 'kvmPageFault', ...at, gfn: gfn as Gfn, write: false, noApf }),
  unmap: (gfn: number): TraceRecord => ({ ev: 'kvmUnmapGfn', vm: at.vm, gfn: gfn as Gfn }),
  notPresent: (token: number, gfn: number): TraceRecord => ({ ev: 'kvmAsyncPfNotPresent', ...work(token, gfn) }),
  doublefault: (gfn: number): TraceRecord => ({ ev: 'kvmAsyncPfDoublefault', ...at, gfn: gfn as Gfn }),
  completed: (token: number, gfn: number, errorPage = false): TraceRecord => ({ ev: 'kvmAsyncPfCompleted', ...work(token, gfn), errorPage }),
  prefault: (token: number, gfn: number, roots: number[]): TraceRecord => ({ ev: 'kvmAsyncPfPrefault', ...work(token, gfn), roots: roots as Hpa[] }),
  present: (token: number, gfn: number): TraceRecord => ({ ev: 'kvmAsyncPfPresent', ...work(token, gfn) }),
  cancel: (token: number, gfn: number): TraceRecord => ({ ev: 'kvmAsyncPfCancel', ...work(token, gfn) }),
  init: (): TraceRecord => ({ ev: 'kvmModuleInit', vendor: 'vmx', tdp: true }),
  initDone: (ret: number): TraceRecord => ({ ev: 'kvmModuleInitDone', vendor: 'vmx', tdp: true, ret }),
  exitDone: (): TraceRecord => ({ ev: 'kvmModuleExitDone', vendor: 'vmx' }),
  resetMasks: (): TraceRecord => ({ ev: 'kvmResetPteMasks' }),
  setup: (stage: SetupStage, object: string, ret = 0): TraceRecord => ({ ev: 'kvmSetupStep', stage, object, ret }),
  unsetup: (stage: SetupStage, object: string): TraceRecord => ({ ev: 'kvmUnsetupStep', stage, object }),
};

/** The first complaint of a fresh monitor fed these records, or null. */
export const firstComplaint = (spec: MonitorSpec, records: readonly TraceRecord[]): string | null => {
  const m = spec.create();
  for (const r of records) {
    const msg = m.observe(r, (r as { tid?: number }).tid ?? 0);
    if (msg) return asViolation(msg).message;
  }
  return null;
};
