/**
 * `kvm-oracle explore` once its options are parsed (fuzz/cli/explore-command.ts): starts
 * the workers, runs the search with SIGINT and SIGTERM turned into a stop, then reports
 * the scope, the failure (cut and written like fuzz's, replayable) and the verdict.
 */
import type { ImplementationFactory } from '../../api/implementation.js';
import type { Io } from '../io.js';
import type { Executor } from '../campaign/executor.js';
import { toCounterexample } from '../campaign/found.js';
import { failureSignature } from '../campaign/signature.js';
import { truncate } from '../campaign/shrink.js';
import { writeAtomic } from '../campaign/counterexample.js';
import { reportFound } from '../report/fuzz-report.js';
import { inProcess } from '../campaign/in-process.js';
import { Pool } from '../workers/pool.js';
import { WorkerError } from '../workers/proc.js';
import type { Domain } from '../explore/domain.js';
import { EXIT_NOT_EXHAUSTED, ExploreProgress, boundText, exhausted, exploreSummary, scopeLines, verdictLines } from '../report/explore.js';
import { search, type Bound } from '../explore/search.js';

export interface ExploreSettings {
  readonly factory: ImplementationFactory;
  readonly spec: string;
  readonly opTimeoutMs?: number;
  readonly mutant: string | null;
  readonly disabled: ReadonlySet<string>;
  readonly bound: Bound;
  readonly domains: readonly Domain[];
  readonly workers: number;
  readonly caseTimeoutMs: number;
  readonly timeMs?: number;
  readonly out: string;
  readonly json?: string;
  readonly notes?: readonly string[];
  /** expand every node, seen or not */
  readonly noPrune?: boolean;
}

const SIGNALS = { SIGINT: 130, SIGTERM: 143 } as const;
type Signal = keyof typeof SIGNALS;

export const runExplore = async (s: ExploreSettings, io: Io): Promise<number> => {
  const setup = { spec: s.spec, ...(s.opTimeoutMs !== undefined && { opTimeoutMs: s.opTimeoutMs }), mutant: s.mutant, disabled: [...s.disabled].sort() };
  let exec: Executor;
  try {
    exec = s.workers === 0 ? inProcess(s.factory, setup) : await Pool.start({ workers: s.workers, caseTimeoutMs: s.caseTimeoutMs, setup });
  } catch (e) {
    if (e instanceof WorkerError) return io.err(`kvm-oracle explore: cannot start the workers: ${e.message}`), 2;
    throw e;
  }
  let signal: Signal | null = null;
  const handlers = (Object.keys(SIGNALS) as Signal[]).map((sig) => {
    const h = (): void => (signal ? process.exit(SIGNALS[sig]) : void (signal = sig));
    process.on(sig, h);
    return [sig, h] as const;
  });
  const what = `${boundText(s.bound)}, ${s.workers} worker(s), implementation ${s.spec}, mutant ${s.mutant ?? 'none'}`;
  const line = io.progress ? new ExploreProgress({ sink: io.progress, runs: 0, ...(s.timeMs !== undefined && { timeMs: s.timeMs }) }) : null;
  try {
    io.out(`kvm-oracle explore: ${what}`);
    for (const l of scopeLines(s.domains)) io.out(l);
    const deadline = s.timeMs === undefined ? Infinity : Date.now() + s.timeMs;
    const res = await search(exec, {
      bound: s.bound,
      domains: s.domains,
      noPrune: s.noPrune ?? false,
      stopped: () => (signal !== null ? 'signal' : Date.now() >= deadline ? 'time' : null),
      ...(line && { onProgress: (cases: number, states: number, depth: number) => line.explored(cases, states, depth) }),
    });
    line?.end();
    let file: string | null = null;
    if (res.failure) {
      const { job, probe } = res.failure;
      const cut = await truncate(exec, { tc: job.tc, failure: probe.failure!, steps: 0, cut: null });
      const identity = { implementation: s.spec, mutant: s.mutant, ...(s.disabled.size && { disabled: s.disabled }) };
      const counterexample = { ...toCounterexample(cut.tc, cut.failure, 0, identity), explore: s.bound };
      const found = { counterexample, outcome: cut.outcome, signature: failureSignature(counterexample), known: false, firstSeen: res.failure.caseNo, source: 'generated' as const, shrinks: 0, shrinkCut: null };
      const header = `failure at depth ${job.depth} (case ${res.failure.caseNo} of the search; no shallower case fails)`;
      file = await reportFound(found, { what, runs: res.cases, shrinkTimeMs: 0, out: s.out, exec, command: 'explore', header }, io);
    }
    for (const l of verdictLines(res, s.bound, s.spec)) io.out(l);
    for (const l of s.notes ?? []) io.out(l);
    if (s.json) {
      try {
        writeAtomic(s.json, JSON.stringify(exploreSummary(res, s.bound, { spec: s.spec, mutant: s.mutant, workers: s.workers, domains: s.domains }, file), null, 2) + '\n');
      } catch (e) {
        io.err(`kvm-oracle explore: cannot write ${s.json}: ${(e as Error).message}`);
        if (!res.failure) return 2;
      }
    }
    if (res.failure) return 1;
    if (signal) return SIGNALS[signal];
    return exhausted(res) ? 0 : EXIT_NOT_EXHAUSTED;
  } finally {
    for (const [sig, h] of handlers) process.off(sig, h);
    await exec.close();
  }
};
