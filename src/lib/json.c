/*
 * Zero-copy JSON scanner (RFC 8259).  The hot loop is the body of long
 * string values: it skips sixteen plain bytes at a time (SSE2) and stops
 * only at a quote, a backslash, a control character or a non-ASCII byte.
 * Nesting is tracked on an explicit stack, so deep input cannot overflow
 * the C stack.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "json.h"

struct scan {
	const unsigned char *s;		/* start of the text */
	const unsigned char *end;
	unsigned flags;
	const char *end_name;		/* "line" or "input" */
	struct ayak_err *err;
};

static int fail(struct scan *sc, const unsigned char *at, const char *what)
{
	size_t col = (size_t)(at - sc->s) + 1;

	if (at >= sc->end)
		ayak_err_set(sc->err, AYAK_E_DATA, "unexpected end of %s at column %zu",
			     sc->end_name, col);
	else
		ayak_err_set(sc->err, AYAK_E_DATA, "%s at column %zu", what, col);
	if (sc->err)
		sc->err->col = col;
	return -1;
}

static int fail_char(struct scan *sc, const unsigned char *at)
{
	char what[48];

	if (at < sc->end && *at >= 0x20 && *at < 0x7F)
		snprintf(what, sizeof(what), "unexpected character '%c'", *at);
	else if (at < sc->end)
		snprintf(what, sizeof(what), "unexpected byte 0x%02X", *at);
	return fail(sc, at, what);
}

static inline const unsigned char *skip_ws(const unsigned char *p,
					   const unsigned char *end)
{
	/* most bytes here are not white space: one test says so */
	while (p < end && *p <= ' ' && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	return p;
}

/* Bytes a string body cannot skip: quote, backslash, controls, non-ASCII (a table: one load, not four tests). */
static const unsigned char special_byte[256] = {
	[0 ... 0x1f] = 1, ['"'] = 1, ['\\'] = 1, [0x80 ... 0xff] = 1,
};

static inline int string_special(unsigned char c)
{
	return special_byte[c];
}

static inline const unsigned char *skip_plain(const unsigned char *p,
					      const unsigned char *end)
{
#ifdef __SSE2__
	const __m128i quote = _mm_set1_epi8('"');
	const __m128i bslash = _mm_set1_epi8('\\');
	const __m128i space = _mm_set1_epi8(0x20);

	while (end - p >= 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
		/* Signed compare: catches 0x00-0x1F and 0x80-0xFF at once. */
		__m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote),
						      _mm_cmpeq_epi8(v, bslash)),
					 _mm_cmplt_epi8(v, space));
		unsigned mask = (unsigned)_mm_movemask_epi8(m);

		if (mask)
			return p + __builtin_ctz(mask);
		p += 16;
	}
#endif
	while (p < end && !string_special(*p))
		p++;
	return p;
}

static int hex4(const unsigned char *p, const unsigned char *end, unsigned *out)
{
	unsigned v = 0;
	int i;

	if (end - p < 4)
		return -1;
	for (i = 0; i < 4; i++) {
		unsigned c = p[i];

		if (c >= '0' && c <= '9')
			c -= '0';
		else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
			c = (c | 0x20) - 'a' + 10;
		else
			return -1;
		v = v << 4 | c;
	}
	*out = v;
	return 0;
}

/*
 * p is just after a backslash.  Returns the byte after the escape, or NULL.
 * Stores the code point of a \u escape (0 for the others) in *cp and
 * whether it is a lone surrogate in *lone.
 */
