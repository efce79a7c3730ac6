/*
 * Text primitives for ayak-filter: character classes after Python's str
 * methods (the rules are defined by datatrove's Python code), a hash set,
 * string sets, file reading, line iteration and the word tokenizer.
 */
#include <stdlib.h>
#include <string.h>

#include <unicode/uchar.h>

#include "filter-int.h"

/* ---- characters ---- */

size_t fl_cps(const char *s, size_t n)
{
	size_t i = 0, cont = 0;

	/*
	 * n less the continuation bytes (10xxxxxx), eight at a time, counted
	 * in the bytes of acc (up to 255 steps) and summed once per block.
	 */
	while (i + 8 <= n) {
		uint64_t acc = 0;
		size_t k;

		for (k = 0; k < 255 && i + 8 <= n; k++, i += 8) {
			uint64_t x;

			memcpy(&x, s + i, 8);
			acc += ((x & ~(x << 1)) & 0x8080808080808080ULL) >> 7;	/* bit 7 set, bit 6 clear */
		}
		acc = (acc & 0x00FF00FF00FF00FFULL) + (acc >> 8 & 0x00FF00FF00FF00FFULL);
		cont += (size_t)((acc * 0x0001000100010001ULL) >> 48);
	}
	for (; i < n; i++)
		cont += ((unsigned char)s[i] & 0xC0) == 0x80;
	return n - cont;
}

const unsigned char fl_ascii_space[128] = {
	[9] = 1, [10] = 1, [11] = 1, [12] = 1, [13] = 1, [0x1C] = 1, [0x1D] = 1,
	[0x1E] = 1, [0x1F] = 1, [' '] = 1,
};

int fl_isspace(uint32_t cp)
{
	if (cp < 0x80)
		return cp == ' ' || (cp >= 9 && cp <= 13) || (cp >= 0x1C && cp <= 0x1F);
	switch (cp) {
	case 0x85: case 0xA0: case 0x1680: case 0x2028: case 0x2029:
	case 0x202F: case 0x205F: case 0x3000:
		return 1;
	}
	return cp >= 0x2000 && cp <= 0x200A;
}

int fl_islinebreak(uint32_t cp)
{
	switch (cp) {
	case '\n': case '\r': case 0x0B: case 0x0C: case 0x1C: case 0x1D: case 0x1E:
	case 0x85: case 0x2028: case 0x2029:
		return 1;
	}
	return 0;
}

int fl_isalpha(uint32_t cp)
{
	if (cp < 0x80)
		return (cp | 0x20) >= 'a' && (cp | 0x20) <= 'z';
	return u_isalpha((UChar32)cp);
}

