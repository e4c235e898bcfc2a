/**
 * The guest's real-mode area, set up on the first vCPU run under kvm->lock: an RMO when a
 * preallocated RMA (the kvm_rma file) is mapped behind the memslot at gpa 0, else a VRMA
 * on POWER7; PPC970 needs an RMO. rma_setup_done is published after the state it guards.
 * @see arch/powerpc/kvm/book3s_hv.c kvmppc_hv_setup_rma(), kvm_alloc_rma(),
 * book3s_64_mmu_hv.c kvmppc_map_vrma()
 */
import type { ThreadId } from '../../api/ids.js';
import { PAGE_SHIFT } from '../../api/ids.js';
import { EINVAL, EPERM } from '../../api/errno.js';
import { H_SUCCESS } from '../../api/hcall.js';
import type { KvmHost } from '../host.js';
import type { Gen } from '../preempt.js';
import type { RmaFile } from '../mm/mm.js';
import type { KvmPpcMemslot, KvmPpcVcpu, KvmRmaInfo } from './structs.js';
import { gfnToMemslot } from './structs.js';
import { hex, lpcrRmls, rmoLpcr, vrmaLpcr } from './lpcr.js';
import { HPTE_R_C, HPTE_R_M, HPTE_R_R, HPTE_V_1TB_SEG, HPTE_V_BOLTED, HPTE_V_LARGE, HPTE_V_VALID, HPT_HASH_MASK, HPT_NPTEG, H_EXACT, PP_RWXX, hpteLpBits } from './hpt.js';
import { kvmppcVirtmodeHEnter } from './h-enter.js';
import { setSlotPhys } from './slot-phys.js';

/** kvm_rma_size: every preallocated RMA is 64 MB, mapped with 16 MB pages */
export const KVM_RMA_SIZE = 64 << 20;
export const KVM_RMA_PAGE_SHIFT = 24;
/** the VSID reserved for the VRMA's 1 TB segment */
const VRMA_VSID = 0x1ffffffn;

/** kvm_alloc_rma(): one of the RMAs set aside at boot, or null when none is left */
export const kvmAllocRma = (host: KvmHost): KvmRmaInfo | null => {
  if (host.faults.shouldFail('rma')) return null;
  const pages = Array.from({ length: KVM_RMA_SIZE >> KVM_RMA_PAGE_SHIFT }, () => host.mm.phys.alloc(KVM_RMA_PAGE_SHIFT - PAGE_SHIFT));
  return { basePfn: pages[0]!.pfn, npages: KVM_RMA_SIZE >> PAGE_SHIFT, pages, useCount: 1 };
};

/** kvm_release_rma(): the last user gives it back (its memory is not reused here) */
export const kvmReleaseRma = (ri: KvmRmaInfo): void => {
  if (--ri.useCount < 0) throw new Error('BUG: kvm_release_rma of an RMA nobody holds');
};

/** the kvm_rma file as mmap sees it */
export const rmaFile = (ri: KvmRmaInfo): RmaFile => ({ ri, release: () => kvmReleaseRma(ri) });

/** kvmppc_map_vrma(): one bolted HPTE per RAM page, through virtual-mode H_ENTER */
function* kvmppcMapVrma(vcpu: KvmPpcVcpu, memslot: KvmPpcMemslot): Gen<void> {
  const arch = vcpu.kvm.arch;
  const porder = BigInt(arch.ramPorder);
  const npages = Math.min(arch.slotNpages[memslot.id]!, 2 ** (40 - arch.ramPorder), HPT_NPTEG);
  for (let i = 0n; i < BigInt(npages); i++) {
    // VRMA_VSID ^ (VRMA_VSID << 25) is all ones in the hash bits: the hash is ~i
    const hash = (i ^ (VRMA_VSID ^ (VRMA_VSID << 25n))) & HPT_HASH_MASK;
    const v = HPTE_V_1TB_SEG | (VRMA_VSID << 24n) | (i << (porder - 16n)) | HPTE_V_BOLTED | HPTE_V_LARGE | HPTE_V_VALID;
    const r = (i << porder) | hpteLpBits(arch.ramPorder) | HPTE_R_R | HPTE_R_C | HPTE_R_M | PP_RWXX;
    const ret = yield* kvmppcVirtmodeHEnter(vcpu, H_EXACT, Number((hash << 3n) + 7n), v, r);
    if (ret.ret !== H_SUCCESS) break; // pr_err("KVM: map_vrma at %lx failed")
  }
}

