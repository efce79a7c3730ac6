/*
 * Sorting records of 64-bit words, in memory and beyond it: an MSD radix
 * sort, streams over sorted records, a k-way merge, and an external
 * sorter that spills sorted runs to unlinked temporary files when the
 * memory budget it shares with other sorters is spent.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dedup.h"

#define INSERTION_MAX 24
#define MERGE_FANIN 64
#define RUN_BUF_RECS 8192
#define GROW_MIN 4096

/* ---- in-memory sort ---- */

static inline unsigned byte_at(const uint64_t *r, unsigned d)
{
	return (unsigned)(r[d >> 3] >> (56 - 8 * (d & 7))) & 0xFF;
}

static inline void rec_copy(uint64_t *dst, const uint64_t *src, unsigned nw)
{
	unsigned i;

	for (i = 0; i < nw; i++)
		dst[i] = src[i];
}

static inline void rec_swap(uint64_t *a, uint64_t *b, unsigned nw)
{
	unsigned i;

	for (i = 0; i < nw; i++) {
		uint64_t t = a[i];

		a[i] = b[i];
		b[i] = t;
	}
}

static void insertion_sort(uint64_t *a, size_t n, unsigned nw)
{
	uint64_t tmp[DEDUP_MAX_WORDS];
	size_t i, j;

	for (i = 1; i < n; i++) {
		if (dedup_rec_cmp(a + (i - 1) * nw, a + i * nw, nw) <= 0)
			continue;
		rec_copy(tmp, a + i * nw, nw);
		for (j = i; j > 0 && dedup_rec_cmp(a + (j - 1) * nw, tmp, nw) > 0; j--)
			rec_copy(a + j * nw, a + (j - 1) * nw, nw);
		rec_copy(a + j * nw, tmp, nw);
	}
}

/* American flag sort on byte d (0 = the top byte of word 0) and after. */
static void msd_sort(uint64_t *a, size_t n, unsigned nw, unsigned d)
{
	size_t count[256], start[256], next[256], i;
	unsigned b, c;

	for (;;) {
		if (n <= INSERTION_MAX) {
			insertion_sort(a, n, nw);
			return;
		}
		if (d >= nw * 8)
			return;
		memset(count, 0, sizeof(count));
		for (i = 0; i < n; i++)
			count[byte_at(a + i * nw, d)]++;
		if (count[byte_at(a, d)] == n) {
			d++;		/* one bucket: look at the next byte */
			continue;
		}
		break;
	}
	start[0] = 0;
	for (b = 1; b < 256; b++)
		start[b] = start[b - 1] + count[b - 1];
	memcpy(next, start, sizeof(next));
	for (b = 0; b < 256; b++) {
		size_t stop = start[b] + count[b];

		while (next[b] < stop) {
			uint64_t *r = a + next[b] * nw;

			c = byte_at(r, d);
			if (c == b)
				next[b]++;
			else
				rec_swap(r, a + next[c]++ * nw, nw);
		}
	}
	for (b = 0; b < 256; b++)
		if (count[b] > 1)
			msd_sort(a + start[b] * nw, count[b], nw, d + 1);
}

void dedup_sort_records(uint64_t *a, size_t n, unsigned nw)
{
	if (n > 1)
		msd_sort(a, n, nw, 0);
}

/* ---- streams ---- */

void dedup_stream_free(struct dedup_stream *s)
{
	if (s)
		s->free(s);
}

struct mem_stream {
	struct dedup_stream s;
	const uint64_t *a;
	size_t n, pos;
};

static int mem_next(struct dedup_stream *st, const uint64_t **rec, struct ayak_err *err)
{
	struct mem_stream *m = (struct mem_stream *)st;

	(void)err;
	if (m->pos >= m->n)
		return 0;
	*rec = m->a + m->pos++ * st->nw;
	return 1;
}

static void plain_free(struct dedup_stream *st)
{
	free(st);
}

struct dedup_stream *dedup_stream_mem(const uint64_t *a, size_t n, unsigned nw)
{
	struct mem_stream *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	m->s.nw = nw;
	m->s.next = mem_next;
	m->s.free = plain_free;
	m->a = a;
	m->n = n;
	return &m->s;
}

/* A k-way merge: a binary heap of the inputs by their current record. */
struct merge_stream {
	struct dedup_stream s;
	struct dedup_stream **in;
	const uint64_t **cur;
	size_t *heap;		/* input numbers */
	size_t n, nheap;
	int started;
	size_t last;		/* input whose record was handed out last */
};

