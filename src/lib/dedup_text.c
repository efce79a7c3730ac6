/*
 * Text keys for deduplication: canonical forms, words, URL and line keys,
 * dates, and MinHash signatures with LSH band keys.
 *
 * MinHash: each shingle is hashed once to 64 bits with XXH3; the bands*rows
 * permutations are then h -> (h ^ x_i) * m_i mod 2^64 (m_i odd), and the
 * signature keeps the top 32 bits of each minimum.  On XXH3 output this
 * estimates Jaccard similarity as well as (a*h+b) mod 2^61-1 does (bias and
 * spread within the binomial's, see tests/bench/dedup-perm.c) at a
 * fraction of the cost, and vectorises: AVX-512 and AVX2 code paths are
 * chosen at run time and give the same bits as the portable loop.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/uchar.h>
#include <xxhash.h>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define DEDUP_X86 1
#endif

#include "dedup.h"
#include "json.h"

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define LITTLE_ENDIAN_HOST 1
#else
#define LITTLE_ENDIAN_HOST 0
#endif

/* ---- characters ---- */

/* ASCII: the folded byte of a word character, 0 for a separator. */
static unsigned char ascii_word[128];
/* ASCII for canonical forms: white space, and lower case. */
static unsigned char ascii_sp[128], ascii_lower[128];
static int ascii_ready;

static inline int ascii_space(unsigned char c)
{
	return c == ' ' || (c >= 0x09 && c <= 0x0D);
}

static void ascii_init(void)
{
	int c;

	if (ascii_ready)
		return;
	for (c = 0; c < 128; c++) {
		if (c >= 'A' && c <= 'Z')
			ascii_word[c] = (unsigned char)(c - 'A' + 'a');
		else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
			ascii_word[c] = (unsigned char)c;
		ascii_sp[c] = (unsigned char)ascii_space((unsigned char)c);
		ascii_lower[c] = (unsigned char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
	}
	ascii_ready = 1;
}


static int uni_space(uint32_t c)
{
	return c == 0x85 || c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) ||
	       c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
}

/* Scripts written without spaces between words. */
static int nospace_script(uint32_t c)
{
	return (c >= 0x0E00 && c <= 0x0EFF) ||		/* Thai, Lao */
	       (c >= 0x1000 && c <= 0x109F) ||		/* Myanmar */
	       (c >= 0x1780 && c <= 0x17FF) ||		/* Khmer */
	       (c >= 0x3040 && c <= 0x30FF) ||		/* kana */
	       (c >= 0x3400 && c <= 0x4DBF) ||		/* Han */
	       (c >= 0x4E00 && c <= 0x9FFF) ||
	       (c >= 0xF900 && c <= 0xFAFF) ||
	       (c >= 0x20000 && c <= 0x3FFFF);
}

static inline int uni_word(uint32_t c)
{
	return (U_GET_GC_MASK(c) & (U_GC_L_MASK | U_GC_N_MASK | U_GC_M_MASK)) != 0;
}

/* Decode one scalar value; invalid bytes (not in parsed records) count as U+FFFD. */
static inline int decode(const unsigned char *p, const unsigned char *end, uint32_t *cp)
{
	int k = ayak_utf8_decode(p, end, cp);

	if (!k) {
		*cp = 0xFFFD;
		k = 1;
	}
	return k;
}

static inline int add_cp(struct ayak_buf *b, uint32_t cp)
{
	char u[4];

	return ayak_buf_add(b, u, (size_t)ayak_utf8_encode(cp, u));
}

uint64_t dedup_chars(const char *s, size_t n)
{
	uint64_t k = 0;
	size_t i;

	for (i = 0; i < n; i++)
		k += ((unsigned char)s[i] & 0xC0) != 0x80;
	return k;
}

/* ---- canonical forms ---- */

struct joiner {
	struct ayak_buf *out;
};

static int join_word(void *ctx, const char *w, size_t len)
{
	struct ayak_buf *out = ((struct joiner *)ctx)->out;

	if (out->len && ayak_buf_add(out, " ", 1))
		return -1;
	return ayak_buf_add(out, w, len);
}

static int hex4(const unsigned char *p, const unsigned char *end, uint32_t *v)
{
	int i, h;

	if (end - p < 4)
		return -1;
	*v = 0;
	for (i = 0; i < 4; i++) {
		if ((h = ayak_hex_digit(p[i])) < 0)
			return -1;
		*v = *v << 4 | (uint32_t)h;
	}
	return 0;
}

