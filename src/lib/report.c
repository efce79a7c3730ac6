/* Counting records for the report; see report.h. */
#define _GNU_SOURCE	/* qsort_r */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <xxhash.h>

#include "report-int.h"

/* ---- tables ---- */

int rtab_init(struct rtab *t, size_t max)
{
	memset(t, 0, sizeof(*t));
	t->max = max ? max : 1;
	if (t->max > UINT32_MAX / 4)
		t->max = UINT32_MAX / 4;
	return 0;
}

void rtab_release(struct rtab *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		free(t->e[i].key);
	free(t->e);
	free(t->slots);
	free(t->heap);
	memset(t, 0, sizeof(*t));
}

static int rtab_rehash(struct rtab *t, size_t nslots)
{
	uint32_t *slots = calloc(nslots, sizeof(*slots));
	size_t i, j;

	if (!slots)
		return -1;
	for (i = 0; i < t->n; i++) {
		for (j = t->e[i].hash & (nslots - 1); slots[j]; j = (j + 1) & (nslots - 1))
			;
		slots[j] = (uint32_t)i + 1;
	}
	free(t->slots);
	t->slots = slots;
	t->mask = nslots - 1;
	return 0;
}

/* Remove the slot at i, moving later entries of its run back (no tombstones). */
static void rtab_unslot(struct rtab *t, size_t i)
{
	size_t j = i, k;

	t->slots[i] = 0;
	for (;;) {
		j = (j + 1) & t->mask;
		if (!t->slots[j])
			return;
		k = t->e[t->slots[j] - 1].hash & t->mask;
		/* Move slot j to the hole at i unless its home k lies in (i, j]. */
		if ((j > i && (k <= i || k > j)) || (j < i && (k <= i && k > j))) {
			t->slots[i] = t->slots[j];
			t->slots[j] = 0;
			i = j;
		}
	}
}

static int heap_less(const struct rtab *t, uint32_t a, uint32_t b)
{
	return t->e[a].n < t->e[b].n;
}

static void heap_set(struct rtab *t, size_t pos, uint32_t idx)
{
	t->heap[pos] = idx;
	t->e[idx].heap = (uint32_t)pos;
}

static void heap_up(struct rtab *t, size_t pos)
{
	uint32_t idx = t->heap[pos];

	while (pos > 0) {
		size_t parent = (pos - 1) / 2;

		if (!heap_less(t, idx, t->heap[parent]))
			break;
		heap_set(t, pos, t->heap[parent]);
		pos = parent;
	}
	heap_set(t, pos, idx);
}

static void heap_down(struct rtab *t, size_t pos)
{
	uint32_t idx = t->heap[pos];

	for (;;) {
		size_t child = 2 * pos + 1;

		if (child >= t->n)
			break;
		if (child + 1 < t->n && heap_less(t, t->heap[child + 1], t->heap[child]))
			child++;
		if (!heap_less(t, t->heap[child], idx))
			break;
		heap_set(t, pos, t->heap[child]);
		pos = child;
	}
	heap_set(t, pos, idx);
}

static void hll_add(struct rtab *t, uint64_t h)
{
	uint64_t w = h << RTAB_HLL_BITS | (1ull << (RTAB_HLL_BITS - 1));
	uint8_t rho = (uint8_t)(__builtin_clzll(w) + 1);
	size_t i = h >> (64 - RTAB_HLL_BITS);

	if (t->hll[i] < rho)
		t->hll[i] = rho;
}

uint64_t rtab_distinct(const struct rtab *t)
{
	const double m = 1u << RTAB_HLL_BITS;
	double sum = 0, est;
	size_t i, zeros = 0;

	if (!t->evicted)
		return t->n;
	for (i = 0; i < (1u << RTAB_HLL_BITS); i++) {
		sum += 1.0 / (double)(1ull << t->hll[i]);
		zeros += !t->hll[i];
	}
	est = 0.7213 / (1 + 1.079 / m) * m * m / sum;
	if (est <= 2.5 * m && zeros)
		est = m * log(m / (double)zeros);
	if (est < (double)t->max + 1)
		est = (double)t->max + 1;
	return (uint64_t)(est + 0.5);
}

