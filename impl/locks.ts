/**
 * Kernel locks for a cooperative scheduler: taking one is a preemption point, and a thread
 * finding it held yields 'wait' until the owner releases it.
 */
import type { Gen } from './preempt.js';

/** struct mutex / spinlock_t: one owner at a time */
export class Mutex {
  /** the harness thread holding it, or null */
  owner: number | null = null;

  constructor(readonly name: string) {}

  *lock(tid: number): Gen<void> {
    yield { at: 'lock', lock: this.name };
    while (this.owner !== null) yield { at: 'wait', lock: this.name };
    this.owner = tid;
  }

  unlock(tid: number): void {
    if (this.owner !== tid) throw new Error(`BUG: ${this.name} released by thread ${tid}, held by ${this.owner}`);
    this.owner = null;
  }
}
