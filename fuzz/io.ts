/**
 * The leaf every layer of the harness may import (docs/DESIGN.md, "Layers"): where a
 * command prints (Io), and the error for bad input (a bad option value, an unreadable or
 * malformed file) that the command line turns into one line and exit status 2. It imports
 * nothing, so throwing BadInput from campaign/, explore/, report/ or gen/ ties none of them
 * to the command line.
 */

/** where the progress line goes: a terminal (stderr) or a test's collector */
export interface ProgressSink {
  readonly isTTY?: boolean;
  write(text: string): void;
}

export interface Io {
  out(line: string): void;
  err(line: string): void;
  /** where the progress line goes (stderr); none when absent */
  progress?: ProgressSink;
}

/** bad input from the user: its message is the one line printed (kvm-oracle exits 2) */
export class BadInput extends Error {}
