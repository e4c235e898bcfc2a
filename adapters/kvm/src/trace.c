// SPDX-License-Identifier: MIT
/*
 * Kernel tracepoints into the project's events. A private tracefs instance
 * (instances/kvm-oracle-<pid>) enables the kvm events that map onto api/events.ts
 * without a missing field, filtered to this process, and is removed at exit; the global
 * instance is not touched. Which events the host really emits is found by the probe:
 * a vendor module may define a tracepoint and never fire it (kvm-pvm has no kvm_exit).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <dirent.h>
#include <signal.h>
#include <sys/stat.h>

#include "oracle.h"

#define TRACEFS "/sys/kernel/tracing"

/* A tracepoint, the TraceEvent kind it becomes, and whether the probe saw it fire. */
static struct tp {
	const char *path;	/* under events/ */
	const char *name;	/* as printed in the trace */
	bool fired;
	const char *kind;	/* trace-mmu.c's event kind (K_*), declared when it fired */
	unsigned int k;
} tps[] = {
	{ "kvm/kvm_exit", "kvm_exit", false, NULL, 0 },
	{ "kvm/kvm_cr", "kvm_cr", false, NULL, 0 },
	{ "kvm/kvm_msr", "kvm_msr", false, NULL, 0 },
	{ "kvmmmu/kvm_mmu_get_page", "kvm_mmu_get_page", false, "kvmMmuShadowPage", K_GET_PAGE },
	{ "kvmmmu/kvm_mmu_prepare_zap_page", "kvm_mmu_prepare_zap_page", false, "kvmMmuPrepareZap", K_PREPARE_ZAP },
	{ "kvmmmu/kvm_mmu_zap_all_fast", "kvm_mmu_zap_all_fast", false, "kvmMmuZapAllFast", K_ZAP_ALL_FAST },
	{ "kvm/kvm_unmap_hva_range", "kvm_unmap_hva_range", false, "kvmUnmapHvaRange", K_UNMAP_HVA },
	{ "kvmmmu/kvm_mmu_pagetable_walk", "kvm_mmu_pagetable_walk", false, "kvmMmuWalk", K_WALK },
	{ "kvmmmu/kvm_mmu_paging_element", "kvm_mmu_paging_element", false, "kvmMmuWalkElement", K_WALK_ELEMENT },
	{ "kvmmmu/kvm_mmu_walker_error", "kvm_mmu_walker_error", false, "kvmMmuWalkError", K_WALK_ERROR },
	{ "kvm/kvm_emulate_insn", "kvm_emulate_insn", false, "kvmEmulateInsn", K_EMULATE },
	{ "kvm/kvm_entry", "kvm_entry", false, "kvmVmEntry", K_ENTRY },
	{ "kvm/kvm_page_fault", "kvm_page_fault", false, "kvmGuestFault", K_PAGE_FAULT },
};
enum { TP_EXIT, TP_CR, TP_MSR, TP_COUNT = sizeof(tps) / sizeof(tps[0]) };

/* The trace-mmu.c kinds whose tracepoints fired in the probe. */
static unsigned int mmu_kinds(void)
{
	unsigned int i, k = 0;

	for (i = 0; i < TP_COUNT; i++)
		if (tps[i].fired)
			k |= tps[i].k;
	return k;
}

static char inst[128];
static char why_not[200];	/* why tracing is not available, or "" */
static int pipe_fd = -1;
static bool traced;	/* the instance was set up when the probe ran */

/* The tracepoints the probe saw fire, or "null" when tracefs could not be used. */
void trace_write_fired(struct sbuf *sb)
{
	int i, n = 0;

	if (!traced) {
		sb_printf(sb, "null");
		return;
	}
	sb_putc(sb, '[');
	for (i = 0; i < TP_COUNT; i++)
		if (tps[i].fired)
			sb_printf(sb, "%s\"%s\"", n++ ? "," : "", tps[i].path);
	sb_putc(sb, ']');
}

static int write_file(const char *file, const char *text)
{
	char path[256];
	int fd, n;

	snprintf(path, sizeof(path), "%s/%s", inst, file);
	fd = open(path, O_WRONLY | O_TRUNC);
	if (fd < 0)
		return -errno;
	n = write(fd, text, strlen(text));
	close(fd);
	return n < 0 ? -errno : 0;
}

