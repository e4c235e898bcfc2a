// SPDX-License-Identifier: MIT
/*
 * kvm-oracle-kvm: speaks the kvm-oracle protocol (JSON lines on stdin/stdout) and runs
 * each case on real VMs of the host's /dev/kvm. `--probe` prints the handshake's
 * capabilities and exits. Exit 2, with one line, when /dev/kvm cannot be opened.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oracle.h"

#define PROTOCOL 1

void write_capabilities(struct sbuf *sb)
{
	unsigned int i;
	int m, n = 0;
	bool pvm = !strcmp(host.vendor, "pvm");

	sb_printf(sb, "{\"ops\":[");
	for (i = 0; i < NR_OP_KINDS; i++)
		sb_printf(sb, "%s\"%s\"", i ? "," : "", op_kinds[i]);
	sb_printf(sb, "],\"events\":[");
	trace_write_kinds(sb);
	sb_printf(sb, "],\"stepping\":false,\"wholeCase\":true,\"realThreads\":true,"
		  "\"abstract\":[\"vms\",\"slots\",\"nrMmuPages\",\"vcpus\",\"registers\"],"
		  "\"mutants\":[],\"rules\":[\"upstream\"],\"configs\":[");
	/* a software vendor module is neither: both configs run the same shadow MMU */
	if (pvm || !strcmp(host.vendor, "unknown"))
		sb_printf(sb, "{\"vendor\":\"vmx\",\"tdp\":false},{\"vendor\":\"svm\",\"tdp\":false}");
	else
		sb_printf(sb, "{\"vendor\":\"%s\",\"tdp\":%s}", host.vendor, host.tdp ? "true" : "false");
	/* pagingModes: the guest paging modes a case may enter */
	sb_printf(sb, "],\"platforms\":[\"x86\"],\"pagingModes\":[");
	for (m = 0; m < PM_COUNT; m++)
		if (host.paging[m] && (m == PM_NONPAGING || m == PM_LONG))
			sb_printf(sb, "%s\"%s\"", n++ ? "," : "", paging_names[m]);
	sb_putc(sb, ']');
	/* the cr4 and EFER bits its vCPUs take (probe-regs.c) */
	sb_printf(sb, ",\"registerBits\":{\"cr4\":%llu,\"efer\":%llu",
		  (unsigned long long)host.cr4_bits, (unsigned long long)host.efer_bits);
	if (host.phys_bits >= 32 && host.phys_bits <= 52)
		sb_printf(sb, ",\"physBits\":%d", host.phys_bits);
	sb_putc(sb, '}');
	/* the adapter's own resources: a case beyond them is not checked */
	sb_printf(sb, ",\"limits\":{\"slotIds\":%u,\"slotsPerVm\":%d,\"vcpusPerVm\":%d,\"vms\":%d,"
		  "\"reservedGfns\":{\"gfn\":%llu,\"npages\":%llu}}", HIDDEN_SLOT, MAX_SLOTS,
		  MAX_VCPUS, MAX_VMS, HIDDEN_GFN, HIDDEN_PAGES);
	/* the host, told truly: the summary, reports and counterexamples show it */
	sb_printf(sb, ",\"host\":{\"kernel\":");
	sb_str(sb, host.release);
	sb_printf(sb, ",\"module\":\"%s\",\"params\":{", host.module);
	write_params(sb);
	sb_printf(sb, "},\"pagingModes\":[");
	for (m = 0, n = 0; m < PM_COUNT; m++)
		if (host.paging[m])
			sb_printf(sb, "%s\"%s\"", n++ ? "," : "", paging_names[m]);
	sb_printf(sb, "],\"memslots\":%d,\"maxVcpuId\":%d,\"readonlyMem\":%s,\"tracepoints\":",
		  host.nr_memslots, host.max_vcpu_id, host.readonly_mem ? "true" : "false");
	trace_write_fired(sb);
	sb_printf(sb, ",\"tracing\":");
	trace_write_why(sb);
	sb_printf(sb, ",\"kernelLog\":");
	kmsg_write_host(sb);
	sb_printf(sb, "}}");
}

