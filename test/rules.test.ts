import { describe, expect, it } from 'vitest';
import type { HostConfig, Op, TestCase } from '../api/ops.js';
import { builtinFactory } from '../impl/builtin.js';
import { reachOf, restrictCase } from '../fuzz/gen/reach.js';
import { runCase } from '../fuzz/run/runner.js';
import { BASIC, VMX, op, runModel } from './helpers.js';

const UP: HostConfig = { ...VMX, rules: 'upstream' };
const results = (ops: Op[], c: HostConfig) => runModel(ops, c).results.map((r) => (r.kind === 'errno' ? r.errno : r.kind));

describe('the model names the kernel it describes: seeds or upstream rules', () => {
  it('memslot ids, vCPU ids, read-only slots, deleting a missing slot', () => {
    const ops = [op.createVm(), op.slot(40, 0, 8), op.createVcpu(9), op.slot(3, 0, 0), op.slot(1, 64, 8, 0, 2)];
    expect(results(ops, VMX)).toEqual(['ok', -22, -22, 'ok', -22]);
    expect(results(ops, UP)).toEqual(['ok', 'ok', 'ok', -22, 'ok']);
    // an existing slot cannot become read-only
    expect(results([op.createVm(), op.slot(1, 64, 8), op.slot(1, 64, 8, 0, 2)], UP)).toEqual(['ok', 'ok', -22]);
  });

  it('a slot moved with dirty logging on keeps its log upstream (kvm_prepare_memory_region reuses the bitmap)', () => {
    // found on 6.18: --impl kvm, seed 7, run 72
    const ops = [op.createVm(), op.slot(0, 0x20, 32, 0, 1), op.createVcpu(), op.run(0x20000, true), op.slot(0, 0, 32, 0, 1), { kind: 'getDirtyLog', vm: 0, slot: 0 } as Op];
    expect(runModel(ops, VMX).results.at(-1)).toEqual({ kind: 'dirtyLog', pages: [] });
    expect(runModel(ops, UP).results.at(-1)).toEqual({ kind: 'dirtyLog', pages: [0] });
  });

  it('a guest write to read-only memory exits as MMIO, a read does not', () => {
    const ops = [op.createVm(), op.slot(0, 0, 32, 0, 2), op.createVcpu(), op.run(0x5000, true), op.run(0x5000, false)];
    expect(runModel(ops, UP).results.slice(3)).toEqual([{ kind: 'exit', reason: 'mmio', gpa: 0x5000 }, { kind: 'exit', reason: 'hlt' }]);
  });

  it('cr3 without a memslot, CR0.ET, leaving paging from 64-bit code', () => {
    expect(results([...BASIC, op.setCr('cr3', 0x40000)], VMX).at(-1)).toBe('gp');
    expect(results([...BASIC, op.setCr('cr3', 0x40000)], UP).at(-1)).toBe('ok');
    const cr0 = (c: HostConfig) => runModel([...BASIC, op.setCr('cr0', 0x1)], c).state.vms.get(0 as never)!.vcpus.get(0 as never)!.cr0;
    expect([cr0(VMX), cr0(UP)]).toEqual([0x1, 0x11]);
    // upstream kvm_set_cr0(): reserved bits are dropped, not refused (found on 6.18: --impl kvm,
    // seed 7, a write of 0x10000010); NW without CD is refused
    const written = (v: number, c: HostConfig) => runModel([...BASIC, op.setCr('cr0', v)], c).state.vms.get(0 as never)!.vcpus.get(0 as never)!.cr0;
    expect([written(0x10000010, VMX), written(0x10000010, UP)]).toEqual([0x10000010, 0x10]);
    expect(results([...BASIC, op.setCr('cr0', 0x20000011)], UP).at(-1)).toBe('gp');
    expect(results([...BASIC, op.setCr('cr0', 0x60000011)], UP).at(-1)).toBe('ok');
    // upstream set_efer(): EFER.LMA (bit 10) is not reserved, and what is written there is ignored
    expect([results([...BASIC, op.setCr('efer', 0x400)], VMX).at(-1), results([...BASIC, op.setCr('efer', 0x400)], UP).at(-1)]).toEqual(['gp', 'ok']);
    const long = [...BASIC, op.setCr('cr3', 0x2000), op.setCr('cr4', 0x20), op.setCr('efer', 0x100), op.setCr('cr0', 0x80000011), op.setCr('cr0', 0x11)];
    expect([results(long, VMX).at(-1), results(long, UP).at(-1)]).toEqual(['ok', 'gp']);
  });

  it('the built-in implementation keeps the seeds rules and is held to them by default', () => {
    const tc: TestCase = { config: VMX, ops: [op.createVm(), op.slot(40, 0, 8)] };
    expect(runCase(tc, { factory: builtinFactory, mutant: null }).failure).toBeNull();
    expect(runCase({ ...tc, config: UP }, { factory: builtinFactory, mutant: null }).failure).toMatchObject({ id: 'CONFORMANCE', step: 1 });
  });
});

