/**
 * FAILED_LOAD_NO_ENTRY (seed 000): when loading the root fails, KVM_RUN returns that error
 * and the guest is not entered.
 *
 * That a load failed is not only the impl's word (`ret`): an allocation failure injected
 * at `mmuTopup` on the thread makes the next kvm_mmu_load of that operation fail, whatever
 * it reports (the topup is that load's first step, and nothing else uses the site).
 */
import type { TraceRecord } from '../../api/events.js';
import { because, type Monitor, type MonitorSpec, type Violation } from '../monitor.js';

class FailedLoadNoEntry implements Monitor {
  /** `${vm}:${vcpu}` -> the errno of a failed kvm_mmu_load in the current operation */
  private readonly failed = new Map<string, number>();
  /** threads whose mmuTopup allocation failed and whose next kvm_mmu_load has not come yet */
  private readonly topupFailed = new Set<number>();

  observe(r: TraceRecord, tid: number): Violation | null {
    switch (r.ev) {
      case 'allocFailInjected':
        if (r.site === 'mmuTopup') this.topupFailed.add(tid);
        return null;
      case 'kvmMmuLoad':
        if (this.topupFailed.delete(tid) && r.ret >= 0) return because('load ignored a failed allocation', `kvm_mmu_load of vcpu ${r.vcpu} of vm ${r.vm} reported ${r.ret} after its mmuTopup allocation failed`);
        // a later load that succeeds (the ready-time reload failed, the run loop's did not) clears it
        if (r.ret < 0) this.failed.set(`${r.vm}:${r.vcpu}`, r.ret);
        else this.failed.delete(`${r.vm}:${r.vcpu}`);
        return null;
      case 'kvmEntry':
        return this.failed.has(`${r.vm}:${r.vcpu}`)
          ? because('entered after a failed load', `vcpu ${r.vcpu} of vm ${r.vm} entered the guest after kvm_mmu_load returned ${this.failed.get(`${r.vm}:${r.vcpu}`)}`)
          : null;
      case 'opEnd': {
        // a topup outside kvm_mmu_load (the eager path of a context switch) ends with its operation
        this.topupFailed.delete(tid);
        if (r.op.kind !== 'run') return null;
        const key = `${r.op.vm}:${r.op.vcpu}`;
        const ret = this.failed.get(key);
        this.failed.delete(key);
        if (ret === undefined) return null;
        const got = r.result.kind === 'errno' ? r.result.errno : null;
        return got === ret ? null : because('run hid the load error', `KVM_RUN returned ${JSON.stringify(r.result)} after kvm_mmu_load failed with ${ret}`);
      }
      default:
        return null;
    }
  }
}

export const FAILED_LOAD_NO_ENTRY: MonitorSpec = {
  id: 'FAILED_LOAD_NO_ENTRY',
  seed: '000',
  checkedAt: ['kvmMmuLoad'],
  rule: 'when loading the root fails, run returns the error and the guest is not entered',
  needs: ['kvmEntry', 'kvmMmuLoad'],
  create: () => new FailedLoadNoEntry(),
};
