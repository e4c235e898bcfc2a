#!/usr/bin/env node
/**
 * npm run engine-compare [-- --seeds 1-5 --mutants a,b --jobs N --runs N --shrink-time T]
 * npm run guided-compare   (the same for fast-check and guided, shrinks cut at 5 s)
 *
 * Runs `kvm-oracle fuzz --engine E --generator plain --mutant M --seed S` for both engines'
 * plain streams (fast-check and jsverify; or `--engines fast-check,guided`: fast-check's
 * plain stream and the guided default, `--generator guided`), every
 * public mutant and every seed, one worker each (--jobs campaigns at
 * once, default 2), and prints a Markdown table: for each mutant and engine, the seeds
 * that found it, the run at which each seed first saw the failure and the size of each
 * shrunk counterexample (operations), seed by seed. --engines E,E runs only those. Every counterexample is replayed and
 * must fail the same way. Exit 1 when a replay disagrees or a campaign errs.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listMutants, pool, run, seedRange } from './lib/campaigns.mjs';

/** each generator compared, and the fuzz options that select it: the engines' plain streams, and "guided" (fast-check's stream, guided: the default) */
const ENGINES = { 'fast-check': ['--engine', 'fast-check', '--generator', 'plain'], jsverify: ['--engine', 'jsverify', '--generator', 'plain'], guided: ['--engine', 'fast-check', '--generator', 'guided'] };
const usage = 'usage: npm run engine-compare -- [--seeds A-B] [--mutants a,b] [--engines E,E] [--jobs N] [--runs N] [--shrink-time T]';

const parseArgs = (argv) => {
  const o = { seeds: [1, 2, 3, 4, 5], mutants: null, engines: ['fast-check', 'jsverify'], jobs: 2, runs: null, shrinkTime: null };
  for (let i = 0; i < argv.length; i += 2) {
    const [k, v] = [argv[i], argv[i + 1]];
    if (v === undefined) throw new Error(`${k}: missing value`);
    if (k === '--seeds') o.seeds = seedRange(v);
    else if (k === '--mutants') o.mutants = v.split(',');
    else if (k === '--engines') {
      o.engines = v.split(',');
      if (!o.engines.every((e) => e in ENGINES)) throw new Error(`--engines: expected some of ${Object.keys(ENGINES).join(',')}, got ${v}`);
    } else if (k === '--shrink-time') o.shrinkTime = v;
    else if (k === '--jobs' || k === '--runs') {
      if (!/^[1-9][0-9]*$/.test(v)) throw new Error(`${k}: expected a positive integer, got ${v}`);
      o[k.slice(2)] = Number(v);
    } else throw new Error(`unknown option ${k}`);
  }
  return o;
};

/** one campaign: the run that first saw the failure, the shrunk size, whether the replay agrees */
const campaign = (dir, engine, mutant, seed, runs, shrinkTime) => async () => {
  const out = join(dir, `${engine}-${mutant}-${seed}`);
  const json = join(out, 'summary.json');
  const r = await run(['fuzz', ...ENGINES[engine], '--mutant', mutant, '--seed', String(seed), '--workers', '1', '--out', out, '--json', json, ...(runs ? ['--runs', String(runs)] : []), ...(shrinkTime ? ['--shrink-time', shrinkTime] : [])]);
  if (r.code === 0) return { found: false };
  if (r.code !== 1) return { error: r.out.trim().split('\n').pop() };
  const f = JSON.parse(readFileSync(json, 'utf8')).failures[0];
  const cx = JSON.parse(readFileSync(f.file, 'utf8'));
  const replay = await run(['replay', f.file]);
  const same = replay.code === 1 && new RegExp(`^FAIL ${f.invariant}\\b`, 'm').test(replay.out);
  return { found: true, id: f.invariant, firstSeen: f.firstSeen, ops: cx.ops.length, cut: f.shrinkCut, replayed: same };
};

const median = (xs) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)] : null);
const cell = (rs, pick) => rs.map((r) => (r.found ? String(pick(r)) : '–')).join(', ');

const main = async () => {
  const o = parseArgs(process.argv.slice(2));
  const dir = mkdtempSync(join(tmpdir(), 'kvm-oracle-engines-'));
  const mutants = o.mutants ?? (await listMutants());
  const keys = mutants.flatMap((m) => o.engines.flatMap((e) => o.seeds.map((s) => [m, e, s])));
  const results = await pool(keys.map(([m, e, s]) => campaign(dir, e, m, s, o.runs, o.shrinkTime)), o.jobs);
  const of = (m, e) => results.filter((_, i) => keys[i][0] === m && keys[i][1] === e);
  let bad = false;
  console.log(`seeds ${o.seeds.join(', ')}; ${o.runs ?? 2000} runs each; "–": not found`);
  console.log('');
  console.log('| mutant | engine | found | runs to find | median | shrunk ops | median |');
  console.log('|---|---|---|---|---|---|---|');
  for (const m of mutants) {
    for (const e of o.engines) {
      const rs = of(m, e);
      const hit = rs.filter((r) => r.found);
      const errs = rs.filter((r) => r.error);
      const replayBad = hit.some((r) => !r.replayed);
      bad ||= errs.length > 0 || replayBad;
      const cut = hit.some((r) => r.cut) ? ' (a shrink cut by time)' : '';
      const note = `${replayBad ? ' REPLAY DIFFERS' : ''}${errs.length ? ` ERROR: ${errs[0].error}` : ''}`;
      console.log(`| \`${m}\` | ${e} | ${hit.length}/${rs.length} | ${cell(rs, (r) => r.firstSeen)} | ${median(hit.map((r) => r.firstSeen)) ?? '–'} | ${cell(rs, (r) => r.ops)}${cut} | ${median(hit.map((r) => r.ops)) ?? '–'}${note} |`);
    }
  }
  process.exit(bad ? 1 : 0);
};

main().catch((e) => {
  console.error(`engine-compare: ${e.message}\n${usage}`);
  process.exit(2);
});
