/**
 * Fault injection, like the kernel's fail_function: the next N allocations at a named
 * site fail. Each site is consumed at one well-defined call so results stay predictable.
 */
import type { AllocSite } from '../api/ops.js';
import type { Tracer } from './trace.js';

export class FaultInjector {
  private readonly pending = new Map<AllocSite, number>();

  constructor(private readonly trace: Tracer) {}

  arm(site: AllocSite, count: number): void {
    this.pending.set(site, (this.pending.get(site) ?? 0) + count);
  }

  /** true when this allocation must fail (and the failure is consumed) */
  shouldFail(site: AllocSite): boolean {
    const n = this.pending.get(site) ?? 0;
    if (n === 0) return false;
    this.pending.set(site, n - 1);
    this.trace.emit({ ev: 'allocFailInjected', site });
    return true;
  }

  snapshot(): Record<string, number> {
    return Object.fromEntries([...this.pending].filter(([, n]) => n > 0).sort());
  }
}