bool config_supported(const struct jval *config)
{
	const char *vendor = json_str(config, "vendor");
	bool tdp = json_bool(config, "tdp", false);

	if (!vendor)
		return false;
	if (!strcmp(host.vendor, "vmx") || !strcmp(host.vendor, "svm"))
		return !strcmp(vendor, host.vendor) && tdp == host.tdp;
	return !tdp;
}

/*
 * --bench N: N cycles of what every case starts and ends with (KVM_CREATE_VM with the
 * adapter's memslot, KVM_CREATE_VCPU, then closing both), timed in C: the rate `npm run
 * bench` puts beside the kvm row.
 */
static void bench_create_destroy(int n)
{
	static const char *const ops[] = { "{\"kind\":\"createVm\",\"vm\":0}",
		"{\"kind\":\"createVcpu\",\"vm\":0,\"vcpu\":0}", "{\"kind\":\"destroyVm\",\"vm\":0}" };
	struct jval *parsed[3];
	struct result res;
	uint64_t t0 = now_ns();
	int i, k;

	for (k = 0; k < 3; k++)
		parsed[k] = json_parse(ops[k], &(const char *){ NULL });
	for (i = 0; i < n; i++)
		for (k = 0; k < 3; k++)
			apply_op(parsed[k], &res);
	printf("{\"cycles\":%d,\"seconds\":%.6f}\n", n, (now_ns() - t0) / 1e9);
	for (k = 0; k < 3; k++)
		json_free(parsed[k]);
}

static void reply_error(struct sbuf *out, const char *msg)
{
	sb_printf(out, "{\"msg\":\"error\",\"message\":");
	sb_str(out, msg);
	sb_putc(out, '}');
}

/* What this host or adapter cannot run: the harness counts the case as not checked. */
static void reply_unsupported(struct sbuf *out, const char *msg)
{
	sb_printf(out, "{\"msg\":\"error\",\"unsupported\":true,\"message\":");
	sb_str(out, msg);
	sb_putc(out, '}');
}

/* One op, its result and events; false (with the reason in res->why) if unsupported. */
static bool step_op(struct sbuf *out, const struct jval *op, struct result *res)
{
	uint64_t begin = now_ns(), end;

	apply_op(op, res);
	end = now_ns();
	if (res->kind == RES_UNSUPPORTED)
		return false;
	sb_printf(out, "{\"result\":");
	write_result(out, res);
	sb_printf(out, ",\"events\":[");
	trace_write_events(out, op, res->kind == RES_OK);
	/* realThreads: every step has its interval, on one thread too */
	sb_printf(out, "],\"begin\":%llu,\"end\":%llu", (unsigned long long)begin,
		  (unsigned long long)end);
	free(res->pages);
	res->pages = NULL;
	return true;
}

static void run_case(struct sbuf *out, const struct jval *req)
{
	bool states = json_bool(req, "states", false);
	const struct jval *op = json_get(req, "ops");
	/* `prelude`: leading ops on thread 0 that complete before any thread starts */
	int i = 0, prelude = json_int(req, "prelude", -1), last = -1, failed;
	struct result res;

	if (!config_supported(json_get(req, "config")))
		return reply_unsupported(out, "unsupported host config for this host");
	instance_reset();
	trace_clear();
	kmsg_mark();
	for (op = op ? op->kids : NULL; op; op = op->next, i++)
		if (json_int(op, "tid", 0) != 0)
			last = i;
	if (last >= 0 && prelude < 0)
		prelude = 0;	/* without the field: every thread starts at once, as before */
	op = json_get(req, "ops");
	sb_printf(out, "{\"msg\":\"case\",\"steps\":[");
	for (op = op ? op->kids : NULL, i = 0; op && (last < 0 || i < prelude); op = op->next, i++) {
		if (i)
			sb_putc(out, ',');
		if (!step_op(out, json_get(op, "op"), &res)) {
			if (i)
				out->len--, out->buf[out->len] = 0;
			sb_printf(out, "],\"final\":");
			write_abstract(out);
			sb_printf(out, ",\"error\":{\"index\":%d,\"unsupported\":true,\"message\":", i);
			sb_str(out, res.why);
			sb_printf(out, "}");
			kmsg_write(out);
			sb_putc(out, '}');
			return;
		}
		if (states && last < 0) {
			sb_printf(out, ",\"state\":");
			write_abstract(out);
		}
		sb_putc(out, '}');
	}
	failed = op ? run_case_threaded(out, op, i, res.why) : -1;
	sb_printf(out, "],\"final\":");
	write_abstract(out);
	if (failed >= 0) {
		sb_printf(out, ",\"error\":{\"index\":%d,\"unsupported\":true,\"message\":", failed);
		sb_str(out, res.why);
		sb_putc(out, '}');
	}
	kmsg_write(out);
	sb_putc(out, '}');
}