struct rtab_entry *rtab_bump(struct rtab *t, const char *key, size_t len)
{
	uint64_t h = XXH3_64bits(key, len);
	struct rtab_entry *e;
	size_t i;
	uint32_t idx;

	hll_add(t, h);
	if (t->slots) {
		for (i = h & t->mask; t->slots[i]; i = (i + 1) & t->mask) {
			e = &t->e[t->slots[i] - 1];
			if (e->hash == h && e->len == len && !memcmp(e->key, key, len)) {
				e->n++;
				heap_down(t, e->heap);
				return e;
			}
		}
	}
	if (t->n < t->max) {
		char *k = malloc(len + 1);

		if (!k)
			return NULL;
		if (t->n == t->alloc) {
			size_t na = t->alloc ? t->alloc * 2 : 16;
			struct rtab_entry *ne;
			uint32_t *nh;

			if (na > t->max)
				na = t->max;
			ne = realloc(t->e, na * sizeof(*ne));
			if (ne)
				t->e = ne;
			nh = ne ? realloc(t->heap, na * sizeof(*nh)) : NULL;
			if (!nh) {
				free(k);
				return NULL;
			}
			t->heap = nh;
			t->alloc = na;
		}
		if ((t->n + 1) * 2 > t->mask + 1 || !t->slots) {
			size_t ns = t->slots ? (t->mask + 1) * 2 : 32;

			if (rtab_rehash(t, ns)) {
				free(k);
				return NULL;
			}
		}
		idx = (uint32_t)t->n++;
		e = &t->e[idx];
		memset(e, 0, sizeof(*e));
		memcpy(k, key, len);
		k[len] = 0;
		e->key = k;
		e->len = (uint32_t)len;
		e->hash = h;
		e->n = 1;
		t->heap[t->n - 1] = idx;
		e->heap = (uint32_t)(t->n - 1);
		heap_up(t, t->n - 1);
	} else {
		/* Space-Saving: the least counted entry makes way, and the new
		 * key inherits its count as the error bound. */
		char *k;

		idx = t->heap[0];
		e = &t->e[idx];
		if (e->len < len || e->len > 2 * len + 16) {
			k = realloc(e->key, len + 1);
			if (!k)
				return NULL;
			e->key = k;
		}
		for (i = e->hash & t->mask; t->slots[i] != idx + 1; i = (i + 1) & t->mask)
			;
		rtab_unslot(t, i);
		memcpy(e->key, key, len);
		e->key[len] = 0;
		e->len = (uint32_t)len;
		e->hash = h;
		e->err = e->n;
		e->n++;
		e->chars = e->words = e->tokens = e->score_sum = e->score_n = 0;
		t->evicted++;
		heap_down(t, 0);
	}
	for (i = h & t->mask; t->slots[i]; i = (i + 1) & t->mask)
		;
	t->slots[i] = idx + 1;
	return e;
}

static int cmp_entries(const void *a, const void *b, void *arg)
{
	const struct rtab *t = arg;
	const struct rtab_entry *x = &t->e[*(const uint32_t *)a];
	const struct rtab_entry *y = &t->e[*(const uint32_t *)b];
	size_t n = x->len < y->len ? x->len : y->len;
	int c;

	if (x->n != y->n)
		return x->n > y->n ? -1 : 1;
	c = memcmp(x->key, y->key, n);
	if (c)
		return c;
	return x->len < y->len ? -1 : x->len > y->len;
}

uint32_t *rtab_sorted(const struct rtab *t)
{
	uint32_t *v = malloc((t->n ? t->n : 1) * sizeof(*v));
	size_t i;

	if (!v)
		return NULL;
	for (i = 0; i < t->n; i++)
		v[i] = (uint32_t)i;
	qsort_r(v, t->n, sizeof(*v), cmp_entries, (void *)t);
	return v;
}

