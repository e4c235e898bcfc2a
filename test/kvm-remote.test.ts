/**
 * A kernel under test elsewhere (docs/KVM.md): the adapter behind `--impl "exec:ssh HOST
 * .../kvm-oracle-kvm"`, tried through ssh to localhost. adapters/kvm/ssh-localhost.sh
 * starts sshd and lets a key of its own in; skipped, with its one-line reason, where sshd
 * is not installed or /dev/kvm is missing.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { release } from 'node:os';
import { describe, expect, it } from 'vitest';
import type { TestCase } from '../api/ops.js';
import { loadFactory } from '../fuzz/impl/spec.js';
import { runCase } from '../fuzz/run/runner.js';
import { op } from './helpers.js';

const setup = ((): { impl: string } | { why: string } => {
  try {
    accessSync('/dev/kvm', constants.R_OK | constants.W_OK);
  } catch {
    return { why: 'no usable /dev/kvm' };
  }
  const build = spawnSync('sh', ['adapters/kvm/build.sh'], { encoding: 'utf8' });
  if (build.status !== 0) return { why: build.stderr.trim().split('\n')[0] ?? 'build failed' };
  const ssh = spawnSync('sh', ['adapters/kvm/ssh-localhost.sh'], { encoding: 'utf8' });
  return ssh.status === 0 ? { impl: ssh.stdout.trim() } : { why: ssh.stderr.trim().split('\n')[0] ?? 'ssh set-up failed' };
})();
const why = 'why' in setup ? setup.why : null;

describe.skipIf(why !== null)(`real KVM through ssh to localhost${why ? ` (skipped: ${why})` : ''}`, () => {
  it('runs cases on the remote kernel and tells that host', async () => {
    const factory = await loadFactory((setup as { impl: string }).impl);
    try {
      expect(factory.capabilities.host?.kernel).toBe(release());
      const tc: TestCase = { config: { vendor: 'vmx', tdp: false, rules: 'upstream' }, ops: [op.createVm(), op.slot(0, 0, 32), op.createVcpu(), op.run(0x1000, true)] };
      expect(runCase(tc, { factory, mutant: null }).failure).toBeNull();
    } finally {
      factory.dispose?.();
    }
  });
});