static void handle(struct sbuf *out, const struct jval *req)
{
	const char *msg = json_str(req, "msg");
	struct result res;

	if (!msg)
		return reply_error(out, "request without msg");
	if (!strcmp(msg, "hello")) {
		sb_printf(out, "{\"msg\":\"hello\",\"protocol\":%d,\"name\":\"kvm\",\"capabilities\":",
			  PROTOCOL);
		write_capabilities(out);
		sb_putc(out, '}');
	} else if (!strcmp(msg, "create")) {
		if (!config_supported(json_get(req, "config")))
			return reply_unsupported(out, "unsupported host config for this host");
		instance_reset();
		trace_clear();
		sb_printf(out, "{\"msg\":\"ok\"}");
	} else if (!strcmp(msg, "apply")) {
		apply_op(json_get(req, "op"), &res);
		if (res.kind == RES_UNSUPPORTED)
			return reply_unsupported(out, res.why);
		sb_printf(out, "{\"msg\":\"result\",\"result\":");
		write_result(out, &res);
		sb_printf(out, ",\"events\":[");
		trace_write_events(out, json_get(req, "op"), res.kind == RES_OK);
		sb_printf(out, "]}");
		free(res.pages);
	} else if (!strcmp(msg, "drain")) {
		sb_printf(out, "{\"msg\":\"events\",\"events\":[");
		trace_write_events(out, NULL, false);
		sb_printf(out, "]}");
	} else if (!strcmp(msg, "abstract")) {
		sb_printf(out, "{\"msg\":\"abstract\",\"state\":");
		write_abstract(out);
		sb_putc(out, '}');
	} else if (!strcmp(msg, "close")) {
		instance_reset();
		sb_printf(out, "{\"msg\":\"ok\"}");
	} else if (!strcmp(msg, "case")) {
		run_case(out, req);
	} else if (!strcmp(msg, "sync")) {
		seq_sync(out);
	} else {
		reply_error(out, "unknown msg (this implementation is not stepped)");
	}
}

int main(int argc, char **argv)
{
	char *line = NULL;
	size_t cap = 0;
	struct sbuf out;
	int err;

	if (argc > 1 && !strcmp(argv[1], "--translate"))
		return trace_translate(argc > 2 ? argv[2] : "{\"vm\":0,\"vcpu\":0}");
	/* the instance is open while the probe runs, so it sees which tracepoints fire */
	trace_open();
	kmsg_open();
	err = probe_host();
	trace_note_fired();
	if (err) {
		trace_close();
		fprintf(stderr, "kvm-oracle-kvm: cannot use /dev/kvm: %s\n", strerror(-err));
		return 2;
	}
	sb_init(&out);
	if (argc > 2 && !strcmp(argv[1], "--bench"))
		return bench_create_destroy(atoi(argv[2])), trace_close(), 0;
	if (argc > 1 && !strcmp(argv[1], "--probe")) {
		write_capabilities(&out);
		puts(out.buf);
		trace_close();
		return 0;
	}
	while (getline(&line, &cap, stdin) > 0) {
		const char *perr;
		struct jval *req = json_parse(line, &perr);

		out.len = 0;
		out.buf[0] = 0;
		if (!req)
			reply_error(&out, perr);
		else
			handle(&out, req);
		seq_stamp(&out, req);
		json_free(req);
		puts(out.buf);
		fflush(stdout);
	}
	instance_reset();
	trace_close();
	return 0;
}
