#!/usr/bin/env node
/**
 * npm run samples [-- --check]
 *
 * The sample outputs in README.md and docs/*.md are made by running their commands: each
 * block between `<!-- sample: ARGS -->` and `<!-- /sample -->` gets the stdout of
 * `kvm-oracle ARGS`, run in order in one fresh directory per file (so a replay finds the
 * file the fuzz before it wrote). --check writes nothing and exits 1 when a block is stale
 * (test/readme.test.ts runs it).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const bin = join(root, 'bin', 'kvm-oracle.js');
const BLOCK = /<!-- sample: (.*?) -->\n```\n[\s\S]*?```\n<!-- \/sample -->/g;

/** shell-like words: "double quoted" parts kept together */
const words = (s) => [...s.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]);

export const samplesOf = (text) => {
  const dir = mkdtempSync(join(tmpdir(), 'kvm-oracle-sample-'));
  symlinkSync(join(root, 'examples'), join(dir, 'examples'));
  try {
    return text.replace(BLOCK, (_, args) => {
      const r = spawnSync(process.execPath, [bin, ...words(args)], { cwd: dir, encoding: 'utf8' });
      return `<!-- sample: ${args} -->\n\`\`\`\n${r.stdout}\`\`\`\n<!-- /sample -->`;
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

export const FILES = ['README.md', ...readdirSync(join(root, 'docs')).filter((n) => n.endsWith('.md')).map((n) => `docs/${n}`)];

const main = () => {
  const check = process.argv.includes('--check');
  let stale = 0;
  for (const f of FILES) {
    const text = readFileSync(join(root, f), 'utf8');
    if (!BLOCK.test(text)) continue;
    BLOCK.lastIndex = 0;
    const fresh = samplesOf(text);
    if (fresh === text) continue;
    stale++;
    if (check) console.log(`${f}: a sample output is stale (npm run samples rewrites it)`);
    else writeFileSync(join(root, f), fresh), console.log(`${f}: samples rewritten`);
  }
  process.exit(check && stale ? 1 : 0);
};

if (process.argv[1] && new URL(`file://${process.argv[1]}`).pathname === new URL(import.meta.url).pathname) main();
