// node scripts/check-table.mjs (after npm run build): rewrites the check table of
// docs/INVARIANTS.md from oracle/checks/ (compiled to dist/); test/check-table.test.ts fails
// when the committed table differs.
import { readFileSync, writeFileSync } from 'node:fs';
import { withCheckTable } from '../dist/oracle/checks/doc.js';

const file = new URL('../docs/INVARIANTS.md', import.meta.url);
const next = withCheckTable(readFileSync(file, 'utf8'));
if (next === null) {
  console.error('check-table: docs/INVARIANTS.md has no check-table markers');
  process.exit(2);
}
writeFileSync(file, next);
console.log('wrote the check table to docs/INVARIANTS.md');