static inline int heap_less(struct merge_stream *m, size_t a, size_t b)
{
	int c = dedup_rec_cmp(m->cur[a], m->cur[b], m->s.nw);

	return c < 0 || (c == 0 && a < b);
}

static void sift_down(struct merge_stream *m, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, best = i, t;

		if (l < m->nheap && heap_less(m, m->heap[l], m->heap[best]))
			best = l;
		if (r < m->nheap && heap_less(m, m->heap[r], m->heap[best]))
			best = r;
		if (best == i)
			return;
		t = m->heap[i];
		m->heap[i] = m->heap[best];
		m->heap[best] = t;
		i = best;
	}
}

static int merge_next(struct dedup_stream *st, const uint64_t **rec, struct ayak_err *err)
{
	struct merge_stream *m = (struct merge_stream *)st;
	size_t i;
	int r;

	if (!m->started) {
		m->started = 1;
		for (i = 0; i < m->n; i++) {
			r = dedup_stream_next(m->in[i], &m->cur[i], err);
			if (r < 0)
				return -1;
			if (r)
				m->heap[m->nheap++] = i;
		}
		for (i = m->nheap / 2; i-- > 0;)
			sift_down(m, i);
	} else if (m->nheap) {
		/* Advance the input handed out last (at the top of the heap). */
		i = m->heap[0];
		r = dedup_stream_next(m->in[i], &m->cur[i], err);
		if (r < 0)
			return -1;
		if (!r)
			m->heap[0] = m->heap[--m->nheap];
		if (m->nheap)
			sift_down(m, 0);
	}
	if (!m->nheap)
		return 0;
	*rec = m->cur[m->heap[0]];
	return 1;
}

static void merge_free(struct dedup_stream *st)
{
	struct merge_stream *m = (struct merge_stream *)st;
	size_t i;

	for (i = 0; i < m->n; i++)
		dedup_stream_free(m->in[i]);
	free(m->in);
	free(m->cur);
	free(m->heap);
	free(m);
}

struct dedup_stream *dedup_stream_merge(struct dedup_stream **in, size_t n,
					struct ayak_err *err)
{
	struct merge_stream *m = calloc(1, sizeof(*m));
	size_t i;

	if (m) {
		m->in = malloc((n ? n : 1) * sizeof(*m->in));
		m->cur = calloc(n ? n : 1, sizeof(*m->cur));
		m->heap = malloc((n ? n : 1) * sizeof(*m->heap));
	}
	if (!m || !m->in || !m->cur || !m->heap) {
		if (m) {
			free(m->in);
			free(m->cur);
			free(m->heap);
			free(m);
		}
		for (i = 0; i < n; i++)
			dedup_stream_free(in[i]);
		ayak_err_set(err, AYAK_E_SYS, "out of memory");
		return NULL;
	}
	m->s.nw = n ? in[0]->nw : 1;
	m->s.next = merge_next;
	m->s.free = merge_free;
	memcpy(m->in, in, n * sizeof(*in));
	m->n = n;
	return &m->s;
}

/* ---- runs on disk ---- */

struct run {
	FILE *f;
	uint64_t n;
};

struct run_stream {
	struct dedup_stream s;
	FILE *f;
	uint64_t left;		/* records not yet read from the file */
	uint64_t *buf;
	size_t have, pos;
};

static int run_next(struct dedup_stream *st, const uint64_t **rec, struct ayak_err *err)
{
	struct run_stream *r = (struct run_stream *)st;

	if (r->pos == r->have) {
		size_t want = r->left < RUN_BUF_RECS ? (size_t)r->left : RUN_BUF_RECS;

		if (!want)
			return 0;
		if (fread(r->buf, st->nw * sizeof(uint64_t), want, r->f) != want)
			return ayak_err_sys(err, ferror(r->f) ? errno : EIO,
					    "cannot read a sort run back");
		r->left -= want;
		r->have = want;
		r->pos = 0;
	}
	*rec = r->buf + r->pos++ * st->nw;
	return 1;
}

static void run_free(struct dedup_stream *st)
{
	struct run_stream *r = (struct run_stream *)st;

	if (r->f)
		fclose(r->f);
	free(r->buf);
	free(r);
}

/* A stream over a run; takes the file. */
static struct dedup_stream *run_stream(struct run *run, unsigned nw, struct ayak_err *err)
{
	struct run_stream *r = calloc(1, sizeof(*r));

	if (r)
		r->buf = malloc((size_t)RUN_BUF_RECS * nw * sizeof(uint64_t));
	if (!r || !r->buf) {
		free(r);
		fclose(run->f);
		run->f = NULL;
		ayak_err_set(err, AYAK_E_SYS, "out of memory");
		return NULL;
	}
	rewind(run->f);
	r->s.nw = nw;
	r->s.next = run_next;
	r->s.free = run_free;
	r->f = run->f;
	r->left = run->n;
	run->f = NULL;
	return &r->s;
}

