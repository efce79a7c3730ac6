/* BPE model and merge loop; see bpe.h. */
#define _GNU_SOURCE	/* qsort_r */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xxhash.h>

#include "bpe.h"

/*
 * Every distinct token string (vocabulary entries, and strings that merges
 * name but the vocabulary lacks) gets a string index; the merge loop works
 * on string indices, and output maps them to IDs.
 */
struct str {
	uint32_t off, len;	/* model-form bytes in pool */
	uint32_t id;		/* vocabulary ID, or BPE_NONE */
	uint32_t file_off, file_len;	/* file form in pool, when it differs */
};

/*
 * A map slot: the string index, 24 bits of its hash with its length (up to
 * 255) in the low byte, and its first 8 bytes, so that most lookups never
 * touch the string itself (s BPE_NONE: free).
 */
struct mapent {
	uint32_t hl, s;
	uint64_t pre;
};

static inline uint64_t prefix8(const char *p, size_t n)
{
	uint64_t v = 0;

	memcpy(&v, p, n < 8 ? n : 8);
	return v;
}

static inline uint32_t hashlen(uint64_t h, size_t n)
{
	return ((uint32_t)(h >> 32) & 0xFFFFFF00u) | (uint32_t)(n < 255 ? n : 255);
}

struct merge_slot {
	uint64_t key;		/* a << 32 | b; EMPTY_KEY when free */
	uint32_t rank, result;
};

#define EMPTY_KEY UINT64_MAX

/* A merge by its rank: the pair and its result. */
struct rank_merge {
	uint32_t a, b, result;
};

struct bpe {
	struct bpe_opts o;
	char *unk_token, *prefix, *suffix;
	size_t prefix_len, suffix_len;

	struct str *strs;
	uint32_t nstrs, astrs;
	struct ayak_buf pool;

	struct mapent *map;	/* model-form bytes -> string index, open addressing */
	uint32_t map_mask, map_used;

	struct merge_slot *merges;
	uint32_t merge_mask, merge_used, nmerges;
	struct rank_merge *by_rank;	/* rank -> merge (a BPE_NONE: no merge has that rank) */

	uint32_t *id2str;	/* ID -> string index */
	uint32_t nids;		/* largest ID + 1 */
	uint32_t aids;		/* allocated */

	uint32_t byte_sym[256];	/* byte-level: string index of each byte */
	uint32_t ascii_sym[128];/* character models: string index of each ASCII char */
	uint32_t fallback_id[256];	/* <0xXX> token IDs */
	int have_fallback;
	uint32_t unk_id;
	uint32_t unreachable;	/* vocabulary strings outside the byte alphabet */
	uint32_t *unreach;	/* those, by file form (then index), for bpe_token_id() */
	uint32_t nunreach;	/* how many unreach holds: up to date when it equals unreachable */
	struct ayak_buf fa, fb, cat;	/* scratch for loading */
};

/* ---- the GPT-2 byte alphabet ---- */

static uint16_t byte_to_char[256];
static int16_t char_to_byte[324];
static int byte_map_ready;

static void byte_map_init(void)
{
	int b, n = 0;

	if (byte_map_ready)
		return;
	for (b = 0; b < 324; b++)
		char_to_byte[b] = -1;
	for (b = 0; b < 256; b++) {
		int printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) ||
				(b >= 0xAE && b <= 0xFF);

		byte_to_char[b] = (uint16_t)(printable ? b : 256 + n++);
		char_to_byte[byte_to_char[b]] = (int16_t)b;
	}
	byte_map_ready = 1;
}

uint32_t bpe_byte_char(unsigned char b)
{
	byte_map_init();
	return byte_to_char[b];
}

int bpe_char_byte(uint32_t cp)
{
	byte_map_init();
	return cp < 324 ? char_to_byte[cp] : -1;
}

/* ---- id arrays ---- */

int bpe_ids_push(struct bpe_ids *ids, uint32_t id)
{
	if (ids->n == ids->cap) {
		uint32_t *v = ayak_grow(ids->v, &ids->cap, ids->n + 1, sizeof(*v), 256);

		if (!v)
			return -1;
		ids->v = v;
	}
	ids->v[ids->n++] = id;
	return 0;
}

void bpe_ids_release(struct bpe_ids *ids)
{
	free(ids->v);
	ids->v = NULL;
	ids->n = ids->cap = 0;
}

/* ---- string table ---- */

static uint64_t hash_bytes(const char *p, size_t n)
{
	return XXH3_64bits(p, n);
}

static const char *str_bytes(const struct bpe *m, uint32_t s)
{
	return m->pool.data + m->strs[s].off;
}

static uint32_t map_find_h(const struct bpe *m, const char *p, size_t n, uint64_t h)
{
	uint32_t i, s, hl = hashlen(h, n);
	uint64_t pre = prefix8(p, n);

	if (!m->map)
		return BPE_NONE;
	i = (uint32_t)h & m->map_mask;
	while ((s = m->map[i].s) != BPE_NONE) {
		if (m->map[i].hl == hl && m->map[i].pre == pre &&
		    (n <= 8 || (m->strs[s].len == n && !memcmp(str_bytes(m, s) + 8, p + 8, n - 8))))
			return s;
		i = (i + 1) & m->map_mask;
	}
	return BPE_NONE;
}

static void map_insert(struct mapent *map, uint32_t mask, uint64_t h, uint32_t s, const char *p,
		       size_t n)
{
	uint32_t i = (uint32_t)h & mask;

	while (map[i].s != BPE_NONE)
		i = (i + 1) & mask;
	map[i].hl = hashlen(h, n);
	map[i].s = s;
	map[i].pre = prefix8(p, n);
}

static uint32_t map_find(const struct bpe *m, const char *p, size_t n)
{
	return map_find_h(m, p, n, hash_bytes(p, n));
}

