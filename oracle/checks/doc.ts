/**
 * The check table of docs/INVARIANTS.md, generated from the record (between its markers);
 * `node scripts/check-table.mjs` rewrites it, test/check-table.test.ts keeps it current.
 */
import { TRACE_EVENT_KINDS } from '../../api/events.js';
import { ABSTRACT_PARTS } from '../../api/abstract.js';
import { ABSTRACT_CHECKS, EVENT_CHECKS, LEFT_OUT, type Check } from './index.js';

export const BEGIN = '<!-- check-table:begin (generated from oracle/checks/ by scripts/check-table.mjs) -->';
export const END = '<!-- check-table:end -->';

const cell = (s: string): string => s.replace(/\|/g, '\\|');

const fieldText = (name: string, c: Check): string => {
  if ('unchecked' in c) return `\`${name}\`: not checked: ${c.unchecked}`;
  if ('key' in c) return `\`${name}\`: each of them, as a key (${c.key})`;
  return `\`${name}\`: ${c.by.join(', ')}${c.how ? ` (${c.how})` : ''}`;
};

export const checkTable = (): string => {
  const lines = [
    BEGIN,
    '',
    '### Tracepoints',
    '',
    '| event | read by | fields |',
    '|---|---|---|',
    ...TRACE_EVENT_KINDS.map((k) => {
      const e = EVENT_CHECKS[k];
      const fields = Object.entries(e.fields as Record<string, Check>).map(([n, c]) => fieldText(n, c));
      return `| \`${k}\` | ${e.by.join(', ') || 'no monitor'} | ${cell(fields.join('<br>') || '(no fields: the event itself)')} |`;
    }),
    '',
    '### Abstract state (compared by CONFORMANCE after every operation)',
    '',
    '| field | part | what |',
    '|---|---|---|',
    ...Object.entries(ABSTRACT_CHECKS).map(([path, a]) => `| \`${path}\` | ${a.part} | ${cell(a.what)} |`),
    '',
    `An implementation declares the parts it can show (${ABSTRACT_PARTS.join(', ')}); the others are reported as not compared. Left out on purpose:`,
    '',
    ...LEFT_OUT.map((s) => `- ${s}`),
    '',
    END,
  ];
  return lines.join('\n');
};

/** `doc` with the section from `begin` to `end` (markers included) replaced by `section`; null when it has no markers */
export const withSection = (doc: string, begin: string, end: string, section: string): string | null => {
  const a = doc.indexOf(begin);
  const b = doc.indexOf(end);
  return a < 0 || b < a ? null : doc.slice(0, a) + section + doc.slice(b + end.length);
};

/** `doc` with its table section replaced by the current one; null when it has no markers */
export const withCheckTable = (doc: string): string | null => withSection(doc, BEGIN, END, checkTable());
