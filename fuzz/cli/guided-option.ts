/** `fuzz --guided [--guide-corpus DIR]`: guided generation, and where its corpus is kept. */
import { BadInput } from '../io.js';
import { type Parsed } from './options.js';

export const guidedOptions = (p: Parsed): { guided?: boolean; guideDir?: string } => {
  const dir = p.options.get('guide-corpus');
  if (dir === true || dir === '') throw new BadInput('--guide-corpus needs a directory');
  if (dir !== undefined && !p.options.has('guided')) throw new BadInput('--guide-corpus is for --guided campaigns');
  return { ...(p.options.has('guided') && { guided: true }), ...(dir !== undefined && { guideDir: dir }) };
};