int fl_isword(uint32_t cp)
{
	int t;

	if (cp < 0x80)
		return ((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z') || (cp >= '0' && cp <= '9');
	t = u_charType((UChar32)cp);
	return (t >= U_UPPERCASE_LETTER && t <= U_OTHER_LETTER) ||
	       t == U_NON_SPACING_MARK || t == U_ENCLOSING_MARK ||
	       t == U_COMBINING_SPACING_MARK || t == U_DECIMAL_DIGIT_NUMBER ||
	       t == U_LETTER_NUMBER || t == U_OTHER_NUMBER;
}

/*
 * datatrove's PUNCTUATION (src/datatrove/utils/text.py): all ASCII
 * punctuation, the C0 and C1 controls except tab and newline, and these.
 */
int fl_ispunct_dt(uint32_t cp)
{
	if (cp < 0x80) {
		if (cp < 32)
			return cp != '\t' && cp != '\n';
		if (cp == 127)
			return 1;
		return (cp >= '!' && cp <= '/') || (cp >= ':' && cp <= '@') ||
		       (cp >= '[' && cp <= '`') || (cp >= '{' && cp <= '~');
	}
	if (cp < 0xA0)
		return 1;
	/* datatrove's PUNCTUATION (src/datatrove/utils/text.py) beyond ASCII */
	switch (cp) {
	case 0xAB: case 0xB4: case 0xBB: case 0x2013: case 0x2014: case 0x2019:
	case 0x201C: case 0x201D: case 0x201E: case 0x2026: case 0x2236: case 0x2501:
	case 0x25BA: case 0x3001: case 0x3002: case 0x3008: case 0x3009: case 0x300A:
	case 0x300B: case 0x300C: case 0x300D: case 0x3010: case 0x3011: case 0xFF01:
	case 0xFF05: case 0xFF08: case 0xFF09: case 0xFF0C: case 0xFF0E: case 0xFF11:
	case 0xFF1A: case 0xFF1B: case 0xFF1F: case 0xFF5E:
		return 1;
	}
	return 0;
}

/* The code point that ends at s[e] (exclusive), and where it starts. */
static uint32_t cp_before(const unsigned char *s, size_t e, size_t *start)
{
	size_t b = e - 1;
	int len;

	while (b > 0 && (s[b] & 0xC0) == 0x80 && e - b < 4)
		b--;
	*start = b;
	return fl_cp(s, e, b, &len);
}

void fl_strip_slow(const char *s, size_t n, size_t *bp, size_t *ep)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t b = 0, e = n, st;
	int len;

	while (b < e && fl_space_at(u, e, b, &len))
		b += (size_t)len;
	while (e > b) {
		if (u[e - 1] < 0x80) {
			if (!fl_ascii_space[u[e - 1]])
				break;
			e--;
			continue;
		}
		if (!fl_isspace(cp_before(u, e, &st)))
			break;
		e = st;
	}
	*bp = b;
	*ep = e;
}

/* ---- hash set ---- */

int fl_set_reset(struct fl_set *s, size_t n)
{
	size_t cap = 64;

	while (cap < 2 * n + 2)
		cap <<= 1;
	if (!s->e || cap > s->mask + 1) {
		struct fl_ent *e = calloc(cap, sizeof(*e));

		if (!e)
			return -1;
		free(s->e);
		s->e = e;
		s->mask = cap - 1;
		s->gen = 0;
	}
	if (++s->gen == 0) {	/* wrapped: stale stamps could match */
		memset(s->e, 0, (s->mask + 1) * sizeof(*s->e));
		s->gen = 1;
	}
	return 0;
}

void fl_set_release(struct fl_set *s)
{
	free(s->e);
	memset(s, 0, sizeof(*s));
}

/* ---- string sets ---- */

uint64_t fl_strhash(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	uint64_t h = 0;
	size_t i;

	for (i = 0; i < n; i++)
		h = h * FILTER_HASH_BASE + u[i];
	return h;
}

int fl_strset_has_h(const struct fl_strset *ss, const char *s, size_t n, uint64_t h)
{
	size_t i;

	if (!ss->set.e)
		return 0;
	i = (size_t)((h * 0x9E3779B97F4A7C15ULL) >> 20) & ss->set.mask;
	for (;;) {
		const struct fl_ent *e = &ss->set.e[i];

		if (e->gen != ss->set.gen)
			return 0;
		if (e->key == h) {
			size_t k = e->count - 1;

			if (ss->len[k] == n && !memcmp(ss->s[k], s, n))
				return 1;
		}
		i = (i + 1) & ss->set.mask;
	}
}

static int strset_find(const struct fl_strset *ss, const char *s, size_t n, uint64_t h)
{
	size_t i;

	if (!ss->set.e)
		return -1;
	i = (size_t)((h * 0x9E3779B97F4A7C15ULL) >> 20) & ss->set.mask;
	for (;;) {
		const struct fl_ent *e = &ss->set.e[i];

		if (e->gen != ss->set.gen)
			return -1;
		if (e->key == h) {
			size_t k = e->count - 1;

			if (ss->len[k] == n && !memcmp(ss->s[k], s, n))
				return (int)k;
		}
		i = (i + 1) & ss->set.mask;
	}
}

static int strset_insert(struct fl_strset *ss, size_t k)
{
	uint64_t h = fl_strhash(ss->s[k], ss->len[k]);
	size_t i = (size_t)((h * 0x9E3779B97F4A7C15ULL) >> 20) & ss->set.mask;

	for (;;) {
		struct fl_ent *e = &ss->set.e[i];

		if (e->gen != ss->set.gen) {
			e->gen = ss->set.gen;
			e->key = h;
			e->count = (uint32_t)k + 1;
			return 0;
		}
		i = (i + 1) & ss->set.mask;
	}
}

int fl_strset_add(struct fl_strset *ss, const char *s, size_t n)
{
	size_t k;

	if (fl_strset_has(ss, s, n))
		return 0;
	if (ss->n == ss->cap) {
		size_t cap = ss->cap ? 2 * ss->cap : 16;
		char **ns = realloc(ss->s, cap * sizeof(*ns));
		size_t *nl;

		if (!ns)
			return -1;
		ss->s = ns;
		nl = realloc(ss->len, cap * sizeof(*nl));
		if (!nl)
			return -1;
		ss->len = nl;
		ss->cap = cap;
	}
	ss->s[ss->n] = malloc(n + 1);
	if (!ss->s[ss->n])
		return -1;
	memcpy(ss->s[ss->n], s, n);
	ss->s[ss->n][n] = '\0';
	ss->len[ss->n] = n;
	ss->n++;
	if (!ss->set.e || 2 * ss->n + 2 > ss->set.mask + 1) {
		/* rebuild with room to spare */
		if (fl_set_reset(&ss->set, 2 * ss->n))
			return -1;
		for (k = 0; k < ss->n; k++)
			strset_insert(ss, k);
		return 0;
	}
	return strset_insert(ss, ss->n - 1);
}

int fl_strset_has(const struct fl_strset *ss, const char *s, size_t n)
{
	return strset_find(ss, s, n, fl_strhash(s, n)) >= 0;
}

void fl_strset_release(struct fl_strset *ss)
{
	size_t i;

	for (i = 0; i < ss->n; i++)
		free(ss->s[i]);
	free(ss->s);
	free(ss->len);
	fl_set_release(&ss->set);
	memset(ss, 0, sizeof(*ss));
}

/* ---- files and lines ---- */

/* ---- the word tokenizer ---- */

enum { C_SPACE = 1, C_WORD, C_JOIN, C_COMMA, C_DOT, C_PUNCT };

static unsigned char ascii_class[128];
static unsigned char ascii_flags[128];
static unsigned char word_class[256];	/* ASCII letters and digits */
uint64_t fl_base_pow[256];		/* FILTER_HASH_BASE ** k */
static uint64_t byte_pow[8][256];	/* c * B^(7-j): byte c as byte j of eight */

static void init_tables(void)
{
	int c;

	if (fl_base_pow[0])
		return;
	for (c = 0; c < 128; c++) {
		if (fl_isspace((uint32_t)c))
			ascii_class[c] = C_SPACE;
		else if (fl_isword((uint32_t)c))
			ascii_class[c] = C_WORD;
		else
			ascii_class[c] = C_PUNCT;
		ascii_flags[c] = (unsigned char)((fl_ispunct_dt((uint32_t)c) ? 0 : FTOK_WORD) |
						 (fl_isalpha((uint32_t)c) ? FTOK_ALPHA : 0));
	}
	for (c = 0; c < 128; c++)
		word_class[c] = ascii_class[c] == C_WORD;
	ascii_class['-'] = ascii_class['\''] = ascii_class['_'] = C_JOIN;
	ascii_class['@'] = ascii_class['&'] = C_JOIN;
	ascii_class[','] = C_COMMA;
	ascii_class['.'] = C_DOT;
	fl_base_pow[0] = 1;
	for (c = 1; c < 256; c++)
		fl_base_pow[c] = fl_base_pow[c - 1] * FILTER_HASH_BASE;
	for (c = 0; c < 256; c++) {
		int j;

		for (j = 0; j < 8; j++)
			byte_pow[j][c] = (uint64_t)c * fl_base_pow[7 - j];
	}
}

uint64_t fl_bpow_slow(size_t k)
{
	uint64_t r = 1;

	while (k >= 255) {
		r *= fl_base_pow[255];
		k -= 255;
	}
	return r * fl_base_pow[k];
}

static unsigned cp_flags_slow(uint32_t cp)
{
	return (fl_ispunct_dt(cp) ? 0 : FTOK_WORD) | (fl_isalpha(cp) ? FTOK_ALPHA : 0);
}

static int cp_class_slow(uint32_t cp)
{
	if (fl_isspace(cp))
		return C_SPACE;
	if (fl_isword(cp))
		return C_WORD;
	if (cp == 0x2019)	/* right single quotation mark: an apostrophe */
		return C_JOIN;
	return C_PUNCT;
}

/*
 * Class | flags << 3 of the code points below 0x10000, each worked out
 * (by ICU, which is slow) the first time it is met; 0: not yet.
 */
static unsigned char bmp_info[0x10000];

static inline unsigned cp_info(uint32_t cp)
{
	unsigned char v = bmp_info[cp];

	if (!v)
		v = bmp_info[cp] = (unsigned char)(cp_class_slow(cp) | cp_flags_slow(cp) << 3);
	return v;
}

static unsigned cp_flags(uint32_t cp)
{
	if (cp < 0x80)
		return ascii_flags[cp];
	return cp < 0x10000 ? cp_info(cp) >> 3 : cp_flags_slow(cp);
}

/* Class and code point at s[i]. */
static inline int cls_at(const unsigned char *s, size_t n, size_t i, uint32_t *cp, int *len)
{
	unsigned char c = s[i];

	if (c < 0x80) {
		*cp = c;
		*len = 1;
		return ascii_class[c];
	}
	*cp = fl_cp(s, n, i, len);
	return *cp < 0x10000 ? (int)(cp_info(*cp) & 7) : cp_class_slow(*cp);
}

static int push(struct filter_tokens *o, size_t b, size_t e, unsigned flags, size_t cps,
		uint64_t h)
{
	struct filter_token *t;

	if (o->n == o->cap) {
		struct filter_token *nt = ayak_grow(o->t, &o->cap, o->n + 1, sizeof(*nt), 1024);

		if (!nt)
			return -1;
		o->t = nt;
	}
	t = &o->t[o->n++];
	t->off = (uint32_t)b;
	t->len = (uint32_t)(e - b);
	t->cps = (uint32_t)cps;
	t->flags = flags;
	t->h = h;
	t->p = fl_bpow(e - b);
	return 0;
}

static uint64_t hash_bytes(const unsigned char *s, size_t b, size_t e)
{
	uint64_t h = 0;

	for (; b < e; b++)
		h = h * FILTER_HASH_BASE + s[b];
	return h;
}

static int starts_url(const unsigned char *s, size_t n)
{
	return (n > 7 && fl_ieq(s, "http://", 7)) || (n > 8 && fl_ieq(s, "https://", 8)) ||
	       (n > 4 && fl_ieq(s, "www.", 4));
}

/* A URL: up to the next space, less trailing punctuation (own tokens). */
static int url_token(struct filter_tokens *o, const unsigned char *s, size_t n, size_t i,
		     size_t *next)
{
	size_t e = i, st, j, cps = 0;
	unsigned flags = 0;
	uint32_t cp;
	int len;

	while (e < n && cls_at(s, n, e, &cp, &len) != C_SPACE)
		e += (size_t)len;
	*next = e;
	/* trailing punctuation peels off one character at a time */
	while (e > i) {
		st = e - 1;
		while (st > i && (s[st] & 0xC0) == 0x80)
			st--;
		cp = fl_cp(s, e, st, &len);
		if ((cp == 0 || cp >= 0x80 || !strchr(".,;:!?)]}'\">", (int)cp)) &&
		    cp != 0xBB && cp != 0x201D && cp != 0x2019)
			break;
		e = st;
	}
	for (j = i; j < e; j += (size_t)len) {
		cp = fl_cp(s, n, j, &len);
		flags |= cp_flags(cp);
		cps++;
	}
	if (push(o, i, e, flags, cps, hash_bytes(s, i, e)))
		return -1;
	for (; e < *next; e += (size_t)len) {
		cp = fl_cp(s, n, e, &len);
		if (push(o, e, e + (size_t)len, cp_flags(cp), 1, hash_bytes(s, e, e + (size_t)len)))
			return -1;
	}
	return 0;
}

#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
/*
 * The bytes of x that are ASCII letters or digits (0x80 in each); the
 * letters alone in *letters.  Each byte's low seven bits plus a constant
 * below 0x80 cannot carry into the next byte.
 */
static inline uint64_t alnum_bytes(uint64_t x, uint64_t *letters)
{
	uint64_t a = x & ~FL_HIGHS, l = a | FL_ONES * 0x20;
	uint64_t dig = (a + FL_ONES * (0x80 - '0')) & ~(a + FL_ONES * (0x7F - '9'));
	uint64_t let = (l + FL_ONES * (0x80 - 'a')) & ~(l + FL_ONES * (0x7F - 'z'));

	*letters = let & ~x & FL_HIGHS;
	return (dig | let) & ~x & FL_HIGHS;
}

/*
 * The polynomial hash of the first k bytes of x (the first byte lowest):
 * sum x[j] B^(k-1-j).  Shifted up so that they are the last of eight,
 * below them zeros add nothing; each byte's multiple of its power of B
 * comes from a table: no chain of dependent multiplications.
 */
static inline uint64_t hash8(uint64_t x, unsigned k)
{
	x <<= 64 - 8 * k;	/* k is 1 to 8 */
	return (byte_pow[0][x & 0xFF] + byte_pow[1][x >> 8 & 0xFF]) +
	       (byte_pow[2][x >> 16 & 0xFF] + byte_pow[3][x >> 24 & 0xFF]) +
	       (byte_pow[4][x >> 32 & 0xFF] + byte_pow[5][x >> 40 & 0xFF]) +
	       (byte_pow[6][x >> 48 & 0xFF] + byte_pow[7][x >> 56]);
}
#endif

/*
 * The run of ASCII letters and digits from s[i]: adds its bytes to the
 * hash *h and its flags to *flags; returns where it ends.  Eight bytes a
 * step where the machine allows: no branch per byte, so the end of a word
 * costs no mispredicted branch.
 */
static inline size_t ascii_run(const unsigned char *s, size_t i, size_t n, uint64_t *hp,
			       unsigned *flags)
{
	uint64_t h = *hp;

#ifdef __BYTE_ORDER__
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ && defined(__GNUC__)
	while (i + 8 <= n) {
		uint64_t x = fl_load8(s + i), let, mask;
		uint64_t stop = ~alnum_bytes(x, &let) & FL_HIGHS;
		unsigned k = stop ? (unsigned)__builtin_ctzll(stop) >> 3 : 8;

		if (!k)
			break;
		mask = k == 8 ? ~0ULL : (1ULL << (8 * k)) - 1;
		*flags |= FTOK_WORD | (let & mask ? FTOK_ALPHA : 0);
		h = h * fl_base_pow[k] + hash8(x, k);
		i += k;
		if (k < 8) {
			*hp = h;
			return i;
		}
	}
#endif
#endif
	while (i < n && word_class[s[i]]) {
		h = h * FILTER_HASH_BASE + s[i];
		*flags |= ascii_flags[s[i]];
		i++;
	}
	*hp = h;
	return i;
}

/* Make room for one more token; the next free one. */
static inline struct filter_token *next_token(struct filter_tokens *o)
{
	if (o->n == o->cap) {
		struct filter_token *nt = ayak_grow(o->t, &o->cap, o->n + 1, sizeof(*nt), 1024);

		if (!nt)
			return NULL;
		o->t = nt;
	}
	return &o->t[o->n++];
}

int filter_tokenize(const char *str, size_t n, struct filter_tokens *out)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;
	int at_start = 1;

	init_tables();
	out->n = 0;
	while (i < n) {
		uint32_t cp;
		int len, cl;

		/* white space between tokens */
		if (s[i] < 0x80 && fl_ascii_space[s[i]]) {
			i++;
			at_start = 1;
			continue;
		}
		cl = cls_at(s, n, i, &cp, &len);
		if (cl == C_SPACE) {
			i += (size_t)len;
			at_start = 1;
			continue;
		}
		if (at_start && (cp == 'h' || cp == 'H' || cp == 'w' || cp == 'W') &&
		    starts_url(s + i, n - i)) {
			size_t next;

			if (url_token(out, s, n, i, &next))
				return -1;
			i = next;
			continue;
		}
		at_start = 0;
		if (cl == C_WORD) {
			size_t b = i, high = 0;
			unsigned flags = 0;
			uint64_t h = 0;
			struct filter_token *t;

			for (;;) {
				uint32_t c2, c3;
				int l2, l3, k2, k3;
				size_t j;

				/* the word character at i (an ASCII one starts the run below) */
				if (len > 1) {
					for (j = i; j < i + (size_t)len; j++)
						h = h * FILTER_HASH_BASE + s[j];
					flags |= cp_flags(cp);
					high += (size_t)len - 1;
					i += (size_t)len;
				}
				/* ASCII letters and digits that follow */
				i = ascii_run(s, i, n, &h, &flags);
				if (i >= n)
					break;
				k2 = cls_at(s, n, i, &c2, &l2);
				if (k2 == C_WORD) {
					cp = c2;
					len = l2;
					continue;
				}
				if ((k2 != C_JOIN && k2 != C_DOT && k2 != C_COMMA) ||
				    i + (size_t)l2 >= n)
					break;
				k3 = cls_at(s, n, i + (size_t)l2, &c3, &l3);
				if (k3 != C_WORD)
					break;
				if (k2 == C_COMMA && !(s[i - 1] >= '0' && s[i - 1] <= '9' &&
						       c3 >= '0' && c3 <= '9'))
					break;
				/* the joiner; the word character after it comes round again */
				for (j = i; j < i + (size_t)l2; j++)
					h = h * FILTER_HASH_BASE + s[j];
				flags |= cp_flags(c2);
				high += (size_t)l2 - 1;
				i += (size_t)l2;
				cp = c3;
				len = l3;
			}
			if (!(t = next_token(out)))
				return -1;
			t->off = (uint32_t)b;
			t->len = (uint32_t)(i - b);
			t->cps = (uint32_t)(i - b - high);
			t->flags = flags;
			t->h = h;
			t->p = fl_bpow(i - b);
			continue;
		}
		if (cl == C_DOT) {
			size_t b = i;

			while (i < n && s[i] == '.')
				i++;
			if (push(out, b, i, 0, i - b, hash_bytes(s, b, i)))
				return -1;
			continue;
		}
		if (push(out, i, i + (size_t)len, cp_flags(cp), 1, hash_bytes(s, i, i + (size_t)len)))
			return -1;
		i += (size_t)len;
	}
	return 0;
}

void filter_tokens_release(struct filter_tokens *t)
{
	free(t->t);
	memset(t, 0, sizeof(*t));
}
