/*
 * ayak-fetch: parallel, resumable HTTP(S) downloads with libcurl's multi
 * interface, for crawl files (Common Crawl path lists) and for single
 * records fetched by byte range (Common Crawl index lines).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "cli.h"
#include "fetch.h"

static const char usage[] =
	"Usage: ayak-fetch [options] [LIST...]\n"
	"Download the URLs listed one per line in the LIST files (plain or compressed)\n"
	"or on standard input, several at a time, with retries and resume.\n"
	"Without -d, write their contents to standard output (or -o FILE) in input order.\n"
	"\n"
	"  -j, --jobs N          transfers at a time (default 4)\n"
	"  -d, --dir DIR         save each file as DIR/PATH, PATH from its URL; files\n"
	"                        already there are skipped, partial ones resumed\n"
	"      --base-url URL    base for relative paths (Common Crawl path lists)\n"
	"      --ranges          input lines are CDX index lines (filename, offset,\n"
	"                        length): fetch those records by byte range, as one\n"
	"                        WARC stream (not with -d)\n"
	"      --max-retries N   retries of a failed transfer (default 5)\n"
	"      --retry-wait SECS base of the exponential backoff (default 1)\n"
	"      --failed FILE     write the input lines that could not be fetched to FILE\n"
	"      --rate SIZE       at most SIZE bytes a second in all (K, M, G)\n"
	"      --max-size SIZE   give up on files larger than SIZE\n"
	"      --timeout SECS    give up on a connection that makes no progress for SECS\n"
	"                        (default 60)\n"
	"      --user-agent STR  User-Agent header (default ayak-fetch/VERSION)\n"
	"      --max-redirects N redirects to follow (default 5)\n"
	"      --tmpdir DIR      files waiting for their turn on the output, beyond 4 MiB\n"
	"                        (default $TMPDIR or /tmp)\n";

enum {
	OPT_BASE_URL = CLI_OPT_PROGRAM,
	OPT_RANGES,
	OPT_MAX_RETRIES,
	OPT_RETRY_WAIT,
	OPT_FAILED,
	OPT_RATE,
	OPT_MAX_SIZE,
	OPT_TIMEOUT,
	OPT_USER_AGENT,
	OPT_MAX_REDIRECTS,
	OPT_TMPDIR,
};

static const struct option options[] = {
	{ "jobs", required_argument, NULL, 'j' },
	{ "dir", required_argument, NULL, 'd' },
	{ "base-url", required_argument, NULL, OPT_BASE_URL },
	{ "ranges", no_argument, NULL, OPT_RANGES },
	{ "max-retries", required_argument, NULL, OPT_MAX_RETRIES },
	{ "retry-wait", required_argument, NULL, OPT_RETRY_WAIT },
	{ "failed", required_argument, NULL, OPT_FAILED },
	{ "rate", required_argument, NULL, OPT_RATE },
	{ "max-size", required_argument, NULL, OPT_MAX_SIZE },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "user-agent", required_argument, NULL, OPT_USER_AGENT },
	{ "max-redirects", required_argument, NULL, OPT_MAX_REDIRECTS },
	{ "tmpdir", required_argument, NULL, OPT_TMPDIR },
	{ NULL, 0, NULL, 0 },
};

#define MEM_MAX (4u << 20)	/* a file held in memory for ordered output; more spills */
#define RETRY_CAP 300.0		/* longest wait between attempts, seconds */

enum { PENDING, ACTIVE, DONE, FAILED, SKIPPED, DUPLICATE };

struct item {
	char *line;			/* as given, for --failed */
	const char *file;		/* where it was given */
	uint64_t lineno;
	char *url;
	char *path;			/* -d: final name */
	char *part;			/* -d: name while downloading */
	uint64_t off, len;		/* --ranges */
	int state;
	unsigned attempts;
	int old_part;			/* -d: resuming a .part of an earlier run */
	size_t made_dirs;		/* -d: where the first directory made for it ends */
	double not_before;
	CURL *easy;

	/* This attempt. */
	long status;
	int asked;			/* it sent a Range header */
	int accept;			/* 0 undecided, 1 writing, 2 discarding */
	long long cr_start, cr_end, cr_total;	/* Content-Range */
	long long clen;			/* Content-Length */
	double retry_after;
	int too_big, restart_failed;
	int paused;			/* by --rate */
	int stalled;			/* no data for --timeout seconds */
	double last_activity;
	int ioerr;
	char errbuf[CURL_ERROR_SIZE];
	char why[300];

	/* What we have. */
	uint64_t have;
	unsigned char first[2];
	int fd;				/* -d */
	struct ayak_buf mem;		/* stdout: held until its turn */
	FILE *tmp;
	int direct;			/* stdout: its turn; written as it comes */
	uint64_t emitted;		/* bytes of it written to the output */
	uint64_t skip;			/* bytes of a resent file already written */
};

struct fetch {
	struct cli *c;
	unsigned jobs;
	const char *dir;
	const char *base;
	int ranges;
	unsigned max_retries;
	double retry_wait;
	const char *failed_path;
	struct ayak_writer *failed_out;	/* opened at the start, as --stats is */
	uint64_t rate, max_size;
	long timeout;
	const char *agent;
	long max_redirects;
	const char *tmpdir;

	struct item *items;
	size_t n, cap;
	size_t first_open;		/* no unfinished item before this one */
	size_t next_out;		/* stdout: the next item to write */
	unsigned active;
	CURLM *multi;
	struct ayak_writer *out;
	uint64_t bytes, retries, resumed, skipped, failed, fetched, duplicates;
	unsigned npaused;
	double t0, last_progress;
	int progress_drawn;
	char agent_buf[64];
};

/* ---- messages ---- */

static void clear_progress(struct fetch *f)
{
	if (f->progress_drawn) {
		fputs("\r\033[K", stderr);
		f->progress_drawn = 0;
	}
}

