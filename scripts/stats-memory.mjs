#!/usr/bin/env node
/**
 * node scripts/stats-memory.mjs [CASES] [ROOT]   (after npm run build)
 *
 * What `--stats` costs in memory: scans CASES cases (default 100000) of seed 1 on the
 * built-in implementation in this thread with the stats collected, as a worker does, and
 * prints one JSON line: the trace records the runs kept (0 since stats are counted as
 * records are fed), garbage collections and their time, peak RSS, and a digest of the stats
 * (the same before and after a change that must not change them). ROOT: another checkout's
 * built tree, to compare (default this one).
 */
import { createHash } from 'node:crypto';
import { PerformanceObserver } from 'node:perf_hooks';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const n = Number(process.argv[2] ?? 100_000);
const root = resolve(process.argv[3] ?? new URL('..', import.meta.url).pathname);
if (!Number.isInteger(n) || n <= 0) {
  console.error('usage: node scripts/stats-memory.mjs [CASES] [ROOT]');
  process.exit(2);
}
const imp = (p) => import(pathToFileURL(`${root}/dist/${p}`).href);
const { scanCases } = await imp('fuzz/campaign/executor.js');
const { caseSource } = await imp('fuzz/engines/source.js');
const { toWire } = await imp('fuzz/gen/campaign-arb.js');
const { reachOf } = await imp('fuzz/gen/reach.js');
const { builtinFactory } = await imp('impl/builtin.js');
const { DEFAULT_SHAPE } = await imp('fuzz/gen/arbitraries.js');

const setup = { spec: 'builtin', mutant: null, disabled: [], shape: DEFAULT_SHAPE, reach: toWire(reachOf(builtinFactory.capabilities, 'builtin')), seed: 1, stats: true };
let gcs = 0;
let gcMs = 0;
new PerformanceObserver((l) => {
  for (const e of l.getEntries()) [gcs, gcMs] = [gcs + 1, gcMs + e.duration];
}).observe({ entryTypes: ['gc'] });
let kept = 0;
const r = scanCases(caseSource(setup), { start: 0, stride: 1, count: n }, { factory: builtinFactory, mutant: null, disabled: new Set() }, true, undefined, (_tc, o) => (kept += o.trace.length));
await new Promise((res) => setTimeout(res, 10));
const digest = createHash('sha1').update(JSON.stringify(r.stats)).digest('hex').slice(0, 12);
console.log(JSON.stringify({ cases: r.stats.cases, keptRecords: kept, gcs, gcMs: Math.round(gcMs), maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024), statsDigest: digest }));
