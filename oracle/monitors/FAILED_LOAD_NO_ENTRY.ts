/**
 * FAILED_LOAD_NO_ENTRY (seed 000): when loading the root fails, KVM_RUN returns that error
 * and the guest is not entered.
 */
import type { TraceRecord } from '../../api/events.js';
import type { Monitor, MonitorSpec } from '../monitor.js';

class FailedLoadNoEntry implements Monitor {
  /** `${vm}:${vcpu}` -> the errno of a failed kvm_mmu_load in the current operation */
  private readonly failed = new Map<string, number>();

  observe(r: TraceRecord): string | null {
    switch (r.ev) {
      case 'kvmMmuLoad':
        // a later load that succeeds (the ready-time reload failed, the run loop's did not) clears it
        if (r.ret < 0) this.failed.set(`${r.vm}:${r.vcpu}`, r.ret);
        else this.failed.delete(`${r.vm}:${r.vcpu}`);
        return null;
      case 'kvmEntry':
        return this.failed.has(`${r.vm}:${r.vcpu}`)
          ? `vcpu ${r.vcpu} of vm ${r.vm} entered the guest after kvm_mmu_load returned ${this.failed.get(`${r.vm}:${r.vcpu}`)}`
          : null;
      case 'opEnd': {
        if (r.op.kind !== 'run') return null;
        const key = `${r.op.vm}:${r.op.vcpu}`;
        const ret = this.failed.get(key);
        this.failed.delete(key);
        if (ret === undefined) return null;
        const got = r.result.kind === 'errno' ? r.result.errno : null;
        return got === ret ? null : `KVM_RUN returned ${JSON.stringify(r.result)} after kvm_mmu_load failed with ${ret}`;
      }
      default:
        return null;
    }
  }
}

export const FAILED_LOAD_NO_ENTRY: MonitorSpec = {
  id: 'FAILED_LOAD_NO_ENTRY',
  rule: 'when loading the root fails, run returns the error and the guest is not entered',
  needs: ['kvmEntry', 'kvmMmuLoad'],
  create: () => new FailedLoadNoEntry(),
};