static void say(struct fetch *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void say(struct fetch *f, const char *fmt, ...)
{
	va_list ap;

	clear_progress(f);
	fprintf(stderr, "%s: ", f->c->prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void die_sys(struct fetch *f, const char *fmt, ...) __attribute__((noreturn, format(printf, 2, 3)));

static void die_sys(struct fetch *f, const char *fmt, ...)
{
	char *msg = f->c->err.msg;
	size_t size = sizeof(f->c->err.msg);
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(msg, size, fmt, ap);
	va_end(ap);
	if (n >= (int)size) {
		/* A long URL filled it: keep the reason at the end, cut the middle. */
		char *all;

		va_start(ap, fmt);
		if (vasprintf(&all, fmt, ap) == n) {
			snprintf(msg, size, "%.*s...%s", (int)(size / 2), all,
				 all + n - (size / 2 - 4));
			free(all);
		}
		va_end(ap);
	}
	f->c->err.code = AYAK_E_SYS;
	f->c->err.file = NULL;
	clear_progress(f);
	cli_die(f->c, &f->c->err);	/* it closes or removes f->out, which is c->out */
}

static void progress(struct fetch *f, int final)
{
	double now = ayak_now(), secs = now - f->t0;
	size_t done = f->fetched + f->skipped + f->failed + f->duplicates;

	if (!final && now - f->last_progress < 0.25)
		return;
	f->last_progress = now;
	fprintf(stderr, "\r\033[K%s: %zu/%zu files, %.1f MB, %.1f MB/s", f->c->prog, done, f->n,
		(double)f->bytes / 1e6, secs > 0 ? (double)f->bytes / 1e6 / secs : 0.0);
	if (done && done < f->n && !final) {
		double eta = secs * (double)(f->n - done) / (double)done;

		fprintf(stderr, ", ETA %d:%02d", (int)eta / 60, (int)eta % 60);
	}
	if (f->failed)
		fprintf(stderr, ", %llu failed", (unsigned long long)f->failed);
	f->progress_drawn = 1;
}

/* ---- input ---- */

static void add_item(struct fetch *f, const struct ayak_line *l, struct ayak_buf *url,
		     struct ayak_buf *tmp)
{
	struct item *it;
	struct ayak_err err;

	ayak_err_clear(&err);
	if (f->n == f->cap) {
		f->cap = f->cap ? f->cap * 2 : 256;
		f->items = realloc(f->items, f->cap * sizeof(*f->items));
		if (!f->items)
			die_sys(f, "out of memory");
	}
	it = &f->items[f->n];
	memset(it, 0, sizeof(*it));
	it->fd = -1;
	it->file = l->file;
	it->lineno = l->lineno;
	if (f->ranges) {
		if (fetch_parse_cdx(l->data, l->len, tmp, &it->off, &it->len, &err) ||
		    ayak_buf_add(tmp, "", 1) || fetch_url(tmp->data, tmp->len - 1, f->base, url, &err)) {
			err.file = l->file;
			err.line = l->lineno;
			err.code = AYAK_E_DATA;
			cli_die(f->c, &err);
		}
	} else if (fetch_url(l->data, l->len, f->base, url, &err)) {
		err.file = l->file;
		err.line = l->lineno;
		cli_die(f->c, &err);
	}
	it->line = strndup(l->data, l->len);
	it->url = strndup(url->data, url->len);
	if (!it->line || !it->url)
		die_sys(f, "out of memory");
	if (f->dir) {
		if (fetch_local_path(f->dir, it->url, tmp) || ayak_buf_add(tmp, "", 1))
			die_sys(f, "out of memory");
		it->path = strdup(tmp->data);
		if (asprintf(&it->part, "%s.part", tmp->data) < 0 || !it->path)
			die_sys(f, "out of memory");
	}
	f->n++;
}

static void read_inputs(struct fetch *f, int nfiles, char **files)
{
	struct ayak_reader *r = ayak_reader_new((const char *const *)files, (size_t)nfiles,
						&f->c->err);
	struct ayak_line l;
	struct ayak_buf url = AYAK_BUF_INIT, tmp = AYAK_BUF_INIT;
	int ret;

	if (!r)
		cli_die(f->c, &f->c->err);
	while ((ret = ayak_reader_next(r, &l, &f->c->err)) > 0) {
		while (l.len && (*l.data == ' ' || *l.data == '\t')) {
			l.data++;
			l.len--;
		}
		while (l.len && (l.data[l.len - 1] == ' ' || l.data[l.len - 1] == '\t'))
			l.len--;
		if (!l.len || *l.data == '#')
			continue;
		add_item(f, &l, &url, &tmp);
	}
	if (ret < 0)
		cli_die(f->c, &f->c->err);
	ayak_reader_free(r);
	ayak_buf_release(&url);
	ayak_buf_release(&tmp);
}

/* ---- output ---- */

/* rmdir of path cut at k. */
static int rmdir_at(char *path, size_t k)
{
	int r;

	path[k] = 0;
	r = rmdir(path);
	path[k] = '/';
	return r;
}

/*
 * Remove the directories ayak_mkdirs_for() made for path, deepest first,
 * while empty; one already gone (by another failed item) is passed over.
 */
static void rmdirs(char *path, size_t made)
{
	size_t k;

	if (!made)
		return;
	for (k = strlen(path); k-- > made;)
		if (path[k] == '/' && rmdir_at(path, k) && errno != ENOENT)
			return;
	rmdir_at(path, made);
}

/* Where an item is kept could not be written. */
static void die_io(struct fetch *f, struct item *it, int e) __attribute__((noreturn));

static void die_io(struct fetch *f, struct item *it, int e)
{
	if (e == ENOMEM)
		die_sys(f, "out of memory");
	if (f->dir)
		die_sys(f, "%s: %s", it->part, strerror(e));
	die_sys(f, "temporary file in %s: %s", f->tmpdir, strerror(e));
}

/* A file in --tmpdir for an item that waits its turn, unlinked at once; NULL with errno set. */
static FILE *spill_file(struct fetch *f)
{
	char *path;
	FILE *fp = NULL;
	int fd, e;

	if (asprintf(&path, "%s/ayak-fetch.XXXXXX", f->tmpdir) < 0) {
		errno = ENOMEM;
		return NULL;
	}
	fd = mkostemp(path, O_CLOEXEC);
	if (fd >= 0) {
		unlink(path);
		fp = fdopen(fd, "w+b");
		if (!fp) {
			e = errno;
			close(fd);
			errno = e;
		}
	}
	e = errno;
	free(path);
	errno = e;
	return fp;
}

/* Keep n body bytes of an item. */
static int keep(struct fetch *f, struct item *it, const char *p, size_t n)
{
	if (f->dir) {
		while (n) {
			ssize_t w = write(it->fd, p, n);

			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0) {
				it->ioerr = errno ? errno : EIO;
				return -1;
			}
			p += w;
			n -= (size_t)w;
		}
		return 0;
	}
	if (it->direct) {
		if (ayak_writer_write(f->out, p, n, &f->c->err))
			cli_die(f->c, &f->c->err);
		it->emitted += n;
		return 0;
	}
	if (!it->tmp && it->mem.len + n > MEM_MAX) {
		it->tmp = spill_file(f);
		if (!it->tmp || (it->mem.len && fwrite(it->mem.data, 1, it->mem.len, it->tmp) != it->mem.len)) {
			it->ioerr = errno ? errno : EIO;
			return -1;
		}
		ayak_buf_release(&it->mem);
	}
	if (it->tmp) {
		if (fwrite(p, 1, n, it->tmp) != n) {
			it->ioerr = errno ? errno : EIO;
			return -1;
		}
		return 0;
	}
	if (ayak_buf_add(&it->mem, p, n)) {
		it->ioerr = ENOMEM;
		return -1;
	}
	return 0;
}

/* Throw away what we have of an item (the server sent the whole file again). */
static int forget(struct fetch *f, struct item *it)
{
	if (it->direct) {
		/* Written already: drop that much of what comes again. */
		it->skip = it->emitted;
		it->have = 0;
		return 0;
	}
	it->have = 0;
	if (f->dir)
		return ftruncate(it->fd, 0) || lseek(it->fd, 0, SEEK_SET) < 0 ? -1 : 0;
	ayak_buf_reset(&it->mem);
	if (it->tmp)
		return ftruncate(fileno(it->tmp), 0) || fseek(it->tmp, 0, SEEK_SET) ? -1 : 0;
	return 0;
}

/* Write what is held of the item whose turn it is, and from then on write it as it comes. */
static void go_direct(struct fetch *f, struct item *it)
{
	if (it->tmp) {
		char buf[1 << 16];
		size_t k;
		uint64_t copied = 0;

		/* not rewind(): it would hide a failed flush of the last block (a full --tmpdir) */
		if (fflush(it->tmp) || fseek(it->tmp, 0, SEEK_SET))
			die_io(f, it, errno);
		while ((k = fread(buf, 1, sizeof(buf), it->tmp)) > 0) {
			if (ayak_writer_write(f->out, buf, k, &f->c->err))
				cli_die(f->c, &f->c->err);
			copied += k;
		}
		if (ferror(it->tmp))
			die_io(f, it, errno);
		if (copied != it->have)
			die_io(f, it, EIO);	/* the file holds less than was written to it */
		fclose(it->tmp);
		it->tmp = NULL;
	} else if (it->mem.len && ayak_writer_write(f->out, it->mem.data, it->mem.len, &f->c->err))
		cli_die(f->c, &f->c->err);
	ayak_buf_release(&it->mem);
	it->emitted = it->have;
	it->direct = 1;
}

/* Write the finished items that come next in input order. */
static void flush_ready(struct fetch *f)
{
	while (f->next_out < f->n) {
		struct item *it = &f->items[f->next_out];

		if (it->state == PENDING || it->state == ACTIVE) {
			if (!it->direct)
				go_direct(f, it);
			return;
		}
		/* A failed one's first part, written before it failed, is output too. */
		if ((it->state == DONE || it->state == FAILED) && it->direct)
			f->c->stats.bytes_out += it->emitted;
		else if (it->state == DONE && !f->dir) {
			go_direct(f, it);
			f->c->stats.bytes_out += it->have;
		}
		f->next_out++;
	}
}

/* ---- libcurl callbacks ---- */

static size_t on_header(char *p, size_t size, size_t nmemb, void *ud)
{
	struct item *it = ud;
	size_t n = size * nmemb;

	it->last_activity = ayak_now();
	if (n >= 5 && !strncmp(p, "HTTP/", 5)) {
		const char *s = memchr(p, ' ', n);

		it->status = s ? strtol(s + 1, NULL, 10) : 0;
		it->cr_start = it->cr_end = it->cr_total = it->clen = -1;
		it->retry_after = -1;
	} else if (n > 14 && !strncasecmp(p, "Content-Range:", 14)) {
		const char *s = p + 14;
		long long a = -1, b = -1, t = -1;

		while (*s == ' ')
			s++;
		if (!strncasecmp(s, "bytes ", 6)) {
			char *e;

			s += 6;
			if (*s != '*') {
				a = strtoll(s, &e, 10);
				s = e;
				if (*s == '-' && s[1] >= '0' && s[1] <= '9')
					b = strtoll(s + 1, &e, 10);
			}
			s = strchr(s, '/');
			if (s && s[1] >= '0' && s[1] <= '9')
				t = strtoll(s + 1, NULL, 10);
		}
		it->cr_start = a;
		it->cr_end = b;
		it->cr_total = t;
	} else if (n > 15 && !strncasecmp(p, "Content-Length:", 15)) {
		it->clen = strtoll(p + 15, NULL, 10);
	} else if (n > 12 && !strncasecmp(p, "Retry-After:", 12)) {
		it->retry_after = fetch_retry_after(p + 12, n - 12, (double)time(NULL));
	}
	return n;
}

static struct fetch *the_fetch;

/*
 * A 206 to a request without a Range header: the whole file when its
 * Content-Range covers all of it (bytes 0-(N-1)/N), which RFC 9110 lets a
 * client take as the full body; else (part of it, several parts, or no
 * Content-Range) the server's mistake, which asking again would repeat.
 * 0 for the whole file, else -1 with why set.
 */
static int unasked_partial(const struct item *it, char *why, size_t size)
{
	char cr[80];

	if (it->cr_start == 0 && it->cr_total > 0 && it->cr_end == it->cr_total - 1)
		return 0;
	if (it->cr_start < 0)
		snprintf(cr, sizeof(cr), "no Content-Range");
	else if (it->cr_total < 0)
		snprintf(cr, sizeof(cr), "bytes %lld-%lld/*", it->cr_start, it->cr_end);
	else
		snprintf(cr, sizeof(cr), "bytes %lld-%lld/%lld", it->cr_start, it->cr_end,
			 it->cr_total);
	snprintf(why, size, "HTTP 206 (%s) to a request without a Range header: "
		 "the server sent part of the file unasked", cr);
	return -1;
}

static size_t on_body(char *p, size_t size, size_t nmemb, void *ud)
{
	struct item *it = ud;
	struct fetch *f = the_fetch;
	size_t n = size * nmemb;
	uint64_t want_start = it->have + (f->ranges ? it->off : 0);

	it->last_activity = ayak_now();
	if (!it->accept) {
		/* Said to be too large: given up before a byte of it is kept or written. */
		if (f->max_size && it->clen >= 0 && (it->status == 200 || it->status == 206) &&
		    (uint64_t)it->clen + (it->status == 206 ? it->have : 0) > f->max_size) {
			it->too_big = 1;
			return 0;
		}
		if (it->status == 206 && !it->asked) {
			if (unasked_partial(it, it->why, sizeof(it->why))) {
				it->restart_failed = 2;
				return 0;
			}
			it->accept = 1;
		} else if (it->status == 206) {
			if (it->cr_start < 0 || (uint64_t)it->cr_start != want_start) {
				snprintf(it->why, sizeof(it->why), "server sent the wrong range");
				it->restart_failed = 1;
				return 0;
			}
			it->accept = 1;
			if (it->old_part) {
				f->resumed++;	/* the server went on from the earlier run's .part */
				it->old_part = 0;
			}
		} else if (it->status == 200) {
			it->old_part = 0;	/* the whole file again: not a resume */
			if (f->ranges) {
				snprintf(it->why, sizeof(it->why), "server ignored the Range request");
				it->restart_failed = 2;
				return 0;
			}
			if (it->have && forget(f, it)) {
				it->ioerr = errno ? errno : EIO;
				return 0;
			}
			it->accept = 1;
		} else
			it->accept = 2;
	}
	if (it->accept == 2)
		return n;	/* an error page: not the file */
	/* --rate: a budget for all transfers together, with a burst of a tenth of a second. */
	if (f->rate && n && (double)(f->bytes + n) >
			    (double)f->rate * (ayak_now() - f->t0 + 0.1)) {
		it->paused = 1;
		f->npaused++;
		return CURL_WRITEFUNC_PAUSE;	/* curl hands the same bytes again later */
	}
	if (f->max_size && it->have + n > f->max_size) {
		it->too_big = 1;
		return 0;
	}
	/* A record range is a gzip member: check before a byte of it is written. */
	if (f->ranges && !it->have && n >= 2 &&
	    ((unsigned char)p[0] != 0x1F || (unsigned char)p[1] != 0x8B)) {
		snprintf(it->why, sizeof(it->why), "the range is not a gzip member (wrong offset or length?)");
		it->restart_failed = 2;
		return 0;
	}
	if (it->have < 2) {
		size_t k;

		for (k = 0; k < n && it->have + k < 2; k++)
			it->first[it->have + k] = (unsigned char)p[k];
	}
	if (it->skip) {
		size_t k = it->skip < n ? (size_t)it->skip : n;

		it->skip -= k;
		it->have += k;
		f->bytes += k;
		p += k;
		n -= k;
		if (!n)
			return size * nmemb;
	}
	if (keep(f, it, p, n))
		return 0;
	it->have += n;
	f->bytes += n;
	return size * nmemb;
}

/* ---- transfers ---- */

static void finish(struct fetch *f, struct item *it, int state)
{
	it->state = state;
	if (it->fd >= 0) {
		close(it->fd);
		it->fd = -1;
	}
	if (state == DONE)
		f->fetched++;
	else if (state == FAILED) {
		struct stat st;

		f->failed++;
		/* Nothing to resume: no .part, nor the directories made for it. */
		if (f->dir && !stat(it->part, &st) && st.st_size == 0) {
			unlink(it->part);
			rmdirs(it->part, it->made_dirs);
		}
		if (it->tmp)
			fclose(it->tmp);
		it->tmp = NULL;
		ayak_buf_release(&it->mem);
	}
	while (f->first_open < f->n && f->items[f->first_open].state >= DONE)
		f->first_open++;
	if (!f->dir)
		flush_ready(f);
}

static void fail(struct fetch *f, struct item *it, const char *why)
{
	if (it->direct && it->emitted)
		say(f, "%s: %s; its first %llu bytes are in the output", it->url, why,
		    (unsigned long long)it->emitted);
	else
		say(f, "%s: %s", it->url, why);
	finish(f, it, FAILED);
}

/* ---- -d: one local name per download ---- */

enum { NAME_FILE, NAME_PART, NAME_DIR };

struct name {
	const char *s;			/* NULL: a free slot */
	size_t len;
	size_t item;			/* the first one that needs it */
	int kind;
};

struct names {
	struct name *slot;
	size_t cap, used;
};

static size_t name_hash(const char *s, size_t n)
{
	uint64_t h = 14695981039346656037ull;	/* FNV-1a */

	while (n--) {
		h ^= (unsigned char)*s++;
		h *= 1099511628211ull;
	}
	return (size_t)h;
}

/* The entry of s[0..n), or the free slot where it goes. */
static struct name *name_slot(struct names *t, const char *s, size_t n)
{
	size_t i = name_hash(s, n) & (t->cap - 1);

	while (t->slot[i].s && (t->slot[i].len != n || memcmp(t->slot[i].s, s, n)))
		i = (i + 1) & (t->cap - 1);
	return &t->slot[i];
}

/* Room for more entries, the table at most half full. */
static void names_reserve(struct fetch *f, struct names *t, size_t more)
{
	struct name *old = t->slot;
	size_t cap = t->cap, i;

	if (2 * (t->used + more) <= t->cap)
		return;
	while (2 * (t->used + more) > t->cap)
		t->cap = t->cap ? 2 * t->cap : 1024;
	t->slot = calloc(t->cap, sizeof(*t->slot));
	if (!t->slot)
		die_sys(f, "out of memory");
	for (i = 0; i < cap; i++)
		if (old[i].s)
			*name_slot(t, old[i].s, old[i].len) = old[i];
	free(old);
}

static void name_add(struct names *t, struct name *slot, const char *s, size_t n, size_t item,
		     int kind)
{
	slot->s = s;
	slot->len = n;
	slot->item = item;
	slot->kind = kind;
	t->used++;
}

/*
 * Before any transfer, give each local name to the first download that
 * needs it, in input order: a later line with the same URL is a duplicate,
 * skipped; one whose name (or .part name) is already another's, or is a
 * directory of another's, or has another's as a directory, fails.  Two
 * transfers must never write or rename the same file.
 */
static void claim_names(struct fetch *f)
{
	struct names t = { NULL, 0, 0 };
	size_t i, root = strlen(f->dir);

	for (i = 0; i < f->n; i++) {
		struct item *it = &f->items[i];
		size_t len = strlen(it->path), dirs = 0, k;
		struct name *e, *clash = NULL;
		char why[400];

		for (k = root + 1; k < len; k++)
			dirs += it->path[k] == '/';
		names_reserve(f, &t, dirs + 2);
		e = name_slot(&t, it->path, len);
		if (e->s && e->kind == NAME_FILE && !strcmp(f->items[e->item].url, it->url)) {
			f->duplicates++;
			finish(f, it, DUPLICATE);
			continue;
		}
		if (e->s)
			clash = e;
		else if ((e = name_slot(&t, it->part, len + 5))->s)
			clash = e;
		for (k = root + 1; !clash && k < len; k++)
			if (it->path[k] == '/' && (e = name_slot(&t, it->path, k))->s &&
			    e->kind != NAME_DIR)
				clash = e;
		if (clash) {
			const struct item *other = &f->items[clash->item];

			if (clash->kind == NAME_FILE && clash->len == len)
				snprintf(why, sizeof(why), "local name %.200s is taken by %.100s:%llu",
					 it->path, other->file, (unsigned long long)other->lineno);
			else
				snprintf(why, sizeof(why), "local name %.150s clashes with %.*s of %.100s:%llu",
					 it->path, clash->kind == NAME_DIR ? 150 : (int)clash->len,
					 clash->kind == NAME_DIR ? other->path : clash->s,
					 other->file, (unsigned long long)other->lineno);
			fail(f, it, why);
			continue;
		}
		name_add(&t, name_slot(&t, it->path, len), it->path, len, i, NAME_FILE);
		name_add(&t, name_slot(&t, it->part, len + 5), it->part, len + 5, i, NAME_PART);
		for (k = root + 1; k < len; k++)
			if (it->path[k] == '/' && !(e = name_slot(&t, it->path, k))->s)
				name_add(&t, e, it->path, k, i, NAME_DIR);
	}
	free(t.slot);
}

/* Try again later, or give up. */
static void retry(struct fetch *f, struct item *it, const char *why, double wait)
{
	double backoff;

	if (it->attempts >= f->max_retries) {
		char msg[400];

		snprintf(msg, sizeof(msg), "%s (gave up after %u attempt%s)", why, it->attempts + 1,
			 it->attempts ? "s" : "");
		fail(f, it, msg);
		return;
	}
	it->attempts++;
	f->retries++;
	backoff = fetch_backoff(it->attempts, f->retry_wait, RETRY_CAP, drand48());
	if (wait < backoff)
		wait = backoff;
	if (wait > RETRY_CAP)
		wait = RETRY_CAP;
	it->not_before = ayak_now() + wait;
	it->state = PENDING;
	if (it->fd >= 0) {
		close(it->fd);
		it->fd = -1;
	}
	if (!f->c->quiet)
		say(f, "%s: %s; retry %u of %u in %.1f s", it->url, why, it->attempts,
		    f->max_retries, wait);
}

/* libcurl copies a string option: setting one can run out of memory. */
static void set_string(struct fetch *f, CURL *e, CURLoption opt, const char *v)
{
	if (curl_easy_setopt(e, opt, v) == CURLE_OUT_OF_MEMORY)
		die_sys(f, "out of memory");
}

/*
 * -d: errors that say a local name clashes with what is on disk (a file
 * where a directory is needed, or the other way round, or a name too
 * long): the download's fault, not the system's.
 */
static int name_error(int e)
{
	return e == ENOTDIR || e == EISDIR || e == ENOTEMPTY || e == EEXIST || e == ENAMETOOLONG;
}

/* Fail a download whose local name cannot be used. */
static void fail_name(struct fetch *f, struct item *it, const char *name, int e)
{
	char why[400];

	snprintf(why, sizeof(why), "%.300s: %s", name, strerror(e));
	fail(f, it, why);
}

static int start(struct fetch *f, struct item *it)
{
	CURL *e;
	CURLMcode mc;
	char range[64];

	if (f->dir && !it->attempts && !it->have) {
		struct stat st;

		if (!stat(it->path, &st) && S_ISDIR(st.st_mode)) {
			fail_name(f, it, it->path, EISDIR);
			return 0;
		}
		if (!stat(it->path, &st)) {
			f->skipped++;
			finish(f, it, SKIPPED);
			return 0;
		}
	}
	if (f->dir) {
		struct stat st;
		size_t made;

		if (ayak_mkdirs_for(it->part, &made, NULL) ||
		    (it->fd = open(it->part, O_WRONLY | O_CREAT | O_CLOEXEC, 0666)) < 0) {
			if (!name_error(errno))
				die_sys(f, "%s: %s", it->part, strerror(errno));
			fail_name(f, it, it->part, errno);
			return 0;
		}
		if (made && made <= strlen(f->dir)) {
			/* -d itself stays, made or not. */
			const char *sl = strchr(it->part + strlen(f->dir) + 1, '/');

			made = sl ? (size_t)(sl - it->part) : 0;
		}
		if (made && !it->made_dirs)
			it->made_dirs = made;
		if (fstat(it->fd, &st) || lseek(it->fd, 0, SEEK_END) < 0)
			die_sys(f, "%s: %s", it->part, strerror(errno));
		if (!it->attempts)
			it->old_part = st.st_size > 0;
		it->have = (uint64_t)st.st_size;
	}
	e = curl_easy_init();
	if (!e)
		die_sys(f, "out of memory (curl_easy_init)");
	it->easy = e;
	it->status = 0;
	it->accept = 0;
	it->asked = f->ranges || it->have;
	it->cr_start = it->cr_end = it->cr_total = it->clen = -1;
	it->retry_after = -1;
	it->too_big = it->restart_failed = it->ioerr = it->stalled = 0;
	it->last_activity = ayak_now();
	it->errbuf[0] = it->why[0] = 0;
	set_string(f, e, CURLOPT_URL, it->url);
	curl_easy_setopt(e, CURLOPT_PRIVATE, it);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, it);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, it);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, it->errbuf);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(e, CURLOPT_MAXREDIRS, f->max_redirects);
	set_string(f, e, CURLOPT_PROTOCOLS_STR, "http,https");
	set_string(f, e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	set_string(f, e, CURLOPT_USERAGENT, f->agent);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT, f->timeout);
	if (f->ranges) {
		snprintf(range, sizeof(range), "%llu-%llu", (unsigned long long)(it->off + it->have),
			 (unsigned long long)(it->off + it->len - 1));
		set_string(f, e, CURLOPT_RANGE, range);
	} else if (it->have) {
		snprintf(range, sizeof(range), "%llu-", (unsigned long long)it->have);
		set_string(f, e, CURLOPT_RANGE, range);
	}
	mc = curl_multi_add_handle(f->multi, e);
	if (mc != CURLM_OK)
		die_sys(f, "cannot start a transfer: %s", curl_multi_strerror(mc));
	it->state = ACTIVE;
	f->active++;
	return 1;
}

