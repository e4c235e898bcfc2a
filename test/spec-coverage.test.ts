import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { HostConfig, Op, TestCase } from '../api/ops.js';
import { initialState, type ModelState } from '../model/state.js';
import { step, stepPhase } from '../model/step.js';
import { OUTCOME_NAMES, UNREACHABLE, type Outcome } from '../model/outcomes/index.js';
import { runCase } from '../fuzz/run/runner.js';
import { builtinFactory } from '../impl/builtin.js';
import { campaignArb } from '../fuzz/gen/campaign-arb.js';
import { reachOf } from '../fuzz/gen/reach.js';
import { countCase, countingInto, emptyStats, formatStats, mergeStats } from '../fuzz/report/stats.js';
import { mergeCoverage, specCoverage } from '../fuzz/report/spec-coverage.js';
import { BASIC, SVM_TDP, TO_LONG_MODE, VMX, op } from './helpers.js';
import { P7, TWO_SLOTS, ppc } from './helpers-ppc.js';

const UP: HostConfig = { ...VMX, rules: 'upstream' };

/** the outcomes of `ops` stepped one after another */
const outcomesOf = (ops: readonly Op[], config: HostConfig = VMX): Outcome[] => {
  let s = initialState(config);
  const out: Outcome[] = [];
  for (const o of ops) {
    const r = step(s, o);
    s = r.state;
    out.push(...(r.outcomes ?? []));
  }
  return out;
};

/** steps phases of operations in a chosen interleaving: go(op, tid, phases) */
const interleaving = (ops: readonly Op[], config: HostConfig = VMX) => {
  let s: ModelState = initialState(config);
  for (const o of ops) s = step(s, o).state;
  const phase = new Map<Op, number>();
  const out: Outcome[] = [];
  /** up to n phases of `o` (it may end sooner) */
  const go = (o: Op, tid: number, n = 1): void => {
    for (let k = 0; k < n && phase.get(o) !== -1; k++) {
      const p = phase.get(o) ?? 0;
      const r = stepPhase(s, o, p, tid);
      if (r.blocked) throw new Error(`${o.kind} blocked in phase ${p}`);
      s = r.state;
      phase.set(o, r.result ? -1 : p + 1);
      out.push(...(r.outcomes ?? []));
    }
  };
  return { go, out, whole: (o: Op, tid = 0) => go(o, tid, Infinity) };
};

const SLOT1 = 0x1000000; // gpa of slot 1's first RAM page in TWO_SLOTS
/** a POWER7 VM with the VRMA set up by vCPU 0's first run, and vCPU 1 */
const PPC_READY = [...TWO_SLOTS, ppc.run(), ppc.vcpu(1)];

/** hand-written cases for the outcomes a short random case rarely takes: races, limits, upstream rules */
const rare = (): Outcome[] => {
  const out: Outcome[] = [
    ...outcomesOf([ppc.createVm(), { kind: 'getDirtyLog', vm: 0 as never, slot: 0 as never }]),
    ...outcomesOf([op.createVm(), op.slot(0, 0, 0), op.slot(1, 0, 8, 0, 2), op.slot(1, 0, 8, 0, 0), op.createVcpu(), op.slot(2, 64, 8, 0, 2), op.run(64 * 4096, true)], UP),
    ...outcomesOf([...BASIC, ...TO_LONG_MODE, op.setCr('cr0', 1)], UP),
    ...outcomesOf([...BASIC, ...TO_LONG_MODE, op.setCr('cr4', 0)]),
    ...outcomesOf([...BASIC, op.setCr('cr4', 2 ** 32), op.slot(1, 64, 8, 0, 1), op.slot(1, 64, 8, 0, 0)]),
    ...outcomesOf([op.createVm(), op.slot(0, 0, 8, 0, 1), op.createVcpu(), op.run(0x1000, true), { kind: 'getDirtyLog', vm: 0 as never, slot: 0 as never }]),
    ...outcomesOf([op.createVm(), op.createVcpu(), ppc.map(0, 1, 13), ppc.unmap(40), ppc.rma(), ppc.hEnter(0)]),
  ];
  // the root goes away while a TDP run's access resolves, and its reload fails
  const tdp = interleaving([...BASIC, op.run(), op.slot(1, 100, 4), op.failTopup()], SVM_TDP);
  const run = op.run(0x1000);
  tdp.go(run, 0);
  tdp.whole(op.slot(1, 200, 4), 1);
  tdp.go(run, 0, 2);
  // the same without the failure: the guest's instruction runs again after the reload
  const again = interleaving([...BASIC, op.run(), op.slot(1, 100, 4)], SVM_TDP);
  again.go(run, 0);
  again.whole(op.slot(1, 200, 4), 1);
  again.go(run, 0, 2);
  out.push(...again.out);
  // H_ENTER of vCPU 0 goes virtual; vCPU 1 pins the page first (known), or during its pin (pinRace)
  for (const [at, cut] of [[3, 'known'], [5, 'race'], [5, 'retry'], [6, 'resource']] as const) {
    const p = interleaving(PPC_READY);
    const h0 = ppc.hEnter(SLOT1, 8);
    p.go(h0, 0, at);
    if (cut === 'known' || cut === 'race') p.whole(ppc.hEnter(SLOT1, 16, { vcpu: 1 }), 1);
    // the slot deleted and made again: its slot_phys array is a new one, empty
    else for (const o of [ppc.slot(1, 1, 0), ppc.slot(1, 1, 2)]) p.whole(o, 1);
    p.whole(h0, 0);
    out.push(...p.out);
  }
  return out.concat(tdp.out);
};

