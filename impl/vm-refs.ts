/**
 * VM references, arch-independent: every ioctl on a VM holds one while inside (like
 * kvm_get_kvm/kvm_put_kvm), and teardown waits until the last is dropped.
 * @see virt/kvm/kvm_main.c kvm_put_kvm()
 */
import type { KvmHost } from './host.js';
import type { Gen } from './preempt.js';

export interface VmRefs {
  readonly vmId: number;
  readonly host: KvmHost;
  /** threads inside an ioctl on this VM, with how many nested references each holds */
  readonly users: Map<number, number>;
}

/** Brackets an ioctl on the VM: the thread holds a reference until it returns. */
export function* withVmUser<T>(vm: VmRefs, body: Gen<T>): Gen<T> {
  const tid = vm.host.current;
  vm.users.set(tid, (vm.users.get(tid) ?? 0) + 1);
  try {
    return yield* body;
  } finally {
    const n = vm.users.get(tid)! - 1;
    if (n) vm.users.set(tid, n);
    else vm.users.delete(tid);
  }
}

/** kvm_put_kvm() of the fd's reference: returns once no ioctl is inside the VM any more */
export function* waitForUsers(vm: VmRefs): Gen<void> {
  const idle = () => vm.users.size === 0;
  while (!idle()) yield { at: 'wait', lock: `kvm->users_count@vm${vm.vmId}`, ready: idle, holders: () => [...vm.users.keys()] };
}
