/**
 * The kvm-oracle command line. main() returns the exit status and prints through `io`,
 * so tests drive it in process.
 */
import { availableParallelism } from 'node:os';
import { builtinFactory } from '../impl/builtin.js';
import { MUTANTS } from '../impl/mutants.js';
import type { ImplementationFactory } from '../api/implementation.js';
import { UsageError, durationOption, intOption, parseArgs, type Parsed } from './args.js';
import { INVARIANT_IDS } from '../oracle/monitors/index.js';
import { BadCounterexample, readCounterexample, type Counterexample } from './counterexample.js';
import { reportFailure } from './report.js';
import { runCase } from './runner.js';
import { formatRecord } from './format.js';
import { FUZZ_HELP, MAIN_HELP, MERGE_HELP, MUTANTS_HELP, REPLAY_HELP } from './help.js';
import { runFuzz } from './fuzz-command.js';
import { parseSeed } from './seed.js';
import { parseShard } from './shard.js';
import { loadCorpus } from './corpus.js';
import { loadBaseline } from './baseline.js';
import { SHRINK_TIME_MS } from './engine.js';
import { merge } from './merge.js';

export interface Io {
  out(line: string): void;
  err(line: string): void;
}

export const DEFAULT_OUT = 'counterexamples';
/** a case that runs longer than this (wall clock) is an IMPL_HANG */
export const CASE_TIMEOUT_MS = 10_000;
const IMPLEMENTATIONS: Record<string, ImplementationFactory> = { builtin: builtinFactory };

const checkMutant = (factory: ImplementationFactory, m: string | true | undefined): string | null => {
  if (m === undefined) return null;
  if (m === true || !factory.mutants.includes(m)) {
    throw new UsageError(`unknown mutant ${JSON.stringify(m)} (kvm-oracle mutants --list)`);
  }
  return m;
};

/** --disable ID[,ID...]: monitors switched off, by invariant id */
const disabledOption = (p: Parsed): Set<string> => {
  const v = p.options.get('disable');
  if (v === undefined) return new Set();
  const ids = String(v).split(',').filter(Boolean);
  for (const id of ids) if (!INVARIANT_IDS.includes(id as never)) throw new UsageError(`--disable: unknown invariant ${JSON.stringify(id)} (known: ${INVARIANT_IDS.join(', ')})`);
  return new Set(ids);
};

const fuzz = async (argv: string[], io: Io): Promise<number> => {
  const p = parseArgs(argv, {
    seed: { value: true }, runs: { value: true }, time: { value: true }, mutant: { value: true },
    out: { value: true }, 'max-ops': { value: true }, vcpus: { value: true }, disable: { value: true }, help: { value: false },
    workers: { value: true }, 'case-timeout': { value: true }, 'shrink-time': { value: true }, shard: { value: true },
    corpus: { value: true }, baseline: { value: true }, 'max-failures': { value: true },
  });
  if (p.options.has('help')) return io.out(FUZZ_HELP), 0;
  if (p.positional.length) throw new UsageError(`unexpected argument ${JSON.stringify(p.positional[0])}`);
  if (p.options.has('runs') && p.options.has('time')) throw new UsageError('give --runs or --time, not both');
  const factory = builtinFactory;
  const mutant = checkMutant(factory, p.options.get('mutant'));
  const vcpus = intOption(p, 'vcpus', 2, 1);
  if (vcpus > 8) throw new UsageError('--vcpus must be at most 8 (KVM_MAX_VCPUS here)');
  const caseTimeoutMs = durationOption(p, 'case-timeout') ?? CASE_TIMEOUT_MS;
  if (caseTimeoutMs < 1) throw new UsageError('--case-timeout must be more than 0');
  const corpusDir = p.options.get('corpus') as string | undefined;
  const baseline = p.options.get('baseline') as string | undefined;
  return runFuzz({
    factory, spec: factory.name, mutant, vcpus, corpusDir, caseTimeoutMs,
    seed: parseSeed(p.options.get('seed')),
    runs: intOption(p, 'runs', 2000, 1),
    timeMs: durationOption(p, 'time'),
    shrinkTimeMs: durationOption(p, 'shrink-time') ?? SHRINK_TIME_MS,
    maxOps: intOption(p, 'max-ops', 30, 1),
    disabled: disabledOption(p),
    out: (p.options.get('out') as string | undefined) ?? DEFAULT_OUT,
    workers: intOption(p, 'workers', availableParallelism()),
    shard: parseShard(p.options.get('shard')),
    corpus: corpusDir ? loadCorpus(corpusDir) : [],
    ...(baseline && { baseline: loadBaseline(baseline) }),
    maxFailures: intOption(p, 'max-failures', 1, 1),
  }, io);
};

