/* Training a byte-level BPE tokenizer; see bpetrain.h. */
#include <stdlib.h>
#include <string.h>

#include <xxhash.h>

#include "bpe.h"
#include "bpetrain.h"
#include "json.h"
#include "tok.h"

/* ---- words: distinct pre-tokens and their counts ---- */

struct wentry {
	uint64_t hash;
	uint32_t off, len;	/* bytes in wpool */
	uint64_t count;
};

/* ---- pairs ---- */

struct pentry {
	uint64_t key;		/* a << 32 | b; EMPTY when free */
	int64_t count;
	uint32_t *words;	/* words holding the pair (may repeat or be stale) */
	uint32_t nwords, awords;
};

#define EMPTY UINT64_MAX

struct hent {
	int64_t count;
	uint32_t a, b;
};

struct bpetrain {
	struct bpetrain_opts o;
	char *pattern;
	const char **specials;
	struct tok_regex *re;
	/* words */
	struct wentry *wt;
	size_t wmask, nw;
	struct ayak_buf wpool;
	uint64_t total_words;
	/* training state */
	uint32_t *sym;		/* symbols of every word, words one after the other */
	uint32_t *wstart, *wlen;
	uint64_t *wcount;
	uint32_t *stamp;
	struct pentry *pt;
	size_t pmask, np;
	struct hent *heap;
	size_t nheap, aheap;
	/* tokens */
	struct { uint32_t off, len; } *tok;
	uint32_t ntok, atok;
	struct ayak_buf tpool;
	uint32_t *tmap;		/* token bytes -> id, open addressing */
	size_t tmask;
	uint32_t (*merges)[2];
	uint32_t nmerges;
};

static int oom(struct ayak_err *err)
{
	return ayak_err_set(err, AYAK_E_SYS, "out of memory");
}

struct bpetrain *bpetrain_new(const struct bpetrain_opts *o, struct ayak_err *err)
{
	struct bpetrain *t = calloc(1, sizeof(*t));
	const char *pat;
	size_t i;

	if (!t) {
		oom(err);
		return NULL;
	}
	t->o = *o;
	pat = tok_named_pattern(o->pattern);
	t->pattern = strdup(pat ? pat : o->pattern);
	t->specials = calloc(o->nspecials ? o->nspecials : 1, sizeof(*t->specials));
	if (!t->pattern || !t->specials) {
		oom(err);
		goto fail;
	}
	for (i = 0; i < o->nspecials; i++) {
		if (!*o->specials[i]) {
			ayak_err_set(err, AYAK_E_USAGE, "a special token cannot be empty");
			goto fail;
		}
		t->specials[i] = o->specials[i];
	}
	t->o.specials = t->specials;
	if (o->vocab_size < 256 + o->nspecials + 1) {
		ayak_err_set(err, AYAK_E_USAGE, "a vocabulary of %u tokens leaves no room for merges",
			     o->vocab_size);
		goto fail;
	}
	t->re = tok_regex_new(t->pattern, strlen(t->pattern), err);
	if (!t->re)
		goto fail;
	t->wmask = 4095;
	t->wt = calloc(t->wmask + 1, sizeof(*t->wt));
	if (!t->wt) {
		oom(err);
		goto fail;
	}
	for (i = 0; i <= t->wmask; i++)
		t->wt[i].len = UINT32_MAX;
	return t;
fail:
	bpetrain_free(t);
	return NULL;
}

void bpetrain_free(struct bpetrain *t)
{
	size_t i;

	if (!t)
		return;
	free(t->pattern);
	free(t->specials);
	tok_regex_free(t->re);
	free(t->wt);
	ayak_buf_release(&t->wpool);
	free(t->sym);
	free(t->wstart);
	free(t->wlen);
	free(t->wcount);
	free(t->stamp);
	for (i = 0; t->pt && i <= t->pmask; i++)
		free(t->pt[i].words);
	free(t->pt);
	free(t->heap);
	free(t->tok);
	ayak_buf_release(&t->tpool);
	free(t->tmap);
	free(t->merges);
	free(t);
}

