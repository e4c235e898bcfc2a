/**
 * The kvm-oracle command line. main() resolves to the exit status and prints through `io`,
 * so tests drive it in process. Exit status: 0 nothing failed, 1 a failure was found (or a
 * replay still fails), 2 a usage error, a bad input file, or an implementation that
 * cannot be loaded or started.
 */
import { BadInput } from '../io.js';
import { parseArgs } from './options.js';
import { MAIN_HELP, MERGE_HELP, MUTANTS_HELP, SERVE_HELP } from './help.js';
import { merge } from '../report/merge.js';
import { ImplLoadError, loadFactory } from '../impl/spec.js';
import { serve } from '../impl/serve.js';
import { WorkerError } from '../workers/proc.js';
import { builtinFactory } from '../../impl/builtin.js';
import { MUTANTS } from '../../impl/mutants.js';
import { IMPL_OPTIONS, checkMutant, implOption, type Io } from './common.js';
import { fuzzCommand } from './fuzz-command.js';
import { replayCommand } from './replay-command.js';
import { exploreCommand } from './explore-command.js';

export type { Io } from './common.js';
export { DEFAULT_OUT } from './fuzz-command.js';

const mutants = async (argv: string[], io: Io): Promise<number> => {
  const p = parseArgs(argv, { list: { value: false }, verbose: { value: false }, ...IMPL_OPTIONS, help: { value: false } });
  if (p.options.has('help')) return io.out(MUTANTS_HELP), 0;
  if (!p.options.has('list')) throw new BadInput('mutants needs --list');
  const { factory } = await implOption(p);
  try {
    const known = MUTANTS as Record<string, string>;
    for (const name of factory.capabilities.mutants) io.out(p.options.has('verbose') && factory === builtinFactory ? `${name}\t${known[name]}` : name);
  } finally {
    factory.dispose?.();
  }
  return 0;
};

/** kvm-oracle serve: the built-in implementation over the protocol, until stdin ends */
const serveCommand = async (argv: string[], io: Io): Promise<number> => {
  const p = parseArgs(argv, { mutant: { value: true }, help: { value: false } });
  if (p.options.has('help')) return io.out(SERVE_HELP), 0;
  if (p.positional.length) throw new BadInput(`unexpected argument ${JSON.stringify(p.positional[0])}`);
  const factory = await loadFactory('builtin');
  await serve(factory, checkMutant(factory, 'builtin', p.options.get('mutant')));
  return 0;
};

/** kvm-oracle merge: the shards' summaries as one */
const mergeCommand = async (argv: string[], io: Io): Promise<number> => {
  const p = parseArgs(argv, { json: { value: true }, junit: { value: true }, help: { value: false } });
  if (p.options.has('help')) return io.out(MERGE_HELP), 0;
  return merge(p.positional, io, p.options.get('json') as string | undefined, p.options.get('junit') as string | undefined);
};

const COMMANDS: ReadonlyMap<string, (argv: string[], io: Io) => Promise<number>> = new Map([
  ['fuzz', fuzzCommand],
  ['replay', replayCommand],
  ['explore', exploreCommand],
  ['merge', mergeCommand],
  ['mutants', mutants],
  ['serve', serveCommand],
]);

export const main = async (argv: string[], io: Io): Promise<number> => {
  const [cmd, ...rest] = argv;
  try {
    if (cmd === undefined || cmd === 'help' || cmd === '--help' || cmd === '-h') {
      io.out(MAIN_HELP);
      return cmd === undefined ? 2 : 0;
    }
    const run = COMMANDS.get(cmd);
    if (!run) throw new BadInput(`unknown command ${JSON.stringify(cmd)}`);
    return await run(rest, io);
  } catch (e) {
    if (e instanceof BadInput) {
      io.err(`kvm-oracle: ${e.message} (kvm-oracle --help)`);
      return 2;
    }
    if (e instanceof ImplLoadError) {
      io.err(`kvm-oracle: ${e.message}`);
      return 2;
    }
    if (e instanceof WorkerError) {
      io.err(`kvm-oracle: cannot start a worker process: ${e.message}`);
      return 2;
    }
    throw e;
  }
};
