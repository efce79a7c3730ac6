/*
 * Clustering: groups of equal keys in sorted streams become links between
 * documents, a union-find joins them, and each cluster keeps one document.
 *
 * A partition (dedup_cluster) sees whole groups, because equal keys land
 * in the same partition; what it writes depends only on those groups, so
 * the union over partitions (dedup_resolve) is the same however the keys
 * were partitioned and the documents sharded.
 */
#include <stdlib.h>
#include <string.h>

#include <xxhash.h>

#include "dedup.h"

#define NONE UINT64_MAX
#define VERIFY_LEADERS 8

const char *dedup_reason_name(int reason)
{
	switch (reason) {
	case DEDUP_KEEP: return "keep";
	case DEDUP_DROP_EXACT: return "exact";
	case DEDUP_DROP_NEAR: return "near";
	case DEDUP_DROP_URL: return "url";
	}
	return "unknown";
}

/* ---- union-find over sparse 64-bit doc ids ---- */

struct uf {
	/* doc -> element, open addressing; slot holds element + 1, 0 = empty */
	uint32_t *slot;
	size_t scap;
	/* elements */
	uint64_t *doc, *rank, *xrep;
	uint32_t *parent, *size;
	unsigned char *flag;
	size_t n, cap;
};

static void uf_init(struct uf *u)
{
	memset(u, 0, sizeof(*u));
}

static void uf_release(struct uf *u)
{
	free(u->slot);
	free(u->doc);
	free(u->rank);
	free(u->xrep);
	free(u->parent);
	free(u->size);
	free(u->flag);
	uf_init(u);
}

static inline size_t uf_hash(uint64_t doc, size_t cap)
{
	return (size_t)(XXH3_64bits(&doc, sizeof(doc)) & (cap - 1));
}

static int uf_rehash(struct uf *u, size_t nc)
{
	uint32_t *s = calloc(nc, sizeof(*s));
	size_t e, i;

	if (!s)
		return -1;
	for (e = 0; e < u->n; e++) {
		i = uf_hash(u->doc[e], nc);
		while (s[i])
			i = (i + 1) & (nc - 1);
		s[i] = (uint32_t)(e + 1);
	}
	free(u->slot);
	u->slot = s;
	u->scap = nc;
	return 0;
}

#define GROW(p, nc)						\
	do {							\
		void *q_ = realloc((p), (nc) * sizeof(*(p)));	\
								\
		if (!q_)					\
			return -1;				\
		(p) = q_;					\
	} while (0)

/* The slot of doc: its element's, or the empty one where it would go. */
static size_t uf_slot(const struct uf *u, uint64_t doc)
{
	size_t i = uf_hash(doc, u->scap);

	while (u->slot[i] && u->doc[u->slot[i] - 1] != doc)
		i = (i + 1) & (u->scap - 1);
	return i;
}

/* The element of doc, or -1 when it has none. */
static int64_t uf_lookup(const struct uf *u, uint64_t doc)
{
	size_t i;

	if (!u->n)
		return -1;
	i = uf_slot(u, doc);
	return u->slot[i] ? (int64_t)u->slot[i] - 1 : -1;
}

/* The element of doc, added (with rank) when new; -1 when out of memory. */
static int64_t uf_get(struct uf *u, uint64_t doc, uint64_t rank)
{
	size_t i;

	if ((u->n + 1) * 2 > u->scap && uf_rehash(u, u->scap ? u->scap * 2 : 1024))
		return -1;
	i = uf_slot(u, doc);
	if (u->slot[i])
		return u->slot[i] - 1;
	if (u->n >= UINT32_MAX - 1)
		return -1;
	if (u->n == u->cap) {
		size_t nc = u->cap ? u->cap * 2 : 1024;

		GROW(u->doc, nc);
		GROW(u->rank, nc);
		GROW(u->xrep, nc);
		GROW(u->parent, nc);
		GROW(u->size, nc);
		GROW(u->flag, nc);
		u->cap = nc;
	}
	u->doc[u->n] = doc;
	u->rank[u->n] = rank;
	u->xrep[u->n] = NONE;
	u->parent[u->n] = (uint32_t)u->n;
	u->size[u->n] = 1;
	u->flag[u->n] = 0;
	u->slot[i] = (uint32_t)(u->n + 1);
	return (int64_t)u->n++;
}

