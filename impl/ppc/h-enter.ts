/**
 * H_ENTER from the guest: the real-mode handler first; when it answers H_TOO_HARD the vCPU
 * exits to the host, where kvmppc_virtmode_h_enter pins the page and redoes the insert.
 * @see arch/powerpc/kvm/book3s_64_mmu_hv.c kvmppc_virtmode_h_enter(),
 * book3s_hv.c kvmppc_pseries_do_hcall()
 */
import type { Gpa, ThreadId } from '../../api/ids.js';
import { EAGAIN } from '../../api/errno.js';
import { H_PARAMETER, H_RESOURCE, H_TOO_HARD } from '../../api/hcall.js';
import type { Gen } from '../preempt.js';
import type { KvmPpcVcpu } from './structs.js';
import { gfnToMemslot } from './structs.js';
import { HPTE_R_M, HPTE_R_RPN, HPTE_V_LARGE, HPTE_V_VALID, H_EXACT, PP_RWXX, hpteLpBits, hptePageSize, kvmppcHEnter, type HEnterResult } from './hpt.js';
import { kvmppcGetGuestPage } from './slot-phys.js';

/** kvmppc_virtmode_h_enter(): in kernel context, where get_user_pages may sleep */
export function* kvmppcVirtmodeHEnter(vcpu: KvmPpcVcpu, flags: bigint, pteIndex: number, pteh: bigint, ptel: bigint): Gen<HEnterResult> {
  const kvm = vcpu.kvm;
  const psize = hptePageSize(kvm, pteh, ptel);
  if (!psize) return { ret: H_PARAMETER, index: null };
  const gfn = Number((ptel & HPTE_R_RPN & ~(psize - 1n)) >> 12n);
  for (;;) {
    const memslot = gfnToMemslot(kvm, gfn);
    if (!memslot) return { ret: H_PARAMETER, index: null };
    const r = yield* kvmppcGetGuestPage(kvm, gfn, memslot);
    if (r === EAGAIN) continue; // the slot went away while we slept: look again
    if (r < 0) return { ret: H_PARAMETER, index: null };
    break;
  }
  // preempt_disable(): from here to the insert no other thread runs on this CPU
  const ret = kvmppcHEnter(vcpu, flags, pteIndex, pteh, ptel);
  return ret.ret === H_TOO_HARD ? { ret: H_RESOURCE, index: null } : ret;
}

/** The HPTE the guest passes: its page size encoded, the address rounded down to it. */
export const guestHpte = (gpa: Gpa, pageShift: number): { pteh: bigint; ptel: bigint } => {
  const large = pageShift !== 12;
  const rpn = BigInt(gpa) & ~((1n << BigInt(pageShift)) - 1n);
  return {
    pteh: (large ? HPTE_V_LARGE : 0n) | HPTE_V_VALID,
    ptel: rpn | (large ? hpteLpBits(pageShift) : 0n) | HPTE_R_M | PP_RWXX,
  };
};

/** The guest's H_ENTER hcall and what it finds in r3/r4 when it resumes. */
export function* guestHEnter(vcpu: KvmPpcVcpu, pteIndex: number, exact: boolean, gpa: Gpa, pageShift: number): Gen<HEnterResult> {
  const kvm = vcpu.kvm;
  const { pteh, ptel } = guestHpte(gpa, pageShift);
  const flags = exact ? H_EXACT : 0n;
  const trace = (mode: 'real' | 'virtual', ret: number) =>
    kvm.host.trace.emit({ ev: 'kvmppcHcall', tid: kvm.host.current as ThreadId, vm: kvm.vmId, vcpu: vcpu.vcpuId, hcall: 'H_ENTER', mode, ret });
  const real = kvmppcHEnter(vcpu, flags, pteIndex, pteh, ptel);
  trace('real', real.ret);
  if (real.ret !== H_TOO_HARD) return real;
  const virt = yield* kvmppcVirtmodeHEnter(vcpu, flags, pteIndex, pteh, ptel);
  trace('virtual', virt.ret);
  return virt;
}