/* Make room for `want` strings in the map (at most 3/4 full). */
static int map_reserve(struct bpe *m, uint32_t want)
{
	uint32_t cap = m->map ? m->map_mask + 1 : 1024, s;
	struct mapent *map;

	while ((uint64_t)want * 4 > (uint64_t)cap * 3)
		cap *= 2;
	if (m->map && cap == m->map_mask + 1)
		return 0;
	map = malloc((size_t)cap * sizeof(*map));
	if (!map)
		return -1;
	memset(map, 0xFF, (size_t)cap * sizeof(*map));
	for (s = 0; s < m->nstrs; s++) {
		if (m->strs[s].len == UINT32_MAX)
			continue;	/* unreachable: not in the map */
		map_insert(map, cap - 1, hash_bytes(str_bytes(m, s), m->strs[s].len), s,
			   str_bytes(m, s), m->strs[s].len);
	}
	free(m->map);
	m->map = map;
	m->map_mask = cap - 1;
	return 0;
}

static int grow_strs(struct bpe *m);

/* The string index of model-form bytes p[0..n), added when missing. */
static uint32_t str_intern(struct bpe *m, const char *p, size_t n, struct ayak_err *err)
{
	uint64_t h = hash_bytes(p, n);
	uint32_t s = map_find_h(m, p, n, h);

	if (s != BPE_NONE)
		return s;
	if (n >= UINT32_MAX / 2 || m->pool.len + n >= UINT32_MAX) {
		ayak_err_set(err, AYAK_E_DATA, "vocabulary too large");
		return BPE_NONE;
	}
	if (grow_strs(m))
		goto oom;
	if (map_reserve(m, m->map_used + 1))
		goto oom;
	s = m->nstrs;
	m->strs[s].off = (uint32_t)m->pool.len;
	m->strs[s].len = (uint32_t)n;
	m->strs[s].id = BPE_NONE;
	m->strs[s].file_off = m->strs[s].file_len = 0;
	if (ayak_buf_add(&m->pool, p, n))
		goto oom;
	m->nstrs++;
	map_insert(m->map, m->map_mask, h, s, p, n);
	m->map_used++;
	return s;
oom:
	ayak_err_set(err, AYAK_E_SYS, "out of memory");
	return BPE_NONE;
}

/*
 * File form to model form.  For byte-level models every character must
 * be in the byte alphabet; returns 1 when it is (or the model is not
 * byte-level), 0 when not.
 */
static int to_model_form(const struct bpe *m, const char *s, size_t n, struct ayak_buf *out)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;

	ayak_buf_reset(out);
	if (!m->o.byte_level)
		return ayak_buf_add(out, s, n) ? -1 : 1;
	while (p < end) {
		uint32_t cp;
		int len = ayak_utf8_decode(p, end, &cp), b;
		char c;

		if (!len)
			return 0;
		b = bpe_char_byte(cp);
		if (b < 0)
			return 0;
		c = (char)b;
		if (ayak_buf_add(out, &c, 1))
			return -1;
		p += len;
	}
	return 1;
}

/* ---- merge table ---- */

static uint32_t merge_hash(uint64_t key)
{
	key ^= key >> 29;
	key *= 0xBF58476D1CE4E5B9ULL;
	key ^= key >> 32;
	return (uint32_t)key;
}

static const struct merge_slot *merge_find(const struct bpe *m, uint32_t a, uint32_t b)
{
	uint64_t key = (uint64_t)a << 32 | b;
	uint32_t i;

	if (!m->merges || a == BPE_NONE || b == BPE_NONE)
		return NULL;
	i = merge_hash(key) & m->merge_mask;
	for (;;) {
		const struct merge_slot *sl = &m->merges[i];

		if (sl->key == key)
			return sl;
		if (sl->key == EMPTY_KEY)
			return NULL;
		i = (i + 1) & m->merge_mask;
	}
}

static int merge_resize(struct bpe *m, uint32_t cap)
{
	uint32_t i, j;
	struct merge_slot *t = malloc((size_t)cap * sizeof(*t));

	if (!t)
		return -1;
	for (i = 0; i < cap; i++)
		t[i].key = EMPTY_KEY;
	for (j = 0; m->merges && j <= m->merge_mask; j++) {
		if (m->merges[j].key == EMPTY_KEY)
			continue;
		i = merge_hash(m->merges[j].key) & (cap - 1);
		while (t[i].key != EMPTY_KEY)
			i = (i + 1) & (cap - 1);
		t[i] = m->merges[j];
	}
	free(m->merges);
	m->merges = t;
	m->merge_mask = cap - 1;
	return 0;
}

static int merge_grow(struct bpe *m)
{
	return merge_resize(m, m->merges ? (m->merge_mask + 1) * 2 : 1024);
}

int bpe_reserve(struct bpe *m, uint32_t ntokens, uint32_t nmerges)
{
	uint32_t cap = 1024;

	/* Merges can name one new string each (their result). */
	if (map_reserve(m, ntokens + nmerges))
		return -1;
	while ((uint64_t)nmerges * 4 > (uint64_t)cap * 3)
		cap *= 2;
	if (!m->merges || cap > m->merge_mask + 1)
		return merge_resize(m, cap);
	return 0;
}

/* ---- building ---- */

static char *dup_opt(const char *s)
{
	return s && *s ? strdup(s) : NULL;
}

struct bpe *bpe_new(const struct bpe_opts *o)
{
	struct bpe *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	byte_map_init();
	m->o = *o;
	m->unk_token = dup_opt(o->unk_token);
	m->prefix = dup_opt(o->continuing_subword_prefix);
	m->suffix = dup_opt(o->end_of_word_suffix);
	m->prefix_len = m->prefix ? strlen(m->prefix) : 0;
	m->suffix_len = m->suffix ? strlen(m->suffix) : 0;
	m->o.unk_token = m->unk_token;
	m->o.continuing_subword_prefix = m->prefix;
	m->o.end_of_word_suffix = m->suffix;
	m->unk_id = BPE_NONE;
	if ((o->unk_token && !m->unk_token) || (o->continuing_subword_prefix && *o->continuing_subword_prefix && !m->prefix) ||
	    (o->end_of_word_suffix && *o->end_of_word_suffix && !m->suffix)) {
		bpe_free(m);
		return NULL;
	}
	return m;
}

