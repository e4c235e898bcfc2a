/**
 * PPC HV VM lifecycle and memory slots: create (LPCR, HPT), set a region (prepare only
 * allocates slot_phys), move one (its HPTEs go), delete one (its HPTEs go, then
 * unpin_slot), destroy. Flushing on move and delete is kvm_arch_flush_shadow_memslot().
 * @see arch/powerpc/kvm/book3s_hv.c kvmppc_core_init_vm(), kvmppc_core_destroy_vm()
 */
import type { Gfn, SlotId, ThreadId, VcpuId, VmId } from '../../api/ids.js';
import type { PpcHvConfig } from '../../api/ops.js';
import type { KvmHost } from '../host.js';
import { Mutex } from '../locks.js';
import { Srcu } from '../srcu.js';
import type { Gen } from '../preempt.js';
import { waitForUsers } from '../vm-refs.js';
import { kvmCheckMemoryRegion } from '../kvm-main.js';
import { slotUserspaceAddr } from '../mm/mm.js';
import type { KvmPpc, KvmPpcVcpu } from './structs.js';
import { KVM_MEM_SLOTS_NUM } from './structs.js';
import { hex, initLpcr } from './lpcr.js';
import { kvmppcAllocHpt, kvmppcFlushHptes, kvmppcFreeHpt } from './hpt.js';
import { kvmppcCorePrepareMemoryRegion, unpinSlot } from './slot-phys.js';
import { kvmReleaseRma, kvmppcHvSetupRma } from './rma.js';

/** kvm_create_vm() + kvmppc_core_init_vm() */
export const kvmppcCreateVm = (host: KvmHost, vmId: VmId, c: PpcHvConfig): KvmPpc => {
  const kvm = newKvmPpc(host, vmId, c);
  host.trace.emit({ ev: 'kvmppcSetLpcr', tid: host.current as ThreadId, vm: vmId, lpcr: hex(kvm.arch.lpcr), rmor: hex(kvm.arch.rmor) });
  return kvm;
};

const newKvmPpc = (host: KvmHost, vmId: VmId, c: PpcHvConfig): KvmPpc => ({
  vmId,
  host,
  cpu: c.cpu,
  memslots: [],
  vcpus: new Map(),
  lock: new Mutex('kvm->lock', `vm${vmId}`, host.trace),
  users: new Map(),
  slotsLock: new Mutex('kvm->slots_lock', `vm${vmId}`, host.trace),
  srcu: new Srcu(`kvm->srcu@vm${vmId}`),
  arch: {
    ramPsize: 2 ** c.ramPorder,
    ramPorder: c.ramPorder,
    slotPhys: new Array(KVM_MEM_SLOTS_NUM).fill(null),
    slotNpages: new Array(KVM_MEM_SLOTS_NUM).fill(0),
    slotPhysLock: new Mutex('slot_phys_lock', `vm${vmId}`, host.trace, true),
    rmaSetupDone: false,
    rma: null,
    lpcr: initLpcr(c.cpu),
    rmor: 0n,
    ...kvmppcAllocHpt(),
  },
});

/**
 * kvmppc_core_destroy_vm(): the HPT is freed before the pages are unpinned, so that no
 * valid HPTE ever maps a page that was put (no vCPU runs any more either way).
 */
export function* kvmppcDestroyVm(kvm: KvmPpc): Gen<void> {
  yield* waitForUsers(kvm);
  kvm.vcpus.clear();
  kvmppcFreeHpt(kvm);
  for (let slot = 0; slot < KVM_MEM_SLOTS_NUM; slot++) yield* unpinSlot(kvm, slot as SlotId);
  if (kvm.arch.rma) kvmReleaseRma(kvm.arch.rma);
  kvm.arch.rma = null;
  kvm.memslots.length = 0;
  kvm.host.trace.emit({ ev: 'kvmDestroyVm', vm: kvm.vmId });
}

/** __kvm_set_memory_region() on a PPC VM: 0 or a negative errno */
/** kvm_set_memory_region(): __kvm_set_memory_region under kvm->slots_lock */
export function* kvmppcSetMemoryRegion(kvm: KvmPpc, id: SlotId, base: Gfn, npages: number): Gen<number> {
  const tid = kvm.host.current;
  yield* kvm.slotsLock.lock(tid);
  try {
    return yield* setMemoryRegionLocked(kvm, id, base, npages);
  } finally {
    kvm.slotsLock.unlock(tid);
  }
}

function* setMemoryRegionLocked(kvm: KvmPpc, id: SlotId, base: Gfn, npages: number): Gen<number> {
  const bad = kvmCheckMemoryRegion(kvm.memslots, id, base, npages);
  if (bad) return bad;
  const old = kvm.memslots.find((s) => s.id === id);
  if (!npages) {
    if (!old) return 0;
    // no new HPTE can point into the slot once it is gone from memslots, and its HPTEs go in
    // the same step (as on a move, below); its pages are unpinned once no reader remains
    kvm.memslots.splice(kvm.memslots.indexOf(old), 1);
    kvmppcFlushHptes(kvm, old.baseGfn * 4096, (old.baseGfn + old.npages) * 4096);
    yield* kvm.srcu.synchronize();
    yield* unpinSlot(kvm, id);
    return 0;
  }
  const slot = { id, baseGfn: base, npages, userspaceAddr: slotUserspaceAddr(kvm.vmId, id) };
  const r = yield* kvmppcCorePrepareMemoryRegion(kvm, slot);
  if (r) return r;
  if (!old) kvm.memslots.push(slot);
  else if (old.baseGfn !== base) {
    // a moved slot keeps its pins, but no HPTE may keep mapping its old addresses. They go
    // as it moves, in one step: kvmppc_h_enter looks the memslot up and inserts without
    // sleeping, so an HPTE inserted after translated through the moved slot and stays (even
    // where the old and new ranges overlap), and none from before outlives the move
    kvmppcFlushHptes(kvm, old.baseGfn * 4096, (old.baseGfn + old.npages) * 4096);
    old.baseGfn = base;
    yield* kvm.srcu.synchronize();
  }
  return 0;
}

export const kvmppcVcpuCreate = (kvm: KvmPpc, id: VcpuId): void => {
  kvm.vcpus.set(id, { vcpuId: id, kvm });
};

/** kvmppc_vcpu_run(): the first run sets up the RMO/VRMA, then the guest is entered */
export function* kvmppcVcpuRun(vcpu: KvmPpcVcpu): Gen<number> {
  const kvm = vcpu.kvm;
  if (!kvm.arch.rmaSetupDone) {
    const r = yield* kvmppcHvSetupRma(vcpu);
    if (r) return r;
  }
  kvm.host.trace.emit({ ev: 'kvmppcEntry', tid: kvm.host.current as ThreadId, vm: kvm.vmId, vcpu: vcpu.vcpuId });
  return 0;
}
