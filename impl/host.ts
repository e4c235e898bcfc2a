/** Module-wide state the kernel keeps in globals: one per impl instance here. */
import type { HostConfig } from '../api/ops.js';
import type { FaultInjector } from './fault-inject.js';
import type { HostPages } from './host-memory.js';
import type { MutantFlags } from './mutants.js';
import type { Tracer } from './trace.js';
import type { RwSem } from './locks.js';

export interface KvmHost {
  /** vendor module and tdp_enabled */
  config: HostConfig;
  readonly trace: Tracer;
  readonly faults: FaultInjector;
  readonly mutants: MutantFlags;
  readonly pages: HostPages;
  /** the harness thread running now (the kernel's `current`) */
  current: number;
  /** current->mm->mmap_sem of the VMM process: every harness thread shares it */
  readonly mmapSem: RwSem;
}