static int retryable_curl(CURLcode code)
{
	switch (code) {
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_CONNECT:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_PARTIAL_FILE:
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_WEIRD_SERVER_REPLY:
		return 1;
	default:
		return 0;
	}
}

static void done(struct fetch *f, struct item *it, CURLcode code)
{
	long status = it->status;
	char why[400];

	if (it->paused) {
		it->paused = 0;
		f->npaused--;
	}
	curl_multi_remove_handle(f->multi, it->easy);
	curl_easy_cleanup(it->easy);
	it->easy = NULL;
	f->active--;
	if (it->ioerr)
		die_io(f, it, it->ioerr);
	if (it->too_big) {
		fail(f, it, "larger than --max-size");
		return;
	}
	if (it->restart_failed == 2) {
		fail(f, it, it->why);
		return;
	}
	if (it->restart_failed == 1) {
		if (forget(f, it))
			die_io(f, it, errno);
		retry(f, it, it->why, 0);
		return;
	}
	if (it->stalled) {
		snprintf(why, sizeof(why), "no data for %ld s (--timeout)", f->timeout);
		retry(f, it, why, 0);
		return;
	}
	if (code == CURLE_OUT_OF_MEMORY)	/* ours, not the URL's */
		die_sys(f, "%s: out of memory", it->url);
	if (code != CURLE_OK) {
		snprintf(why, sizeof(why), "%s", it->errbuf[0] ? it->errbuf : curl_easy_strerror(code));
		if (retryable_curl(code))
			retry(f, it, why, 0);
		else
			fail(f, it, why);
		return;
	}
	/*
	 * 416: the range asked for starts past the end of the file, whose
	 * length the server gives in Content-Range (RFC 9110, 15.5.17).
	 * Asking again would get the same answer.
	 */
	if (status == 416 && f->ranges) {
		int k = snprintf(why, sizeof(why), "range not satisfiable: asked for bytes %llu-%llu",
				 (unsigned long long)(it->off + it->have),
				 (unsigned long long)(it->off + it->len - 1));

		if (it->cr_total >= 0)
			snprintf(why + k, sizeof(why) - (size_t)k, " of a file of %lld bytes "
				 "(wrong offset or length?)", it->cr_total);
		else
			snprintf(why + k, sizeof(why) - (size_t)k, "; the server gave no size");
		fail(f, it, why);
		return;
	}
	if (status == 416 && it->have && it->cr_total == (long long)it->have) {
		/* The file was complete; only the rename was missing. */
		it->accept = 1;
		status = 206;
		if (it->old_part) {
			f->resumed++;
			it->old_part = 0;
		}
	} else if (status == 416 && it->have && it->cr_total >= 0 &&
		   (uint64_t)it->cr_total < it->have) {
		/* Not ours to cut or throw away: the user decides. */
		if (f->dir)
			snprintf(why, sizeof(why), "%.300s is longer (%llu bytes) than the remote "
				 "file (%lld bytes)", it->part, (unsigned long long)it->have,
				 it->cr_total);
		else
			snprintf(why, sizeof(why), "the remote file is now %lld bytes, shorter than "
				 "the %llu already received", it->cr_total,
				 (unsigned long long)it->have);
		fail(f, it, why);
		return;
	} else if (status == 416 && it->have) {
		if (forget(f, it))
			die_io(f, it, errno);
		retry(f, it, "range not satisfiable: starting over", 0);
		return;
	}
	/* A 206 unasked, with no body (on_body() sees the others). */
	if (status == 206 && !it->asked && !it->accept &&
	    unasked_partial(it, why, sizeof(why))) {
		fail(f, it, why);
		return;
	}
	if (status != 200 && status != 206) {
		snprintf(why, sizeof(why), "HTTP %ld", status);
		if (status == 408 || status == 429 || (status >= 500 && status <= 599))
			retry(f, it, why, it->retry_after > 0 ? it->retry_after : 0);
		else
			fail(f, it, why);
		return;
	}
	/* The length we should have (unsigned: a CDX length may be 2^63 or more). */
	{
		uint64_t want = 0;
		int known = 1;

		if (f->ranges)
			want = it->len;
		else if (status == 206 && it->cr_total >= 0)
			want = (uint64_t)it->cr_total;
		else if (status == 200 && it->clen >= 0)
			want = (uint64_t)it->clen;
		else
			known = 0;
		if (known && it->have != want && f->ranges && it->cr_total >= 0 &&
		    (uint64_t)it->cr_total < it->off + it->len) {
			/* Asking again would get a 416: the CDX line is wrong, not the transfer. */
			snprintf(why, sizeof(why), "got %llu of %llu bytes: the range ends past "
				 "the end of the file (%lld bytes)", (unsigned long long)it->have,
				 (unsigned long long)want, it->cr_total);
			fail(f, it, why);
			return;
		}
		if (known && it->have != want) {
			snprintf(why, sizeof(why), "got %llu of %llu bytes",
				 (unsigned long long)it->have, (unsigned long long)want);
			retry(f, it, why, 0);
			return;
		}
	}
	if (f->ranges && (it->first[0] != 0x1F || it->first[1] != 0x8B)) {
		fail(f, it, "the range is not a gzip member (wrong offset or length?)");
		return;
	}
	if (f->dir) {
		if (fsync(it->fd) && errno != EINVAL)
			die_sys(f, "%s: %s", it->part, strerror(errno));
		if (rename(it->part, it->path)) {
			int e = errno;

			if (!name_error(e))
				die_sys(f, "%s: %s", it->path, strerror(e));
			unlink(it->part);	/* complete, but it cannot have its name */
			fail_name(f, it, it->path, e);
			return;
		}
		f->c->stats.bytes_out += it->have;
	}
	finish(f, it, DONE);
}