static const unsigned char *scan_escape(struct scan *sc, const unsigned char *p,
					uint32_t *cp, int *lone)
{
	unsigned u, lo;

	*cp = 0;
	*lone = 0;
	if (p >= sc->end) {
		fail(sc, p - 1, "invalid escape");
		return NULL;
	}
	switch (*p) {
	case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
		return p + 1;
	case 'u':
		break;
	default:
		fail(sc, p - 1, "invalid escape");
		return NULL;
	}
	if (hex4(p + 1, sc->end, &u)) {
		fail(sc, p - 1, "invalid \\u escape");
		return NULL;
	}
	p += 5;
	if (u >= 0xD800 && u <= 0xDBFF && sc->end - p >= 6 && p[0] == '\\' &&
	    p[1] == 'u' && !hex4(p + 2, sc->end, &lo) && lo >= 0xDC00 && lo <= 0xDFFF) {
		*cp = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
		return p + 6;
	}
	if (u >= 0xD800 && u <= 0xDFFF) {
		*lone = 1;
		if (!(sc->flags & AYAK_JSON_LAX_UTF8)) {
			fail(sc, p - 6, "lone surrogate");
			return NULL;
		}
	}
	*cp = u;
	return p;
}

/* p is at an opening quote.  Returns the byte after the closing quote. */
static const unsigned char *scan_string(struct scan *sc, const unsigned char *p,
					unsigned char *raw)
{
	const unsigned char *open = p;
	uint32_t cp;
	int lone, k;

	*raw = 1;
	p++;
	for (;;) {
		p = skip_plain(p, sc->end);
		if (p >= sc->end) {
			ayak_err_set(sc->err, AYAK_E_DATA,
				     "unterminated string at column %zu",
				     (size_t)(open - sc->s) + 1);
			if (sc->err)
				sc->err->col = (size_t)(open - sc->s) + 1;
			return NULL;
		}
		if (*p == '"')
			return p + 1;
		if (*p == '\\') {
			*raw = 0;
			if (p + 1 >= sc->end) {
				p = sc->end;
				continue;	/* reported as unterminated */
			}
			p = scan_escape(sc, p + 1, &cp, &lone);
			if (!p)
				return NULL;
			continue;
		}
		if (*p < 0x20) {
			fail(sc, p, "control character in string");
			return NULL;
		}
		/* Non-ASCII: validate one sequence and go on. */
		k = ayak_utf8_decode_fast(p, sc->end, &cp);
		if (!k) {
			if (!(sc->flags & AYAK_JSON_LAX_UTF8)) {
				fail(sc, p, "invalid UTF-8");
				return NULL;
			}
			*raw = 0;	/* decoding replaces it */
			k = 1;
		}
		p += k;
	}
}

/*
 * Append U+FFFD for the ill-formed bytes at *pp (as ayak_utf8_repair
 * groups them) and move *pp past them.
 */
static int replace_ill_formed(const unsigned char **pp, const unsigned char *end,
			      struct ayak_buf *out, size_t *nrepl)
{
	const unsigned char *bad = *pp, *p = bad;
	uint32_t cp;

	while (p < end && *p >= 0x80 && !ayak_utf8_decode(p, end, &cp))
		p++;
	*pp = p;
	return ayak_utf8_repair((const char *)bad, (size_t)(p - bad), out, nrepl);
}

static inline int is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static const unsigned char *scan_number(struct scan *sc, const unsigned char *p)
{
	const unsigned char *start = p, *end = sc->end;

	if (*p == '-')
		p++;
	if (p >= end || !is_digit(*p))
		goto bad;
	if (*p == '0')
		p++;
	else
		while (p < end && is_digit(*p))
			p++;
	if (p < end && *p == '.') {
		p++;
		if (p >= end || !is_digit(*p))
			goto bad;
		while (p < end && is_digit(*p))
			p++;
	}
	if (p < end && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < end && (*p == '+' || *p == '-'))
			p++;
		if (p >= end || !is_digit(*p))
			goto bad;
		while (p < end && is_digit(*p))
			p++;
	}
	/* "01", "1.e", "2x": a number glued to more number-like bytes. */
	if (p < end && (is_digit(*p) || ((*p | 0x20) >= 'a' && (*p | 0x20) <= 'z') ||
			*p == '.' || *p == '+' || *p == '-'))
		goto bad;
	return p;
bad:
	fail(sc, start, "invalid number");
	return NULL;
}

static const unsigned char *scan_literal(struct scan *sc, const unsigned char *p,
					 const char *word, size_t n)
{
	if ((size_t)(sc->end - p) < n || memcmp(p, word, n)) {
		fail_char(sc, p);
		return NULL;
	}
	p += n;
	if (p < sc->end && ((*p | 0x20) >= 'a' && (*p | 0x20) <= 'z')) {
		fail_char(sc, p);
		return NULL;
	}
	return p;
}

