/**
 * Branded ids and addresses. They are plain numbers at run time (so operations stay
 * JSON-able) but cannot be mixed up at compile time: a Gfn is not a Gva.
 */
export type Brand<T, B extends string> = T & { readonly __brand: B };

/** A VM, as userspace names it (the fd of KVM_CREATE_VM). */
export type VmId = Brand<number, 'vm'>;
/** A vCPU id inside its VM (KVM_CREATE_VCPU's argument). */
export type VcpuId = Brand<number, 'vcpu'>;
/** A memory slot number (kvm_userspace_memory_region.slot). */
export type SlotId = Brand<number, 'slot'>;
/** Guest frame number: guest physical address >> PAGE_SHIFT. */
export type Gfn = Brand<number, 'gfn'>;
/** Guest virtual address. */
export type Gva = Brand<number, 'gva'>;
/** Guest physical address. */
export type Gpa = Brand<number, 'gpa'>;
/** Host physical address of a shadow page (what root_hpa holds). */
export type Hpa = Brand<number, 'hpa'>;
/** A harness thread: a vCPU thread or the VM ioctl thread. */
export type ThreadId = Brand<number, 'thread'>;

export const PAGE_SHIFT = 12;
export const PAGE_SIZE = 1 << PAGE_SHIFT;

/** The kernel's sentinel for "no root loaded" (mmu.h INVALID_PAGE). */
export const INVALID_PAGE = -1 as Hpa;

export const vmId = (n: number): VmId => n as VmId;
export const vcpuId = (n: number): VcpuId => n as VcpuId;
export const slotId = (n: number): SlotId => n as SlotId;
export const gfn = (n: number): Gfn => n as Gfn;
export const gva = (n: number): Gva => n as Gva;
export const gpa = (n: number): Gpa => n as Gpa;
export const hpa = (n: number): Hpa => n as Hpa;
export const threadId = (n: number): ThreadId => n as ThreadId;
