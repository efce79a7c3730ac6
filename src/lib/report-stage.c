/* The stages of a pipeline, from the programs' --stats files; see report.h. */
#define _GNU_SOURCE	/* qsort_r */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "report-int.h"
#include "tokjson.h"

/* Integers in stats files are exact in a double below 2^53. */
#define STAT_MAX ((1ull << 53) - 1)

/* The pipeline's order (DESIGN.md); ayak-cat may stand anywhere, first here. */
static const char *const pipeline[] = {
	"ayak-fetch", "ayak-warc", "ayak-cat", "ayak-norm", "ayak-lid", "ayak-filter",
	"ayak-dedup", "ayak-tok", "ayak-pack", "ayak-stats",
};

static int oom(struct ayak_err *err)
{
	return ayak_err_set(err, AYAK_E_SYS, "out of memory");
}

void rcounts_release(struct rcounts *c)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		free(c->v[i].name);
	free(c->v);
	memset(c, 0, sizeof(*c));
}

static int rcounts_add(struct rcounts *c, const char *name, uint64_t n)
{
	size_t i;
	char *s;

	for (i = 0; i < c->n; i++)
		if (!strcmp(c->v[i].name, name)) {
			c->v[i].n += n;
			return 0;
		}
	if (c->n == c->alloc) {
		struct rcount *nv = ayak_grow(c->v, &c->alloc, c->n + 1, sizeof(*nv), 8);

		if (!nv)
			return -1;
		c->v = nv;
	}
	s = strdup(name);
	if (!s)
		return -1;
	c->v[c->n].name = s;
	c->v[c->n].n = n;
	c->n++;
	return 0;
}

static int cmp_counts(const void *a, const void *b, void *arg)
{
	const struct rcount *x = *(const struct rcount *const *)a;
	const struct rcount *y = *(const struct rcount *const *)b;

	if (!*(const int *)arg && x->n != y->n)
		return x->n > y->n ? -1 : 1;
	return strcmp(x->name, y->name);
}

struct rcount **rcounts_sorted(const struct rcounts *c, int by_name)
{
	struct rcount **v = malloc((c->n ? c->n : 1) * sizeof(*v));
	size_t i;

	if (!v)
		return NULL;
	for (i = 0; i < c->n; i++)
		v[i] = &c->v[i];
	qsort_r(v, c->n, sizeof(*v), cmp_counts, &by_name);
	return v;
}

void report_stages_release(struct report *r)
{
	size_t i;

	for (i = 0; i < r->nstages; i++) {
		free(r->stages[i].name);
		rcounts_release(&r->stages[i].dropped);
		rcounts_release(&r->stages[i].counts);
	}
	free(r->stages);
	r->stages = NULL;
	r->nstages = r->astages = 0;
}

int rstage_is_lid(const struct rstage *s)
{
	return !strncmp(s->name, "ayak-lid", 8) && (!s->name[8] || s->name[8] == ' ');
}

int rstage_is_lang(const struct rstage *s, const char *name)
{
	return !strncmp(name, "lang.", 5) && name[5] && rstage_is_lid(s);
}

size_t rstage_nlangs(const struct rstage *s)
{
	size_t i, n = 0;

	for (i = 0; i < s->counts.n; i++)
		n += rstage_is_lang(s, s->counts.v[i].name);
	return n;
}

size_t report_nlid(const struct report *r)
{
	size_t i, n = 0;

	for (i = 0; i < r->nstages; i++)
		n += rstage_nlangs(&r->stages[i]) > 0;
	return n;
}

/* A name of --stage-order stands for the program as given, or with "ayak-" before it. */
static int order_matches(const char *name, const char *program, size_t n)
{
	size_t k = strlen(name);

	return (k == n && !memcmp(name, program, n)) ||
	       (n > 5 && !memcmp(program, "ayak-", 5) && k == n - 5 && !memcmp(name, program + 5, k));
}

