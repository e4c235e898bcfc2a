/**
 * Worker processes run the compiled code in dist/, so the tests that start workers need
 * it up to date: rebuild when a source file is newer than the last build.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = new URL('..', import.meta.url).pathname;
const STAMP = join(ROOT, 'dist', '.built');

const newest = (dir: string): number =>
  readdirSync(dir, { withFileTypes: true }).reduce((t, e) => {
    const p = join(dir, e.name);
    return Math.max(t, e.isDirectory() ? newest(p) : e.name.endsWith('.ts') ? statSync(p).mtimeMs : 0);
  }, 0);

export default function setup(): void {
  const sources = Math.max(...['api', 'model', 'impl', 'oracle', 'fuzz'].map((d) => newest(join(ROOT, d))));
  if (existsSync(STAMP) && statSync(STAMP).mtimeMs >= sources) return;
  execFileSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(ROOT, 'tsconfig.build.json')], { stdio: 'inherit' });
  writeFileSync(STAMP, '');
}