static void run(struct fetch *f)
{
	int running = 0;

	for (;;) {
		double now = ayak_now(), wake = now + 1.0;
		size_t i, limit = f->n;
		CURLMsg *m;
		CURLMcode mc;
		int left, wait_ms, finished;

		/* Keep at most a few files' worth ahead of the output. */
		if (!f->dir && f->next_out + 4 * (size_t)f->jobs < limit)
			limit = f->next_out + 4 * (size_t)f->jobs;
		for (i = f->first_open; i < limit && f->active < f->jobs; i++) {
			struct item *it = &f->items[i];

			if (it->state != PENDING)
				continue;
			if (it->not_before > now) {
				if (it->not_before < wake)
					wake = it->not_before;
				continue;
			}
			start(f, it);
		}
		/* Pending retries beyond the scan still decide the wake-up. */
		for (; i < limit; i++)
			if (f->items[i].state == PENDING && f->items[i].not_before > now &&
			    f->items[i].not_before < wake)
				wake = f->items[i].not_before;
		if (!f->active && f->first_open >= f->n)
			break;
		mc = curl_multi_perform(f->multi, &running);
		if (mc != CURLM_OK)
			die_sys(f, "libcurl: %s", curl_multi_strerror(mc));
		finished = 0;
		while ((m = curl_multi_info_read(f->multi, &left))) {
			struct item *it;

			if (m->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&it);
			done(f, it, m->data.result);
			finished++;
		}
		if (f->npaused) {
			/* Wake the transfers --rate held back, as the budget allows. */
			for (i = f->first_open; i < f->n && f->npaused; i++) {
				struct item *it = &f->items[i];

				if (it->state != ACTIVE || !it->paused)
					continue;
				if ((double)f->bytes >= (double)f->rate * (ayak_now() - f->t0 + 0.05))
					break;
				it->paused = 0;
				f->npaused--;
				curl_easy_pause(it->easy, CURLPAUSE_CONT);
			}
			if (f->npaused && wake > ayak_now() + 0.02)
				wake = ayak_now() + 0.02;
		}
		/* Transfers that made no progress for --timeout seconds. */
		now = ayak_now();
		for (i = f->first_open, left = (int)f->active; i < f->n && left > 0; i++) {
			struct item *it = &f->items[i];

			if (it->state != ACTIVE)
				continue;
			left--;
			if (it->paused)
				it->last_activity = now;	/* held back by us, not by the server */
			else if (now - it->last_activity > (double)f->timeout) {
				it->stalled = 1;
				done(f, it, CURLE_OPERATION_TIMEDOUT);
			} else if (it->last_activity + (double)f->timeout + 0.01 < wake)
				wake = it->last_activity + (double)f->timeout + 0.01;
		}
		if (f->c->progress && isatty(2))
			progress(f, 0);
		if (!f->active && f->first_open >= f->n)
			break;
		if (finished)
			continue;	/* start the next ones at once */
		wait_ms = (int)((wake - ayak_now()) * 1000);
		if (wait_ms < 1)
			wait_ms = 1;
		if (wait_ms > 1000)
			wait_ms = 1000;
		/*
		 * libcurl asks to be called again at once while a transfer is
		 * paused, so polling would spin: while --rate holds one back,
		 * sleep (20 ms at most) and let the next round see to the others.
		 */
		if (f->active && !f->npaused)
			curl_multi_poll(f->multi, NULL, 0, wait_ms, NULL);
		else
			usleep((useconds_t)wait_ms * 1000);
	}
}

