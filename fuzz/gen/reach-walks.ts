/**
 * Where the guest walks of a campaign end, per paging mode (issue 18 item 3, real guest
 * page tables): each run with an access, emulate and translate of an x86 case is walked
 * on the model's state just before it, the case taken in program order (the threads'
 * interleaving aside, as reach-paging.ts does), and counted by how its walk ends: a 4 KiB
 * page below or beyond gva page 64, a large page, an absent or reserved entry, a table no
 * memslot backs (docs/OPERATIONS.md "Guest page-table layout").
 */
import type { Op, TestCase } from '../../api/ops.js';
import type { Gva } from '../../api/ids.js';
import { initialState, type ModelState } from '../../model/state.js';
import { step } from '../../model/step.js';
import { pagingMode, type PagingMode } from '../../model/x86/registers.js';
import { walk } from '../../model/x86/walk.js';

export const WALK_ENDS = ['low4k', 'beyond64', 'large', 'absent', 'reserved', 'unbacked'] as const;
export type WalkEndName = (typeof WALK_ENDS)[number];
export type WalkFigures = Record<Exclude<PagingMode, 'nonpaging'>, Record<WalkEndName, number>>;

const zero = (): Record<WalkEndName, number> => ({ low4k: 0, beyond64: 0, large: 0, absent: 0, reserved: 0, unbacked: 0 });
export const emptyWalkFigures = (): WalkFigures => ({ paging32: zero(), pae: zero(), long: zero() });

const gvaOf = (op: Op): Gva | undefined =>
  op.kind === 'run' ? op.access?.gva : op.kind === 'emulate' || op.kind === 'translate' ? op.gva : undefined;

/** counts the walks of one case into `f` */
export const addWalkFigures = (f: WalkFigures, tc: TestCase): void => {
  let s: ModelState = initialState(tc.config);
  tc.ops.forEach((op, i) => {
    const gva = gvaOf(op);
    const vm = 'vm' in op ? s.vms.get(op.vm) : undefined;
    const v = vm && 'vcpu' in op ? vm.vcpus.get(op.vcpu) : undefined;
    const mode = v && pagingMode(v);
    if (gva !== undefined && vm && !vm.ppc && v && mode && mode !== 'nonpaging') {
      const e = walk(vm, v, gva);
      const name: WalkEndName = e.kind !== 'mapped' ? e.kind : e.level > 1 ? 'large' : gva / 4096 >= 64 ? 'beyond64' : 'low4k';
      f[mode][name]++;
    }
    s = step(s, op, tc.threads?.[i] ?? 0).state;
  });
};

/** the figures as lines: per mode, the share of walks ending each way */
export const formatWalkFigures = (f: WalkFigures): string[] =>
  (Object.keys(f) as (keyof WalkFigures)[]).map((mode) => {
    const n = WALK_ENDS.reduce((t, k) => t + f[mode][k], 0);
    const share = WALK_ENDS.map((k) => `${k} ${n ? ((100 * f[mode][k]) / n).toFixed(1) : '0.0'}%`).join(', ');
    return `  guest walks in ${mode} mode: ${n} (${share})`;
  });
