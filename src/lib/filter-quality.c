/*
 * The quality rules of ayak-filter, after datatrove's filters as
 * FineWeb-2 runs them (huggingface/datatrove src/datatrove/pipeline/
 * filters/gopher_repetition_filter.py, fineweb_quality_filter.py,
 * gopher_quality_filter.py, c4_filters.py): the same splits, counts,
 * ratios and comparisons, on code points as Python's len() counts them.
 * Strings are compared by 64-bit hashes.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <xxhash.h>

#include "filter-int.h"

static const char *const fl_check_reasons[CK_COUNT] = {
	[CK_TOO_FEW_WORDS] = "too_few_words",
	[CK_TOO_MANY_WORDS] = "too_many_words",
	[CK_SHORT_WORDS] = "short_words",
	[CK_LONG_WORDS] = "long_words",
	[CK_HASHES] = "hashes",
	[CK_ELLIPSES] = "ellipses",
	[CK_BULLET_LINES] = "bullet_lines",
	[CK_ELLIPSIS_LINES] = "ellipsis_lines",
	[CK_NON_ALPHA_WORDS] = "non_alpha_words",
	[CK_FEW_STOPWORDS] = "few_stopwords",
	[CK_DUP_PARAS] = "dup_paras",
	[CK_DUP_PARA_CHARS] = "dup_para_chars",
	[CK_DUP_LINES] = "dup_lines",
	[CK_DUP_LINE_CHARS] = "dup_line_chars",
	[CK_TOP_2_GRAM] = "top_2_gram",
	[CK_TOP_3_GRAM] = "top_3_gram",
	[CK_TOP_4_GRAM] = "top_4_gram",
	[CK_DUP_5_GRAM] = "dup_5_gram",
	[CK_DUP_6_GRAM] = "dup_6_gram",
	[CK_DUP_7_GRAM] = "dup_7_gram",
	[CK_DUP_8_GRAM] = "dup_8_gram",
	[CK_DUP_9_GRAM] = "dup_9_gram",
	[CK_DUP_10_GRAM] = "dup_10_gram",
	[CK_LINE_PUNCT] = "line_punct",
	[CK_SHORT_LINES] = "short_lines",
	[CK_CHAR_DUP] = "char_dup",
	[CK_NEW_LINES] = "new_lines",
	[CK_C4_FEW_SENTENCES] = "c4_few_sentences",
};

/* Which value a check tests, against which parameter, how: drop when value <, >, <=, >= it. */
static const struct {
	unsigned char value, param;
	char cmp;
} ck[CK_COUNT] = {
	[CK_TOO_FEW_WORDS] = { FV_WORDS, FP_MIN_DOC_WORDS, '<' },
	[CK_TOO_MANY_WORDS] = { FV_WORDS, FP_MAX_DOC_WORDS, '>' },
	[CK_SHORT_WORDS] = { FV_MEAN_WORD_LENGTH, FP_MIN_AVG_WORD_LENGTH, '<' },
	[CK_LONG_WORDS] = { FV_MEAN_WORD_LENGTH, FP_MAX_AVG_WORD_LENGTH, '>' },
	[CK_HASHES] = { FV_HASH_RATIO, FP_MAX_SYMBOL_WORD_RATIO, '>' },
	[CK_ELLIPSES] = { FV_ELLIPSIS_RATIO, FP_MAX_SYMBOL_WORD_RATIO, '>' },
	[CK_BULLET_LINES] = { FV_BULLET_LINES, FP_MAX_BULLET_LINES_RATIO, '>' },
	[CK_ELLIPSIS_LINES] = { FV_ELLIPSIS_LINES, FP_MAX_ELLIPSIS_LINES_RATIO, '>' },
	[CK_NON_ALPHA_WORDS] = { FV_ALPHA_WORDS, FP_MAX_NON_ALPHA_WORDS_RATIO, '<' },
	[CK_FEW_STOPWORDS] = { FV_STOPWORDS, FP_MIN_STOP_WORDS, '<' },
	[CK_DUP_PARAS] = { FV_DUP_PARAS, FP_DUP_PARA_FRAC, '>' },
	[CK_DUP_PARA_CHARS] = { FV_DUP_PARA_CHARS, FP_DUP_PARA_CHAR_FRAC, '>' },
	[CK_DUP_LINES] = { FV_DUP_LINES, FP_DUP_LINE_FRAC, '>' },
	[CK_DUP_LINE_CHARS] = { FV_DUP_LINE_CHARS, FP_DUP_LINE_CHAR_FRAC, '>' },
	[CK_TOP_2_GRAM] = { FV_TOP_2_GRAM, FP_TOP_2_GRAM, '>' },
	[CK_TOP_3_GRAM] = { FV_TOP_3_GRAM, FP_TOP_3_GRAM, '>' },
	[CK_TOP_4_GRAM] = { FV_TOP_4_GRAM, FP_TOP_4_GRAM, '>' },
	[CK_DUP_5_GRAM] = { FV_DUP_5_GRAM, FP_DUP_5_GRAM, '>' },
	[CK_DUP_6_GRAM] = { FV_DUP_6_GRAM, FP_DUP_6_GRAM, '>' },
	[CK_DUP_7_GRAM] = { FV_DUP_7_GRAM, FP_DUP_7_GRAM, '>' },
	[CK_DUP_8_GRAM] = { FV_DUP_8_GRAM, FP_DUP_8_GRAM, '>' },
	[CK_DUP_9_GRAM] = { FV_DUP_9_GRAM, FP_DUP_9_GRAM, '>' },
	[CK_DUP_10_GRAM] = { FV_DUP_10_GRAM, FP_DUP_10_GRAM, '>' },
	[CK_LINE_PUNCT] = { FV_LINE_PUNCT, FP_LINE_PUNCT_THR, 'l' },
	[CK_SHORT_LINES] = { FV_SHORT_LINES, FP_SHORT_LINE_THR, 'g' },
	[CK_CHAR_DUP] = { FV_CHAR_DUP, FP_CHAR_DUPLICATES_RATIO, 'g' },
	[CK_NEW_LINES] = { FV_NEW_LINES, FP_NEW_LINE_RATIO, '>' },
	[CK_C4_FEW_SENTENCES] = { FV_C4_SENTENCES, FP_C4_MIN_SENTENCES, '<' },
};

