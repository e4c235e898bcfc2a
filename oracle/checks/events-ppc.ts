/** Who checks the PPC HV memory tracepoints (seed 004). */
import { by, how, key, unchecked, type Check, type EventChecks } from './types.js';

type Kinds =
  | 'getPage' | 'putPage' | 'slotPhysAlloc' | 'slotPhysSet' | 'unpinSlot' | 'kvmppcRmaSetup' | 'kvmppcSetLpcr' | 'kvmppcRmaSetupDone'
  | 'hpteInsert' | 'hpteInvalidate' | 'kvmppcFreeHpt' | 'kvmppcEntry' | 'kvmppcHcall';

const tid: Check = key('the thread: its locks, its operation, whether it is inside unpin_slot');
const vm: Check = key('the VM');
const array: Check = how('a slot_phys array by address: live, or released by unpin_slot', 'NO_PIN_AFTER_UNPIN', 'PIN_ONCE', 'HPTE_BACKED');
const SLOT_PHYS = ['PIN_ONCE', 'NO_PIN_AFTER_UNPIN', 'HPTE_BACKED'] as const;

export const PPC_EVENT_CHECKS: EventChecks<Kinds> = {
  getPage: {
    by: ['LAZY_PIN', 'RMO_NEVER_PUT', 'PIN_ONCE'],
    fields: {
      tid, pfn: how('one reference per got-page entry; no pin inside KVM_SET_USER_MEMORY_REGION', 'PIN_ONCE', 'LAZY_PIN', 'RMO_NEVER_PUT'),
      count: unchecked('page_count also counts references outside KVM (the mapping\'s); PIN_ONCE counts KVM\'s own gets and puts instead'),
    },
  },
  putPage: {
    by: ['RMO_NEVER_PUT', 'PIN_ONCE', 'SLOT_PHYS_LOCKED'],
    fields: {
      tid, pfn: how('matches an earlier get; never an RMO page', 'PIN_ONCE', 'RMO_NEVER_PUT'),
      count: unchecked('as getPage\'s count'),
      dirty: how('unpin_slot marks the page dirty before the put', 'PIN_ONCE'),
    },
  },
  slotPhysAlloc: {
    by: ['NO_PIN_AFTER_UNPIN', 'PIN_ONCE', 'HPTE_BACKED'],
    fields: {
      tid, vm, slot: by(...SLOT_PHYS), array,
      npages: unchecked('the array\'s length; the pinned and RMO pages per slot are in the abstract state (ppc.phys)'),
    },
  },
  slotPhysSet: {
    by: ['LAZY_PIN', 'NO_PIN_AFTER_UNPIN', 'PIN_ONCE', 'SLOT_PHYS_LOCKED', 'HPTE_BACKED'],
    fields: {
      tid, vm, slot: by(...SLOT_PHYS), array, index: how('an entry is not overwritten while it holds a reference; the entries are in the abstract state (ppc.phys)', 'PIN_ONCE', 'CONFORMANCE'),
      pfn: how('pin counts; what an HPTE may map', 'PIN_ONCE', 'HPTE_BACKED'),
      gotPage: how('a reference held (pinned) or an RMO page', 'PIN_ONCE', 'LAZY_PIN', 'HPTE_BACKED', 'CONFORMANCE'),
    },
  },
  unpinSlot: {
    by: ['NO_PIN_AFTER_UNPIN', 'PIN_ONCE', 'HPTE_BACKED', 'SLOT_PHYS_LOCKED'],
    fields: {
      tid, vm, slot: unchecked('named in the complaints; the array is known by its address'), array,
      phase: how('begin under slot_phys_lock, puts dirty; end: the array is released', 'SLOT_PHYS_LOCKED', 'PIN_ONCE', 'NO_PIN_AFTER_UNPIN', 'HPTE_BACKED'),
    },
  },
  kvmppcRmaSetup: {
    by: ['RMO_NEVER_PUT', 'RMA_ONCE', 'RMA_LPCR', 'HPTE_BACKED'],
    fields: {
      tid: how('holds kvm->lock', 'RMA_ONCE'), vm,
      mode: how('once per VM; no VRMA on PPC970; the kind is in the abstract state (ppc.rma)', 'RMA_ONCE', 'RMA_LPCR', 'CONFORMANCE'),
      basePfn: how('the RMO pages: never put, may back HPTEs, RMOR points at them', 'RMO_NEVER_PUT', 'HPTE_BACKED', 'RMA_LPCR'),
      npages: how('a size lpcr_rmls accepts; the RMO range', 'RMA_LPCR', 'RMO_NEVER_PUT', 'HPTE_BACKED'),
    },
  },
  kvmppcSetLpcr: {
    by: ['RMA_ONCE', 'RMA_LPCR'],
    fields: {
      tid, vm, lpcr: how('virtual RMA mode at creation; the fields the setup writes; written before rma_setup_done', 'RMA_LPCR', 'RMA_ONCE'),
      rmor: how('optional: 0 at creation, the RMA\'s base for a POWER7 RMO', 'RMA_LPCR'),
    },
  },
  kvmppcRmaSetupDone: { by: ['RMA_ONCE'], fields: { tid: how('holds kvm->lock', 'RMA_ONCE'), vm: by('RMA_ONCE') } },
  hpteInsert: {
    by: ['HPTE_BACKED'],
    fields: {
      tid: unchecked('named in the complaint; any vCPU thread may insert'), vm, index: by('HPTE_BACKED', 'CONFORMANCE'),
      gpa: how('the page it maps is the one slot_phys holds for gpa; the valid HPTEs with their gpa are in the abstract state (ppc.hptes)', 'HPTE_BACKED', 'CONFORMANCE'),
      pfn: how('a pinned or RMO page: slot_phys\'s entry for gpa', 'HPTE_BACKED'),
    },
  },
  hpteInvalidate: { by: ['HPTE_BACKED'], fields: { tid: unchecked('not needed: any thread may invalidate'), vm, index: by('HPTE_BACKED', 'CONFORMANCE') } },
  kvmppcFreeHpt: { by: ['HPTE_BACKED'], fields: { tid: unchecked('not needed: any thread may free it'), vm } },
  kvmppcEntry: {
    by: ['RMA_ONCE', 'HPTE_BACKED'],
    fields: { tid: unchecked('any thread may enter; the VM is what counts'), vm: how('after rma_setup_done; every valid HPTE backed', 'RMA_ONCE', 'HPTE_BACKED'), vcpu: unchecked('named in the complaints') },
  },
  kvmppcHcall: {
    by: [],
    fields: {
      tid: unchecked('who made the hcall; see ret'), vm: unchecked('whose hcall; see ret'), vcpu: unchecked('whose hcall; see ret'), hcall: unchecked('always H_ENTER; see ret'), mode: unchecked('real or virtual mode; see ret'),
      ret: unchecked('the guest sees the hEnter operation\'s result, which conformance compares; whether real mode answered H_TOO_HARD first is the implementation\'s path'),
    },
  },
};