/* ---- main ---- */

static double seconds_arg(struct cli *c, const char *opt, const char *arg)
{
	double v;

	if (ayak_parse_decimal(arg, &v) || v > 86400)
		cli_usage_error(c, "%s wants seconds, not '%s'", opt, arg);
	return v;
}

static uint64_t count_arg(struct cli *c, const char *opt, const char *arg, uint64_t min, uint64_t max)
{
	uint64_t v;

	if (ayak_parse_u64(arg, &v) || v < min || v > max)
		cli_usage_error(c, "%s wants a whole number from %llu to %llu, not '%s'", opt,
				(unsigned long long)min, (unsigned long long)max, arg);
	return v;
}

/*
 * A URL given as an operand, where a list is wanted: say so rather than
 * "No such file or directory", which reads like a failed download.
 */
static void check_operands(struct cli *c, int nfiles, char **files)
{
	struct stat st;
	int i;

	for (i = 0; i < nfiles; i++)
		if (strstr(files[i], "://") && stat(files[i], &st) && errno == ENOENT)
			cli_usage_error(c, "%s: no such list file (ayak-fetch reads URLs from lists "
					"or the standard input: echo URL | ayak-fetch)", files[i]);
}

static void write_failed(struct fetch *f)
{
	struct ayak_writer *w = f->failed_out;
	size_t i;

	f->failed_out = NULL;
	for (i = 0; i < f->n; i++)
		if (f->items[i].state == FAILED &&
		    ayak_writer_line(w, f->items[i].line, strlen(f->items[i].line), &f->c->err))
			cli_die(f->c, &f->c->err);
	cli_finish_later(f->c, w);	/* renamed into place with -o and --stats */
}

