/**
 * The executable specification: step(state, op) -> { state, result }, pure. Every
 * operation has a result in every state, so any list of operations is a valid test case.
 */
import { match } from 'ts-pattern';
import type { Op } from '../api/ops.js';
import type { VcpuId, VmId } from '../api/ids.js';
import { EBADF, EEXIST, EINVAL, ENODEV } from '../api/errno.js';
import type { ModelState, ModelVcpu, ModelVm } from './state.js';
import { withEntry, withoutEntry } from './state.js';
import { done, fail, type Step, type VcpuStep } from './outcome.js';
import { newVcpu, reset, run, setCr } from './x86/vcpu.js';
import { setRegion } from './x86/memory.js';
import { moduleLoad, moduleUnload } from './setup/module.js';
import { forgetSwapped, swapOut } from './apf/swap.js';
import { asyncPfDone } from './apf/work.js';

export type { Step } from './outcome.js';

export const KVM_MAX_VCPUS = 8;

const putVm = (s: ModelState, id: VmId, vm: ModelVm): ModelState => ({ ...s, vms: withEntry(s.vms, id, vm) });

/** Runs a vCPU transition on an existing vCPU, or -EBADF. */
const onVcpu = (s: ModelState, id: VmId, vcpu: VcpuId, f: (vm: ModelVm, v: ModelVcpu) => VcpuStep): Step => {
  const vm = s.vms.get(id);
  const v = vm?.vcpus.get(vcpu);
  if (!vm || !v) return fail(s, EBADF);
  const r = f(vm, v);
  return { state: putVm(r.state, id, { ...r.vm, vcpus: withEntry(r.vm.vcpus, vcpu, r.vcpu) }), result: r.result };
};

/** Deleting or moving a slot zaps every shadow page: all roots must be reloaded. */
const dropRoots = (vm: ModelVm): ModelVm => ({
  ...vm,
  vcpus: new Map([...vm.vcpus].map(([id, v]) => [id, { ...v, rootLoaded: false }])),
});

const emptyVm = (): ModelVm => ({ slots: new Map(), vcpus: new Map(), swapped: new Set() });

export const step = (s: ModelState, op: Op): Step =>
  match(op)
    .with({ kind: 'createVm' }, ({ vm }) => {
      // no vendor module: /dev/kvm has no driver behind it
      if (!s.host.loaded) return fail(s, ENODEV);
      return s.vms.has(vm) ? fail(s, EEXIST) : done(putVm(s, vm, emptyVm()));
    })
    .with({ kind: 'destroyVm' }, ({ vm }) =>
      s.vms.has(vm) ? done({ ...s, vms: withoutEntry(s.vms, vm) }) : fail(s, EBADF),
    )
    .with({ kind: 'setMemoryRegion' }, ({ vm, slot, gfn, npages }) => {
      const m = s.vms.get(vm);
      if (!m) return fail(s, EBADF);
      const r = setRegion(m, slot, gfn, npages);
      if (typeof r === 'number') return fail(s, r);
      const next = { ...m, slots: r.slots };
      if (r.change !== 'delete' && r.change !== 'move') return done(putVm(s, vm, next));
      return done(putVm(s, vm, dropRoots(forgetSwapped(next, m.slots.get(slot)!))));
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
    .with({ kind: 'resetVcpu' }, ({ vm, vcpu }) => onVcpu(s, vm, vcpu, (m) => reset(s, m)))
    .with({ kind: 'run' }, ({ vm, vcpu, access, interruptsAllowed }) =>
      onVcpu(s, vm, vcpu, (m, v) => run(s, m, v, access, interruptsAllowed)),
    )
    .with({ kind: 'failAlloc' }, ({ site, count }) =>
      done({ ...s, failures: withEntry(s.failures, site, (s.failures.get(site) ?? 0) + count) }),
    )
    .with({ kind: 'swapOut' }, ({ vm, gfn }) => swapOut(s, vm, gfn))
    .with({ kind: 'asyncPfDone' }, ({ vm, vcpu, gfn }) => onVcpu(s, vm, vcpu, (m, v) => asyncPfDone(s, m, v, gfn)))
    .with({ kind: 'moduleLoad' }, ({ vendor, tdp }) => moduleLoad(s, vendor, tdp))
    .with({ kind: 'moduleUnload' }, () => moduleUnload(s))
    .exhaustive();