/* A JSON escape at p (after the backslash): its scalar value and length. */
static int json_escape(const unsigned char *p, const unsigned char *end, uint32_t *cp)
{
	uint32_t lo;

	if (p >= end)
		return 0;
	switch (*p) {
	case '"': *cp = '"'; return 1;
	case '\\': *cp = '\\'; return 1;
	case '/': *cp = '/'; return 1;
	case 'b': *cp = '\b'; return 1;
	case 'f': *cp = '\f'; return 1;
	case 'n': *cp = '\n'; return 1;
	case 'r': *cp = '\r'; return 1;
	case 't': *cp = '\t'; return 1;
	case 'u':
		if (hex4(p + 1, end, cp))
			return 0;
		if (*cp >= 0xD800 && *cp < 0xDC00 && end - p >= 11 && p[5] == '\\' && p[6] == 'u' &&
		    !hex4(p + 7, end, &lo) && lo >= 0xDC00 && lo < 0xE000) {
			*cp = 0x10000 + ((*cp - 0xD800) << 10) + (lo - 0xDC00);
			return 11;
		}
		if (*cp >= 0xD800 && *cp < 0xE000)
			*cp = 0xFFFD;
		return 5;
	}
	return 0;
}

/*
 * SPACE and CASE forms of s[0..n), which is plain UTF-8 or, with json, the
 * inside of a JSON string (escapes decoded on the way).
 */
static int canon_space(const char *s, size_t n, int fold, int json, struct ayak_buf *out)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	const uint64_t ones = UINT64_C(0x0101010101010101), high = UINT64_C(0x8080808080808080);
	const uint64_t low7 = UINT64_C(0x7f7f7f7f7f7f7f7f);
	int pending = 0;
	char *o, *lim;
	uint32_t cp;

	ascii_init();
	ayak_buf_reset(out);
	/* The output never outgrows the input, but for case folding. */
	if (ayak_buf_grow(out, n + 32))
		return -1;
	o = out->data;
	lim = out->data + out->cap - 16;
	while (p < end) {
		unsigned char c;

		/*
		 * Up to eight bytes of printable ASCII at a time.  Single
		 * spaces between words are already canonical and go through;
		 * other white space, a space after white space, backslashes
		 * (JSON) and non-ASCII bytes stop the run.
		 */
		if (LITTLE_ENDIAN_HOST && end - p >= 8 &&
		    !(*p == ' ' && (pending || o == out->data || o[-1] == ' '))) {
			uint64_t x, y, z, stop, up;
			unsigned k;

			memcpy(&x, p, 8);
			/* bytes below 0x20 or from 0x80: the first flag is exact */
			stop = x | ((x - 0x20 * ones) & ~x);
			/* spaces, exactly: two in a row stop at the first */
			y = x ^ (0x20 * ones);
			z = ~(((y & low7) + low7) | y | low7);
			stop |= z & (z >> 8);
			if (json) {
				y = x ^ (0x5c * ones);
				stop |= (y - ones) & ~y;
			}
			stop &= high;
			k = stop ? (unsigned)__builtin_ctzll(stop) >> 3 : 8;
			if (k) {
				if (pending) {
					if (o > out->data && o[-1] != ' ')
						*o++ = ' ';
					pending = 0;
				}
				if (fold) {
					up = (x + 0x3f * ones) & ~(x + 0x25 * ones) & high;
					x |= up >> 2;
				}
				memcpy(o, &x, 8);	/* room: o stays 16 bytes from the end */
				o += k;
				p += k;
				if (o > lim)
					goto grow;
				continue;
			}
		}
		c = *p;
		if (c < 0x80 && !(json && c == '\\')) {
			p++;
			if (ascii_sp[c]) {
				pending = 1;
				continue;
			}
			cp = c;
		} else if (c < 0x80) {
			int k = json_escape(p + 1, end, &cp);

			if (k)
				p += 1 + k;
			else
				cp = *p++;	/* not an escape: a backslash */
			if (cp < 0x80 && ascii_sp[cp]) {
				pending = 1;
				continue;
			}
		} else if (!fold && c != 0xC2 && c != 0xE1 && c != 0xE2 && c != 0xE3) {
			/* Not the start of a space character: copy as it is. */
			if (pending) {
				if (o > out->data && o[-1] != ' ')
					*o++ = ' ';
				pending = 0;
			}
			do
				*o++ = (char)*p++;
			while (p < end && (*p & 0xC0) == 0x80 && o < lim);
			if (o > lim)
				goto grow;
			continue;
		} else {
			p += decode(p, end, &cp);
		}
		if (cp >= 0x80 && uni_space(cp)) {
			pending = 1;
			continue;
		}
		if (pending) {
			if (o > out->data && o[-1] != ' ')
				*o++ = ' ';
			pending = 0;
		}
		if (fold)
			cp = cp < 0x80 ? ascii_lower[cp]
			     : (uint32_t)u_foldCase((UChar32)cp, U_FOLD_CASE_DEFAULT);
		o += ayak_utf8_encode(cp, o);
		if (o <= lim)
			continue;
grow:
		{
			size_t used = (size_t)(o - out->data);

			out->len = used;
			if (ayak_buf_grow(out, (size_t)(end - p) + 32))
				return -1;
			o = out->data + used;
			lim = out->data + out->cap - 16;
		}
	}
	/* A space copied at the end of a run is not followed by a word. */
	if (o > out->data && o[-1] == ' ')
		o--;
	out->len = (size_t)(o - out->data);
	return 0;
}

