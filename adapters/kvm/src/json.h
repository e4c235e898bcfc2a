/* SPDX-License-Identifier: MIT */
/*
 * A small JSON reader (into a tree) and writer (into a growing buffer): enough for the
 * protocol's lines, which carry objects, arrays, strings, integers, booleans and null.
 */
#ifndef KVM_ORACLE_JSON_H
#define KVM_ORACLE_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum jtype { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ };

struct jval {
	enum jtype type;
	bool b;
	double num;
	char *str;		/* J_STR value; for members of an object, also the key */
	char *key;
	struct jval *kids;	/* J_ARR and J_OBJ: first child */
	struct jval *next;	/* next sibling */
};

/* Parses one line; NULL with *err set on bad input. */
struct jval *json_parse(const char *s, const char **err);
void json_free(struct jval *v);

/* Object member by key, NULL if absent. */
struct jval *json_get(const struct jval *obj, const char *key);
/* Member as an integer (def if absent or not a number). */
int64_t json_int(const struct jval *obj, const char *key, int64_t def);
/* Member as a string (NULL if absent or not a string). */
const char *json_str(const struct jval *obj, const char *key);
bool json_bool(const struct jval *obj, const char *key, bool def);

struct sbuf {
	char *buf;
	size_t len, cap;
};

void sb_init(struct sbuf *sb);
void sb_free(struct sbuf *sb);
void sb_putc(struct sbuf *sb, char c);
void sb_printf(struct sbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A JSON string literal, escaped. */
void sb_str(struct sbuf *sb, const char *s);

#endif