static int value_type(unsigned char c)
{
	switch (c) {
	case '"': return AYAK_JSON_STRING;
	case '{': return AYAK_JSON_OBJECT;
	case '[': return AYAK_JSON_ARRAY;
	case 't': return AYAK_JSON_TRUE;
	case 'f': return AYAK_JSON_FALSE;
	case 'n': return AYAK_JSON_NULL;
	default: return AYAK_JSON_NUMBER;
	}
}

/* Key of an object member at p (after whitespace), then ':' and whitespace. */
static const unsigned char *scan_key(struct scan *sc, const unsigned char *p,
				     unsigned char *raw, const unsigned char **key_end)
{
	if (p >= sc->end || *p != '"') {
		fail(sc, p, "expected string key");
		return NULL;
	}
	p = scan_string(sc, p, raw);
	if (!p)
		return NULL;
	*key_end = p - 1;
	p = skip_ws(p, sc->end);
	if (p >= sc->end || *p != ':') {
		fail(sc, p, "expected ':'");
		return NULL;
	}
	return skip_ws(p + 1, sc->end);
}

/*
 * One whole value at p (after whitespace), nested ones included.  Returns
 * the byte after it.  *raw tells whether a string value had no escapes.
 * Every record goes through it: it starts on a cache line, so that code
 * added elsewhere does not shift its loops (32 bytes of shift made
 * ayak-pack 10% slower on records of token IDs, 2026-11-24).
 */
__attribute__((aligned(64)))
static const unsigned char *scan_value(struct scan *sc, const unsigned char *p,
				       struct ayak_buf *stack, unsigned char *raw)
{
	size_t depth = 0;
	unsigned char kraw;
	const unsigned char *kend;

	*raw = 0;
	for (;;) {
		if (p >= sc->end) {
			fail(sc, p, "");
			return NULL;
		}
		switch (*p) {
		case '{':
		case '[':
			if (ayak_buf_grow(stack, 1)) {
				ayak_err_set(sc->err, AYAK_E_SYS, "out of memory");
				return NULL;
			}
			stack->data[depth++] = (char)*p;
			p = skip_ws(p + 1, sc->end);
			if (p < sc->end && *p == (stack->data[depth - 1] == '{' ? '}' : ']')) {
				depth--;
				p++;
				break;
			}
			if (stack->data[depth - 1] == '{') {
				p = scan_key(sc, p, &kraw, &kend);
				if (!p)
					return NULL;
			}
			stack->len = depth;
			continue;	/* parse the first element */
		case '"':
			p = scan_string(sc, p, raw);
			break;
		case 't':
			p = scan_literal(sc, p, "true", 4);
			break;
		case 'f':
			p = scan_literal(sc, p, "false", 5);
			break;
		case 'n':
			p = scan_literal(sc, p, "null", 4);
			break;
		default:
			if (*p == '-' || is_digit(*p))
				p = scan_number(sc, p);
			else {
				fail_char(sc, p);
				return NULL;
			}
		}
		if (!p)
			return NULL;
		/* After a value: close containers or move to the next element. */
		for (;;) {
			char top;

			if (depth == 0)
				return p;
			top = stack->data[depth - 1];
			p = skip_ws(p, sc->end);
			if (p < sc->end && *p == ',') {
				p = skip_ws(p + 1, sc->end);
				if (top == '{') {
					p = scan_key(sc, p, &kraw, &kend);
					if (!p)
						return NULL;
				}
				break;
			}
			if (p < sc->end && *p == (top == '{' ? '}' : ']')) {
				depth--;
				p++;
				continue;
			}
			fail(sc, p, top == '{' ? "expected ',' or '}'" : "expected ',' or ']'");
			return NULL;
		}
	}
}

void ayak_record_init(struct ayak_record *r)
{
	memset(r, 0, sizeof(*r));
}

