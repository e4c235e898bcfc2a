/**
 * The emulator's memory callbacks and KVM_TRANSLATE, with seed 003's locking: guest walks
 * and guest memory accesses under mmap_sem for read, shadow-page updates under kvm->lock.
 * @see arch/x86/kvm/x86.c emulator_read_emulated(), emulator_write_emulated(),
 *      emulator_cmpxchg_emulated(), kvm_arch_vcpu_ioctl_translate()
 */
import type { EmulatedAccess } from '../../api/ops.js';
import type { Gfn } from '../../api/ids.js';
import type { Result } from '../../api/results.js';
import type { Gen } from '../preempt.js';
import type { Kvm, KvmVcpu } from './structs.js';
import { walkGfn as walkAddr } from './paging-tmpl.js';
import { isPaging } from './cpu.js';
import { gfnToMemslot } from './memslots.js';
import { markPageDirty } from './dirty-log.js';
import { kvmMmuZapPage } from './mmu-page.js';
import { KVM_NUM_MMU_PAGES_HASH } from './mmu-page.js';

type Emulated = Extract<Result, { kind: 'emulated' }>;
const CONTINUE: Emulated = { kind: 'emulated', outcome: 'continue' };
const PROPAGATE_FAULT: Emulated = { kind: 'emulated', outcome: 'propagateFault' };

/** vcpu->arch.mmu.gva_to_gpa() under mmap_sem for read: the gfn, or null (UNMAPPED_GVA) */
function* gvaToGfn(vcpu: KvmVcpu, gva: number): Gen<Gfn | null> {
  const mm = vcpu.kvm.host.mmapSem;
  const tid = vcpu.kvm.host.current;
  yield* mm.downRead(tid);
  const g = yield* walkAddr(vcpu, gva);
  mm.upRead(tid);
  return g;
}

/**
 * kvm_read_guest / kvm_write_guest of one page, the caller holding mmap_sem. `log`: a
 * write through kvm_write_guest is logged (mark_page_dirty); the cmpxchg fast path's
 * kvm_release_page_dirty() only dirties the struct page.
 */
function* kvmGuestPageAccess(kvm: Kvm, gfn: Gfn, write: boolean, log = write): Gen<boolean> {
  yield { at: 'guestMem' };
  kvm.host.trace.emit({ ev: 'kvmGuestMem', vm: kvm.vmId, what: write ? 'write' : 'read', gfn });
  if (!gfnToMemslot(kvm, gfn)) return false;
  if (log) markPageDirty(kvm, gfn);
  return true;
}

/** kvm_mmu_pte_write(): the guest wrote a page it may use as a page table; zap its shadows */
function* kvmMmuPteWrite(kvm: Kvm, gfn: Gfn): Gen<void> {
  const tid = kvm.host.current;
  yield* kvm.lock.lock(tid);
  for (const sp of [...(kvm.mmuPageHash.get(gfn % KVM_NUM_MMU_PAGES_HASH) ?? [])]) {
    if (sp.gfn === gfn && !sp.role.direct && !sp.role.invalid) kvmMmuZapPage(kvm, sp);
  }
  kvm.lock.unlock(tid);
}

/** vcpu_find_mmio_dev() under kvm->lock: no in-kernel device here, so always a user exit */
function* mmioExit(vcpu: KvmVcpu, gfn: Gfn, gva: number): Gen<Emulated> {
  const tid = vcpu.kvm.host.current;
  yield* vcpu.kvm.lock.lock(tid);
  vcpu.kvm.lock.unlock(tid);
  return { kind: 'emulated', outcome: 'mmio', gpa: (gfn * 4096 + (gva % 4096)) as never };
}

function* emulatorReadEmulated(vcpu: KvmVcpu, gva: number): Gen<Emulated> {
  const g = yield* gvaToGfn(vcpu, gva);
  if (g === null) return PROPAGATE_FAULT;
  const mm = vcpu.kvm.host.mmapSem;
  const tid = vcpu.kvm.host.current;
  // emulator_read_std: the walk again, and the read, under one down_read
  yield* mm.downRead(tid);
  const again = yield* walkAddr(vcpu, gva);
  const read = again !== null && (yield* kvmGuestPageAccess(vcpu.kvm, again, false));
  mm.upRead(tid);
  return read ? CONTINUE : yield* mmioExit(vcpu, g, gva);
}

function* emulatorWriteEmulated(vcpu: KvmVcpu, gva: number): Gen<Emulated> {
  const g = yield* gvaToGfn(vcpu, gva);
  if (g === null) return PROPAGATE_FAULT;
  const mm = vcpu.kvm.host.mmapSem;
  const tid = vcpu.kvm.host.current;
  // emulator_write_phys
  yield* mm.downRead(tid);
  const wrote = yield* kvmGuestPageAccess(vcpu.kvm, g, true);
  if (wrote) yield* kvmMmuPteWrite(vcpu.kvm, g);
  mm.upRead(tid);
  return wrote ? CONTINUE : yield* mmioExit(vcpu, g, gva);
}

/** the 8-byte cmpxchg path: map the page and write it atomically, then the common write */
function* emulatorCmpxchgEmulated(vcpu: KvmVcpu, gva: number): Gen<Emulated> {
  const mm = vcpu.kvm.host.mmapSem;
  const tid = vcpu.kvm.host.current;
  yield* mm.downRead(tid);
  const g = yield* walkAddr(vcpu, gva);
  if (g === null || !gfnToMemslot(vcpu.kvm, g)) {
    // goto emul_write; the mutant's label sits after up_read, as before seed 003
    if (!vcpu.kvm.host.mutants.cmpxchgLockLeak) mm.upRead(tid);
    return yield* emulatorWriteEmulated(vcpu, gva);
  }
  yield* kvmGuestPageAccess(vcpu.kvm, g, true, false);
  mm.upRead(tid);
  return yield* emulatorWriteEmulated(vcpu, gva);
}

export const emulate = (vcpu: KvmVcpu, access: EmulatedAccess, gva: number): Gen<Emulated> =>
  access === 'read' ? emulatorReadEmulated(vcpu, gva) : access === 'write' ? emulatorWriteEmulated(vcpu, gva) : emulatorCmpxchgEmulated(vcpu, gva);

/** KVM_TRANSLATE */
export function* kvmArchVcpuIoctlTranslate(vcpu: KvmVcpu, gva: number): Gen<Result> {
  // nonpaging_gva_to_gpa(): the whole address, where a guest access would have 32 bits
  const g = isPaging(vcpu) ? yield* gvaToGfn(vcpu, gva) : (Math.floor(gva / 4096) as Gfn);
  return { kind: 'translation', gpa: g === null ? null : ((g * 4096 + (gva % 4096)) as never) };
}