describe('the reach of a host that refuses paging modes', () => {
  const caps = { ...builtinFactory.capabilities, pagingModes: ['nonpaging', 'long'] as const, rules: ['upstream'] as const };
  it('drops the register writes that would enter another mode, and holds the case to the declared rules', () => {
    const reach = reachOf(caps, 'x');
    const toPaging32 = [...BASIC, op.setCr('cr3', 0x2000), op.setCr('cr0', 0x80000011), op.setCr('cr4', 0x20), op.setCr('efer', 0x100), op.setCr('cr0', 0x80000011), op.run()];
    const cut = restrictCase({ config: VMX, ops: toPaging32 }, reach);
    expect(cut.config).toEqual(UP);
    // the 32-bit entry is dropped; long mode through PAE set up with paging off is kept
    expect(cut.ops.map((o) => (o.kind === 'setCr' ? `${o.reg}=${o.value.toString(16)}` : o.kind))).toEqual([
      'createVm', 'setMemoryRegion', 'createVcpu', 'cr3=2000', 'cr4=20', 'efer=100', 'cr0=80000011', 'run',
    ]);
  });
});

describe('the largest gfn a memslot may cover (upstream kvm_arch_prepare_memory_region, docs/KVM.md 15)', () => {
  const last = 2 ** 40 - 1;
  it('refuses a created or moved slot past it, upstream only; a slot ending at it is taken', () => {
    expect(results([op.createVm(), op.slot(0, last - 15, 16)], UP)).toEqual(['ok', 'ok']);
    expect(results([op.createVm(), op.slot(0, last - 14, 16)], UP)).toEqual(['ok', -22]);
    expect(results([op.createVm(), op.slot(0, 0, 16), op.slot(0, last - 14, 16)], UP)).toEqual(['ok', 'ok', -22]);
    // overlap is checked first (__kvm_set_memory_region before kvm_set_memslot)
    expect(results([op.createVm(), op.slot(0, last - 15, 16), op.slot(1, 0, 16), op.slot(1, last - 15, 16)], UP)).toEqual(['ok', 'ok', 'ok', -17]);
    expect(results([op.createVm(), op.slot(0, last - 14, 16)], VMX)).toEqual(['ok', 'ok']);
  });

  it('drops a cr0, cr3 or cr4 value wider than 32 bits outside long mode (no guest mov carries it), keeps it in long mode and for EFER', () => {
    const caps = { ...builtinFactory.capabilities, pagingModes: ['nonpaging', 'long'] as const, rules: ['upstream'] as const };
    const reach = reachOf(caps, 'x');
    const wide = 2 ** 32 + 0x1000;
    const ops = [...BASIC, op.setCr('cr3', wide), op.setCr('efer', 2 ** 33), op.setCr('cr3', 0x1000), op.setCr('cr4', 0x20), op.setCr('efer', 0x100), op.setCr('cr0', 0x80000011), op.setCr('cr3', wide)];
    const cut = restrictCase({ config: VMX, ops }, reach);
    expect(cut.ops.filter((o) => o.kind === 'setCr').map((o) => (o.kind === 'setCr' ? `${o.reg}=${o.value.toString(16)}` : ''))).toEqual([
      'efer=200000000', 'cr3=1000', 'cr4=20', 'efer=100', 'cr0=80000011', 'cr3=100001000',
    ]);
  });
});