static int word_grow(struct bpetrain *t)
{
	size_t cap = (t->wmask + 1) * 2, i, j;
	struct wentry *v = calloc(cap, sizeof(*v));

	if (!v)
		return -1;
	for (i = 0; i < cap; i++)
		v[i].len = UINT32_MAX;
	for (i = 0; i <= t->wmask; i++) {
		if (t->wt[i].len == UINT32_MAX)
			continue;
		for (j = t->wt[i].hash & (cap - 1); v[j].len != UINT32_MAX; j = (j + 1) & (cap - 1))
			;
		v[j] = t->wt[i];
	}
	free(t->wt);
	t->wt = v;
	t->wmask = cap - 1;
	return 0;
}

static int count_word(struct bpetrain *t, const char *p, size_t n, struct ayak_err *err)
{
	uint64_t h = XXH3_64bits(p, n);
	size_t i;

	for (i = h & t->wmask; t->wt[i].len != UINT32_MAX; i = (i + 1) & t->wmask) {
		struct wentry *w = &t->wt[i];

		if (w->hash == h && w->len == n && !memcmp(t->wpool.data + w->off, p, n)) {
			w->count++;
			return 0;
		}
	}
	/* Offsets and lengths are 32-bit, and a length of UINT32_MAX marks a free slot. */
	if (t->wpool.len + n >= UINT32_MAX)
		return ayak_err_set(err, AYAK_E_DATA, "too many distinct words to train on");
	if ((t->nw + 1) * 2 > t->wmask + 1) {
		if (word_grow(t))
			return oom(err);
		for (i = h & t->wmask; t->wt[i].len != UINT32_MAX; i = (i + 1) & t->wmask)
			;
	}
	t->wt[i].hash = h;
	t->wt[i].off = (uint32_t)t->wpool.len;
	t->wt[i].len = (uint32_t)n;
	t->wt[i].count = 1;
	if (ayak_buf_add(&t->wpool, p, n))
		return oom(err);
	t->nw++;
	return 0;
}

int bpetrain_add(struct bpetrain *t, const char *text, size_t n, struct ayak_err *err)
{
	size_t pos = 0, ms, me;
	struct tok_scan sc = TOK_SCAN_INIT;
	int r;

	while ((r = tok_regex_next(t->re, text, n, pos, &sc, &ms, &me, err)) > 0) {
		/* Isolated: the text between matches is a word too. */
		if (ms > pos && count_word(t, text + pos, ms - pos, err))
			return -1;
		if (count_word(t, text + ms, me - ms, err))
			return -1;
		t->total_words++;
		pos = me;
	}
	if (r < 0)
		return -1;
	if (pos < n && count_word(t, text + pos, n - pos, err))
		return -1;
	return 0;
}

uint64_t bpetrain_words(const struct bpetrain *t)
{
	return t->nw;
}

uint32_t bpetrain_merges(const struct bpetrain *t)
{
	return t->nmerges;
}

/* ---- tokens ---- */

static uint32_t tok_find(const struct bpetrain *t, const char *p, size_t n)
{
	size_t i;

	if (!t->tmap)
		return BPE_NONE;
	for (i = XXH3_64bits(p, n) & t->tmask; t->tmap[i] != BPE_NONE; i = (i + 1) & t->tmask) {
		uint32_t id = t->tmap[i];

		if (t->tok[id].len == n && !memcmp(t->tpool.data + t->tok[id].off, p, n))
			return id;
	}
	return BPE_NONE;
}

static int tmap_put(struct bpetrain *t, uint32_t id)
{
	size_t i;

	if ((size_t)(t->ntok + 1) * 2 > (t->tmap ? t->tmask + 1 : 0)) {
		size_t cap = t->tmap ? (t->tmask + 1) * 2 : 1024;
		uint32_t *m = malloc(cap * sizeof(*m)), k;

		if (!m)
			return -1;
		memset(m, 0xFF, cap * sizeof(*m));
		for (k = 0; k < t->ntok; k++) {
			if (k == id)
				continue;
			for (i = XXH3_64bits(t->tpool.data + t->tok[k].off, t->tok[k].len) & (cap - 1);
			     m[i] != BPE_NONE; i = (i + 1) & (cap - 1))
				;
			m[i] = k;
		}
		free(t->tmap);
		t->tmap = m;
		t->tmask = cap - 1;
	}
	for (i = XXH3_64bits(t->tpool.data + t->tok[id].off, t->tok[id].len) & t->tmask;
	     t->tmap[i] != BPE_NONE; i = (i + 1) & t->tmask)
		;
	t->tmap[i] = id;
	return 0;
}