void bpe_free(struct bpe *m)
{
	if (!m)
		return;
	free(m->unk_token);
	free(m->prefix);
	free(m->suffix);
	free(m->strs);
	free(m->map);
	free(m->merges);
	free(m->by_rank);
	free(m->id2str);
	free(m->unreach);
	ayak_buf_release(&m->pool);
	ayak_buf_release(&m->fa);
	ayak_buf_release(&m->fb);
	ayak_buf_release(&m->cat);
	free(m);
}

static int set_id(struct bpe *m, uint32_t id, uint32_t s, struct ayak_err *err)
{
	if (id >= BPE_MAX_ID)
		return ayak_err_set(err, AYAK_E_DATA, "token ID %u is too large (the limit is %u)", id,
				    BPE_MAX_ID - 1);
	if (id >= m->aids) {
		uint32_t cap = m->aids < 1024 ? 1024 : m->aids, i;
		uint32_t *v;

		/* Grow geometrically; the tail is filled with BPE_NONE. */
		while (cap <= id)
			cap *= 2;
		v = realloc(m->id2str, (size_t)cap * sizeof(*v));
		if (!v)
			return ayak_err_set(err, AYAK_E_SYS, "out of memory");
		for (i = m->aids; i < cap; i++)
			v[i] = BPE_NONE;
		m->id2str = v;
		m->aids = cap;
	}
	if (id >= m->nids)
		m->nids = id + 1;
	m->id2str[id] = s;
	return 0;
}

static int grow_strs(struct bpe *m)
{
	uint32_t a;
	struct str *v;

	if (m->nstrs < m->astrs)
		return 0;
	a = m->astrs ? m->astrs * 2 : 1024;
	v = realloc(m->strs, (size_t)a * sizeof(*v));
	if (!v)
		return -1;
	m->strs = v;
	m->astrs = a;
	return 0;
}

int bpe_add_token(struct bpe *m, const char *s, size_t n, uint32_t id, struct ayak_err *err)
{
	struct ayak_buf form = AYAK_BUF_INIT;
	uint32_t si, old;
	int r = to_model_form(m, s, n, &form);

	if (r < 0)
		goto oom;
	if (n >= UINT32_MAX / 2 || m->pool.len + 2 * n >= UINT32_MAX) {
		ayak_buf_release(&form);
		return ayak_err_set(err, AYAK_E_DATA, "vocabulary too large");
	}
	if (r == 1) {
		si = str_intern(m, form.data ? form.data : "", form.len, err);
		if (si == BPE_NONE) {
			ayak_buf_release(&form);
			return -1;
		}
		old = m->strs[si].id;
		if (old != BPE_NONE && old < m->nids && m->id2str[old] == si)
			m->id2str[old] = BPE_NONE;
		if (m->o.byte_level) {
			m->strs[si].file_off = (uint32_t)m->pool.len;
			if (ayak_buf_add(&m->pool, s, n))
				goto oom;
		} else {
			m->strs[si].file_off = m->strs[si].off;
		}
	} else {
		/* Outside the byte alphabet: kept for decoding, never matched. */
		if (grow_strs(m))
			goto oom;
		si = m->nstrs++;
		m->strs[si].len = UINT32_MAX;
		m->strs[si].off = m->strs[si].file_off = (uint32_t)m->pool.len;
		if (ayak_buf_add(&m->pool, s, n))
			goto oom;
		m->unreachable++;
	}
	ayak_buf_release(&form);
	m->strs[si].file_len = (uint32_t)n;
	m->strs[si].id = id;
	return set_id(m, id, si, err);
oom:
	ayak_buf_release(&form);
	return ayak_err_set(err, AYAK_E_SYS, "out of memory");
}

/* Lengths of strings quoted in messages: at most 60 bytes. */
static int clip(size_t n)
{
	return n < 60 ? (int)n : 60;
}

/* A merge with a token (tok, or its result when NULL) not in the vocabulary. */
static int merge_oov(const struct bpe *m, uint32_t rank, const char *a, size_t alen,
		     const char *b, size_t blen, const char *tok, size_t n, struct ayak_err *err)
{
	size_t skip = m->prefix_len && blen >= m->prefix_len &&
		      !memcmp(b, m->prefix, m->prefix_len) ? m->prefix_len : 0;

	if (tok)
		return ayak_err_set(err, AYAK_E_DATA, "model: merge %u \"%.*s %.*s\": \"%.*s\" is "
				    "not in the vocabulary", rank, clip(alen), a, clip(blen), b,
				    clip(n), tok);
	return ayak_err_set(err, AYAK_E_DATA, "model: merge %u \"%.*s %.*s\": its result "
			    "\"%.*s%.*s\" is not in the vocabulary", rank, clip(alen), a, clip(blen),
			    b, clip(alen), a, clip(blen - skip), b + skip);
}

/* The unreachable strings' file forms, then their indices (the first of equals wins). */
static int cmp_unreach(const void *x, const void *y, void *arg)
{
	const struct bpe *m = arg;
	const struct str *a = &m->strs[*(const uint32_t *)x], *b = &m->strs[*(const uint32_t *)y];
	size_t n = a->file_len < b->file_len ? a->file_len : b->file_len;
	int c = memcmp(m->pool.data + a->file_off, m->pool.data + b->file_off, n);

	if (c)
		return c;
	if (a->file_len != b->file_len)
		return a->file_len < b->file_len ? -1 : 1;
	return *(const uint32_t *)x < *(const uint32_t *)y ? -1 : 1;
}

/*
 * Sort the unreachable strings once the vocabulary is read: the merges look
 * each of theirs up (a linear scan each made loading quadratic: 80,000
 * merges of unreachable tokens took 32 s).  0 or -1 (ENOMEM).
 */
static int index_unreachable(struct bpe *m)
{
	uint32_t *u = realloc(m->unreach, m->unreachable * sizeof(*u)), i, k = 0;

	if (!u)
		return -1;
	m->unreach = u;
	for (i = 0; i < m->nstrs; i++)
		if (m->strs[i].len == UINT32_MAX)
			u[k++] = i;
	qsort_r(u, k, sizeof(*u), cmp_unreach, m);
	m->nunreach = k;
	return 0;
}