/** outcomes of generated cases, stepped in program order (the model only: fast) */
const generated = (config: 'seeds' | 'upstream', n: number): Outcome[] => {
  const reach = reachOf(builtinFactory.capabilities, 'builtin', undefined, [], config);
  return fc.sample(campaignArb({}, reach), { seed: 7, numRuns: n }).flatMap((tc: TestCase) => outcomesOf(tc.ops, tc.config));
};

describe('spec coverage', () => {
  it('names the outcome each rule takes, on one thread and on several', () => {
    const one = runCase({ config: VMX, ops: [...BASIC, op.slot(1, 8, 4), op.createVm(), op.run(null)] }, { factory: builtinFactory, mutant: null, coverage: true });
    expect(one.outcomes).toEqual(['createVm/x86', 'setMemoryRegion/create', 'createVcpu/created', 'setMemoryRegion/overlap→EEXIST', 'createVm/exists→EEXIST', 'run/rootReload', 'run/halt']);
    const two = runCase(
      { config: VMX, ops: [...BASIC, op.createVcpu(1), op.run(null, false, 0), op.run(null, false, 1), op.setCr('cr4', 0x2000, 1)], threads: [0, 0, 0, 0, 0, 1, 1] },
      { factory: builtinFactory, mutant: null, coverage: true },
    );
    expect(two.failure).toBeNull();
    expect([...two.outcomes!].sort()).toEqual(
      ['createVm/x86', 'setMemoryRegion/create', 'createVcpu/created', 'createVcpu/created', 'run/rootReload', 'run/halt', 'run/rootReload', 'run/halt', 'setCr/cr4.reserved→#GP'].sort(),
    );
    expect(runCase({ config: VMX, ops: [op.run()] }, { factory: builtinFactory, mutant: null }).outcomes).toBeUndefined();
  });

  it('every declared outcome is taken by some model step, or says why none can take it', () => {
    const seen = new Set<string>([...generated('seeds', 1500), ...generated('upstream', 600), ...rare()]);
    const missed = OUTCOME_NAMES.filter((o) => !seen.has(o) && !UNREACHABLE[o]);
    expect(missed).toEqual([]);
    for (const o of Object.keys(UNREACHABLE)) expect(seen.has(o)).toBe(false);
  });

  it('counts outcomes in --stats, adds them up across workers, and lists those never reached', () => {
    const one = emptyStats();
    countCase(one, runCase({ config: VMX, ops: [...BASIC, op.run(), { kind: 'run', vm: 3 as never, vcpu: 0 as never, access: null }] }, { factory: builtinFactory, mutant: null, ...countingInto(one) }));
    const sum = mergeStats(one, one);
    expect(sum.outcomes['run/halt']).toBe(2);
    expect(sum.outcomes['vm.missing→EBADF']).toBe(2);
    const c = specCoverage(sum.outcomes, 10, 'seeds');
    expect(c.missingOps).toBe(2);
    expect(c.never.find((n) => n.name === 'setCr/cr0.leaveLong→#GP')?.reason).toMatch(/only under the upstream rules/);
    const text = formatStats(sum).join('\n');
    expect(text).toMatch(/operations on a missing VM, vCPU or slot: 2 of 10 \(20\.0%\)/);
    expect(text).toMatch(/^ {4}getDirtyLog\/nonEmpty: 0 {3}<-- never reached/m);
    // shards' summaries add up; one without coverage makes the merge say nothing rather than something partial
    const shard = { rules: 'seeds' as const, ops: 10, outcomes: sum.outcomes };
    expect(mergeCoverage([shard, shard])).toEqual({ rules: 'seeds', ops: 20, outcomes: mergeStats(sum, sum).outcomes });
    expect(mergeCoverage([shard, undefined])).toBeUndefined();
  });
});
