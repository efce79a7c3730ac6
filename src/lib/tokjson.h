/*
 * A small JSON tree for reading tokenizer.json files: the whole text is
 * parsed at once into values held in one arena.  Records are never read
 * this way (see json.h); this is for configuration files of a few MB
 * with vocabularies and merge lists.
 */
#ifndef AYAK_TOKJSON_H
#define AYAK_TOKJSON_H

#include "ayak.h"

enum tj_type {
	TJ_NULL = 0,
	TJ_FALSE,
	TJ_TRUE,
	TJ_NUMBER,
	TJ_STRING,
	TJ_ARRAY,
	TJ_OBJECT,
};

struct tj_member;

struct tj_value {
	unsigned char type;	/* enum tj_type */
	unsigned char integral;	/* a number without fraction or exponent */
	uint32_t len;		/* string bytes, array items or object members */
	union {
		const char *s;			/* decoded, NUL-terminated */
		double num;
		struct tj_value *items;
		struct tj_member *members;
	} u;
};

struct tj_member {
	const char *key;	/* decoded, NUL-terminated */
	uint32_t key_len;
	struct tj_value val;
};

struct tj_doc;

/*
 * Parse text[0..len) as one JSON value (RFC 8259; strings must be valid
 * UTF-8; lone surrogate escapes become U+FFFD).  Nesting deeper than
 * TJ_MAX_DEPTH is refused.  On error returns NULL with err->code
 * AYAK_E_DATA and a message like "line 3, column 7: expected ':'".
 */
#define TJ_MAX_DEPTH 256
struct tj_doc *tj_parse(const char *text, size_t len, struct ayak_err *err);
const struct tj_value *tj_root(const struct tj_doc *d);
void tj_free(struct tj_doc *d);

/* The member named key of an object (the last if repeated), or NULL. */
const struct tj_value *tj_get(const struct tj_value *obj, const char *key);
/* Typed helpers: NULL/defaults when absent or of another type. */
const char *tj_get_str(const struct tj_value *obj, const char *key, uint32_t *len);
int tj_get_bool(const struct tj_value *obj, const char *key, int def);
/* 1 when v is a JSON null or absent. */
static inline int tj_is_null(const struct tj_value *v) { return !v || v->type == TJ_NULL; }
/* An integral number in [0, max]: 0 with *out set, else -1. */
int tj_uint(const struct tj_value *v, uint64_t max, uint64_t *out);

#endif
