/** Commands a report prints for pasting into a shell: quoted by shell-quote, not by hand. */
import { quote } from 'shell-quote';

/** replay names the implementation itself: a file never chooses what runs (docs/RELIABILITY.md) */
export const replayCommand = (file: string, implementation = 'builtin'): string =>
  quote(['npx', 'kvm-oracle', 'replay', file, ...(implementation === 'builtin' ? [] : ['--impl', implementation])]);

/** one word for a shell */
export const shellWord = (w: string): string => quote([w]);