/* A new temporary file in dir, already unlinked. */
/* Where temporary files go: --tmpdir, or /tmp. */
static const char *tmp_dir(const char *dir)
{
	return dir && *dir ? dir : "/tmp";
}

static FILE *temp_file(const char *dir, struct ayak_err *err)
{
	struct ayak_buf path = AYAK_BUF_INIT;
	FILE *f = NULL;
	int fd;

	if (ayak_buf_addf(&path, "%s/ayak-dedup-run.XXXXXX", tmp_dir(dir))) {
		ayak_err_set(err, AYAK_E_SYS, "out of memory");
		return NULL;
	}
	fd = mkstemp(path.data);
	if (fd < 0) {
		ayak_err_sys(err, errno, "cannot create a temporary file in %s",
			     tmp_dir(dir));
	} else {
		unlink(path.data);
		f = fdopen(fd, "w+b");
		if (!f) {
			ayak_err_sys(err, errno, "cannot create a temporary file");
			close(fd);
		}
	}
	ayak_buf_release(&path);
	return f;
}

/* Write a stream to a new run. */
static int stream_to_run(struct dedup_stream *in, const char *dir, struct run *run,
			 uint64_t *bytes, struct ayak_err *err)
{
	const uint64_t *rec;
	int r;

	run->n = 0;
	run->f = temp_file(dir, err);
	if (!run->f)
		return -1;
	while ((r = dedup_stream_next(in, &rec, err)) > 0) {
		if (fwrite(rec, in->nw * sizeof(uint64_t), 1, run->f) != 1)
			goto fail;
		run->n++;
	}
	if (r < 0)
		return -1;
	if (fflush(run->f))
		goto fail;
	*bytes += run->n * in->nw * sizeof(uint64_t);
	return 0;
fail:
	ayak_err_sys(err, errno, "cannot write a sort run to %s", tmp_dir(dir));
	fclose(run->f);
	run->f = NULL;
	return -1;
}

/* ---- spools: records kept in order on disk ---- */

struct dedup_spool {
	struct run run;
	unsigned nw;
	const char *dir;
};

struct dedup_spool *dedup_spool_new(const char *tmpdir, unsigned nw, struct ayak_err *err)
{
	struct dedup_spool *s = calloc(1, sizeof(*s));

	if (!s) {
		ayak_err_set(err, AYAK_E_SYS, "out of memory");
		return NULL;
	}
	s->nw = nw;
	s->dir = tmp_dir(tmpdir);
	s->run.f = temp_file(tmpdir, err);
	if (!s->run.f) {
		free(s);
		return NULL;
	}
	return s;
}

int dedup_spool_add(struct dedup_spool *s, const uint64_t *rec, struct ayak_err *err)
{
	if (fwrite(rec, s->nw * sizeof(uint64_t), 1, s->run.f) != 1)
		return ayak_err_sys(err, errno, "cannot write a spool file to %s", s->dir);
	s->run.n++;
	return 0;
}

struct dedup_stream *dedup_spool_finish(struct dedup_spool *s, struct ayak_err *err)
{
	struct dedup_stream *st = NULL;

	if (fflush(s->run.f))
		ayak_err_sys(err, errno, "cannot write a spool file to %s", s->dir);
	else
		st = run_stream(&s->run, s->nw, err);
	dedup_spool_free(s);
	return st;
}

void dedup_spool_free(struct dedup_spool *s)
{
	if (!s)
		return;
	if (s->run.f)
		fclose(s->run.f);
	free(s);
}

/* ---- external sorter ---- */

struct dedup_sorter {
	struct dedup_mem *mem;
	unsigned nw;
	uint64_t *buf;
	size_t len, cap;	/* records */
	struct run *runs;
	size_t nruns, runcap;
	uint64_t count;
	struct dedup_stream *out;
};

void dedup_mem_init(struct dedup_mem *mem, uint64_t limit, const char *tmpdir)
{
	memset(mem, 0, sizeof(*mem));
	mem->limit = limit;
	mem->tmpdir = tmpdir;
}

void dedup_mem_release(struct dedup_mem *mem)
{
	free(mem->sorters);
	mem->sorters = NULL;
	mem->nsorters = 0;
}

struct dedup_sorter *dedup_sorter_new(struct dedup_mem *mem, unsigned nw)
{
	struct dedup_sorter *s, **list;