int dedup_canon(const char *s, size_t n, int canon, struct ayak_buf *out)
{
	ayak_buf_reset(out);
	if (canon == DEDUP_CANON_NONE)
		return ayak_buf_add(out, s, n);
	if (canon == DEDUP_CANON_PUNCT) {
		struct ayak_buf scratch = AYAK_BUF_INIT;
		struct joiner j = { out };
		int ret = dedup_words(s, n, join_word, &j, &scratch);

		ayak_buf_release(&scratch);
		return ret ? -1 : 0;
	}
	return canon_space(s, n, canon == DEDUP_CANON_CASE, 0, out);
}

/* Bytes of text put in canonical form at a time by dedup_canon_hash(). */
#define CANON_PART 65536

static int ascii_alnum(unsigned char c)
{
	return (unsigned char)((c | 0x20) - 'a') < 26 || (unsigned char)(c - '0') < 10;
}

/*
 * Where a part of s[0..n) that starts at off may end: between two ASCII
 * letters or digits, where the form of the parts, one after the other, is
 * the form of the whole (no white space pending, no space to trim).
 */
static size_t canon_cut(const char *s, size_t off, size_t n)
{
	size_t i;

	for (i = off + CANON_PART; i < n; i++)
		if (ascii_alnum((unsigned char)s[i - 1]) && ascii_alnum((unsigned char)s[i]))
			return i;
	return n;
}

int dedup_canon_hash(const char *s, size_t n, int canon, struct ayak_buf *out, uint64_t h[2])
{
	XXH3_state_t *st;
	XXH128_hash_t x;
	size_t off, end;

	if (n <= CANON_PART || canon == DEDUP_CANON_PUNCT) {
		if (dedup_canon(s, n, canon, out))
			return -1;
		x = XXH3_128bits(out->data, out->len);
	} else {
		/* XXH3's streaming hash is its one-shot hash of the bytes joined. */
		if (!(st = XXH3_createState()))
			return -1;
		XXH3_128bits_reset(st);
		for (off = 0; off < n; off = end) {
			end = canon_cut(s, off, n);
			if (dedup_canon(s + off, end - off, canon, out)) {
				XXH3_freeState(st);
				return -1;
			}
			XXH3_128bits_update(st, out->data, out->len);
		}
		x = XXH3_128bits_digest(st);
		XXH3_freeState(st);
	}
	h[0] = x.high64;
	h[1] = x.low64;
	return 0;
}

int dedup_canon_json(const char *s, size_t n, int canon, struct ayak_buf *out,
		     struct ayak_buf *scratch)
{
	struct ayak_err err;

	if (n < 2 || s[0] != '"' || s[n - 1] != '"')
		return -1;
	if (canon == DEDUP_CANON_SPACE || canon == DEDUP_CANON_CASE)
		return canon_space(s + 1, n - 2, canon == DEDUP_CANON_CASE, 1, out);
	ayak_buf_reset(scratch);
	if (ayak_json_decode_string(s, n, scratch, NULL, &err))
		return -1;
	return dedup_canon(scratch->data, scratch->len, canon, out);
}

/* ---- words ---- */

int dedup_words(const char *s, size_t n,
		int (*fn)(void *ctx, const char *w, size_t len), void *ctx,
		struct ayak_buf *w)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	uint32_t cp;
	int ret;

	ascii_init();
	ayak_buf_reset(w);
	if (ayak_buf_grow(w, 64))
		return -1;
	while (p < end) {
		if (*p < 0x80) {
			unsigned char f = ascii_word[*p++];

			if (f) {
				if (w->len == w->cap && ayak_buf_grow(w, 1))
					return -1;
				w->data[w->len++] = (char)f;
				continue;
			}
			if (w->len) {
				if ((ret = fn(ctx, w->data, w->len)))
					return ret;
				w->len = 0;
			}
			continue;
		}
		p += decode(p, end, &cp);
		if (nospace_script(cp)) {
			char u[4];

			if (w->len) {
				if ((ret = fn(ctx, w->data, w->len)))
					return ret;
				w->len = 0;
			}
			if ((ret = fn(ctx, u, (size_t)ayak_utf8_encode(cp, u))))
				return ret;
		} else if (uni_word(cp)) {
			if (add_cp(w, (uint32_t)u_foldCase((UChar32)cp, U_FOLD_CASE_DEFAULT)))
				return -1;
		} else if (w->len) {
			if ((ret = fn(ctx, w->data, w->len)))
				return ret;
			w->len = 0;
		}
	}
	if (w->len) {
		ret = fn(ctx, w->data, w->len);
		w->len = 0;
		return ret;
	}
	return 0;
}

