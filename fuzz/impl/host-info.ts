/**
 * The machine an implementation runs on, told truly (its handshake's `host`): kernel
 * release, vendor module and MMU parameters, which kernel tracepoints fire there, and
 * whether the kernel log can be read. Shown in the summary, the Markdown report and kept
 * in the counterexample; what is missing is reported as not checked.
 */
import type { HostInfo } from '../../api/limits.js';
import type { Capabilities } from '../../api/protocol.js';

/** "Linux 6.18.44, kvm_pvm (tdp_mmu=N, eager_page_split=Y)" */
export const describeHost = (h: HostInfo): string => {
  const params = Object.entries(h.params).map(([k, v]) => `${k}=${v}`);
  return `Linux ${h.kernel}, ${h.module}${params.length ? ` (${params.join(', ')})` : ''}`;
};

/** The summary's lines about the host: what it is, and what of the kernel's own checks ran. */
export const hostLines = (caps: Capabilities, spec: string): string[] => {
  const h = caps.host;
  if (!h) return [];
  const fired = h.tracepoints ?? [];
  return [
    `host: ${describeHost(h)}`,
    h.tracing ? `not available: kernel tracepoints (${h.tracing})` : `kernel tracepoints seen firing at start-up: ${fired.length ? fired.join(', ') : 'none'}; event kinds ${spec} declares from them: ${caps.events.length ? caps.events.join(', ') : 'none, so no monitor runs on them here (docs/KVM.md: per monitor, the missing field)'}`,
    h.kernelLog ? `not checked: KERNEL_SPLAT (${h.kernelLog})` : 'KERNEL_SPLAT: checked on the kernel log of every case (/dev/kmsg) and its taint',
  ];
};
