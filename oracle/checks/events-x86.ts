/** Who checks the x86 MMU, lock and memslot tracepoints (seeds 000 and 003). */
import { by, how, key, unchecked, type EventChecks } from './types.js';

type X86Kinds =
  | 'kvmSetCr' | 'kvmVcpuCreate' | 'kvmMmuGetPage' | 'kvmMmuZapPage' | 'kvmMmuFreePage' | 'kvmMmuLoad' | 'kvmMmuUnload'
  | 'kvmEntry' | 'kvmExit' | 'kvmPageFault' | 'kvmUnmapGfn' | 'allocFailInjected' | 'lockAcquire' | 'lockRelease'
  | 'kvmGuestMem' | 'kvmRmap' | 'kvmVmUpdate' | 'kvmDestroyVm';

const vmKey = key('the VM (a destroyed VM\'s ids are forgotten)');
const vcpuKey = key('the vCPU');
const ROOT_USERS = ['ROOT_VALID_AT_ENTRY', 'APF_PREFAULT_SAFE'] as const;
const PAGE_USERS = ['ROOT_VALID_AT_ENTRY', 'ROOTS_FREED_ONCE', 'RMAP_CONSISTENT', 'APF_PREFAULT_SAFE', 'LOCK_HELD'] as const;

export const X86_EVENT_CHECKS: EventChecks<X86Kinds> = {
  kvmSetCr: {
    by: [...ROOT_USERS],
    fields: {
      vm: vcpuKey, vcpu: vcpuKey,
      reg: how('the monitors\' own paging mode (guest-regs.ts)', ...ROOT_USERS),
      value: how('paging mode and cr3 a root must match; the register itself is in the abstract state (registers)', ...ROOT_USERS, 'CONFORMANCE'),
    },
  },
  kvmVcpuCreate: {
    by: ['ROOT_VALID_AT_ENTRY', 'APF_PREFAULT_SAFE', 'APF_PRESENT_ONCE', 'APF_PREFAULT_MAPS'],
    fields: { vm: vcpuKey, vcpu: how('reset registers; no async work may survive it', ...ROOT_USERS, 'APF_PRESENT_ONCE') },
  },
  kvmMmuGetPage: {
    by: [...PAGE_USERS],
    fields: {
      vm: vmKey,
      hpa: how('a live page; not allocated twice; a lookup (created false) names a live page', ...PAGE_USERS),
      gfn: how('a shadow root shadows cr3\'s gfn; a direct page maps [gfn, gfn + 512^level)', 'ROOT_VALID_AT_ENTRY', 'RMAP_CONSISTENT'),
      role: how('level, glevels and direct against the paging mode at entry and prefault; level for the gfn span of rmap adds', ...ROOT_USERS, 'RMAP_CONSISTENT'),
      root: unchecked('says only who asked (mmu_alloc_roots); a root is judged where it is used, by its role and liveness'),
      created: how('created false must name a live page; true must not', 'ROOTS_FREED_ONCE', 'ROOT_VALID_AT_ENTRY'),
    },
  },
  kvmMmuZapPage: {
    by: ['ROOT_VALID_AT_ENTRY', 'ROOTS_FREED_ONCE', 'RMAP_CONSISTENT', 'LOCK_HELD', 'APF_PREFAULT_SAFE', 'APF_PREFAULT_MAPS'],
    fields: {
      vm: vmKey,
      hpa: how('the page is invalid from here on: no entry, prefault or rmap add with it; its rmap entries are gone by the end of the operation', 'ROOT_VALID_AT_ENTRY', 'RMAP_CONSISTENT', 'APF_PREFAULT_SAFE'),
      rootCount: unchecked('on purpose: the impl\'s own conclusion; a zapped page is invalid whatever it says (monitors-self-trust.test.ts)'),
    },
  },
  kvmMmuFreePage: {
    by: ['ROOT_VALID_AT_ENTRY', 'ROOTS_FREED_ONCE', 'RMAP_CONSISTENT', 'LOCK_HELD', 'APF_PREFAULT_SAFE'],
    fields: { vm: vmKey, hpa: how('freed once, while live, with no rmap entry left, under kvm->lock', 'ROOTS_FREED_ONCE', 'RMAP_CONSISTENT', 'LOCK_HELD') },
  },
  kvmMmuLoad: {
    by: ['FAILED_LOAD_NO_ENTRY'],
    fields: {
      vm: vcpuKey, vcpu: vcpuKey,
      ret: how('a failed load ends the run with its errno, without entry; an injected mmuTopup failure makes it fail whatever ret says', 'FAILED_LOAD_NO_ENTRY'),
      roots: unchecked('the roots are judged where they are used: at entry (ROOT_VALID_AT_ENTRY) and at the ready-time prefault (APF_PREFAULT_SAFE)'),
    },
  },
  kvmMmuUnload: {
    by: ['APF_PREFAULT_MAPS'],
    fields: {
      vm: vcpuKey, vcpu: how('the vCPU dropped its roots: a prefault no longer promises a mapping', 'APF_PREFAULT_MAPS'),
      roots: unchecked('the pages dropped; their frees are judged by ROOTS_FREED_ONCE when they happen'),
    },
  },
  kvmEntry: {
    by: ['ROOT_VALID_AT_ENTRY', 'FAILED_LOAD_NO_ENTRY'],
    fields: { vm: vcpuKey, vcpu: vcpuKey, roots: how('live, not zapped, built for the current mode and cr3; no entry after a failed load', 'ROOT_VALID_AT_ENTRY', 'FAILED_LOAD_NO_ENTRY') },
  },
  kvmExit: {
    by: [],
    fields: {
      vm: unchecked('the vCPU that exits; see reason'), vcpu: unchecked('the vCPU that exits; see reason'),
      reason: unchecked('what the exit says is the run\'s result (exit reason, gva/gpa), which conformance compares with the model'),
    },
  },
  kvmPageFault: {
    by: ['APF_NO_RECURSION', 'APF_PREFAULT_MAPS'],
    fields: {
      vm: vcpuKey, vcpu: vcpuKey,
      gfn: how('no fault right after "page ready" prefaulted the gfn', 'APF_PREFAULT_MAPS'),
      write: how('a write to a dirty-logged slot may fault after a (read) prefault', 'APF_PREFAULT_MAPS'),
      noApf: how('a no_apf fault queues no async work', 'APF_NO_RECURSION'),
    },
  },
  kvmUnmapGfn: {
    by: ['APF_PREFAULT_MAPS', 'RMAP_CONSISTENT'],
    fields: { vm: vmKey, gfn: how('every spte (and rmap entry) of the gfn is gone', 'APF_PREFAULT_MAPS', 'RMAP_CONSISTENT') },
  },
  allocFailInjected: {
    by: ['FAILED_LOAD_NO_ENTRY'],
    fields: { site: how('an mmuTopup failure makes the next kvm_mmu_load fail; the other sites\' effects are the results conformance compares', 'FAILED_LOAD_NO_ENTRY', 'CONFORMANCE') },
  },
  lockAcquire: {
    by: ['LOCK_HELD', 'LOCK_ORDER', 'LOCK_BALANCED', 'SLOT_PHYS_LOCKED', 'RMA_ONCE'],
    fields: {
      tid: key('the thread whose held locks are tracked'),
      lock: how('the class: order graph, mmap_sem under kvm->lock', 'LOCK_ORDER', 'LOCK_HELD', 'SLOT_PHYS_LOCKED'),
      instance: how('`kvm->lock@vm<N>`, `slot_phys_lock@vm<N>`: which VM\'s lock is held; taken twice', 'LOCK_HELD', 'LOCK_ORDER', 'SLOT_PHYS_LOCKED', 'RMA_ONCE'),
      mode: how('mmap_sem for write where a rule needs it; release matches', 'LOCK_HELD', 'LOCK_BALANCED'),
      spin: how('no mmap_sem under a spinlock', 'LOCK_ORDER'),
    },
  },
  lockRelease: {
    by: ['LOCK_HELD', 'LOCK_ORDER', 'LOCK_BALANCED', 'SLOT_PHYS_LOCKED', 'RMA_ONCE'],
    fields: {
      tid: key('the thread whose held locks are tracked'), lock: by('RMA_ONCE'),
      instance: how('a release of a lock not held is a complaint', 'LOCK_BALANCED'), mode: by('LOCK_BALANCED'),
    },
  },
  kvmGuestMem: {
    by: ['LOCK_HELD'],
    fields: {
      vm: vmKey, what: how('every kind of access needs mmap_sem', 'LOCK_HELD'),
      gfn: unchecked('named in the complaint; which frames a walk reads is the translation conformance compares'),
    },
  },
  kvmRmap: {
    by: ['RMAP_CONSISTENT', 'LOCK_HELD'],
    fields: {
      vm: vmKey, gfn: how('backed by a memslot; per-gfn counts', 'RMAP_CONSISTENT'),
      add: how('an add into a live page, a remove matching an add', 'RMAP_CONSISTENT'),
      hpa: how('optional: the page must be live and not zapped; its entries go with it', 'RMAP_CONSISTENT'),
    },
  },
  kvmVmUpdate: {
    by: ['LOCK_HELD'],
    fields: { vm: vmKey, what: how('every kind needs mmap_sem for write; the change itself is in the abstract state', 'LOCK_HELD', 'CONFORMANCE') },
  },
  kvmDestroyVm: {
    by: ['ROOT_VALID_AT_ENTRY', 'ROOTS_FREED_ONCE', 'RMAP_CONSISTENT', 'APF_ONE_PER_GFN', 'APF_PRESENT_ONCE', 'APF_PREFAULT_SAFE', 'APF_PREFAULT_MAPS', 'RMA_ONCE', 'HPTE_BACKED'],
    fields: { vm: how('nothing of the VM is left (shadow pages, rmap entries, async work); its ids are forgotten', 'ROOTS_FREED_ONCE', 'RMAP_CONSISTENT', 'APF_PRESENT_ONCE') },
  },
};
