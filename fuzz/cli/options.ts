/** Command-line parsing: known options only, every mistake a one-line UsageError. */

export class UsageError extends Error {}

export interface OptionSpec {
  /** takes a value (--seed 3) or is a flag (--list) */
  readonly value: boolean;
}

export interface Parsed {
  readonly options: Map<string, string | true>;
  readonly positional: string[];
}

export const parseArgs = (argv: readonly string[], spec: Record<string, OptionSpec>): Parsed => {
  const options = new Map<string, string | true>();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--')) {
      positional.push(a);
      continue;
    }
    const [name, inline] = a.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    const s = spec[name];
    if (!s) throw new UsageError(`unknown option --${name}`);
    if (!s.value) {
      if (inline !== undefined) throw new UsageError(`--${name} takes no value`);
      options.set(name, true);
      continue;
    }
    const v = inline ?? argv[++i];
    if (v === undefined || (inline === undefined && v.startsWith('--'))) throw new UsageError(`--${name} needs a value`);
    options.set(name, v);
  }
  return { options, positional };
};

export const intOption = (p: Parsed, name: string, dflt: number, min = 0): number => {
  const v = p.options.get(name);
  if (v === undefined) return dflt;
  if (v === true || !/^\d+$/.test(v) || !Number.isSafeInteger(Number(v)) || Number(v) < min) {
    throw new UsageError(`--${name} must be a whole number >= ${min}, got ${JSON.stringify(v)}`);
  }
  return Number(v);
};

/** "30s", "2m", "500ms", or plain seconds */
export const durationOption = (p: Parsed, name: string): number | undefined => {
  const v = p.options.get(name);
  if (v === undefined) return undefined;
  const m = typeof v === 'string' ? /^(\d+)(ms|s|m)?$/.exec(v) : null;
  if (!m) throw new UsageError(`--${name} must be a duration like 30s, 2m or 500ms, got ${JSON.stringify(v)}`);
  const n = Number(m[1]);
  return m[2] === 'ms' ? n : m[2] === 'm' ? n * 60_000 : n * 1000;
};
