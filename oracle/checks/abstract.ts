/**
 * Every field of the abstract state, by path, with the part an implementation declares to
 * have it compared (capabilities.abstract). Conformance compares each after every operation
 * when its part is declared, and lists the part as not compared otherwise.
 */
import type { AbstractPart } from '../../api/abstract.js';

export interface AbstractCheck {
  readonly part: AbstractPart;
  readonly what: string;
}

const f = (part: AbstractPart, what: string): AbstractCheck => ({ part, what });

export const ABSTRACT_CHECKS: Readonly<Record<string, AbstractCheck>> = {
  'host.loaded': f('host', 'the vendor module is loaded with setup complete'),
  'host.vendor': f('host', 'which vendor'),
  'host.tdp': f('host', 'two-dimensional paging'),
  'host.spte': f('host', 'the spte layout the PTE masks describe (seed 002)'),
  'vms[].vm': f('vms', 'which VMs exist'),
  'vms[].nrMmuPages': f('nrMmuPages', 'the shadow-page budget userspace set'),
  'vms[].slots[].slot': f('slots', 'which memslots exist'),
  'vms[].slots[].gfn': f('slots', 'where each starts'),
  'vms[].slots[].npages': f('slots', 'its size'),
  'vms[].slots[].flags': f('slots', 'KVM_MEM_* flags (dirty logging)'),
  'vms[].vcpus[].vcpu': f('vcpus', 'which x86 vCPUs exist'),
  'vms[].vcpus[].cr0': f('registers', 'control registers after their checks'),
  'vms[].vcpus[].cr3': f('registers', ''),
  'vms[].vcpus[].cr4': f('registers', ''),
  'vms[].vcpus[].efer': f('registers', ''),
  'vms[].vcpus[].asyncPf': f('asyncPf', 'gfns of the async works not yet delivered (seed 001)'),
  'vms[].vcpus[].apfHalted': f('asyncPf', 'halted after a doublefault'),
  'vms[].ppc.cpu': f('ppc', 'POWER7 or PPC970'),
  'vms[].ppc.ramPorder': f('ppc', 'RAM page size'),
  'vms[].ppc.vcpus': f('ppc', 'which PPC vCPUs exist'),
  'vms[].ppc.rma': f('ppc', 'real-mode area set up: none, RMO or VRMA (seed 004)'),
  'vms[].ppc.phys[].slot': f('ppc', 'known slot_phys entries: pinned pages and RMO pages per slot'),
  'vms[].ppc.phys[].page': f('ppc', ''),
  'vms[].ppc.phys[].kind': f('ppc', ''),
  'vms[].ppc.hptes[].index': f('ppc', 'valid HPTEs with the gpa each maps'),
  'vms[].ppc.hptes[].gpa': f('ppc', ''),
  'vms[].swappedOut': f('swappedOut', 'guest frames whose host page is swapped out'),
};

/** Not in the abstract state on purpose (the implementation's freedom). */
export const LEFT_OUT: readonly string[] = [
  'whether a root is loaded between operations: entries and results obey the rules either way (ROOT_VALID_AT_ENTRY judges every entry)',
  'how many injected allocation failures are pending: their effect shows in the results',
  'the LPCR/HID4 and RMOR values: they hold the RMA\'s host address, which the model does not know; RMA_LPCR checks them in the trace',
];
