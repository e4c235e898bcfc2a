/**
 * The per-vCPU hash of gfns that have async work outstanding, so a second fault on one
 * is recognised (the doublefault). Open addressing with linear probing; deletion moves
 * later entries back so no probe chain breaks.
 * @see arch/x86/kvm/x86.c kvm_add_async_pf_gfn(), kvm_del_async_pf_gfn()
 */
import type { Gfn } from '../../api/ids.js';
import type { KvmVcpu } from '../x86/structs.js';
import { ASYNC_PF_PER_VCPU } from './structs.js';

const FREE = ~0;
const GOLDEN_RATIO_32 = 0x61c88647;
const BITS = Math.log2(ASYNC_PF_PER_VCPU);

/** hash_32(gfn, order_base_2(ASYNC_PF_PER_VCPU)) */
const kvmAsyncPfHashFn = (gfn: number): number => Math.imul(gfn, GOLDEN_RATIO_32) >>> (32 - BITS);

const kvmAsyncPfNextProbe = (key: number): number => (key + 1) & (ASYNC_PF_PER_VCPU - 1);

export const kvmAsyncPfHashReset = (vcpu: KvmVcpu): void => {
  vcpu.apf.gfns.fill(FREE);
};

export const kvmAddAsyncPfGfn = (vcpu: KvmVcpu, gfn: Gfn): void => {
  const gfns = vcpu.apf.gfns;
  let key = kvmAsyncPfHashFn(gfn);
  while (gfns[key] !== FREE) key = kvmAsyncPfNextProbe(key);
  gfns[key] = gfn;
};

/** the slot holding gfn, or the free slot where the search stopped */
const kvmAsyncPfGfnSlot = (vcpu: KvmVcpu, gfn: Gfn): number => {
  const gfns = vcpu.apf.gfns;
  let key = kvmAsyncPfHashFn(gfn);
  for (let i = 0; i < ASYNC_PF_PER_VCPU && gfns[key] !== gfn && gfns[key] !== FREE; i++) key = kvmAsyncPfNextProbe(key);
  return key;
};

export const kvmFindAsyncPfGfn = (vcpu: KvmVcpu, gfn: Gfn): boolean => vcpu.apf.gfns[kvmAsyncPfGfnSlot(vcpu, gfn)] === gfn;

export const kvmDelAsyncPfGfn = (vcpu: KvmVcpu, gfn: Gfn): void => {
  const gfns = vcpu.apf.gfns;
  let i = kvmAsyncPfGfnSlot(vcpu, gfn);
  let j = i;
  for (;;) {
    gfns[i] = FREE;
    let k: number;
    do {
      j = kvmAsyncPfNextProbe(j);
      if (gfns[j] === FREE) return;
      k = kvmAsyncPfHashFn(gfns[j]!);
      // an entry may move back to i only if its home k does not lie cyclically in ]i, j]
    } while (i <= j ? i < k && k <= j : i < k || k <= j);
    gfns[i] = gfns[j]!;
    i = j;
  }
};