	if (!nw || nw > DEDUP_MAX_WORDS)
		return NULL;
	list = realloc(mem->sorters, (mem->nsorters + 1) * sizeof(*list));
	if (!list)
		return NULL;
	mem->sorters = list;
	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->mem = mem;
	s->nw = nw;
	list[mem->nsorters++] = s;
	return s;
}

static size_t buf_bytes(const struct dedup_sorter *s)
{
	return s->cap * s->nw * sizeof(uint64_t);
}

static int spill(struct dedup_sorter *s, struct ayak_err *err)
{
	struct dedup_stream *in;
	struct run run;

	if (s->nruns == s->runcap) {
		struct run *p = ayak_grow(s->runs, &s->runcap, s->nruns + 1, sizeof(*p), 8);

		if (!p)
			return ayak_err_set(err, AYAK_E_SYS, "out of memory");
		s->runs = p;
	}
	dedup_sort_records(s->buf, s->len, s->nw);
	in = dedup_stream_mem(s->buf, s->len, s->nw);
	if (!in)
		return ayak_err_set(err, AYAK_E_SYS, "out of memory");
	if (stream_to_run(in, s->mem->tmpdir, &run, &s->mem->spilled, err)) {
		dedup_stream_free(in);
		return -1;
	}
	dedup_stream_free(in);
	s->runs[s->nruns++] = run;
	s->mem->runs++;
	s->len = 0;
	return 0;
}

static void release_buf(struct dedup_sorter *s)
{
	s->mem->used -= buf_bytes(s);
	free(s->buf);
	s->buf = NULL;
	s->cap = 0;
}

static int grow(struct dedup_sorter *s, size_t add, struct ayak_err *err)
{
	size_t rb = s->nw * sizeof(uint64_t);
	uint64_t *p = realloc(s->buf, (s->cap + add) * rb);

	if (!p)
		return ayak_err_set(err, AYAK_E_SYS, "out of memory");
	s->buf = p;
	s->cap += add;
	s->mem->used += add * rb;
	if (s->mem->used > s->mem->peak)
		s->mem->peak = s->mem->used;
	return 0;
}

/* Room for one more record: grow within the budget, or spill. */
static int make_room(struct dedup_sorter *s, struct ayak_err *err)
{
	struct dedup_mem *mem = s->mem;
	size_t rb = s->nw * sizeof(uint64_t);
	size_t add = s->cap / 2 > GROW_MIN ? s->cap / 2 : GROW_MIN;

	for (;;) {
		struct dedup_sorter *big = NULL;
		size_t i;

		if (mem->used + add * rb <= mem->limit)
			return grow(s, add, err);
		if (mem->used + GROW_MIN * rb <= mem->limit)
			return grow(s, (mem->limit - mem->used) / rb, err);
		for (i = 0; i < mem->nsorters; i++) {
			struct dedup_sorter *t = mem->sorters[i];

			if (t != s && t->cap && !t->out && (!big || buf_bytes(t) > buf_bytes(big)))
				big = t;
		}
		if (big && buf_bytes(big) >= buf_bytes(s)) {
			if (big->len && spill(big, err))
				return -1;
			release_buf(big);
			continue;
		}
		if (s->len)
			return spill(s, err);
		/* Nothing to give back: a minimal buffer, over the budget. */
		return grow(s, GROW_MIN, err);
	}
}

int dedup_sorter_add(struct dedup_sorter *s, const uint64_t *rec, struct ayak_err *err)
{
	if (s->len == s->cap && make_room(s, err))
		return -1;
	rec_copy(s->buf + s->len * s->nw, rec, s->nw);
	s->len++;
	s->count++;
	return 0;
}

uint64_t dedup_sorter_count(const struct dedup_sorter *s)
{
	return s->count;
}

struct dedup_stream *dedup_sorter_finish(struct dedup_sorter *s, struct ayak_err *err)
{
	struct dedup_stream **in;
	size_t n = 0, i;