static uint32_t uf_find(struct uf *u, uint32_t e)
{
	while (u->parent[e] != e) {
		u->parent[e] = u->parent[u->parent[e]];
		e = u->parent[e];
	}
	return e;
}

static void uf_union(struct uf *u, uint32_t a, uint32_t b)
{
	a = uf_find(u, a);
	b = uf_find(u, b);
	if (a == b)
		return;
	if (u->size[a] < u->size[b]) {
		uint32_t t = a;

		a = b;
		b = t;
	}
	u->parent[b] = a;
	u->size[a] += u->size[b];
}

/* ---- one partition ---- */

struct member {
	uint64_t doc, rank;
};

struct group {
	struct member *m;
	size_t n, cap;
};

static int group_add(struct group *g, uint64_t doc, uint64_t rank)
{
	if (g->n == g->cap) {
		struct member *p = ayak_grow(g->m, &g->cap, g->n + 1, sizeof(*p), 64);

		if (!p)
			return -1;
		g->m = p;
	}
	g->m[g->n].doc = doc;
	g->m[g->n].rank = rank;
	g->n++;
	return 0;
}

/*
 * Feed the groups of a stream (records equal in their first nkey words)
 * to fn.  Members come in doc order, since doc follows the key.
 */
static int for_groups(struct dedup_stream *s, unsigned nkey, unsigned rank_word,
		      int (*fn)(void *ctx, const uint64_t *key, struct group *g), void *ctx,
		      struct ayak_err *err)
{
	uint64_t key[2] = { 0, 0 };
	struct group g = { NULL, 0, 0 };
	const uint64_t *rec;
	int r, ret = 0;

	while ((r = dedup_stream_next(s, &rec, err)) > 0) {
		uint64_t rank = rank_word ? rec[rank_word] : 0;

		if (g.n && (rec[0] != key[0] || (nkey > 1 && rec[1] != key[1]))) {
			if ((ret = fn(ctx, key, &g)))
				goto out;
			g.n = 0;
		}
		if (!g.n) {
			key[0] = rec[0];
			key[1] = nkey > 1 ? rec[1] : 0;
		}
		if (group_add(&g, rec[nkey], rank)) {
			ret = ayak_err_set(err, AYAK_E_SYS, "out of memory");
			goto out;
		}
	}
	if (r < 0)
		ret = -1;
	else if (g.n)
		ret = fn(ctx, key, &g);
out:
	free(g.m);
	return ret;
}

struct cctx {
	const struct dedup_cluster_opts *o;
	struct dedup_cluster_stats *st;
	struct dedup_recs *out;
	struct uf uf;
	struct dedup_set pass, fail;
	struct ayak_err *err;
};

static int exact_group(void *ctx, const uint64_t *key, struct group *g)
{
	struct cctx *c = ctx;
	size_t i;

	(void)key;
	if (g->n < 2)
		return 0;
	c->st->exact_groups++;
	for (i = 0; i < g->n; i++) {
		uint64_t rec[4] = { g->m[i].doc, g->m[0].doc, g->m[i].rank, DEDUP_LINK_EXACT };

		if (dedup_recs_add(c->out, rec))
			return ayak_err_set(c->err, AYAK_E_SYS, "out of memory");
	}
	return 0;
}

/* Exact Jaccard of two documents at least the threshold?  Cached. */
static int similar(struct cctx *c, uint64_t a, uint64_t b)
{
	uint64_t pair[2] = { a, b }, key = XXH3_64bits(pair, sizeof(pair));
	const uint32_t *sa, *sb;
	size_t na, nb;
	int yes;

	if (dedup_set_has(&c->pass, key))
		return 1;
	if (dedup_set_has(&c->fail, key))
		return 0;
	if (c->o->shingles->get(c->o->shingles, a, &sa, &na, c->err) ||
	    c->o->shingles->get(c->o->shingles, b, &sb, &nb, c->err))
		return -1;
	yes = dedup_jaccard(sa, na, sb, nb) >= c->o->threshold;
	if (yes)
		c->st->verified++;
	else
		c->st->rejected++;
	if (dedup_set_add(yes ? &c->pass : &c->fail, key))
		return ayak_err_set(c->err, AYAK_E_SYS, "out of memory");
	return yes;
}

