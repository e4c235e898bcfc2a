#!/usr/bin/env node
/**
 * npm run nightly-local [-- --runs N --seed S --dir DIR]
 *
 * Runs the commands of .github/workflows/nightly.yml on this machine: every cell of the
 * fuzz matrix (N cases each, default 200) with the built CLI, then the merge job over their
 * summaries, all under DIR (default: a new temporary folder) laid out as the workflow's
 * artifacts are. Prints one line per command; exit status 1 if any did not exit 0.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readWorkflow, runCommands, workflowCommands } from './workflow-commands.mjs';

const BIN = new URL('../bin/kvm-oracle.js', import.meta.url).pathname;
const o = { runs: 200, seed: 1, dir: null };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i += 2) {
  const k = argv[i]?.replace(/^--/, '');
  if (!(k in o) || argv[i + 1] === undefined) {
    console.error('usage: npm run nightly-local -- [--runs N] [--seed S] [--dir DIR]');
    process.exit(2);
  }
  o[k] = k === 'dir' ? argv[i + 1] : Number(argv[i + 1]);
}
const dir = o.dir ?? mkdtempSync(join(tmpdir(), 'kvm-oracle-nightly-'));
const exec = (args) => {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
  return { code: r.status ?? 3, err: r.stderr.split('\n').filter(Boolean) };
};
let bad = 0;
for (const r of await runCommands(workflowCommands(readWorkflow(), { seed: o.seed }), { dir, runs: o.runs, exec })) {
  const where = Object.entries(r.cell).map(([k, v]) => `${k}=${v}`).join(' ');
  const note = r.skipped ?? (r.dropped.length ? `dropped ${r.dropped.map((d) => `--${d}`).join(', ')}: not in this build` : '');
  if (r.code !== null && r.code !== 0) bad++;
  console.log(`${r.code === null ? 'skip' : r.code === 0 ? 'ok  ' : `exit ${r.code}`}  ${r.job} ${where}  ${note}`.trimEnd());
  if (r.code) for (const l of r.err ?? []) console.log(`      ${l}`);
}
console.log(`outputs in ${dir}`);
process.exit(bad ? 1 : 0);
