/**
 * `kvm-oracle fuzz` once its options are parsed (fuzz/cli/fuzz-command.ts): starts the
 * workers, runs the campaign loop with SIGINT and SIGTERM turned into a graceful stop, reports,
 * writes and stores every failure it collected, then the summary files (--json, --junit,
 * --stats).
 */
import { GuideCorpus } from '../guided/corpus.js';
import { loadGuide, saveGuide } from '../guided/store.js';
import type { ImplementationFactory } from '../../api/implementation.js';
import type { Io } from '../io.js';
import { toWire } from '../gen/campaign-arb.js';
import { caseSource } from '../campaign/source.js';
import type { EngineName } from '../engines/name.js';
import { moveEntry, type CorpusEntry } from '../campaign/corpus.js';
import { CampaignLoop, type LoopResult } from '../campaign/loop.js';
import { SIGNAL_EXIT as SIGNALS, catchSignals } from '../campaign/signals.js';
import type { Found } from '../campaign/found.js';
import type { Executor } from '../campaign/executor.js';
import { inProcess } from '../campaign/in-process.js';
import { MAX_NODES, NODES_PER_OP } from '../../oracle/linearize.js';
import { reportFound } from '../report/fuzz-report.js';
import { outOfReach, reachOf, type Reach } from '../gen/reach.js';
import { campaignOutputs, campaignSummary, type OutputFiles } from '../report/outputs.js';
import { CampaignWatch } from '../report/watch.js';
import type { Seed } from '../campaign/seed.js';
import { WHOLE, shardText, type Shard } from '../campaign/shard.js';
import { digest } from '../campaign/case-set.js';
import type { NotChecked, Summary } from '../report/summary.js';
import { Pool } from '../workers/pool.js';
import { WorkerError } from '../workers/proc.js';
import { expressibleBy } from '../report/expressible.js';

export interface FuzzSettings {
  /** in this process: --workers 0, and the shrink's re-runs' report */
  readonly factory: ImplementationFactory;
  /** what each worker rebuilds the implementation from (--impl); recorded in counterexamples */
  readonly spec: string;
  readonly opTimeoutMs?: number;
  readonly mutant: string | null;
  readonly seed: Seed;
  readonly runs: number;
  readonly timeMs?: number;
  readonly shrinkTimeMs: number;
  readonly maxOps: number;
  readonly vcpus: number;
  /** what the generator may make (default: the implementation's capabilities) */
  readonly reach?: Reach;
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
  /** --engine: which engine draws and shrinks the cases (default fast-check) */
  readonly engine?: EngineName;
  /** guided generation (fuzz/guided/): derive cases from those that reached something new */
  readonly guided?: boolean;
  /** --guide-corpus: where the guide corpus is kept between campaigns (read first, written after) */
  readonly guideDir?: string;
  /** --json, --junit, --stats */
  readonly files?: OutputFiles;
  /** printed after the verdict: what the implementation leaves unchecked */
  readonly notes?: readonly string[];
  /** the same, for the summary */
  readonly more?: readonly NotChecked[];
  /** the campaign's summary, once it is made */
  readonly onSummary?: (s: Summary) => void;
}

/** the corpus replay in a few lines; moves the entries that passed to fixed/, the regressed ones back */
const corpusLines = (r: LoopResult, dir: string | undefined, io: Io): string[] => {
  const from = r.failures.filter((f) => f.source === 'corpus');
  const open = from.filter((f) => f.corpus === 'open').length;
  const regressed = from.filter((f) => f.corpus === 'regressed');
  const out = [`  corpus: ${r.replayed} stored counterexample(s) replayed first: ${open} open (still failing, known), ${r.fixed.length} fixed now, ${regressed.length} regressed, ${r.stillFixed} still fixed`];
  const move = (file: string, to: 'fixed' | 'open', what: string): void => {
    try {
      out.push(`  corpus: ${what} ${dir ? `${file} moved to ${moveEntry(dir, file, to)}` : file}`);
    } catch (e) {
      io.err(`kvm-oracle: cannot move ${file}: ${(e as Error).message}`);
    }
  };
  for (const f of r.fixed) move(f, 'fixed', 'fixed (passes now):');
  for (const f of regressed) move(f.from!, 'open', 'REGRESSED (fixed before, fails again):');
  return out;
};

