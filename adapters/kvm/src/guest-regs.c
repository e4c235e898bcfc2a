// SPDX-License-Identifier: MIT
/*
 * Control-register writes and KVM_TRANSLATE. A write is made by guest code (mov to cr0,
 * cr3 or cr4; wrmsr for EFER) in the vCPU's current mode, so that the kernel's checks
 * (kvm_set_cr0/3/4, set_efer) decide and a refused value reaches the guest as #GP, which
 * its handler reports. KVM_SET_SREGS would not do: it answers -EINVAL, or takes values a
 * guest could not write.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include "oracle.h"
#include "guest.h"

static uint64_t reg_of(const struct kvm_sregs *sr, const char *reg)
{
	if (!strcmp(reg, "cr0"))
		return sr->cr0;
	if (!strcmp(reg, "cr3"))
		return sr->cr3;
	if (!strcmp(reg, "cr4"))
		return sr->cr4;
	/* LMA is the CPU's, not the guest's: the model keeps EFER as written */
	return sr->efer & ~EFER_LMA;
}

static void set_reg(struct kvm_sregs *sr, const char *reg, uint64_t value)
{
	if (!strcmp(reg, "cr0"))
		sr->cr0 = value;
	else if (!strcmp(reg, "cr3"))
		sr->cr3 = value;
	else if (!strcmp(reg, "cr4"))
		sr->cr4 = value;
	else
		sr->efer = value;
}

/* cr0.ET is hardwired to 1 (kvm_set_cr0 sets it), so compare without it. */
static bool took_effect(const struct kvm_sregs *sr, const char *reg, uint64_t value)
{
	uint64_t now = reg_of(sr, reg);

	if (!strcmp(reg, "cr0"))
		return (now | CR0_ET) == (value | CR0_ET);
	return now == value;
}

void guest_set_cr(struct vm *vm, struct vcpu *v, const char *reg, uint64_t value,
		  struct result *res)
{
	struct kvm_regs r = { .rflags = 2, .rax = value & 0xffffffff, .rdx = value >> 32 };
	struct kvm_sregs sr, after, target;
	enum stub stub;
	int vector;

	if (!strcmp(reg, "efer")) {
		stub = S_EFER;
		r.rcx = MSR_EFER;
	} else {
		stub = !strcmp(reg, "cr0") ? S_CR0 : !strcmp(reg, "cr3") ? S_CR3 : S_CR4;
		r.rax = value;
	}
	if (!guest_begin(vm, v, &sr, res))
		return;
	if (stub != S_EFER && vcpu_mode(&sr) != PM_LONG && value >> 32) {
		pthread_mutex_unlock(&vm->slots_lock);
		unsupported(res, "a %s value above 32 bits cannot be written outside long mode", reg);
		return;
	}
	/* guest code makes the write: it needs a guest that can run */
	if (vcpu_mode(&sr) == PM_LONG && !slot_backing(vm, sr.cr3 / PAGE_SIZE)) {
		pthread_mutex_unlock(&vm->slots_lock);
		unsupported(res, "no memslot backs cr3 0x%llx, so no guest code can make the %s write",
			    (unsigned long long)sr.cr3, reg);
		return;
	}
	if (!strcmp(reg, "cr3") && vcpu_mode(&sr) == PM_LONG && in_hidden(value / PAGE_SIZE)) {
		pthread_mutex_unlock(&vm->slots_lock);
		unsupported(res, "cr3 0x%llx would be the adapter's own memory", (unsigned long long)value);
		return;
	}
	target = sr;
	set_reg(&target, reg, value);
	/* a write that enters long mode goes on through the tables at cr3: build them first */
	guest_enter(vm, v, &sr, stub, &r, !strcmp(reg, "cr3") ? value :
		    vcpu_mode(&target) == PM_LONG ? sr.cr3 : NO_CR3, res, &vector);
	if (vector == 13 && !strcmp(reg, "cr0") && (value & CR0_PG) && (value & CR0_PE) &&
	    !(sr.efer & EFER_LME) &&
	    !host.paging[vcpu_mode(&target)]) {
		/*
		 * Paging turned on (PG with PE: not the architectural #GP) outside long mode,
		 * on a host that refuses 32-bit and PAE paging (kvm-pvm): its #GP says
		 * nothing of KVM's rules.
		 */
		res->kind = RES_UNSUPPORTED;
		snprintf(res->why, sizeof(res->why), "%s write enters %s paging, which the host refuses",
			 reg, paging_names[vcpu_mode(&target)]);
		return;
	}
	if (vector == 13) {
		res->kind = RES_GP;
		return;
	}
	if (res->kind == RES_ERRNO)
		return;
	/*
	 * The stub halted right after the write, with no #GP: the kernel took the instruction,
	 * whatever it kept of the value (the state read back shows it, so a bit the kernel
	 * ignores is the model's to predict, not hidden as "not checked").
	 */
	if (res->kind == RES_EXIT_HLT) {
		res->kind = RES_OK;
		return;
	}
	/*
	 * When the write changed the mode under the stub it faults on its next fetch: the
	 * register says whether the write happened.
	 */
	if (ioctl(v->fd, KVM_GET_SREGS, &after)) {
		res->kind = RES_ERRNO;
		res->err = -errno;
		return;
	}
	if (took_effect(&after, reg, value)) {
		res->kind = RES_OK;
		return;
	}
	if (res->kind != RES_UNSUPPORTED) {
		res->kind = RES_UNSUPPORTED;
		snprintf(res->why, sizeof(res->why),
			 "%s write of 0x%llx neither faulted nor took effect (now 0x%llx)", reg,
			 (unsigned long long)value, (unsigned long long)reg_of(&after, reg));
	}
}

void guest_translate(struct vm *vm, struct vcpu *v, uint64_t gva, struct result *res)
{
	struct kvm_translation tr = { .linear_address = gva };
	struct kvm_sregs sr;
	int rc;

	if (!guest_begin(vm, v, &sr, res))
		return;
	if (vcpu_mode(&sr) == PM_LONG && gva_ours(gva)) {
		pthread_mutex_unlock(&vm->slots_lock);
		unsupported(res, "gva 0x%llx reaches the adapter's own memory", (unsigned long long)gva);
		return;
	}
	if (vcpu_mode(&sr) == PM_LONG)
		build_tables(vm, sr.cr3);
	rc = ioctl(v->fd, KVM_TRANSLATE, &tr);
	pthread_mutex_unlock(&vm->slots_lock);
	if (rc) {
		res->kind = RES_ERRNO;
		res->err = -errno;
		return;
	}
	res->kind = RES_TRANSLATION;
	res->valid = tr.valid;
	res->addr = tr.physical_address;
}