static int stage_rank(const struct report *r, const char *program)
{
	size_t i;

	for (i = 0; i < r->norder; i++)
		if (order_matches(r->order[i], program, strlen(program)))
			return (int)i;
	for (i = 0; i < sizeof(pipeline) / sizeof(pipeline[0]); i++)
		if (!strcmp(pipeline[i], program))
			return 1000 + (int)i;
	return 2000;
}

static struct rstage *find_stage(struct report *r, const char *program, const char *stage)
{
	size_t n = strlen(program) + (stage ? strlen(stage) + 1 : 0), i;
	struct rstage *s;
	char *name = malloc(n + 1);

	if (!name)
		return NULL;
	strcpy(name, program);
	if (stage) {
		strcat(name, " ");
		strcat(name, stage);
	}
	for (i = 0; i < r->nstages; i++)
		if (!strcmp(r->stages[i].name, name)) {
			free(name);
			return &r->stages[i];
		}
	if (r->nstages == r->astages) {
		struct rstage *ns = ayak_grow(r->stages, &r->astages, r->nstages + 1, sizeof(*ns), 8);

		if (!ns) {
			free(name);
			return NULL;
		}
		r->stages = ns;
	}
	s = &r->stages[r->nstages++];
	memset(s, 0, sizeof(*s));
	s->name = name;
	s->plen = strlen(program);
	s->rank = stage_rank(r, program);
	return s;
}

static int bad(struct ayak_err *err, const char *name, const char *what)
{
	return ayak_err_set(err, AYAK_E_DATA, "%s: not an ayak --stats file: %s", name, what);
}

/* An optional whole number: 0 if absent or good, -1 if bad. */
static int opt_uint(const struct tj_value *obj, const char *key, uint64_t *out)
{
	const struct tj_value *v = tj_get(obj, key);

	*out = 0;
	return v ? tj_uint(v, STAT_MAX, out) : 0;
}

/* Check an object of whole numbers (all members, before any is added). */
static int counts_ok(const struct tj_value *v)
{
	uint32_t i;
	uint64_t n;

	if (v->type != TJ_OBJECT)
		return 0;
	for (i = 0; i < v->len; i++)
		if (tj_uint(&v->u.members[i].val, STAT_MAX, &n) || !v->u.members[i].key_len ||
		    memchr(v->u.members[i].key, 0, v->u.members[i].key_len))
			return 0;
	return 1;
}

static int add_counts(struct rcounts *c, const struct tj_value *v)
{
	uint32_t i;
	uint64_t n;

	for (i = 0; v && i < v->len; i++) {
		tj_uint(&v->u.members[i].val, STAT_MAX, &n);
		if (rcounts_add(c, v->u.members[i].key, n))
			return -1;
	}
	return 0;
}

/* The name of the first counter of v whose sum over the stage's files
 * would pass 2^64 (checked before any is added), or NULL. */
static const char *counts_overflow(const struct rcounts *c, const struct tj_value *v,
				   uint64_t *total)
{
	uint32_t i;
	size_t j;
	uint64_t n;

	for (i = 0; v && i < v->len; i++) {
		tj_uint(&v->u.members[i].val, STAT_MAX, &n);
		for (j = 0; j < c->n; j++)
			if (strlen(c->v[j].name) == v->u.members[i].key_len &&
			    !memcmp(c->v[j].name, v->u.members[i].key, v->u.members[i].key_len) &&
			    c->v[j].n > UINT64_MAX - n)
				return v->u.members[i].key;
		/* The report sums a stage's drops too. */
		if (total) {
			if (*total > UINT64_MAX - n)
				return v->u.members[i].key;
			*total += n;
		}
	}
	return NULL;
}

