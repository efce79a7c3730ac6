/* A JSON tree in one arena, for tokenizer.json files; see tokjson.h. */
#include <stdlib.h>
#include <string.h>

#include "tokjson.h"

#define CHUNK (1u << 20)

struct chunk {
	struct chunk *next;
	size_t used, cap;
	char data[];
};

struct tj_doc {
	struct chunk *chunks;
	struct tj_value root;
};

struct parser {
	const char *p, *start, *end;
	struct tj_doc *doc;
	struct tj_value *vals;		/* items of the open arrays */
	size_t nvals, avals;
	struct tj_member *mems;		/* members of the open objects */
	size_t nmems, amems;
	struct ayak_err *err;
};

static void *arena_alloc(struct tj_doc *d, size_t n)
{
	struct chunk *c = d->chunks;
	void *p;

	n = (n + 7) & ~(size_t)7;
	if (!c || c->cap - c->used < n) {
		size_t cap = n > CHUNK ? n : CHUNK;

		c = malloc(sizeof(*c) + cap);
		if (!c)
			return NULL;
		c->used = 0;
		c->cap = cap;
		c->next = d->chunks;
		d->chunks = c;
	}
	p = c->data + c->used;
	c->used += n;
	return p;
}

static int fail(struct parser *ps, const char *what)
{
	size_t line = 1, col = 1;
	const char *q;

	for (q = ps->start; q < ps->p && q < ps->end; q++) {
		if (*q == '\n') {
			line++;
			col = 1;
		} else if (((unsigned char)*q & 0xC0) != 0x80) {
			col++;
		}
	}
	ps->err->line = 0;
	return ayak_err_set(ps->err, AYAK_E_DATA, "line %zu, column %zu: %s", line, col, what);
}

static int oom(struct parser *ps)
{
	return ayak_err_set(ps->err, AYAK_E_SYS, "out of memory");
}

static void skip_ws(struct parser *ps)
{
	while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' ||
				   *ps->p == '\r'))
		ps->p++;
}

