/**
 * Command-line parsing on node:util parseArgs (strict: known options only), with every
 * mistake turned into a one-line BadInput in our words rather than parseArgs' own
 * multi-line text. Options are long only (--seed 3 or --seed=3); the last of a repeated
 * option wins; everything after `--` is positional.
 */
import { BadInput } from '../io.js';
import { parseArgs as nodeParseArgs } from 'node:util';

export interface OptionSpec {
  /** takes a value (--seed 3) or is a flag (--list) */
  readonly value: boolean;
}

export interface Parsed {
  readonly options: Map<string, string | true>;
  readonly positional: string[];
}

/** the option an error of parseArgs is about, from its message ('--seed <value>' or '--x') */
const optionIn = (message: string): string => /'(-[^' ]*)/.exec(message)?.[1] ?? '';

const usageErrorOf = (e: NodeJS.ErrnoException, spec: Record<string, OptionSpec>): BadInput => {
  const opt = optionIn(e.message);
  const name = opt.replace(/^--?/, '');
  switch (e.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return new BadInput(opt.startsWith('--') ? `unknown option ${opt}` : `unknown option ${opt} (options are long: --name)`);
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      if (spec[name] && !spec[name].value) return new BadInput(`--${name} takes no value`);
      // a value that looks like an option ("--seed --runs 3"), or none at all
      return new BadInput(/ambiguous/.test(e.message) ? `--${name} needs a value (one starting with "-" is written --${name}=VALUE)` : `--${name} needs a value`);
    default:
      return new BadInput(e.message.split('\n')[0]!);
  }
};

export const parseArgs = (argv: readonly string[], spec: Record<string, OptionSpec>): Parsed => {
  const options = Object.fromEntries(Object.entries(spec).map(([k, s]) => [k, { type: s.value ? ('string' as const) : ('boolean' as const) }]));
  let parsed: ReturnType<typeof nodeParseArgs>;
  try {
    parsed = nodeParseArgs({ args: [...argv], options, strict: true, allowPositionals: true });
  } catch (e) {
    throw usageErrorOf(e as NodeJS.ErrnoException, spec);
  }
  const map = new Map<string, string | true>();
  for (const [k, v] of Object.entries(parsed.values)) if (v !== undefined && v !== false) map.set(k, v === true ? true : String(v));
  return { options: map, positional: parsed.positionals };
};

export const intOption = (p: Parsed, name: string, dflt: number, min = 0): number => {
  const v = p.options.get(name);
  if (v === undefined) return dflt;
  if (v === true || !/^\d+$/.test(v) || !Number.isSafeInteger(Number(v)) || Number(v) < min) {
    throw new BadInput(`--${name} must be a whole number >= ${min}, got ${JSON.stringify(v)}`);
  }
  return Number(v);
};

/** "30s", "2m", "500ms", or plain seconds */
export const durationOption = (p: Parsed, name: string): number | undefined => {
  const v = p.options.get(name);
  if (v === undefined) return undefined;
  const m = typeof v === 'string' ? /^(\d+)(ms|s|m)?$/.exec(v) : null;
  if (!m) throw new BadInput(`--${name} must be a duration like 30s, 2m or 500ms, got ${JSON.stringify(v)}`);
  const n = Number(m[1]);
  return m[2] === 'ms' ? n : m[2] === 'm' ? n * 60_000 : n * 1000;
};
