/**
 * Every command of README.md and the docs a user copies (NIGHTLY.md, INSTALL.md) runs as
 * written: each line of their ```sh blocks, in order, in one fresh directory (with the
 * examples/ of the repository, as in a clone), `npx kvm-oracle` being this build's command.
 * A line's exit status is the one its `# exit N` comment says, else 0. `npm` lines (npm ci,
 * npm test, npm install of the published package) are left to .ci/run and the package test.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;
const bin = join(root, 'bin', 'kvm-oracle.js');

const shLines = (file: string): string[] =>
  [...readFileSync(join(root, file), 'utf8').matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((m) => m[1]!.split('\n')).filter((l) => l.trim() && !l.startsWith('npm '));

describe.each(['README.md', 'docs/NIGHTLY.md', 'docs/INSTALL.md'])('%s', (file) => {
  it('each command runs as written, with the exit status it says', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kvm-oracle-docs-'));
    symlinkSync(join(root, 'examples'), join(dir, 'examples'));
    for (const line of shLines(file)) {
      const want = Number(/#\s*exit (\d+)/.exec(line)?.[1] ?? 0);
      const cmd = line.replace(/\bnpx kvm-oracle\b/g, `node ${JSON.stringify(bin)}`);
      const r = spawnSync('bash', ['-c', cmd], { cwd: dir, encoding: 'utf8' });
      expect(r.status, `${line}\n${r.stdout.slice(-2000)}${r.stderr.slice(-2000)}`).toBe(want);
      expect(r.stderr).not.toMatch(/^\s+at .*\(.*:\d+:\d+\)$/m);
    }
  });
});
