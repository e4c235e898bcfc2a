/**
 * vzalloc()/vfree() of arrays of unsigned long. Every array gets an address that is never
 * handed out again, so a write through a stale pointer is visible in the trace.
 * @see mm/vmalloc.c
 */

export interface VmallocArray {
  /** the array's address (a tracepoint field) */
  readonly addr: number;
  /** the unsigned longs, zeroed */
  readonly data: BigUint64Array;
  /** vfree() was called: any further access is a use after free */
  freed: boolean;
}

const VMALLOC_START = 0xd000_0000_0000;

export class Vmalloc {
  private next = VMALLOC_START;

  vzalloc(nlongs: number): VmallocArray {
    const addr = this.next;
    this.next += Math.max(1, Math.ceil((nlongs * 8) / 4096)) * 4096;
    return { addr, data: new BigUint64Array(nlongs), freed: false };
  }

  vfree(a: VmallocArray): void {
    if (a.freed) throw new Error(`BUG: double vfree of 0x${a.addr.toString(16)}`);
    a.freed = true;
  }
}
