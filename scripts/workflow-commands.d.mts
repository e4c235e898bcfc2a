/** Types of scripts/workflow-commands.mjs, for the tests that import it. */
export type Arg = string | { readonly glob: string };
export interface Command {
  readonly job: string;
  readonly cell: Record<string, unknown>;
  readonly artifact: string | null;
  readonly argv: readonly Arg[];
}
export interface Ran extends Command {
  readonly argv: readonly string[];
  /** null when the command was skipped */
  readonly code: number | null;
  /** pending options dropped because this build does not know them */
  readonly dropped: readonly string[];
  readonly skipped?: string;
  readonly err?: readonly string[];
}
export const WORKFLOW: URL;
export const PENDING_OPTIONS: readonly string[];
export function workflowCommands(text: string, o: { seed: number }): Command[];
export type Exec = (argv: string[]) => { code: number; err: string[] } | Promise<{ code: number; err: string[] }>;
export function runCommands(commands: readonly Command[], o: { dir: string; runs: number; exec: Exec }): Promise<Ran[]>;
export function readWorkflow(): string;
