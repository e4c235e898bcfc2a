/**
 * The vendor modules' hardware_setup() and hardware_unsetup(): vmx changes the PTE masks
 * for EPT before it configures the MMU; each allocates its own state, which can fail.
 * @see arch/x86/kvm/vmx/vmx.c hardware_setup(), arch/x86/kvm/svm/svm.c svm_hardware_setup()
 */
import type { Vendor } from '../../api/ops.js';
import { ENOMEM } from '../../api/errno.js';
import type { KvmHost } from '../host.js';
import type { Gen } from '../preempt.js';
import { kvmMmuSetEptMasks } from './pte-masks.js';

/** kvm_configure_mmu(): the vendor tells the MMU whether it uses TDP (tdp_enabled) */
const kvmConfigureMmu = (host: KvmHost, tdp: boolean): void => {
  host.config = { ...host.config, tdp };
};

/** alloc_kvm_area() / the iopm alloc_pages(): the one sleeping allocation of vendor setup */
function* allocVendorArea(host: KvmHost): Gen<number> {
  yield { at: 'alloc' };
  if (host.faults.shouldFail('vendorHardwareSetup')) return ENOMEM;
  host.module.vendorArea = host.pages.alloc();
  return 0;
}

/** vmx hardware_setup(): EPT masks first, then kvm_configure_mmu, then the VMCS area */
function* vmxHardwareSetup(host: KvmHost, ept: boolean): Gen<number> {
  if (ept) kvmMmuSetEptMasks(host.module.pteMasks);
  kvmConfigureMmu(host, ept);
  return yield* allocVendorArea(host);
}

/** svm_hardware_setup(): the iopm pages first; NPT keeps the x86 PTE layout */
function* svmHardwareSetup(host: KvmHost, npt: boolean): Gen<number> {
  const r = yield* allocVendorArea(host);
  if (r) return r;
  kvmConfigureMmu(host, npt);
  return 0;
}

/** static_call(kvm_x86_hardware_setup)(): 0, or an error with nothing of it left */
export function* kvmX86HardwareSetup(host: KvmHost, vendor: Vendor, tdp: boolean): Gen<number> {
  const r = vendor === 'vmx' ? yield* vmxHardwareSetup(host, tdp) : yield* svmHardwareSetup(host, tdp);
  host.trace.emit({ ev: 'kvmSetupStep', stage: 'vendor', object: `${vendor}_hardware_setup`, ret: r });
  return r;
}

/** static_call(kvm_x86_hardware_unsetup)(): free what hardware_setup allocated */
export const kvmX86HardwareUnsetup = (host: KvmHost): void => {
  const area = host.module.vendorArea;
  if (area === null) throw new Error('BUG: hardware_unsetup without hardware_setup');
  host.pages.free(area);
  host.module.vendorArea = null;
  host.trace.emit({ ev: 'kvmUnsetupStep', stage: 'vendor', object: `${host.config.vendor}_hardware_setup` });
};