static int band_group(void *ctx, const uint64_t *key, struct group *g)
{
	struct cctx *c = ctx;
	int64_t e[VERIFY_LEADERS];
	size_t leader[VERIFY_LEADERS], nlead = 0, i, j;

	(void)key;
	if (g->n < 2)
		return 0;
	c->st->buckets++;
	c->st->candidates += g->n - 1;
	if (!c->o->verify) {
		int64_t first = uf_get(&c->uf, g->m[0].doc, g->m[0].rank);

		if (first < 0)
			return ayak_err_set(c->err, AYAK_E_SYS, "out of memory");
		for (i = 1; i < g->n; i++) {
			int64_t x = uf_get(&c->uf, g->m[i].doc, g->m[i].rank);

			if (x < 0)
				return ayak_err_set(c->err, AYAK_E_SYS, "out of memory");
			uf_union(&c->uf, (uint32_t)first, (uint32_t)x);
		}
		return 0;
	}
	/*
	 * Verified: each member joins the first leader it is similar to, or
	 * becomes a leader itself (up to VERIFY_LEADERS).  Decided by the
	 * bucket alone, so the result does not depend on bucket order.
	 */
	for (i = 0; i < g->n; i++) {
		int joined = 0;

		for (j = 0; j < nlead && !joined; j++) {
			int s = similar(c, g->m[leader[j]].doc, g->m[i].doc);
			int64_t x;

			if (s < 0)
				return -1;
			if (!s)
				continue;
			x = uf_get(&c->uf, g->m[i].doc, g->m[i].rank);
			if (x < 0 || e[j] < 0)
				return ayak_err_set(c->err, AYAK_E_SYS, "out of memory");
			uf_union(&c->uf, (uint32_t)e[j], (uint32_t)x);
			joined = 1;
		}
		if (!joined && nlead < VERIFY_LEADERS) {
			leader[nlead] = i;
			e[nlead] = uf_get(&c->uf, g->m[i].doc, g->m[i].rank);
			if (e[nlead] < 0)
				return ayak_err_set(c->err, AYAK_E_SYS, "out of memory");
			nlead++;
		}
	}
	return 0;
}

static int url_group(void *ctx, const uint64_t *key, struct group *g)
{
	struct cctx *c = ctx;
	size_t i;

	(void)key;
	if (g->n < 2)
		return 0;
	c->st->url_groups++;
	/* The whole group: which record stays depends on the text clusters. */
	for (i = 0; i < g->n; i++) {
		uint64_t rec[3] = { g->m[0].doc, g->m[i].doc, g->m[i].rank };

		if (dedup_recs_add(c->out, rec))
			return ayak_err_set(c->err, AYAK_E_SYS, "out of memory");
	}
	return 0;
}

static int line_group(void *ctx, const uint64_t *key, struct group *g)
{
	struct cctx *c = ctx;
	uint64_t n = 0, last = NONE, hash = key[0];
	size_t i;

	/* Count documents, not occurrences (sign sends each line once a document). */
	for (i = 0; i < g->n; i++)
		if (g->m[i].doc != last) {
			n++;
			last = g->m[i].doc;
		}
	if (n > c->o->line_max) {
		c->st->freq_lines++;
		if (dedup_recs_add(c->out, &hash))
			return ayak_err_set(c->err, AYAK_E_SYS, "out of memory");
	}
	return 0;
}

int dedup_cluster(const struct dedup_cluster_opts *o, struct dedup_stream *exact,
		  struct dedup_stream *band, struct dedup_stream *url,
		  struct dedup_stream *line, struct dedup_recs *pairs,
		  struct dedup_recs *url_groups, struct dedup_recs *freq,
		  struct dedup_cluster_stats *st, struct ayak_err *err)
{
	struct cctx c;
	size_t e;
	int ret = -1;