/* The name of a counter of this file that would carry the stage's sum past 2^64, or NULL. */
static const char *stage_overflow(const struct rstage *s, uint64_t in, uint64_t out,
				  uint64_t errors, uint64_t bin, uint64_t bout, uint64_t msec,
				  const struct tj_value *dropped, const struct tj_value *counts)
{
	uint64_t total = 0;
	size_t j;

	if (s->records_in > UINT64_MAX - in)
		return "records_in";
	if (s->records_out > UINT64_MAX - out)
		return "records_out";
	if (s->errors > UINT64_MAX - errors)
		return "errors";
	if (s->bytes_in > UINT64_MAX - bin)
		return "bytes_in";
	if (s->bytes_out > UINT64_MAX - bout)
		return "bytes_out";
	if (s->msec > UINT64_MAX - msec)
		return "seconds";
	for (j = 0; j < s->dropped.n; j++)
		total += s->dropped.v[j].n;	/* checked as it was added */
	if (counts_overflow(&s->dropped, dropped, &total))
		return "dropped";
	if (counts_overflow(&s->counts, counts, NULL))
		return "counts";
	return NULL;
}

int report_stage_json(struct report *r, const char *name, const char *text, size_t len,
		      struct ayak_err *err)
{
	const struct tj_value *root, *v, *dropped, *counts;
	struct tj_doc *doc;
	const char *program, *stage;
	uint32_t plen = 0, slen = 0;
	uint64_t in, out, errors, bin, bout;
	double secs = 0;
	struct rstage *s;
	char msg[sizeof(err->msg)];

	doc = tj_parse(text, len, err);
	if (!doc) {
		if (err->code != AYAK_E_DATA)
			return -1;
		snprintf(msg, sizeof(msg), "%s", err->msg);
		return ayak_err_set(err, AYAK_E_DATA, "%s: not an ayak --stats file: %s", name, msg);
	}
	root = tj_root(doc);
	if (root->type != TJ_OBJECT) {
		tj_free(doc);
		return bad(err, name, "not a JSON object");
	}
	program = tj_get_str(root, "program", &plen);
	if (!program || !plen || memchr(program, 0, plen) || plen > 255) {
		tj_free(doc);
		return bad(err, name, "no \"program\" name");
	}
	stage = tj_get_str(root, "stage", &slen);
	if ((!stage && tj_get(root, "stage")) ||
	    (stage && (!slen || memchr(stage, 0, slen) || slen > 255))) {
		tj_free(doc);
		return bad(err, name, "\"stage\" is not a name");
	}
#define NEED(key, var)									\
	if (!tj_get(root, key) || tj_uint(tj_get(root, key), STAT_MAX, &var)) {		\
		tj_free(doc);								\
		return bad(err, name, "\"" key "\" is missing or not a whole number");	\
	}
#define MAYBE(key, var)									\
	if (opt_uint(root, key, &var)) {						\
		tj_free(doc);								\
		return bad(err, name, "\"" key "\" is not a whole number");		\
	}
	NEED("records_in", in);
	NEED("records_out", out);
	/* A stage passes on at most what it read: more is a broken count. */
	if (out > in) {
		tj_free(doc);
		return bad(err, name, "\"records_out\" is larger than \"records_in\"");
	}
	MAYBE("errors", errors);
	MAYBE("bytes_in", bin);
	MAYBE("bytes_out", bout);
#undef NEED
#undef MAYBE
	v = tj_get(root, "seconds");
	if (v) {
		if (v->type != TJ_NUMBER || !(v->u.num >= 0 && v->u.num < 1e12)) {
			tj_free(doc);
			return bad(err, name, "\"seconds\" is not a number of seconds");
		}
		secs = v->u.num;
	}
	dropped = tj_get(root, "dropped");
	if (dropped && !counts_ok(dropped)) {
		tj_free(doc);
		return bad(err, name, "\"dropped\" is not an object of whole numbers");
	}
	counts = tj_get(root, "counts");
	if (counts && !counts_ok(counts)) {
		tj_free(doc);
		return bad(err, name, "\"counts\" is not an object of whole numbers");
	}
	s = find_stage(r, program, stage);
	if (s) {
		const char *what = stage_overflow(s, in, out, errors, bin, bout,
						  (uint64_t)(secs * 1000 + 0.5), dropped, counts);

		if (what) {
			/* Wrapped sums would be a report of wrong numbers. */
			snprintf(msg, sizeof(msg), "\"%s\" overflows its sum over the files of %s "
				 "(more than 2^64)", what, s->name);
			tj_free(doc);
			return ayak_err_set(err, AYAK_E_DATA, "%s: %s", name, msg);
		}
	}
	if (!s || add_counts(&s->dropped, dropped) || add_counts(&s->counts, counts)) {
		tj_free(doc);
		return oom(err);
	}
	s->files++;
	s->records_in += in;
	s->records_out += out;
	s->errors += errors;
	s->bytes_in += bin;
	s->bytes_out += bout;
	s->msec += (uint64_t)(secs * 1000 + 0.5);
	r->stage_files++;
	tj_free(doc);
	return 0;
}

