// node scripts/check-table.mjs (after npm run build): rewrites the generated tables of the
// docs from their records (compiled to dist/): the check table of docs/INVARIANTS.md from
// oracle/checks/, the mutant table of docs/MUTANTS.md from impl/mutants.ts.
// test/check-table.test.ts and test/mutants.test.ts fail when a committed table differs.
import { readFileSync, writeFileSync } from 'node:fs';
import { withCheckTable, withSection } from '../dist/oracle/checks/doc.js';
import { MUTANT_TABLE_BEGIN, MUTANT_TABLE_END, mutantTable } from '../dist/impl/mutants-doc.js';

const tables = [
  ['INVARIANTS.md', 'check', withCheckTable],
  ['MUTANTS.md', 'mutant', (doc) => withSection(doc, MUTANT_TABLE_BEGIN, MUTANT_TABLE_END, mutantTable())],
];
for (const [name, what, rewrite] of tables) {
  const file = new URL(`../docs/${name}`, import.meta.url);
  const next = rewrite(readFileSync(file, 'utf8'));
  if (next === null) {
    console.error(`check-table: docs/${name} has no ${what}-table markers`);
    process.exit(2);
  }
  writeFileSync(file, next);
  console.log(`wrote the ${what} table to docs/${name}`);
}