static int add_tok(struct bpetrain *t, const char *p, size_t n, uint32_t *id)
{
	if (t->ntok == t->atok) {
		uint32_t a = t->atok ? t->atok * 2 : 1024;
		void *v = realloc(t->tok, (size_t)a * sizeof(*t->tok));

		if (!v)
			return -1;
		t->tok = v;
		t->atok = a;
	}
	t->tok[t->ntok].off = (uint32_t)t->tpool.len;
	t->tok[t->ntok].len = (uint32_t)n;
	if (ayak_buf_add(&t->tpool, p, n))
		return -1;
	*id = t->ntok++;
	return tmap_put(t, *id);
}

/* ---- pair table ---- */

static size_t pkey_hash(uint64_t k)
{
	k ^= k >> 31;
	k *= 0x9E3779B97F4A7C15ULL;
	return (size_t)(k ^ (k >> 29));
}

static struct pentry *pair_get(struct bpetrain *t, uint32_t a, uint32_t b, int create)
{
	uint64_t key = (uint64_t)a << 32 | b;
	size_t i;

	for (i = pkey_hash(key) & t->pmask; t->pt[i].key != EMPTY; i = (i + 1) & t->pmask)
		if (t->pt[i].key == key)
			return &t->pt[i];
	if (!create)
		return NULL;
	if ((t->np + 1) * 2 > t->pmask + 1) {
		size_t cap = (t->pmask + 1) * 2, j, k;
		struct pentry *v = calloc(cap, sizeof(*v));

		if (!v)
			return NULL;
		for (j = 0; j < cap; j++)
			v[j].key = EMPTY;
		for (j = 0; j <= t->pmask; j++) {
			if (t->pt[j].key == EMPTY)
				continue;
			for (k = pkey_hash(t->pt[j].key) & (cap - 1); v[k].key != EMPTY; k = (k + 1) & (cap - 1))
				;
			v[k] = t->pt[j];
		}
		free(t->pt);
		t->pt = v;
		t->pmask = cap - 1;
		for (i = pkey_hash(key) & t->pmask; t->pt[i].key != EMPTY; i = (i + 1) & t->pmask)
			;
	}
	t->pt[i].key = key;
	t->pt[i].count = 0;
	t->pt[i].words = NULL;
	t->pt[i].nwords = t->pt[i].awords = 0;
	t->np++;
	return &t->pt[i];
}

static int pair_add_word(struct pentry *p, uint32_t w)
{
	if (p->nwords && p->words[p->nwords - 1] == w)
		return 0;
	if (p->nwords == p->awords) {
		uint32_t a = p->awords ? p->awords * 2 : 4;
		uint32_t *v = realloc(p->words, (size_t)a * sizeof(*v));

		if (!v)
			return -1;
		p->words = v;
		p->awords = a;
	}
	p->words[p->nwords++] = w;
	return 0;
}

/* Max-heap: higher count first, then lower (a, b). */
static int hbefore(const struct hent *x, const struct hent *y)
{
	if (x->count != y->count)
		return x->count > y->count;
	if (x->a != y->a)
		return x->a < y->a;
	return x->b < y->b;
}

static int hpush(struct bpetrain *t, int64_t count, uint32_t a, uint32_t b)
{
	struct hent e = { count, a, b };
	size_t i;

	if (t->nheap == t->aheap) {
		struct hent *v = ayak_grow(t->heap, &t->aheap, t->nheap + 1, sizeof(*v), 4096);

		if (!v)
			return -1;
		t->heap = v;
	}
	for (i = t->nheap++; i > 0 && hbefore(&e, &t->heap[(i - 1) / 2]); i = (i - 1) / 2)
		t->heap[i] = t->heap[(i - 1) / 2];
	t->heap[i] = e;
	return 0;
}