/* ---- URL ---- */

static int lower_add(struct ayak_buf *b, const char *s, size_t n)
{
	size_t i;

	if (ayak_buf_grow(b, n))
		return -1;
	for (i = 0; i < n; i++) {
		char c = s[i];

		b->data[b->len++] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
	}
	return 0;
}

static int ieq(const char *a, size_t n, const char *lit)
{
	size_t i;

	if (strlen(lit) != n)
		return 0;
	for (i = 0; i < n; i++) {
		char c = a[i];

		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c != lit[i])
			return 0;
	}
	return 1;
}

int dedup_url_key(const char *s, size_t n, struct ayak_buf *out)
{
	const char *end, *p, *auth, *auth_end, *host, *host_end, *port = NULL, *q;
	size_t hl;

	while (n && ascii_space((unsigned char)*s))
		s++, n--;
	while (n && ascii_space((unsigned char)s[n - 1]))
		n--;
	end = s + n;
	ayak_buf_reset(out);
	for (p = s; p + 3 <= end && memcmp(p, "://", 3); p++)
		;
	if (p + 3 > end)
		p = NULL;
	if (!p || !(ieq(s, (size_t)(p - s), "http") || ieq(s, (size_t)(p - s), "https")))
		return ayak_buf_add(out, s, n) ? -1 : 1;
	auth = p + 3;
	for (auth_end = auth; auth_end < end && *auth_end != '/' && *auth_end != '?' &&
	     *auth_end != '#'; auth_end++)
		;
	host = auth;
	for (q = auth; q < auth_end; q++)
		if (*q == '@')
			host = q + 1;
	host_end = auth_end;
	if (host < host_end && *host != '[') {
		for (q = host; q < host_end; q++)
			if (*q == ':') {
				port = q;
				host_end = q;
				break;
			}
	} else {
		for (q = host; q < auth_end; q++)
			if (*q == ']') {
				if (q + 1 < auth_end && q[1] == ':') {
					port = q + 1;
					host_end = q + 1;
				}
				break;
			}
	}
	hl = (size_t)(host_end - host);
	while (hl >= 4 && ieq(host, 4, "www."))
		host += 4, hl -= 4;
	while (hl && host[hl - 1] == '.')
		hl--;
	if (lower_add(out, host, hl))
		return -1;
	if (port) {
		size_t pl = (size_t)(auth_end - port);

		if (!(pl == 1 || (pl == 3 && !memcmp(port, ":80", 3)) ||
		      (pl == 4 && !memcmp(port, ":443", 4))) && ayak_buf_add(out, port, pl))
			return -1;
	}
	/* Path, then query; the fragment goes. */
	p = auth_end;
	for (q = p; q < end && *q != '?' && *q != '#'; q++)
		;
	{
		const char *pe = q;

		/* Trailing slashes go, and white space (not valid in a URL) with them. */
		while (pe > p && (pe[-1] == '/' || ascii_space((unsigned char)pe[-1])))
			pe--;
		if (pe == p ? ayak_buf_add(out, "/", 1) : ayak_buf_add(out, p, (size_t)(pe - p)))
			return -1;
	}
	if (q < end && *q == '?') {
		p = q;
		for (q = p + 1; q < end && *q != '#'; q++)
			;
		if (q > p + 1 && ayak_buf_add(out, p, (size_t)(q - p)))
			return -1;
	}
	return 0;
}

/* ---- lines ---- */

