/**
 * The hardware-setup lifecycle (seed 002) as results: loading the vendor module either
 * completes setup or fails with nothing left loaded; unloading needs no VM to hold it.
 */
import type { AllocSite, Vendor } from '../../api/ops.js';
import type { SpteFormat } from '../../api/abstract.js';
import { EAGAIN, EEXIST, ENOENT, ENOMEM } from '../../api/errno.js';
import type { ModelHost, ModelState } from '../state.js';
import { takeFailure } from '../state.js';
import { done, fail, type Step } from '../outcome.js';

/**
 * The allocations a load makes, in the order it makes them: the vendor's hardware_setup,
 * then kvm_mmu_hardware_setup's two caches and its counter. The first that fails ends the
 * load; the ones after it are not reached.
 */
export const SETUP_ALLOCATIONS: readonly AllocSite[] = ['vendorHardwareSetup', 'pteListDescCache', 'mmuPageHeaderCache', 'percpuCounter'];

/** modprobe: -EEXIST while a vendor module is loaded, -ENOMEM when a setup allocation fails. */
export const moduleLoad = (s: ModelState, vendor: Vendor, tdp: boolean, tid: number): Step => {
  if (s.host.loaded) return fail(s, EEXIST, 'moduleLoad/loaded→EEXIST');
  for (const site of SETUP_ALLOCATIONS) {
    const failed = takeFailure(s, tid, site);
    if (failed) return fail({ ...failed, host: { vendor, tdp, loaded: false } }, ENOMEM, 'moduleLoad/setupAlloc→ENOMEM');
  }
  return done({ ...s, host: { vendor, tdp, loaded: true } }, 'moduleLoad/load');
};

/** rmmod: -ENOENT when nothing is loaded, -EAGAIN (EWOULDBLOCK) while a VM holds a reference. */
export const moduleUnload = (s: ModelState): Step => {
  if (!s.host.loaded) return fail(s, ENOENT, 'moduleUnload/notLoaded→ENOENT');
  if (s.vms.size > 0) return fail(s, EAGAIN, 'moduleUnload/vmsHold→EAGAIN');
  return done({ ...s, host: { ...s.host, loaded: false } }, 'moduleUnload/unload');
};

/** The spte layout VMs use: vmx with EPT has its own; NPT and shadow paging use x86 PTEs. */
export const spteFormat = (h: ModelHost): SpteFormat => (h.vendor === 'vmx' && h.tdp ? 'ept' : 'x86');
