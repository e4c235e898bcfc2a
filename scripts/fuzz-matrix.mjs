#!/usr/bin/env node
/**
 * node scripts/fuzz-matrix.mjs [--seeds A-B] [--vcpus 1,2,3,4,8] [--max-ops 30,60,100,200,1000]
 *                               [--engines fast-check,jsverify] [--runs N] [--cross] [--jobs N]
 *                               [--explore D/T/P[,D/T/P]] [--workers N]
 *
 * The false-alarm matrix: `kvm-oracle fuzz --runs N` on the correct implementation for
 * every seed and engine with each `--vcpus` value (default max-ops) and each `--max-ops`
 * value (default vCPUs; up to the documented maximum, 1000), or with `--cross` every pair
 * of the two; then `kvm-oracle explore` at each depth/threads/preemptions bound given
 * (default 3/2/2: depth 3, two threads, two preemptions). Prints one line per run (options,
 * exit status, the summary line, seconds) and a last line with the failures. Exit 1 when
 * any run found a failure or could not run. Build first (`npm run build`).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BIN = new URL('../bin/kvm-oracle.js', import.meta.url).pathname;
const list = (v) => v.split(',').map((x) => {
  if (!/^[1-9][0-9]*$/.test(x)) throw new Error(`expected positive integers, got ${v}`);
  return Number(x);
});

const parseArgs = (argv) => {
  const o = { seeds: [1, 2, 3, 4, 5], vcpus: [1, 2, 3, 4, 8], maxOps: [30, 60, 100, 200, 1000], engines: ['fast-check', 'jsverify'], explore: ['3/2/2'], runs: 5000, cross: false, jobs: 1, workers: null };
  for (let i = 0; i < argv.length; i++) {
    const [k, v] = [argv[i], argv[i + 1]];
    if (k === '--cross') { o.cross = true; continue; }
    if (v === undefined) throw new Error(`${k}: missing value`);
    i++;
    if (k === '--seeds') {
      const [a, b] = v.split('-').map(Number);
      if (!Number.isInteger(a) || !(b === undefined || Number.isInteger(b))) throw new Error(`--seeds: expected A-B, got ${v}`);
      o.seeds = Array.from({ length: (b ?? a) - a + 1 }, (_, j) => a + j);
    } else if (k === '--vcpus') o.vcpus = list(v);
    else if (k === '--max-ops') o.maxOps = list(v);
    else if (k === '--runs') o.runs = list(v)[0];
    else if (k === '--jobs') o.jobs = list(v)[0];
    else if (k === '--workers') o.workers = list(v)[0];
    else if (k === '--engines') {
      o.engines = v.split(',');
      for (const e of o.engines) if (e !== 'fast-check' && e !== 'jsverify') throw new Error(`--engines: expected fast-check or jsverify, got ${e}`);
    } else if (k === '--explore') {
      o.explore = v === 'none' ? [] : v.split(',');
      for (const b of o.explore) if (!/^[1-9][0-9]*\/[12]\/[0-9]+$/.test(b)) throw new Error(`--explore: expected D/T/P (e.g. 3/2/2) or none, got ${b}`);
    }
    else throw new Error(`unknown option ${k}`);
  }
  return o;
};

const run = (args) =>
  new Promise((resolve) => {
    const t0 = Date.now();
    const p = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (out += d));
    p.on('close', (code) => resolve({ code, out, secs: (Date.now() - t0) / 1000 }));
  });

const main = async () => {
  let o;
  try {
    o = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`fuzz-matrix: ${e.message}`);
    process.exit(2);
  }
  const out = mkdtempSync(join(tmpdir(), 'fuzz-matrix-'));
  const shapes = o.cross
    ? o.vcpus.flatMap((v) => o.maxOps.map((m) => ['--vcpus', String(v), '--max-ops', String(m)]))
    : [...o.vcpus.map((v) => ['--vcpus', String(v)]), ...o.maxOps.map((m) => ['--max-ops', String(m)])];
  const workers = o.workers === null ? [] : ['--workers', String(o.workers)];
  const fuzzJobs = shapes.flatMap((shape) => o.engines.flatMap((engine) => o.seeds.map((seed) => ['fuzz', ...shape, '--engine', engine, '--seed', String(seed), '--runs', String(o.runs), ...workers, '--out', out])));
  const exploreJobs = o.explore.map((b) => {
    const [d, t, p] = b.split('/');
    return ['explore', '--depth', d, '--threads', t, '--preemptions', p, ...workers, '--out', out];
  });
  const jobs = [...fuzzJobs, ...exploreJobs];
  const failed = [];
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const args = jobs[next++];
      const r = await run(args);
      const summary = r.out.split('\n').findLast((l) => /^kvm-oracle (fuzz: \d+ runs|explore: )/.test(l)) ?? r.out.split('\n')[0];
      const fail = r.out.split('\n').find((l) => l.startsWith('FAIL')) ?? '';
      console.log(`${args.slice(0, -2).join(' ')}: exit ${r.code} ${r.secs.toFixed(0)}s ${summary}${fail ? ` | ${fail}` : ''}`);
      if (r.code !== 0) failed.push(args.slice(0, -2).join(' '));
    }
  };
  await Promise.all(Array.from({ length: o.jobs }, worker));
  console.log(failed.length ? `failures (${failed.length} of ${jobs.length}; counterexamples in ${out}): ${failed.join('; ')}` : `no failure in ${jobs.length} runs`);
  process.exit(failed.length ? 1 : 0);
};

main();
