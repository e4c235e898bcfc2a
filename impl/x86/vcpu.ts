/**
 * vCPU lifecycle and register writes. @see arch/x86/kvm/x86.c kvm_arch_vcpu_create(),
 * kvm_vcpu_reset(), kvm_set_cr0()/kvm_set_cr3()/kvm_set_cr4(), set_efer()
 */
import type { CrReg } from '../../api/ops.js';
import type { Gfn, Hpa, VcpuId } from '../../api/ids.js';
import { INVALID_PAGE } from '../../api/ids.js';
import type { Gen } from '../preempt.js';
import type { Kvm, KvmVcpu } from './structs.js';
import { checkCrWrite, loadPdptrs } from './cpu.js';
import { gfnToMemslot } from './memslots.js';
import { initKvmMmu, kvmMmuNewCr3, kvmMmuResetContext, mmuFreeRoots } from './roots.js';
import { mmuFreeMemoryCaches } from './memory-cache.js';
import { X86_EFLAGS_FIXED, X86_EFLAGS_IF } from './structs.js';
import { Mutex } from '../locks.js';
import { kvmClearAsyncPfCompletionQueue } from '../apf/queue.js';
import { kvmAsyncPfHashReset } from '../apf/gfn-hash.js';
import { ASYNC_PF_PER_VCPU } from '../apf/structs.js';

/** reset values (SDM "Processor state after INIT"): cr0 = ET | CD | NW */
const RESET_CR0 = 0x60000010;

const resetRegs = (v: KvmVcpu): void => {
  v.cr0 = RESET_CR0;
  v.cr3 = 0;
  v.cr4 = 0;
  v.efer = 0;
  v.rflags = X86_EFLAGS_FIXED;
  v.pdptrs.fill(0);
};

/** kvm_clear_async_pf_completion_queue() and kvm_async_pf_hash_reset(): no async work left */
const resetAsyncPf = (v: KvmVcpu): void => {
  kvmClearAsyncPfCompletionQueue(v);
  kvmAsyncPfHashReset(v);
  v.apf.halted = false;
  v.apf.pendingNotPresent = null;
};

/** kvm_arch_vcpu_create() + kvm_mmu_create(): the vCPU, inserted; caller holds kvm->lock */
export const kvmArchVcpuCreate = (kvm: Kvm, id: VcpuId): KvmVcpu => {
  const vcpu: KvmVcpu = {
    vcpuId: id,
    kvm,
    cr0: RESET_CR0,
    cr3: 0,
    cr4: 0,
    efer: 0,
    rflags: X86_EFLAGS_FIXED,
    pdptrs: [0, 0, 0, 0],
    mutex: new Mutex('vcpu->mutex', `vm${kvm.vmId}/vcpu${id}`, kvm.host.trace),
    requests: 0,
    mmu: { rootHpa: INVALID_PAGE, paeRoot: [0, 0, 0, 0] as Hpa[], rootLevel: 0, shadowRootLevel: 0, directMap: true },
    paeRootHpa: kvm.host.pages.alloc(),
    mmuPageCache: { objects: [] },
    mmuPageHeaderCache: { objects: [] },
    mmuPteListDescCache: { objects: [] },
    asyncPf: { queue: [], done: [], queued: 0, lock: new Mutex('async_pf.lock', `vm${kvm.vmId}/vcpu${id}`, kvm.host.trace, true) },
    apf: { gfns: new Array<number>(ASYNC_PF_PER_VCPU), halted: false, id: 0, pendingNotPresent: null },
  };
  kvmAsyncPfHashReset(vcpu);
  kvm.vcpus.set(id, vcpu);
  kvm.host.trace.emit({ ev: 'kvmVcpuCreate', vm: kvm.vmId, vcpu: id });
  return vcpu;
};

/** kvm_mmu_setup(): the first context, with no root */
export const kvmMmuSetup = (vcpu: KvmVcpu): Gen<void> => initKvmMmu(vcpu);

/** kvm_vcpu_reset(): INIT. Registers to reset values and a fresh MMU context. */
export function* kvmVcpuReset(vcpu: KvmVcpu): Gen<void> {
  resetRegs(vcpu);
  resetAsyncPf(vcpu);
  yield* kvmMmuResetContext(vcpu);
  vcpu.kvm.host.trace.emit({ ev: 'kvmVcpuCreate', vm: vcpu.kvm.vmId, vcpu: vcpu.vcpuId });
}

/** kvm_arch_vcpu_destroy(): cancel async work, kvm_mmu_unload, then the caches and the PAE root page */
export function* kvmArchVcpuDestroy(vcpu: KvmVcpu): Gen<void> {
  kvmClearAsyncPfCompletionQueue(vcpu);
  yield* mmuFreeRoots(vcpu);
  mmuFreeMemoryCaches(vcpu);
  vcpu.kvm.host.pages.free(vcpu.paeRootHpa);
  vcpu.kvm.vcpus.delete(vcpu.vcpuId);
}

/**
 * kvm_set_cr0/3/4 and set_efer: checks, then the write and its MMU consequence. Returns
 * false when #GP is injected instead.
 */
export function* kvmSetCr(vcpu: KvmVcpu, reg: CrReg, value: number): Gen<boolean> {
  const check = checkCrWrite(vcpu, reg, value);
  if (check === 'gp') return false;
  const pdptrs = check.needsPdptrs ? yield* loadPdptrs(vcpu, reg === 'cr3' ? value : vcpu.cr3) : null;
  if (check.needsPdptrs && !pdptrs) return false;
  // seed 003 stores the PDPTRs in load_pdptrs, before kvm_set_cr3's memslot check (under
  // a second down_read): a delete in between made the #GP leave PDPTRs of a page cr3 never
  // named, and the next PAE root was built from them (ROOT_VALID_AT_ENTRY). A write that
  // faults changes nothing here: the PDPTRs are stored with the register.
  if (reg === 'cr3') return yield* kvmSetCr3(vcpu, value, pdptrs);
  if (pdptrs) vcpu.pdptrs.splice(0, 4, ...pdptrs);
  vcpu[reg] = value;
  vcpu.kvm.host.trace.emit({ ev: 'kvmSetCr', vm: vcpu.kvm.vmId, vcpu: vcpu.vcpuId, reg, value });
  yield* kvmMmuResetContext(vcpu);
  return true;
}

/** kvm_set_cr3(): does the new cr3 map to guest memory? Checked and used under mmap_sem. */
function* kvmSetCr3(vcpu: KvmVcpu, cr3: number, pdptrs: number[] | null): Gen<boolean> {
  const mm = vcpu.kvm.host.mmapSem;
  const tid = vcpu.kvm.host.current;
  yield* mm.downRead(tid);
  const backed = gfnToMemslot(vcpu.kvm, (cr3 >>> 12) as Gfn) !== undefined;
  if (backed) {
    if (pdptrs) vcpu.pdptrs.splice(0, 4, ...pdptrs);
    vcpu.cr3 = cr3;
    vcpu.kvm.host.trace.emit({ ev: 'kvmSetCr', vm: vcpu.kvm.vmId, vcpu: vcpu.vcpuId, reg: 'cr3', value: cr3 });
    yield* kvmMmuNewCr3(vcpu);
  }
  mm.upRead(tid);
  return backed;
}

/** KVM_SET_REGS of RFLAGS.IF before a run: whether the guest accepts interrupts */
export const kvmSetRflagsIf = (vcpu: KvmVcpu, allowed: boolean): void => {
  vcpu.rflags = allowed ? vcpu.rflags | X86_EFLAGS_IF : vcpu.rflags & ~X86_EFLAGS_IF;
};
