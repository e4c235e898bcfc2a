/**
 * Guest page tables are real trees (docs/OPERATIONS.md "Guest page-table layout"): the
 * model's walk (model/x86/walk.ts) and the impl's (impl/x86/paging-tmpl.ts) agree on a
 * table of walks, each paging mode × every way a walk ends at every level, through
 * KVM_TRANSLATE, guest reads and emulated writes, shadow paging and TDP alike.
 */
import { describe, expect, it } from 'vitest';
import type { Gfn, Gva, SlotId, VcpuId, VmId } from '../api/ids.js';
import type { Op, TestCase } from '../api/ops.js';
import type { ModelVcpu, ModelVm } from '../model/state.js';
import { runCase } from '../fuzz/run/runner.js';
import { builtinFactory } from '../impl/builtin.js';
import { walk } from '../model/x86/walk.js';
import { guestEntry, pdptes, pdpteReserved } from '../model/x86/guest-tables.js';
import { WALK_GVAS } from '../fuzz/gen/walk-gvas.js';

const vm = 0 as VmId;
const vcpu = 0 as VcpuId;
const MODES = {
  long: [['cr4', 0x20], ['efer', 0x100], ['cr0', 0x80000011]],
  pae: [['cr4', 0x20], ['cr0', 0x80000011]],
  paging32: [['cr0', 0x80000011]],
  paging32pse: [['cr4', 0x10], ['cr0', 0x80000011]],
} as const;
const REGS = {
  long: { cr0: 0x80000011, cr4: 0x20, efer: 0x100 },
  pae: { cr0: 0x80000011, cr4: 0x20, efer: 0 },
  paging32: { cr0: 0x80000011, cr4: 0, efer: 0 },
  paging32pse: { cr0: 0x80000011, cr4: 0x10, efer: 0 },
} as const;
const SLOT = { gfn: 0, npages: 32 };
const slotVm = { slots: new Map([[0, { ...SLOT, flags: 0, dirty: new Set() }]]), vcpus: new Map(), swapped: new Set() } as unknown as ModelVm;
const GVAS = [0, 0x1000, 0x5000, 0x3f000, ...WALK_GVAS];

const endOf = (mode: keyof typeof REGS, cr3: number, gva: number): string => {
  const e = walk(slotVm, { ...REGS[mode], cr3 } as unknown as ModelVcpu, gva as Gva);
  return e.kind === 'mapped' ? (e.level > 1 ? 'large' : 'mapped') : `${e.kind}@${e.level}`;
};

const caseFor = (mode: keyof typeof MODES, cr3: number, tdp: boolean): TestCase => {
  const ops: Op[] = [
    { kind: 'createVm', vm },
    { kind: 'setMemoryRegion', vm, slot: 0 as SlotId, gfn: SLOT.gfn as Gfn, npages: SLOT.npages },
    { kind: 'createVcpu', vm, vcpu },
    { kind: 'setCr', vm, vcpu, reg: 'cr3', value: cr3 },
    ...MODES[mode].map(([reg, value]): Op => ({ kind: 'setCr', vm, vcpu, reg, value })),
  ];
  for (const gva of GVAS) {
    ops.push({ kind: 'translate', vm, vcpu, gva: gva as Gva });
    ops.push({ kind: 'run', vm, vcpu, access: { gva: gva as Gva, write: false }, interruptsAllowed: false });
    ops.push({ kind: 'emulate', vm, vcpu, access: 'write', gva: gva as Gva });
  }
  return { config: { vendor: 'vmx', tdp }, ops } as TestCase;
};

describe('guest page-table walks', () => {
  it('the table covers every way a walk ends, at every level, in every mode', () => {
    const ends = (mode: keyof typeof REGS) => new Set([0, 0x1000, 0x8000, 0x9000, 0x10000].flatMap((cr3) => GVAS.map((g) => endOf(mode, cr3, g))));
    for (const k of ['absent@1', 'absent@2', 'absent@3', 'absent@4', 'large', 'mapped', 'reserved@1', 'reserved@2', 'reserved@3', 'reserved@4', 'unbacked@1', 'unbacked@2', 'unbacked@3']) {
      expect(ends('long')).toContain(k);
    }
    for (const k of ['absent@1', 'absent@2', 'absent@3', 'large', 'mapped', 'reserved@1', 'reserved@2', 'unbacked@1']) expect(ends('pae')).toContain(k);
    // 32-bit paging: a 4 MiB page and a reserved PDE only with CR4.PSE; without it PS is ignored
    for (const k of ['absent@1', 'absent@2', 'large', 'mapped', 'reserved@2']) expect(ends('paging32pse')).toContain(k);
    expect([...ends('paging32')].filter((k) => k === 'large' || k.startsWith('reserved'))).toEqual([]);
  });

  it('a walk reads a different table at each level: the worked example of docs/OPERATIONS.md', () => {
    // long mode, cr3 0x5000, gva 0x18080205000: PML4[3] -> PDPT[2] -> PD[1] -> PT[5]
    const tables: number[] = [5];
    for (const i of [3, 2, 1]) tables.push(Math.floor(guestEntry(tables.at(-1)! as Gfn, 8, i) / 4096));
    expect(tables).toEqual([5, 3, 26, 11]);
    expect(Math.floor(guestEntry(11 as Gfn, 8, 5) / 4096)).toBe(50);
    expect(walk(slotVm, { ...REGS.long, cr3: 0x5000 } as unknown as ModelVcpu, 0x18080205000 as Gva)).toEqual({ kind: 'mapped', gfn: 50, level: 1 });
    // the same gva in PAE mode reads PDPTE 0 (bits 31:30) and two tables, and ends elsewhere
    expect(walk(slotVm, { ...REGS.pae, cr3: 0x5000 } as unknown as ModelVcpu, 0x18080205000 as Gva)).not.toEqual({ kind: 'mapped', gfn: 50, level: 1 });
  });

  it('load_pdptrs refuses a cr3 whose PDPTEs set a reserved bit', () => {
    expect(pdptes(0x8000).some(pdpteReserved)).toBe(true);
    const tc = caseFor('pae', 0x8000, false);
    const out = runCase(tc, { factory: builtinFactory, mutant: null, keepTrace: true });
    expect(out.failure).toBeNull();
    const ends = out.trace.flatMap(({ record: r }) => (r.ev === 'opEnd' && r.op.kind === 'setCr' && r.op.reg === 'cr0' ? [r.result.kind] : []));
    expect(ends).toEqual(['gp']);
  });

  for (const mode of Object.keys(MODES) as (keyof typeof MODES)[]) {
    for (const tdp of [false, true]) {
      it(`model and impl agree in ${mode} mode, ${tdp ? 'TDP' : 'shadow paging'}`, () => {
        for (const cr3 of [0, 0x1000, 0x9000]) {
          const out = runCase(caseFor(mode, cr3, tdp), { factory: builtinFactory, mutant: null, keepTrace: true });
          expect(out.failure, `cr3 ${cr3}: ${out.failure?.message}`).toBeNull();
          // the mode was entered: the walks ran (some translations valid, some not)
          const tr = out.trace.flatMap(({ record: r }) => (r.ev === 'opEnd' && r.result.kind === 'translation' ? [r.result.gpa === null] : []));
          expect(tr).toContain(true);
          expect(tr).toContain(false);
        }
      });
    }
  }
});
