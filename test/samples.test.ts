import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;

describe('the sample outputs of README.md and docs/', () => {
  it('are what their commands print now (npm run samples rewrites them)', () => {
    const r = spawnSync(process.execPath, ['scripts/samples.mjs', '--check'], { cwd: root, encoding: 'utf8' });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});