/* ---- text measures ---- */

static const unsigned char ascii_space[128] = {
	['\t'] = 1, ['\n'] = 1, ['\v'] = 1, ['\f'] = 1, ['\r'] = 1, [' '] = 1,
};

/* 1 if the character at p (a lead byte >= 0x80, n bytes left) is White_Space. */
static int uspace(const unsigned char *p, size_t n)
{
	switch (p[0]) {
	case 0xC2:		/* U+0085, U+00A0 */
		return n >= 2 && (p[1] == 0x85 || p[1] == 0xA0);
	case 0xE1:		/* U+1680 */
		return n >= 3 && p[1] == 0x9A && p[2] == 0x80;
	case 0xE2:		/* U+2000-200A, U+2028, U+2029, U+202F, U+205F */
		if (n < 3)
			return 0;
		if (p[1] == 0x80)
			return p[2] <= 0x8A || p[2] == 0xA8 || p[2] == 0xA9 || p[2] == 0xAF;
		return p[1] == 0x81 && p[2] == 0x9F;
	case 0xE3:		/* U+3000 */
		return n >= 3 && p[1] == 0x80 && p[2] == 0x80;
	}
	return 0;
}

static int cp_space(uint32_t c)
{
	return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 || c == 0x1680 ||
	       (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F ||
	       c == 0x205F || c == 0x3000;
}

static uint32_t hexval(const unsigned char *p)
{
	uint32_t v = 0;
	int i;

	for (i = 0; i < 4; i++) {
		unsigned c = p[i];

		v = v << 4 | (c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
	}
	return v;
}

#define ONES 0x0101010101010101ull
#define HIGHS 0x8080808080808080ull

/* 0x80 in each byte of w (all ASCII) equal to c. */
static uint64_t eq_mask(uint64_t w, unsigned c)
{
	uint64_t x = w ^ (c * ONES);

	return ~(((x & ~HIGHS) + ~HIGHS) | x) & HIGHS;
}

/*
 * 0x80 in each byte of w (all ASCII) that is white space: 0x20 or 0x09-0x0D.
 * Each byte's sum stays below 0x100, so no carry crosses bytes.
 */
static uint64_t space_mask(uint64_t w)
{
	uint64_t ge9 = (w + (0x80 - 0x09) * ONES) & HIGHS;
	uint64_t ge14 = (w + (0x80 - 0x0E) * ONES) & HIGHS;

	return eq_mask(w, 0x20) | (ge9 & ~ge14);
}

/* Number of 0x80 bits set in m (which has no others). */
static unsigned count_highs(uint64_t m)
{
	return (unsigned)(((m >> 7) * ONES) >> 56);
}

/*
 * Bytes, code points and words (runs between White_Space) of the text of a
 * JSON string whose content (between the quotes) is s[0..n): escapes are
 * read in place, nothing is copied.  The string was checked by
 * ayak_record_parse (valid UTF-8, whole escapes, paired surrogates).
 */
static void measure(const char *s, size_t n, uint64_t *bytes, uint64_t *chars, uint64_t *words)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	uint64_t nb = 0, nc = 0, nw = 0;
	int space = 1;

	while (p < end) {
		/* Eight ASCII bytes without a backslash at a time: a word
		 * starts at each non-space byte after a space. */
		while (end - p >= 8) {
			uint64_t w, sp;

			memcpy(&w, p, 8);
			if ((w & HIGHS) || eq_mask(w, '\\'))
				break;
			sp = space_mask(w);
			nw += count_highs(~sp & HIGHS & ((sp << 8) | (space ? 0x80u : 0)));
			space = (int)(sp >> 63);
			nc += 8;
			nb += 8;
			p += 8;
		}
		if (p >= end)
			break;
		if (*p == '\\' && end - p >= 2) {
			uint32_t c;
			int sp;

			switch (p[1]) {
			case 'n': c = '\n'; break;
			case 't': c = '\t'; break;
			case 'r': c = '\r'; break;
			case 'f': c = '\f'; break;
			case 'b': c = '\b'; break;
			case 'u':
				c = end - p >= 6 ? hexval(p + 2) : 0xFFFD;
				if (c >= 0xD800 && c <= 0xDBFF && end - p >= 12 && p[6] == '\\' &&
				    p[7] == 'u') {
					c = 0x10000 + ((c - 0xD800) << 10) + (hexval(p + 8) - 0xDC00);
					p += 6;
				} else if (c >= 0xD800 && c <= 0xDFFF) {
					c = 0xFFFD;
				}
				p += 4;
				break;
			default: c = p[1]; break;
			}
			p += 2;
			sp = cp_space(c);
			nw += space & !sp;
			space = sp;
			nc++;
			nb += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
			continue;
		}
		if (*p < 0x80) {
			int sp = ascii_space[*p];

			nw += space & !sp;
			space = sp;
			nc++;
			nb++;
			p++;
		} else {
			int sp = uspace(p, (size_t)(end - p)), k = *p >= 0xF0 ? 4 : *p >= 0xE0 ? 3 : 2;

			nw += space & !sp;
			space = sp;
			nc++;
			nb += (uint64_t)k;
			p += k;
		}
	}
	*bytes += nb;
	*chars += nc;
	*words += nw;
}

/* ---- lengths ---- */

size_t report_len_bin(const struct report *r, uint64_t len)
{
	size_t i = 1;

	if (!len)
		return 0;
	while (i + 1 < REPORT_LEN_BINS && len >= r->len_edge[i + 1])
		i++;
	return i;
}

static size_t q_bucket(uint64_t v)
{
	int e;

	if (v < 64)
		return (size_t)v;
	e = 63 - __builtin_clzll(v);
	return 64 + (size_t)(e - 6) * 32 + ((v >> (e - 5)) & 31);
}

static uint64_t q_lower(size_t b)
{
	size_t e, m;

	if (b < 64)
		return b;
	e = (b - 64) / 32 + 6;
	m = (b - 64) % 32;
	return (uint64_t)(32 + m) << (e - 5);
}

int report_len_range(const struct report *r, size_t *first, size_t *last)
{
	size_t i;

	for (i = 0; i < REPORT_LEN_BINS && !r->len_bins[i]; i++)
		;
	if (i == REPORT_LEN_BINS)
		return 0;
	*first = i;
	for (i = REPORT_LEN_BINS; !r->len_bins[i - 1]; i--)
		;
	*last = i - 1;
	return 1;
}

uint64_t report_len_quantile(const struct report *r, double q)
{
	uint64_t want, seen = 0, v;
	size_t b;

	if (!r->records)
		return 0;
	want = (uint64_t)(q * (double)r->records);
	if ((double)want < q * (double)r->records)
		want++;
	if (!want)
		want = 1;
	for (b = 0; b < REPORT_Q_BUCKETS; b++) {
		seen += r->len_q[b];
		if (seen >= want)
			break;
	}
	v = q_lower(b < REPORT_Q_BUCKETS ? b : REPORT_Q_BUCKETS - 1);
	if (v < r->len_min)
		v = r->len_min;
	if (v > r->len_max)
		v = r->len_max;
	return v;
}

/* ---- URLs ---- */

int report_url_host(const char *url, size_t len, struct ayak_buf *out)
{
	size_t start = out->len, n;
	char *h;

	if (ayak_url_host_lower(url, len, 0, out))
		return -1;
	if (out->len == start)
		return 0;
	h = out->data + start;
	n = out->len - start;
	if (n > 4 && !memcmp(h, "www.", 4)) {
		memmove(h, h + 4, n - 4);
		n -= 4;
	}
	if (n > INT_MAX)
		n = INT_MAX;	/* over REPORT_MAX_HOST all the same */
	out->len = start + n;
	return (int)n;
}

/* ---- the report ---- */

int report_format_from_name(const char *name)
{
	if (!strcmp(name, "text"))
		return REPORT_TEXT;
	if (!strcmp(name, "json"))
		return REPORT_JSON;
	if (!strcmp(name, "html"))
		return REPORT_HTML;
	return -1;
}

static int parse_order(struct report *r, const char *list, struct ayak_err *err)
{
	const char *p = list;

	while (*p) {
		const char *q = strchr(p, ',');
		size_t n = q ? (size_t)(q - p) : strlen(p);
		char **no, *s;

		if (!n || memchr(p, ' ', n))
			return ayak_err_set(err, AYAK_E_USAGE,
					    "--stage-order wants program names separated by commas, not '%s'",
					    list);
		no = realloc(r->order, (r->norder + 1) * sizeof(*no));
		if (!no)
			return ayak_err_set(err, AYAK_E_SYS, "out of memory");
		r->order = no;
		s = strndup(p, n);
		if (!s)
			return ayak_err_set(err, AYAK_E_SYS, "out of memory");
		r->order[r->norder++] = s;
		p += n;
		if (*p == ',')
			p++;
	}
	return 0;
}

struct report *report_new(const struct report_opts *o, struct ayak_err *err)
{
	struct report *r = calloc(1, sizeof(*r));
	static const uint64_t steps[3] = { 1, 2, 5 };
	uint64_t decade = 10;
	size_t i;

	if (!r) {
		ayak_err_set(err, AYAK_E_SYS, "out of memory");
		return NULL;
	}
	r->o = *o;
	if (!r->o.field)
		r->o.field = "text";
	if (!r->o.lang_field)
		r->o.lang_field = "lang";
	if (!r->o.url_field)
		r->o.url_field = "url";
	if (!r->o.top)
		r->o.top = REPORT_TOP;
	if (!r->o.max_domains)
		r->o.max_domains = REPORT_MAX_DOMAINS;
	if (!r->o.title)
		r->o.title = "ayak-stats report";
	r->score_field = malloc(strlen(r->o.lang_field) + 7);
	if (!r->score_field) {
		ayak_err_set(err, AYAK_E_SYS, "out of memory");
		report_free(r);
		return NULL;
	}
	strcpy(r->score_field, r->o.lang_field);
	strcat(r->score_field, "_score");
	rtab_init(&r->langs, REPORT_MAX_LANGS);
	rtab_init(&r->domains, r->o.max_domains);
	r->len_edge[0] = 0;
	r->len_edge[1] = 1;
	for (i = 2; i < REPORT_LEN_BINS; i++) {
		r->len_edge[i] = decade * steps[(i - 2) % 3];
		if ((i - 2) % 3 == 2)
			decade *= 10;
	}
	r->len_min = UINT64_MAX;
	if (o->stage_order && parse_order(r, o->stage_order, err)) {
		report_free(r);
		return NULL;
	}
	return r;
}

void report_free(struct report *r)
{
	size_t i;

	if (!r)
		return;
	rtab_release(&r->langs);
	rtab_release(&r->domains);
	report_stages_release(r);
	for (i = 0; i < r->norder; i++)
		free(r->order[i]);
	free(r->order);
	free(r->seen);
	free(r->score_field);
	ayak_buf_release(&r->text);
	ayak_buf_release(&r->host);
	ayak_buf_release(&r->url);
	free(r);
}

void report_set_malformed(struct report *r, uint64_t n)
{
	r->malformed = n;
}

/* A JSON number in [0, 1] as 1/10000 units (rounded); -1 if not. */
static int64_t score_units(const char *s, size_t n)
{
	char buf[64];
	char *end;
	double v;

	if (n >= sizeof(buf))
		return -1;
	memcpy(buf, s, n);
	buf[n] = 0;
	errno = 0;
	v = strtod(buf, &end);
	if (end != buf + n || errno || !(v >= 0 && v <= 1))
		return -1;
	return (int64_t)(v * 10000 + 0.5);
}

/* The string value of a field, raw or decoded into buf; 0 if not a string. */
static int field_string(const struct ayak_record *rec, const struct ayak_field *f,
			struct ayak_buf *buf, const char **s, size_t *n, struct ayak_err *err)
{
	if (!f || f->type != AYAK_JSON_STRING)
		return 0;
	return ayak_record_string(rec, f, buf, s, n, err) ? -1 : 1;
}

int report_record(struct report *r, struct ayak_record *rec, struct ayak_err *err)
{
	const struct ayak_field *f, *lf, *sf, *uf;
	const char *text, *lang = NULL, *url;
	size_t tlen, llen = 0, ulen;
	uint64_t bytes = 0, chars = 0, words = 0, ntok = 0;
	int64_t score = -1;
	int ret;

	f = ayak_record_get(rec, r->o.field, strlen(r->o.field));
	if (!f)
		return ayak_err_set(err, AYAK_E_DATA, "missing field \"%s\"", r->o.field);
	if (f->type != AYAK_JSON_STRING)
		return ayak_err_set(err, AYAK_E_DATA, "field \"%s\" is not a string", r->o.field);
	if (r->o.tokens) {
		if (field_string(rec, f, &r->text, &text, &tlen, err) < 0)
			return -1;
		if (r->o.tokens(r->o.tokens_ctx, text, tlen, &ntok, err))
			return -1;
	}
	measure(rec->line + f->val + 1, f->val_len - 2, &bytes, &chars, &words);

	r->records++;
	r->record_bytes += rec->len + 1;
	r->text_bytes += bytes;
	r->chars += chars;
	r->words += words;
	r->tokens += ntok;
	if (chars < r->len_min)
		r->len_min = chars;
	if (chars > r->len_max)
		r->len_max = chars;
	r->len_bins[report_len_bin(r, chars)]++;
	r->len_q[q_bucket(chars)]++;

	lf = ayak_record_get(rec, r->o.lang_field, strlen(r->o.lang_field));
	ret = field_string(rec, lf, &r->url, &lang, &llen, err);
	if (ret < 0)
		return -1;
	if (ret) {
		struct rtab_entry *e = NULL;

		sf = ayak_record_get(rec, r->score_field, strlen(r->score_field));
		if (sf && sf->type == AYAK_JSON_NUMBER)
			score = score_units(rec->line + sf->val, sf->val_len);
		/* A label too long to be one is counted apart, not cut and
		 * merged with others that start the same. */
		if (llen > REPORT_MAX_LABEL) {
			r->long_lang++;
		} else {
			e = rtab_bump(&r->langs, lang, llen);
			if (!e)
				return ayak_err_set(err, AYAK_E_SYS, "out of memory");
			e->chars += chars;
			e->words += words;
			e->tokens += ntok;
		}
		r->with_lang++;
		if (score >= 0) {
			if (e) {
				e->score_sum += (uint64_t)score;
				e->score_n++;
			}
			r->scored++;
			r->score_bins[score >= 10000 ? 9 : score / 1000]++;
		}
	}

	uf = ayak_record_get(rec, r->o.url_field, strlen(r->o.url_field));
	ret = field_string(rec, uf, &r->url, &url, &ulen, err);
	if (ret < 0)
		return -1;
	if (ret) {
		struct ayak_buf *h = &r->host;
		struct rtab_entry *e;
		int n;

		r->with_url++;
		ayak_buf_reset(h);
		n = report_url_host(url, ulen, h);
		if (n < 0)
			return ayak_err_set(err, AYAK_E_SYS, "out of memory");
		if (!n) {
			r->no_host++;
		} else if ((size_t)n > REPORT_MAX_HOST) {
			r->bad_host++;	/* no DNS name: never cut and merged */
		} else {
			e = rtab_bump(&r->domains, h->data, (size_t)n);
			if (!e)
				return ayak_err_set(err, AYAK_E_SYS, "out of memory");
			e->chars += chars;
			e->words += words;
			e->tokens += ntok;
		}
	}
	return 0;
}
