/**
 * Tracepoints of the PPC HV memory code (seed 004): page references, slot_phys entries,
 * unpin_slot, RMA/VRMA setup and HPTEs. `tid` is the harness thread that did it; `array`
 * is the address of a slot_phys array (never reused), so a write to a freed one shows.
 */
import { z } from 'zod';
import { SlotIdSchema, ThreadIdSchema, VcpuIdSchema, VmIdSchema } from './ids.js';
import { int, text } from './bounds.js';

const tid = ThreadIdSchema;
const vm = VmIdSchema;
const slot = SlotIdSchema;
const pfn = int(0, 2 ** 40);
const array = int(0, Number.MAX_SAFE_INTEGER);
const ev = <K extends string, S extends z.ZodRawShape>(name: K, shape: S, doc: string) =>
  z.strictObject({ ev: z.literal(name), ...shape }).describe(doc);

export const PpcTraceEventSchemas = [
  ev('getPage', { tid, pfn, count: int(0, 2 ** 31) }, 'get_user_pages took a reference on the page at pfn for KVM (count: page_count after)'),
  ev('putPage', { tid, pfn, count: int(0, 2 ** 31), dirty: z.boolean() }, 'KVM dropped a reference it held (put_page); dirty: PageDirty at the time'),
  ev('slotPhysAlloc', { tid, vm, slot, array, npages: int(0, 2 ** 20) }, 'kvmppc_core_prepare_memory_region allocated slot_phys[slot] (npages entries, all 0)'),
  ev('slotPhysSet', { tid, vm, slot, array, index: int(0, 2 ** 20), pfn, gotPage: z.boolean() },
    'slot_phys entry `index` now holds pfn, with KVMPPC_GOT_PAGE (a pinned page) or without (RMO)'),
  ev('unpinSlot', { tid, vm, slot, array, phase: z.enum(['begin', 'end']) }, "unpin_slot: 'begin' when it starts walking the array, 'end' once it is cleared and freed"),
  ev('kvmppcRmaSetup', {
    tid, vm, mode: z.enum(['rmo', 'vrma']),
    /** RMO: first pfn and number of 4 KB pages the guest uses as its RMO; VRMA: 0, 0 */
    basePfn: pfn, npages: int(0, 2 ** 30),
  }, 'kvmppc_hv_setup_rma passed its checks and sets up an RMO (the RMA pfns) or a VRMA'),
  ev('kvmppcSetLpcr', { tid, vm, lpcr: text(32), rmor: text(32).optional() },
    'kvm->arch.lpcr written (hex): at VM creation (kvmppc_core_init_vm) and by the RMA setup; `rmor`: kvm->arch.rmor at the same time (hex, POWER7 keeps the RMO base there)'),
  ev('kvmppcRmaSetupDone', { tid, vm }, 'kvm->arch.rma_setup_done = 1, after smp_wmb()'),
  ev('hpteInsert', { tid, vm, index: int(0, 2 ** 20), gpa: int(0, Number.MAX_SAFE_INTEGER), pfn }, 'an HPTE became valid: guest address gpa, backed by the RAM page at pfn'),
  ev('hpteInvalidate', { tid, vm, index: int(0, 2 ** 20) }, 'an HPTE was invalidated'),
  ev('kvmppcFreeHpt', { tid, vm }, 'kvmppc_free_hpt: the whole hashed page table is gone'),
  ev('kvmppcEntry', { tid, vm, vcpu: VcpuIdSchema }, 'a PPC vCPU entered the guest'),
  ev('kvmppcHcall', { tid, vm, vcpu: VcpuIdSchema, hcall: z.literal('H_ENTER'), mode: z.enum(['real', 'virtual']), ret: int(-(2 ** 31), 2 ** 31 - 1) },
    'an hcall handler returned, in real mode (H_TOO_HARD: retry in virtual mode) or virtual mode'),
] as const;