	memset(&c, 0, sizeof(c));
	c.o = o;
	c.st = st;
	c.err = err;
	uf_init(&c.uf);
	dedup_set_init(&c.pass);
	dedup_set_init(&c.fail);
	if (exact) {
		c.out = pairs;
		if (for_groups(exact, 2, o->has_rank ? 3 : 0, exact_group, &c, err))
			goto out;
	}
	if (band) {
		if (o->verify && !o->shingles) {
			ayak_err_set(err, AYAK_E_SYS, "verify without shingles");
			goto out;
		}
		if (for_groups(band, 1, o->has_rank ? 2 : 0, band_group, &c, err))
			goto out;
		/* The near forest: each document linked to its component's root. */
		for (e = 0; e < c.uf.n; e++) {
			uint32_t r = uf_find(&c.uf, (uint32_t)e);
			uint64_t rec[4] = { c.uf.doc[e], c.uf.doc[r], c.uf.rank[e], DEDUP_LINK_NEAR };

			if (c.uf.size[r] < 2)
				continue;
			if (dedup_recs_add(pairs, rec)) {
				ayak_err_set(err, AYAK_E_SYS, "out of memory");
				goto out;
			}
		}
	}
	if (url) {
		c.out = url_groups;
		if (for_groups(url, 2, 3, url_group, &c, err))
			goto out;
	}
	if (line) {
		/* Records are [hash, doc]. */
		c.out = freq;
		if (for_groups(line, 1, 0, line_group, &c, err) < 0)
			goto out;
	}
	dedup_sort_records(pairs->a, pairs->n, pairs->nw);
	dedup_sort_records(url_groups->a, url_groups->n, url_groups->nw);
	ret = 0;
out:
	uf_release(&c.uf);
	dedup_set_release(&c.pass);
	dedup_set_release(&c.fail);
	return ret;
}

/* ---- all partitions ---- */

#define F_UDROP 1	/* a cluster's keeper dropped for its URL */
#define F_EMPTY 2	/* left without a line with words by repeated-line removal */
#define NOGROUP UINT32_MAX

static int global_index(uint64_t doc, const uint64_t *base, size_t nshards, uint64_t *out,
			struct ayak_err *err)
{
	uint64_t shard = DEDUP_DOC_SHARD(doc);

	if (shard >= nshards)
		return ayak_err_set(err, AYAK_E_DATA,
				    "corrupt stage data: document of shard %llu, but %zu shards",
				    (unsigned long long)shard, nshards);
	*out = base[shard] + DEDUP_DOC_INDEX(doc);
	return 0;
}

/* Does element a keep a URL before b?  Not empty first, then by URL rank. */
static int url_better(const struct uf *u, uint64_t a, uint64_t ra, uint64_t b, uint64_t rb)
{
	int ea = u->flag[a] & F_EMPTY, eb = u->flag[b] & F_EMPTY;

	return ea != eb ? !ea : ra > rb;
}

/*
 * URL groups among the clusters' keepers (steps 2 and 3 of
 * dedup_resolve).  ur holds [first doc, element, url rank] in
 * group order; keeper[root] is updated.  A record left empty by
 * repeated-line removal (F_EMPTY) keeps no URL: it is kept only where
 * no other can be, and then leaves its URL to the hand-over.
 */
static int url_decide(struct uf *u, const struct dedup_recs *ur, uint64_t *keeper,
		      const uint64_t *first, struct ayak_err *err)
{
	uint32_t *grp = malloc((u->n ? u->n : 1) * sizeof(*grp));
	uint64_t *kept = malloc((ur->n ? ur->n : 1) * sizeof(*kept));
	struct dedup_recs order;
	size_t i, j, k, ng = 0, e;
	int ret = -1, any = 0;

	dedup_recs_init(&order, 5);
	if (!grp || !kept)
		goto nomem;
	for (e = 0; e < u->n; e++)
		grp[e] = NOGROUP;
	for (i = 0; i < ur->n; i = j, ng++) {
		uint64_t best = NONE;

		for (j = i; j < ur->n && ur->a[3 * j] == ur->a[3 * i]; j++) {
			e = ur->a[3 * j + 1];
			grp[e] = (uint32_t)ng;
			if (keeper[uf_find(u, (uint32_t)e)] != e)
				continue;	/* dropped for its text, kept elsewhere */
			if (best == NONE || url_better(u, e, ur->a[3 * j + 2], ur->a[3 * best + 1],
							 ur->a[3 * best + 2]))
				best = j;
		}
		kept[ng] = best == NONE || (u->flag[ur->a[3 * best + 1]] & F_EMPTY) ? NONE
			   : ur->a[3 * best + 1];
		for (k = i; k < j; k++) {
			e = ur->a[3 * k + 1];
			if (k != best && keeper[uf_find(u, (uint32_t)e)] == e) {
				u->flag[e] |= F_UDROP;
				any = 1;
			}
		}
	}
	if (!any) {
		ret = 0;
		goto out;
	}
	/* Hand-over: the members of each cluster whose keeper went, best first, empty last. */
	for (e = 0; e < u->n; e++) {
		uint32_t root = uf_find(u, (uint32_t)e);
		uint64_t rec[5] = { u->doc[first[root]], u->flag[e] & F_EMPTY, ~u->rank[e], u->doc[e],
				    e };

		if (keeper[root] == NONE || !(u->flag[keeper[root]] & F_UDROP))
			continue;
		if (dedup_recs_add(&order, rec))
			goto nomem;
	}
	dedup_sort_records(order.a, order.n, 5);
	for (i = 0; i < order.n; i = j) {
		uint32_t root = uf_find(u, (uint32_t)order.a[5 * i + 4]);
		uint64_t to = NONE;

		for (j = i; j < order.n && order.a[5 * j] == order.a[5 * i]; j++) {
			e = order.a[5 * j + 4];
			if (to != NONE || (u->flag[e] & F_UDROP) ||
			    (grp[e] != NOGROUP && kept[grp[e]] != NONE))
				continue;
			to = e;
			if (grp[e] != NOGROUP && !(u->flag[e] & F_EMPTY))
				kept[grp[e]] = e;
		}
		/* NONE: every record of the cluster has its URL kept in another. */
		keeper[root] = to;
	}
	ret = 0;
	goto out;
nomem:
	ayak_err_set(err, AYAK_E_SYS, "out of memory");
out:
	dedup_recs_release(&order);
	free(grp);
	free(kept);
	return ret;
}

