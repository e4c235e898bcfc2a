/** Commands a report prints for pasting into a shell: quoted by shell-quote, not by hand. */
import { quote } from 'shell-quote';

export const replayCommand = (file: string): string => quote(['npx', 'kvm-oracle', 'replay', file]);
