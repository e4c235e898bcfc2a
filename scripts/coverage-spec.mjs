#!/usr/bin/env node
/**
 * npm run coverage:spec [-- SUMMARY.json | -- --runs N --seed S --workers W [fuzz options]]
 *
 * Spec coverage of a campaign: every rule outcome of the model (model/outcomes/) it
 * reached, with counts, and those it never reached, each with the reason it cannot be
 * when there is one, and apart from them those the implementation cannot express (its
 * capabilities: fuzz/report/expressible.ts), which do not count as gaps. Reads a summary written by `fuzz --json`, or runs a default campaign
 * of 20,000 cases on the built-in implementation (seed 1) and reads its summary. Exit 0,
 * or 1 when a reachable outcome was never reached, 2 on bad input.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from './lib/campaigns.mjs';
import { formatSpecCoverage, specCoverage } from '../dist/fuzz/report/spec-coverage.js';

const usage = 'usage: npm run coverage:spec -- [SUMMARY.json | fuzz options, default --runs 20000 --seed 1]';

const summaryOf = async (argv) => {
  if (argv.length === 1 && argv[0].endsWith('.json')) return JSON.parse(readFileSync(argv[0], 'utf8'));
  const json = join(mkdtempSync(join(tmpdir(), 'kvm-oracle-spec-')), 'summary.json');
  const has = (o) => argv.includes(o);
  const args = ['fuzz', ...(has('--runs') ? [] : ['--runs', '20000']), ...(has('--seed') ? [] : ['--seed', '1']), ...argv, '--json', json];
  console.error(`coverage:spec: kvm-oracle ${args.join(' ')}`);
  const r = await run(args);
  if (r.code !== 0 && r.code !== 1) throw new Error(`the campaign failed (exit ${r.code}): ${r.out.trim().split('\n').pop()}`);
  return JSON.parse(readFileSync(json, 'utf8'));
};

const main = async () => {
  const argv = process.argv.slice(2);
  const s = await summaryOf(argv[0] === '--' ? argv.slice(1) : argv);
  if (!s.coverage) throw new Error('the summary has no "coverage" (written by an older kvm-oracle?)');
  const c = specCoverage(s.coverage.outcomes, s.coverage.ops, s.coverage.rules, s.coverage.inexpressible);
  console.log(`${s.runs} cases, seed ${s.seed}, ${s.implementation}`);
  for (const line of formatSpecCoverage(c)) console.log(line);
  process.exit(c.never.some((n) => n.reason === null) ? 1 : 0);
};

main().catch((e) => {
  console.error(`coverage:spec: ${e.message}\n${usage}`);
  process.exit(2);
});
