/**
 * The machine an implementation runs on, told truly (its handshake's `host`): kernel
 * release, vendor module and MMU parameters, which kernel tracepoints fire there, and
 * whether the kernel log can be read. Shown in the summary, the Markdown report and kept
 * in the counterexample; what is missing is reported as not checked.
 */
import type { HostInfo } from '../../api/limits.js';
import type { Capabilities } from '../../api/protocol.js';
import type { Applicable } from '../../oracle/applicable.js';
import { kernelGap } from './kernel-gaps.js';

/** "Linux 6.18.44, kvm_pvm (tdp_mmu=N, eager_page_split=Y)" */
export const describeHost = (h: HostInfo): string => {
  const params = Object.entries(h.params).map(([k, v]) => `${k}=${v}`);
  return `Linux ${h.kernel}, ${h.module}${params.length ? ` (${params.join(', ')})` : ''}`;
};

/** The summary's lines about the host: what it is, and what of the kernel's own checks ran. */
export const hostLines = (caps: Capabilities, spec: string, a: Applicable): string[] => {
  const h = caps.host;
  if (!h) return [];
  const fired = h.tracepoints ?? [];
  const ran = a.run.map((m) => m.id);
  return [
    `host: ${describeHost(h)}`,
    h.tracing ? `not available: kernel tracepoints (${h.tracing})` : `kernel tracepoints seen firing at start-up: ${fired.length ? fired.join(', ') : 'none'}; event kinds ${spec} declares from them: ${caps.events.length ? caps.events.join(', ') : 'none'}`,
    `monitors run on kernel tracepoints: ${ran.length ? ran.join(', ') : 'none'}; the others are not checked, each with what the kernel lacks (docs/KVM.md: per monitor)`,
    h.kernelLog ? `not checked: KERNEL_SPLAT (${h.kernelLog})` : 'KERNEL_SPLAT: checked on the kernel log of every case (/dev/kmsg) and its taint',
  ];
};

/**
 * On a real kernel, the monitors whose reason is what the kernel lacks (a line each:
 * `not checked: ROOTS_FREED_ONCE (the kernel: ...)`), and the rest as they were.
 */
export const withKernelGaps = (caps: Capabilities, a: Applicable): { rest: Applicable; lines: string[] } => {
  if (!caps.host || caps.host.tracing) return { rest: a, lines: [] };
  const ids = a.notChecked.flatMap((n) => n.ids).filter((id) => kernelGap(id) !== undefined);
  const notChecked = a.notChecked.map((n) => ({ ...n, ids: n.ids.filter((id) => !ids.includes(id)) })).filter((n) => n.ids.length > 0);
  return { rest: { run: a.run, notChecked }, lines: ids.map((id) => `not checked: ${id} (the kernel: ${kernelGap(id)!})`) };
};
