/**
 * A real kernel's log over one case, judged: the first report found (with the titles of
 * any others) is a KERNEL_SPLAT, and so is a taint the kernel took during the case. The
 * log is the machine's, not the case's alone: another process's report in the same
 * interval is blamed on the case too (say so when triaging).
 */
import type { KernelLog } from '../../api/limits.js';
import { findSplats, newTaint } from './splat.js';

/** The failure message, or null when the log is clean (or could not be read). */
export const judgeKernelLog = (k: KernelLog | undefined): string | null => {
  if (!k) return null;
  const splats = findSplats(k.log ?? []);
  const taint = newTaint(k.taintBefore, k.taintAfter);
  const tainted = taint ? `the kernel became tainted (${taint}: /proc/sys/kernel/tainted ${k.taintBefore} -> ${k.taintAfter})` : '';
  if (!splats.length) return tainted || null;
  const [first, ...others] = splats;
  return [
    first!.title,
    ...(others.length ? [`also: ${others.map((s) => s.title).join('; ')}`] : []),
    ...(tainted ? [tainted] : []),
    ...first!.excerpt.map((l) => `  ${l}`),
  ].join('\n');
};