void ayak_record_release(struct ayak_record *r)
{
	free(r->fields);
	ayak_buf_release(&r->stack);
	ayak_buf_release(&r->scratch);
	ayak_record_init(r);
}

static int add_field(struct ayak_record *r, struct ayak_err *err)
{
	if (r->nfields == r->alloc) {
		struct ayak_field *f = ayak_grow(r->fields, &r->alloc, r->nfields + 1, sizeof(*f), 16);

		if (!f)
			return ayak_err_set(err, AYAK_E_SYS, "out of memory");
		r->fields = f;
	}
	r->nfields++;
	return 0;
}

int ayak_record_parse(struct ayak_record *r, const char *line, size_t len,
		      unsigned flags, struct ayak_err *err)
{
	struct scan sc = { (const unsigned char *)line,
			   (const unsigned char *)line + len, flags, "line", err };
	const unsigned char *p, *key, *kend;
	struct ayak_field *f;
	unsigned char kraw, vraw;

	if (err)
		err->col = 0;
	r->line = line;
	r->len = len;
	r->nfields = 0;
	p = skip_ws(sc.s, sc.end);
	if (p >= sc.end || *p != '{') {
		ayak_err_set(err, AYAK_E_DATA, "not a JSON object");
		if (err)
			err->col = 1;
		return -1;
	}
	p = skip_ws(p + 1, sc.end);
	if (p < sc.end && *p == '}') {
		r->close = (size_t)(p - sc.s);
		p++;
		goto trailing;
	}
	for (;;) {
		key = p;
		p = scan_key(&sc, p, &kraw, &kend);
		if (!p)
			return -1;
		if (add_field(r, err))
			return -1;
		f = &r->fields[r->nfields - 1];
		f->key = (size_t)(key - sc.s) + 1;
		f->key_len = (size_t)(kend - key) - 1;
		f->key_raw = kraw;
		f->val = (size_t)(p - sc.s);
		if (p >= sc.end)
			return fail(&sc, p, "");
		f->type = (unsigned char)value_type(*p);
		p = scan_value(&sc, p, &r->stack, &vraw);
		if (!p)
			return -1;
		f = &r->fields[r->nfields - 1];
		f->val_len = (size_t)(p - sc.s) - f->val;
		f->val_raw = vraw;
		p = skip_ws(p, sc.end);
		if (p < sc.end && *p == ',') {
			p = skip_ws(p + 1, sc.end);
			continue;
		}
		if (p < sc.end && *p == '}') {
			r->close = (size_t)(p - sc.s);
			p++;
			break;
		}
		return fail(&sc, p, "expected ',' or '}'");
	}
trailing:
	p = skip_ws(p, sc.end);
	if (p < sc.end)
		return fail(&sc, p, "trailing characters");
	return 0;
}

int ayak_json_validate(const char *text, size_t len, unsigned flags,
		       struct ayak_err *err)
{
	struct scan sc = { (const unsigned char *)text,
			   (const unsigned char *)text + len, flags, "input", err };
	struct ayak_buf stack = AYAK_BUF_INIT;
	const unsigned char *p;
	unsigned char raw;
	int ret = -1;

	if (err)
		err->col = 0;
	p = skip_ws(sc.s, sc.end);
	p = scan_value(&sc, p, &stack, &raw);
	if (p) {
		p = skip_ws(p, sc.end);
		ret = p < sc.end ? fail(&sc, p, "trailing characters") : 0;
	}
	ayak_buf_release(&stack);
	return ret;
}