/*
 * datatrove skips a Gopher rule whose threshold is 0 (`if self.x and
 * ...`); the FineWeb rules and the n-gram rules compare 0 like any number.
 */
static int zero_off(int param)
{
	return param <= FP_DUP_PARA_CHAR_FRAC;
}

static int on(const struct filter *f, int param)
{
	double v = f->v[param];

	return !isnan(v) && !(v == 0 && zero_off(param));
}

/* Is the value needed: annotating, or its rule is on? */
static int need(const struct fl_ctx *c, int check)
{
	return c->o->annotate || on(c->f, ck[check].param);
}

int fl_fail(struct fl_ctx *c, const char *reason, int has_value, double value,
	    double threshold)
{
	struct filter_result *r = c->res;

	if (!r->drop) {
		r->drop = 1;
		r->reason = reason;
		r->has_value = has_value;
		r->value = value;
		r->threshold = threshold;
	}
	if (r->nreasons < FILTER_MAX_REASONS)
		r->reasons[r->nreasons++] = reason;
	return !c->o->annotate;
}

int fl_check(struct fl_ctx *c, int k, double value)
{
	double thr = c->f->v[ck[k].param];
	int fail = 0;

	c->res->values[ck[k].value] = value;
	c->res->have[ck[k].value] = 1;
	if (!on(c->f, ck[k].param))
		return 0;
	switch (ck[k].cmp) {
	case '<': fail = value < thr; break;
	case '>': fail = value > thr; break;
	case 'g': fail = value >= thr; break;
	case 'l':
		fail = value <= thr &&
		       !(value == 0 && c->f->v[FP_LINE_PUNCT_EXCLUDE_ZERO] == 1);
		break;
	}
	return fail ? fl_fail(c, fl_check_reasons[k], 1, value, thr) : 0;
}

static int tokens(struct fl_ctx *c)
{
	if (c->have_tokens)
		return 0;
	if (filter_tokenize(c->text, c->len, &c->f->tok))
		return -1;
	c->have_tokens = 1;
	return 0;
}

/* Empty the counting table, with room for n keys at half load. */
static int count_reset(struct filter *f, size_t n)
{
	size_t cap = 16;

	while (cap < 2 * n)
		cap <<= 1;
	if (!f->cnt || cap > f->cmask + 1) {
		free(f->cnt);
		f->cnt = malloc(cap * sizeof(*f->cnt));
		if (!f->cnt) {
			f->cmask = 0;
			return -1;
		}
		f->cmask = cap - 1;
	}
	memset(f->cnt, 0, cap * sizeof(*f->cnt));	/* only the part in use */
	f->cur_mask = cap - 1;
	return 0;
}

/* The slot of key, count 0 when new. */
static inline struct fl_count *count_slot(struct filter *f, uint64_t key)
{
	size_t i = (size_t)((key * 0x9E3779B97F4A7C15ULL) >> 32) & f->cur_mask;

	for (;;) {
		struct fl_count *e = &f->cnt[i];

		if (!e->count || e->key == key)
			return e;
		i = (i + 1) & f->cur_mask;
	}
}

/*
 * find_duplicates() over pieces of the text: how many pieces, and the
 * pieces and code points of those seen before.
 */
struct dups {
	size_t pieces, dup, dup_cps;
};

/* Add s[0..n), whose hash is h. */
static void dup_add_h(struct filter *f, struct dups *d, uint64_t h, const char *s, size_t n)
{
	struct fl_count *e = count_slot(f, h);

	d->pieces++;
	if (e->count) {
		d->dup++;
		d->dup_cps += fl_cps(s, n);
	} else {
		e->key = h;
		e->count = 1;
	}
}

static void dup_add(struct filter *f, struct dups *d, const char *s, size_t n)
{
	dup_add_h(f, d, XXH3_64bits(s, n), s, n);
}

/*
 * The lines of text.split("\n"), found once for the rules that go line
 * by line: f->nl holds the offsets of the c->nnl line feeds.
 */
