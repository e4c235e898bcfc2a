/**
 * On real KVM, the cr4 and EFER bits the adapter declares (registerBits, found by trying
 * each bit at start-up: adapters/kvm/src/probe-regs.c) are exactly those the kernel takes,
 * and with them the model predicts every single-bit write, without paging and in long
 * mode (docs/KVM.md divergence 14: cr4.VME, which the guest's CPUID allows, was a #GP in
 * the model). Skipped with the reason where /dev/kvm or a C compiler is missing.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { HostConfig, Op } from '../api/ops.js';
import { runModel, op } from './helpers.js';
import { KVM_BIN, kvmMissing } from './kvm-available.js';

const why = kvmMissing();
const LONG: Op[] = [op.setCr('efer', 0x100), op.setCr('cr4', 0x20), op.setCr('cr3', 0x1000), op.setCr('cr0', 0x80000011)];

/** the handshake, then one case per op list; each reply's results */
const talk = (config: HostConfig | null, cases: Op[][]) => {
  const lines = [{ msg: 'hello', protocol: 1 }, ...cases.map((ops) => ({ msg: 'case', config, mutant: null, ops: ops.map((o) => ({ tid: 0, op: o })), states: false }))];
  const out = spawnSync(KVM_BIN, [], { input: lines.map((l) => `${JSON.stringify(l)}\n`).join(''), encoding: 'utf8', timeout: 60_000 });
  const [hello, ...replies] = out.stdout.trim().split('\n').map((l) => JSON.parse(l));
  return { hello, results: replies.map((r) => r.steps.map((s: { result: unknown }) => s.result)) };
};

describe.skipIf(why !== null)(`real KVM: the cr4 and EFER bits a vCPU takes${why ? ` (skipped: ${why})` : ''}`, () => {
  const bits = talk(null, []).hello.capabilities.registerBits as { cr4: number; efer: number; physBits?: number };
  const config: HostConfig = { vendor: 'vmx', tdp: false, rules: 'upstream', registerBits: bits };
  const prelude = [op.createVm(), op.slot(0, 0, 16), op.createVcpu()];

  it('declares the always-valid cr4 bits (VME..OSXMMEXCPT) and the EFER bits a 64-bit guest needs', () => {
    expect(bits.cr4 & 0x7ff).toBe(0x7ff);
    expect(bits.efer & 0x901).toBe(0x901);
  });

  for (const [mode, pre] of [['without paging', []], ['in long mode', LONG]] as const) {
    it(`the model predicts the kernel's answer to each cr4 bit ${mode}`, () => {
      const cases = Array.from({ length: 32 }, (_, b) => [...prelude, ...pre, op.setCr('cr4', (mode === 'in long mode' ? 0x20 : 0) + 2 ** b), op.run()]);
      const { results } = talk(config, cases);
      results.forEach((r, b) => expect({ bit: b, r }).toEqual({ bit: b, r: runModel(cases[b]!, config).results }));
      // VME is taken: divergence 14
      expect(results[0]!.at(-2)).toEqual({ kind: 'ok' });
    });
  }

  it('the model predicts the kernel\'s answer to each EFER bit without paging', () => {
    const cases = Array.from({ length: 32 }, (_, b) => [...prelude, op.setCr('efer', 2 ** b)]);
    const { results } = talk(config, cases);
    results.forEach((r, b) => expect({ bit: b, r }).toEqual({ bit: b, r: runModel(cases[b]!, config).results }));
  });

  it('declares the guest MAXPHYADDR, and the model predicts a long-mode cr3 at each width', () => {
    expect(bits).toHaveProperty('physBits');
    const p = bits.physBits!;
    const cases = [32, p - 1, p, 52].map((w) => [...prelude, ...LONG, op.setCr('cr3', 2 ** w)]);
    const { results } = talk(config, cases);
    results.forEach((r, i) => expect({ i, r }).toEqual({ i, r: runModel(cases[i]!, config).results }));
    expect(results.map((r) => r[7])).toEqual([{ kind: 'ok' }, { kind: 'ok' }, { kind: 'gp' }, { kind: 'gp' }]);
  });
});