int bpe_add_merge(struct bpe *m, const char *a, size_t alen, const char *b, size_t blen,
		  uint32_t rank, struct ayak_err *err)
{
	struct ayak_buf *fa = &m->fa, *fb = &m->fb, *cat = &m->cat;
	uint32_t sa, sb, sr, i;
	uint64_t key;
	int ra, rb;

	ra = to_model_form(m, a, alen, fa);
	rb = to_model_form(m, b, blen, fb);
	if (ra < 0 || rb < 0)
		return ayak_err_set(err, AYAK_E_SYS, "out of memory");
	/*
	 * Hugging Face refuses a merge whose tokens or result are not in the
	 * vocabulary (MergeTokenOutOfVocabulary): a result without an ID
	 * would be dropped from the output.
	 */
	if (ra == 0 || rb == 0) {
		/* Outside the byte alphabet: it can never apply, but must still be in the vocabulary. */
		if (m->nunreach != m->unreachable && index_unreachable(m))
			return ayak_err_set(err, AYAK_E_SYS, "out of memory");
		if (bpe_token_id(m, a, alen) == BPE_NONE)
			return merge_oov(m, rank, a, alen, b, blen, a, alen, err);
		if (bpe_token_id(m, b, blen) == BPE_NONE)
			return merge_oov(m, rank, a, alen, b, blen, b, blen, err);
		return 0;
	}
	sa = str_intern(m, fa->data ? fa->data : "", fa->len, err);
	sb = str_intern(m, fb->data ? fb->data : "", fb->len, err);
	if (sa == BPE_NONE || sb == BPE_NONE)
		return -1;
	if (m->strs[sa].id == BPE_NONE)
		return merge_oov(m, rank, a, alen, b, blen, a, alen, err);
	if (m->strs[sb].id == BPE_NONE)
		return merge_oov(m, rank, a, alen, b, blen, b, blen, err);
	/* The result: a, then b without the continuing-subword prefix. */
	ayak_buf_reset(cat);
	if (ayak_buf_add(cat, fa->data ? fa->data : "", fa->len))
		return ayak_err_set(err, AYAK_E_SYS, "out of memory");
	if (m->prefix_len && fb->len >= m->prefix_len && !memcmp(fb->data, m->prefix, m->prefix_len)) {
		if (ayak_buf_add(cat, fb->data + m->prefix_len, fb->len - m->prefix_len))
			return ayak_err_set(err, AYAK_E_SYS, "out of memory");
	} else if (ayak_buf_add(cat, fb->data ? fb->data : "", fb->len)) {
		return ayak_err_set(err, AYAK_E_SYS, "out of memory");
	}
	sr = str_intern(m, cat->data ? cat->data : "", cat->len, err);
	if (sr == BPE_NONE)
		return -1;
	if (m->strs[sr].id == BPE_NONE)
		return merge_oov(m, rank, a, alen, b, blen, NULL, 0, err);
	if ((m->merge_used + 1) * 4 > (m->merges ? m->merge_mask + 1 : 0) * 3 && merge_grow(m))
		return ayak_err_set(err, AYAK_E_SYS, "out of memory");
	key = (uint64_t)sa << 32 | sb;
	i = merge_hash(key) & m->merge_mask;
	while (m->merges[i].key != EMPTY_KEY && m->merges[i].key != key)
		i = (i + 1) & m->merge_mask;
	if (m->merges[i].key == EMPTY_KEY)
		m->merge_used++;
	m->merges[i].key = key;
	m->merges[i].rank = rank;
	m->merges[i].result = sr;
	m->nmerges++;
	return 0;
}

/* Model form of a short file-form string into buf (<= 64 bytes); its length or -1. */
static int short_form(const struct bpe *m, const char *s, size_t n, char *buf)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	int k = 0;

	if (!m->o.byte_level) {
		if (n > 64)
			return -1;
		memcpy(buf, s, n);
		return (int)n;
	}
	while (p < end && k < 64) {
		uint32_t cp;
		int len = ayak_utf8_decode(p, end, &cp), b;

		if (!len || (b = bpe_char_byte(cp)) < 0)
			return -1;
		buf[k++] = (char)b;
		p += len;
	}
	return p == end ? k : -1;
}

void bpe_prefetch_merge(const struct bpe *m, const char *a, size_t alen, const char *b, size_t blen,
			int stage)
{
	char x[128];
	int la, lb;

	if (!m->map || (la = short_form(m, a, alen, x)) < 0 || (lb = short_form(m, b, blen, x + la)) < 0)
		return;
	if (stage == 1) {
		__builtin_prefetch(&m->map[hash_bytes(x, (size_t)la) & m->map_mask]);
		__builtin_prefetch(&m->map[hash_bytes(x + la, (size_t)lb) & m->map_mask]);
		if (!m->prefix_len)
			__builtin_prefetch(&m->map[hash_bytes(x, (size_t)(la + lb)) & m->map_mask]);
	} else if (m->merges) {
		/* The map slots are in the cache by now: look the halves up, fetch the merge slot. */
		uint32_t sa = map_find(m, x, (size_t)la), sb = map_find(m, x + la, (size_t)lb);

		if (sa != BPE_NONE && sb != BPE_NONE)
			__builtin_prefetch(&m->merges[merge_hash((uint64_t)sa << 32 | sb) & m->merge_mask]);
	}
}

/* The merges by rank, for the merge loop (ranks are distinct: see bpe_add_merge). */
static int index_ranks(struct bpe *m, struct ayak_err *err)
{
	uint32_t i, n = 0;

	for (i = 0; m->merges && i <= m->merge_mask; i++)
		if (m->merges[i].key != EMPTY_KEY && m->merges[i].rank >= n)
			n = m->merges[i].rank + 1;
	free(m->by_rank);
	m->by_rank = NULL;
	if (!n)
		return 0;
	if (!(m->by_rank = malloc((size_t)n * sizeof(*m->by_rank))))
		return ayak_err_set(err, AYAK_E_SYS, "out of memory");
	for (i = 0; i < n; i++)
		m->by_rank[i].a = BPE_NONE;
	for (i = 0; i <= m->merge_mask; i++) {
		const struct merge_slot *sl = &m->merges[i];
		struct rank_merge *r;

		if (sl->key == EMPTY_KEY)
			continue;
		r = &m->by_rank[sl->rank];
		if (r->a != BPE_NONE)
			return ayak_err_set(err, AYAK_E_DATA, "two merges of rank %u", sl->rank);
		r->a = (uint32_t)(sl->key >> 32);
		r->b = (uint32_t)sl->key;
		r->result = sl->result;
	}
	return 0;
}