/* "libcurl 7.88.1 (OpenSSL/3.0.17)" for -V: the library that does the downloads, and its TLS */
static const char *curl_libs(char *out, size_t n)
{
	const curl_version_info_data *v = curl_version_info(CURLVERSION_NOW);

	if (v->ssl_version)
		snprintf(out, n, "libcurl %s (%s)", v->version, v->ssl_version);
	else
		snprintf(out, n, "libcurl %s", v->version);
	return out;
}

/* The defaults, before the options. */
static void fetch_init(struct fetch *f, struct cli *c)
{
	memset(f, 0, sizeof(*f));
	f->c = c;
	f->jobs = 4;
	f->max_retries = 5;
	f->retry_wait = 1.0;
	f->timeout = 60;
	f->max_redirects = 5;
	snprintf(f->agent_buf, sizeof(f->agent_buf), "ayak-fetch/%s", AYAK_VERSION);
	f->agent = f->agent_buf;
}

static void parse_options(struct fetch *f, int argc, char **argv)
{
	struct cli *c = f->c;
	int opt;

	while ((opt = cli_getopt(c, argc, argv, "j:d:", options)) != -1) {
		switch (opt) {
		case 'j':
			f->jobs = (unsigned)count_arg(c, "-j", optarg, 1, 1000);
			break;
		case 'd':
			f->dir = optarg;
			break;
		case OPT_BASE_URL:
			f->base = optarg;
			break;
		case OPT_RANGES:
			f->ranges = 1;
			break;
		case OPT_MAX_RETRIES:
			f->max_retries = (unsigned)count_arg(c, "--max-retries", optarg, 0, 1000);
			break;
		case OPT_RETRY_WAIT:
			f->retry_wait = seconds_arg(c, "--retry-wait", optarg);
			break;
		case OPT_FAILED:
			f->failed_path = optarg;
			break;
		case OPT_RATE:
			if (ayak_parse_size(optarg, &f->rate) || !f->rate)
				cli_usage_error(c, "--rate wants a size like 10M, not '%s'", optarg);
			break;
		case OPT_MAX_SIZE:
			if (ayak_parse_size(optarg, &f->max_size) || !f->max_size)
				cli_usage_error(c, "--max-size wants a size like 2G, not '%s'", optarg);
			break;
		case OPT_TIMEOUT:
			f->timeout = (long)count_arg(c, "--timeout", optarg, 1, 86400);
			break;
		case OPT_USER_AGENT:
			f->agent = optarg;
			break;
		case OPT_MAX_REDIRECTS:
			f->max_redirects = (long)count_arg(c, "--max-redirects", optarg, 0, 50);
			break;
		case OPT_TMPDIR:
			f->tmpdir = optarg;
			break;
		default:
			cli_usage_error(c, "unexpected option");
		}
	}
}

