/**
 * SETUP_ORDER (seed 002): within a module load, the PTE masks are reset before the vendor's
 * hardware_setup (which may change them), and the MMU's caches are created only after
 * hardware_setup succeeded (their layout depends on how the vendor configured the MMU).
 */
import type { TraceRecord } from '../../api/events.js';
import { because, type Monitor, type MonitorSpec, type Violation } from '../monitor.js';

interface Attempt {
  readonly vendor: string;
  /** kvm_mmu_reset_all_pte_masks ran in this load */
  masksReset: boolean;
  /** the vendor's hardware_setup succeeded in this load */
  vendorSetUp: boolean;
}

class SetupOrder implements Monitor {
  /** the load in progress, between kvmModuleInit and kvmModuleInitDone */
  private load: Attempt | null = null;

  observe(r: TraceRecord): Violation | null {
    const load = this.load;
    switch (r.ev) {
      case 'kvmModuleInit':
        this.load = { vendor: r.vendor, masksReset: false, vendorSetUp: false };
        return null;
      case 'kvmModuleInitDone':
        this.load = null;
        return null;
      case 'kvmResetPteMasks':
        if (!load) return null;
        load.masksReset = true;
        return load.vendorSetUp ? because('masks reset after vendor setup', `PTE masks reset after ${load.vendor} hardware_setup: the masks the vendor set are lost`) : null;
      case 'kvmSetupStep':
        if (!load) return null;
        if (r.stage === 'vendor') {
          if (r.ret === 0) load.vendorSetUp = true;
          return load.masksReset ? null : because('vendor setup before the masks reset', `${load.vendor} hardware_setup ran before the PTE masks were reset (stale masks of the previous vendor)`);
        }
        return load.vendorSetUp ? null : because('MMU setup before vendor setup', `MMU setup created ${r.object} before ${load.vendor} hardware_setup completed`);
      default:
        return null;
    }
  }
}

export const SETUP_ORDER: MonitorSpec = {
  id: 'SETUP_ORDER',
  seed: '002',
  checkedAt: ['kvmModuleInit'],
  rule: 'PTE masks are reset before vendor hardware_setup; MMU caches are created after it',
  needs: ['kvmModuleInit', 'kvmModuleInitDone', 'kvmResetPteMasks', 'kvmSetupStep'],
  scope: { ops: ['moduleLoad'] },
  create: () => new SetupOrder(),
};
