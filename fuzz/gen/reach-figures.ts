/**
 * What a generator reaches, from the traces of the cases it made (the acceptance figures
 * of issue 18 item 3): the share of operations that address a VM, vCPU or slot that does
 * not exist; x86 cases that put a vCPU in long mode; cases that turn dirty logging on, that
 * harvest a non-empty dirty log, and that harvest one slot non-empty twice (so written
 * between); cases where shadow-page reclaim ran (kvm_mmu_free_some_pages zaps pages while
 * a vCPU runs); cases where two threads issued ioctls on one vCPU. `npm run reach` prints
 * them for a campaign; test/reach.test.ts keeps them from falling.
 */
import type { TraceRecord } from '../../api/events.js';
import type { TestCase } from '../../api/ops.js';
import type { Result } from '../../api/results.js';
import { EBADF, ENOENT } from '../../api/errno.js';
import { CR0_PG, EFER_LME, RESET_REGS, has } from '../../model/x86/registers.js';
import { addWalkFigures, emptyWalkFigures, formatWalkFigures, type WalkFigures } from './reach-walks.js';

export interface ReachFigures {
  cases: number;
  ops: number;
  /** operations answered -EBADF (no such VM or vCPU) or, for KVM_GET_DIRTY_LOG, -ENOENT (no such slot) */
  missing: number;
  x86Cases: number;
  longMode: number;
  dirtyLogOn: number;
  harvestNonEmpty: number;
  harvestTwice: number;
  reclaim: number;
  sharedVcpu: number;
  /** where the guest walks ended, per paging mode (reach-walks.ts) */
  walks: WalkFigures;
}

export const emptyFigures = (): ReachFigures => ({ cases: 0, ops: 0, missing: 0, x86Cases: 0, longMode: 0, dirtyLogOn: 0, harvestNonEmpty: 0, harvestTwice: 0, reclaim: 0, sharedVcpu: 0, walks: emptyWalkFigures() });

const missingObject = (kind: string, r: Result): boolean => r.kind === 'errno' && (r.errno === EBADF || (kind === 'getDirtyLog' && r.errno === ENOENT));

/** adds one case, run with keepTrace, to `f` */
export const addCaseFigures = (f: ReachFigures, tc: TestCase, trace: readonly { readonly tid: number; readonly record: TraceRecord }[]): void => {
  const x86 = !tc.ops.some((o) => o.kind === 'createVm' && o.ppc !== undefined);
  const regs = new Map<string, { cr0: number; efer: number }>();
  const running = new Map<number, string>();
  const harvested = new Map<string, number>();
  const vcpuThreads = new Map<string, Set<number>>();
  let long = false, logOn = false, nonEmpty = false, twice = false, reclaim = false;
  for (const { tid, record: r } of trace) {
    if (r.ev === 'opBegin') {
      f.ops++;
      running.set(tid, r.op.kind);
      if ('vcpu' in r.op && 'vm' in r.op && r.op.kind !== 'createVcpu' && r.index >= (tc.prelude ?? 0)) {
        const k = `${r.op.vm}/${r.op.vcpu}`;
        vcpuThreads.set(k, (vcpuThreads.get(k) ?? new Set()).add(tid));
      }
    } else if (r.ev === 'opEnd') {
      running.delete(tid);
      const { op, result } = r;
      if (missingObject(op.kind, result)) f.missing++;
      if (op.kind === 'setMemoryRegion' && result.kind === 'ok' && (op.flags ?? 0) & 1 && op.npages > 0) logOn = true;
      if (op.kind === 'resetVcpu' && result.kind === 'ok') regs.set(`${op.vm}/${op.vcpu}`, { ...RESET_REGS });
      if (op.kind === 'getDirtyLog' && result.kind === 'dirtyLog' && result.pages.length > 0) {
        const k = `${op.vm}/${op.slot}`;
        nonEmpty = true;
        harvested.set(k, (harvested.get(k) ?? 0) + 1);
        if (harvested.get(k)! >= 2) twice = true;
      }
    } else if (r.ev === 'kvmVcpuCreate') regs.set(`${r.vm}/${r.vcpu}`, { ...RESET_REGS });
    else if (r.ev === 'kvmSetCr' && (r.reg === 'cr0' || r.reg === 'efer')) {
      const k = `${r.vm}/${r.vcpu}`;
      const v = { ...(regs.get(k) ?? RESET_REGS), [r.reg]: r.value };
      regs.set(k, v);
      if (has(v.cr0, CR0_PG) && has(v.efer, EFER_LME)) long = true;
    } else if (r.ev === 'kvmMmuZapPage' && running.get(tid) === 'run') reclaim = true;
  }
  f.cases++;
  if (x86) f.x86Cases++;
  if (x86 && long) f.longMode++;
  if (logOn) f.dirtyLogOn++;
  if (logOn && nonEmpty) f.harvestNonEmpty++;
  if (logOn && twice) f.harvestTwice++;
  if (reclaim) f.reclaim++;
  if ([...vcpuThreads.values()].some((s) => s.size > 1)) f.sharedVcpu++;
  if (x86) addWalkFigures(f.walks, tc);
};

const pct = (n: number, of: number): string => `${of ? ((100 * n) / of).toFixed(1) : '0.0'}%`;

/** the figures as lines */
export const formatFigures = (f: ReachFigures): string[] => [
  `reach: ${f.cases} cases, ${f.ops} operations`,
  `  operations on a missing VM, vCPU or slot: ${f.missing} (${pct(f.missing, f.ops)} of operations)`,
  `  x86 cases reaching long mode: ${f.longMode} of ${f.x86Cases} (${pct(f.longMode, f.x86Cases)})`,
  `  cases turning dirty logging on: ${f.dirtyLogOn}; harvesting a non-empty log: ${f.harvestNonEmpty} (${pct(f.harvestNonEmpty, f.dirtyLogOn)}); one slot non-empty twice: ${f.harvestTwice} (${pct(f.harvestTwice, f.dirtyLogOn)})`,
  `  cases where shadow-page reclaim ran: ${f.reclaim} (${pct(f.reclaim, f.cases)})`,
  `  cases with two threads issuing ioctls on one vCPU: ${f.sharedVcpu} (${pct(f.sharedVcpu, f.cases)})`,
  ...formatWalkFigures(f.walks),
];
