/**
 * LAZY_PIN (seed 004): preparing a memory region pins nothing. Userspace may map the
 * memory after KVM_SET_USER_MEMORY_REGION; pages are pinned when an HPTE needs them.
 */
import type { TraceRecord } from '../../api/events.js';
import { hex, because, type Monitor, type MonitorSpec, type Violation } from '../monitor.js';

class LazyPin implements Monitor {
  /** the operation each thread is in, by thread id */
  private readonly current = new Map<number, string>();

  observe(r: TraceRecord): Violation | null {
    if (r.ev === 'opBegin') this.current.set(r.tid, r.op.kind);
    if (r.ev === 'opEnd') this.current.delete(r.tid);
    const pins = (r.ev === 'getPage' || (r.ev === 'slotPhysSet' && r.gotPage)) && this.current.get(r.tid) === 'setMemoryRegion';
    return pins ? because('pinned at region setup', `KVM_SET_USER_MEMORY_REGION pinned pfn ${hex(r.pfn)} (${r.ev}); prepare_memory_region must not pin`) : null;
  }
}

export const LAZY_PIN: MonitorSpec = {
  id: 'LAZY_PIN',
  seed: '004',
  checkedAt: ['slotPhysAlloc'],
  rule: 'preparing a memory region pins nothing',
  needs: ['getPage', 'slotPhysSet'],
  scope: { platform: 'ppcHv' },
  create: () => new LazyPin(),
};
