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

export const KVM_MAX_VCPUS = 8;

export interface Step {
  readonly state: ModelState;
  readonly result: Result;
}

const fail = (state: ModelState, code: number): Step => ({ state, result: { kind: 'errno', errno: code } });
const done = (state: ModelState): Step => ({ state, result: { kind: 'ok' } });

const putVm = (s: ModelState, id: VmId, vm: ModelVm): ModelState => ({ ...s, vms: withEntry(s.vms, id, vm) });

/** Runs a vCPU transition on an existing vCPU, or -EBADF. */
const onVcpu = (
  s: ModelState,
  id: VmId,
  vcpu: VcpuId,
  f: (vm: ModelVm, v: NonNullable<ReturnType<ModelVm['vcpus']['get']>>) => VcpuStep,
): Step => {
  const vm = s.vms.get(id);
  const v = vm?.vcpus.get(vcpu);
  if (!vm || !v) return fail(s, EBADF);
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
    .with({ kind: 'createVm' }, ({ vm }) =>
      s.vms.has(vm) ? fail(s, EEXIST) : done(putVm(s, vm, { slots: new Map(), vcpus: new Map() })),
    )
    .with({ kind: 'destroyVm' }, ({ vm }) =>
      s.vms.has(vm) ? done({ ...s, vms: withoutEntry(s.vms, vm) }) : fail(s, EBADF),
    )
    .with({ kind: 'setMemoryRegion' }, ({ vm, slot, gfn, npages }) => {
      const m = s.vms.get(vm);
      if (!m) return fail(s, EBADF);
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
    .with({ kind: 'run' }, ({ vm, vcpu, access }) => onVcpu(s, vm, vcpu, (m, v) => run(s, m, v, access)))
    .with({ kind: 'failAlloc' }, ({ site, count }) =>
      done({ ...s, failures: withEntry(s.failures, site, (s.failures.get(site) ?? 0) + count) }),
    )
    .exhaustive();
