/**
 * An implementation whose host refuses some guest paging modes (capabilities.pagingModes:
 * a software vendor module that runs paging only in long mode, say) gets no register
 * write that would enter one. Which mode a write enters depends on the vCPU's registers,
 * so the case is walked through the model in program order, and a write whose result
 * leaves the allowed modes is dropped (each vCPU's writes come from its own thread, in
 * program order, so this is the order they take effect in). Such an implementation writes
 * registers as guest code, so a cr0, cr3 or cr4 value wider than 32 bits outside long mode
 * (which no mov to a control register there can carry; wrmsr writes EFER's 64) is dropped too.
 */
import type { TestCase } from '../../api/ops.js';
import { initialState } from '../../model/state.js';
import { step } from '../../model/step.js';
import { pagingMode, type PagingMode } from '../../model/x86/registers.js';
import { keepOps } from './reach.js';

export const keepPagingModes = (tc: TestCase, modes: ReadonlySet<PagingMode>): TestCase => {
  let s = initialState(tc.config);
  const keep: number[] = [];
  tc.ops.forEach((op, i) => {
    const next = step(s, op, tc.threads?.[i] ?? 0);
    if (op.kind === 'setCr') {
      const before = s.vms.get(op.vm)?.vcpus.get(op.vcpu);
      if (before && op.reg !== 'efer' && op.value > 0xffffffff && pagingMode(before) !== 'long') return;
      const v = next.state.vms.get(op.vm)?.vcpus.get(op.vcpu);
      if (v && !modes.has(pagingMode(v))) return;
    }
    s = next.state;
    keep.push(i);
  });
  return keep.length === tc.ops.length ? tc : keepOps(tc, keep);
};