	/* Too many runs to merge at once: merge the oldest into one first. */
	while (s->nruns + (s->len > 0) > MERGE_FANIN) {
		struct dedup_stream *part[MERGE_FANIN], *m;
		struct run run;

		for (i = 0; i < MERGE_FANIN; i++) {
			part[i] = run_stream(&s->runs[i], s->nw, err);
			if (!part[i]) {
				while (i-- > 0)
					dedup_stream_free(part[i]);
				return NULL;
			}
		}
		m = dedup_stream_merge(part, MERGE_FANIN, err);
		if (!m)
			return NULL;
		if (stream_to_run(m, s->mem->tmpdir, &run, &s->mem->spilled, err)) {
			dedup_stream_free(m);
			return NULL;
		}
		dedup_stream_free(m);
		memmove(s->runs, s->runs + MERGE_FANIN, (s->nruns - MERGE_FANIN) * sizeof(*s->runs));
		s->nruns -= MERGE_FANIN;
		s->runs[s->nruns++] = run;
	}
	in = malloc((s->nruns + 1) * sizeof(*in));
	if (!in) {
		ayak_err_set(err, AYAK_E_SYS, "out of memory");
		return NULL;
	}
	for (i = 0; i < s->nruns; i++) {
		in[n] = run_stream(&s->runs[i], s->nw, err);
		if (!in[n])
			goto fail;
		n++;
	}
	s->nruns = 0;
	if (s->len) {
		dedup_sort_records(s->buf, s->len, s->nw);
		in[n] = dedup_stream_mem(s->buf, s->len, s->nw);
		if (!in[n]) {
			ayak_err_set(err, AYAK_E_SYS, "out of memory");
			goto fail;
		}
		n++;
	}
	if (n == 1) {
		s->out = in[0];
	} else {
		s->out = dedup_stream_merge(in, n, err);
		n = 0;
		if (!s->out)
			goto fail;
	}
	free(in);
	/* The stream is owned by the sorter; give the caller a view. */
	return s->out;
fail:
	for (i = 0; i < n; i++)
		dedup_stream_free(in[i]);
	free(in);
	return NULL;
}

void dedup_sorter_free(struct dedup_sorter *s)
{
	size_t i;

	if (!s)
		return;
	dedup_stream_free(s->out);
	for (i = 0; i < s->nruns; i++)
		if (s->runs[i].f)
			fclose(s->runs[i].f);
	free(s->runs);
	release_buf(s);
	for (i = 0; i < s->mem->nsorters; i++)
		if (s->mem->sorters[i] == s) {
			s->mem->sorters[i] = s->mem->sorters[--s->mem->nsorters];
			break;
		}
	free(s);
}

/* ---- record arrays and hash sets ---- */

void dedup_recs_init(struct dedup_recs *r, unsigned nw)
{
	memset(r, 0, sizeof(*r));
	r->nw = nw;
}

void dedup_recs_release(struct dedup_recs *r)
{
	free(r->a);
	r->a = NULL;
	r->n = r->cap = 0;
}

int dedup_recs_add(struct dedup_recs *r, const uint64_t *rec)
{
	if (r->n == r->cap) {
		size_t nc = r->cap ? r->cap * 2 : 1024;
		uint64_t *p = realloc(r->a, nc * r->nw * sizeof(uint64_t));

		if (!p)
			return -1;
		r->a = p;
		r->cap = nc;
	}
	rec_copy(r->a + r->n * r->nw, rec, r->nw);
	r->n++;
	return 0;
}

void dedup_set_init(struct dedup_set *s)
{
	memset(s, 0, sizeof(*s));
}

void dedup_set_release(struct dedup_set *s)
{
	free(s->slot);
	dedup_set_init(s);
}

static inline size_t set_pos(uint64_t h, size_t cap)
{
	return (size_t)((h * UINT64_C(0x9E3779B97F4A7C15)) >> 32) & (cap - 1);
}

int dedup_set_add(struct dedup_set *s, uint64_t h)
{
	size_t i;

	if (!h) {
		s->has_zero = 1;
		return 0;
	}
	if ((s->n + 1) * 2 > s->cap) {
		size_t nc = s->cap ? s->cap * 2 : 1024, j;
		uint64_t *p = calloc(nc, sizeof(*p));

		if (!p)
			return -1;
		for (j = 0; j < s->cap; j++)
			if (s->slot[j]) {
				i = set_pos(s->slot[j], nc);
				while (p[i])
					i = (i + 1) & (nc - 1);
				p[i] = s->slot[j];
			}
		free(s->slot);
		s->slot = p;
		s->cap = nc;
	}
	i = set_pos(h, s->cap);
	while (s->slot[i]) {
		if (s->slot[i] == h)
			return 0;
		i = (i + 1) & (s->cap - 1);
	}
	s->slot[i] = h;
	s->n++;
	return 0;
}

int dedup_set_has(const struct dedup_set *s, uint64_t h)
{
	size_t i;

	if (!h)
		return s->has_zero;
	if (!s->cap)
		return 0;
	i = set_pos(h, s->cap);
	while (s->slot[i]) {
		if (s->slot[i] == h)
			return 1;
		i = (i + 1) & (s->cap - 1);
	}
	return 0;
}
