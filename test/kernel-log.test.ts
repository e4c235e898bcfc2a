/**
 * The kernel-log oracle (fuzz/kernel-log/) on recorded kernel log texts: WARN, lockdep,
 * KASAN, hung task and RCU stall reports and KVM error messages each become one
 * KERNEL_SPLAT with a syzbot-style title; the machine's ordinary lines (kvm-pvm's
 * warnings about a guest it shuts down, a filesystem mounting) do not.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { findSplats, newTaint, type KmsgRecord } from '../fuzz/kernel-log/splat.js';
import { judgeKernelLog } from '../fuzz/kernel-log/judge.js';

/** a fixture: one record a line, `<level>text` as `dmesg -r` prints them */
const records = (name: string): KmsgRecord[] =>
  readFileSync(new URL(`./fixtures/kmsg/${name}.txt`, import.meta.url), 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('<'))
    .map((l) => ({ level: Number(l.slice(1, l.indexOf('>'))), text: l.slice(l.indexOf('>') + 1) }));

describe('kernel log splats', () => {
  it('titles a WARN by the function it fired in, with the report as excerpt', () => {
    const [s, ...more] = findSplats(records('warn'));
    expect(more).toEqual([]);
    expect(s!.title).toBe('WARNING in kvm_mmu_prepare_zap_page');
    expect(s!.excerpt[0]).toMatch(/^WARNING: CPU: 1 PID: 4242 at arch\/x86\/kvm\/mmu\/mmu.c:2573/);
    expect(s!.excerpt.at(-1)).toMatch(/end trace/);
  });

  it('titles a lockdep report "possible deadlock in" the function taking the lock', () => {
    expect(findSplats(records('lockdep')).map((s) => s.title)).toEqual(['possible deadlock in kvm_vm_ioctl_set_memory_region']);
  });

  it('titles a KASAN report by kind, access and function', () => {
    const s = findSplats(records('kasan'));
    expect(s.map((x) => x.title)).toEqual(['KASAN: slab-use-after-free Read in kvm_mmu_free_roots']);
    expect(s[0]!.excerpt.some((l) => l.startsWith('Freed by task'))).toBe(true);
  });

  it('finds a hung task and an RCU stall, each with the function it is stuck in', () => {
    expect(findSplats(records('stall')).map((s) => s.title)).toEqual(['INFO: task hung in kvm_vcpu_block', 'INFO: rcu detected stall in kvm_mmu_page_fault']);
  });

  it('keeps one KVM error per message once its numbers are taken out (deduplicated by title)', () => {
    expect(findSplats(records('kvm-error')).map((s) => s.title)).toEqual(['KVM error: kvm [N]: vcpuN, guest rIP: N unhandled rdmsr: N']);
  });

  it('finds nothing in ordinary lines, warnings included', () => {
    expect(findSplats(records('clean'))).toEqual([]);
    expect(judgeKernelLog({ log: records('clean'), taintBefore: 0, taintAfter: 0 })).toBeNull();
  });

  it('reports a taint taken during the case, alone or with the splat', () => {
    expect(newTaint(0, 1 << 9)).toBe('W');
    expect(newTaint(1 << 9, (1 << 9) | (1 << 5))).toBe('B');
    expect(judgeKernelLog({ log: [], taintBefore: 0, taintAfter: 1 << 9 })).toMatch(/tainted \(W/);
    const both = judgeKernelLog({ log: [...records('warn'), ...records('kasan')], taintBefore: 0, taintAfter: (1 << 9) | (1 << 5) })!;
    expect(both.split('\n').slice(0, 3)).toEqual(['WARNING in kvm_mmu_prepare_zap_page', 'also: KASAN: slab-use-after-free Read in kvm_mmu_free_roots', expect.stringMatching(/tainted \(BW/)]);
  });
});
