/** Runs the kvm-oracle command line in this process, collecting what it prints. */
import { type Io } from '../fuzz/io.js';
import { main } from '../fuzz/cli/main.js';

export interface CliRun {
  readonly code: number;
  /** stdout, joined */
  readonly out: string;
  /** stderr, joined */
  readonly err: string;
  /** stderr, a line each */
  readonly errs: string[];
  readonly errLines: number;
}

/** `kvm-oracle ARGV...`, with extra Io (a progress sink) when given */
export const cliWith = async (extra: Partial<Io>, argv: string[]): Promise<CliRun> => {
  const out: string[] = [];
  const errs: string[] = [];
  const code = await main(argv, { out: (l) => out.push(l), err: (l) => errs.push(l), ...extra });
  return { code, out: out.join('\n'), err: errs.join('\n'), errs, errLines: errs.length };
};

export const cli = (...argv: string[]): Promise<CliRun> => cliWith({}, argv);
