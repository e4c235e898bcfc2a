// SPDX-License-Identifier: MIT
/*
 * A whole case on real threads: one per harness thread id, each issuing its operations in
 * program order, all concurrently, as a VMM's vCPU threads would. Each step reports its
 * real interval (CLOCK_MONOTONIC), so the harness can judge linearizability, and the
 * tracepoints its thread emitted inside it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>

#include "oracle.h"

#define MAX_THREADS 16

struct step {
	const struct jval *op;
	int tid;		/* the harness's */
	int task;		/* the kernel's, for the trace */
	bool ran;
	struct result res;
	uint64_t begin, end;
};

struct worker {
	pthread_t thread;
	int tid;
	struct step *steps;
	int nsteps;
	pthread_barrier_t *start;
};

uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	int task = syscall(SYS_gettid), i;

	pthread_barrier_wait(w->start);
	for (i = 0; i < w->nsteps; i++) {
		struct step *s = &w->steps[i];

		if (s->tid != w->tid)
			continue;
		s->task = task;
		s->begin = now_ns();
		apply_op(s->op, &s->res);
		s->end = now_ns();
		s->ran = true;
		/* an operation the adapter cannot do ends its thread's program */
		if (s->res.kind == RES_UNSUPPORTED)
			break;
	}
	return NULL;
}

/*
 * Runs the ops from `first` (the case's op number `base`) on real threads and writes their
 * steps, each after a comma when base > 0. Returns the index of the first op that did not
 * run (its reason in why), or -1.
 */
int run_case_threaded(struct sbuf *out, const struct jval *first, int base, char why[160])
{
	struct worker workers[MAX_THREADS];
	pthread_barrier_t start;
	struct step *steps;
	const struct jval *o;
	int n = 0, nw = 0, i, j, failed = -1;
	struct sbuf trace;

	for (o = first; o; o = o->next)
		n++;
	steps = calloc(n ? n : 1, sizeof(*steps));
	for (o = first, i = 0; o; o = o->next, i++) {
		steps[i].op = json_get(o, "op");
		steps[i].tid = json_int(o, "tid", 0);
		for (j = 0; j < nw && workers[j].tid != steps[i].tid; j++)
			;
		if (j == nw && nw < MAX_THREADS)
			workers[nw++] = (struct worker){ .tid = steps[i].tid };
	}
	pthread_barrier_init(&start, NULL, nw + 1);
	threaded = true;
	for (j = 0; j < nw; j++) {
		workers[j].steps = steps;
		workers[j].nsteps = n;
		workers[j].start = &start;
		pthread_create(&workers[j].thread, NULL, worker_main, &workers[j]);
	}
	pthread_barrier_wait(&start);
	for (j = 0; j < nw; j++)
		pthread_join(workers[j].thread, NULL);
	threaded = false;
	pthread_barrier_destroy(&start);
	trace_take(&trace);
	for (i = 0; i < n && failed < 0; i++)
		if (!steps[i].ran || steps[i].res.kind == RES_UNSUPPORTED)
			failed = i;
	for (i = 0; i < n && (failed < 0 || i < failed); i++) {
		struct step *s = &steps[i];

		/* with threads there is no state after each op: only the final one */
		sb_printf(out, "%s{\"result\":", i + base ? "," : "");
		write_result(out, &s->res);
		sb_printf(out, ",\"events\":[");
		trace_write_from(out, trace.buf, s->op, s->res.kind == RES_OK, s->task,
				 s->begin, s->end);
		sb_printf(out, "],\"begin\":%llu,\"end\":%llu}", (unsigned long long)s->begin,
			  (unsigned long long)s->end);
	}
	if (failed >= 0)
		snprintf(why, 160, "%s", steps[failed].ran ? steps[failed].res.why :
			 "not run: an earlier operation of its thread was unsupported");
	for (i = 0; i < n; i++)
		free(steps[i].res.pages);
	free(steps);
	sb_free(&trace);
	return failed < 0 ? -1 : failed + base;
}