int ayak_json_decode_string(const char *str, size_t len, struct ayak_buf *out,
			    size_t *nrepl, struct ayak_err *err)
{
	struct scan sc = { (const unsigned char *)str,
			   (const unsigned char *)str + len, AYAK_JSON_LAX_UTF8,
			   "string", err };
	const unsigned char *p = sc.s + 1, *end = sc.end - 1, *run;
	char utf8[4];
	uint32_t cp;
	int lone, k;

	if (len < 2 || str[0] != '"' || str[len - 1] != '"')
		return ayak_err_set(err, AYAK_E_DATA, "not a JSON string");
	sc.end = end;
	if (ayak_buf_grow(out, len))
		return ayak_err_set(err, AYAK_E_SYS, "out of memory");
	while (p < end) {
		run = p;
		p = skip_plain(p, end);
		/* Copy plain bytes and valid UTF-8 in one go. */
		while (p < end && *p >= 0x80 && (k = ayak_utf8_decode(p, end, &cp)))
			p = skip_plain(p + k, end);
		if (ayak_buf_add(out, run, (size_t)(p - run)))
			return ayak_err_set(err, AYAK_E_SYS, "out of memory");
		if (p >= end)
			break;
		if (*p == '\\') {
			const unsigned char *esc = p + 1;
			char c = 0;

			p = scan_escape(&sc, esc, &cp, &lone);
			if (!p)
				return -1;
			switch (*esc) {
			case '"': c = '"'; break;
			case '\\': c = '\\'; break;
			case '/': c = '/'; break;
			case 'b': c = '\b'; break;
			case 'f': c = '\f'; break;
			case 'n': c = '\n'; break;
			case 'r': c = '\r'; break;
			case 't': c = '\t'; break;
			}
			if (c) {
				if (ayak_buf_add(out, &c, 1))
					return ayak_err_set(err, AYAK_E_SYS, "out of memory");
				continue;
			}
			if (lone) {
				cp = 0xFFFD;
				if (nrepl)
					(*nrepl)++;
			}
			k = ayak_utf8_encode(cp, utf8);
		} else if (*p >= 0x80) {
			/* Ill-formed UTF-8 (the record was parsed leniently). */
			if (replace_ill_formed(&p, end, out, nrepl))
				return ayak_err_set(err, AYAK_E_SYS, "out of memory");
			continue;
		} else {
			/* A raw control character or quote: not from a parsed string. */
			return fail(&sc, p, *p == '"' ? "unexpected quote in string"
					    : "control character in string");
		}
		if (ayak_buf_add(out, utf8, (size_t)k))
			return ayak_err_set(err, AYAK_E_SYS, "out of memory");
	}
	return 0;
}

int ayak_record_string(const struct ayak_record *r, const struct ayak_field *f,
		       struct ayak_buf *buf, const char **s, size_t *n, struct ayak_err *err)
{
	if (f->val_raw) {
		*s = r->line + f->val + 1;
		*n = f->val_len - 2;
		return 0;
	}
	ayak_buf_reset(buf);
	if (ayak_json_decode_string(r->line + f->val, f->val_len, buf, NULL, err))
		return -1;
	*s = buf->data ? buf->data : "";
	*n = buf->len;
	return 0;
}

