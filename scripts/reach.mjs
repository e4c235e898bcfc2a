#!/usr/bin/env node
/**
 * npm run reach [-- --runs N --seed S --vcpus N --max-ops N --engine fast-check|jsverify]
 *
 * What the generator reaches on the built-in implementation (fuzz/gen/reach-figures.ts):
 * draws cases 0..runs-1 of the seed's stream, exactly the cases `kvm-oracle fuzz` with the
 * same options runs (whatever its --workers), runs each with its trace and prints the
 * share of operations on missing objects, x86 cases in long mode, dirty logs harvested,
 * shadow-page reclaim and vCPUs shared between threads. GEN_DIST=path/to/dist measures
 * another build's generator (e.g. main's, for a before/after table).
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const usage = 'usage: npm run reach -- [--runs N] [--seed S] [--vcpus N] [--max-ops N] [--engine fast-check|jsverify]';
const o = { runs: 2000, seed: 1, vcpus: 2, 'max-ops': undefined, engine: 'fast-check' };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i += 2) {
  const [k, v] = [argv[i], argv[i + 1]];
  const name = k?.replace(/^--/, '');
  if (!k?.startsWith('--') || !(name in o) || v === undefined) {
    console.error(`reach: bad option ${k ?? ''}\n${usage}`);
    process.exit(2);
  }
  if (name !== 'engine' && !/^[0-9]+$/.test(v)) {
    console.error(`reach: ${k}: expected a whole number, got ${v}`);
    process.exit(2);
  }
  o[name] = name === 'engine' ? v : Number(v);
}
if (!['fast-check', 'jsverify'].includes(o.engine)) {
  console.error(`reach: --engine: expected fast-check or jsverify, got ${o.engine}`);
  process.exit(2);
}
const here = new URL('../dist/', import.meta.url);
const gen = process.env.GEN_DIST ? pathToFileURL(resolve(process.env.GEN_DIST) + '/') : here;
const load = (base, p) => import(new URL(p, base).href);
const { builtinFactory } = await load(gen, 'impl/builtin.js');
const { reachOf } = await load(gen, 'fuzz/gen/reach.js');
const { campaignArb } = await load(gen, 'fuzz/gen/campaign-arb.js');
const { CaseStream } = await load(gen, 'fuzz/gen/stream.js');
const { JsverifyStream } = await load(gen, 'fuzz/engines/jsverify/stream.js');
const { jsverifyCampaignArb } = await load(gen, 'fuzz/engines/jsverify/campaign.js');
const { runCase } = await load(gen, 'fuzz/run/runner.js');
const { emptyFigures, addCaseFigures, formatFigures } = await load(here, 'fuzz/gen/reach-figures.js');

const reach = reachOf(builtinFactory.capabilities, builtinFactory.name);
const shape = { vcpus: o.vcpus, ...(o['max-ops'] !== undefined && { maxOps: o['max-ops'] }) };
const stream = o.engine === 'jsverify' ? new JsverifyStream(o.seed, jsverifyCampaignArb(shape, reach)) : new CaseStream(o.seed, campaignArb(shape, reach));
const f = emptyFigures();
let failed = 0;
for (let i = 0; i < o.runs; i++) {
  const tc = stream.at(i).value[0];
  const out = runCase(tc, { factory: builtinFactory, mutant: null, keepTrace: true });
  if (out.failure) failed++;
  addCaseFigures(f, tc, out.trace);
}
console.log(`${o.engine}, seed ${o.seed}, ${o.vcpus} vCPU thread(s)${o['max-ops'] ? `, --max-ops ${o['max-ops']}` : ''}${process.env.GEN_DIST ? `, generator of ${process.env.GEN_DIST}` : ''}`);
for (const line of formatFigures(f)) console.log(line);
if (failed) console.log(`  (${failed} case(s) failed on the correct implementation)`);
