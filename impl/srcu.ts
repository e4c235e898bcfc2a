/**
 * kvm->srcu as the memslot code uses it: readers never wait, and synchronize_srcu() returns
 * only once no reader that might still use the old memslots is inside. Readers here are
 * short (the first-run setup, under kvm->lock), so waiting for none at all is the same.
 * @see include/linux/srcu.h, virt/kvm/kvm_main.c __kvm_set_memory_region()
 */
import type { Gen } from './preempt.js';

export class Srcu {
  /** threads inside a read-side section */
  private readonly readers: number[] = [];

  constructor(readonly id: string) {}

  readLock(tid: number): void {
    this.readers.push(tid);
  }

  readUnlock(tid: number): void {
    const i = this.readers.indexOf(tid);
    if (i < 0) throw new Error(`BUG: srcu_read_unlock of ${this.id} by thread ${tid}, which is not a reader`);
    this.readers.splice(i, 1);
  }

  /** synchronize_srcu(): sleeps until the readers are gone */
  *synchronize(): Gen<void> {
    const idle = () => this.readers.length === 0;
    while (!idle()) yield { at: 'wait', lock: this.id, ready: idle, holders: () => [...this.readers] };
  }
}
