// SPDX-License-Identifier: MIT
/* Kernel tracepoints: not yet. */
#include "oracle.h"

int trace_open(void) { return -1; }
void trace_close(void) {}
void trace_clear(void) {}
void trace_write_events(struct sbuf *sb, int vm_id) { (void)sb; (void)vm_id; }
void trace_write_kinds(struct sbuf *sb) { (void)sb; }
