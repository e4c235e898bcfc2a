/**
 * The executable specification: step(state, op) -> { state, result }, pure. Every
 * operation has a result in every state, so any list of operations is a valid test case.
 */
import { match } from 'ts-pattern';
import type { Op } from '../api/ops.js';
import type { Result } from '../api/results.js';
import type { VcpuId, VmId } from '../api/ids.js';
import { EBADF, EEXIST, EINVAL } from '../api/errno.js';
import type { ModelState, ModelVm } from './state.js';
import { withEntry, withoutEntry } from './state.js';
import { newVcpu, reset, run, setCr, type VcpuStep } from './x86/vcpu.js';
import { setRegion } from './x86/memory.js';
import { newPpcVm } from './ppc/state.js';
import { allocRma, mapHost, ppcSetRegion, unmapHost } from './ppc/memory.js';
import { setupRma } from './ppc/rma.js';
import { hEnter } from './ppc/h-enter.js';

export const KVM_MAX_VCPUS = 8;

export interface Step {
  readonly state: ModelState;
  readonly result: Result;
}

const fail = (state: ModelState, code: number): Step => ({ state, result: { kind: 'errno', errno: code } });
const done = (state: ModelState): Step => ({ state, result: { kind: 'ok' } });

const putVm = (s: ModelState, id: VmId, vm: ModelVm): ModelState => ({ ...s, vms: withEntry(s.vms, id, vm) });

/** A PPC vCPU's KVM_RUN: the first run sets up the real-mode area, or fails without entry. */
const ppcRun = (s: ModelState, id: VmId, vcpu: VcpuId, guest: (s: ModelState) => Step): Step => {
  const m = s.vms.get(id);
  if (!m?.vcpus.has(vcpu)) return fail(s, EBADF);
  if (!m.ppc) return fail(s, EINVAL);
  const r = setupRma(s, id);
  return r.err ? fail(r.state, r.err) : guest(r.state);
};

/** Runs a vCPU transition on an existing x86 vCPU, or -EBADF (-EINVAL on a PPC vCPU). */
const onVcpu = (
  s: ModelState,
  id: VmId,
  vcpu: VcpuId,
  f: (vm: ModelVm, v: NonNullable<ReturnType<ModelVm['vcpus']['get']>>) => VcpuStep,
): Step => {
  const vm = s.vms.get(id);
  const v = vm?.vcpus.get(vcpu);
  if (!vm || !v) return fail(s, EBADF);
  if (vm.ppc) return fail(s, EINVAL);
  const r = f(vm, v);
  const after = r.state.vms.get(id) ?? vm;
  return { state: putVm(r.state, id, { ...after, vcpus: withEntry(after.vcpus, vcpu, r.vcpu) }), result: r.result };
};

/** Deleting or moving a slot zaps every shadow page: all roots must be reloaded. */
const dropRoots = (vm: ModelVm): ModelVm => ({
  ...vm,
  vcpus: new Map([...vm.vcpus].map(([id, v]) => [id, { ...v, rootLoaded: false }])),
});

export const step = (s: ModelState, op: Op): Step =>
  match(op)
    .with({ kind: 'createVm' }, ({ vm, ppc }) =>
      s.vms.has(vm) ? fail(s, EEXIST) : done(putVm(s, vm, { slots: new Map(), vcpus: new Map(), ppc: ppc ? newPpcVm(ppc) : null })),
    )
    .with({ kind: 'destroyVm' }, ({ vm }) =>
      s.vms.has(vm) ? done({ ...s, vms: withoutEntry(s.vms, vm) }) : fail(s, EBADF),
    )
    .with({ kind: 'setMemoryRegion' }, ({ vm, slot, gfn, npages }) => {
      const m = s.vms.get(vm);
      if (!m) return fail(s, EBADF);
      if (m.ppc) return ppcSetRegion(s, vm, slot, gfn, npages);
      const r = setRegion(m, slot, gfn, npages);
      if (typeof r === 'number') return fail(s, r);
      const zapped = r.change === 'delete' || r.change === 'move';
      const next = { ...m, slots: r.slots };
      return done(putVm(s, vm, zapped ? dropRoots(next) : next));
    })
    .with({ kind: 'createVcpu' }, ({ vm, vcpu }) => {
      const m = s.vms.get(vm);
      if (!m) return fail(s, EBADF);
      if (vcpu < 0 || vcpu >= KVM_MAX_VCPUS) return fail(s, EINVAL);
      if (m.vcpus.has(vcpu)) return fail(s, EEXIST);
      return done(putVm(s, vm, { ...m, vcpus: withEntry(m.vcpus, vcpu, newVcpu()) }));
    })
    .with({ kind: 'setCr' }, ({ vm, vcpu, reg, value }) =>
      onVcpu(s, vm, vcpu, (m, v) => setCr(s, m, v, reg, value)),
    )
    .with({ kind: 'resetVcpu' }, ({ vm, vcpu }) => onVcpu(s, vm, vcpu, () => reset(s)))
    .with({ kind: 'run' }, ({ vm, vcpu, access }) =>
      s.vms.get(vm)?.ppc
        ? ppcRun(s, vm, vcpu, (after) => ({ state: after, result: { kind: 'exit', reason: 'hlt' } }))
        : onVcpu(s, vm, vcpu, (m, v) => run(s, m, v, access)),
    )
    .with({ kind: 'failAlloc' }, ({ site, count }) =>
      done({ ...s, failures: withEntry(s.failures, site, (s.failures.get(site) ?? 0) + count) }),
    )
    .with({ kind: 'mapHostMemory' }, ({ vm, slot, pageShift, pages }) => mapHost(s, vm, slot, pageShift, pages))
    .with({ kind: 'unmapHostMemory' }, ({ vm, slot }) => unmapHost(s, vm, slot))
    .with({ kind: 'allocRma' }, ({ vm, slot }) => allocRma(s, vm, slot))
    .with({ kind: 'hEnter' }, ({ vm, vcpu, ...args }) =>
      ppcRun(s, vm, vcpu, (after) => {
        const h = hEnter(after, vm, args);
        return { state: h.state, result: { kind: 'hcall', ret: h.ret, index: h.index } };
      }),
    )
    .exhaustive();
