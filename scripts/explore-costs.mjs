#!/usr/bin/env node
/**
 * npm run explore-costs [-- --depths 0-4 --workers N] [-- --mutants all|a,b]
 *
 * Runs `kvm-oracle explore` from the command line, as a user would, and prints a Markdown
 * table. Without --mutants: the cost per depth on the correct implementation (two threads,
 * one preemption): cases, distinct states, whether the bound was exhausted, wall time.
 * With --mutants: for each mutant the smallest bound that finds it, trying depth 0, 1, ...
 * 5 and, at each depth, one thread, then two threads with one preemption (up to depth 4),
 * then two preemptions (up to depth 3); with the failure, the cases run and the time.
 * Times are wall clock on this machine (shared: compare them only within one run).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BIN = new URL('../bin/kvm-oracle.js', import.meta.url).pathname;

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const workers = opt('workers', '2');
const dir = mkdtempSync(join(tmpdir(), 'kvm-oracle-explore-costs-'));

/** one explore run: its exit status, summary and wall time */
const explore = (depth, threads, preemptions, mutant) => {
  const json = join(dir, 'summary.json');
  const argv = [BIN, 'explore', '--depth', `${depth}`, '--threads', `${threads}`, '--preemptions', `${preemptions}`, '--workers', workers, '--json', json, '--out', join(dir, 'cx')];
  if (mutant) argv.push('--mutant', mutant);
  const t0 = Date.now();
  const r = spawnSync(process.execPath, argv, { encoding: 'utf8', maxBuffer: 1 << 26 });
  const seconds = (Date.now() - t0) / 1000;
  if (r.status !== 0 && r.status !== 1) throw new Error(`explore ${argv.slice(2).join(' ')}: exit ${r.status}: ${r.stderr.trim().split('\n').at(-1)}`);
  return { status: r.status, summary: JSON.parse(readFileSync(json, 'utf8')), seconds };
};

const costs = () => {
  const [a, b] = opt('depths', '0-4').split('-').map(Number);
  console.log('| depth | cases | distinct states | exhausted | time |');
  console.log('|---|---|---|---|---|');
  for (let d = a; d <= (b ?? a); d++) {
    const { summary: s, seconds } = explore(d, 2, 1, null);
    console.log(`| ${d} | ${s.cases} | ${s.states} | ${s.exhausted ? 'yes' : 'NO'} | ${seconds.toFixed(1)} s |`);
  }
};

const BOUNDS = [];
for (let d = 0; d <= 5; d++) {
  BOUNDS.push([d, 1, 0]);
  if (d <= 4) BOUNDS.push([d, 2, 1]);
  if (d <= 3 && d >= 2) BOUNDS.push([d, 2, 2]);
}

const mutants = (which) => {
  const list = spawnSync(process.execPath, [BIN, 'mutants', '--list'], { encoding: 'utf8' }).stdout.trim().split('\n');
  const names = which === 'all' ? list : which.split(',');
  console.log('| mutant | smallest bound | found as | domain | cases | time |');
  console.log('|---|---|---|---|---|---|');
  for (const m of names) {
    let row = `| \`${m}\` | not found up to depth 5 | | | | |`;
    let total = 0;
    for (const [d, t, p] of BOUNDS) {
      const { status, summary: s, seconds } = explore(d, t, p, m);
      total += seconds;
      if (status !== 1) continue;
      const cx = JSON.parse(readFileSync(s.failure.file, 'utf8'));
      const domain = cx.ops[0]?.ppc ? `ppc-${cx.ops[0].ppc.cpu}` : `x86-${cx.config.vendor}-${cx.config.tdp ? 'tdp' : 'shadow'}`;
      row = `| \`${m}\` | \`--depth ${d} --threads ${t} --preemptions ${p}\` | ${s.failure.invariant} | ${domain} | ${s.cases} | ${seconds.toFixed(1)} s (all bounds tried: ${total.toFixed(0)} s) |`;
      break;
    }
    console.log(row);
  }
};

const which = opt('mutants', null);
if (which) mutants(which);
else costs();