static int hex4(const char *p, uint32_t *out)
{
	uint32_t v = 0;
	int i;

	for (i = 0; i < 4; i++) {
		char c = p[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (uint32_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (uint32_t)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (uint32_t)(c - 'A' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

/* At an opening quote: decode the string into the arena. */
static int parse_string(struct parser *ps, const char **out, uint32_t *out_len)
{
	const char *q = ps->p + 1, *end = ps->end;
	char *dst, *d;
	size_t raw;

	while (q < end && *q != '"') {
		if (*q == '\\')
			q++;
		q++;
	}
	if (q >= end)
		return fail(ps, "unterminated string");
	raw = (size_t)(q - ps->p - 1);
	if (raw > UINT32_MAX - 8)
		return fail(ps, "string too long");
	dst = arena_alloc(ps->doc, raw + 1);
	if (!dst)
		return oom(ps);
	d = dst;
	q = ps->p + 1;
	while (*q != '"') {
		unsigned char c = (unsigned char)*q;

		if (c == '\\') {
			uint32_t cp, lo;

			ps->p = q;
			switch (q[1]) {
			case '"': *d++ = '"'; q += 2; break;
			case '\\': *d++ = '\\'; q += 2; break;
			case '/': *d++ = '/'; q += 2; break;
			case 'b': *d++ = '\b'; q += 2; break;
			case 'f': *d++ = '\f'; q += 2; break;
			case 'n': *d++ = '\n'; q += 2; break;
			case 'r': *d++ = '\r'; q += 2; break;
			case 't': *d++ = '\t'; q += 2; break;
			case 'u':
				if (end - q < 6 || hex4(q + 2, &cp))
					return fail(ps, "invalid \\u escape");
				q += 6;
				if (cp >= 0xD800 && cp <= 0xDBFF && end - q >= 6 && q[0] == '\\' &&
				    q[1] == 'u' && !hex4(q + 2, &lo) && lo >= 0xDC00 && lo <= 0xDFFF) {
					cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
					q += 6;
				} else if (cp >= 0xD800 && cp <= 0xDFFF) {
					cp = 0xFFFD;
				}
				d += ayak_utf8_encode(cp, d);
				break;
			default:
				return fail(ps, "invalid escape");
			}
		} else if (c < 0x20) {
			ps->p = q;
			return fail(ps, "control character in string");
		} else if (c < 0x80) {
			*d++ = (char)c;
			q++;
		} else {
			uint32_t cp;
			int n = ayak_utf8_decode((const unsigned char *)q,
						 (const unsigned char *)end, &cp);

			if (!n) {
				ps->p = q;
				return fail(ps, "invalid UTF-8");
			}
			memcpy(d, q, (size_t)n);
			d += n;
			q += n;
		}
	}
	*d = '\0';
	*out = dst;
	*out_len = (uint32_t)(d - dst);
	ps->p = q + 1;
	return 0;
}

static int parse_number(struct parser *ps, struct tj_value *v)
{
	const char *q = ps->p, *end = ps->end;
	char buf[64];
	size_t n;
	int integral = 1;

	if (q < end && *q == '-')
		q++;
	if (q >= end || *q < '0' || *q > '9')
		return fail(ps, "invalid number");
	if (*q == '0')
		q++;
	else
		while (q < end && *q >= '0' && *q <= '9')
			q++;
	if (q < end && *q == '.') {
		integral = 0;
		q++;
		if (q >= end || *q < '0' || *q > '9')
			return fail(ps, "invalid number");
		while (q < end && *q >= '0' && *q <= '9')
			q++;
	}
	if (q < end && (*q == 'e' || *q == 'E')) {
		integral = 0;
		q++;
		if (q < end && (*q == '+' || *q == '-'))
			q++;
		if (q >= end || *q < '0' || *q > '9')
			return fail(ps, "invalid number");
		while (q < end && *q >= '0' && *q <= '9')
			q++;
	}
	n = (size_t)(q - ps->p);
	if (n >= sizeof(buf)) {
		/* Long numbers only lose precision. */
		n = sizeof(buf) - 1;
		integral = 0;
	}
	memcpy(buf, ps->p, n);
	buf[n] = '\0';
	v->type = TJ_NUMBER;
	v->integral = (unsigned char)integral;
	v->u.num = strtod(buf, NULL);
	ps->p = q;
	return 0;
}

static int push_val(struct parser *ps, const struct tj_value *v)
{
	if (ps->nvals == ps->avals) {
		struct tj_value *p = ayak_grow(ps->vals, &ps->avals, ps->nvals + 1, sizeof(*p), 256);

		if (!p)
			return oom(ps);
		ps->vals = p;
	}
	ps->vals[ps->nvals++] = *v;
	return 0;
}

static int push_mem(struct parser *ps, const struct tj_member *m)
{
	if (ps->nmems == ps->amems) {
		struct tj_member *p = ayak_grow(ps->mems, &ps->amems, ps->nmems + 1, sizeof(*p), 256);

		if (!p)
			return oom(ps);
		ps->mems = p;
	}
	ps->mems[ps->nmems++] = *m;
	return 0;
}

static int parse_value(struct parser *ps, struct tj_value *v, int depth);

static int parse_array(struct parser *ps, struct tj_value *v, int depth)
{
	size_t base = ps->nvals, n;
	struct tj_value item;

	ps->p++;
	skip_ws(ps);
	if (ps->p < ps->end && *ps->p == ']') {
		ps->p++;
		goto done;
	}
	for (;;) {
		if (parse_value(ps, &item, depth + 1) || push_val(ps, &item))
			return -1;
		skip_ws(ps);
		if (ps->p < ps->end && *ps->p == ',') {
			ps->p++;
			continue;
		}
		if (ps->p < ps->end && *ps->p == ']') {
			ps->p++;
			break;
		}
		return fail(ps, "expected ',' or ']'");
	}
done:
	n = ps->nvals - base;
	if (n > UINT32_MAX)
		return fail(ps, "array too long");
	v->type = TJ_ARRAY;
	v->len = (uint32_t)n;
	v->u.items = NULL;
	if (n) {
		v->u.items = arena_alloc(ps->doc, n * sizeof(struct tj_value));
		if (!v->u.items)
			return oom(ps);
		memcpy(v->u.items, ps->vals + base, n * sizeof(struct tj_value));
	}
	ps->nvals = base;
	return 0;
}

static int parse_object(struct parser *ps, struct tj_value *v, int depth)
{
	size_t base = ps->nmems, n;
	struct tj_member m;

	ps->p++;
	skip_ws(ps);
	if (ps->p < ps->end && *ps->p == '}') {
		ps->p++;
		goto done;
	}
	for (;;) {
		skip_ws(ps);
		if (ps->p >= ps->end || *ps->p != '"')
			return fail(ps, "expected string key");
		if (parse_string(ps, &m.key, &m.key_len))
			return -1;
		skip_ws(ps);
		if (ps->p >= ps->end || *ps->p != ':')
			return fail(ps, "expected ':'");
		ps->p++;
		if (parse_value(ps, &m.val, depth + 1) || push_mem(ps, &m))
			return -1;
		skip_ws(ps);
		if (ps->p < ps->end && *ps->p == ',') {
			ps->p++;
			continue;
		}
		if (ps->p < ps->end && *ps->p == '}') {
			ps->p++;
			break;
		}
		return fail(ps, "expected ',' or '}'");
	}
done:
	n = ps->nmems - base;
	if (n > UINT32_MAX)
		return fail(ps, "object too long");
	v->type = TJ_OBJECT;
	v->len = (uint32_t)n;
	v->u.members = NULL;
	if (n) {
		v->u.members = arena_alloc(ps->doc, n * sizeof(struct tj_member));
		if (!v->u.members)
			return oom(ps);
		memcpy(v->u.members, ps->mems + base, n * sizeof(struct tj_member));
	}
	ps->nmems = base;
	return 0;
}

static int literal(struct parser *ps, const char *word, int type, struct tj_value *v)
{
	size_t n = strlen(word);

	if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, word, n))
		return fail(ps, "unexpected character");
	ps->p += n;
	v->type = (unsigned char)type;
	return 0;
}

static int parse_value(struct parser *ps, struct tj_value *v, int depth)
{
	memset(v, 0, sizeof(*v));
	if (depth > TJ_MAX_DEPTH)
		return fail(ps, "nested too deeply");
	skip_ws(ps);
	if (ps->p >= ps->end)
		return fail(ps, "unexpected end of input");
	switch (*ps->p) {
	case '{':
		return parse_object(ps, v, depth);
	case '[':
		return parse_array(ps, v, depth);
	case '"':
		v->type = TJ_STRING;
		return parse_string(ps, &v->u.s, &v->len);
	case 't':
		return literal(ps, "true", TJ_TRUE, v);
	case 'f':
		return literal(ps, "false", TJ_FALSE, v);
	case 'n':
		return literal(ps, "null", TJ_NULL, v);
	default:
		return parse_number(ps, v);
	}
}

void tj_free(struct tj_doc *d)
{
	struct chunk *c, *next;

	if (!d)
		return;
	for (c = d->chunks; c; c = next) {
		next = c->next;
		free(c);
	}
	free(d);
}

struct tj_doc *tj_parse(const char *text, size_t len, struct ayak_err *err)
{
	struct parser ps;
	struct tj_doc *d = calloc(1, sizeof(*d));

	if (!d) {
		ayak_err_set(err, AYAK_E_SYS, "out of memory");
		return NULL;
	}
	memset(&ps, 0, sizeof(ps));
	ps.p = ps.start = text;
	ps.end = text + len;
	ps.doc = d;
	ps.err = err;
	/* A UTF-8 byte order mark is tolerated, as most JSON readers do. */
	if (len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3))
		ps.p += 3;
	if (parse_value(&ps, &d->root, 0))
		goto fail;
	skip_ws(&ps);
	if (ps.p != ps.end) {
		fail(&ps, "trailing characters");
		goto fail;
	}
	free(ps.vals);
	free(ps.mems);
	return d;
fail:
	free(ps.vals);
	free(ps.mems);
	tj_free(d);
	return NULL;
}

const struct tj_value *tj_root(const struct tj_doc *d)
{
	return &d->root;
}

const struct tj_value *tj_get(const struct tj_value *obj, const char *key)
{
	uint32_t i;

	if (!obj || obj->type != TJ_OBJECT)
		return NULL;
	for (i = obj->len; i-- > 0;)
		if (!strcmp(obj->u.members[i].key, key))
			return &obj->u.members[i].val;
	return NULL;
}

const char *tj_get_str(const struct tj_value *obj, const char *key, uint32_t *len)
{
	const struct tj_value *v = tj_get(obj, key);

	if (!v || v->type != TJ_STRING)
		return NULL;
	if (len)
		*len = v->len;
	return v->u.s;
}

int tj_get_bool(const struct tj_value *obj, const char *key, int def)
{
	const struct tj_value *v = tj_get(obj, key);

	if (v && v->type == TJ_TRUE)
		return 1;
	if (v && v->type == TJ_FALSE)
		return 0;
	return def;
}

int tj_uint(const struct tj_value *v, uint64_t max, uint64_t *out)
{
	if (!v || v->type != TJ_NUMBER || !v->integral || v->u.num < 0 ||
	    v->u.num > (double)max || (double)(uint64_t)v->u.num != v->u.num)
		return -1;
	*out = (uint64_t)v->u.num;
	return 0;
}
