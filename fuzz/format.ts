/** How operations, results and trace records print in reports: readable without the code. */
import { match } from 'ts-pattern';
import type { Op } from '../api/ops.js';
import type { Result } from '../api/results.js';
import type { TraceRecord } from '../api/events.js';
import { errnoName } from '../api/errno.js';

const hex = (n: number): string => `0x${n.toString(16)}`;

export const formatOp = (op: Op): string =>
  match(op)
    .with({ kind: 'createVm' }, (o) => `KVM_CREATE_VM vm${o.vm}`)
    .with({ kind: 'destroyVm' }, (o) => `destroy vm${o.vm} (kvm_destroy_vm)`)
    .with({ kind: 'setMemoryRegion' }, (o) =>
      `KVM_SET_USER_MEMORY_REGION vm${o.vm} slot ${o.slot} gfn ${hex(o.gfn)} npages ${o.npages}${o.npages === 0 ? ' (delete)' : ''}`,
    )
    .with({ kind: 'createVcpu' }, (o) => `KVM_CREATE_VCPU vm${o.vm} vcpu${o.vcpu}`)
    .with({ kind: 'setCr' }, (o) => `vm${o.vm} vcpu${o.vcpu} set ${o.reg} = ${hex(o.value)}`)
    .with({ kind: 'resetVcpu' }, (o) => `vm${o.vm} vcpu${o.vcpu} INIT (kvm_vcpu_reset)`)
    .with({ kind: 'run' }, (o) =>
      `KVM_RUN vm${o.vm} vcpu${o.vcpu} IF=${o.interruptsAllowed ? 1 : 0}${o.access ? `, guest ${o.access.write ? 'writes' : 'reads'} gva ${hex(o.access.gva)}` : ''}`,
    )
    .with({ kind: 'failAlloc' }, (o) => `fail the next ${o.count} allocation(s) at ${o.site}`)
    .with({ kind: 'swapOut' }, (o) => `host swaps out gfn ${hex(o.gfn)} of vm${o.vm}`)
    .with({ kind: 'asyncPfDone' }, (o) => `async page fault on gfn ${hex(o.gfn)} of vm${o.vm} vcpu${o.vcpu} completes (async_pf_execute)`)
    .with({ kind: 'moduleLoad' }, (o) =>
      o.vendor === 'vmx' ? `modprobe kvm_intel ept=${o.tdp ? 1 : 0}` : `modprobe kvm_amd npt=${o.tdp ? 1 : 0}`,
    )
    .with({ kind: 'moduleUnload' }, () => 'rmmod the vendor module')
    .exhaustive();

export const formatResult = (r: Result): string =>
  match(r)
    .with({ kind: 'ok' }, () => '0')
    .with({ kind: 'errno' }, (x) => errnoName(x.errno))
    .with({ kind: 'gp' }, () => '#GP injected')
    .with({ kind: 'exit', reason: 'hlt' }, () => 'exit HLT')
    .with({ kind: 'exit', reason: 'mmio' }, (x) => `exit MMIO gpa ${hex(x.gpa)}`)
    .with({ kind: 'exit', reason: 'guestPageFault' }, (x) => `#PF injected for gva ${hex(x.gva)}`)
    .with({ kind: 'exit', reason: 'apfNotPresent' }, () => 'async PF "page not present" injected, guest halted')
    .exhaustive();

/** One trace record as a tracepoint line; harness markers are left to the caller. */
export const formatRecord = (r: TraceRecord): string => {
  const { ev, ...rest } = r;
  const fields = Object.entries(rest)
    .map(([k, v]) => `${k}=${typeof v === 'number' && k !== 'vm' && k !== 'vcpu' && k !== 'ret' ? hex(v) : JSON.stringify(v)}`)
    .join(' ');
  return `${ev}: ${fields}`;
};
