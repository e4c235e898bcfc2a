// SPDX-License-Identifier: MIT
/*
 * A protocol that checks itself (docs/PROTOCOL.md): the hello reply carries "seq":0, so
 * the harness numbers its requests; every reply echoes its request's seq, replies with
 * events say how many events the instance emitted since "create" (in a "case": since the
 * case began) as eventsTotal, and "sync" names the last request answered. A line lost,
 * duplicated or reordered between the two processes is then IMPL_PROTOCOL, not a verdict.
 */
#include <stdio.h>
#include <string.h>

#include "oracle.h"

/* the seq of the last request answered (-1: none yet) */
static int64_t last_seq = -1;
/* events sent since "create" */
static int64_t events_total;

/* The events of one reply (its "events" or its steps' "events"), or -1 when it has none. */
static int64_t count_events(const char *reply)
{
	const char *err;
	struct jval *r = json_parse(reply, &err), *list, *s;
	int64_t n = -1;

	if (!r)
		return -1;
	if ((list = json_get(r, "events")) && list->type == J_ARR) {
		for (n = 0, s = list->kids; s; s = s->next)
			n++;
	} else if ((list = json_get(r, "steps")) && list->type == J_ARR) {
		for (n = 0, list = list->kids; list; list = list->next)
			for (s = (s = json_get(list, "events")) && s->type == J_ARR ? s->kids : NULL; s; s = s->next)
				n++;
	}
	json_free(r);
	return n;
}

/* "sync": which request was answered last (null: none). */
void seq_sync(struct sbuf *out)
{
	sb_printf(out, "{\"msg\":\"sync\",\"last\":");
	if (last_seq < 0)
		sb_printf(out, "null}");
	else
		sb_printf(out, "%lld}", (long long)last_seq);
}

/*
 * Adds seq (and eventsTotal) to the reply in `out` to `req` (NULL: a line that was not
 * JSON, answered as it is). A request without seq is answered as before, but for hello.
 */
void seq_stamp(struct sbuf *out, const struct jval *req)
{
	const char *msg = req ? json_str(req, "msg") : NULL;
	struct jval *seq = req ? json_get(req, "seq") : NULL;
	bool hello = msg && !strcmp(msg, "hello");
	int64_t n;

	if (!msg || (!hello && (!seq || seq->type != J_NUM)))
		return;
	if (!strcmp(msg, "create") || !strcmp(msg, "case"))
		events_total = 0;
	if (out->len == 0 || out->buf[out->len - 1] != '}')
		return;
	n = strcmp(msg, "sync") ? count_events(out->buf) : -1;
	out->buf[--out->len] = 0;
	if (n >= 0) {
		events_total += n;
		sb_printf(out, ",\"eventsTotal\":%lld", (long long)events_total);
	}
	sb_printf(out, ",\"seq\":%lld}", seq && seq->type == J_NUM ? (long long)seq->num : 0LL);
	if (strcmp(msg, "sync") && seq && seq->type == J_NUM)
		last_seq = (int64_t)seq->num;
}
