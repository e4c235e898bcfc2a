#!/usr/bin/env node
/**
 * npm run acceptance [-- --seeds 1-5 --mutants a,b --vcpus N --runs N --jobs N --impl SPEC]
 *
 * Runs `kvm-oracle fuzz --mutant M --seed S` for every mutant and seed, as a new user
 * would, and prints for each mutant the seeds that found it, the failure ids and the
 * largest shrunk case; then the correct implementation on the same seeds. Each counterexample
 * is replayed and must fail the same way. Exit status 1 when the correct impl fails or a
 * replay disagrees; a mutant that is not found is reported, not an error (some are found
 * only with two threads).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listMutants, pool, run, seedRange } from './lib/campaigns.mjs';

const usage = 'usage: npm run acceptance -- [--seeds A-B] [--mutants a,b] [--vcpus N] [--runs N] [--jobs N] [--impl SPEC]';

const parseArgs = (argv) => {
  const o = { seeds: [1, 2, 3, 4, 5], mutants: null, vcpus: null, runs: null, jobs: 2 };
  for (let i = 0; i < argv.length; i += 2) {
    const [k, v] = [argv[i], argv[i + 1]];
    if (!['--seeds', '--mutants', '--vcpus', '--runs', '--jobs', '--impl'].includes(k)) throw new Error(`unknown option ${k}`);
    if (v === undefined) throw new Error(`${k}: missing value`);
    if (k === '--seeds') o.seeds = seedRange(v);
    else if (k === '--mutants') o.mutants = v.split(',');
    else if (k === '--impl') o.impl = v;
    else if (k === '--vcpus' || k === '--runs' || k === '--jobs') {
      if (!/^[1-9][0-9]*$/.test(v)) throw new Error(`${k}: expected a positive integer, got ${v}`);
      o[k.slice(2)] = Number(v);
    } else throw new Error(`unknown option ${k}`);
  }
  return o;
};

const main = async () => {
  const o = parseArgs(process.argv.slice(2));
  const dir = mkdtempSync(join(tmpdir(), 'kvm-oracle-acceptance-'));
  const mutants = o.mutants ?? (await listMutants());
  const common = [...(o.vcpus ? ['--vcpus', String(o.vcpus)] : []), ...(o.runs ? ['--runs', String(o.runs)] : []), ...(o.impl ? ['--impl', o.impl] : [])];
  const one = (mutant, seed) => async () => {
    const outDir = join(dir, `${mutant ?? 'none'}-${seed}`);
    // one worker each: the script already runs --jobs campaigns at once
    const r = await run(['fuzz', '--seed', String(seed), '--workers', '1', ...(mutant ? ['--mutant', mutant] : []), '--out', outDir, ...common]);
    if (r.code === 0) return { found: false };
    const id = /^FAIL ([A-Z_]+)/m.exec(r.out)?.[1];
    if (r.code !== 1 || !id) return { error: r.out.trim().split('\n').pop() };
    const out = /^\s*written: (.+)$/m.exec(r.out)?.[1];
    if (!out) return { error: 'no counterexample written' };
    const cx = JSON.parse(readFileSync(out, 'utf8'));
    const replay = await run(['replay', out]);
    const same = replay.code === 1 && new RegExp(`^FAIL ${id}\\b`, 'm').test(replay.out);
    return { found: true, id, ops: cx.ops.length, replayed: same };
  };
  const rows = [...mutants.map((m) => [m, o.seeds.map((s) => one(m, s))]), [null, o.seeds.map((s) => one(null, s))]];
  const flat = await pool(rows.flatMap(([, ts]) => ts), o.jobs);
  let bad = false;
  console.log(`seeds ${o.seeds[0]}..${o.seeds.at(-1)}${common.length ? `, ${common.join(' ')}` : ''}`);
  rows.forEach(([m, ts], i) => {
    const rs = flat.slice(i * o.seeds.length, i * o.seeds.length + ts.length);
    const hit = rs.flatMap((r, j) => (r.found ? [o.seeds[j]] : []));
    const ids = [...new Set(rs.filter((r) => r.found).map((r) => r.id))].join(',');
    const ops = Math.max(0, ...rs.filter((r) => r.found).map((r) => r.ops));
    const errors = rs.filter((r) => r.error).map((r) => r.error);
    const replayBad = rs.some((r) => r.found && !r.replayed);
    if (m === null) bad ||= hit.length > 0 || errors.length > 0;
    bad ||= replayBad || errors.length > 0;
    const what = m === null ? `${hit.length ? `FAILS on seeds ${hit.join(' ')} (${ids})` : 'no failure'}` : `${hit.length}/${o.seeds.length} [${hit.join(' ')}] ${ids} max ${ops} ops`;
    console.log(`${(m ?? '(correct impl)').padEnd(26)} ${what}${replayBad ? ' REPLAY DIFFERS' : ''}${errors.length ? ` ERROR: ${errors[0]}` : ''}`);
  });
  process.exit(bad ? 1 : 0);
};

main().catch((e) => {
  console.error(`acceptance: ${e.message}\n${usage}`);
  process.exit(2);
});
