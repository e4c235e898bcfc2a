/**
 * Preemption points. Every impl path that can sleep or contend (lock acquisition, sleeping
 * allocation, get_user_pages, guest memory reads) is a generator that yields here, so a
 * scheduler can switch threads at exactly these points. A sequential run just drains it.
 */
import type { SchedPoint } from '../api/implementation.js';

/**
 * 'lock': about to take a lock; 'wait': blocked on it; 'alloc': a sleeping allocation;
 * 'gup': get_user_pages; 'guestMem': kvm_read_guest/kvm_write_guest; 'entry': between the
 * last request check and VM entry, where other CPUs keep running; 'preempt': code that runs
 * preemptible (no spinlock held) and may be switched out anywhere.
 */
export type PreemptPoint = SchedPoint;

export type Gen<T> = Generator<PreemptPoint, T, void>;

/** Raised when a path waits for a lock in a run where nobody can release it. */
export class SelfDeadlock extends Error {
  constructor(readonly lock: string) {
    super(`deadlock: waiting for ${lock}, which no other thread can release`);
  }
}

/** Runs a path to completion on the only thread there is. */
export const drain = <T>(g: Gen<T>): T => {
  for (;;) {
    const r = g.next();
    if (r.done) return r.value;
    if (r.value.at === 'wait') throw new SelfDeadlock(r.value.lock);
  }
};