static struct hent hpop(struct bpetrain *t)
{
	struct hent top = t->heap[0], last = t->heap[--t->nheap];
	size_t i = 0, n = t->nheap;

	for (;;) {
		size_t c = 2 * i + 1;

		if (c >= n)
			break;
		if (c + 1 < n && hbefore(&t->heap[c + 1], &t->heap[c]))
			c++;
		if (!hbefore(&t->heap[c], &last))
			break;
		t->heap[i] = t->heap[c];
		i = c;
	}
	if (n)
		t->heap[i] = last;
	return top;
}

/* Change a pair's count by d (for word w when d > 0); remember it changed. */
static int bump(struct bpetrain *t, uint32_t a, uint32_t b, int64_t d, uint32_t w,
		struct ayak_buf *changed)
{
	struct pentry *p = pair_get(t, a, b, 1);
	uint32_t ab[2] = { a, b };

	if (!p)
		return -1;
	p->count += d;
	if (d > 0 && pair_add_word(p, w))
		return -1;
	return ayak_buf_add(changed, ab, sizeof(ab));
}

/* ---- training ---- */

static int setup(struct bpetrain *t, struct ayak_err *err)
{
	uint32_t order[256], id, w;
	size_t i, nsym = 0, k;
	int b, c;

	/* Byte tokens, in the order of their characters (as Hugging Face's trainer). */
	for (b = 0; b < 256; b++)
		order[b] = (uint32_t)b;
	for (b = 1; b < 256; b++)
		for (c = b; c > 0 && bpe_byte_char((unsigned char)order[c - 1]) >
					     bpe_byte_char((unsigned char)order[c]); c--) {
			uint32_t x = order[c];

			order[c] = order[c - 1];
			order[c - 1] = x;
		}
	for (b = 0; b < 256; b++) {
		char ch = (char)order[b];

		if (add_tok(t, &ch, 1, &id))
			return oom(err);
	}
	/* Words as symbol arrays. */
	for (i = 0; i <= t->wmask; i++)
		if (t->wt[i].len != UINT32_MAX)
			nsym += t->wt[i].len;
	t->sym = malloc((nsym ? nsym : 1) * sizeof(*t->sym));
	t->wstart = malloc((t->nw ? t->nw : 1) * sizeof(*t->wstart));
	t->wlen = malloc((t->nw ? t->nw : 1) * sizeof(*t->wlen));
	t->wcount = malloc((t->nw ? t->nw : 1) * sizeof(*t->wcount));
	t->stamp = calloc(t->nw ? t->nw : 1, sizeof(*t->stamp));
	t->pmask = 4095;
	t->pt = calloc(t->pmask + 1, sizeof(*t->pt));
	if (!t->sym || !t->wstart || !t->wlen || !t->wcount || !t->stamp || !t->pt)
		return oom(err);
	for (i = 0; i <= t->pmask; i++)
		t->pt[i].key = EMPTY;
	{
		uint32_t byte_id[256];

		for (b = 0; b < 256; b++)
			byte_id[order[b]] = (uint32_t)b;
		nsym = 0;
		w = 0;
		for (i = 0; i <= t->wmask; i++) {
			const struct wentry *we = &t->wt[i];

			if (we->len == UINT32_MAX)
				continue;
			t->wstart[w] = (uint32_t)nsym;
			t->wlen[w] = we->len;
			t->wcount[w] = we->count;
			for (k = 0; k < we->len; k++)
				t->sym[nsym++] = byte_id[(unsigned char)t->wpool.data[we->off + k]];
			for (k = 0; k + 1 < we->len; k++) {
				struct pentry *p = pair_get(t, t->sym[t->wstart[w] + k],
							    t->sym[t->wstart[w] + k + 1], 1);

				if (!p || pair_add_word(p, w))
					return oom(err);
				p->count += (int64_t)we->count;
			}
			w++;
		}
	}
	for (i = 0; i <= t->pmask; i++)
		if (t->pt[i].key != EMPTY && t->pt[i].count > 0 &&
		    hpush(t, t->pt[i].count, (uint32_t)(t->pt[i].key >> 32), (uint32_t)t->pt[i].key))
			return oom(err);
	return 0;
}

