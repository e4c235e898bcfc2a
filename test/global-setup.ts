/**
 * Worker processes run the compiled code in dist/, so the tests that start workers need
 * it up to date: rebuild when a source file is newer than the last build.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = new URL('..', import.meta.url).pathname;
const STAMP = join(ROOT, 'dist', '.built');

const newest = (dir: string): number =>
  readdirSync(dir, { withFileTypes: true }).reduce((t, e) => {
    const p = join(dir, e.name);
    return Math.max(t, e.isDirectory() ? newest(p) : e.name.endsWith('.ts') ? statSync(p).mtimeMs : 0);
  }, 0);

const TRACING = '/sys/kernel/tracing';

/**
 * The real-KVM tests read the kernel's tracepoints: where /dev/kvm is there and tracefs is
 * not mounted (it may not be at boot), mount it for the run and unmount it after, leaving
 * the machine as found. Not root, or no /dev/kvm: nothing is mounted, and the tests that
 * need the events say why they are skipped.
 */
const mountTracefs = (): (() => void) | null => {
  if (existsSync(`${TRACING}/instances`) || !existsSync('/dev/kvm') || process.getuid?.() !== 0) return null;
  if (spawnSync('mount', ['-t', 'tracefs', 'nodev', TRACING]).status !== 0) return null;
  return () => void spawnSync('umount', [TRACING]);
};

export default function setup(): (() => void) | void {
  const unmount = mountTracefs();
  const sources = Math.max(...['api', 'model', 'impl', 'oracle', 'fuzz'].map((d) => newest(join(ROOT, d))));
  if (existsSync(STAMP) && statSync(STAMP).mtimeMs >= sources) return unmount ?? undefined;
  execFileSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(ROOT, 'tsconfig.build.json')], { stdio: 'inherit' });
  writeFileSync(STAMP, '');
  return unmount ?? undefined;
}