/* 1 if the file was read already (named twice, or through a link); else note it. */
static int seen_before(struct report *r, const struct stat *st)
{
	size_t i;

	if (!S_ISREG(st->st_mode))
		return 0;
	for (i = 0; i < r->nseen; i++)
		if (r->seen[i].dev == (uint64_t)st->st_dev && r->seen[i].ino == (uint64_t)st->st_ino)
			return 1;
	if (r->nseen == r->aseen) {
		struct rfile *nv = ayak_grow(r->seen, &r->aseen, r->nseen + 1, sizeof(*nv), 64);

		if (!nv)
			return -1;
		r->seen = nv;
	}
	r->seen[r->nseen].dev = (uint64_t)st->st_dev;
	r->seen[r->nseen].ino = (uint64_t)st->st_ino;
	r->nseen++;
	return 0;
}

/* Read a file into b: 0, 1 when it was read before (b untouched), -1 on error. */
static int read_file(struct report *r, const char *path, struct ayak_buf *b, struct ayak_err *err)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC), seen;

	if (fd < 0)
		return ayak_err_sys(err, errno, "%s", path);
	if (fstat(fd, &st)) {
		int e = errno;

		close(fd);
		return ayak_err_sys(err, e, "%s", path);
	}
	seen = seen_before(r, &st);
	if (seen) {
		close(fd);
		return seen < 0 ? oom(err) : 1;
	}
	if (S_ISREG(st.st_mode) && (uint64_t)st.st_size > REPORT_MAX_STATS_FILE) {
		close(fd);
		return ayak_err_set(err, AYAK_E_DATA, "%s: not an ayak --stats file: larger than %u MB",
				    path, REPORT_MAX_STATS_FILE >> 20);
	}
	ayak_buf_reset(b);
	for (;;) {
		ssize_t n;

		if (ayak_buf_grow(b, 65536)) {
			close(fd);
			return oom(err);
		}
		n = read(fd, b->data + b->len, 65536);
		if (n < 0) {
			int e = errno;

			if (e == EINTR)
				continue;
			close(fd);
			return ayak_err_sys(err, e, "%s", path);
		}
		if (!n)
			break;
		b->len += (size_t)n;
		if (b->len > REPORT_MAX_STATS_FILE) {
			close(fd);
			return ayak_err_set(err, AYAK_E_DATA,
					    "%s: not an ayak --stats file: larger than %u MB", path,
					    REPORT_MAX_STATS_FILE >> 20);
		}
	}
	close(fd);
	return 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int has_suffix(const char *s, const char *suf)
{
	size_t n = strlen(s), k = strlen(suf);

	return n > k && !strcmp(s + n - k, suf);
}

/* The directories being read, innermost first: a link back to one of them is a loop. */
struct dirs {
	dev_t dev;
	ino_t ino;
	const struct dirs *up;
};

static int add_path(struct report *r, const char *path, int top, size_t *found,
		    struct ayak_buf *b, const struct dirs *up, int depth, struct ayak_err *err);

static int add_dir(struct report *r, const char *path, const struct stat *st, size_t *found,
		   struct ayak_buf *b, const struct dirs *up, int depth, struct ayak_err *err)
{
	const struct dirs here = { st->st_dev, st->st_ino, up }, *u;
	DIR *d;
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, alloc = 0, i;
	int ret = 0;

