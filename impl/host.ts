/** Module-wide state the kernel keeps in globals: one per impl instance here. */
import type { HostConfig } from '../api/ops.js';
import type { FaultInjector } from './fault-inject.js';
import type { HostPages } from './host-memory.js';
import type { MutantFlags } from './mutants.js';
import type { Tracer } from './trace.js';
import type { RwSem } from './locks.js';
import type { MmStruct } from './mm/mm.js';
import type { Vmalloc } from './vmalloc.js';
import type { KvmModule } from './setup/structs.js';

export interface KvmHost {
  /** the vendor whose ops are installed, and tdp_enabled (set by kvm_configure_mmu) */
  config: HostConfig;
  /** what module load set up: masks, caches, vendor state */
  readonly module: KvmModule;
  readonly trace: Tracer;
  readonly faults: FaultInjector;
  readonly mutants: MutantFlags;
  readonly pages: HostPages;
  /** the harness thread running now (the kernel's `current`) */
  current: number;
  /** the host process's address space: where guest memory is mapped (current->mm) */
  readonly mm: MmStruct;
  /** current->mm->mmap_sem: one instance for the whole process */
  readonly mmapSem: RwSem;
  /** the vmalloc area (slot_phys arrays) */
  readonly vmalloc: Vmalloc;
}
