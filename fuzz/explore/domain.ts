/**
 * The small scope explore enumerates (Jackson's small-scope hypothesis): a few starting
 * points, each a host and a prelude, and a finite alphabet of operations with one or two
 * values each, picked at the boundaries the rules of SPEC.md care about (named with each
 * operation below), not by what a mutant breaks. One VM, one memory slot, one vCPU on x86
 * and two on PPC (whose rules are about two vCPUs pinning one page), and the gfns the
 * synthetic guest tables map.
 */
import type { HostConfig, Op, PpcHvConfig } from '../../api/ops.js';
import type { Gfn, Gpa, Gva, SlotId, VcpuId, VmId } from '../../api/ids.js';

export interface Domain {
  readonly name: string;
  readonly config: HostConfig;
  /** run before the body, on thread 0 (not counted in the depth) */
  readonly prelude: readonly Op[];
  /** every operation the body is made of */
  readonly alphabet: readonly Op[];
}

const vm = 0 as VmId;
const vcpu0 = 0 as VcpuId;
const slot0 = 0 as SlotId;

/**
 * x86: a VM with 32 pages at gfn 0 and vCPU 0 with paging on (its tables at gfn 0, so
 * gva 0x1000 maps gfn 1, see the README's guest page-table layout).
 */
const x86Prelude: readonly Op[] = [
  { kind: 'createVm', vm },
  { kind: 'setMemoryRegion', vm, slot: slot0, gfn: 0 as Gfn, npages: 32 },
  { kind: 'createVcpu', vm, vcpu: vcpu0 },
  { kind: 'setCr', vm, vcpu: vcpu0, reg: 'cr0', value: 0x80000001 },
];

const x86Alphabet = (c: HostConfig): Op[] => [
  // ROOT_VALID_AT_ENTRY, FAILED_LOAD_NO_ENTRY: entries, with and without a guest access (a fault, async when its page is out)
  { kind: 'run', vm, vcpu: vcpu0, access: null },
  { kind: 'run', vm, vcpu: vcpu0, access: { gva: 0x1000 as Gva, write: true }, interruptsAllowed: true },
  // a memslot delete and its re-creation: each zaps every root (LOCK_HELD: under mmap_sem for write)
  { kind: 'setMemoryRegion', vm, slot: slot0, gfn: 0 as Gfn, npages: 0 },
  { kind: 'setMemoryRegion', vm, slot: slot0, gfn: 0 as Gfn, npages: 32 },
  // a context switch (the root must be rebuilt for the new cr3) and INIT
  { kind: 'setCr', vm, vcpu: vcpu0, reg: 'cr3', value: 0x1000 },
  { kind: 'resetVcpu', vm, vcpu: vcpu0 },
  // the emulator: a write to the page-table page (zaps the shadow page of it), a cmpxchg at a gva not present (its error path)
  { kind: 'emulate', vm, vcpu: vcpu0, access: 'write', gva: 0x0 as Gva },
  { kind: 'emulate', vm, vcpu: vcpu0, access: 'cmpxchg', gva: 0x40000 as Gva },
  // a guest walk for userspace (LOCK_HELD)
  { kind: 'translate', vm, vcpu: vcpu0, gva: 0x1000 as Gva },
  // async page faults (APF_*): the page behind gva 0x1000 swapped out, then its work done
  { kind: 'swapOut', vm, gfn: 1 as Gfn },
  { kind: 'asyncPfDone', vm, vcpu: vcpu0, gfn: 1 as Gfn },
  // the module lifecycle (SETUP_ORDER, SETUP_BALANCED), an allocation failing in root load and in MMU setup
  { kind: 'moduleUnload' },
  { kind: 'moduleLoad', vendor: c.vendor, tdp: c.tdp },
  { kind: 'failAlloc', site: 'mmuTopup', count: 1 },
  { kind: 'failAlloc', site: 'percpuCounter', count: 1 },
  // ROOTS_FREED_ONCE: none live after the VM is gone
  { kind: 'destroyVm', vm },
];

const x86 = (vendor: 'vmx' | 'svm', tdp: boolean): Domain => {
  const config: HostConfig = { vendor, tdp };
  return { name: `x86-${vendor}-${tdp ? 'tdp' : 'shadow'}`, config, prelude: x86Prelude, alphabet: x86Alphabet(config) };
};

/**
 * PPC HV: a POWER7 VM with 16 MB RAM pages, one RAM page at gpa 0 whose host memory is
 * mapped, and two vCPUs that have not run (their first runs set up the VRMA); or a PPC970,
 * whose slot at gpa 0 is a 64 MB preallocated RMA (used as RMO: RMO_NEVER_PUT).
 */
const ppc = (cpu: PpcHvConfig['cpu']): Domain => {
  const c: PpcHvConfig = { cpu, ramPorder: 24 };
  const ram = 2 ** 24;
  const ramGfns = ram >> 12;
  const pages = cpu === 'ppc970' ? 4 : 1;
  const vcpus = [0, 1].map((v) => v as VcpuId);
  const backing: Op = cpu === 'ppc970' ? { kind: 'allocRma', vm, slot: slot0 } : { kind: 'mapHostMemory', vm, slot: slot0, pageShift: 24, pages };
  const prelude: Op[] = [
    { kind: 'createVm', vm, ppc: c },
    { kind: 'setMemoryRegion', vm, slot: slot0, gfn: 0 as Gfn, npages: pages * ramGfns },
    backing,
    ...vcpus.map((v): Op => ({ kind: 'createVcpu', vm, vcpu: v })),
  ];
  const hEnter = (v: VcpuId, pteIndex: number): Op => ({ kind: 'hEnter', vm, vcpu: v, pteIndex, exact: false, gpa: 0 as Gpa, pageShift: 24 });
  const alphabet: Op[] = [
    // first runs (RMA_ONCE) from either vCPU
    ...vcpus.map((v): Op => ({ kind: 'run', vm, vcpu: v, access: null })),
    // H_ENTER of RAM page 0 from either vCPU: the lazy pin (PIN_ONCE, HPTE_BACKED)
    hEnter(vcpus[0]!, 0),
    hEnter(vcpus[1]!, 8),
    // the slot deleted (unpin_slot: NO_PIN_AFTER_UNPIN, RMO_NEVER_PUT) and created again (LAZY_PIN)
    { kind: 'setMemoryRegion', vm, slot: slot0, gfn: 0 as Gfn, npages: 0 },
    { kind: 'setMemoryRegion', vm, slot: slot0, gfn: 0 as Gfn, npages: pages * ramGfns },
    // the host memory behind it unmapped and mapped again
    { kind: 'unmapHostMemory', vm, slot: slot0 },
    backing,
    { kind: 'destroyVm', vm },
  ];
  return { name: `ppc-${cpu}`, config: { vendor: 'vmx', tdp: true }, prelude, alphabet };
};

/** every starting point, in the order explore takes them */
export const DOMAINS: readonly Domain[] = [x86('vmx', true), x86('vmx', false), x86('svm', true), x86('svm', false), ppc('power7'), ppc('ppc970')];