int dedup_resolve(struct dedup_stream *pairs, struct dedup_stream *urls,
		  struct dedup_stream *empty, const uint64_t *base, size_t nshards,
		  struct dedup_recs *dec, uint64_t *nclusters, struct ayak_err *err)
{
	struct uf u;
	struct dedup_recs ur;
	const uint64_t *rec;
	uint64_t *first = NULL, *keeper = NULL;
	size_t e;
	int r, ret = -1;

	uf_init(&u);
	dedup_recs_init(&ur, 3);
	*nclusters = 0;
	while (pairs && (r = dedup_stream_next(pairs, &rec, err)) != 0) {
		int64_t a, b;

		if (r < 0)
			goto out;
		if (pairs->nw != 4 || (rec[3] != DEDUP_LINK_EXACT && rec[3] != DEDUP_LINK_NEAR)) {
			ayak_err_set(err, AYAK_E_DATA, "corrupt stage data: bad pair record");
			goto out;
		}
		a = uf_get(&u, rec[0], rec[2]);
		b = a < 0 ? -1 : uf_get(&u, rec[1], 0);
		if (b < 0) {
			ayak_err_set(err, AYAK_E_SYS, "out of memory");
			goto out;
		}
		u.rank[a] = rec[2];
		if (rec[3] == DEDUP_LINK_EXACT)
			u.xrep[a] = rec[1];
		uf_union(&u, (uint32_t)a, (uint32_t)b);
	}
	while (urls && (r = dedup_stream_next(urls, &rec, err)) != 0) {
		uint64_t x[3];
		int64_t a;

		if (r < 0)
			goto out;
		if (urls->nw != 3) {
			ayak_err_set(err, AYAK_E_DATA, "corrupt stage data: bad URL group record");
			goto out;
		}
		/* A document in no text cluster is a cluster of its own. */
		a = uf_get(&u, rec[1], 0);
		x[0] = rec[0];
		x[1] = (uint64_t)a;
		x[2] = rec[2];
		if (a < 0 || dedup_recs_add(&ur, x)) {
			ayak_err_set(err, AYAK_E_SYS, "out of memory");
			goto out;
		}
	}
	/* Only the documents already here can matter. */
	while (ur.n && empty && (r = dedup_stream_next(empty, &rec, err)) != 0) {
		int64_t x;

		if (r < 0)
			goto out;
		if (empty->nw != 1) {
			ayak_err_set(err, AYAK_E_DATA, "corrupt stage data: bad empty record");
			goto out;
		}
		if ((x = uf_lookup(&u, rec[0])) >= 0)
			u.flag[x] |= F_EMPTY;
	}
	/* Per root: the first document, and the keeper by rank. */
	first = malloc((u.n ? u.n : 1) * sizeof(*first));
	keeper = malloc((u.n ? u.n : 1) * sizeof(*keeper));
	if (!first || !keeper) {
		ayak_err_set(err, AYAK_E_SYS, "out of memory");
		goto out;
	}
	for (e = 0; e < u.n; e++)
		first[e] = keeper[e] = NONE;
	for (e = 0; e < u.n; e++) {
		uint32_t root = uf_find(&u, (uint32_t)e);

		if (first[root] == NONE || u.doc[e] < u.doc[first[root]])
			first[root] = e;
		if (keeper[root] == NONE || u.rank[e] > u.rank[keeper[root]] ||
		    (u.rank[e] == u.rank[keeper[root]] && u.doc[e] < u.doc[keeper[root]]))
			keeper[root] = e;
	}
	if (ur.n && url_decide(&u, &ur, keeper, first, err))
		goto out;
	for (e = 0; e < u.n; e++) {
		uint32_t root = uf_find(&u, (uint32_t)e);
		uint64_t k = keeper[root], size = u.size[root], rec4[4], reason;

		if (size > 1 && first[root] == e)
			(*nclusters)++;
		if (k == e && size == 1)
			continue;	/* in a URL group only, and kept: no decision */
		/* A keeper dropped for its URL whose cluster found another keeper is a copy of it. */
		if (k == e)
			reason = DEDUP_KEEP;
		else if (k != NONE && u.xrep[e] != NONE && u.xrep[e] == u.xrep[k])
			reason = DEDUP_DROP_EXACT;
		else if (size > 1 && k != NONE)
			reason = DEDUP_DROP_NEAR;
		else
			reason = DEDUP_DROP_URL;
		rec4[0] = u.doc[e];
		if (global_index(u.doc[first[root]], base, nshards, &rec4[1], err))
			goto out;
		rec4[2] = size;
		rec4[3] = reason;
		if (dedup_recs_add(dec, rec4)) {
			ayak_err_set(err, AYAK_E_SYS, "out of memory");
			goto out;
		}
	}
	dedup_sort_records(dec->a, dec->n, dec->nw);
	ret = 0;
out:
	free(first);
	free(keeper);
	dedup_recs_release(&ur);
	uf_release(&u);
	return ret;
}

