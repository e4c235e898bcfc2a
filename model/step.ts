/**
 * The executable specification: step(state, op) -> { state, result }, pure. Every
 * operation has a result in every state, so any list of operations is a valid test case.
 */
import { match } from 'ts-pattern';
import type { Op } from '../api/ops.js';
import type { Result } from '../api/results.js';
import type { VcpuId, VmId } from '../api/ids.js';
import { EBADF, EEXIST, EINVAL } from '../api/errno.js';
import type { ModelState, ModelVcpu, ModelVm } from './state.js';
import { armFailures, withEntry, withoutEntry } from './state.js';
import { newVcpu, reset, run, setCr } from './x86/vcpu.js';
import { setRegion } from './x86/memory.js';
import { KVM_MIN_ALLOC_MMU_PAGES, afterGuestAccess, emulate, getDirtyLog, translate } from './x86/emulate.js';

export const KVM_MAX_VCPUS = 8;

export interface Step {
  readonly state: ModelState;
  readonly result: Result;
}

/** What a vCPU operation does: the VM and vCPU after it, and its result. */
interface VcpuOutcome {
  readonly state?: ModelState;
  readonly vm?: ModelVm;
  readonly vcpu: ModelVcpu;
  readonly result: Result;
}

const fail = (state: ModelState, code: number): Step => ({ state, result: { kind: 'errno', errno: code } });
const done = (state: ModelState): Step => ({ state, result: { kind: 'ok' } });

const putVm = (s: ModelState, id: VmId, vm: ModelVm): ModelState => ({ ...s, vms: withEntry(s.vms, id, vm) });

/** Runs a vCPU operation on an existing vCPU, or -EBADF. */
const onVcpu = (s: ModelState, id: VmId, vcpu: VcpuId, f: (vm: ModelVm, v: ModelVcpu) => VcpuOutcome): Step => {
  const vm = s.vms.get(id);
  const v = vm?.vcpus.get(vcpu);
  if (!vm || !v) return fail(s, EBADF);
  const r = f(vm, v);
  const after = r.vm ?? vm;
  return { state: putVm(r.state ?? s, id, { ...after, vcpus: withEntry(after.vcpus, vcpu, r.vcpu) }), result: r.result };
};

/** Runs a VM operation on an existing VM, or -EBADF. */
const onVm = (s: ModelState, id: VmId, f: (vm: ModelVm) => { vm: ModelVm; result: Result }): Step => {
  const vm = s.vms.get(id);
  if (!vm) return fail(s, EBADF);
  const r = f(vm);
  return { state: putVm(s, id, r.vm), result: r.result };
};

/** Deleting or moving a slot zaps every shadow page: all roots must be reloaded. */
const dropRoots = (vm: ModelVm): ModelVm => ({
  ...vm,
  vcpus: new Map([...vm.vcpus].map(([id, v]) => [id, { ...v, rootLoaded: false }])),
});

const ok: Result = { kind: 'ok' };
const errno = (code: number): Result => ({ kind: 'errno', errno: code });

/**
 * One operation issued from harness thread `tid` (injected failures belong to a thread,
 * like the kernel's per-task make-it-fail).
 */
export const step = (s: ModelState, op: Op, tid = 0): Step =>
  match(op)
    .with({ kind: 'createVm' }, ({ vm }) =>
      s.vms.has(vm) ? fail(s, EEXIST) : done(putVm(s, vm, { slots: new Map(), vcpus: new Map(), nrMmuPages: 0 })),
    )
    .with({ kind: 'destroyVm' }, ({ vm }) =>
      s.vms.has(vm) ? done({ ...s, vms: withoutEntry(s.vms, vm) }) : fail(s, EBADF),
    )
    .with({ kind: 'setMemoryRegion' }, ({ vm, slot, gfn, npages, flags }) =>
      onVm(s, vm, (m) => {
        const r = setRegion(m, slot, gfn, npages, flags ?? 0);
        if (typeof r === 'number') return { vm: m, result: errno(r) };
        const next = { ...m, slots: r.slots };
        return { vm: r.change === 'delete' || r.change === 'move' ? dropRoots(next) : next, result: ok };
      }),
    )
    .with({ kind: 'createVcpu' }, ({ vm, vcpu }) =>
      onVm(s, vm, (m) => {
        if (vcpu < 0 || vcpu >= KVM_MAX_VCPUS) return { vm: m, result: errno(EINVAL) };
        if (m.vcpus.has(vcpu)) return { vm: m, result: errno(EEXIST) };
        return { vm: { ...m, vcpus: withEntry(m.vcpus, vcpu, newVcpu()) }, result: ok };
      }),
    )
    .with({ kind: 'setCr' }, ({ vm, vcpu, reg, value }) => onVcpu(s, vm, vcpu, (m, v) => setCr(s, m, v, reg, value)))
    .with({ kind: 'resetVcpu' }, ({ vm, vcpu }) => onVcpu(s, vm, vcpu, () => reset(s)))
    .with({ kind: 'run' }, ({ vm, vcpu, access }) =>
      onVcpu(s, vm, vcpu, (m, v) => {
        const r = run(s, m, v, access, tid);
        return { ...r, vm: afterGuestAccess(m, r.vcpu, access, r.result) };
      }),
    )
    .with({ kind: 'emulate' }, ({ vm, vcpu, access, gva }) =>
      onVcpu(s, vm, vcpu, (m, v) => {
        const r = emulate(m, v, access, gva, s.host.tdp);
        return { vm: r.vm, vcpu: r.vm.vcpus.get(vcpu)!, result: r.result };
      }),
    )
    .with({ kind: 'translate' }, ({ vm, vcpu, gva }) => onVcpu(s, vm, vcpu, (m, v) => ({ vcpu: v, result: translate(m, v, gva) })))
    .with({ kind: 'getDirtyLog' }, ({ vm, slot }) => onVm(s, vm, (m) => getDirtyLog(m, slot)))
    .with({ kind: 'setNrMmuPages' }, ({ vm, pages }) =>
      onVm(s, vm, (m) =>
        pages < KVM_MIN_ALLOC_MMU_PAGES ? { vm: m, result: errno(EINVAL) } : { vm: { ...m, nrMmuPages: pages }, result: ok },
      ),
    )
    .with({ kind: 'failAlloc' }, ({ site, count }) => done(armFailures(s, tid, site, count)))
    .exhaustive();