int bpe_finish(struct bpe *m, struct ayak_err *err)
{
	char name[8];
	int b;

	if (index_ranks(m, err))
		return -1;

	for (b = 0; b < 256; b++) {
		char c = (char)b;

		m->byte_sym[b] = map_find(m, &c, 1);
		snprintf(name, sizeof(name), "<0x%02X>", b);
		m->fallback_id[b] = bpe_token_id(m, name, 6);
	}
	for (b = 0; b < 128; b++) {
		char c = (char)b;

		m->ascii_sym[b] = m->prefix || m->suffix ? BPE_NONE : map_find(m, &c, 1);
	}
	m->have_fallback = m->o.byte_fallback;
	if (m->unk_token) {
		int known = 1;

		m->unk_id = bpe_token_id(m, m->unk_token, strlen(m->unk_token));
		/*
		 * Hugging Face fails (UnkTokenOutOfVocabulary) at the first
		 * character that needs the unknown token when it is not in the
		 * vocabulary; tokenizers.js drops the character.  Refused here,
		 * unless every byte has a token (byte-level, or <0xXX> with
		 * byte_fallback), so that no character needs it.
		 */
		for (b = 0; b < 256 && m->unk_id == BPE_NONE; b++)
			if (m->o.byte_level ? m->byte_sym[b] == BPE_NONE :
			    !m->o.byte_fallback || m->fallback_id[b] == BPE_NONE)
				known = 0;
		if (!known)
			return ayak_err_set(err, AYAK_E_DATA, "model: unk_token \"%.*s\" is not in the "
					    "vocabulary", clip(strlen(m->unk_token)), m->unk_token);
	}
	return 0;
}

int bpe_metaspace_separates(const struct bpe *m)
{
	static const char meta[] = "\xE2\x96\x81";
	uint32_t i;

	if (m->o.byte_level)
		return 0;
	for (i = 0; i < m->nstrs; i++) {
		const char *p, *q, *end;

		if (m->strs[i].len == UINT32_MAX)
			continue;
		p = str_bytes(m, i);
		end = p + m->strs[i].len;
		for (q = p + 1; q + 3 <= end; q++)
			if (!memcmp(q, meta, 3) && !(q - p >= 3 && !memcmp(q - 3, meta, 3)))
				return 0;
	}
	return 1;
}

uint32_t bpe_vocab_size(const struct bpe *m)
{
	return m->nids;
}

uint32_t bpe_merge_count(const struct bpe *m)
{
	return m->nmerges;
}

int bpe_is_byte_level(const struct bpe *m)
{
	return m->o.byte_level;
}

uint32_t bpe_unk_id(const struct bpe *m)
{
	return m->unk_id;
}

uint32_t bpe_token_id(const struct bpe *m, const char *s, size_t n)
{
	struct ayak_buf form = AYAK_BUF_INIT;
	uint32_t si = BPE_NONE, i;
	int r = to_model_form(m, s, n, &form);

	if (r == 1)
		si = map_find(m, form.data ? form.data : "", form.len);
	ayak_buf_release(&form);
	if (si != BPE_NONE)
		return m->strs[si].id;
	if (r == 0 && m->unreachable && m->nunreach == m->unreachable) {
		/* the first of the sorted ones whose file form is not below s */
		uint32_t lo = 0, hi = m->nunreach;

		while (lo < hi) {
			uint32_t mid = lo + (hi - lo) / 2;
			const struct str *x = &m->strs[m->unreach[mid]];
			size_t k = x->file_len < n ? x->file_len : n;
			int c = memcmp(m->pool.data + x->file_off, s, k);

			if (c < 0 || (c == 0 && x->file_len < n))
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo < m->nunreach) {
			const struct str *x = &m->strs[m->unreach[lo]];

			if (x->file_len == n && !memcmp(m->pool.data + x->file_off, s, n))
				return x->id;
		}
	} else if (r == 0 && m->unreachable) {
		for (i = 0; i < m->nstrs; i++)
			if (m->strs[i].len == UINT32_MAX && m->strs[i].file_len == n &&
			    !memcmp(m->pool.data + m->strs[i].file_off, s, n))
				return m->strs[i].id;
	}
	return BPE_NONE;
}

const char *bpe_token_bytes(const struct bpe *m, uint32_t id, size_t *n)
{
	uint32_t s;

	if (id >= m->nids || (s = m->id2str[id]) == BPE_NONE)
		return NULL;
	if (m->strs[s].len == UINT32_MAX) {
		*n = m->strs[s].file_len;
		return m->pool.data + m->strs[s].file_off;
	}
	*n = m->strs[s].len;
	return str_bytes(m, s);
}

int bpe_token_string(const struct bpe *m, uint32_t id, struct ayak_buf *out)
{
	uint32_t s;

	if (id >= m->nids || (s = m->id2str[id]) == BPE_NONE)
		return -1;
	if (m->o.byte_level || m->strs[s].len == UINT32_MAX)
		return ayak_buf_add(out, m->pool.data + m->strs[s].file_off, m->strs[s].file_len);
	return ayak_buf_add(out, str_bytes(m, s), m->strs[s].len);
}

/* ---- encoding ---- */

/*
 * A heap entry: the merge rank in the high half and the position of the
 * pair's left symbol in the low half, so that one compare orders by rank,
 * then leftmost.  The pair and its result are found by rank when the entry
 * comes out: 8 bytes an entry, not 20, for a pre-token of millions of
 * symbols.
 */
typedef uint64_t heap_ent;

