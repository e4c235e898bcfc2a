#!/usr/bin/env node
/**
 * node scripts/uncovered-branches.mjs COVERAGE-FINAL.JSON [DIR]
 *
 * Lists the branches a coverage run (istanbul JSON, as @vitest/coverage-v8 writes it)
 * never took, under DIR (default impl): one line each, file:line and which arm, for the
 * table of branches not reached in docs/DESIGN.md. Exit 2 when the file cannot be read.
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

const [file, dir = 'impl'] = process.argv.slice(2);
let cov;
try {
  cov = JSON.parse(readFileSync(file, 'utf8'));
} catch (e) {
  console.error(`uncovered-branches: ${file}: ${e.message}`);
  process.exit(2);
}
let total = 0;
let missed = 0;
const lines = [];
for (const [path, f] of Object.entries(cov)) {
  const rel = relative(process.cwd(), path);
  if (!rel.startsWith(`${dir}/`)) continue;
  for (const [id, counts] of Object.entries(f.b)) {
    const br = f.branchMap[id];
    counts.forEach((n, arm) => {
      total++;
      if (n > 0) return;
      missed++;
      const loc = br.locations?.[arm]?.start?.line !== undefined ? br.locations[arm] : br.loc;
      lines.push(`${rel}:${loc.start.line} ${br.type} arm ${arm}`);
    });
  }
}
for (const l of lines.sort()) console.log(l);
console.log(`${dir}/: ${total - missed} of ${total} branch arms taken (${((100 * (total - missed)) / Math.max(1, total)).toFixed(1)}%), ${missed} not`);
