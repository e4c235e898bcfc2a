/** `kvm-oracle fuzz`: its options, checked; the command body (workers, signals, reports, summary) is run-fuzz.ts. */
import { BadInput } from '../io.js';
import { availableParallelism } from 'node:os';
import { durationOption, intOption, parseArgs } from './options.js';
import { MAX_CASE_OPS } from '../gen/arbitraries.js';
import { loadBaseline } from '../campaign/baseline.js';
import { loadCorpus } from '../campaign/corpus.js';
import { SHRINK_TIME_MS } from '../campaign/loop.js';
import { FUZZ_HELP } from './help.js';
import { engineOption } from './engine-option.js';
import { guidedOptions } from './guided-option.js';
import { reachOf, ReachError } from '../gen/reach.js';
import { runFuzz } from './run-fuzz.js';
import { parseSeed } from '../campaign/seed.js';
import { parseShard } from '../campaign/shard.js';
import { IMPL_OPTIONS, checkMutant, disabledOption, implOption, listOption, notCheckedReport, opTimeout, type Io } from './common.js';

export const DEFAULT_OUT = 'counterexamples';
/** a case that runs longer than this (wall clock) is an IMPL_HANG */
export const CASE_TIMEOUT_MS = 10_000;

export const fuzzCommand = async (argv: string[], io: Io): Promise<number> => {
  const p = parseArgs(argv, {
    seed: { value: true }, runs: { value: true }, time: { value: true }, mutant: { value: true },
    out: { value: true }, 'max-ops': { value: true }, vcpus: { value: true }, disable: { value: true },
    ops: { value: true }, 'skip-ops': { value: true }, rules: { value: true }, ...IMPL_OPTIONS, help: { value: false },
    junit: { value: true }, json: { value: true }, stats: { value: false },
    workers: { value: true }, 'case-timeout': { value: true }, 'shrink-time': { value: true }, shard: { value: true },
    corpus: { value: true }, baseline: { value: true }, 'max-failures': { value: true }, engine: { value: true },
    guided: { value: false }, generator: { value: true }, 'guide-corpus': { value: true },
  });
  if (p.options.has('help')) return io.out(FUZZ_HELP), 0;
  if (p.positional.length) throw new BadInput(`unexpected argument ${JSON.stringify(p.positional[0])}`);
  if (p.options.has('runs') && p.options.has('time')) throw new BadInput('give --runs or --time, not both');
  // --time 0 would run nothing and pass: a campaign that checked nothing must not look clean
  if ((durationOption(p, 'time') ?? 1) < 1) throw new BadInput('--time must be at least 1ms');
  const maxOps = intOption(p, 'max-ops', 30, 1);
  const vcpus = intOption(p, 'vcpus', 2, 1);
  if (vcpus > 8) throw new BadInput('--vcpus must be at most 8 (KVM_MAX_VCPUS here)');
  if (maxOps > MAX_CASE_OPS) throw new BadInput(`--max-ops must be at most ${MAX_CASE_OPS}`);
  const caseTimeoutMs = durationOption(p, 'case-timeout') ?? CASE_TIMEOUT_MS;
  if (caseTimeoutMs < 1) throw new BadInput('--case-timeout must be more than 0');
  const disabled = disabledOption(p);
  const only = listOption(p, 'ops');
  const skip = listOption(p, 'skip-ops') ?? [];
  const rules = p.options.get('rules');
  if (rules !== undefined && rules !== 'seeds' && rules !== 'upstream') throw new BadInput(`--rules must be seeds or upstream, got ${JSON.stringify(rules)}`);
  const engine = engineOption(p);
  const corpusDir = p.options.get('corpus') as string | undefined;
  const baseline = p.options.get('baseline') as string | undefined;
  const settings = {
    seed: parseSeed(p.options.get('seed')),
    runs: intOption(p, 'runs', 2000, 1),
    timeMs: durationOption(p, 'time'),
    shrinkTimeMs: durationOption(p, 'shrink-time') ?? SHRINK_TIME_MS,
    maxOps, vcpus, disabled, caseTimeoutMs, corpusDir,
    out: (p.options.get('out') as string | undefined) ?? DEFAULT_OUT,
    workers: intOption(p, 'workers', availableParallelism()),
    shard: parseShard(p.options.get('shard')),
    corpus: corpusDir ? loadCorpus(corpusDir) : [],
    ...(baseline && { baseline: loadBaseline(baseline) }),
    maxFailures: intOption(p, 'max-failures', 1, 1),
    engine,
    ...guidedOptions(p),
    files: { junit: p.options.get('junit') as string | undefined, json: p.options.get('json') as string | undefined, stats: p.options.has('stats') },
  };
  const { spec, factory } = await implOption(p);
  try {
    const mutant = checkMutant(factory, spec, p.options.get('mutant'));
    let reach;
    try {
      reach = reachOf(factory.capabilities, spec, only, skip, rules);
    } catch (e) {
      if (e instanceof ReachError) throw new BadInput(e.message);
      throw e;
    }
    const blind = notCheckedReport(factory, spec, disabled);
    const notes = blind.map((l) => `  ${l}`);
    const declared = factory.capabilities.rules ?? ['seeds'];
    if (!declared.includes(reach.rules)) notes.push(`  note: ${spec} follows the ${declared.join(', ')} rules; holding it to the ${reach.rules} rules makes each difference a failure`);
    const more = blind.filter((l) => l.startsWith('not ')).map((reason) => ({ check: 'implementation', reason }));
    return await runFuzz({ ...settings, factory, spec, opTimeoutMs: opTimeout(p), mutant, reach, notes, more }, io);
  } finally {
    factory.dispose?.();
  }
};