/* A harness that times the adapter out kills it: take the instance down on the way. */
static void on_signal(int sig)
{
	if (pipe_fd >= 0)
		close(pipe_fd);
	if (inst[0] && rmdir(inst))
		write_file("events/enable", "0"), rmdir(inst);
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Instances of adapters that died without cleaning up (SIGKILL) go before a new one. */
static void remove_stale(void)
{
	DIR *d = opendir(TRACEFS "/instances");
	struct dirent *e;
	char path[300];
	int pid;

	while (d && (e = readdir(d)))
		if (sscanf(e->d_name, "kvm-oracle-%d", &pid) == 1 && kill(pid, 0) && errno == ESRCH) {
			snprintf(path, sizeof(path), TRACEFS "/instances/%s", e->d_name);
			rmdir(path);
		}
	if (d)
		closedir(d);
}

int trace_open(void)
{
	char pid[32], path[256];
	int i;

	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	signal(SIGHUP, on_signal);
	/* a harness (or its worker) that dies mid-case closes our stdout: clean up too */
	signal(SIGPIPE, on_signal);
	/* and when the adapter itself crashes: the signal's default action follows */
	signal(SIGSEGV, on_signal);
	signal(SIGBUS, on_signal);
	signal(SIGABRT, on_signal);
	signal(SIGFPE, on_signal);
	if (access(TRACEFS "/instances", F_OK)) {
		snprintf(why_not, sizeof(why_not), "tracefs is not mounted at " TRACEFS
			 " (mount -t tracefs nodev " TRACEFS ")");
		return -ENOENT;
	}
	remove_stale();
	snprintf(inst, sizeof(inst), TRACEFS "/instances/kvm-oracle-%d", getpid());
	if (mkdir(inst, 0700)) {
		snprintf(why_not, sizeof(why_not), "cannot make a tracefs instance in " TRACEFS
			 "/instances: %s", strerror(errno));
		inst[0] = 0;
		return -errno;
	}
	snprintf(pid, sizeof(pid), "%d", getpid());
	if (write_file("set_event_pid", pid))
		goto fail;
	/* vCPU threads (threads.c) join the filter as they are created; their clock is ours */
	write_file("options/event-fork", "1");
	write_file("trace_clock", "mono");
	/* one operation's events at a time (an emulated guest's walks included) */
	write_file("buffer_size_kb", "1024");
	for (i = 0; i < TP_COUNT; i++) {
		snprintf(path, sizeof(path), "events/%s/enable", tps[i].path);
		write_file(path, "1");
	}
	snprintf(path, sizeof(path), "%s/trace_pipe", inst);
	pipe_fd = open(path, O_RDONLY | O_NONBLOCK);
	if (pipe_fd >= 0)
		return 0;
fail:
	snprintf(why_not, sizeof(why_not), "the tracefs instance %s could not be set up: %s", inst,
		 strerror(errno));
	trace_close();
	return -1;
}

void trace_close(void)
{
	if (pipe_fd >= 0)
		close(pipe_fd);
	pipe_fd = -1;
	if (inst[0]) {
		write_file("events/enable", "0");
		rmdir(inst);
	}
	inst[0] = 0;
}

/* Reads what the ring buffer holds now into *buf (NUL-terminated). */
static void drain(struct sbuf *buf)
{
	char chunk[4096];
	ssize_t n;

	if (pipe_fd < 0)
		return;
	while ((n = read(pipe_fd, chunk, sizeof(chunk) - 1)) > 0) {
		chunk[n] = 0;
		sb_printf(buf, "%.*s", (int)n, chunk);
	}
}

void trace_clear(void)
{
	struct sbuf buf;

	sb_init(&buf);
	drain(&buf);
	sb_free(&buf);
}

/* The probe has run a guest: remember which tracepoints fired. */
void trace_note_fired(void)
{
	struct sbuf buf;
	char pat[64];
	int i;

	traced = pipe_fd >= 0;
	sb_init(&buf);
	drain(&buf);
	for (i = 0; i < TP_COUNT; i++) {
		snprintf(pat, sizeof(pat), " %s: ", tps[i].name);
		tps[i].fired = strstr(buf.buf, pat);
	}
	sb_free(&buf);
}

static bool have_exit(void)
{
	return tps[TP_EXIT].fired;
}

/* kvm_cr has no vCPU and fires before kvm_set_cr*() checks: both must be seen to declare. */
static bool have_set_cr(void)
{
	return tps[TP_CR].fired && tps[TP_MSR].fired;
}

/* "tracing": null when the instance works, else why the events are not available. */
void trace_write_why(struct sbuf *sb)
{
	if (traced)
		sb_printf(sb, "null");
	else
		sb_str(sb, why_not[0] ? why_not : "the tracefs instance could not be set up");
}

void trace_write_kinds(struct sbuf *sb)
{
	int n = 0, i;

	if (have_exit())
		sb_printf(sb, "%s\"kvmExit\"", n++ ? "," : "");
	if (have_set_cr())
		sb_printf(sb, "%s\"kvmSetCr\"", n++ ? "," : "");
	for (i = 0; i < TP_COUNT; i++)
		if (tps[i].fired && tps[i].kind)
			sb_printf(sb, "%s\"%s\"", n++ ? "," : "", tps[i].kind);
}

static void one_line(struct sbuf *sb, int *n, char *line, const struct jval *op, bool ok)
{
	int vm = json_int(op, "vm", -1), vcpu = json_int(op, "vcpu", -1);
	char *p, reason[64];
	unsigned int id, cr;
	unsigned long long val;

	if (trace_mmu_line(sb, n, line, vm, vcpu, mmu_kinds()))
		return;
	if (have_exit() && (p = strstr(line, " kvm_exit: ")) &&
	    sscanf(p, " kvm_exit: vcpu %u reason %63s", &id, reason) == 2) {
		sb_printf(sb, "%s{\"ev\":\"kvmExit\",\"vm\":%d,\"vcpu\":%u,\"reason\":", (*n)++ ? "," : "",
			  vm, id);
		sb_str(sb, reason);
		sb_putc(sb, '}');
		return;
	}
	/* a write took effect only if the op succeeded: the kernel traces the attempt */
	if (!have_set_cr() || !ok)
		return;
	if ((p = strstr(line, " kvm_cr: ")) &&
	    sscanf(p, " kvm_cr: cr_write %x = 0x%llx", &cr, &val) == 2 && cr != 8)
		sb_printf(sb, "%s{\"ev\":\"kvmSetCr\",\"vm\":%d,\"vcpu\":%d,\"reg\":\"cr%u\",\"value\":%llu}",
			  (*n)++ ? "," : "", vm, vcpu, cr, val);
	else if ((p = strstr(line, " kvm_msr: msr_write c0000080 = 0x")) && !strstr(p, "#GP") &&
		 sscanf(p, " kvm_msr: msr_write c0000080 = 0x%llx", &val) == 1)
		sb_printf(sb, "%s{\"ev\":\"kvmSetCr\",\"vm\":%d,\"vcpu\":%d,\"reg\":\"efer\",\"value\":%llu}",
			  (*n)++ ? "," : "", vm, vcpu, val);
}

/* A trace line's task id and timestamp (CLOCK_MONOTONIC ns); false if not an event. */
static bool line_when(const char *line, int *tid, uint64_t *ns)
{
	const char *p = strstr(line, " [");
	unsigned long long s, us;

	if (!p)
		return false;
	while (p > line && p[-1] == ' ')
		p--;
	while (p > line && p[-1] != '-')
		p--;
	if (sscanf(p, "%d", tid) != 1)
		return false;
	p = strchr(p, ']');
	/* after "] flags ": "seconds.micros:" */
	if (!p || !(p = strchr(p + 2, ' ')) || sscanf(p, " %llu.%llu:", &s, &us) != 2)
		return false;
	*ns = s * 1000000000ull + us * 1000ull;
	return true;
}

/* Everything the ring buffer holds now; the caller frees it with sb_free(). */
void trace_take(struct sbuf *buf)
{
	sb_init(buf);
	drain(buf);
}

/*
 * The events of `buf` that task `tid` emitted between `begin` and `end` (a microsecond of
 * slack: the trace prints microseconds), as the operation `op`'s; tid 0 takes them all.
 */
void trace_write_from(struct sbuf *sb, const char *buf, const struct jval *op, bool ok,
		      int tid, uint64_t begin, uint64_t end)
{
	const char *line = buf, *nl;
	char one[512];
	int n = 0, t;
	uint64_t ns;

	for (; *line; line = nl ? nl + 1 : line + strlen(line)) {
		nl = strchr(line, '\n');
		snprintf(one, sizeof(one), "%.*s", nl ? (int)(nl - line) : (int)strlen(line), line);
		if (tid && (!line_when(one, &t, &ns) || t != tid || ns + 1000 < begin || ns > end + 1000))
			continue;
		one_line(sb, &n, one, op, ok);
	}
}

/*
 * The events the operation `op` (sequential: the only one running) made, as a JSON list
 * body; `ok` says whether it succeeded.
 */
void trace_write_events(struct sbuf *sb, const struct jval *op, bool ok)
{
	struct sbuf buf;

	trace_take(&buf);
	trace_write_from(sb, buf.buf, op, ok, 0, 0, 0);
	sb_free(&buf);
}

/*
 * --translate [OP]: recorded trace lines on stdin as the events of operation OP (JSON,
 * default {"vm":0,"vcpu":0}, succeeded), every tracepoint taken as fired; one JSON list on
 * stdout. Tests check the translation on recorded lines of hosts they cannot run on.
 */
int trace_translate(const char *op_json)
{
	struct sbuf in, out;
	struct jval *op;
	const char *err;
	char chunk[4096];
	size_t n;
	int i;

	op = json_parse(op_json, &err);
	if (!op) {
		fprintf(stderr, "kvm-oracle-kvm: --translate: the operation is not JSON: %s\n", err);
		return 2;
	}
	for (i = 0; i < TP_COUNT; i++)
		tps[i].fired = true;
	sb_init(&in);
	sb_init(&out);
	while ((n = fread(chunk, 1, sizeof(chunk), stdin)) > 0)
		sb_printf(&in, "%.*s", (int)n, chunk);
	sb_putc(&out, '[');
	trace_write_from(&out, in.buf, op, true, 0, 0, 0);
	sb_putc(&out, ']');
	puts(out.buf);
	sb_free(&in);
	sb_free(&out);
	json_free(op);
	return 0;
}