	for (u = up; u; u = u->up)
		if (u->dev == st->st_dev && u->ino == st->st_ino)
			return 0;	/* reached again through a link: its files are being read */
	if (depth > 32)
		return ayak_err_set(err, AYAK_E_DATA, "%s: directories nested too deeply", path);
	d = opendir(path);
	if (!d)
		return ayak_err_sys(err, errno, "%s", path);
	errno = 0;
	while ((de = readdir(d))) {
		char *full;

		if (de->d_name[0] == '.')
			continue;
		if (n == alloc) {
			char **nn = ayak_grow(names, &alloc, n + 1, sizeof(*nn), 16);

			if (!nn) {
				ret = oom(err);
				break;
			}
			names = nn;
		}
		full = malloc(strlen(path) + strlen(de->d_name) + 2);
		if (!full) {
			ret = oom(err);
			break;
		}
		sprintf(full, "%s%s%s", path, has_suffix(path, "/") ? "" : "/", de->d_name);
		names[n++] = full;
		errno = 0;
	}
	if (!ret && errno)
		ret = ayak_err_sys(err, errno, "%s", path);
	closedir(d);
	if (!ret)
		qsort(names, n, sizeof(*names), cmp_names);
	for (i = 0; i < n; i++) {
		if (!ret)
			ret = add_path(r, names[i], 0, found, b, &here, depth + 1, err);
		free(names[i]);
	}
	free(names);
	return ret;
}

static int add_path(struct report *r, const char *path, int top, size_t *found,
		    struct ayak_buf *b, const struct dirs *up, int depth, struct ayak_err *err)
{
	struct stat st;
	int json = has_suffix(path, ".json"), ret;

	if (top) {
		if (stat(path, &st))
			return ayak_err_sys(err, errno, "%s", path);
	} else {
		/*
		 * In a directory, only *.json files are stats files and only
		 * directories are searched: a link that leads nowhere (dangling,
		 * a loop) is passed over unless its name says it is a stats file.
		 */
		if (lstat(path, &st))
			return ayak_err_sys(err, errno, "%s", path);
		if (S_ISLNK(st.st_mode) && stat(path, &st))
			return json ? ayak_err_sys(err, errno, "%s", path) : 0;
	}
	if (S_ISDIR(st.st_mode))
		return add_dir(r, path, &st, found, b, up, depth, err);
	if (!top && (!S_ISREG(st.st_mode) || !json))
		return 0;
	(*found)++;
	ret = read_file(r, path, b, err);
	if (ret)
		return ret < 0 ? -1 : 0;
	return report_stage_json(r, path, b->data ? b->data : "", b->len, err);
}

int report_stage_path(struct report *r, const char *path, struct ayak_err *err)
{
	struct ayak_buf b = AYAK_BUF_INIT;
	size_t found = 0;
	int ret = add_path(r, path, 1, &found, &b, NULL, 0, err);

	ayak_buf_release(&b);
	if (!ret && !found)
		ret = ayak_err_set(err, AYAK_E_DATA, "%s: no stats files (*.json) in the directory",
				   path);
	return ret;
}

int report_check_order(const struct report *r, struct ayak_err *err)
{
	size_t i, j;

	for (i = 0; i < r->norder; i++) {
		for (j = 0; j < r->nstages; j++)
			if (order_matches(r->order[i], r->stages[j].name, r->stages[j].plen))
				break;
		if (j == r->nstages)
			return ayak_err_set(err, AYAK_E_USAGE,
					    "--stage-order: no stats file is of the program '%s'",
					    r->order[i]);
	}
	return 0;
}

static int cmp_stages(const void *a, const void *b)
{
	const struct rstage *x = *(const struct rstage *const *)a;
	const struct rstage *y = *(const struct rstage *const *)b;

	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	return strcmp(x->name, y->name);
}

struct rstage **report_stages_sorted(struct report *r)
{
	struct rstage **v = malloc((r->nstages ? r->nstages : 1) * sizeof(*v));
	size_t i;

	if (!v)
		return NULL;
	for (i = 0; i < r->nstages; i++)
		v[i] = &r->stages[i];
	qsort(v, r->nstages, sizeof(*v), cmp_stages);
	return v;
}
