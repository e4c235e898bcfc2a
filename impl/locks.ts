/**
 * Kernel locks for a cooperative scheduler: taking one is a preemption point; a thread
 * that finds it held yields 'wait' (with a readiness test) until the owner lets go. Every
 * acquire and release is a lockdep-style tracepoint.
 */
import type { LockMode } from '../api/events.js';
import type { Gen } from './preempt.js';
import type { Tracer } from './trace.js';

abstract class Lock {
  /** `class@instance`, e.g. "kvm->lock@vm0" */
  readonly id: string;

  constructor(
    /** the lock class lockdep orders by: "mmap_sem", "kvm->lock", "slot_phys_lock", ... */
    readonly cls: string,
    instance: string,
    protected readonly trace: Tracer,
    /** spinlocks may not be held across anything that sleeps */
    readonly spin = false,
  ) {
    this.id = `${cls}@${instance}`;
  }

  /** threads holding the lock now */
  abstract holders(): number[];

  protected *acquire(tid: number, mode: LockMode, free: () => boolean): Gen<void> {
    yield { at: 'lock', lock: this.id };
    while (!free()) yield { at: 'wait', lock: this.id, ready: free, holders: () => this.holders() };
    this.trace.emit({ ev: 'lockAcquire', tid, lock: this.cls, instance: this.id, mode, spin: this.spin });
  }

  protected released(tid: number, mode: LockMode): void {
    this.trace.emit({ ev: 'lockRelease', tid, lock: this.cls, instance: this.id, mode });
  }
}

/** struct mutex, or spinlock_t with spin = true: one owner at a time */
export class Mutex extends Lock {
  /** the harness thread holding it, or null */
  owner: number | null = null;

  holders(): number[] {
    return this.owner === null ? [] : [this.owner];
  }

  *lock(tid: number): Gen<void> {
    yield* this.acquire(tid, 'exclusive', () => this.owner === null);
    this.owner = tid;
  }

  unlock(tid: number): void {
    if (this.owner !== tid) throw new Error(`BUG: ${this.id} released by thread ${tid}, held by ${this.owner}`);
    this.owner = null;
    this.released(tid, 'exclusive');
  }
}

/** struct rw_semaphore (mmap_sem): many readers or one writer */
export class RwSem extends Lock {
  /** threads holding it for read (a thread may appear more than once: recursion) */
  readonly readers: number[] = [];
  writer: number | null = null;

  holders(): number[] {
    return this.writer === null ? [...new Set(this.readers)] : [this.writer];
  }

  *downRead(tid: number): Gen<void> {
    yield* this.acquire(tid, 'read', () => this.writer === null);
    this.readers.push(tid);
  }

  upRead(tid: number): void {
    const i = this.readers.indexOf(tid);
    if (i < 0) throw new Error(`BUG: up_read of ${this.id} by thread ${tid}, which does not hold it`);
    this.readers.splice(i, 1);
    this.released(tid, 'read');
  }

  *downWrite(tid: number): Gen<void> {
    yield* this.acquire(tid, 'write', () => this.writer === null && this.readers.length === 0);
    this.writer = tid;
  }

  upWrite(tid: number): void {
    if (this.writer !== tid) throw new Error(`BUG: up_write of ${this.id} by thread ${tid}, writer is ${this.writer}`);
    this.writer = null;
    this.released(tid, 'write');
  }
}
