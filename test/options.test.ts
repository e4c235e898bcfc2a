import { describe, expect, it } from 'vitest';
import { BadInput } from '../fuzz/io.js';
import { durationOption, intOption, parseArgs } from '../fuzz/cli/options.js';

const spec = { seed: { value: true }, list: { value: false } };
const usage = (argv: string[]): string => {
  try {
    parseArgs(argv, spec);
  } catch (e) {
    expect(e).toBeInstanceOf(BadInput);
    return (e as Error).message;
  }
  throw new Error(`no usage error for ${argv.join(' ')}`);
};

describe('the command-line parser (node:util parseArgs underneath)', () => {
  it('reads values, flags and positionals, inline or not; the last repeat wins', () => {
    const p = parseArgs(['a', '--seed', '3', '--list', 'b', '--seed=4'], spec);
    expect([...p.options]).toEqual([['seed', '4'], ['list', true]]);
    expect(p.positional).toEqual(['a', 'b']);
    expect(parseArgs(['--', '--nope'], spec).positional).toEqual(['--nope']);
  });

  it('turns every mistake into one line in our words', () => {
    expect(usage(['--nope'])).toBe('unknown option --nope');
    expect(usage(['-s'])).toBe('unknown option -s (options are long: --name)');
    expect(usage(['--seed'])).toBe('--seed needs a value');
    expect(usage(['--seed', '--list'])).toMatch(/^--seed needs a value \(one starting with "-" is written --seed=VALUE\)$/);
    expect(usage(['--list=yes'])).toBe('--list takes no value');
    for (const m of [usage(['--nope']), usage(['--seed', '-1'])]) expect(m).not.toContain('\n');
  });

  it('checks whole numbers and durations', () => {
    const p = parseArgs(['--seed', '12'], spec);
    expect(intOption(p, 'seed', 1)).toBe(12);
    expect(() => intOption(parseArgs(['--seed', '1.5'], spec), 'seed', 1)).toThrow(/whole number >= 0, got "1.5"/);
    expect(durationOption(parseArgs(['--seed', '2m'], spec), 'seed')).toBe(120_000);
    expect(durationOption(parseArgs(['--seed', '500ms'], spec), 'seed')).toBe(500);
    expect(() => durationOption(parseArgs(['--seed', '5h'], spec), 'seed')).toThrow(/duration like 30s/);
  });
});
