// SPDX-License-Identifier: MIT
/* The protocol's JSON: a recursive-descent reader and an append-only writer. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

struct parser {
	const char *p;
	const char *err;
	int depth;
};

#define MAX_DEPTH 32

static void skip_ws(struct parser *ps)
{
	while (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\r' || *ps->p == '\n')
		ps->p++;
}

static struct jval *new_val(enum jtype type)
{
	struct jval *v = calloc(1, sizeof(*v));

	if (!v) {
		perror("calloc");
		exit(1);
	}
	v->type = type;
	return v;
}

static char *parse_string(struct parser *ps)
{
	size_t cap = 16, len = 0;
	char *out = malloc(cap);

	ps->p++;	/* opening quote */
	while (*ps->p && *ps->p != '"') {
		char c = *ps->p++;

		if (c == '\\') {
			c = *ps->p++;
			switch (c) {
			case 'n': c = '\n'; break;
			case 't': c = '\t'; break;
			case 'r': c = '\r'; break;
			case 'b': c = '\b'; break;
			case 'f': c = '\f'; break;
			case 'u':
				/* only ASCII escapes reach us; keep the low byte */
				if (strlen(ps->p) < 4) {
					ps->err = "bad \\u escape";
					free(out);
					return NULL;
				}
				c = (char)strtol((char[]){ ps->p[2], ps->p[3], 0 }, NULL, 16);
				ps->p += 4;
				break;
			case '"': case '\\': case '/': break;
			default:
				ps->err = "bad escape";
				free(out);
				return NULL;
			}
		}
		if (len + 2 > cap)
			out = realloc(out, cap *= 2);
		out[len++] = c;
	}
	if (*ps->p != '"') {
		ps->err = "unterminated string";
		free(out);
		return NULL;
	}
	ps->p++;
	out[len] = 0;
	return out;
}

static struct jval *parse_value(struct parser *ps);

static struct jval *parse_container(struct parser *ps, bool obj)
{
	struct jval *v = new_val(obj ? J_OBJ : J_ARR), **tail = &v->kids;
	char close = obj ? '}' : ']';

	if (++ps->depth > MAX_DEPTH) {
		ps->err = "nested too deep";
		return v;
	}
	ps->p++;
	skip_ws(ps);
	if (*ps->p == close) {
		ps->p++;
		ps->depth--;
		return v;
	}
	for (;;) {
		char *key = NULL;
		struct jval *kid;

		skip_ws(ps);
		if (obj) {
			if (*ps->p != '"') {
				ps->err = "expected a key";
				return v;
			}
			key = parse_string(ps);
			if (!key)
				return v;
			skip_ws(ps);
			if (*ps->p++ != ':') {
				ps->err = "expected ':'";
				free(key);
				return v;
			}
		}
		kid = parse_value(ps);
		if (!kid) {
			free(key);
			return v;
		}
		kid->key = key;
		*tail = kid;
		tail = &kid->next;
		if (ps->err)
			return v;
		skip_ws(ps);
		if (*ps->p == ',') {
			ps->p++;
			continue;
		}
		if (*ps->p == close) {
			ps->p++;
			ps->depth--;
			return v;
		}
		ps->err = obj ? "expected ',' or '}'" : "expected ',' or ']'";
		return v;
	}
}

static struct jval *parse_value(struct parser *ps)
{
	struct jval *v;
	char *end;

	skip_ws(ps);
	switch (*ps->p) {
	case '{':
		return parse_container(ps, true);
	case '[':
		return parse_container(ps, false);
	case '"':
		v = new_val(J_STR);
		v->str = parse_string(ps);
		return v;
	case 't':
	case 'f':
	case 'n':
		if (!strncmp(ps->p, "true", 4) || !strncmp(ps->p, "false", 5)) {
			v = new_val(J_BOOL);
			v->b = *ps->p == 't';
			ps->p += v->b ? 4 : 5;
			return v;
		}
		if (!strncmp(ps->p, "null", 4)) {
			ps->p += 4;
			return new_val(J_NULL);
		}
		break;
	default:
		v = new_val(J_NUM);
		v->num = strtod(ps->p, &end);
		if (end != ps->p) {
			ps->p = end;
			return v;
		}
		free(v);
	}
	ps->err = "unexpected character";
	return NULL;
}

struct jval *json_parse(const char *s, const char **err)
{
	struct parser ps = { .p = s };
	struct jval *v = parse_value(&ps);

	if (!ps.err) {
		skip_ws(&ps);
		if (*ps.p)
			ps.err = "trailing characters";
	}
	if (ps.err) {
		json_free(v);
		*err = ps.err;
		return NULL;
	}
	return v;
}

void json_free(struct jval *v)
{
	while (v) {
		struct jval *next = v->next;

		json_free(v->kids);
		free(v->str);
		free(v->key);
		free(v);
		v = next;
	}
}

struct jval *json_get(const struct jval *obj, const char *key)
{
	struct jval *k;

	if (!obj || obj->type != J_OBJ)
		return NULL;
	for (k = obj->kids; k; k = k->next)
		if (!strcmp(k->key, key))
			return k;
	return NULL;
}

int64_t json_int(const struct jval *obj, const char *key, int64_t def)
{
	struct jval *v = json_get(obj, key);

	return v && v->type == J_NUM ? (int64_t)v->num : def;
}

const char *json_str(const struct jval *obj, const char *key)
{
	struct jval *v = json_get(obj, key);

	return v && v->type == J_STR ? v->str : NULL;
}

bool json_bool(const struct jval *obj, const char *key, bool def)
{
	struct jval *v = json_get(obj, key);

	return v && v->type == J_BOOL ? v->b : def;
}

void sb_init(struct sbuf *sb)
{
	sb->cap = 256;
	sb->len = 0;
	sb->buf = malloc(sb->cap);
	sb->buf[0] = 0;
}

void sb_free(struct sbuf *sb)
{
	free(sb->buf);
	sb->buf = NULL;
}

static void sb_reserve(struct sbuf *sb, size_t n)
{
	while (sb->len + n + 1 > sb->cap)
		sb->buf = realloc(sb->buf, sb->cap *= 2);
}

void sb_putc(struct sbuf *sb, char c)
{
	sb_reserve(sb, 1);
	sb->buf[sb->len++] = c;
	sb->buf[sb->len] = 0;
}

void sb_printf(struct sbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	sb_reserve(sb, n);
	va_start(ap, fmt);
	vsnprintf(sb->buf + sb->len, n + 1, fmt, ap);
	va_end(ap);
	sb->len += n;
}

void sb_str(struct sbuf *sb, const char *s)
{
	sb_putc(sb, '"');
	for (; *s; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\')
			sb_printf(sb, "\\%c", c);
		else if (c < 0x20)
			sb_printf(sb, "\\u%04x", c);
		else
			sb_putc(sb, c);
	}
	sb_putc(sb, '"');
}