int dedup_line_norm(const char *s, size_t n, struct ayak_buf *out)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	int pending = 0;
	char *o, *lim;
	uint32_t cp;

	ascii_init();
	ayak_buf_reset(out);
	if (ayak_buf_grow(out, n + 32))
		return -1;
	o = out->data;
	lim = out->data + out->cap - 16;
	while (p < end) {
		unsigned char c = *p;

		if (c < 0x80) {
			unsigned char f = ascii_word[c];

			p++;
			if (!f) {
				if (ascii_sp[c])
					pending = 1;
				continue;	/* punctuation, symbols: dropped */
			}
			if (pending) {
				if (o > out->data)
					*o++ = ' ';
				pending = 0;
			}
			*o++ = (char)(f <= '9' ? '0' : f);
			continue;
		}
		p += decode(p, end, &cp);
		if (uni_space(cp)) {
			pending = 1;
			continue;
		}
		if (!uni_word(cp))
			continue;
		if (pending) {
			if (o > out->data)
				*o++ = ' ';
			pending = 0;
		}
		if (u_charType((UChar32)cp) == U_DECIMAL_DIGIT_NUMBER)
			cp = '0';
		else
			cp = (uint32_t)u_foldCase((UChar32)cp, U_FOLD_CASE_DEFAULT);
		o += ayak_utf8_encode(cp, o);
		if (o > lim) {
			size_t used = (size_t)(o - out->data);

			out->len = used;
			if (ayak_buf_grow(out, (size_t)(end - p) + 32))
				return -1;
			o = out->data + used;
			lim = out->data + out->cap - 16;
		}
	}
	out->len = (size_t)(o - out->data);
	return 0;
}

/* ---- dates and ranks ---- */

static int digits(const char *s, const char *end, int n, int *out)
{
	int v = 0, i;

	if (end - s < n)
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

int dedup_parse_date(const char *s, size_t n, double *out)
{
	const char *end = s + n;
	int y, mo, d, h = 0, mi = 0, sec = 0, oh, om;
	double frac = 0, scale = 0.1, t;
	static const int mdays[12] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (digits(s, end, 4, &y) || end - s < 10 || s[4] != '-' || s[7] != '-' ||
	    digits(s + 5, end, 2, &mo) || digits(s + 8, end, 2, &d))
		return -1;
	if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1])
		return -1;
	if (mo == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
		return -1;
	s += 10;
	if (s < end && (*s == 'T' || *s == 't' || *s == ' ')) {
		if (digits(s + 1, end, 2, &h) || end - s < 6 || s[3] != ':' ||
		    digits(s + 4, end, 2, &mi))
			return -1;
		s += 6;
		if (s < end && *s == ':') {
			if (digits(s + 1, end, 2, &sec))
				return -1;
			s += 3;
			if (s < end && (*s == '.' || *s == ',')) {
				s++;
				if (s >= end || *s < '0' || *s > '9')
					return -1;
				while (s < end && *s >= '0' && *s <= '9') {
					frac += (*s++ - '0') * scale;
					scale /= 10;
				}
			}
		}
		if (h > 24 || mi > 59 || sec > 60 || (h == 24 && (mi || sec || frac > 0)))
			return -1;
	}
	t = (double)days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400.0 +
	    h * 3600.0 + mi * 60.0 + sec + frac;
	if (s < end && (*s == 'Z' || *s == 'z')) {
		s++;
	} else if (s < end && (*s == '+' || *s == '-')) {
		int sign = *s == '-' ? -1 : 1;

		if (digits(s + 1, end, 2, &oh))
			return -1;
		s += 3;
		if (s < end && *s == ':')
			s++;
		if (digits(s, end, 2, &om))
			return -1;
		s += 2;
		if (oh > 23 || om > 59)
			return -1;
		t -= sign * (oh * 3600.0 + om * 60.0);
	}
	if (s != end)
		return -1;
	*out = t;
	return 0;
}

uint64_t dedup_rank_of_double(double x)
{
	uint64_t b;

	if (x == 0)
		x = 0;	/* -0 is 0: a tie, which goes to the first record */
	memcpy(&b, &x, sizeof(b));
	return (b >> 63) ? ~b : b | (UINT64_C(1) << 63);
}

/* ---- MinHash ---- */

