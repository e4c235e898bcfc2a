/** Outcomes of the lookups every ioctl starts with (virt/kvm/kvm_main.c: the fd, the vCPU). */
export const COMMON_OUTCOMES = {
  'vm.missing→EBADF': 'no such VM (or its destroy has begun)',
  'vcpu.missing→EBADF': 'no such vCPU',
  'vcpu.ppc→EINVAL': 'an x86 vCPU ioctl on a PPC vCPU',
  'vm.ppc→EINVAL': 'an x86-only VM ioctl on a PPC VM',
} as const;
