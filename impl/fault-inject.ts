/**
 * Fault injection, like the kernel's fail_function with per-task make-it-fail: the next N
 * allocations at a named site, made by the thread that armed them, fail. Each site is
 * consumed at one well-defined call so results stay predictable.
 */
import type { AllocSite } from '../api/ops.js';
import type { Tracer } from './trace.js';

export class FaultInjector {
  /** `${thread}:${site}` -> failures still to come */
  private readonly pending = new Map<string, number>();

  constructor(
    private readonly trace: Tracer,
    /** the thread running now (the kernel's `current`) */
    private readonly current: () => number,
  ) {}

  arm(site: AllocSite, count: number): void {
    const k = `${this.current()}:${site}`;
    this.pending.set(k, (this.pending.get(k) ?? 0) + count);
  }

  /** true when this allocation must fail (and the failure is consumed) */
  shouldFail(site: AllocSite): boolean {
    const k = `${this.current()}:${site}`;
    const n = this.pending.get(k) ?? 0;
    if (n === 0) return false;
    this.pending.set(k, n - 1);
    this.trace.emit({ ev: 'allocFailInjected', site });
    return true;
  }

  snapshot(): Record<string, number> {
    return Object.fromEntries([...this.pending].filter(([, n]) => n > 0).sort());
  }
}