/* The options that do not go together or want a value; --tmpdir's default. */
static void check_options(struct fetch *f)
{
	struct cli *c = f->c;

	if (f->dir && c->output)
		cli_usage_error(c, "-d and -o do not go together");
	if (f->dir && f->ranges)
		cli_usage_error(c, "--ranges writes one WARC stream: use -o, not -d");
	/* An empty name would be reported as a bare "No such file or directory". */
	if (f->failed_path && !*f->failed_path)
		cli_usage_error(c, "--failed wants a file name, not ''");
	if (f->dir && !*f->dir)
		cli_usage_error(c, "-d wants a directory, not ''");
	/* -d writes each file in place: nothing waits for its turn */
	if (f->dir && f->tmpdir)
		cli_usage_error(c, "--tmpdir does not go with -d (the files are written in place)");
	if (f->tmpdir && !*f->tmpdir)
		cli_usage_error(c, "--tmpdir wants a directory, not ''");
	if (f->base && !fetch_base_ok(f->base))
		cli_usage_error(c, "--base-url wants an http:// or https:// URL with a host, not '%s'",
				f->base);
	if (!f->tmpdir) {
		f->tmpdir = getenv("TMPDIR");
		if (!f->tmpdir || !*f->tmpdir)
			f->tmpdir = "/tmp";
	}
}

