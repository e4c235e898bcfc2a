/**
 * What the scripts that run many campaigns share (acceptance.mjs, engine-compare.mjs): the
 * CLI as a child process, the public mutants, a bounded pool of jobs, a seed range.
 */
import { spawn } from 'node:child_process';

export const BIN = new URL('../../bin/kvm-oracle.js', import.meta.url).pathname;

/** `kvm-oracle ARGS`: exit code, stdout and stderr together */
export const run = (args) =>
  new Promise((resolve) => {
    const p = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (out += d));
    p.on('close', (code) => resolve({ code, out }));
  });

/** the mutants `kvm-oracle mutants --list` prints */
export const listMutants = async () => {
  const { out } = await run(['mutants', '--list']);
  return out.split('\n').map((l) => l.trim().split(/\s+/)[0]).filter((m) => /^[a-z0-9]+(-[a-z0-9]+)+$/.test(m));
};

/** runs `tasks` (functions returning promises) with at most `jobs` at once, results in order */
export const pool = async (tasks, jobs) => {
  const results = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await tasks[i]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, tasks.length) }, worker));
  return results;
};

/** "A-B" (or "A") as the seeds A..B */
export const seedRange = (v) => {
  const [a, b] = v.split('-').map(Number);
  if (!Number.isInteger(a) || !(b === undefined || Number.isInteger(b))) throw new Error(`--seeds: expected A-B, got ${v}`);
  return Array.from({ length: (b ?? a) - a + 1 }, (_, j) => a + j);
};