/* Merge every (a, b) in word w into c, counting pair changes. */
static int merge_in_word(struct bpetrain *t, uint32_t w, uint32_t a, uint32_t b, uint32_t c,
			 struct ayak_buf *changed)
{
	uint32_t *s = t->sym + t->wstart[w], n = t->wlen[w], i, k = 0;
	int64_t cnt = (int64_t)t->wcount[w];

	for (i = 0; i < n; i++) {
		if (i + 1 < n && s[i] == a && s[i + 1] == b) {
			if (k > 0 && (bump(t, s[k - 1], a, -cnt, w, changed) ||
				      bump(t, s[k - 1], c, cnt, w, changed)))
				return -1;
			if (i + 2 < n && (bump(t, b, s[i + 2], -cnt, w, changed) ||
					  bump(t, c, s[i + 2], cnt, w, changed)))
				return -1;
			if (bump(t, a, b, -cnt, w, changed))
				return -1;
			s[k++] = c;
			i++;
		} else {
			s[k++] = s[i];
		}
	}
	t->wlen[w] = k;
	return 0;
}

int bpetrain_run(struct bpetrain *t, struct ayak_buf *json, struct ayak_err *err)
{
	struct ayak_buf changed = AYAK_BUF_INIT, tmp = AYAK_BUF_INIT;
	uint32_t target = t->o.vocab_size - (uint32_t)t->o.nspecials, stamp = 0, i, specials_at;
	int ret = -1;

	if (setup(t, err))
		goto out;
	while (t->ntok < target && t->nheap) {
		struct hent top = hpop(t);
		struct pentry *p = pair_get(t, top.a, top.b, 0);
		uint32_t c, k, nwords;

		/* Stale: every change of a count pushed a fresh entry. */
		if (!p || p->count != top.count || p->count <= 0)
			continue;
		if (p->count < (int64_t)t->o.min_frequency)
			break;
		/* The new token: reuse an equal string's ID, as Hugging Face does. */
		ayak_buf_reset(&tmp);
		if (ayak_buf_add(&tmp, t->tpool.data + t->tok[top.a].off, t->tok[top.a].len) ||
		    ayak_buf_add(&tmp, t->tpool.data + t->tok[top.b].off, t->tok[top.b].len))
			goto oom;
		c = tok_find(t, tmp.data, tmp.len);
		if (c == BPE_NONE && add_tok(t, tmp.data, tmp.len, &c))
			goto oom;
		if (t->nmerges % 1024 == 0) {
			void *v = realloc(t->merges, ((size_t)t->nmerges + 1024) * sizeof(*t->merges));

			if (!v)
				goto oom;
			t->merges = v;
		}
		t->merges[t->nmerges][0] = top.a;
		t->merges[t->nmerges][1] = top.b;
		t->nmerges++;
		/* Update the words that hold the pair. */
		stamp++;
		ayak_buf_reset(&changed);
		nwords = p->nwords;
		for (k = 0; k < nwords; k++) {
			/* p may move as the table grows: look it up again. */
			struct pentry *pp = pair_get(t, top.a, top.b, 0);
			uint32_t w = pp->words[k];

			if (t->stamp[w] == stamp)
				continue;
			t->stamp[w] = stamp;
			if (merge_in_word(t, w, top.a, top.b, c, &changed))
				goto oom;
		}
		p = pair_get(t, top.a, top.b, 0);
		if (p) {
			free(p->words);
			p->words = NULL;
			p->nwords = p->awords = 0;
			p->count = 0;
		}
		/* Queue the pairs whose counts changed. */
		for (i = 0; i < changed.len / 8; i++) {
			uint32_t ab[2];
			struct pentry *q;

			memcpy(ab, changed.data + 8 * i, 8);
			q = pair_get(t, ab[0], ab[1], 0);
			if (q && q->count > 0 && (ab[0] != top.a || ab[1] != top.b) &&
			    hpush(t, q->count, ab[0], ab[1]))
				goto oom;
		}
	}
	specials_at = t->ntok;
	/* ---- the tokenizer.json ---- */
	ayak_buf_reset(json);
	if (ayak_buf_addstr(json, "{\"version\":\"1.0\",\"truncation\":null,\"padding\":null,\"added_tokens\":["))
		goto oom;
	for (i = 0; i < t->o.nspecials; i++) {
		if (ayak_buf_addf(json, "%s{\"id\":%u,\"content\":", i ? "," : "", specials_at + i) ||
		    ayak_json_encode_string(json, t->specials[i], strlen(t->specials[i])) ||
		    ayak_buf_addstr(json, ",\"single_word\":false,\"lstrip\":false,\"rstrip\":false,"
				    "\"normalized\":false,\"special\":true}"))
			goto oom;
	}
	if (ayak_buf_addstr(json, "],\"normalizer\":null,\"pre_tokenizer\":{\"type\":\"Sequence\","
			    "\"pretokenizers\":[{\"type\":\"Split\",\"pattern\":{\"Regex\":") ||
	    ayak_json_encode_string(json, t->pattern, strlen(t->pattern)) ||
	    ayak_buf_addstr(json, "},\"behavior\":\"Isolated\",\"invert\":false},{\"type\":\"ByteLevel\","
			    "\"add_prefix_space\":false,\"trim_offsets\":true,\"use_regex\":false}]},"
			    "\"post_processor\":{\"type\":\"ByteLevel\",\"add_prefix_space\":true,"
			    "\"trim_offsets\":false,\"use_regex\":true},\"decoder\":{\"type\":\"ByteLevel\","
			    "\"add_prefix_space\":true,\"trim_offsets\":true,\"use_regex\":true},"
			    "\"model\":{\"type\":\"BPE\",\"dropout\":null,\"unk_token\":null,"
			    "\"continuing_subword_prefix\":null,\"end_of_word_suffix\":null,\"fuse_unk\":false,"
			    "\"byte_fallback\":false,\"ignore_merges\":false,\"vocab\":{"))
		goto oom;
	for (i = 0; i < t->ntok + t->o.nspecials; i++) {
		if (i && ayak_buf_add(json, ",", 1))
			goto oom;
		ayak_buf_reset(&tmp);
		if (i < t->ntok) {
			uint32_t j;

			for (j = 0; j < t->tok[i].len; j++) {
				char u[4];
				int l = ayak_utf8_encode(bpe_byte_char((unsigned char)t->tpool.data[t->tok[i].off + j]), u);

				if (ayak_buf_add(&tmp, u, (size_t)l))
					goto oom;
			}
		} else if (ayak_buf_addstr(&tmp, t->specials[i - t->ntok])) {
			goto oom;
		}
		if (ayak_json_encode_string(json, tmp.data ? tmp.data : "", tmp.len) ||
		    ayak_buf_addf(json, ":%u", i))
			goto oom;
	}
	if (ayak_buf_addstr(json, "},\"merges\":["))
		goto oom;
	for (i = 0; i < t->nmerges; i++) {
		int side;

		if (ayak_buf_addstr(json, i ? ",[" : "["))
			goto oom;
		for (side = 0; side < 2; side++) {
			uint32_t id = t->merges[i][side], j;

			ayak_buf_reset(&tmp);
			for (j = 0; j < t->tok[id].len; j++) {
				char u[4];
				int l = ayak_utf8_encode(bpe_byte_char((unsigned char)t->tpool.data[t->tok[id].off + j]), u);

				if (ayak_buf_add(&tmp, u, (size_t)l))
					goto oom;
			}
			if ((side && ayak_buf_add(json, ",", 1)) ||
			    ayak_json_encode_string(json, tmp.data, tmp.len))
				goto oom;
		}
		if (ayak_buf_add(json, "]", 1))
			goto oom;
	}
	if (ayak_buf_addstr(json, "]}}\n"))
		goto oom;
	ret = 0;
	goto out;
oom:
	oom(err);
out:
	ayak_buf_release(&changed);
	ayak_buf_release(&tmp);
	return ret;
}
