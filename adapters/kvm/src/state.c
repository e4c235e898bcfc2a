// SPDX-License-Identifier: MIT
/*
 * What the adapter reports: results (api/results.ts) and the abstract state
 * (api/abstract.ts) read back from the kernel (registers) or from what the kernel
 * accepted (VMs, slots, vCPUs).
 */
#include <stdlib.h>
#include <sys/ioctl.h>

#include "oracle.h"

#define EFER_LMA	(1ull << 10)

void write_result(struct sbuf *sb, const struct result *res)
{
	int i;

	switch (res->kind) {
	case RES_OK:
		sb_printf(sb, "{\"kind\":\"ok\"}");
		break;
	case RES_ERRNO:
		sb_printf(sb, "{\"kind\":\"errno\",\"errno\":%d}", res->err);
		break;
	case RES_GP:
		sb_printf(sb, "{\"kind\":\"gp\"}");
		break;
	case RES_EXIT_HLT:
		sb_printf(sb, "{\"kind\":\"exit\",\"reason\":\"hlt\"}");
		break;
	case RES_EXIT_MMIO:
		sb_printf(sb, "{\"kind\":\"exit\",\"reason\":\"mmio\",\"gpa\":%llu}",
			  (unsigned long long)res->addr);
		break;
	case RES_EXIT_SHUTDOWN:
		sb_printf(sb, "{\"kind\":\"exit\",\"reason\":\"shutdown\"}");
		break;
	case RES_EXIT_PF:
		sb_printf(sb, "{\"kind\":\"exit\",\"reason\":\"guestPageFault\",\"gva\":%llu}",
			  (unsigned long long)res->addr);
		break;
	case RES_TRANSLATION:
		if (res->valid)
			sb_printf(sb, "{\"kind\":\"translation\",\"gpa\":%llu}",
				  (unsigned long long)res->addr);
		else
			sb_printf(sb, "{\"kind\":\"translation\",\"gpa\":null}");
		break;
	case RES_DIRTY_LOG:
		sb_printf(sb, "{\"kind\":\"dirtyLog\",\"pages\":[");
		for (i = 0; i < res->npages; i++)
			sb_printf(sb, "%s%llu", i ? "," : "", (unsigned long long)res->pages[i]);
		sb_printf(sb, "]}");
		break;
	case RES_UNSUPPORTED:
		/* not a Result: main.c turns it into an error reply */
		sb_printf(sb, "null");
		break;
	}
}

static void write_vcpus(struct sbuf *sb, struct vm *vm)
{
	struct vcpu *v;
	int n = 0;

	/* sorted by id, as the model's abstraction is */
	for (v = next_vcpu(vm, -1); v; v = next_vcpu(vm, v->id)) {
		struct kvm_sregs sr = { 0 };

		ioctl(v->fd, KVM_GET_SREGS, &sr);
		sb_printf(sb, "%s{\"vcpu\":%d,\"cr0\":%llu,\"cr3\":%llu,\"cr4\":%llu,\"efer\":%llu,"
			  "\"asyncPf\":[],\"apfHalted\":false}", n++ ? "," : "", v->id,
			  (unsigned long long)sr.cr0, (unsigned long long)sr.cr3,
			  (unsigned long long)sr.cr4, (unsigned long long)(sr.efer & ~EFER_LMA));
	}
}

static void write_slots(struct sbuf *sb, struct vm *vm)
{
	struct slot *best;
	int n = 0;
	int64_t last = -1;

	for (;;) {
		int i;

		best = NULL;
		for (i = 0; i < MAX_SLOTS; i++) {
			struct slot *s = &vm->slots[i];

			if (s->used && (int64_t)s->id > last && (!best || s->id < best->id))
				best = s;
		}
		if (!best)
			return;
		last = best->id;
		sb_printf(sb, "%s{\"slot\":%u,\"gfn\":%llu,\"npages\":%llu,\"flags\":%u}",
			  n++ ? "," : "", best->id, (unsigned long long)best->gfn,
			  (unsigned long long)best->npages, best->flags);
	}
}

void write_abstract(struct sbuf *sb)
{
	struct vm *vm;
	int n = 0;

	/* host: not observable from userspace; the adapter declares no "host" part */
	sb_printf(sb, "{\"host\":{\"loaded\":true,\"vendor\":\"%s\",\"tdp\":%s,\"spte\":\"%s\"},"
		  "\"vms\":[", host.vendor[0] == 's' ? "svm" : "vmx", host.tdp ? "true" : "false",
		  host.tdp && host.vendor[0] == 'v' ? "ept" : "x86");
	for (vm = next_vm(-1); vm; vm = next_vm(vm->id)) {
		sb_printf(sb, "%s{\"vm\":%d,\"nrMmuPages\":%lld,\"slots\":[", n++ ? "," : "", vm->id,
			  (long long)vm->nr_mmu_pages);
		write_slots(sb, vm);
		sb_printf(sb, "],\"vcpus\":[");
		write_vcpus(sb, vm);
		sb_printf(sb, "],\"swappedOut\":[]}");
	}
	sb_printf(sb, "]}");
}
