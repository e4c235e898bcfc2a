/** How operations, results and trace records print in reports: readable without the code. */
import { match } from 'ts-pattern';
import type { Op } from '../../api/ops.js';
import type { Result } from '../../api/results.js';
import type { TraceRecord } from '../../api/events.js';
import { errnoName } from '../../api/errno.js';
import { hcallName } from '../../api/hcall.js';

const hex = (n: number): string => `0x${n.toString(16)}`;

export const formatOp = (op: Op): string =>
  match(op)
    .with({ kind: 'createVm' }, (o) =>
      `KVM_CREATE_VM vm${o.vm}${o.ppc ? ` (PPC HV, ${o.ppc.cpu === 'power7' ? 'POWER7' : 'PPC970'}, ${o.ppc.ramPorder === 24 ? '16 MB' : '64 KB'} RAM pages)` : ''}`,
    )
    .with({ kind: 'destroyVm' }, (o) => `destroy vm${o.vm} (kvm_destroy_vm)`)
    .with({ kind: 'setMemoryRegion' }, (o) =>
      `KVM_SET_USER_MEMORY_REGION vm${o.vm} slot ${o.slot} gfn ${hex(o.gfn)} npages ${o.npages}${o.flags ? ` flags ${slotFlags(o.flags)}` : ''}${o.npages === 0 ? ' (delete)' : ''}`,
    )
    .with({ kind: 'createVcpu' }, (o) => `KVM_CREATE_VCPU vm${o.vm} vcpu${o.vcpu}`)
    .with({ kind: 'setCr' }, (o) => `vm${o.vm} vcpu${o.vcpu} set ${o.reg} = ${hex(o.value)}`)
    .with({ kind: 'resetVcpu' }, (o) => `vm${o.vm} vcpu${o.vcpu} INIT (kvm_vcpu_reset)`)
    .with({ kind: 'run' }, (o) =>
      `KVM_RUN vm${o.vm} vcpu${o.vcpu} IF=${o.interruptsAllowed ? 1 : 0}${o.access ? `, guest ${o.access.write ? 'writes' : 'reads'} gva ${hex(o.access.gva)}` : ''}`,
    )
    .with({ kind: 'emulate' }, (o) => `vm${o.vm} vcpu${o.vcpu} emulate ${o.access} at gva ${hex(o.gva)}`)
    .with({ kind: 'translate' }, (o) => `KVM_TRANSLATE vm${o.vm} vcpu${o.vcpu} gva ${hex(o.gva)}`)
    .with({ kind: 'getDirtyLog' }, (o) => `KVM_GET_DIRTY_LOG vm${o.vm} slot ${o.slot}`)
    .with({ kind: 'setNrMmuPages' }, (o) => `KVM_SET_NR_MMU_PAGES vm${o.vm} ${o.pages}`)
    .with({ kind: 'failAlloc' }, (o) => `fail the next ${o.count} allocation(s) at ${o.site}`)
    .with({ kind: 'mapHostMemory' }, (o) => `mmap ${o.pages} x ${pageSize(o.pageShift)} pages behind vm${o.vm} slot ${o.slot}`)
    .with({ kind: 'unmapHostMemory' }, (o) => `munmap the memory behind vm${o.vm} slot ${o.slot}`)
    .with({ kind: 'allocRma' }, (o) => `KVM_ALLOCATE_RMA vm${o.vm}, mmap it behind slot ${o.slot}`)
    .with({ kind: 'hEnter' }, (o) =>
      `KVM_RUN vm${o.vm} vcpu${o.vcpu}, guest H_ENTER ${o.exact ? 'exactly at' : 'in the group of'} HPTE ${o.pteIndex}: ${pageSize(o.pageShift)} page at gpa ${hex(o.gpa)}`,
    )
    .with({ kind: 'swapOut' }, (o) => `host swaps out gfn ${hex(o.gfn)} of vm${o.vm}`)
    .with({ kind: 'asyncPfDone' }, (o) => `async page fault on gfn ${hex(o.gfn)} of vm${o.vm} vcpu${o.vcpu} completes (async_pf_execute)`)
    .with({ kind: 'moduleLoad' }, (o) =>
      o.vendor === 'vmx' ? `modprobe kvm_intel ept=${o.tdp ? 1 : 0}` : `modprobe kvm_amd npt=${o.tdp ? 1 : 0}`,
    )
    .with({ kind: 'moduleUnload' }, () => 'rmmod the vendor module')
    .exhaustive();

const pageSize = (shift: number): string => (shift >= 20 ? `${2 ** (shift - 20)} MB` : `${2 ** (shift - 10)} KB`);

/** KVM_SET_USER_MEMORY_REGION flags by name (include/uapi/linux/kvm.h), unknown bits in hex */
const SLOT_FLAGS: readonly [number, string][] = [[1, 'KVM_MEM_LOG_DIRTY_PAGES'], [2, 'KVM_MEM_READONLY'], [4, 'KVM_MEM_GUEST_MEMFD']];
export const slotFlags = (flags: number): string => {
  const names = SLOT_FLAGS.filter(([bit]) => flags & bit).map(([, n]) => n);
  const rest = SLOT_FLAGS.reduce((f, [bit]) => f & ~bit, flags);
  return [...names, ...(rest ? [hex(rest)] : [])].join('|');
};

export const formatResult = (r: Result): string =>
  match(r)
    .with({ kind: 'ok' }, () => '0')
    .with({ kind: 'errno' }, (x) => errnoName(x.errno))
    .with({ kind: 'gp' }, () => '#GP injected')
    .with({ kind: 'exit', reason: 'hlt' }, () => 'exit HLT')
    .with({ kind: 'exit', reason: 'mmio' }, (x) => `exit MMIO gpa ${hex(x.gpa)}`)
    .with({ kind: 'exit', reason: 'guestPageFault' }, (x) => `#PF injected for gva ${hex(x.gva)}`)
    .with({ kind: 'exit', reason: 'shutdown' }, () => 'exit SHUTDOWN (triple fault)')
    .with({ kind: 'emulated', outcome: 'mmio' }, (x) => `X86EMUL: MMIO exit gpa ${hex(x.gpa)}`)
    .with({ kind: 'emulated' }, (x) => `X86EMUL: ${x.outcome}`)
    .with({ kind: 'translation' }, (x) => (x.gpa === null ? 'valid 0' : `valid 1, gpa ${hex(x.gpa)}`))
    .with({ kind: 'dirtyLog' }, (x) => `dirty pages [${x.pages.join(', ')}]`)
    .with({ kind: 'hcall' }, (x) => `hcall returned ${hcallName(x.ret)}${x.index === null ? '' : `, HPTE ${x.index}`}`)
    .with({ kind: 'exit', reason: 'apfNotPresent' }, () => 'async PF "page not present" injected, guest halted')
    .exhaustive();

/** fields that are counts or ids, printed in decimal; addresses and pfns print in hex */
const DECIMAL = new Set(['vm', 'vcpu', 'ret', 'tid', 'slot', 'index', 'count', 'npages']);

/** One trace record as a tracepoint line; harness markers are left to the caller. */
export const formatRecord = (r: TraceRecord): string => {
  const { ev, ...rest } = r;
  const fields = Object.entries(rest)
    .map(([k, v]) => `${k}=${typeof v === 'number' && !DECIMAL.has(k) ? hex(v) : JSON.stringify(v)}`)
    .join(' ');
  return `${ev}: ${fields}`;
};