#define CACHE_MIN_SLOTS (1u << 12)
#define CACHE_MAX_SLOTS (1u << 18)
#define CACHE_MAX_KEY 64
#define CACHE_KEY_BYTES (8u << 20)
#define CACHE_ID_WORDS (2u << 20)
#define FREE_SLOT 0xFFFF

struct cache_slot {
	uint64_t hash;
	uint32_t key_off;
	uint16_t key_len;	/* FREE_SLOT: free */
	uint16_t nunk;
	uint32_t ids_off, nids;
};

/*
 * The first-level cache: direct-mapped, for pre-tokens of up to 16 bytes
 * with up to 3 IDs, keys and IDs inline, small enough to stay in L2.
 */
#define L1_BITS 14
#define L1_KEY 16
#define L1_IDS 3

struct l1_slot {
	uint64_t k0, k1;	/* the key, zero-padded */
	uint32_t ids[L1_IDS];
	uint8_t len;		/* 0: empty */
	uint8_t nids;
	uint16_t pad;
};

#define SYM_GONE (BPE_NONE - 1)	/* a byte inside a symbol */

struct bpe_enc {
	const struct bpe *m;
	struct l1_slot *l1;
	/*
	 * Symbols of the pre-token being merged, indexed by the byte they
	 * start at (SYM_GONE at the other bytes), each linked to the next:
	 * 8 bytes per byte of a long pre-token.
	 */
	uint32_t *sym;
	int32_t *next;
	size_t asym;
	heap_ent *heap;
	size_t nheap, aheap;
	/* cache: pre-token bytes -> IDs */
	struct cache_slot *slots;
	uint32_t mask, used;
	char *keys;
	uint32_t keys_len, keys_cap;
	uint32_t *ids;
	uint32_t ids_len, ids_cap;
};

static void slots_free(struct cache_slot *v, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		v[i].key_len = FREE_SLOT;
}

struct bpe_enc *bpe_enc_new(const struct bpe *m)
{
	struct bpe_enc *e = calloc(1, sizeof(*e));

	if (!e)
		return NULL;
	e->m = m;
	e->slots = malloc(CACHE_MIN_SLOTS * sizeof(*e->slots));
	e->l1 = calloc((size_t)1 << L1_BITS, sizeof(*e->l1));
	if (!e->slots || !e->l1) {
		free(e->slots);
		free(e->l1);
		free(e);
		return NULL;
	}
	e->mask = CACHE_MIN_SLOTS - 1;
	slots_free(e->slots, CACHE_MIN_SLOTS);
	return e;
}

void bpe_enc_free(struct bpe_enc *e)
{
	if (!e)
		return;
	free(e->sym);
	free(e->next);
	free(e->heap);
	free(e->slots);
	free(e->l1);
	free(e->keys);
	free(e->ids);
	free(e);
}

static void cache_clear(struct bpe_enc *e)
{
	slots_free(e->slots, e->mask + 1);
	e->used = 0;
	e->keys_len = 0;
	e->ids_len = 0;
}

/* Double the slot table; -1 when it cannot grow. */
static int cache_grow(struct bpe_enc *e)
{
	uint32_t n = (e->mask + 1) * 2, i, j;
	struct cache_slot *v;

	if (n > CACHE_MAX_SLOTS || !(v = malloc((size_t)n * sizeof(*v))))
		return -1;
	slots_free(v, n);
	for (i = 0; i <= e->mask; i++) {
		if (e->slots[i].key_len == FREE_SLOT)
			continue;
		j = (uint32_t)e->slots[i].hash & (n - 1);
		while (v[j].key_len != FREE_SLOT)
			j = (j + 1) & (n - 1);
		v[j] = e->slots[i];
	}
	free(e->slots);
	e->slots = v;
	e->mask = n - 1;
	return 0;
}

/* Room for n more bytes of keys and k more IDs; 0, or -1 (the cache is full). */
static int cache_room(struct bpe_enc *e, size_t n, size_t k)
{
	if (e->keys_len + n > e->keys_cap) {
		size_t cap = e->keys_cap ? (size_t)e->keys_cap * 2 : 65536;
		char *p;

		while (cap < e->keys_len + n)
			cap *= 2;
		if (cap > CACHE_KEY_BYTES || !(p = realloc(e->keys, cap)))
			return -1;
		e->keys = p;
		e->keys_cap = (uint32_t)cap;
	}
	if (e->ids_len + k > e->ids_cap) {
		size_t cap = e->ids_cap ? (size_t)e->ids_cap * 2 : 16384;
		uint32_t *p;

		while (cap < e->ids_len + k)
			cap *= 2;
		if (cap > CACHE_ID_WORDS || !(p = realloc(e->ids, cap * sizeof(*p))))
			return -1;
		e->ids = p;
		e->ids_cap = (uint32_t)cap;
	}
	return 0;
}

static void cache_put(struct bpe_enc *e, uint64_t h, const char *p, size_t n,
		      const uint32_t *ids, size_t k, size_t nunk)
{
	uint32_t i;

	if (k > 0xFFFF || nunk > 0xFFFF)
		return;
	if ((e->used + 1) * 4 > (e->mask + 1) * 3 && cache_grow(e))
		cache_clear(e);
	if (cache_room(e, n, k)) {
		cache_clear(e);
		if (cache_room(e, n, k))
			return;
	}
	i = (uint32_t)h & e->mask;
	while (e->slots[i].key_len != FREE_SLOT)
		i = (i + 1) & e->mask;
	e->slots[i].hash = h;
	e->slots[i].key_off = e->keys_len;
	e->slots[i].key_len = (uint16_t)n;
	e->slots[i].nunk = (uint16_t)nunk;
	e->slots[i].ids_off = e->ids_len;
	e->slots[i].nids = (uint32_t)k;
	memcpy(e->keys + e->keys_len, p, n);
	e->keys_len += (uint32_t)n;
	if (k)
		memcpy(e->ids + e->ids_len, ids, k * sizeof(*ids));
	e->ids_len += (uint32_t)k;
	e->used++;
}

