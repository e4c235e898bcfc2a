/**
 * RMA_ONCE (seed 004): the RMA/VRMA of a VM is set up exactly once, under kvm->lock,
 * before any guest entry, and rma_setup_done is published after the LPCR and the setup it
 * guards. Lock holders come from the lockdep tracepoints (instance "kvm->lock@vm<N>").
 */
import type { TraceRecord } from '../../api/events.js';
import { because, type Monitor, type MonitorSpec, type Violation } from '../monitor.js';

class RmaOnce implements Monitor {
  /** thread that set up each VM's RMA/VRMA */
  private readonly setupBy = new Map<number, number>();
  /** VMs whose LPCR was written since the setup began */
  private readonly lpcrSet = new Set<number>();
  /** VMs with rma_setup_done published */
  private readonly done = new Set<number>();
  /** kvm->lock holders by lock instance */
  private readonly holders = new Map<string, number>();

  observe(r: TraceRecord): Violation | null {
    switch (r.ev) {
      case 'lockAcquire':
        if (r.lock === 'kvm->lock') this.holders.set(r.instance, r.tid);
        return null;
      case 'lockRelease':
        if (r.lock === 'kvm->lock') this.holders.delete(r.instance);
        return null;
      case 'kvmppcRmaSetup': {
        const first = this.setupBy.get(r.vm);
        if (first !== undefined) return because('RMA set up twice', `the ${r.mode === 'rmo' ? 'RMO' : 'VRMA'} of vm ${r.vm} set up a second time (thread ${r.tid}; first by thread ${first})`);
        if (this.holders.get(`kvm->lock@vm${r.vm}`) !== r.tid) return because('RMA set up without kvm->lock', `thread ${r.tid} sets up the RMA of vm ${r.vm} without holding kvm->lock`);
        this.setupBy.set(r.vm, r.tid);
        return null;
      }
      case 'kvmppcSetLpcr':
        if (this.setupBy.has(r.vm)) this.lpcrSet.add(r.vm);
        return null;
      case 'kvmppcRmaSetupDone':
        if (!this.setupBy.has(r.vm) || !this.lpcrSet.has(r.vm)) return because('published before the setup', `rma_setup_done of vm ${r.vm} published before the RMA setup and LPCR it guards`);
        if (this.holders.get(`kvm->lock@vm${r.vm}`) !== r.tid) return because('published without kvm->lock', `thread ${r.tid} publishes rma_setup_done of vm ${r.vm} without holding kvm->lock`);
        this.done.add(r.vm);
        return null;
      case 'kvmppcEntry':
        return this.done.has(r.vm) ? null : because('entered before rma_setup_done', `vcpu ${r.vcpu} of vm ${r.vm} entered the guest before rma_setup_done`);
      case 'kvmDestroyVm':
        this.setupBy.delete(r.vm);
        this.lpcrSet.delete(r.vm);
        this.done.delete(r.vm);
        return null;
      default:
        return null;
    }
  }
}

export const RMA_ONCE: MonitorSpec = {
  id: 'RMA_ONCE',
  seed: '004',
  checkedAt: ['kvmppcRmaSetup'],
  rule: 'RMA/VRMA setup happens exactly once per VM, under kvm->lock, before any guest entry, and rma_setup_done is published after the state it guards',
  needs: ['kvmppcEntry', 'kvmppcRmaSetup', 'kvmppcRmaSetupDone', 'kvmppcSetLpcr', 'lockAcquire', 'lockRelease'],
  needsIf: { destroyVm: ['kvmDestroyVm'] },
  scope: { platform: 'ppcHv' },
  create: () => new RmaOnce(),
};
