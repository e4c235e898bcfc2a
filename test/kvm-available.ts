/** What the real-KVM tests share: the adapter binary, and why it cannot run here (or null). */
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';

export const KVM_BIN = 'adapters/kvm/build/kvm-oracle-kvm';

/** 'no usable /dev/kvm', the adapter build's first error line, or null (built and usable) */
export const kvmMissing = (): string | null => {
  try {
    accessSync('/dev/kvm', constants.R_OK | constants.W_OK);
  } catch {
    return 'no usable /dev/kvm';
  }
  const build = spawnSync('sh', ['adapters/kvm/build.sh'], { encoding: 'utf8' });
  return build.status === 0 ? null : build.stderr.trim().split('\n')[0] || 'build failed';
};
