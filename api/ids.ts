/**
 * Branded ids and addresses. They are plain numbers at run time (so operations stay
 * JSON-able) but cannot be mixed up at compile time: a Gfn is not a Gva. Each comes with its
 * schema (api/bounds.ts gives the ranges).
 */
import type { z } from 'zod';
import { MAX_GFN, MAX_ID, MAX_THREADS, MAX_U32, int } from './bounds.js';

/** A VM, as userspace names it (the fd of KVM_CREATE_VM). */
export const VmIdSchema = int(0, MAX_ID).brand<'vm'>();
/** A vCPU id inside its VM (KVM_CREATE_VCPU's argument: any u32, most refused). */
export const VcpuIdSchema = int(0, MAX_U32).brand<'vcpu'>();
/** A memory slot number (kvm_userspace_memory_region.slot, a u32: address space << 16 | id). */
export const SlotIdSchema = int(0, MAX_U32).brand<'slot'>();
/** Guest frame number: guest physical address >> PAGE_SHIFT. */
export const GfnSchema = int(0, MAX_GFN).brand<'gfn'>();
/** Guest virtual address (up to 2^53: JSON numbers are doubles). */
export const GvaSchema = int(0, Number.MAX_SAFE_INTEGER).brand<'gva'>();
/** Guest physical address. */
export const GpaSchema = int(0, Number.MAX_SAFE_INTEGER).brand<'gpa'>();
/** Host physical address of a shadow page (what root_hpa holds); -1 is INVALID_PAGE. */
export const HpaSchema = int(-1, Number.MAX_SAFE_INTEGER).brand<'hpa'>();
/** A harness thread: a vCPU thread or the VM ioctl thread. */
export const ThreadIdSchema = int(0, MAX_THREADS - 1).brand<'thread'>();

export type VmId = z.infer<typeof VmIdSchema>;
export type VcpuId = z.infer<typeof VcpuIdSchema>;
export type SlotId = z.infer<typeof SlotIdSchema>;
export type Gfn = z.infer<typeof GfnSchema>;
export type Gva = z.infer<typeof GvaSchema>;
export type Gpa = z.infer<typeof GpaSchema>;
export type Hpa = z.infer<typeof HpaSchema>;
export type ThreadId = z.infer<typeof ThreadIdSchema>;

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