/* Every output claimed, and the lists checked, before --stats and --failed are opened. */
static void open_outputs(struct fetch *f, int nfiles, char **files)
{
	struct cli *c = f->c;

	/* the failed lines would be written among the downloaded bytes */
	if (!f->dir && f->failed_path && cli_names_stdout(f->failed_path) &&
	    (!c->output || cli_names_stdout(c->output)))
		cli_usage_error(c, "--failed %s: the failed lines and the downloads would both go to "
				"the standard output", f->failed_path);
	cli_claim_output(c, "--failed", f->failed_path);
	if (f->dir)
		cli_claim_output(c, "--output", c->output);
	else
		cli_claim_records_output(c);
	cli_claim_output(c, "--stats", c->stats_path);
	check_operands(c, nfiles, files);
	c->no_output = f->dir != NULL;	/* -d: nothing goes to the standard output */
	cli_check_inputs(c, nfiles, files);
	/* Opened now, so that a name that cannot be written shows before any download. */
	if (c->stats_path)
		c->stats_out = cli_open_writer(c, c->stats_path, AYAK_COMPRESS_NONE);
	if (f->failed_path) {
		struct ayak_writer_opts o = { f->failed_path, AYAK_COMPRESS_AUTO, 0, 0, 0 };

		f->failed_out = ayak_writer_new(&o, &c->err);
		if (!f->failed_out)
			cli_die(c, &c->err);
	}
}

/* Where the downloads go: -d's directory, with every name claimed, or the output. */
static void open_destination(struct fetch *f)
{
	struct cli *c = f->c;

	if (f->dir) {
		struct stat st;

		/* Not the fault of any one download. */
		if (!stat(f->dir, &st) && !S_ISDIR(st.st_mode))
			die_sys(f, "%s: %s", f->dir, strerror(ENOTDIR));
		claim_names(f);
	} else {
		/* Downloads never go to a terminal, -o /dev/tty included. */
		struct ayak_writer_opts o = { c->output, AYAK_COMPRESS_NONE, 0, 0, 0, "downloads" };

		f->out = ayak_writer_new(&o, &c->err);
		if (!f->out)
			cli_die(c, &c->err);
		/* cli_die closes standard output cleanly, or removes a temporary -o file. */
		c->out = f->out;
		c->output = o.path;
	}
}

static void start_curl(struct fetch *f)
{
	CURLcode cc = curl_global_init(CURL_GLOBAL_DEFAULT);

	if (cc == CURLE_OUT_OF_MEMORY)
		die_sys(f, "out of memory (curl_global_init)");
	if (cc != CURLE_OK)
		die_sys(f, "cannot start libcurl: %s", curl_easy_strerror(cc));
	f->multi = curl_multi_init();
	if (!f->multi)
		die_sys(f, "out of memory (curl_multi_init)");
}

/* The transfers, from the first to the last, then libcurl closed. */
/*
 * -d: a failed item removes the directories it made when it fails, but
 * not one that another item's directory was in then (a/ of a/1/x, made
 * by its item, holding a/2/ of a second that failed later): once all are
 * done, every failed item's are tried again.
 */
static void remove_failed_dirs(struct fetch *f)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		if (f->items[i].state == FAILED)
			rmdirs(f->items[i].part, f->items[i].made_dirs);
}

static void transfer_all(struct fetch *f)
{
	the_fetch = f;
	f->t0 = ayak_now();
	if (!f->dir)
		flush_ready(f);	/* the first item goes straight to the output */
	run(f);
	if (f->dir)
		remove_failed_dirs(f);
	if (f->c->progress && f->progress_drawn) {
		progress(f, 1);
		fputc('\n', stderr);
		f->progress_drawn = 0;
	}
	curl_multi_cleanup(f->multi);
	curl_global_cleanup();
}

/* The counts of --stats, and the warnings of what was not fetched. */
static void report(struct fetch *f)
{
	struct cli *c = f->c;

	c->stats.records_out = f->fetched + f->skipped;
	if (f->failed)
		ayak_stats_drop(&c->stats, "failed", f->failed);
	c->stats.bytes_in = f->bytes;
	if (f->duplicates)
		ayak_stats_drop(&c->stats, "duplicate", f->duplicates);
	ayak_stats_count(&c->stats, "fetched", f->fetched);
	ayak_stats_count(&c->stats, "skipped_existing", f->skipped);
	ayak_stats_count(&c->stats, "resumed", f->resumed);
	ayak_stats_count(&c->stats, "retries", f->retries);
	if (f->duplicates)
		cli_warn(c, "%llu duplicate URL%s skipped", (unsigned long long)f->duplicates,
			 f->duplicates == 1 ? "" : "s");
	if (f->failed)
		cli_warn(c, "%llu of %zu downloads failed", (unsigned long long)f->failed, f->n);
}

static void free_items(struct fetch *f)
{
	size_t i;

	for (i = 0; i < f->n; i++) {
		free(f->items[i].line);
		free(f->items[i].url);
		free(f->items[i].path);
		free(f->items[i].part);
	}
	free(f->items);
}

int main(int argc, char **argv)
{
	struct cli c;
	struct fetch f;
	char libs[128];
	int nfiles, ret;
	char **files;
	struct timespec ts;

	fetch_init(&f, &c);
	cli_init(&c, "ayak-fetch", usage);
	/* Files are written as they are, and --failed does the work of --rejects. */
	c.shared_off = CLI_NO_COMPRESS | CLI_NO_FIELD | CLI_NO_ERRORS;
	c.more_libs = curl_libs(libs, sizeof(libs));
	parse_options(&f, argc, argv);
	nfiles = argc - optind;
	files = argv + optind;
	check_options(&f);
	open_outputs(&f, nfiles, files);
	/* The jitter of the retry waits: runs that fail together do not retry together. */
	clock_gettime(CLOCK_REALTIME, &ts);
	srand48((long)ts.tv_nsec ^ (long)getpid());

	read_inputs(&f, nfiles, files);
	c.stats.records_in = f.n;
	open_destination(&f);
	start_curl(&f);
	transfer_all(&f);

	if (f.failed_path)
		write_failed(&f);
	report(&f);
	free_items(&f);
	ret = cli_finish(&c);
	return ret ? ret : f.failed ? AYAK_E_DATA : 0;
}
