/**
 * `fuzz [--generator guided|plain] [--guide-corpus DIR]`: guided generation is the default
 * (docs/COVERAGE.md: it found every public mutant on seeds 1..5, as soon as the plain
 * stream in median); `--generator plain` runs the base stream alone. `--guided` is kept,
 * for the scripts that asked for it before it was the default.
 */
import { BadInput } from '../io.js';
import { type Parsed } from './options.js';

export const guidedOptions = (p: Parsed): { guided: boolean; guideDir?: string } => {
  const g = p.options.get('generator');
  if (g !== undefined && g !== 'guided' && g !== 'plain') throw new BadInput(`--generator must be guided or plain, got ${JSON.stringify(g)}`);
  if (g === 'plain' && p.options.has('guided')) throw new BadInput('give --guided or --generator plain, not both');
  const guided = g !== 'plain';
  const dir = p.options.get('guide-corpus');
  if (dir === true || dir === '') throw new BadInput('--guide-corpus needs a directory');
  if (dir !== undefined && !guided) throw new BadInput('--guide-corpus is for guided campaigns, not --generator plain');
  return { guided, ...(dir !== undefined && { guideDir: dir }) };
};