const mergeCommand = (argv: string[], io: Io): number => {
  const p = parseArgs(argv, { json: { value: true }, help: { value: false } });
  if (p.options.has('help')) return io.out(MERGE_HELP), 0;
  return merge(p.positional, io, p.options.get('json') as string | undefined);
};

const replay = (argv: string[], io: Io): number => {
  const p = parseArgs(argv, { trace: { value: false }, disable: { value: true }, help: { value: false } });
  if (p.options.has('help')) return io.out(REPLAY_HELP), 0;
  if (p.positional.length !== 1) throw new UsageError('replay takes exactly one FILE');
  const file = p.positional[0]!;
  let cx: Counterexample;
  try {
    cx = readCounterexample(file);
  } catch (e) {
    if (e instanceof BadCounterexample) return io.err(`kvm-oracle replay: ${file}: ${e.message}`), 2;
    throw e;
  }
  const factory = IMPLEMENTATIONS[cx.implementation];
  if (!factory) return io.err(`kvm-oracle replay: ${file}: unknown implementation ${JSON.stringify(cx.implementation)}`), 2;
  if (cx.mutant !== null && !factory.mutants.includes(cx.mutant)) {
    return io.err(`kvm-oracle replay: ${file}: unknown mutant ${JSON.stringify(cx.mutant)}`), 2;
  }
  const disabled = new Set([...(cx.disabled ?? []), ...disabledOption(p)]);
  const outcome = runCase(cx, { factory, mutant: cx.mutant, disabled, keepTrace: true });
  if (p.options.has('trace')) for (const t of outcome.trace) io.out(`t${t.tid} ${formatRecord(t.record)}`);
  if (!outcome.failure) {
    io.out(`kvm-oracle replay: ${file}: passes (${cx.ops.length} operations; recorded as ${cx.invariant})`);
    return 0;
  }
  const now = { ...cx, invariant: outcome.failure.id, message: outcome.failure.message, step: outcome.failure.step };
  for (const l of reportFailure(now, outcome, cx)) io.out(l);
  return 1;
};

const mutants = (argv: string[], io: Io): number => {
  const p = parseArgs(argv, { list: { value: false }, verbose: { value: false }, help: { value: false } });
  if (p.options.has('help')) return io.out(MUTANTS_HELP), 0;
  if (!p.options.has('list')) throw new UsageError('mutants needs --list');
  for (const [name, what] of Object.entries(MUTANTS)) io.out(p.options.has('verbose') ? `${name}\t${what}` : name);
  return 0;
};

export const main = async (argv: string[], io: Io): Promise<number> => {
  const [cmd, ...rest] = argv;
  try {
    switch (cmd) {
      case 'fuzz':
        return await fuzz(rest, io);
      case 'merge':
        return mergeCommand(rest, io);
      case 'replay':
        return replay(rest, io);
      case 'mutants':
        return mutants(rest, io);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.out(MAIN_HELP);
        return cmd === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command ${JSON.stringify(cmd)}`);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`kvm-oracle: ${e.message} (kvm-oracle --help)`);
      return 2;
    }
    throw e;
  }
};