/* ---- records left empty by repeated-line removal ---- */

struct empty_stream {
	struct dedup_stream s;
	struct dedup_stream *in;
	const struct dedup_set *freq;
	const uint64_t *rec;	/* the next document's first line record */
	int more;		/* the last dedup_stream_next's, -2 before the first */
	uint64_t doc;
};

static int empty_next(struct dedup_stream *st, const uint64_t **rec, struct ayak_err *err)
{
	struct empty_stream *m = (struct empty_stream *)st;

	if (m->more == -2)
		m->more = dedup_stream_next(m->in, &m->rec, err);
	while (m->more > 0) {
		uint64_t doc = m->rec[1];
		int empty = 1;

		/* A document's lines are together: each with words, once. */
		do {
			if (!dedup_set_has(m->freq, m->rec[0]))
				empty = 0;
			m->more = dedup_stream_next(m->in, &m->rec, err);
		} while (m->more > 0 && m->rec[1] == doc);
		if (empty) {
			m->doc = doc;
			*rec = &m->doc;
			return m->more < 0 ? -1 : 1;
		}
	}
	return m->more;
}

static void empty_free(struct dedup_stream *st)
{
	struct empty_stream *m = (struct empty_stream *)st;

	dedup_stream_free(m->in);
	free(m);
}

struct dedup_stream *dedup_stream_empty(struct dedup_stream *lines, const struct dedup_set *freq,
					struct ayak_err *err)
{
	struct empty_stream *m;

	if (lines->nw != 2) {
		dedup_stream_free(lines);
		ayak_err_set(err, AYAK_E_DATA, "corrupt stage data: bad line record");
		return NULL;
	}
	m = calloc(1, sizeof(*m));
	if (!m) {
		dedup_stream_free(lines);
		ayak_err_set(err, AYAK_E_SYS, "out of memory");
		return NULL;
	}
	m->s.nw = 1;
	m->s.next = empty_next;
	m->s.free = empty_free;
	m->in = lines;
	m->freq = freq;
	m->more = -2;
	return &m->s;
}