static int reserve_symbols(struct bpe_enc *e, size_t n)
{
	size_t a = e->asym ? e->asym : 64;
	void *p;

	if (n <= e->asym)
		return 0;
	while (a < n)
		a *= 2;
	if (!(p = realloc(e->sym, a * sizeof(*e->sym))))
		return -1;
	e->sym = p;
	if (!(p = realloc(e->next, a * sizeof(*e->next))))
		return -1;
	e->next = p;
	e->asym = a;
	return 0;
}

static int heap_push(struct bpe_enc *e, heap_ent ent)
{
	size_t i;

	if (e->nheap == e->aheap) {
		heap_ent *h = ayak_grow(e->heap, &e->aheap, e->nheap + 1, sizeof(*h), 64);

		if (!h)
			return -1;
		e->heap = h;
	}
	i = e->nheap++;
	while (i > 0) {
		size_t parent = (i - 1) / 2;

		if (ent >= e->heap[parent])
			break;
		e->heap[i] = e->heap[parent];
		i = parent;
	}
	e->heap[i] = ent;
	return 0;
}

static heap_ent heap_pop(struct bpe_enc *e)
{
	heap_ent top = e->heap[0], last;
	size_t i = 0, n;

	n = --e->nheap;
	if (!n)
		return top;
	last = e->heap[n];
	for (;;) {
		size_t c = 2 * i + 1;

		if (c >= n)
			break;
		if (c + 1 < n && e->heap[c + 1] < e->heap[c])
			c++;
		if (e->heap[c] >= last)
			break;
		e->heap[i] = e->heap[c];
		i = c;
	}
	e->heap[i] = last;
	return top;
}

static int push_pair(struct bpe_enc *e, int32_t pos)
{
	const struct merge_slot *sl;
	int32_t nx = e->next[pos];

	if (nx < 0 || !(sl = merge_find(e->m, e->sym[pos], e->sym[nx])))
		return 0;
	return heap_push(e, (heap_ent)sl->rank << 32 | (uint32_t)pos);
}

/*
 * Split p[0..n) (n > 0) into initial symbols, linked in order; returns 0
 * or -1.
 */
static int init_symbols(struct bpe_enc *e, const char *p, size_t n)
{
	const struct bpe *m = e->m;
	size_t i;
	int32_t before = -1;	/* the symbol before i */

	if (reserve_symbols(e, n))
		return -1;
	if (m->o.byte_level) {
		for (i = 0; i < n; i++) {
			e->sym[i] = m->byte_sym[(unsigned char)p[i]];
			e->next[i] = (int32_t)i + 1;
		}
		e->next[n - 1] = -1;
		return 0;
	}
	for (i = 0; i < n;) {
		unsigned char c = (unsigned char)p[i];
		size_t len = 1;
		uint32_t cp, s;

		if (c >= 0x80) {
			int l = ayak_utf8_decode((const unsigned char *)p + i,
						 (const unsigned char *)p + n, &cp);

			len = l > 0 ? (size_t)l : 1;
		}
		if (c < 0x80 && m->ascii_sym[c] != BPE_NONE) {
			s = m->ascii_sym[c];
		} else if (!m->prefix && !m->suffix) {
			s = map_find(m, p + i, len);
		} else {
			/* HF: non-first symbols carry the prefix, the last the suffix. */
			char buf[64];
			size_t bl = 0;
			int last = i + len == n;

			if (i > 0 && m->prefix && m->prefix_len + len + m->suffix_len < sizeof(buf)) {
				memcpy(buf, m->prefix, m->prefix_len);
				bl = m->prefix_len;
			}
			if (bl + len + m->suffix_len >= sizeof(buf)) {
				s = BPE_NONE;
			} else {
				memcpy(buf + bl, p + i, len);
				bl += len;
				if (last && m->suffix) {
					memcpy(buf + bl, m->suffix, m->suffix_len);
					bl += m->suffix_len;
				}
				s = map_find(m, buf, bl);
			}
		}
		e->sym[i] = s;
		if (before >= 0)
			e->next[before] = (int32_t)i;
		before = (int32_t)i;
		while (--len)
			e->sym[++i] = SYM_GONE;
		i++;
	}
	e->next[before] = -1;
	return 0;
}

/* Output of one symbol: its ID, or the fallbacks for unknown symbols. */
static int emit_symbol(struct bpe_enc *e, uint32_t s, const char *p, size_t n,
		       struct bpe_ids *out, size_t *nunk)
{
	const struct bpe *m = e->m;
	size_t i;

	if (s != BPE_NONE && m->strs[s].id != BPE_NONE)
		return bpe_ids_push(out, m->strs[s].id);
	if (m->have_fallback) {
		for (i = 0; i < n; i++)
			if (m->fallback_id[(unsigned char)p[i]] == BPE_NONE)
				break;
		if (i == n) {
			for (i = 0; i < n; i++)
				if (bpe_ids_push(out, m->fallback_id[(unsigned char)p[i]]))
					return -1;
			return 0;
		}
	}
	(*nunk)++;
	if (m->unk_id == BPE_NONE)
		return 0;
	return bpe_ids_push(out, m->unk_id);
}

static int merge_word(struct bpe_enc *e, const char *p, size_t n, struct bpe_ids *out,
		      size_t *nunk)
{
	const struct bpe *m = e->m;
	int32_t i, k;

	if (init_symbols(e, p, n))
		return -1;
	e->nheap = 0;
	/* Ask for the merge slots of the first pairs together: they are far apart in memory. */
	if (m->merges)
		for (i = 0, k = 0; e->next[i] >= 0 && k < 32; i = e->next[i], k++)
			if (e->sym[i] != BPE_NONE && e->sym[e->next[i]] != BPE_NONE)
				__builtin_prefetch(&m->merges[merge_hash((uint64_t)e->sym[i] << 32 |
									 e->sym[e->next[i]]) &
							       m->merge_mask]);
	for (i = 0; i >= 0; i = e->next[i])
		if (push_pair(e, i))
			return -1;
	while (e->nheap) {
		heap_ent top = heap_pop(e);
		int32_t pos = (int32_t)(uint32_t)top, nx = e->next[pos];
		const struct rank_merge *r = &m->by_rank[top >> 32];

		/* Stale: the pair at pos changed (or went) after the entry was pushed. */
		if (nx < 0 || e->sym[pos] != r->a || e->sym[nx] != r->b)
			continue;
		/* Merge nx into pos. */
		e->sym[pos] = r->result;
		e->next[pos] = e->next[nx];
		e->sym[nx] = SYM_GONE;
		/* The symbol before: no array of links back, it ends where pos starts. */
		for (i = pos - 1; i >= 0 && e->sym[i] == SYM_GONE; i--)
			;
		if (i >= 0 && push_pair(e, i))
			return -1;
		if (push_pair(e, pos))
			return -1;
	}
	for (i = 0; i >= 0; i = e->next[i]) {
		int32_t end = e->next[i] >= 0 ? e->next[i] : (int32_t)n;

		if (emit_symbol(e, e->sym[i], p + i, (size_t)(end - i), out, nunk))
			return -1;
	}
	return 0;
}

