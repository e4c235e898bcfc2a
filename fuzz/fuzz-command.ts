/**
 * `kvm-oracle fuzz` once its options are parsed (fuzz/cli.ts): starts the workers, runs
 * the engine with SIGINT and SIGTERM turned into a graceful stop, and reports, writes and
 * stores every failure it collected.
 */
import type { ImplementationFactory } from '../api/implementation.js';
import type { Io } from './cli.js';
import { campaignArb } from './campaign-arb.js';
import type { CorpusEntry } from './corpus.js';
import { Engine, type EngineResult, type Signal } from './engine.js';
import type { Found } from './found.js';
import type { Executor } from './executor.js';
import { inProcess } from './in-process.js';
import { MAX_NODES } from '../oracle/linearize.js';
import { reportFound } from './fuzz-report.js';
import type { Seed } from './seed.js';
import { WHOLE, shardText, type Shard } from './shard.js';
import { summaryOf, type Summary } from './summary.js';
import { Pool } from './workers/pool.js';
import { WorkerError } from './workers/proc.js';

export interface FuzzSettings {
  /** in this process: --workers 0, and the name recorded */
  readonly factory: ImplementationFactory;
  /** what each worker rebuilds the implementation from (--impl) */
  readonly spec: string;
  readonly mutant: string | null;
  readonly seed: Seed;
  readonly runs: number;
  readonly timeMs?: number;
  readonly shrinkTimeMs: number;
  readonly maxOps: number;
  readonly vcpus: number;
  readonly disabled: ReadonlySet<string>;
  readonly out: string;
  /** 0: in this process, without the wall-clock watchdog */
  readonly workers: number;
  readonly caseTimeoutMs: number;
  readonly shard: Shard;
  readonly corpusDir?: string;
  readonly corpus: readonly CorpusEntry[];
  readonly baseline?: ReadonlySet<string>;
  readonly maxFailures: number;
  /** after each stretch of the stream (the progress line) */
  readonly onProgress?: (p: { readonly runs: number; readonly failures: number }) => void;
  /** the campaign's summary, once it is written (--json, --junit) */
  readonly onSummary?: (s: Summary) => void;
}

const SIGNALS: Record<Signal, number> = { SIGINT: 130, SIGTERM: 143 };

const startExecutor = async (s: FuzzSettings): Promise<Executor> => {
  const setup = { spec: s.spec, mutant: s.mutant, disabled: [...s.disabled].sort(), shape: { maxOps: s.maxOps, vcpus: s.vcpus }, seed: s.seed.seed };
  return s.workers === 0 ? inProcess(s.factory, setup) : Pool.start({ workers: s.workers, caseTimeoutMs: s.caseTimeoutMs, setup });
};

/** runs the engine; the first signal stops it gracefully, a second one exits at once */
const runEngine = async (engine: Engine): Promise<EngineResult> => {
  const handlers = (Object.keys(SIGNALS) as Signal[]).map((sig) => {
    const h = (): void => (h.seen ? process.exit(SIGNALS[sig]) : ((h.seen = true), engine.stop(sig)));
    h.seen = false;
    process.on(sig, h);
    return [sig, h] as const;
  });
  try {
    return await engine.run();
  } finally {
    for (const [sig, h] of handlers) process.off(sig, h);
  }
};

export const runFuzz = async (s: FuzzSettings, io: Io): Promise<number> => {
  const t0 = Date.now();
  const seed = s.seed.seed;
  if (s.seed.drawn) io.out(`kvm-oracle fuzz: seed ${seed} (drawn by --seed random; --seed ${seed} replays this run)`);
  let exec: Executor;
  try {
    exec = await startExecutor(s);
  } catch (e) {
    if (e instanceof WorkerError) return io.err(`kvm-oracle fuzz: cannot start the workers: ${e.message}`), 2;
    throw e;
  }
  const identity = { implementation: s.factory.name, mutant: s.mutant, ...(s.disabled.size && { disabled: s.disabled }) };
  const onShrink = (run: number, f: { id: string }): void => io.err(`kvm-oracle fuzz: run ${run} failed (${f.id}); shrinking it (at most ${s.shrinkTimeMs} ms)`);
  const engine = new Engine({ ...s, seed, identity, onShrink, corpus: s.corpus, known: s.baseline, arb: campaignArb({ maxOps: s.maxOps, vcpus: s.vcpus }) }, exec);
  try {
    const r = await runEngine(engine);
    const shard = s.shard === WHOLE ? '' : `, shard ${shardText(s.shard)}`;
    const what = `seed ${seed}${shard}, ${s.workers} worker(s), ${s.vcpus} vCPU thread(s), implementation ${s.factory.name}, mutant ${s.mutant ?? 'none'}`;
    const written: { found: Found; file: string | null }[] = [];
    for (const f of r.failures) written.push({ found: f, file: await reportFound(f, { what, runs: r.runs, shrinkTimeMs: s.shrinkTimeMs, out: s.out, corpusDir: s.corpusDir, exec, used: written.map((w) => w.file) }, io) });
    if (!r.failures.length) io.out(`kvm-oracle fuzz: ${r.runs} runs, ${what}: no failure`);
    if (r.replayed) io.out(`  corpus: ${r.replayed} stored counterexample(s) replayed first`);
    // say so when some concurrent cases' results could not be checked against the model
    if (r.unchecked) io.out(`  ${r.unchecked} of them not checked for conformance: the linearizability search gave up after ${MAX_NODES} steps (monitors still ran)`);
    if (r.interrupted) io.out(`  interrupted by ${r.interrupted} after ${r.runs} runs`);
    s.onSummary?.(summaryOf({ seed, runs: r.runs, workers: s.workers, shard: s.shard === WHOLE ? null : s.shard, timeMs: Date.now() - t0, implementation: s.factory.name, mutant: s.mutant, replayed: r.replayed, interrupted: r.interrupted, failures: written, unchecked: r.unchecked, disabled: [...s.disabled].sort() }));
    if (r.failures.some((f) => !f.known)) return 1;
    return r.interrupted ? SIGNALS[r.interrupted] : 0;
  } finally {
    await exec.close();
  }
};
