/**
 * Conformance compares only the parts of the abstract state the implementation can show
 * (capabilities.abstract). Both sides are cut to those parts before comparing, and the
 * parts left out are reported as not compared.
 */
import { ABSTRACT_PARTS, type AbstractPart, type AbstractState, type AbstractVcpu, type AbstractVm } from '../api/abstract.js';

/** A cut of the abstract state; fields of parts not shown are absent. */
export type Projected = Record<string, unknown>;

const vcpuPart = (v: AbstractVcpu, has: (p: AbstractPart) => boolean): Projected => ({
  vcpu: v.vcpu,
  ...(has('registers') && { cr0: v.cr0, cr3: v.cr3, cr4: v.cr4, efer: v.efer }),
  ...(has('asyncPf') && { asyncPf: v.asyncPf, apfHalted: v.apfHalted }),
});

const vmPart = (vm: AbstractVm, has: (p: AbstractPart) => boolean): Projected => ({
  vm: vm.vm,
  ...(has('nrMmuPages') && { nrMmuPages: vm.nrMmuPages }),
  ...(has('slots') && { slots: vm.slots }),
  ...(has('vcpus') && { vcpus: vm.vcpus.map((v) => vcpuPart(v, has)) }),
  ...(has('ppc') && vm.ppc && { ppc: vm.ppc }),
  ...(has('swappedOut') && { swappedOut: vm.swappedOut }),
});

/** `s` with only the parts in `parts`; the identity (same object) when every part is shown. */
export const projectAbstract = (s: AbstractState, parts: ReadonlySet<AbstractPart>): AbstractState | Projected => {
  if (ABSTRACT_PARTS.every((p) => parts.has(p))) return s;
  const has = (p: AbstractPart) => parts.has(p);
  return {
    ...(has('host') && { host: s.host }),
    ...(has('vms') && { vms: s.vms.map((vm) => vmPart(vm, has)) }),
  };
};

/** The parts conformance cannot compare for this implementation. */
export const partsNotCompared = (parts: ReadonlySet<AbstractPart>): AbstractPart[] => ABSTRACT_PARTS.filter((p) => !parts.has(p));