static int push_ids(struct bpe_ids *out, const uint32_t *v, size_t k)
{
	if (!k)
		return 0;
	if (out->cap - out->n < k) {
		uint32_t *p = ayak_grow(out->v, &out->cap, out->n + k, sizeof(*p), 256);

		if (!p)
			return -1;
		out->v = p;
	}
	memcpy(out->v + out->n, v, k * sizeof(*v));
	out->n += k;
	return 0;
}

static inline void l1_put(struct l1_slot *sl, const uint64_t *k, size_t n, const uint32_t *ids,
			  size_t nids)
{
	sl->k0 = k[0];
	sl->k1 = k[1];
	sl->len = (uint8_t)n;
	sl->nids = (uint8_t)nids;
	memset(sl->ids, 0, sizeof(sl->ids));
	if (nids)
		memcpy(sl->ids, ids, nids * sizeof(*ids));
}

static inline uint32_t l1_index(uint64_t k0, uint64_t k1, size_t n)
{
	uint64_t h = (k0 ^ (uint64_t)n) * 0x9E3779B97F4A7C15ULL;

	h ^= (k1 + 0x632BE59BD9B4E019ULL) * 0xC2B2AE3D27D4EB4FULL;
	h ^= h >> 29;
	return (uint32_t)(h >> (64 - L1_BITS));
}

/* p[0..n), n <= 16, as two zero-padded words, without a call to memcpy. */
static inline void load_key(const char *p, size_t n, uint64_t *k)
{
	uint64_t a = 0, b = 0;
	uint32_t x, y;

	if (n >= 8) {
		memcpy(&a, p, 8);
		if (n > 8) {
			memcpy(&b, p + n - 8, 8);
			b >>= (16 - n) * 8;
		}
	} else if (n >= 4) {
		memcpy(&x, p, 4);
		memcpy(&y, p + n - 4, 4);
		a = (uint64_t)x | (uint64_t)y << ((n - 4) * 8);
	} else if (n) {
		a = (uint64_t)(unsigned char)p[0] | (uint64_t)(unsigned char)p[n >> 1] << ((n >> 1) * 8) |
		    (uint64_t)(unsigned char)p[n - 1] << ((n - 1) * 8);
	}
	k[0] = a;
	k[1] = b;
}

int bpe_encode(struct bpe_enc *e, const char *p, size_t n, struct bpe_ids *out, size_t *nunk)
{
	const struct bpe *m = e->m;
	size_t unk = 0, before;
	uint64_t h, k[2] = { 0, 0 };
	struct l1_slot *l1 = NULL;
	uint32_t i;

	if (!n)
		return 0;
	if (n == 1 && m->o.byte_level) {
		uint32_t s = m->byte_sym[(unsigned char)*p];

		if (s != BPE_NONE && m->strs[s].id != BPE_NONE)
			return bpe_ids_push(out, m->strs[s].id);
	}
	if (n <= L1_KEY) {
		load_key(p, n, k);
		l1 = &e->l1[l1_index(k[0], k[1], n)];
		if (l1->len == n && l1->k0 == k[0] && l1->k1 == k[1]) {
			if (out->cap - out->n >= L1_IDS) {
				memcpy(out->v + out->n, l1->ids, sizeof(l1->ids));
				out->n += l1->nids;
				return 0;
			}
			return push_ids(out, l1->ids, l1->nids);
		}
	}
	h = hash_bytes(p, n);
	if (n <= CACHE_MAX_KEY) {
		for (i = (uint32_t)h & e->mask; e->slots[i].key_len != FREE_SLOT; i = (i + 1) & e->mask) {
			const struct cache_slot *sl = &e->slots[i];

			if (sl->hash == h && sl->key_len == n && !memcmp(e->keys + sl->key_off, p, n)) {
				/* a word may encode to no ids, and then none may be stored yet */
				const uint32_t *ids = sl->nids ? e->ids + sl->ids_off : NULL;

				if (nunk)
					*nunk += sl->nunk;
				if (l1 && !sl->nunk && sl->nids <= L1_IDS)
					l1_put(l1, k, n, ids, sl->nids);
				if (sl->nids == 1)
					return bpe_ids_push(out, ids[0]);
				return push_ids(out, ids, sl->nids);
			}
		}
	}
	if (m->o.ignore_merges) {
		uint32_t s = map_find_h(m, p, n, h);

		if (s != BPE_NONE && m->strs[s].id != BPE_NONE) {
			if (l1)
				l1_put(l1, k, n, &m->strs[s].id, 1);
			else if (n <= CACHE_MAX_KEY)
				cache_put(e, h, p, n, &m->strs[s].id, 1, 0);
			return bpe_ids_push(out, m->strs[s].id);
		}
	}
	before = out->n;
	if (merge_word(e, p, n, out, &unk))
		return -1;
	if (nunk)
		*nunk += unk;
	if (n <= CACHE_MAX_KEY)
		cache_put(e, h, p, n, out->v ? out->v + before : NULL, out->n - before, unk);
	if (l1 && !unk && out->n - before <= L1_IDS)
		l1_put(l1, k, n, out->v + before, out->n - before);
	return 0;
}
