/**
 * What the generator reaches (issue 18 item 3), on a modest sample of the default
 * campaign's cases: each figure fails if the generator stops reaching it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TestCase } from '../api/ops.js';
import { builtinFactory } from '../impl/builtin.js';
import { runCase } from '../fuzz/run/runner.js';
import { campaignArb } from '../fuzz/gen/campaign-arb.js';
import { reachOf } from '../fuzz/gen/reach.js';
import { CaseStream } from '../fuzz/gen/stream.js';
import { JsverifyStream } from '../fuzz/engines/jsverify/stream.js';
import { jsverifyCampaignArb } from '../fuzz/engines/jsverify/campaign.js';
import { addCaseFigures, emptyFigures, type ReachFigures } from '../fuzz/gen/reach-figures.js';
import { specArb } from '../fuzz/gen/domain-fc.js';
import { specArb as jsverifySpecArb } from '../fuzz/engines/jsverify/domain.js';
import { x86OpTable } from '../fuzz/gen/op-table.js';
import { CR_RULE_VALUES, EDGE_REGIONS } from '../fuzz/gen/pools.js';
import { CaseRng } from '../fuzz/engines/jsverify/rng.js';
import { BASIC, VMX, op } from './helpers.js';

const reach = reachOf(builtinFactory.capabilities, builtinFactory.name);

const figures = (at: (i: number) => TestCase, n: number): ReachFigures => {
  const f = emptyFigures();
  for (let i = 0; i < n; i++) {
    const tc = at(i);
    const o = runCase(tc, { factory: builtinFactory, mutant: null, keepTrace: true });
    expect(o.failure).toBeNull();
    addCaseFigures(f, tc, o.trace);
  }
  return f;
};

const meetsTargets = (f: ReachFigures) => {
  expect(f.missing / f.ops).toBeLessThanOrEqual(0.1);
  expect(f.longMode / f.x86Cases).toBeGreaterThanOrEqual(0.3);
  expect(f.harvestNonEmpty / f.dirtyLogOn).toBeGreaterThanOrEqual(0.2);
  expect(f.harvestTwice).toBeGreaterThan(0);
  expect(f.reclaim).toBeGreaterThan(0);
  expect(f.sharedVcpu).toBeGreaterThan(0);
};

describe('the default campaign reaches', () => {
  it('live objects, long mode, dirty logs harvested twice, reclaim, shared vCPUs (fast-check, 500 cases)', () => {
    const s = new CaseStream(1, campaignArb({ vcpus: 2 }, reach));
    meetsTargets(figures((i) => s.at(i).value[0], 500));
  }, 120_000);

  it('the same with jsverify (500 cases)', () => {
    const s = new JsverifyStream(1, jsverifyCampaignArb({ vcpus: 2 }, reach));
    meetsTargets(figures((i) => s.at(i).value[0], 500));
  }, 120_000);
});

describe('reach figures', () => {
  it('count what a trace shows, and only that', () => {
    const write = (p: number) => op.run(p * 0x1000, true);
    const log = { kind: 'getDirtyLog', vm: 0, slot: 0 } as const;
    const tc: TestCase = { config: VMX, ops: [...BASIC, op.slot(0, 0, 32, 0, 1), write(3), log as never, write(3), log as never, op.run(0x1000, false, 5)] };
    const o = runCase(tc, { factory: builtinFactory, mutant: null, keepTrace: true });
    const f = emptyFigures();
    addCaseFigures(f, tc, o.trace);
    expect(f).toMatchObject({ cases: 1, ops: 9, missing: 1, x86Cases: 1, longMode: 0, dirtyLogOn: 1, harvestNonEmpty: 1, harvestTwice: 1, reclaim: 0, sharedVcpu: 0 });
  });
});

describe('value domains', () => {
  const values = <T>(ops: readonly T[], pick: (o: T) => number | undefined) => new Set(ops.map(pick));
  it('draw every bit and named combination of cr0, cr3, cr4 and EFER, and every edge region, in both engines', () => {
    const rows = x86OpTable(2).filter((s) => s.kind === 'setCr' || s.shape === 'setMemoryRegion');
    expect(rows).toHaveLength(2);
    const fcOps = rows.flatMap((r) => fc.sample(specArb(r), { seed: 3, numRuns: 20_000 }));
    const rng = new CaseRng(3);
    const jsOps = rows.flatMap((r) => {
      const arb = jsverifySpecArb(r);
      return Array.from({ length: 20_000 }, (_, i) => (rng.seedCase(i), arb.generator(10)));
    });
    for (const ops of [fcOps, jsOps]) {
      for (const [reg, vs] of Object.entries(CR_RULE_VALUES)) {
        const seen = values(ops, (o) => (o.kind === 'setCr' && o.reg === reg ? o.value : undefined));
        expect(vs.filter((v) => !seen.has(v)), reg).toEqual([]);
      }
      const regions = new Set(ops.flatMap((o) => (o.kind === 'setMemoryRegion' ? [`${o.gfn}/${o.npages}`] : [])));
      expect(EDGE_REGIONS.filter(([g, n]) => !regions.has(`${g}/${n}`))).toEqual([]);
    }
  }, 120_000);
});

describe('found by the dirty-log lifecycle on the correct implementation', () => {
  it('a guest write whose fault marked its page dirty stays dirty when re-entry then fails to reload the root (-ENOMEM)', () => {
    // vCPU 0 enters, is preempted inside its write; vCPU 1's emulated writes and a harvest
    // run meanwhile; the root is gone and the topup for re-entry fails
    const tc = {"config": {"vendor": "vmx", "tdp": false}, "ops": [{"kind": "createVm", "vm": 0}, {"kind": "createVcpu", "vm": 0, "vcpu": 0}, {"kind": "setCr", "vm": 0, "vcpu": 0, "reg": "cr4", "value": 32}, {"kind": "setCr", "vm": 0, "vcpu": 0, "reg": "efer", "value": 256}, {"kind": "setCr", "vm": 0, "vcpu": 0, "reg": "cr0", "value": 2147483649}, {"kind": "createVcpu", "vm": 0, "vcpu": 1}, {"kind": "run", "vm": 0, "vcpu": 0, "access": null, "interruptsAllowed": false}, {"kind": "failAlloc", "site": "mmuTopup", "count": 1}, {"kind": "setMemoryRegion", "vm": 0, "slot": 0, "gfn": 0, "npages": 32, "flags": 1}, {"kind": "emulate", "vm": 0, "vcpu": 1, "access": "write", "gva": 0}, {"kind": "emulate", "vm": 0, "vcpu": 1, "access": "write", "gva": 16384}, {"kind": "getDirtyLog", "vm": 0, "slot": 0}, {"kind": "run", "vm": 0, "vcpu": 0, "access": {"gva": 4096, "write": true}, "interruptsAllowed": false}], "threads": [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 0], "preemptions": [{"op": 6, "after": 1, "to": 1}, {"op": 9, "after": 1, "to": 1}, {"op": 12, "after": 5, "to": 1}], "prelude": 6} as TestCase;
    const o = runCase(tc, { factory: builtinFactory, mutant: null, keepTrace: true });
    expect(o.failure).toBeNull();
    const run = o.trace.find((t) => t.record.ev === 'opEnd' && t.record.index === 12)!.record;
    expect(run).toMatchObject({ result: { kind: 'errno' } });
  });
});
