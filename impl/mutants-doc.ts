/**
 * The mutant table of docs/MUTANTS.md, generated from the records (impl/mutants.ts) between
 * its markers by scripts/check-table.mjs; test/mutants.test.ts fails when the committed
 * table differs.
 */
import { MUTANT_NAMES, MUTANT_RECORDS, type Mutant } from './mutants.js';

export const MUTANT_TABLE_BEGIN = '<!-- mutant-table:begin (generated from impl/mutants.ts by scripts/check-table.mjs) -->';
export const MUTANT_TABLE_END = '<!-- mutant-table:end -->';

const ids = (xs: readonly string[]): string => xs.join(' or ');
const threads = (n: 1 | 2): string => (n === 1 ? 'one' : 'two');

const foundAs = (m: Mutant): string =>
  `${ids(m.foundAs)}, on ${threads(m.threads)} thread${m.threads === 1 ? '' : 's'}` +
  (m.without ? `; with ${m.without.monitor} off, ${ids(m.without.foundAs)} on ${threads(m.without.threads)}` : '');

export const mutantTable = (): string =>
  [
    MUTANT_TABLE_BEGIN,
    '| mutant | patch | bug it re-creates | found as | why |',
    '|---|---|---|---|---|',
    ...MUTANT_NAMES.map((n) => {
      const m: Mutant = MUTANT_RECORDS[n];
      return `| \`${n}\` | ${m.seed} | ${m.bug} | ${foundAs(m)} | ${m.why} |`;
    }),
    MUTANT_TABLE_END,
  ].join('\n');
