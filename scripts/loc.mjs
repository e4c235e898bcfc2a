#!/usr/bin/env node
// Line counts of the model (the specification) next to the impl, per subsystem: every
// line, and code lines (not blank, not only a comment). `npm run loc`; --markdown prints
// the table in docs/DESIGN.md.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const files = (dir) =>
  readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });

/** the subsystem of a file: its folder under model/ or impl/, or "shared" for the top level */
const subsystem = (side, path) => {
  const parts = relative(join(root, side), path).split('/');
  return parts.length > 1 ? parts[0] : 'shared';
};

const count = (path) => {
  let lines = 0;
  let code = 0;
  let inBlock = false;
  for (const raw of readFileSync(path, 'utf8').split('\n')) {
    const l = raw.trim();
    lines++;
    if (inBlock) {
      inBlock = !l.includes('*/');
      continue;
    }
    if (l.startsWith('/*')) {
      inBlock = !l.includes('*/');
      continue;
    }
    if (l && !l.startsWith('//')) code++;
  }
  return { lines, code };
};

const table = {};
for (const side of ['model', 'impl']) {
  for (const f of files(join(root, side))) {
    const s = subsystem(side, f);
    const row = (table[s] ??= { model: { lines: 0, code: 0, files: 0 }, impl: { lines: 0, code: 0, files: 0 } });
    const c = count(f);
    row[side].lines += c.lines;
    row[side].code += c.code;
    row[side].files++;
  }
}
const total = { model: { lines: 0, code: 0, files: 0 }, impl: { lines: 0, code: 0, files: 0 } };
for (const r of Object.values(table)) for (const side of ['model', 'impl']) for (const k of ['lines', 'code', 'files']) total[side][k] += r[side][k];
const rows = [...Object.entries(table).sort(([a], [b]) => a.localeCompare(b)), ['total', total]];
const cell = (c) => (c.files ? `${c.code} (${c.lines}), ${c.files} files` : '—');
if (process.argv.includes('--markdown')) {
  console.log('| subsystem | model: code lines (all lines) | impl: code lines (all lines) |');
  console.log('|---|---|---|');
  for (const [s, r] of rows) console.log(`| ${s} | ${cell(r.model)} | ${cell(r.impl)} |`);
} else {
  console.log(`${'subsystem'.padEnd(10)} ${'model'.padEnd(26)} impl`);
  for (const [s, r] of rows) console.log(`${s.padEnd(10)} ${cell(r.model).padEnd(26)} ${cell(r.impl)}`);
}