int ayak_json_encode_string(struct ayak_buf *out, const char *s, size_t n)
{
	static const char hexd[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s, *end = p + n, *run;
	uint32_t cp;
	int k;

	if (ayak_buf_grow(out, n + 2) || ayak_buf_add(out, "\"", 1))
		return -1;
	while (p < end) {
		run = p;
		p = skip_plain(p, end);
		while (p < end && *p >= 0x80 && (k = ayak_utf8_decode(p, end, &cp)))
			p = skip_plain(p + k, end);
		if (ayak_buf_add(out, run, (size_t)(p - run)))
			return -1;
		if (p >= end)
			break;
		if (*p >= 0x80) {
			if (replace_ill_formed(&p, end, out, NULL))
				return -1;
			continue;
		}
		{
			char esc[6] = { '\\', 0, 0, 0, 0, 0 };
			size_t m = 2;

			switch (*p) {
			case '"': esc[1] = '"'; break;
			case '\\': esc[1] = '\\'; break;
			case '\b': esc[1] = 'b'; break;
			case '\f': esc[1] = 'f'; break;
			case '\n': esc[1] = 'n'; break;
			case '\r': esc[1] = 'r'; break;
			case '\t': esc[1] = 't'; break;
			default:
				esc[1] = 'u';
				esc[2] = '0';
				esc[3] = '0';
				esc[4] = hexd[*p >> 4];
				esc[5] = hexd[*p & 15];
				m = 6;
			}
			if (ayak_buf_add(out, esc, m))
				return -1;
			p++;
		}
	}
	return ayak_buf_add(out, "\"", 1);
}

const char *ayak_json_quote(struct ayak_buf *b, const char *s, size_t max)
{
	ayak_buf_reset(b);
	if (ayak_json_encode_string(b, s, strnlen(s, max)) || ayak_buf_add(b, "", 1))
		return NULL;
	return b->data;
}

/* Does field f's key equal key[0..n)?  Decodes escaped keys into scratch. */
static inline int key_equals(struct ayak_record *r, const struct ayak_field *f,
			     const char *key, size_t n)
{
	/* the first bytes first: keys of one length mostly differ there ("text", "lang") */
	if (f->key_raw)
		return f->key_len == n && (!n || r->line[f->key] == key[0]) &&
		       !memcmp(r->line + f->key, key, n);
	ayak_buf_reset(&r->scratch);
	if (ayak_json_decode_string(r->line + f->key - 1, f->key_len + 2,
				    &r->scratch, NULL, NULL))
		return 0;
	return r->scratch.len == n && !memcmp(r->scratch.data, key, n);
}

static ssize_t field_index(struct ayak_record *r, const char *key, size_t n)
{
	size_t i = r->nfields;

	while (i-- > 0)
		if (key_equals(r, &r->fields[i], key, n))
			return (ssize_t)i;
	return -1;
}

const struct ayak_field *ayak_record_get(struct ayak_record *r, const char *key,
					 size_t key_len)
{
	ssize_t i = field_index(r, key, key_len);

	return i < 0 ? NULL : &r->fields[i];
}

/* Where the object opens: the brace before the first member. */
static size_t open_brace(const struct ayak_record *r)
{
	size_t open = r->nfields ? r->fields[0].key - 1 : r->close;

	while (r->line[open] != '{')
		open--;
	return open;
}

/* An edit that removes its member: an earlier copy of a key that is set. */
static const struct ayak_edit removal;

/*
 * Append member i to out as edit e leaves it: as it is (e NULL), left out
 * (e->value NULL) or with e's value.  *pos is the end of the member before
 * (where the gap before this one starts), *kept how many are written.
 */
static int emit_member(const struct ayak_record *r, size_t i, const struct ayak_edit *e,
		       size_t *pos, size_t *kept, struct ayak_buf *out)
{
	const struct ayak_field *f = &r->fields[i];
	size_t gap_end = f->key - 1, from = *pos;

	*pos = f->val + f->val_len;
	if (e && !e->value)
		return 0;
	/* The gap holds whitespace and, for all but the first, a comma. */
	if (*kept == 0 && i > 0) {
		const char *comma = memchr(r->line + from, ',', gap_end - from);

		if (ayak_buf_add(out, r->line + from, (size_t)(comma - r->line) - from) ||
		    ayak_buf_add(out, comma + 1, gap_end - (size_t)(comma + 1 - r->line)))
			return -1;
	} else if (ayak_buf_add(out, r->line + from, gap_end - from)) {
		return -1;
	}
	++*kept;
	if (e)
		return (ayak_buf_add(out, r->line + gap_end, f->val - gap_end) ||
			ayak_buf_add(out, e->value, e->value_len)) ? -1 : 0;
	return ayak_buf_add(out, r->line + gap_end, *pos - gap_end);
}

/*
 * Append the member of edit e, after a comma if comma: its key as it is
 * when nothing in it needs escaping (the usual case: a program's own
 * names), in one step, else encoded.
 */
static int add_member(struct ayak_buf *out, const struct ayak_edit *e, int comma)
{
	const unsigned char *k = (const unsigned char *)e->key;
	char *d;

	if (skip_plain(k, k + e->key_len) != k + e->key_len)
		return ((comma && ayak_buf_add(out, ",", 1)) ||
			ayak_json_encode_string(out, e->key, e->key_len) ||
			ayak_buf_add(out, ":", 1) || ayak_buf_add(out, e->value, e->value_len)) ? -1 : 0;
	if (e->value_len > SIZE_MAX - 4 - e->key_len ||
	    ayak_buf_grow(out, e->key_len + e->value_len + 4))
		return -1;
	d = out->data + out->len;
	if (comma)
		*d++ = ',';
	*d++ = '"';
	memcpy(d, e->key, e->key_len);
	d += e->key_len;
	*d++ = '"';
	*d++ = ':';
	if (e->value_len)
		memcpy(d, e->value, e->value_len);
	out->len = (size_t)(d + e->value_len - out->data);
	return 0;
}

int ayak_record_emit(struct ayak_record *r, const struct ayak_edit *edits,
		     size_t nedits, struct ayak_buf *out)
{
	ssize_t target_small[16], *target = target_small;
	size_t i, j, kept = 0, pos, open;
	int ret = -1;

	if (nedits > 16 && !(target = malloc(nedits * sizeof(*target))))
		return -1;
	for (j = 0; j < nedits; j++)
		target[j] = field_index(r, edits[j].key, edits[j].key_len);

	/* Everything up to and including the opening brace. */
	open = open_brace(r);
	for (j = 0; j < nedits && target[j] < 0; j++)
		;
	if (j == nedits && r->nfields) {
		/* no edit is of a member the line has (the usual case): its members as they are */
		const struct ayak_field *last = &r->fields[r->nfields - 1];

		pos = last->val + last->val_len;
		if (ayak_buf_add(out, r->line, pos))
			goto out;
		kept = r->nfields;
		i = r->nfields;		/* the loop below has nothing to do */
	} else {
		if (ayak_buf_add(out, r->line, open + 1))
			goto out;
		pos = open + 1;		/* start of the gap before the next member */
		i = 0;
	}
	for (; i < r->nfields; i++) {
		const struct ayak_edit *e = NULL;

		for (j = 0; j < nedits; j++)
			if (target[j] == (ssize_t)i)
				e = &edits[j];
			else if (target[j] > (ssize_t)i &&
				 key_equals(r, &r->fields[i], edits[j].key, edits[j].key_len))
				e = &removal;	/* an edited key is left once, at its last copy */
		if (emit_member(r, i, e, &pos, &kept, out))
			goto out;
	}
	for (j = 0; j < nedits; j++) {
		if (target[j] >= 0 || !edits[j].value)
			continue;
		if (add_member(out, &edits[j], kept++ > 0))
			goto out;
	}
	/* Whitespace after the last member, the closing brace and beyond. */
	if (!r->nfields)
		pos = open + 1;
	ret = ayak_buf_add(out, r->line + pos, r->len - pos);
out:
	if (target != target_small)
		free(target);
	return ret;
}

int ayak_record_splice(struct ayak_record *r, const char *key, size_t key_len,
		       struct ayak_buf *mid, size_t *head, size_t *tail)
{
	ssize_t t = field_index(r, key, key_len);
	size_t at, i, first, kept;

	if (t >= 0) {
		const struct ayak_edit here = { key, key_len, "", 0 };

		for (first = 0; first < (size_t)t &&
		     !key_equals(r, &r->fields[first], key, key_len); first++)
			;
		if (first == (size_t)t) {
			*head = r->fields[t].val;
			*tail = *head + r->fields[t].val_len;
			return 0;
		}
		/* earlier copies go: the members from the first copy to the key are made in mid */
		*head = *tail = first ? r->fields[first - 1].val + r->fields[first - 1].val_len
				      : open_brace(r) + 1;
		kept = first;
		for (i = first; i <= (size_t)t; i++)
			if (emit_member(r, i, i == (size_t)t ? &here :
					key_equals(r, &r->fields[i], key, key_len) ? &removal : NULL,
					tail, &kept, mid))
				return -1;
		return 0;
	}
	/* A new key goes after the last member, or right after the opening brace. */
	if (r->nfields) {
		at = r->fields[r->nfields - 1].val + r->fields[r->nfields - 1].val_len;
		if (ayak_buf_add(mid, ",", 1))
			return -1;
	} else {
		at = open_brace(r) + 1;
	}
	*head = *tail = at;
	if (ayak_json_encode_string(mid, key, key_len) || ayak_buf_add(mid, ":", 1))
		return -1;
	return 0;
}