/** kvmppc_hv_setup_rma(): 0, or the errno the first KVM_RUN returns */
export function* kvmppcHvSetupRma(vcpu: KvmPpcVcpu): Gen<number> {
  const kvm = vcpu.kvm;
  const { arch, host } = kvm;
  const tid = host.current;
  const ids = { tid: tid as ThreadId, vm: kvm.vmId };
  yield* kvm.lock.lock(tid);
  // the memslot at gpa 0 stays what we found while we use it (as kvmppc_hv_setup_htab_rma does)
  kvm.srcu.readLock(tid);
  const err = yield* setupLocked();
  kvm.srcu.readUnlock(tid);
  kvm.lock.unlock(tid);
  return err;

  function* setupLocked(): Gen<number> {
    if (arch.rmaSetupDone && !host.mutants.rmaNoRecheck) return 0; // another vCPU beat us to it
    const memslot = gfnToMemslot(kvm, 0);
    if (!memslot) return EINVAL;
    const hva = memslot.userspaceAddr;
    yield* host.mmapSem.downRead(tid);
    const vma = host.mm.findVma(hva);
    const usable = vma !== undefined && vma.start <= hva && 2 ** vma.pageShift === arch.ramPsize;
    const ri = usable && vma.rma && hva === vma.start ? vma.rma.ri : null;
    host.mmapSem.upRead(tid);
    if (!usable) return EINVAL;
    if (!ri) {
      if (kvm.cpu === 'ppc970') return EPERM; // "KVM: CPU requires an RMO"
      host.trace.emit({ ev: 'kvmppcRmaSetup', ...ids, mode: 'vrma', basePfn: 0, npages: 0 });
      arch.lpcr = vrmaLpcr(arch.lpcr);
      host.trace.emit({ ev: 'kvmppcSetLpcr', ...ids, lpcr: hex(arch.lpcr), rmor: hex(arch.rmor) });
      yield* kvmppcMapVrma(vcpu, memslot);
    } else {
      const rmaSize = Math.min(ri.npages, memslot.npages) * 2 ** PAGE_SHIFT;
      const rmls = lpcrRmls(kvm.cpu, rmaSize);
      if (rmls < 0) return EINVAL; // "KVM: Can't use RMA of 0x%lx bytes"
      ri.useCount++;
      arch.rma = ri;
      host.trace.emit({ ev: 'kvmppcRmaSetup', ...ids, mode: 'rmo', basePfn: ri.basePfn, npages: rmaSize / 2 ** PAGE_SHIFT });
      arch.lpcr = rmoLpcr(kvm.cpu, arch.lpcr, rmls, ri.basePfn);
      if (kvm.cpu === 'power7') arch.rmor = BigInt(ri.basePfn) << BigInt(PAGE_SHIFT);
      host.trace.emit({ ev: 'kvmppcSetLpcr', ...ids, lpcr: hex(arch.lpcr), rmor: hex(arch.rmor) });
      const step = arch.ramPsize >> PAGE_SHIFT;
      yield* arch.slotPhysLock.lock(tid);
      // kvm->lock does not hold off memslot updates: the slot may have been deleted (and
      // its slot_phys released) while we slept; then there is nothing to record
      const physp = kvm.memslots.includes(memslot) ? arch.slotPhys[memslot.id] : null;
      for (let i = 0; physp && i < rmaSize / arch.ramPsize; i++) setSlotPhys(kvm, memslot.id, physp, i, ri.basePfn + i * step, false);
      arch.slotPhysLock.unlock(tid);
    }
    // smp_wmb(): lpcr and the RMO/VRMA before rma_setup_done
    arch.rmaSetupDone = true;
    host.trace.emit({ ev: 'kvmppcRmaSetupDone', ...ids });
    return 0;
  }
}
