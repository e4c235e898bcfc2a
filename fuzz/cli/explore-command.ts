/** `kvm-oracle explore`: its options, checked; the command body is run-explore.ts, the search fuzz/explore/. */
import { BadInput } from '../io.js';
import { availableParallelism } from 'node:os';
import { durationOption, intOption, parseArgs } from './options.js';
import { EXPLORE_HELP } from './help.js';
import { IMPL_OPTIONS, checkMutant, disabledOption, implOption, notCheckedReport, opTimeout, type Io } from './common.js';
import { DEFAULT_OUT, CASE_TIMEOUT_MS } from './fuzz-command.js';
import { DEFAULT_BOUND, domainsFor } from '../explore/domain.js';
import { runExplore } from './run-explore.js';

export const exploreCommand = async (argv: string[], io: Io): Promise<number> => {
  const p = parseArgs(argv, {
    depth: { value: true }, threads: { value: true }, preemptions: { value: true }, mutant: { value: true },
    disable: { value: true }, workers: { value: true }, time: { value: true }, out: { value: true }, json: { value: true },
    'case-timeout': { value: true }, domains: { value: true }, 'no-prune': { value: false }, ...IMPL_OPTIONS, help: { value: false },
  });
  if (p.options.has('help')) return io.out(EXPLORE_HELP), 0;
  if (p.positional.length) throw new BadInput(`unexpected argument ${JSON.stringify(p.positional[0])}`);
  const depth = intOption(p, 'depth', DEFAULT_BOUND.depth);
  const threads = intOption(p, 'threads', DEFAULT_BOUND.threads, 1);
  if (threads > 2) throw new BadInput('--threads must be 1 or 2 (a race here is one operation against one other)');
  const preemptions = intOption(p, 'preemptions', threads > 1 ? DEFAULT_BOUND.preemptions : 0);
  if (depth > 12) throw new BadInput('--depth must be at most 12 (the cost grows about tenfold per depth)');
  const timeMs = durationOption(p, 'time');
  if (timeMs !== undefined && timeMs < 1) throw new BadInput('--time must be at least 1ms');
  if (timeMs !== undefined && timeMs < 1) throw new BadInput('--time must be more than 0');
  const caseTimeoutMs = durationOption(p, 'case-timeout') ?? CASE_TIMEOUT_MS;
  if (caseTimeoutMs < 1) throw new BadInput('--case-timeout must be more than 0');
  const disabled = disabledOption(p);
  const workers = intOption(p, 'workers', availableParallelism());
  const { spec, factory } = await implOption(p);
  try {
    const mutant = checkMutant(factory, spec, p.options.get('mutant'));
    const domains = domainsFor(factory.capabilities, spec, p.options.get('domains'));
    const notes = notCheckedReport(factory, spec, disabled).map((l) => `  ${l}`);
    const bound = { depth, threads, preemptions };
    return await runExplore({ noPrune: p.options.has('no-prune'), factory, spec, opTimeoutMs: opTimeout(p), mutant, disabled, bound, domains, workers, caseTimeoutMs, ...(timeMs !== undefined && { timeMs }), out: (p.options.get('out') as string | undefined) ?? DEFAULT_OUT, json: p.options.get('json') as string | undefined, notes }, io);
  } finally {
    factory.dispose?.();
  }
};
