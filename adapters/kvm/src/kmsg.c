// SPDX-License-Identifier: MIT
/*
 * The kernel's own oracles: every kernel log record (/dev/kmsg) written from a case's
 * start to its end, and the taint mask (/proc/sys/kernel/tainted) before and after. The
 * harness judges them (fuzz/kernel-log/): a WARN, BUG, KASAN or lockdep report, a stall
 * or a KVM error message is a KERNEL_SPLAT. The log is the whole machine's: a record of
 * another process in the same interval is reported too.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "oracle.h"

#define MAX_RECORDS	400	/* per case; the rest are counted */

static int kmsg_fd = -1;
static char kmsg_why[160];
static long long taint_before;

static long long read_taint(void)
{
	long long t = -1;
	FILE *f = fopen("/proc/sys/kernel/tainted", "r");

	if (f && fscanf(f, "%lld", &t) != 1)
		t = -1;
	if (f)
		fclose(f);
	return t;
}

void kmsg_open(void)
{
	kmsg_fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (kmsg_fd < 0)
		snprintf(kmsg_why, sizeof(kmsg_why), "/dev/kmsg cannot be read: %s", strerror(errno));
}

/* A case starts: only records written from now on are its. */
void kmsg_mark(void)
{
	if (kmsg_fd >= 0)
		lseek(kmsg_fd, 0, SEEK_END);
	taint_before = read_taint();
}

/* "kernelLog": null when the log can be read, else why not (the handshake's host part). */
void kmsg_write_host(struct sbuf *sb)
{
	if (kmsg_fd >= 0)
		sb_printf(sb, "null");
	else
		sb_str(sb, kmsg_why);
}

/* ,"kernel":{...}: the case's records ("level" 0-7, "text"), and the taint mask. */
void kmsg_write(struct sbuf *sb)
{
	char rec[8192];
	int n = 0, dropped = 0;
	ssize_t len;

	if (kmsg_fd < 0) {
		sb_printf(sb, ",\"kernel\":{\"unavailable\":");
		sb_str(sb, kmsg_why);
		sb_printf(sb, ",\"taintBefore\":%lld,\"taintAfter\":%lld}", taint_before, read_taint());
		return;
	}
	sb_printf(sb, ",\"kernel\":{\"log\":[");
	for (;;) {
		unsigned int pri;
		char *text, *nl;

		len = read(kmsg_fd, rec, sizeof(rec) - 1);
		if (len < 0 && errno == EPIPE)
			continue;	/* overwritten before we read it: go on with the next */
		if (len <= 0)
			break;
		rec[len] = 0;
		text = strchr(rec, ';');
		if (!text || sscanf(rec, "%u,", &pri) != 1)
			continue;
		text++;
		nl = strchr(text, '\n');	/* continuation lines are key=value metadata */
		if (nl)
			*nl = 0;
		if (n == MAX_RECORDS) {
			dropped++;
			continue;
		}
		sb_printf(sb, "%s{\"level\":%u,\"text\":", n++ ? "," : "", pri & 7);
		sb_str(sb, text);
		sb_putc(sb, '}');
	}
	sb_printf(sb, "],\"dropped\":%d,\"taintBefore\":%lld,\"taintAfter\":%lld}", dropped,
		  taint_before, read_taint());
}
