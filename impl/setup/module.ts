/**
 * Loading and unloading the vendor module (seed 002): kvm_init() resets the PTE masks,
 * runs the vendor's hardware_setup(), then the MMU's, and unwinds on every error path;
 * kvm_exit() undoes it in reverse order.
 * @see virt/kvm/kvm_main.c kvm_init(), kvm_exit(); arch/x86/kvm/x86.c kvm_arch_init(),
 *      kvm_arch_hardware_setup(), kvm_arch_hardware_unsetup(), kvm_arch_exit()
 */
import type { Vendor } from '../../api/ops.js';
import { EEXIST } from '../../api/errno.js';
import type { KvmHost } from '../host.js';
import type { Gen } from '../preempt.js';
import { kvmMmuResetAllPteMasks } from './pte-masks.js';
import { kvmX86HardwareSetup, kvmX86HardwareUnsetup } from './vendor-setup.js';
import { kvmMmuHardwareSetup, kvmMmuHardwareUnsetup } from './mmu-setup.js';

/** kvm_mmu_vendor_module_init(): masks back to defaults before the vendor may change them */
const kvmMmuVendorModuleInit = (host: KvmHost): void => {
  kvmMmuResetAllPteMasks(host.module.pteMasks);
  host.trace.emit({ ev: 'kvmResetPteMasks' });
};

/** kvm_arch_init(): -EEXIST while another vendor module owns KVM */
const kvmArchInit = (host: KvmHost): number => {
  if (host.module.vendorOps) return EEXIST;
  if (!host.mutants.masksResetLate) kvmMmuVendorModuleInit(host);
  return 0;
};

/** kvm_arch_exit(): KVM has no vendor any more */
const kvmArchExit = (host: KvmHost): void => {
  host.module.vendorOps = false;
};

/** kvm_arch_hardware_setup(): vendor hardware_setup, kvm_ops_update, then the MMU's setup */
function* kvmArchHardwareSetup(host: KvmHost, vendor: Vendor, tdp: boolean): Gen<number> {
  let r = yield* kvmX86HardwareSetup(host, vendor, tdp);
  if (r) return r;
  if (host.mutants.masksResetLate) kvmMmuVendorModuleInit(host);
  // kvm_ops_update()
  host.module.vendorOps = true;
  host.config = { ...host.config, vendor };
  r = yield* kvmMmuHardwareSetup(host);
  if (r) {
    // out_unsetup:
    if (!host.mutants.setupErrorLeak) kvmX86HardwareUnsetup(host);
    return r;
  }
  return 0;
}

/** kvm_arch_hardware_unsetup(): the reverse of kvm_arch_hardware_setup */
const kvmArchHardwareUnsetup = (host: KvmHost): void => {
  kvmMmuHardwareUnsetup(host);
  kvmX86HardwareUnsetup(host);
};

function* kvmInitSteps(host: KvmHost, vendor: Vendor, tdp: boolean): Gen<number> {
  const r = kvmArchInit(host);
  if (r) return r;
  const s = yield* kvmArchHardwareSetup(host, vendor, tdp);
  if (s) {
    // out_free_1:
    kvmArchExit(host);
    return s;
  }
  // misc_register(&kvm_dev)
  host.module.devRegistered = true;
  return 0;
}

/** kvm_init(), as the vendor module's init calls it: 0 or a negative errno */
export function* kvmInit(host: KvmHost, vendor: Vendor, tdp: boolean): Gen<number> {
  host.trace.emit({ ev: 'kvmModuleInit', vendor, tdp });
  const r = yield* kvmInitSteps(host, vendor, tdp);
  host.trace.emit({ ev: 'kvmModuleInitDone', vendor, tdp, ret: r });
  return r;
}

/** kvm_exit(): called only when no VM holds a reference to the module */
export const kvmExit = (host: KvmHost): void => {
  // misc_deregister(&kvm_dev)
  host.module.devRegistered = false;
  kvmArchHardwareUnsetup(host);
  kvmArchExit(host);
  host.trace.emit({ ev: 'kvmModuleExitDone', vendor: host.config.vendor });
};