static int lines(struct fl_ctx *c)
{
	struct filter *f = c->f;
	const char *t = c->text, *p = t, *end = t + c->len;
	size_t k = 0;

	if (c->have_lines)
		return 0;
	while ((p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		if (k == f->nlcap) {
			size_t *nl = ayak_grow(f->nl, &f->nlcap, k + 1, sizeof(*nl), 256);

			if (!nl)
				return -1;
			f->nl = nl;
		}
		f->nl[k++] = (size_t)(p++ - t);
	}
	c->nnl = k;
	c->have_lines = 1;
	c->have_line_hashes = 0;
	return 0;
}

/* Line k of text.split("\n"): its bytes [*b, *e). */
static inline void line_at(const struct fl_ctx *c, size_t k, size_t *b, size_t *e)
{
	*b = k ? c->f->nl[k - 1] + 1 : 0;
	*e = k < c->nnl ? c->f->nl[k] : c->len;
}

/* XXH3 of every line, for the two rules that look for repeated lines. */
static int line_hashes(struct fl_ctx *c)
{
	struct filter *f = c->f;
	size_t k, b, e;

	if (lines(c))
		return -1;
	if (c->have_line_hashes)
		return 0;
	if (c->nnl + 1 > f->lhcap) {
		free(f->lh);
		f->lh = malloc((c->nnl + 1) * sizeof(*f->lh));
		f->lhcap = f->lh ? c->nnl + 1 : 0;
		if (!f->lh)
			return -1;
	}
	for (k = 0; k <= c->nnl; k++) {
		line_at(c, k, &b, &e);
		f->lh[k] = XXH3_64bits(c->text + b, e - b);
	}
	c->have_line_hashes = 1;
	return 0;
}

/* Line feeds in s[0..n). */
static size_t count_lf(const char *s, size_t n)
{
	const char *p = s, *end = s + n;
	size_t k = 0;

	while ((p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		k++;
		p++;
	}
	return k;
}

/* ---- Gopher repetition ---- */

/* Prefix hashes, byte lengths and code points of the tokens joined without spaces. */
static int prefixes(struct filter *f)
{
	size_t n = f->tok.n, i;

	if (n + 1 > f->pcap) {
		size_t cap = n + 1 > 2 * f->pcap ? n + 1 : 2 * f->pcap;

		free(f->ph);
		free(f->plen);
		free(f->pcps);
		f->ph = malloc(cap * sizeof(*f->ph));
		f->plen = malloc(cap * sizeof(*f->plen));
		f->pcps = malloc(cap * sizeof(*f->pcps));
		f->pcap = cap;
		if (!f->ph || !f->plen || !f->pcps) {
			f->pcap = 0;
			return -1;
		}
	}
	f->ph[0] = 0;
	f->plen[0] = 0;
	f->pcps[0] = 0;
	for (i = 0; i < n; i++) {
		const struct filter_token *t = &f->tok.t[i];

		f->ph[i + 1] = f->ph[i] * t->p + t->h;
		f->plen[i + 1] = f->plen[i] + t->len;
		f->pcps[i + 1] = f->pcps[i] + t->cps;
	}
	return 0;
}

/* Hash of tokens [i, j) joined without spaces: H(a b) = H(a) B^|b| + H(b). */
static inline uint64_t span_hash(const struct filter *f, size_t i, size_t j)
{
	return f->ph[j] - f->ph[i] * fl_bpow(f->plen[j] - f->plen[i]);
}

/* Saturating counters for n n-grams: 8 or more each, few places share one by chance. */
static size_t bucket_count(size_t n)
{
	size_t cap = 1024;

	while (cap < 8 * n)
		cap <<= 1;
	return cap;
}

/* Slots used for n keys: at most half full. */
static size_t ngram_slots(size_t n)
{
	size_t cap = 16;

	while (cap < 2 * n)
		cap <<= 1;
	return cap;
}

/*
 * Per-token work space for n tokens.  The counting tables come apart
 * (ngram_table(), seen_table()), sized for the places that can repeat,
 * not for every token: a long text of few repeats needs small ones.
 */
static int ngram_tables(struct filter *f, size_t n)
{
	if (n + 1 > f->dirty_cap) {
		free(f->dirty);
		free(f->next);
		free(f->bidx);
		free(f->hk);
		free(f->rep);
		f->dirty = malloc((n + 1) * sizeof(*f->dirty));
		f->next = malloc((n + 1) * sizeof(*f->next));
		f->bidx = malloc((n + 1) * sizeof(*f->bidx));
		f->hk = malloc((n + 1) * sizeof(*f->hk));
		f->rep = malloc(2 * (n + 1));
		f->dirty_cap = f->dirty && f->next && f->bidx && f->hk && f->rep ? n + 1 : 0;
		if (!f->dirty_cap)
			return -1;
	}
	if (bucket_count(n) > f->bucket_cap) {
		free(f->bucket);
		f->bucket = calloc(bucket_count(n), 1);
		f->bucket_cap = f->bucket ? bucket_count(n) : 0;
		if (!f->bucket)
			return -1;
	}
	return 0;
}

/*
 * An empty counting table for m n-grams (f->tops), or the table of the
 * walks (f->seen).  Tables are emptied slot by slot after each use (the
 * dirty list), not cleared whole: a document fills a small part of them.
 */
static struct fl_count *ngram_table(struct filter *f, size_t m)
{
	size_t cap = ngram_slots(m);

	if (cap > f->tops_cap) {
		free(f->tops);
		f->tops = calloc(cap, sizeof(*f->tops));
		f->tops_cap = f->tops ? cap : 0;
	}
	return f->tops;
}

static uint64_t *seen_table(struct filter *f, size_t m)
{
	size_t cap = ngram_slots(m);

	if (cap > f->seen_cap) {
		free(f->seen);
		f->seen = calloc(cap, sizeof(*f->seen));
		f->seen_cap = f->seen ? cap : 0;
	}
	return f->seen;
}

/* Empty the nd slots of f->tops filled since it was last emptied. */
static void tops_clear(struct filter *f, size_t *nd)
{
	while (*nd)
		f->tops[f->dirty[--*nd]].count = 0;
}

/*
 * Count key, the n-gram at token i, in a counting table.  Where n-grams
 * occur twice or more, rep[] marks their places: this one, and the first
 * one (the entry keeps it) when the count reaches 2.  So the next pass
 * finds the repeats in order, without reading the table again.
 */
static inline struct fl_count *count_key(struct filter *f, struct fl_count *tab, size_t mask,
					 uint64_t key, uint32_t i, unsigned char *rep, size_t *nd)
{
	size_t s = (size_t)((key * 0x9E3779B97F4A7C15ULL) >> 32) & mask;

	while (tab[s].count && tab[s].key != key)
		s = (s + 1) & mask;
	if (!tab[s].count) {
		tab[s].key = key;
		tab[s].first = i;
		f->dirty[(*nd)++] = (uint32_t)s;
	} else {
		rep[tab[s].first] = 1;
		rep[i] = 1;
	}
	tab[s].count++;
	return &tab[s];
}

/* Where key sits (or would) in a table of mask + 1 slots: fetched ahead of use. */
static inline void prefetch_slot(const struct fl_count *tab, size_t mask, uint64_t key)
{
	__builtin_prefetch(&tab[(size_t)((key * 0x9E3779B97F4A7C15ULL) >> 32) & mask]);
}

/* Hash of " ".join of the n tokens from i. */
static inline uint64_t gram(const struct filter_token *tk, size_t i, size_t n)
{
	uint64_t h = tk[i].h;
	size_t j;

	for (j = 1; j < n; j++)
		h = (h * FILTER_HASH_BASE + ' ') * tk[i + j].p + tk[i + j].h;
	return h;
}

/* Hash of " ".join of tokens i and i + 1. */
static inline uint64_t gram2(const struct filter_token *tk, size_t i)
{
	return (tk[i].h * FILTER_HASH_BASE + ' ') * tk[i + 1].p + tk[i + 1].h;
}

/* The highest count so far; on a tie, the n-gram seen first. */
static inline void best_update(const struct fl_count *e, size_t *count, uint32_t *first)
{
	if (e->count > *count || (e->count == *count && e->first < *first)) {
		*count = e->count;
		*first = e->first;
	}
}

/* Hashes are made this many places ahead of their use, and their slots fetched. */
#define AHEAD 8

/*
 * Of the places 0 to np - 1, with the hashes of their n-grams in f->hk,
 * those whose hash may occur more than once, in order, into at[]; how
 * many.  In prose most n-grams occur once, and whether one is new cannot
 * be predicted: a pass without branches counts the hashes in saturating
 * counters (0, 1, 2 or more), and only the places whose counter reaches
 * 2 need the exact table and its unpredictable branches.
 */
static size_t candidates(struct filter *f, size_t np, uint32_t *at)
{
	unsigned char *cnt = f->bucket;
	uint32_t *bidx = f->bidx;
	unsigned bits = (unsigned)__builtin_ctzll(bucket_count(np));
	size_t i, m = 0;

	for (i = 0; i < np; i++) {
		uint32_t b = (uint32_t)((f->hk[i] * 0x9E3779B97F4A7C15ULL) >> (64 - bits));

		bidx[i] = b;
		cnt[b] += cnt[b] < 2;
	}
	for (i = 0; i < np; i++) {
		at[m] = (uint32_t)i;
		m += cnt[bidx[i]] >> 1;
	}
	memset(cnt, 0, (size_t)1 << bits);
	return m;
}

/*
 * Count the n-grams at the m places at[] (hashes in f->hk, by place
 * when byplace, else by index) in the table at tab, sized for m keys (a
 * small table stays in cache); marks in rep[] as count_key().  With best,
 * the most common: its count and first place.
 */
static void count_places(struct filter *f, struct fl_count *tab, const uint32_t *at, size_t m,
			 int byplace, unsigned char *rep, size_t *nd, size_t *best_count,
			 uint32_t *best_first)
{
	size_t mask = ngram_slots(m) - 1, q;
	const uint64_t *hk = f->hk;

	for (q = 0; q < m; q++) {
		const struct fl_count *e;

		if (q + AHEAD < m)
			prefetch_slot(tab, mask, hk[byplace ? at[q + AHEAD] : q + AHEAD]);
		e = count_key(f, tab, mask, hk[byplace ? at[q] : q], at[q], rep, nd);
		if (best_count)
			best_update(e, best_count, best_first);
	}
}

/*
 * Top n-grams, n = 2, 3, 4: Counter.most_common(1) of the " ".join of n
 * words, its count times its length.  An n-gram can occur twice only
 * where its first n - 1 words do, so the 3- and 4-gram passes count only
 * at those places; elsewhere each n-gram occurs once.  (Tokens hold no
 * spaces, so " ".join strings are equal exactly when the words are.)
 * Only the count of an n-gram that occurs twice or more matters: with
 * none, the first n-gram is the most common.
 */
static int top_ngrams(struct fl_ctx *c, double L)
{
	struct filter *f = c->f;
	const struct filter_token *tk = f->tok.t;
	size_t ntok = f->tok.n, i, k, j, nd = 0, m = 0, q;
	unsigned char *prev = f->rep, *cur = f->rep + ntok + 1, *swap;
	uint32_t *at = f->next;
	int want[3], any = 0, last = -1;

	for (k = 0; k < 3; k++) {
		want[k] = need(c, CK_TOP_2_GRAM + (int)k) && ntok >= k + 2;
		if (want[k])
			last = (int)k;
		any |= want[k];
	}
	if (!any)
		return 0;
	for (k = 0; k <= (size_t)last; k++) {
		size_t n = k + 2, best_count = 0, len = k + 1;
		uint32_t best_first = 0;

		memset(cur, 0, ntok);
		if (!k) {	/* 2-grams: every place */
			for (i = 0; i + n <= ntok; i++)
				f->hk[i] = gram2(tk, i);
			m = candidates(f, ntok - 1, at);
			if (!ngram_table(f, m))
				return -1;
			count_places(f, f->tops, at, m, 1, cur, &nd, &best_count, &best_first);
		} else {
			/*
			 * The places where the (n-1)-gram repeats: of those just
			 * counted, kept in order without a branch each.
			 */
			size_t m2 = 0;

			for (q = 0; q < m; q++) {
				at[m2] = at[q];
				m2 += prev[at[q]] & (at[q] + n <= ntok);
			}
			m = m2;
			for (q = 0; q < m; q++)
				f->hk[q] = gram(tk, at[q], n);
			count_places(f, f->tops, at, m, 0, cur, &nd, &best_count, &best_first);
		}
		/* the marks in cur[] are all the next pass needs of the table */
		tops_clear(f, &nd);
		if (best_count < 2) {	/* every n-gram once: the first one */
			best_count = 1;
			best_first = 0;
		}
		for (j = 0; j < n; j++)
			len += tk[best_first + j].cps;
		if (want[k] && fl_check(c, CK_TOP_2_GRAM + (int)k, (double)(best_count * len) / L))
			return 1;
		swap = prev;
		prev = cur;
		cur = swap;
	}
	return 0;
}

/*
 * find_all_duplicate(words, n) for n = 5 to 10: an n-gram ("".join of n
 * words) seen before adds its characters and skips n words; a new one is
 * remembered and the walk moves one word on.  An n-gram can repeat only
 * where its first five words repeat: one pass counts the 5-grams, and the
 * walks look up and remember n-grams only at those places.
 */
static int dup_ngrams(struct fl_ctx *c, double L)
{
	struct filter *f = c->f;
	size_t ntok = f->tok.n, mask, k, i, nd = 0, nseen = 0, nrep = 0, m;
	unsigned char *rep5 = f->rep;
	uint32_t *at = f->next;
	int want[6], any = 0;

	for (k = 0; k < 6; k++) {
		want[k] = need(c, CK_DUP_5_GRAM + (int)k);
		any |= want[k];
	}
	if (!any)
		return 0;
	if (ntok < 5) {
		for (k = 0; k < 6; k++)
			if (want[k] && fl_check(c, CK_DUP_5_GRAM + (int)k, 0))
				return 1;
		return 0;
	}
	if (prefixes(f))
		return -1;
	for (i = 0; i + 5 <= ntok; i++)
		f->hk[i] = span_hash(f, i, i + 5);
	memset(rep5, 0, ntok);
	m = candidates(f, ntok - 4, at);
	if (!ngram_table(f, m))
		return -1;
	count_places(f, f->tops, at, m, 1, rep5, &nd, NULL, NULL);
	tops_clear(f, &nd);
	/* the places whose 5-gram occurs twice or more, in order */
	for (i = 0; i < m; i++) {
		at[nrep] = at[i];
		nrep += rep5[at[i]];
	}
	/*
	 * The walks remember n-grams at those places only: small tables stay
	 * in cache.  One table, emptied after each walk.
	 */
	if (!seen_table(f, nrep))
		return -1;
	mask = ngram_slots(nrep) - 1;
	for (k = 0; k < 6; k++) {
		size_t n = k + 5, idx = 0, rep = 0, next = 0;
		uint64_t *seen = f->seen;
		int stop;

		if (!want[k])
			continue;
		for (;;) {
			uint64_t h;
			size_t s;

			/* new n-grams that nothing can repeat: the walk steps over them */
			if (idx + 5 <= ntok) {
				while (next < nrep && at[next] < idx)
					next++;
				idx = next < nrep ? at[next] : ntok;
			}
			if (idx + n > ntok)
				break;
			h = span_hash(f, idx, idx + n);
			h += !h;	/* 0 marks an empty slot */
			s = (size_t)((h * 0x9E3779B97F4A7C15ULL) >> 32) & mask;
			while (seen[s] && seen[s] != h)
				s = (s + 1) & mask;
			if (seen[s]) {
				rep += f->pcps[idx + n] - f->pcps[idx];
				idx += n;
			} else {
				seen[s] = h;
				f->dirty[nseen++] = (uint32_t)s;
				idx++;
			}
		}
		while (nseen)
			seen[f->dirty[--nseen]] = 0;
		stop = fl_check(c, CK_DUP_5_GRAM + (int)k, (double)rep / L);
		if (stop)
			break;
	}
	return k < 6;
}

int fl_repetition(struct fl_ctx *c)
{
	struct filter *f = c->f;
	const char *t = c->text;
	size_t n = c->len, i;
	double L = (double)c->cps;
	int k;

	/* paragraphs: re.split(r"\n{2,}", text.strip()) */
	if (need(c, CK_DUP_PARAS) || need(c, CK_DUP_PARA_CHARS)) {
		struct dups d = { 0 };
		size_t b, e, p;

		fl_strip(t, n, &b, &e);
		if (count_reset(f, count_lf(t + b, e - b) / 2 + 1))
			return -1;
		for (p = i = b; i < e;) {
			if (t[i] == '\n' && i + 1 < e && t[i + 1] == '\n') {
				size_t r = i;

				while (r < e && t[r] == '\n')
					r++;
				dup_add(f, &d, t + p, i - p);
				p = i = r;
			} else {
				i++;
			}
		}
		dup_add(f, &d, t + p, e - p);
		if (fl_check(c, CK_DUP_PARAS, (double)d.dup / (double)d.pieces) ||
		    fl_check(c, CK_DUP_PARA_CHARS, (double)d.dup_cps / L))
			return 1;
	}
	/* lines: re.split("\n+", text) */
	if (need(c, CK_DUP_LINES) || need(c, CK_DUP_LINE_CHARS)) {
		struct dups d = { 0 };
		size_t b, e;

		if (line_hashes(c) || count_reset(f, c->nnl + 1))
			return -1;
		/* its pieces: the first line, the lines with something in them, the last line */
		for (i = 0; i <= c->nnl; i++) {
			line_at(c, i, &b, &e);
			if (e > b || i == 0 || i == c->nnl)
				dup_add_h(f, &d, f->lh[i], t + b, e - b);
		}
		if (fl_check(c, CK_DUP_LINES, (double)d.dup / (double)d.pieces) ||
		    fl_check(c, CK_DUP_LINE_CHARS, (double)d.dup_cps / L))
			return 1;
	}
	if (need(c, CK_TOP_2_GRAM) || need(c, CK_TOP_3_GRAM) || need(c, CK_TOP_4_GRAM) ||
	    need(c, CK_DUP_5_GRAM) || need(c, CK_DUP_6_GRAM) || need(c, CK_DUP_7_GRAM) ||
	    need(c, CK_DUP_8_GRAM) || need(c, CK_DUP_9_GRAM) || need(c, CK_DUP_10_GRAM)) {
		if (tokens(c) || ngram_tables(f, f->tok.n))
			return -1;
	}
	if ((k = top_ngrams(c, L)) != 0)
		return k;
	return dup_ngrams(c, L);
}

/* ---- FineWeb quality ---- */

static int stop_char(char ch)
{
	return ch == '.' || ch == '\'' || ch == '"' || ch == '!' || ch == '?';
}

int fl_fineweb(struct fl_ctx *c)
{
	struct filter *f = c->f;
	const char *t = c->text;
	size_t nlines, i, newlines, b, e;

	if (!need(c, CK_LINE_PUNCT) && !need(c, CK_SHORT_LINES) && !need(c, CK_CHAR_DUP) &&
	    !need(c, CK_NEW_LINES))
		return 0;
	if (lines(c))
		return -1;
	newlines = c->nnl;
	nlines = newlines + 1;	/* text.split("\n") */
	if (need(c, CK_LINE_PUNCT) || need(c, CK_SHORT_LINES)) {
		double maxlen = f->v[FP_SHORT_LINE_LENGTH];
		size_t punct = 0, shorts = 0;
		int want_short = need(c, CK_SHORT_LINES);

		if (isnan(maxlen))
			maxlen = 30;	/* datatrove's default short_line_length */
		for (i = 0; i < nlines; i++) {
			line_at(c, i, &b, &e);
			if (e > b && stop_char(t[e - 1]))
				punct++;
			if (want_short && (double)fl_cps(t + b, e - b) <= maxlen)
				shorts++;
		}
		if (fl_check(c, CK_LINE_PUNCT, (double)punct / (double)nlines))
			return 1;
		if (want_short && fl_check(c, CK_SHORT_LINES, (double)shorts / (double)nlines))
			return 1;
	}
	if (need(c, CK_CHAR_DUP)) {
		/* find_duplicates(non-empty lines)[1] / len(text.replace("\n", "")) */
		struct dups d = { 0 };
		size_t denom = c->cps - newlines;

		if (line_hashes(c) || count_reset(f, nlines))
			return -1;
		for (i = 0; i < nlines; i++) {
			size_t sb, se;

			line_at(c, i, &b, &e);
			fl_strip(t + b, e - b, &sb, &se);
			if (sb != se)
				dup_add_h(f, &d, f->lh[i], t + b, e - b);
		}
		if (fl_check(c, CK_CHAR_DUP, denom ? (double)d.dup_cps / (double)denom : 0))
			return 1;
	}
	if (need(c, CK_NEW_LINES)) {
		if (tokens(c))
			return -1;
		if (f->tok.n && fl_check(c, CK_NEW_LINES, (double)newlines / (double)f->tok.n))
			return 1;
	}
	return 0;
}

/* ---- Gopher quality ---- */

/*
 * A line boundary of str.splitlines() at s[i]: its length in bytes (2 for
 * "\r\n"), or 0.
 */
static inline size_t linebreak_at(const unsigned char *s, size_t n, size_t i)
{
	unsigned char c = s[i];

	if (c < 0x20) {
		if (c == '\r')
			return i + 1 < n && s[i + 1] == '\n' ? 2 : 1;
		return c == '\n' || c == 0x0B || c == 0x0C || c == 0x1C || c == 0x1D || c == 0x1E;
	}
	if (c == 0xC2)
		return i + 1 < n && s[i + 1] == 0x85 ? 2 : 0;
	if (c == 0xE2)
		return i + 2 < n && s[i + 1] == 0x80 && (s[i + 2] == 0xA8 || s[i + 2] == 0xA9) ? 3 : 0;
	return 0;
}

/* Bytes the Gopher quality pass stops at: '#', '.', line breaks, 0xC2 and 0xE2 leads. */
static unsigned char interest[256];

static void init_interest(void)
{
	if (interest['#'])
		return;
	interest['#'] = interest['.'] = interest[0xC2] = interest[0xE2] = 1;
	interest['\n'] = interest['\r'] = interest[0x0B] = interest[0x0C] = 1;
	interest[0x1C] = interest[0x1D] = interest[0x1E] = 1;
}

/* The next byte of interest from i on (n if none), eight bytes a step while there are none. */
static size_t next_interest(const unsigned char *u, size_t i, size_t n)
{
	for (;;) {
		size_t lim;

		while (i + 8 <= n) {
			uint64_t x = fl_load8(u + i);
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
			/*
			 * A full stop matters only before another ("..."; the
			 * last byte cannot tell).  The lowest flagged byte is a
			 * true candidate: go straight to it.
			 */
			uint64_t d = fl_eq_bytes(x, '.');
			uint64_t m = fl_has_less(x, 0x20) | fl_has_byte(x, '#') |
				     (d & ((d >> 8) | 0x8000000000000000ULL)) | fl_has_lead(x);

			if (m) {
				i += (size_t)__builtin_ctzll(m) >> 3;
				break;
			}
#else
			if (fl_has_less(x, 0x20) | fl_has_byte(x, '#') | fl_has_byte(x, '.') |
			    fl_has_lead(x))
				break;
#endif
			i += 8;
		}
		lim = i + 8 < n ? i + 8 : n;
		for (; i < lim; i++)
			if (interest[u[i]])
				return i;
		if (i >= n)
			return n;
	}
}

/*
 * A text that may hold more than max_doc_words words is dropped for it
 * before the other rules, whose tables take memory in proportion to the
 * text (about 30 bytes per byte): a 50 MB record of 9 million words is
 * decided with its words counted a piece at a time, in little memory.  Only where the
 * count could pass the limit: a word takes a byte and another byte
 * between it and the next, so a text of up to 2 * max_doc_words bytes
 * goes the usual way.  Pieces end after ASCII white space, where no
 * token spans, so they hold the tokens of the whole text.
 */
int fl_too_many_words(struct fl_ctx *c)
{
	enum { PIECE = 1 << 20 };
	struct filter *f = c->f;
	double max = f->v[FP_MAX_DOC_WORDS];
	size_t words = 0, b = 0, e, i;

	if (isnan(max) || max == 0 || (double)((c->len + 1) / 2) <= max)
		return 0;
	/*
	 * --annotate runs every rule, and their tables, anyway: the whole
	 * text's tokens, which they share, and the reason a run would give
	 * first (ayak-filter(1): "the decision is the same as without").
	 */
	if (c->o->annotate) {
		if (tokens(c))
			return -1;
		for (i = 0; i < f->tok.n; i++)
			words += (f->tok.t[i].flags & FTOK_WORD) != 0;
		c->words_checked = (double)words > max;
		return c->words_checked && fl_check(c, CK_TOO_MANY_WORDS, (double)words);
	}
	while (b < c->len) {
		e = c->len - b > PIECE ? b + PIECE : c->len;
		while (e < c->len && !(((unsigned char)c->text[e - 1]) < 0x80 &&
				       fl_ascii_space[(unsigned char)c->text[e - 1]]))
			e++;
		if (filter_tokenize(c->text + b, e - b, &f->tok))
			return -1;
		for (i = 0; i < f->tok.n; i++)
			words += (f->tok.t[i].flags & FTOK_WORD) != 0;
		b = e;
	}
	c->have_tokens = 0;	/* f->tok holds the last piece's */
	return (double)words > max && fl_check(c, CK_TOO_MANY_WORDS, (double)words);
}

int fl_gopher_quality(struct fl_ctx *c)
{
	struct filter *f = c->f;
	const unsigned char *u = (const unsigned char *)c->text;
	size_t n = c->len, nw, words = 0, word_cps = 0, alpha = 0, stops = 0, i;
	double dn;
	int k;

	for (k = CK_TOO_FEW_WORDS; k <= CK_FEW_STOPWORDS; k++)
		if (need(c, k))
			break;
	if (k > CK_FEW_STOPWORDS)
		return 0;
	if (tokens(c))
		return -1;
	nw = f->tok.n;
	if (!nw)
		return 0;
	dn = (double)nw;
	for (i = 0; i < nw; i++) {	/* arithmetic, not branches: words and symbols mix at random */
		const struct filter_token *t = &f->tok.t[i];
		size_t w = (t->flags & FTOK_WORD) != 0;

		words += w;
		word_cps += t->cps & (0 - (uint32_t)w);
		alpha += (t->flags & FTOK_ALPHA) != 0;
	}
	/* too_many_words already listed by fl_too_many_words() */
	if (fl_check(c, CK_TOO_FEW_WORDS, (double)words) ||
	    (!c->words_checked && fl_check(c, CK_TOO_MANY_WORDS, (double)words)))
		return 1;
	if (words && (fl_check(c, CK_SHORT_WORDS, (double)word_cps / (double)words) ||
		      fl_check(c, CK_LONG_WORDS, (double)word_cps / (double)words)))
		return 1;
	if (need(c, CK_HASHES) || need(c, CK_ELLIPSES) || need(c, CK_BULLET_LINES) ||
	    need(c, CK_ELLIPSIS_LINES)) {
		/*
		 * One pass: text.count("#"), text.count("...") + text.count("…"),
		 * and the lines of text.splitlines() that start with a bullet
		 * or end with an ellipsis (after lstrip and rstrip).
		 */
		size_t hashes = 0, ellipses = 0, lines = 0, bullets = 0, ends = 0, p = 0, br;

		init_interest();
		for (i = 0;; i++) {
			i = next_interest(u, i, n);
			br = 0;
			if (i < n) {
				if (u[i] == '#') {
					hashes++;
					continue;
				}
				if (u[i] == '.') {
					if (i + 2 < n && u[i + 1] == '.' && u[i + 2] == '.') {
						ellipses++;
						i += 2;
					}
					continue;
				}
				if (u[i] == 0xE2 && i + 2 < n && u[i + 1] == 0x80 && u[i + 2] == 0xA6) {
					ellipses++;
					i += 2;
					continue;
				}
				if (!(br = linebreak_at(u, n, i)))
					continue;
			} else if (i == p) {
				break;	/* no line after the last line break */
			}
			/* a line ends at i */
			{
				size_t b, e;

				lines++;
				fl_strip((const char *)u + p, i - p, &b, &e);
				b += p;
				e += p;
				if (b < e && (u[b] == '-' || (e - b >= 3 && u[b] == 0xE2 &&
							     u[b + 1] == 0x80 && u[b + 2] == 0xA2)))
					bullets++;
				if ((e - b >= 3 && u[e - 1] == '.' && u[e - 2] == '.' && u[e - 3] == '.') ||
				    (e - b >= 3 && u[e - 3] == 0xE2 && u[e - 2] == 0x80 && u[e - 1] == 0xA6))
					ends++;
			}
			if (i >= n)
				break;
			i += br - 1;
			p = i + 1;
		}
		if (fl_check(c, CK_HASHES, (double)hashes / dn) ||
		    fl_check(c, CK_ELLIPSES, (double)ellipses / dn))
			return 1;
		if (lines && (fl_check(c, CK_BULLET_LINES, (double)bullets / (double)lines) ||
			      fl_check(c, CK_ELLIPSIS_LINES, (double)ends / (double)lines)))
			return 1;
	}
	if (fl_check(c, CK_NON_ALPHA_WORDS, (double)alpha / dn))
		return 1;
	if (need(c, CK_FEW_STOPWORDS)) {
		/* without --annotate only the verdict counts: stop once it passes */
		double enough = c->o->annotate ? INFINITY : f->v[FP_MIN_STOP_WORDS];

		for (i = 0; i < nw && (double)stops < enough; i++)
			stops += fl_stopword(f, c->text, &f->tok.t[i]);
		if (fl_check(c, CK_FEW_STOPWORDS, (double)stops))
			return 1;
	}
	return 0;
}

/* ---- C4 ---- */

static int has_ci(const char *s, size_t n, const char *needle)
{
	size_t k = strlen(needle), i;

	for (i = 0; i + k <= n; i++)
		if (!strncasecmp(s + i, needle, k))
			return 1;
	return 0;
}

/* Sentences in a line: runs of . ! ? followed by a space or the end (at least 1). */
static size_t sentences(const char *s, size_t n)
{
	size_t i, count = 0;

	for (i = 0; i < n; i++)
		if ((s[i] == '.' || s[i] == '!' || s[i] == '?') &&
		    (i + 1 == n || s[i + 1] == ' ' || s[i + 1] == '\t'))
			count++;
	return count ? count : 1;
}

int fl_c4(struct fl_ctx *c)
{
	static const char *const policy[] = {
		"terms of use", "privacy policy", "cookie policy", "uses cookies",
		"use of cookies", "use cookies",
	};
	struct filter *f = c->f;
	const unsigned char *u = (const unsigned char *)c->text;
	size_t n = c->len, i, p = 0, nsent = 0, k;
	struct ayak_buf *line = &f->norm;
	int len = 0, stop = 0;
	double maxw = f->v[FP_C4_MAX_WORD_LENGTH], minw = f->v[FP_C4_MIN_WORDS_PER_LINE];

	ayak_buf_reset(&f->c4);
	for (i = 0; i <= n && !stop;) {
		uint32_t cp = i < n ? fl_cp(u, n, i, &len) : 0;
		size_t b, e, words = 0, j, wl = 0;
		int skip = 0, in = 0;

		if (i < n && !fl_islinebreak(cp)) {
			i += (size_t)len;
			continue;
		}
		if (i >= n && i == p)
			break;
		fl_strip(c->text + p, i - p, &b, &e);
		b += p;
		e += p;
		if (i < n) {
			if (u[i] == '\r' && i + 1 < n && u[i + 1] == '\n')
				len = 2;
			i += (size_t)len;
		} else {
			i++;
		}
		p = i;
		/* words = line.split(); a word over max_word_length drops the line */
		for (j = b; j < e; j += (size_t)len) {
			uint32_t wc = fl_cp(u, e, j, &len);

			if (fl_isspace(wc)) {
				in = 0;
				continue;
			}
			if (!in) {
				words++;
				wl = 0;
			}
			in = 1;
			if (!isnan(maxw) && ++wl > maxw)
				skip = 1;
		}
		if (skip)
			goto gone;
		ayak_buf_reset(line);
		if (f->v[FP_C4_CITATIONS] == 1) {
			/* CITATION_REGEX = \[\d*]|\[edit]|\[citation needed] */
			for (j = b; j < e;) {
				size_t q = j + 1;

				if (u[j] == '[') {
					while (q < e && u[q] >= '0' && u[q] <= '9')
						q++;
					if (q < e && u[q] == ']') {
						j = q + 1;
						continue;
					}
					if (e - j >= 6 && !memcmp(u + j, "[edit]", 6)) {
						j += 6;
						continue;
					}
					if (e - j >= 17 && !memcmp(u + j, "[citation needed]", 17)) {
						j += 17;
						continue;
					}
				}
				if (ayak_buf_add(line, u + j, 1))
					return -1;
				j++;
			}
		} else if (ayak_buf_add(line, u + b, e - b)) {
			return -1;
		}
		if (f->v[FP_C4_TERMINAL_PUNCT] == 1) {
			size_t l = line->len;

			if (!l || !(line->data[l - 1] == '.' || line->data[l - 1] == '?' ||
				    line->data[l - 1] == '!' || line->data[l - 1] == '"' ||
				    line->data[l - 1] == '\'') ||
			    (l >= 3 && !memcmp(line->data + l - 3, "...", 3)))
				goto gone;
		}
		if (!isnan(minw) && (double)words < minw)
			goto gone;
		if (!line->len) {
			if (f->v[FP_C4_TERMINAL_PUNCT] == 1 || (!isnan(minw) && minw > 0))
				goto gone;
			if (ayak_buf_add(line, "", 0) || ayak_buf_grow(line, 1))
				return -1;
		}
		if (f->v[FP_C4_LOREM_IPSUM] == 1 && has_ci(line->data, line->len, "lorem ipsum") &&
		    fl_fail(c, "c4_lorem_ipsum", 0, 0, 0)) {
			stop = 1;
			break;
		}
		if (f->v[FP_C4_JAVASCRIPT] == 1 && has_ci(line->data, line->len, "javascript"))
			goto gone;
		if (f->v[FP_C4_CURLY_BRACKET] == 1 && memchr(line->data, '{', line->len) &&
		    fl_fail(c, "c4_curly_bracket", 0, 0, 0)) {
			stop = 1;
			break;
		}
		if (f->v[FP_C4_POLICY] == 1) {
			for (k = 0; k < sizeof(policy) / sizeof(policy[0]); k++)
				if (has_ci(line->data, line->len, policy[k]))
					break;
			if (k < sizeof(policy) / sizeof(policy[0]))
				goto gone;
		}
		nsent += sentences(line->data, line->len);
		if ((f->c4.len && ayak_buf_add(&f->c4, "\n", 1)) ||
		    ayak_buf_add(&f->c4, line->data, line->len))
			return -1;
		continue;
gone:
		if (b < e)	/* a line of text taken out (blank ones are not counted) */
			c->res->lines_dropped[FLR_C4]++;
	}
	if (stop)
		return 1;
	if (fl_check(c, CK_C4_FEW_SENTENCES, (double)nsent))
		return 1;
	/* "\n".join(kept_lines).strip() */
	{
		size_t b, e;

		fl_strip(f->c4.data ? f->c4.data : "", f->c4.len, &b, &e);
		c->text = f->c4.data ? f->c4.data + b : "";
		c->len = e - b;
		c->cps = fl_cps(c->text, c->len);
		c->have_tokens = 0;
		c->have_lines = 0;
	}
	return 0;
}
