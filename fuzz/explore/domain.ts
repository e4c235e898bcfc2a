/**
 * The small scope explore enumerates (Jackson's small-scope hypothesis): a few starting
 * points, each a host and a prelude, and a finite alphabet of operations with one or two
 * values each, picked at the boundaries the rules of docs/SPEC.md care about (named with each
 * operation below), not by what a mutant breaks. One VM, one memory slot, one vCPU on x86
 * and two on PPC (whose rules are about two vCPUs pinning one page), and the gfns the
 * synthetic guest tables map.
 */
import { BadInput } from '../io.js';
import type { HostConfig, Op, PpcHvConfig } from '../../api/ops.js';
import type { Gfn, Gpa, Gva, SlotId, VcpuId, VmId } from '../../api/ids.js';

import type { Capabilities } from '../../api/protocol.js';
import { outOfReach, reachOf } from '../gen/reach.js';
import type { Bound } from './search.js';

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
 * gva 0x1000 maps gfn 1, see the guest page-table layout in docs/OPERATIONS.md).
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
 * mapped (its first run sets up the VRMA over it), or a PPC970 whose slot at gpa 0 is a
 * 64 MB preallocated RMA (used as RMO: RMO_NEVER_PUT); a second slot of one RAM page at
 * RAM page 4, mapped, which no first run pins (so its pin is the lazy one of H_ENTER); two
 * vCPUs that have not run.
 */
const ppc = (cpu: PpcHvConfig['cpu']): Domain => {
  const c: PpcHvConfig = { cpu, ramPorder: 24 };
  const ramGfns = 2 ** 24 >> 12;
  const pages = cpu === 'ppc970' ? 4 : 1;
  const lazy = 4;
  const slot1 = 1 as SlotId;
  const vcpus = [0, 1].map((v) => v as VcpuId);
  const backing: Op = cpu === 'ppc970' ? { kind: 'allocRma', vm, slot: slot0 } : { kind: 'mapHostMemory', vm, slot: slot0, pageShift: 24, pages };
  const region1: Op = { kind: 'setMemoryRegion', vm, slot: slot1, gfn: (lazy * ramGfns) as Gfn, npages: ramGfns };
  const map1: Op = { kind: 'mapHostMemory', vm, slot: slot1, pageShift: 24, pages: 1 };
  const prelude: Op[] = [
    { kind: 'createVm', vm, ppc: c },
    { kind: 'setMemoryRegion', vm, slot: slot0, gfn: 0 as Gfn, npages: pages * ramGfns },
    backing,
    region1,
    map1,
    ...vcpus.map((v): Op => ({ kind: 'createVcpu', vm, vcpu: v })),
  ];
  const hEnter = (v: VcpuId, pteIndex: number): Op => ({ kind: 'hEnter', vm, vcpu: v, pteIndex, exact: false, gpa: (lazy * 2 ** 24) as Gpa, pageShift: 24 });
  const alphabet: Op[] = [
    // first runs (RMA_ONCE) from either vCPU
    ...vcpus.map((v): Op => ({ kind: 'run', vm, vcpu: v, access: null })),
    // H_ENTER of the second slot's page from either vCPU: the lazy pin (PIN_ONCE, HPTE_BACKED)
    hEnter(vcpus[0]!, 0),
    hEnter(vcpus[1]!, 8),
    // that slot deleted (unpin_slot: NO_PIN_AFTER_UNPIN) and created again (LAZY_PIN)
    { kind: 'setMemoryRegion', vm, slot: slot1, gfn: (lazy * ramGfns) as Gfn, npages: 0 },
    region1,
    // its host memory unmapped and mapped again (a pin must find what is mapped now)
    { kind: 'unmapHostMemory', vm, slot: slot1 },
    map1,
    // the slot at gpa 0 deleted: its RMO or VRMA pages unpinned (RMO_NEVER_PUT)
    { kind: 'setMemoryRegion', vm, slot: slot0, gfn: 0 as Gfn, npages: 0 },
    { kind: 'destroyVm', vm },
  ];
  return { name: `ppc-${cpu}`, config: { vendor: 'vmx', tdp: true }, prelude, alphabet };
};

/** every starting point, in the order explore takes them */
export const DOMAINS: readonly Domain[] = [x86('vmx', true), x86('vmx', false), x86('svm', true), x86('svm', false), ppc('power7'), ppc('ppc970')];

/** the README's default: about two minutes on two cores (npm run explore-costs) */
export const DEFAULT_BOUND: Bound = { depth: 4, threads: 2, preemptions: 1 };

/**
 * The domains an explore runs: those the implementation can run (its platforms, hosts and
 * operations, as fuzz's generator reach says), each alphabet cut to its operations;
 * `--domains` picks some by name prefix.
 */

export const domainsFor = (caps: Capabilities, spec: string, pick?: string | true): Domain[] => {
  if (pick === true) throw new BadInput('--domains needs a value');
  const names = pick?.split(',').map((s) => s.trim()).filter(Boolean);
  for (const n of names ?? []) if (!DOMAINS.some((d) => d.name.startsWith(n))) throw new BadInput(`--domains: no domain is named ${JSON.stringify(n)} (known: ${DOMAINS.map((d) => d.name).join(', ')})`);
  const reach = reachOf(caps, spec);
  const out = DOMAINS.filter((d) => !names || names.some((n) => d.name.startsWith(n)))
    .filter((d) => outOfReach({ config: d.config, ops: [...d.prelude] }, reach, spec) === null)
    .map((d) => ({ ...d, alphabet: d.alphabet.filter((op) => outOfReach({ config: d.config, ops: [op] }, reach, spec) === null) }));
  if (!out.length) throw new BadInput(`${spec} can run none of the domains${names ? ' asked for' : ''} (their prelude needs operations or hosts it does not declare)`);
  return out;
};
