/**
 * The kvm adapter's translation of kernel tracepoints (adapters/kvm/src/trace-mmu.c,
 * trace.c) on recorded lines: kvm_pvm's kvmmmu events recorded on the development
 * machine, and vmx lines (kvm_entry, kvm_exit, kvm_page_fault, kvm_cr, kvm_msr) written
 * in the formats the kernel's events/kvm/<name>/format print, since this host never
 * fires them. `--translate` needs a C compiler, not /dev/kvm.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TraceEventSchema, type TraceEvent } from '../api/events.js';

const bin = 'adapters/kvm/build/kvm-oracle-kvm';
const build = spawnSync('sh', ['adapters/kvm/build.sh'], { encoding: 'utf8' });
const why = build.status === 0 ? null : build.stderr.trim().split('\n')[0] || 'build failed';

const translate = (fixture: string, op: object): TraceEvent[] => {
  const r = spawnSync(bin, ['--translate', JSON.stringify(op)], { input: readFileSync(`test/fixtures/ktrace/${fixture}`), encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as unknown[]).map((e) => TraceEventSchema.parse(e));
};

describe.skipIf(why !== null)(`kernel tracepoints into events${why ? ` (skipped: ${why})` : ''}`, () => {
  it('kvm_pvm: shadow pages with their generation and role, the fast zap, unmaps, walks and emulated instructions', () => {
    const evs = translate('pvm.trace', { kind: 'run', vm: 3, vcpu: 1 });
    const kinds = evs.map((e) => e.ev);
    expect(kinds.filter((k) => k === 'kvmMmuShadowPage')).toHaveLength(7);
    expect(kinds.filter((k) => k === 'kvmMmuPrepareZap')).toHaveLength(8);
    expect(evs).toContainEqual({ ev: 'kvmMmuZapAllFast', vm: 3, gen: 0, usedPages: 4 });
    expect(evs).toContainEqual({ ev: 'kvmUnmapHvaRange', pages: 32 });
    // the role less " invalid", which becomes its own field
    expect(evs).toContainEqual({ ev: 'kvmMmuPrepareZap', vm: 3, gen: 0, gfn: 0x40000, role: 'l2 8-byte q0 direct wux nxe ad', invalid: true, rootCount: 0 });
    expect(evs).toContainEqual({ ev: 'kvmMmuShadowPage', vm: 3, gen: 1, gfn: 0x80000, role: 'l2 8-byte q0 direct wux nxe ad', invalid: false, rootCount: 0, created: true });
    expect(evs).toContainEqual({ ev: 'kvmMmuWalk', vm: 3, vcpu: 1, addr: 'ffffffffffe00060', pferr: 16 });
    expect(evs).toContainEqual({ ev: 'kvmMmuWalkElement', vm: 3, vcpu: 1, pte: 'f5063', level: 3 });
    expect(evs).toContainEqual({ ev: 'kvmEmulateInsn', vm: 3, vcpu: 1, rip: 'ffffffffffe00000', mode: 'prot64', failed: false });
  });

  it('an operation with no vCPU gets no vCPU events, and one with no VM only the unmaps', () => {
    expect(translate('pvm.trace', { kind: 'setMemoryRegion', vm: 0 }).some((e) => e.ev === 'kvmEmulateInsn' || e.ev === 'kvmMmuWalk')).toBe(false);
    expect(new Set(translate('pvm.trace', {}).map((e) => e.ev))).toEqual(new Set(['kvmUnmapHvaRange']));
  });

  it('vmx/svm: kvm_entry, kvm_exit, kvm_page_fault, and the writes kvm_cr and kvm_msr show', () => {
    const evs = translate('vmx.trace', { kind: 'run', vm: 2, vcpu: 1 });
    expect(evs).toEqual([
      { ev: 'kvmVmEntry', vm: 2, vcpu: 1 },
      { ev: 'kvmExit', vm: 2, vcpu: 1, reason: 'EPT_VIOLATION' },
      { ev: 'kvmGuestFault', vm: 2, vcpu: 1, address: 'ff000', errorCode: 0x184 },
      { ev: 'kvmSetCr', vm: 2, vcpu: 1, reg: 'cr0', value: 0x80000011 },
      { ev: 'kvmSetCr', vm: 2, vcpu: 1, reg: 'efer', value: 0x500 },
      { ev: 'kvmVmEntry', vm: 2, vcpu: 1 },
    ]);
  });

  it('an operand that is not JSON is one line and exit 2', () => {
    const r = spawnSync(bin, ['--translate', '{oops'], { input: '', encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});