export const runFuzz = async (s: FuzzSettings, io: Io): Promise<number> => {
  const t0 = Date.now();
  const seed = s.seed.seed;
  const files = s.files ?? { stats: false };
  if (s.seed.drawn) io.out(`kvm-oracle fuzz: seed ${seed} (drawn by --seed random; --seed ${seed} replays this run)`);
  const reach = s.reach ?? reachOf(s.factory.capabilities, s.spec);
  const shape = { maxOps: s.maxOps, vcpus: s.vcpus };
  // the stats (and the idle monitors the summary names): each executor collects them per stretch
  const stats = files.stats || files.json !== undefined || files.junit !== undefined;
  const setup = { spec: s.spec, ...(s.opTimeoutMs !== undefined && { opTimeoutMs: s.opTimeoutMs }), mutant: s.mutant, disabled: [...s.disabled].sort(), shape, reach: toWire(reach), seed, stats, ...(s.engine && { engine: s.engine }), ...(s.guided && { guided: true }) };
  const guide = s.guided ? new GuideCorpus(s.guideDir ? loadGuide(s.guideDir) : []) : undefined;
  const watch = io.progress ? new CampaignWatch({ sink: io.progress, runs: s.runs, timeMs: s.timeMs }) : null;
  let exec: Executor;
  try {
    exec = s.workers === 0 ? inProcess(s.factory, setup) : await Pool.start({ workers: s.workers, caseTimeoutMs: s.caseTimeoutMs, setup });
  } catch (e) {
    if (e instanceof WorkerError) return io.err(`kvm-oracle fuzz: cannot start the workers: ${e.message}`), 2;
    throw e;
  }
  const identity = { implementation: s.spec, mutant: s.mutant, ...(s.disabled.size && { disabled: s.disabled }), ...(s.engine && { engine: s.engine }), ...(s.factory.capabilities.host && { host: s.factory.capabilities.host }) };
  const onShrink = (run: number, f: { id: string }): void => {
    io.err(`kvm-oracle fuzz: run ${run} failed (${f.id}); shrinking it (at most ${s.shrinkTimeMs} ms)`);
    watch?.onShrink(run);
  };
  // a corpus entry this implementation cannot run is not checked, never a new failure
  const lacking = s.corpus.map((e) => outOfReach(e.cx, reach, s.spec));
  const corpus = s.corpus.filter((_, i) => lacking[i] === null);
  const skipped = lacking.filter((l) => l !== null);
  const loop = new CampaignLoop({ ...s, seed, identity, onShrink, ...(watch && { onProgress: watch.onProgress }), corpus, known: s.baseline, source: caseSource(setup, guide) }, watch ? watch.executor(exec) : exec);
  // the handlers stay until the last file is written (signals.ts)
  const signals = catchSignals((sig) => loop.stop(sig));
  try {
    const r = await loop.run();
    watch?.end();
    const shard = s.shard === WHOLE ? '' : `, shard ${shardText(s.shard)}`;
    const rules = reach.rules === 'seeds' ? '' : `, ${reach.rules} rules`;
    const eng = `${s.engine && s.engine !== 'fast-check' ? `, engine ${s.engine}` : ''}${s.guided ? '' : ', plain generator'}`;
    const what = `seed ${seed}${shard}, ${s.workers} worker(s), ${s.vcpus} vCPU thread(s), implementation ${s.spec}, mutant ${s.mutant ?? 'none'}${rules}${eng}`;
    const written: { found: Found; file: string | null }[] = [];
    for (const f of r.failures) written.push({ found: f, file: await reportFound(f, { what, runs: r.runs, shrinkTimeMs: s.shrinkTimeMs, out: s.out, corpusDir: s.corpusDir, exec }, io) });
    if (!r.failures.length) io.out(`kvm-oracle fuzz: ${r.runs} runs, ${what}: no failure`);
    else if (r.failures.every((f) => f.known)) io.out(`kvm-oracle fuzz: ${r.runs} runs, ${what}: no new failure (${r.failures.length} known)`);
    if (r.replayed) for (const l of corpusLines(r, s.corpusDir, io)) io.out(l);
    if (skipped.length) io.out(`  corpus: ${skipped.length} stored counterexample(s) not checked: ${s.spec} cannot run them (the first: ${skipped[0]})`);
    // say so when some concurrent cases' results could not be checked against the model
    if (r.unchecked) io.out(`  ${r.unchecked} of them not checked for conformance: the linearizability search gave up (its budget: ${MAX_NODES} nodes, or ${NODES_PER_OP} per operation, for each independent part; monitors still ran)`);
    if (r.unsupported) io.out(`  ${r.unsupported} of them not checked: ${s.spec} cannot run them here (the first: ${r.unsupportedWhy})`);
    for (const l of s.notes ?? []) io.out(l);
    if (r.interrupted) io.out(`  interrupted by ${r.interrupted} after ${r.runs} runs`);
    if (guide && (s.guideDir || files.stats)) io.out(`  guided: ${guide.entries.length} case(s) in the guide corpus, ${guide.known.size} feature(s) reached${s.guideDir ? `; kept in ${saveGuide(s.guideDir, guide.entries)}` : ''}`);
    const more = [...(skipped.length ? [{ check: 'corpus', reason: `${s.spec} cannot run them (the first: ${skipped[0]})`, cases: skipped.length }] : []), ...(r.unsupported ? [{ check: 'cases', reason: `${s.spec} cannot run them here (the first: ${r.unsupportedWhy})`, cases: r.unsupported }] : []), ...(s.more ?? [])];
    const stream = { seed, runs: s.timeMs === undefined ? s.runs : null, maxOps: s.maxOps, vcpus: s.vcpus, engine: s.engine ?? 'fast-check', implementation: s.spec, mutant: s.mutant, reach: digest(setup.reach) };
    const cases = { stream, start: s.shard.index - 1, stride: s.shard.count, count: r.runs };
    const end = { seed, runs: r.runs, workers: s.workers, shard: s.shard === WHOLE ? null : s.shard, timeMs: Date.now() - t0, implementation: s.spec, mutant: s.mutant, ...(s.engine && s.engine !== 'fast-check' && { engine: s.engine }), replayed: r.replayed, ...(r.fixed.length && { fixed: r.fixed }), interrupted: r.interrupted, failures: written, unchecked: r.unchecked, disabled: s.disabled, stats: r.stats, more, rules: reach.rules, inexpressible: expressibleBy(s.factory.capabilities, reach, s.spec), cases };
    s.onSummary?.(campaignSummary(end));
    const o = campaignOutputs(end, files);
    for (const l of o.out) io.out(l);
    for (const l of o.errors) io.err(l);
    await signals.settle();
    const late = r.interrupted ? null : signals.caught;
    if (late) io.out(`  interrupted by ${late} after the search, while the reports were written (every file written is whole)`);
    if (r.failures.some((f) => !f.known)) return 1;
    if (r.interrupted ?? late) return SIGNALS[(r.interrupted ?? late)!];
    return o.errors.length ? 2 : 0;
  } finally {
    await exec.close();
    signals.release();
  }
};
