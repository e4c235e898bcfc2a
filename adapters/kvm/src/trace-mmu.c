// SPDX-License-Identifier: MIT
/*
 * The kvm and kvmmmu tracepoints a shadow-MMU host fires on every vendor (kvm_pvm
 * included), and kvm_entry / kvm_page_fault of vmx and svm, as api/events-kernel.ts
 * events. Each takes only what the kernel printed; the VM and the vCPU are the
 * operation's (no kvmmmu event names its VM). Formats: arch/x86/kvm/mmu/mmutrace.h and
 * arch/x86/kvm/trace.h, as this kernel's events/<name>/format print them.
 */
#include <stdio.h>
#include <string.h>

#include "oracle.h"

/* " sp gen 0 gfn 40000 l2 8-byte q0 direct wux invalid nxe ad root 1 sync[ new|existing]" */
static bool page_fields(struct sbuf *sb, const char *p, unsigned int *gen, unsigned long long *gfn,
			unsigned int *root)
{
	char role[80], *inv, *end;
	const char *r;
	int off = 0;

	if (sscanf(p, " sp gen %u gfn %llx %n", gen, gfn, &off) != 2 || !off)
		return false;
	r = p + off;
	end = strstr(r, " root ");
	if (!end || end - r >= (long)sizeof(role) || sscanf(end, " root %u", root) != 1)
		return false;
	snprintf(role, sizeof(role), "%.*s", (int)(end - r), r);
	inv = strstr(role, " invalid");
	if (inv)
		memmove(inv, inv + 8, strlen(inv + 8) + 1);
	sb_printf(sb, ",\"gen\":%u,\"gfn\":%llu,\"role\":", *gen, *gfn);
	sb_str(sb, role);
	sb_printf(sb, ",\"invalid\":%s,\"rootCount\":%u", inv ? "true" : "false", *root);
	return true;
}

static void head(struct sbuf *sb, int *n, const char *ev, int vm)
{
	sb_printf(sb, "%s{\"ev\":\"%s\",\"vm\":%d", (*n)++ ? "," : "", ev, vm);
}

/* The line's event as JSON (true), or false when it is none of these. */
bool trace_mmu_line(struct sbuf *sb, int *n, const char *line, int vm, int vcpu, unsigned int kinds)
{
	const char *p;
	unsigned int gen, root, pferr, level, id, used;
	unsigned long long gfn, a, b, rip, err;
	char mode[16], insn[64];
	size_t mark = sb->len;
	int mark_n = *n;

	/* no operation (between cases), or one with no vCPU: only what needs neither */
	if (vm < 0)
		kinds &= K_UNMAP_HVA;
	if (vcpu < 0)
		kinds &= ~(K_WALK | K_WALK_ELEMENT | K_WALK_ERROR | K_EMULATE);
	if ((kinds & K_GET_PAGE) && (p = strstr(line, " kvm_mmu_get_page: "))) {
		head(sb, n, "kvmMmuShadowPage", vm);
		if (page_fields(sb, p + 18, &gen, &gfn, &root)) {
			sb_printf(sb, ",\"created\":%s}", strstr(p, " new") ? "true" : "false");
			return true;
		}
	} else if ((kinds & K_PREPARE_ZAP) && (p = strstr(line, " kvm_mmu_prepare_zap_page: "))) {
		head(sb, n, "kvmMmuPrepareZap", vm);
		if (page_fields(sb, p + 26, &gen, &gfn, &root))
			return sb_putc(sb, '}'), true;
	} else if ((kinds & K_ZAP_ALL_FAST) && (p = strstr(line, " kvm_mmu_zap_all_fast: ")) &&
		   sscanf(p, " kvm_mmu_zap_all_fast: kvm-mmu-valid-gen %u used_pages %x", &gen, &used) == 2) {
		head(sb, n, "kvmMmuZapAllFast", vm);
		sb_printf(sb, ",\"gen\":%u,\"usedPages\":%u}", gen, used);
		return true;
	} else if ((kinds & K_UNMAP_HVA) && (p = strstr(line, " kvm_unmap_hva_range: ")) &&
		   sscanf(p, " kvm_unmap_hva_range: mmu notifier unmap range: %llx -- %llx", &a, &b) == 2 && b >= a) {
		sb_printf(sb, "%s{\"ev\":\"kvmUnmapHvaRange\",\"pages\":%llu}", (*n)++ ? "," : "", (b - a) >> 12);
		return true;
	} else if ((kinds & K_WALK) && (p = strstr(line, " kvm_mmu_pagetable_walk: ")) &&
		   sscanf(p, " kvm_mmu_pagetable_walk: addr %llx pferr %x", &a, &pferr) == 2) {
		head(sb, n, "kvmMmuWalk", vm);
		sb_printf(sb, ",\"vcpu\":%d,\"addr\":\"%llx\",\"pferr\":%u}", vcpu, a, pferr);
		return true;
	} else if ((kinds & K_WALK_ELEMENT) && (p = strstr(line, " kvm_mmu_paging_element: ")) &&
		   sscanf(p, " kvm_mmu_paging_element: pte %llx level %u", &a, &level) == 2 && level <= 5) {
		head(sb, n, "kvmMmuWalkElement", vm);
		sb_printf(sb, ",\"vcpu\":%d,\"pte\":\"%llx\",\"level\":%u}", vcpu, a, level);
		return true;
	} else if ((kinds & K_WALK_ERROR) && (p = strstr(line, " kvm_mmu_walker_error: ")) &&
		   sscanf(p, " kvm_mmu_walker_error: pferr %x", &pferr) == 1) {
		head(sb, n, "kvmMmuWalkError", vm);
		sb_printf(sb, ",\"vcpu\":%d,\"pferr\":%u}", vcpu, pferr);
		return true;
	} else if ((kinds & K_EMULATE) && (p = strstr(line, " kvm_emulate_insn: ")) &&
		   sscanf(p, " kvm_emulate_insn: %llx:%llx:%63[0-9a-f ] (%15[a-z0-9])", &a, &rip, insn, mode) == 4) {
		head(sb, n, "kvmEmulateInsn", vm);
		sb_printf(sb, ",\"vcpu\":%d,\"rip\":\"%llx\",\"mode\":\"%s\",\"failed\":%s}", vcpu, rip, mode,
			  strstr(p, ") failed") ? "true" : "false");
		return true;
	} else if ((kinds & K_ENTRY) && (p = strstr(line, " kvm_entry: ")) &&
		   sscanf(p, " kvm_entry: vcpu %u", &id) == 1) {
		head(sb, n, "kvmVmEntry", vm);
		sb_printf(sb, ",\"vcpu\":%u}", id);
		return true;
	} else if ((kinds & K_PAGE_FAULT) && (p = strstr(line, " kvm_page_fault: ")) &&
		   sscanf(p, " kvm_page_fault: vcpu %u rip 0x%llx address 0x%llx error_code 0x%llx", &id, &rip, &a, &err) == 4) {
		head(sb, n, "kvmGuestFault", vm);
		sb_printf(sb, ",\"vcpu\":%u,\"address\":\"%llx\",\"errorCode\":%llu}", id, a, err);
		return true;
	}
	/* a line cut short or of another format: nothing of it */
	sb->len = mark;
	sb->buf[mark] = 0;
	*n = mark_n;
	return false;
}