static uint64_t splitmix(uint64_t *s)
{
	uint64_t z = (*s += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

int dedup_minhash_init(struct dedup_minhash *m, int unit, unsigned ngram,
		       unsigned bands, unsigned rows, uint64_t seed)
{
	size_t k = (size_t)bands * rows, i;
	uint64_t st = seed ^ UINT64_C(0x61796b6164656475);	/* "ayakdedu" */

	memset(m, 0, sizeof(*m));
	if (!ngram || !bands || !rows || k > DEDUP_MAX_HASHES)
		return -1;
	m->unit = unit;
	m->ngram = ngram;
	m->flush_at = SIZE_MAX;
	m->bands = bands;
	m->rows = rows;
	m->seed = seed;
	m->xr = malloc(k * sizeof(*m->xr));
	m->mul = malloc(k * sizeof(*m->mul));
	m->mins = malloc(k * sizeof(*m->mins));
	m->sig = malloc(k * sizeof(*m->sig));
	if (!m->xr || !m->mul || !m->mins || !m->sig) {
		dedup_minhash_release(m);
		return -1;
	}
	for (i = 0; i < k; i++) {
		m->xr[i] = splitmix(&st);
		m->mul[i] = splitmix(&st) | 1;
	}
#ifdef DEDUP_X86
	__builtin_cpu_init();
	if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq"))
		m->simd = 2;
	else if (__builtin_cpu_supports("avx2"))
		m->simd = 1;
#endif
	return 0;
}

void dedup_minhash_release(struct dedup_minhash *m)
{
	free(m->xr);
	free(m->mul);
	free(m->mins);
	free(m->sig);
	free(m->tok);
	free(m->set_tmp);
	ayak_buf_release(&m->scratch);
	memset(m, 0, sizeof(*m));
}

void dedup_minhash_trim(struct dedup_minhash *m)
{
	free(m->tok);
	free(m->set_tmp);
	m->tok = m->sh = NULL;
	m->set_tmp = NULL;
	m->ntok = m->tokcap = m->nsh = m->set_tmpcap = 0;
	ayak_buf_release(&m->scratch);
}

int dedup_minhash_set_impl(struct dedup_minhash *m, const char *name)
{
	int want = !strcmp(name, "avx512") ? 2 : !strcmp(name, "avx2") ? 1 :
		   !strcmp(name, "portable") ? 0 : -1;

	if (want < 0)
		return -1;
#ifdef DEDUP_X86
	if ((want == 2 && !(__builtin_cpu_supports("avx512f") &&
			    __builtin_cpu_supports("avx512dq"))) ||
	    (want == 1 && !__builtin_cpu_supports("avx2")))
		return -1;
#else
	if (want)
		return -1;
#endif
	m->simd = want;
	return 0;
}

void dedup_minhash_force_portable(struct dedup_minhash *m)
{
	m->simd = 0;
}

const char *dedup_minhash_impl(const struct dedup_minhash *m)
{
	return m->simd == 2 ? "avx512" : m->simd == 1 ? "avx2" : "portable";
}

/* Shingles that dedup_shingle_sign() makes and folds into the minima at a time. */
#define SHINGLE_BLOCK 4096

static void mins_add(struct dedup_minhash *m, const uint64_t *h, size_t n);

/*
 * Shingles 0 to count - 1 of k tokens each, made in place in tok, so that a
 * long record needs one array, not two: shingle i reads tokens i to i+k-1
 * only, and token i is not read again.
 */
static void shingles_in_place(struct dedup_minhash *m, size_t count, size_t k)
{
	size_t i;

	for (i = 0; i < count; i++)
		m->tok[i] = XXH3_64bits_withSeed(m->tok + i, k * sizeof(uint64_t), m->seed);
}

/* The same, into the minima. */
static void shingle_block(struct dedup_minhash *m, size_t count, size_t k)
{
	shingles_in_place(m, count, k);
	mins_add(m, m->tok, count);
	m->nsh += count;
}

/* A block of whole shingles into the minima: the last ngram - 1 tokens start the next. */
static void flush_block(struct dedup_minhash *m)
{
	shingle_block(m, SHINGLE_BLOCK, m->ngram);
	memmove(m->tok, m->tok + SHINGLE_BLOCK, (m->ngram - 1) * sizeof(*m->tok));
	m->ntok = m->ngram - 1;
}

static inline int add_token(struct dedup_minhash *m, uint64_t v)
{
	size_t n = m->ntok;

	if (n == m->tokcap) {
		uint64_t *p = ayak_grow(m->tok, &m->tokcap, n + 1, sizeof(*p), 256);

		if (!p)
			return -1;
		m->tok = p;
	}
	m->tok[n++] = v;
	m->ntok = n;
	if (n == m->flush_at)
		flush_block(m);
	return 0;
}

static int add_word(void *ctx, const char *w, size_t len)
{
	return add_token(ctx, XXH3_64bits(w, len));
}

/* The tokens of s[0..n) into m->tok. */
static int tokens(struct dedup_minhash *m, const char *s, size_t n)
{
	struct ayak_buf canon = AYAK_BUF_INIT;
	const unsigned char *p, *end;
	uint32_t cp;
	int ret = 0;

	if (m->unit == DEDUP_UNIT_WORD)
		return dedup_words(s, n, add_word, m, &m->scratch) ? -1 : 0;
	/* Code points of the words, one space between words. */
	if (dedup_canon(s, n, DEDUP_CANON_PUNCT, &canon)) {
		ayak_buf_release(&canon);
		return -1;
	}
	p = (const unsigned char *)canon.data;
	end = p + canon.len;
	while (p < end && !ret) {
		p += decode(p, end, &cp);
		ret = add_token(m, cp);
	}
	ayak_buf_release(&canon);
	return ret;
}

ssize_t dedup_shingle(struct dedup_minhash *m, const char *s, size_t n)
{
	size_t k;

	m->ntok = m->nsh = 0;
	if (tokens(m, s, n))
		return -1;
	if (!m->ntok)
		return 0;
	k = m->ntok < m->ngram ? m->ntok : m->ngram;
	m->nsh = m->ntok - k + 1;
	shingles_in_place(m, m->nsh, k);
	m->sh = m->tok;
	return (ssize_t)m->nsh;
}

static void mins_portable(const uint64_t *h, size_t n, const uint64_t *xr,
			  const uint64_t *mul, uint64_t *mins, size_t from, size_t k)
{
	size_t i, j;

	for (i = from; i < k; i++) {
		uint64_t acc = mins[i], x = xr[i], m = mul[i];

		for (j = 0; j < n; j++) {
			uint64_t v = (h[j] ^ x) * m;

			acc = v < acc ? v : acc;
		}
		mins[i] = acc;
	}
}

#ifdef DEDUP_X86
__attribute__((target("avx512f,avx512dq")))
static size_t mins_avx512(const uint64_t *h, size_t n, const uint64_t *xr,
			  const uint64_t *mul, uint64_t *mins, size_t k)
{
	size_t i, j;

	for (i = 0; i + 8 <= k; i += 8) {
		__m512i acc = _mm512_loadu_si512((const void *)(mins + i));
		__m512i x = _mm512_loadu_si512((const void *)(xr + i));
		__m512i m = _mm512_loadu_si512((const void *)(mul + i));

		for (j = 0; j < n; j++) {
			__m512i v = _mm512_set1_epi64((long long)h[j]);

			v = _mm512_mullo_epi64(_mm512_xor_si512(v, x), m);
			acc = _mm512_min_epu64(acc, v);
		}
		_mm512_storeu_si512((void *)(mins + i), acc);
	}
	return i;
}

__attribute__((target("avx2")))
static size_t mins_avx2(const uint64_t *h, size_t n, const uint64_t *xr,
			const uint64_t *mul, uint64_t *mins, size_t k)
{
	const __m256i sign = _mm256_set1_epi64x((long long)(UINT64_C(1) << 63));
	size_t i, j;

	for (i = 0; i + 4 <= k; i += 4) {
		/* Unsigned minimum through signed compares of sign-flipped values. */
		__m256i acc = _mm256_xor_si256(_mm256_loadu_si256((const void *)(mins + i)), sign);
		__m256i x = _mm256_loadu_si256((const void *)(xr + i));
		__m256i m = _mm256_loadu_si256((const void *)(mul + i));
		__m256i mhi = _mm256_srli_epi64(m, 32);

		for (j = 0; j < n; j++) {
			__m256i y = _mm256_xor_si256(_mm256_set1_epi64x((long long)h[j]), x);
			__m256i lo = _mm256_mul_epu32(y, m);
			__m256i c = _mm256_add_epi64(_mm256_mul_epu32(_mm256_srli_epi64(y, 32), m),
						     _mm256_mul_epu32(y, mhi));
			__m256i v = _mm256_add_epi64(lo, _mm256_slli_epi64(c, 32));

			v = _mm256_xor_si256(v, sign);
			acc = _mm256_blendv_epi8(acc, v, _mm256_cmpgt_epi64(acc, v));
		}
		_mm256_storeu_si256((void *)(mins + i), _mm256_xor_si256(acc, sign));
	}
	return i;
}
#endif

static void mins_init(struct dedup_minhash *m)
{
	size_t k = (size_t)m->bands * m->rows, i;

	for (i = 0; i < k; i++)
		m->mins[i] = UINT64_MAX;
}

/* The shingles h[0..n) into the running minima. */
static void mins_add(struct dedup_minhash *m, const uint64_t *h, size_t n)
{
	size_t k = (size_t)m->bands * m->rows, done = 0;

#ifdef DEDUP_X86
	if (m->simd == 2)
		done = mins_avx512(h, n, m->xr, m->mul, m->mins, k);
	else if (m->simd == 1)
		done = mins_avx2(h, n, m->xr, m->mul, m->mins, k);
#endif
	mins_portable(h, n, m->xr, m->mul, m->mins, done, k);
}

/* The signature from the minima, and its band keys. */
static void sign_finish(struct dedup_minhash *m, uint64_t *band_keys)
{
	size_t k = (size_t)m->bands * m->rows, i;
	unsigned b;

	for (i = 0; i < k; i++)
		m->sig[i] = (uint32_t)(m->mins[i] >> 32);
	if (!band_keys)
		return;
	for (b = 0; b < m->bands; b++) {
		uint32_t le[DEDUP_MAX_HASHES];
		unsigned r;

		/* Little-endian bytes, so keys are the same on every machine. */
		for (r = 0; r < m->rows; r++) {
			uint32_t v = m->sig[b * m->rows + r];
			unsigned char *q = (unsigned char *)&le[r];

			q[0] = (unsigned char)v;
			q[1] = (unsigned char)(v >> 8);
			q[2] = (unsigned char)(v >> 16);
			q[3] = (unsigned char)(v >> 24);
		}
		band_keys[b] = XXH3_64bits_withSeed(le, m->rows * sizeof(uint32_t),
						    m->seed * 1031 + b);
	}
}

void dedup_minhash_sign(struct dedup_minhash *m, uint64_t *band_keys)
{
	mins_init(m);
	mins_add(m, m->sh, m->nsh);
	sign_finish(m, band_keys);
}

ssize_t dedup_shingle_sign(struct dedup_minhash *m, const char *s, size_t n, uint64_t *band_keys)
{
	size_t k;
	int ret;

	m->ntok = m->nsh = 0;
	mins_init(m);
	m->flush_at = SHINGLE_BLOCK + m->ngram - 1;
	ret = tokens(m, s, n);
	m->flush_at = SIZE_MAX;
	if (ret)
		return -1;
	if (!m->nsh && !m->ntok)
		return 0;
	/* Fewer tokens than ngram in all: one shingle of them all. */
	k = m->nsh || m->ntok >= m->ngram ? m->ngram : m->ntok;
	shingle_block(m, m->ntok - k + 1, k);
	m->sh = NULL;
	m->ntok = 0;
	sign_finish(m, band_keys);
	return (ssize_t)m->nsh;
}

/* LSD radix sort of 32-bit values, 11 bits a pass, through tmp. */
static void sort_u32(uint32_t *a, uint32_t *tmp, size_t n)
{
	size_t count[2048], i, pass;
	uint32_t *src = a, *dst = tmp, *t;

	if (n < 48) {
		for (i = 1; i < n; i++) {
			uint32_t v = a[i];
			size_t j = i;

			for (; j > 0 && a[j - 1] > v; j--)
				a[j] = a[j - 1];
			a[j] = v;
		}
		return;
	}
	for (pass = 0; pass < 3; pass++) {
		unsigned shift = (unsigned)pass * 11;
		size_t sum = 0;

		memset(count, 0, sizeof(count));
		for (i = 0; i < n; i++)
			count[(src[i] >> shift) & 2047]++;
		for (i = 0; i < 2048; i++) {
			size_t c = count[i];

			count[i] = sum;
			sum += c;
		}
		for (i = 0; i < n; i++)
			dst[count[(src[i] >> shift) & 2047]++] = src[i];
		t = src;
		src = dst;
		dst = t;
	}
	if (src != a)
		memcpy(a, src, n * sizeof(*a));
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

size_t dedup_shingle_set(struct dedup_minhash *m, uint32_t *out)
{
	size_t i, n = 0;

	for (i = 0; i < m->nsh; i++)
		out[i] = (uint32_t)(m->sh[i] >> 32);
	if (m->nsh > m->set_tmpcap) {
		/* The shingles fill tok's array now: the radix sort needs room of its own. */
		uint32_t *p = realloc(m->set_tmp, m->nsh * sizeof(*p));

		if (p) {
			m->set_tmp = p;
			m->set_tmpcap = m->nsh;
		}
	}
	if (m->nsh <= m->set_tmpcap)
		sort_u32(out, m->set_tmp, m->nsh);
	else
		qsort(out, m->nsh, sizeof(*out), cmp_u32);	/* out of memory: slower, the same */
	for (i = 0; i < m->nsh; i++)
		if (!n || out[n - 1] != out[i])
			out[n++] = out[i];
	return n;
}

double dedup_jaccard(const uint32_t *a, size_t na, const uint32_t *b, size_t nb)
{
	size_t i = 0, j = 0, both = 0;

	if (!na && !nb)
		return 1.0;
	while (i < na && j < nb) {
		if (a[i] == b[j])
			both++, i++, j++;
		else if (a[i] < b[j])
			i++;
		else
			j++;
	}
	return (double)both / (double)(na + nb - both);
}

double dedup_lsh_prob(double s, unsigned bands, unsigned rows)
{
	double p = 1, q = 1;
	unsigned i;

	for (i = 0; i < rows; i++)
		p *= s;
	for (i = 0; i < bands; i++)
		q *= 1 - p;
	return 1 - q;
}
