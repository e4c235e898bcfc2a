/**
 * The cr4 and EFER bits a vCPU accepts are the implementation's to declare
 * (Capabilities.registerBits, copied into the case's config): the model's rule set takes
 * them in place of its own (model/rules.ts ruleSetOf), and the generator's reach copies
 * them into every case it cuts for that implementation.
 */
import { describe, expect, it } from 'vitest';
import type { HostConfig, TestCase } from '../api/ops.js';
import type { Capabilities } from '../api/protocol.js';
import { RULES, ruleSetOf } from '../model/rules.js';
import { reachOf, restrictCase } from '../fuzz/gen/reach.js';
import { fromWire, toWire } from '../fuzz/gen/campaign-arb.js';
import { op, runModel } from './helpers.js';

const VME = 1 << 0;
const FSGSBASE = 1 << 16;
const UPSTREAM: HostConfig = { vendor: 'vmx', tdp: false, rules: 'upstream' };
const write = (config: HostConfig, reg: 'cr4' | 'efer', value: number) =>
  runModel([op.createVm(), op.createVcpu(), op.setCr(reg, value)], config).results[2];

describe('declared register bits', () => {
  it('accepts a cr4 bit the declaration allows, and refuses it without', () => {
    const withVme = { ...UPSTREAM, registerBits: { cr4: 0x20 | VME, efer: 0x901 } };
    const without = { ...UPSTREAM, registerBits: { cr4: 0x20, efer: 0x901 } };
    expect(write(withVme, 'cr4', VME)).toEqual({ kind: 'ok' });
    expect(write(without, 'cr4', VME)).toEqual({ kind: 'gp' });
    expect(runModel([op.createVm(), op.createVcpu(), op.setCr('cr4', VME)], withVme).state.vms.get(0 as never)!.vcpus.get(0 as never)!.cr4).toBe(VME);
  });

  it('uses the rule set\'s own bits without a declaration: upstream leaves VME to every guest, FSGSBASE to its CPUID', () => {
    expect(write(UPSTREAM, 'cr4', VME)).toEqual({ kind: 'ok' });
    expect(write(UPSTREAM, 'cr4', FSGSBASE)).toEqual({ kind: 'gp' });
    expect(write({ ...UPSTREAM, registerBits: { cr4: FSGSBASE, efer: 0 } }, 'cr4', FSGSBASE)).toEqual({ kind: 'ok' });
    // the built-in implementation's seed rules keep their three bits
    expect(write({ vendor: 'vmx', tdp: false }, 'cr4', VME)).toEqual({ kind: 'gp' });
  });

  it('refuses an EFER bit the declaration leaves out', () => {
    expect(write({ ...UPSTREAM, registerBits: { cr4: 0x20, efer: 0x901 } }, 'efer', 1 << 11)).toEqual({ kind: 'ok' });
    expect(write({ ...UPSTREAM, registerBits: { cr4: 0x20, efer: 0x101 } }, 'efer', 1 << 11)).toEqual({ kind: 'gp' });
  });

  it('ruleSetOf replaces only the register bits', () => {
    const rs = ruleSetOf({ rules: 'upstream', registerBits: { cr4: 3, efer: 1 } });
    expect(rs).toEqual({ ...RULES.upstream, cr4Bits: 3, eferBits: 1 });
    expect(ruleSetOf({ rules: 'seeds' })).toBe(RULES.seeds);
  });

  it('the reach copies the declaration into every case, also across the wire to a worker', () => {
    const caps: Capabilities = {
      ops: ['createVm', 'createVcpu', 'setCr'], events: [], stepping: false, wholeCase: true, abstract: [], mutants: [],
      rules: ['upstream'], configs: [{ vendor: 'vmx', tdp: false }], platforms: ['x86'], registerBits: { cr4: 0x750fff, efer: 0x901 },
    };
    const tc: TestCase = { config: { vendor: 'svm', tdp: true }, ops: [op.createVm(), op.createVcpu(), op.setCr('cr4', VME)] };
    const reach = fromWire(JSON.parse(JSON.stringify(toWire(reachOf(caps, 'x')))));
    expect(restrictCase(tc, reach).config).toEqual({ vendor: 'vmx', tdp: false, rules: 'upstream', registerBits: { cr4: 0x750fff, efer: 0x901 } });
  });

  it('a long-mode cr3 is valid below the declared MAXPHYADDR (kvm_set_cr3), 32 bits elsewhere and under the seeds', () => {
    const long = [op.createVm(), op.slot(0, 0, 32), op.createVcpu(), op.setCr('cr3', 0x1000), op.setCr('cr4', 0x20), op.setCr('efer', 0x100), op.setCr('cr0', 0x80000011)];
    const cr3 = (config: HostConfig, value: number) => runModel([...long, op.setCr('cr3', value)], config).results.at(-1);
    const declared = { ...UPSTREAM, registerBits: { cr4: 0x20, efer: 0x901, physBits: 48 } };
    expect(cr3(declared, 2 ** 40)).toEqual({ kind: 'ok' });
    expect(cr3(declared, 2 ** 48 - 4096)).toEqual({ kind: 'ok' });
    expect(cr3(declared, 2 ** 48)).toEqual({ kind: 'gp' });
    // undeclared: upstream's fallback of 36 bits; the seeds: 32
    expect(cr3(UPSTREAM, 2 ** 36 - 4096)).toEqual({ kind: 'ok' });
    expect(cr3(UPSTREAM, 2 ** 36)).toEqual({ kind: 'gp' });
    expect(cr3({ vendor: 'vmx', tdp: false }, 2 ** 32)).toEqual({ kind: 'gp' });
    // without paging a cr3 write is 32 bits
    expect(write(declared, 'cr4', 2 ** 32)).toEqual({ kind: 'gp' });
  });
});
