// SPDX-License-Identifier: MIT
/*
 * The cr4 and EFER bits this host's vCPUs accept, declared in the handshake as
 * `registerBits` (api/protocol.ts): the model refuses the others with #GP.
 *
 * Upstream KVM derives them from the guest's CPUID (arch/x86/kvm/x86.h
 * __cr4_reserved_bits, computed into vcpu->arch.cr4_guest_rsvd_bits by
 * kvm_vcpu_after_set_cpuid(); EFER from efer_reserved_bits and kvm_enable_efer_bits()),
 * and a vendor module may refuse more (vmx_is_valid_cr4()). Rather than copy that
 * computation, which a vendor module need not follow (kvm-pvm on 6.18 accepts OSXSAVE,
 * FSGSBASE, SMEP, SMAP and PKE with a CPUID that has none of them: docs/KVM.md), the
 * adapter asks the kernel: a vCPU with the CPUID every case's vCPUs get (guest.c) writes
 * each bit alone, as guest code, without paging and then in long mode (PCIDE is valid
 * only there), and a bit is accepted when the write took and reads back.
 */
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include "oracle.h"
#include "guest.h"

static void apply_str(const char *line, struct result *res)
{
	const char *err;
	struct jval *op = json_parse(line, &err);

	apply_op(op, res);
	json_free(op);
}

static void write_reg(const char *reg, uint64_t value, struct result *res)
{
	char line[160];

	snprintf(line, sizeof(line), "{\"kind\":\"setCr\",\"vm\":0,\"vcpu\":0,\"reg\":\"%s\",\"value\":%llu}",
		 reg, (unsigned long long)value);
	apply_str(line, res);
}

/* a fresh vCPU, in long mode when `lm` (tables at gfn 1), else as reset */
static struct vcpu *fresh_vcpu(bool lm)
{
	struct result res;

	instance_reset();
	apply_str("{\"kind\":\"createVm\",\"vm\":0}", &res);
	apply_str("{\"kind\":\"setMemoryRegion\",\"vm\":0,\"slot\":0,\"gfn\":0,\"npages\":16}", &res);
	apply_str("{\"kind\":\"createVcpu\",\"vm\":0,\"vcpu\":0}", &res);
	if (lm) {
		write_reg("cr3", 0x1000, &res);
		write_reg("cr4", CR4_PAE, &res);
		write_reg("efer", EFER_LME, &res);
		write_reg("cr0", CR0_PG | CR0_PE | CR0_ET, &res);
	}
	return find_vcpu(find_vm(0), 0);
}

/* whether `reg` takes `bit` on top of `base` (the register is put back to `base` after) */
static bool takes(const char *reg, uint64_t base, uint64_t bit, bool lm)
{
	struct kvm_sregs sr;
	struct result res;
	struct vcpu *v = find_vcpu(find_vm(0), 0);
	bool ok;

	if (!v)
		v = fresh_vcpu(lm);
	if (!v)
		return false;
	write_reg(reg, base | bit, &res);
	ok = res.kind == RES_OK && !ioctl(v->fd, KVM_GET_SREGS, &sr) &&
	     ((!strcmp(reg, "cr4") ? sr.cr4 : sr.efer) & bit);
	write_reg(reg, base, &res);
	if (res.kind != RES_OK)
		fresh_vcpu(lm);
	return ok;
}

/* MAXPHYADDR of the CPUID every vCPU gets: a long-mode cr3 bit at or above it is a #GP */
static int phys_bits(void)
{
	unsigned int i;

	for (i = 0; i < host.cpuid->nent; i++)
		if (host.cpuid->entries[i].function == 0x80000008)
			return host.cpuid->entries[i].eax & 0xff;
	return 0;
}

void probe_register_bits(void)
{
	int b;

	host.phys_bits = phys_bits();
	host.cr4_bits = 0;
	host.efer_bits = 0;
	fresh_vcpu(false);
	for (b = 0; b < 32; b++) {
		if (takes("cr4", 0, 1ull << b, false))
			host.cr4_bits |= 1ull << b;
		if (takes("efer", 0, 1ull << b, false))
			host.efer_bits |= 1ull << b;
	}
	if (host.paging[PM_LONG]) {
		fresh_vcpu(true);
		for (b = 0; b < 32; b++)
			if (!(host.cr4_bits & (1ull << b)) && takes("cr4", CR4_PAE, 1ull << b, true))
				host.cr4_bits |= 1ull << b;
	}
	instance_reset();
}
