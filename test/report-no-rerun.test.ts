/**
 * Acceptance (issue 21, item 2): a failing case's reports are written from the run that
 * failed, kept by shrinking with its evidence, without running the case, the model's
 * linearizability search or the executor again. The runner and the search are counted
 * through spies on their modules (every importer sees the counted ones).
 */
import { describe, expect, it, vi } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ImplementationFactory } from '../api/implementation.js';
import { builtinFactory } from '../impl/builtin.js';
import { forgetful } from './fakes/forgetful.js';
import { CampaignLoop } from '../fuzz/campaign/loop.js';
import { inProcess } from '../fuzz/campaign/in-process.js';
import type { Executor } from '../fuzz/campaign/executor.js';
import type { Found } from '../fuzz/campaign/found.js';
import { readCounterexample } from '../fuzz/campaign/counterexample.js';
import { caseSource } from '../fuzz/campaign/source.js';
import { toWire } from '../fuzz/gen/campaign-arb.js';
import { reachOf } from '../fuzz/gen/reach.js';
import { reportFound } from '../fuzz/report/fuzz-report.js';

const calls = vi.hoisted(() => ({ runCase: 0, search: 0 }));
vi.mock('../fuzz/run/runner.js', async (original) => {
  const m = await original<typeof import('../fuzz/run/runner.js')>();
  return { ...m, runCase: (...a: Parameters<typeof m.runCase>) => (calls.runCase++, m.runCase(...a)) };
});
vi.mock('../oracle/search.js', async (original) => {
  const m = await original<typeof import('../oracle/search.js')>();
  return { ...m, search: (...a: Parameters<typeof m.search>) => (calls.search++, m.search(...a)) };
});


const campaign = async (factory: ImplementationFactory, mutant: string | null, o: { seed: number; corpus?: { file: string; cx: ReturnType<typeof readCounterexample>; fixed: boolean }[] }) => {
  const setup = { spec: factory.name, mutant, disabled: [], shape: { maxOps: 30, vcpus: 2 }, reach: toWire(reachOf(factory.capabilities, factory.name)), seed: o.seed };
  const exec = inProcess(factory, setup);
  const r = await new CampaignLoop({ seed: o.seed, runs: 2000, hunt: 0, identity: { implementation: factory.name, mutant }, source: caseSource(setup), ...(o.corpus && { corpus: o.corpus }) }, exec).run();
  return r.failures;
};

/** reports `f` as fuzz does, counting every run of the case and search of the model meanwhile */
const reportCounted = async (f: Found) => {
  const out = mkdtempSync(join(tmpdir(), 'kvm-oracle-evidence-'));
  let execRuns = 0;
  const exec: Executor = { workers: 1, scan: () => Promise.reject(new Error('no scan')), probe: () => Promise.reject(new Error('no probe')), run: () => (execRuns++, Promise.reject(new Error('no run'))), abort: () => {}, close: async () => {} };
  const lines: string[] = [];
  [calls.runCase, calls.search] = [0, 0];
  const file = await reportFound(f, { what: 'test', runs: 1, shrinkTimeMs: 0, out, exec }, { out: (l: string) => lines.push(l), err: (l: string) => lines.push(l) } as never);
  expect(file).not.toBeNull();
  return { runs: calls.runCase + execRuns, searches: calls.search, md: readFileSync(file!.replace(/\.json$/, '.md'), 'utf8'), txt: readFileSync(file!.replace(/\.json$/, '.txt'), 'utf8'), out: lines.join('\n') };
};

describe('a failing case is reported from the run that failed', () => {
  it('a shrunk CONFORMANCE failure: the Markdown and text reports need no run and no search', async () => {
    const [f] = await campaign(forgetful, null, { seed: 2 });
    expect(f?.counterexample.invariant).toBe('CONFORMANCE');
    expect(calls.runCase).toBeGreaterThan(0); // the campaign itself ran through the counted runner
    const r = await reportCounted(f!);
    expect({ runs: r.runs, searches: r.searches }).toEqual({ runs: 0, searches: 0 });
    // the expected results are there all the same: the evidence the failing run returned
    expect(r.md).toContain("Expected results are the model's, in program order.");
    expect(r.md).toMatch(/\| KVM_TRANSLATE [^|]* \| valid 1, gpa 0x[0-9a-f]+ \| valid 0 \| \*\*fails here\*\* \(CONFORMANCE\) \|/);
    expect(r.txt).toContain('fails here (CONFORMANCE)');
    expect(r.out).toContain('FAIL CONFORMANCE');
  });

  // an entry of the corpus's fixed/ that fails again is reported in full (an open one is known: one line)
  it('a corpus entry broken by a monitor on two threads: its report shows the linearization the runner found, with no search of its own', async () => {
    const file = new URL('./fixtures/RMA_ONCE-rma-no-recheck-two-threads.json', import.meta.url).pathname;
    const cx = readCounterexample(file);
    const [f] = await campaign(builtinFactory, cx.mutant, { seed: 1, corpus: [{ file, cx, fixed: true }] });
    expect(f).toMatchObject({ source: 'corpus', corpus: 'regressed', counterexample: { invariant: 'RMA_ONCE' } });
    expect(f!.outcome?.evidence?.basis).toBe('a linearization');
    const r = await reportCounted(f!);
    expect({ runs: r.runs, searches: r.searches }).toEqual({ runs: 0, searches: 0 });
    expect(r.md).toContain("Expected results are the model's, in a linearization.");
    expect(r.md).toMatch(/The order the check found: 0, 1, 2, 2 \(phase 2\), [0-9a-z ,()]+\./);
    expect(r.md).toContain('```mermaid');
  });

  it('a failure that came without its run (explore before it kept one) is run once for its report', async () => {
    const file = new URL('./fixtures/RMA_ONCE-rma-no-recheck-two-threads.json', import.meta.url).pathname;
    const cx = readCounterexample(file);
    const [f] = await campaign(builtinFactory, cx.mutant, { seed: 1, corpus: [{ file, cx, fixed: true }] });
    const { outcome: _, ...bare } = f!;
    await expect(reportCounted(bare)).rejects.toThrow('no run');
  });
});
