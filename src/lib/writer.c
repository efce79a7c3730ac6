#define _GNU_SOURCE	/* mkostemp */
/*
 * Buffered writer: plain, zstd or gzip, to standard output or to a file that
 * is written with no name (O_TMPFILE) or under a temporary one, and put in
 * place under its own on success.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>
#include <zstd.h>

#include "stream.h"

#define WBUF (1u << 18)

struct ayak_writer {
	int fd;
	char *path;		/* final name, NULL for stdout */
	char *tmp;		/* temporary name, NULL when writing in place */
	int anon;		/* fd has no name until commit (O_TMPFILE); tmp names it then */
	int compress;
	ZSTD_CCtx *zc;
	z_stream gz;
	int gz_live;
	char *buf;		/* uncompressed bytes waiting */
	size_t len;
	char *zbuf;		/* compressed bytes waiting */
	size_t zlen;
	uint64_t bytes;
	uint64_t written;	/* bytes that reached the file */
};

int ayak_compress_from_path(const char *path)
{
	size_t n = path ? strlen(path) : 0;

	if (n > 4 && !strcmp(path + n - 4, ".zst"))
		return AYAK_COMPRESS_ZSTD;
	if (n > 5 && !strcmp(path + n - 5, ".zstd"))
		return AYAK_COMPRESS_ZSTD;
	if (n > 3 && !strcmp(path + n - 3, ".gz"))
		return AYAK_COMPRESS_GZIP;
	return AYAK_COMPRESS_NONE;
}

int ayak_compress_from_name(const char *name)
{
	if (!strcmp(name, "zst") || !strcmp(name, "zstd"))
		return AYAK_COMPRESS_ZSTD;
	if (!strcmp(name, "gz") || !strcmp(name, "gzip"))
		return AYAK_COMPRESS_GZIP;
	if (!strcmp(name, "none"))
		return AYAK_COMPRESS_NONE;
	return -1;
}

const char *ayak_compress_suffix(int compress)
{
	return compress == AYAK_COMPRESS_ZSTD ? ".zst" :
	       compress == AYAK_COMPRESS_GZIP ? ".gz" : "";
}

static int write_all(struct ayak_writer *w, const void *p, size_t n,
		     struct ayak_err *err)
{
	const char *c = p;

	while (n) {
		ssize_t got = write(w->fd, c, n);

		if (got < 0) {
			if (errno == EINTR)
				continue;
			return ayak_err_sys(err, errno, "write error on %s",
					    w->path ? w->path : "standard output");
		}
		c += got;
		n -= (size_t)got;
		w->written += (uint64_t)got;
	}
	return 0;
}

static int zflush_out(struct ayak_writer *w, struct ayak_err *err)
{
	int ret = write_all(w, w->zbuf, w->zlen, err);

	w->zlen = 0;
	return ret;
}

/*
 * Is the address space limited to under 1 GiB (ulimit -v)?  A zstd worker
 * then costs too much of it: its job buffers and stack take about 48 MB
 * at level 3, and a program that fits without them would fail with them.
 */
static int address_space_small(void)
{
	struct rlimit r;

	return !getrlimit(RLIMIT_AS, &r) && r.rlim_cur != RLIM_INFINITY &&
	       r.rlim_cur < ((rlim_t)1 << 30);
}

/* Compress (or write) p[0..n); mode is the zstd directive. */
static int push(struct ayak_writer *w, const void *p, size_t n,
		ZSTD_EndDirective mode, struct ayak_err *err)
{
	size_t zcap = ZSTD_CStreamOutSize();

	if (w->compress == AYAK_COMPRESS_NONE)
		return write_all(w, p, n, err);
	if (w->compress == AYAK_COMPRESS_ZSTD) {
		ZSTD_inBuffer in = { p, n, 0 };
		size_t left;

		do {
			ZSTD_outBuffer out = { w->zbuf, zcap, w->zlen };

			left = ZSTD_compressStream2(w->zc, &out, &in, mode);
			if (ZSTD_isError(left))
				return ayak_err_set(err, AYAK_E_SYS, "zstd: %s",
						    ZSTD_getErrorName(left));
			w->zlen = out.pos;
			if (w->zlen == zcap || (mode != ZSTD_e_continue && w->zlen))
				if (zflush_out(w, err))
					return -1;
		} while (mode == ZSTD_e_continue ? in.pos < in.size : left != 0);
		return 0;
	}
	/* gzip */
	{
		int flush = mode == ZSTD_e_end ? Z_FINISH :
			    mode == ZSTD_e_flush ? Z_SYNC_FLUSH : Z_NO_FLUSH;
		int zret;

		const unsigned char *in = p;

		/* avail_in is a uInt: 4 GiB or more go in slices, the flush with the last. */
		do {
			size_t slice = n > UINT_MAX ? UINT_MAX : n;
			int f = slice < n ? Z_NO_FLUSH : flush;

			w->gz.next_in = (Bytef *)(uintptr_t)in;
			w->gz.avail_in = (uInt)slice;
			do {
				w->gz.next_out = (Bytef *)w->zbuf + w->zlen;
				w->gz.avail_out = (uInt)(zcap - w->zlen);
				zret = deflate(&w->gz, f);
				if (zret == Z_STREAM_ERROR)
					return ayak_err_set(err, AYAK_E_SYS, "gzip: deflate failed");
				w->zlen = zcap - w->gz.avail_out;
				if (w->zlen == zcap || (f != Z_NO_FLUSH && w->zlen))
					if (zflush_out(w, err))
						return -1;
			} while (w->gz.avail_in || (f == Z_FINISH && zret != Z_STREAM_END) ||
				 (f == Z_SYNC_FLUSH && w->gz.avail_out == 0));
			in += slice;
			n -= slice;
		} while (n);
		return 0;
	}
}

static int drain(struct ayak_writer *w, struct ayak_err *err)
{
	int ret = push(w, w->buf, w->len, ZSTD_e_continue, err);

	w->len = 0;
	return ret;
}

/* The compression format a name asks for that ayak cannot write, or NULL. */
static const char *unwritable_suffix(const char *path)
{
	static const char *const names[][2] = {
		{ ".xz", "xz" }, { ".lzma", "lzma" }, { ".bz2", "bzip2" }, { ".lz4", "lz4" },
		{ ".br", "brotli" }, { ".Z", "compress" },
	};
	size_t n = strlen(path), i, k;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		k = strlen(names[i][0]);
		if (n > k && !strcmp(path + n - k, names[i][0]))
			return names[i][1];
	}
	return NULL;
}

/* The descriptor that /dev/stdout, /dev/stderr, /dev/fd/N or /proc/self/fd/N name, or -1. */
static int fd_alias(const char *path)
{
	const char *num = NULL;
	char *end;
	long n;

	if (!strcmp(path, "/dev/stdin"))
		return 0;
	if (!strcmp(path, "/dev/stdout"))
		return 1;
	if (!strcmp(path, "/dev/stderr"))
		return 2;
	if (!strncmp(path, "/dev/fd/", 8))
		num = path + 8;
	else if (!strncmp(path, "/proc/self/fd/", 14))
		num = path + 14;
	if (!num || *num < '0' || *num > '9')
		return -1;
	n = strtol(num, &end, 10);
	return *end || n > INT_MAX ? -1 : (int)n;
}

char *ayak_link_target(const char *path)
{
	char *cur = strdup(path), *next, link[PATH_MAX];
	struct stat st;
	int hops;

	for (hops = 0; cur && hops <= 40; hops++) {
		const char *slash = strrchr(cur, '/');
		ssize_t k;
		int dirlen;

		if (lstat(cur, &st) || !S_ISLNK(st.st_mode))
			return cur;
		k = readlink(cur, link, sizeof(link) - 1);
		if (k < 0) {
			int e = errno;

			free(cur);
			errno = e;
			return NULL;
		}
		link[k] = 0;
		/* A relative target is taken from the link's own directory. */
		dirlen = slash && link[0] != '/' ? (int)(slash - cur) + 1 : 0;
		next = malloc((size_t)dirlen + (size_t)k + 1);
		if (next)
			sprintf(next, "%.*s%s", dirlen, cur, link);
		free(cur);
		cur = next;
	}
	if (cur) {
		free(cur);
		errno = ELOOP;
	} else
		errno = ENOMEM;
	return NULL;
}

static int open_target(struct ayak_writer *w, const char *path, struct ayak_err *err)
{
	struct stat st;
	const char *slash, *base;
	size_t dirlen;
	int alias = fd_alias(path);

	/*
	 * /dev/stdout and its kin: write through a copy of that descriptor,
	 * sharing its offset, never through a new file put in its place.
	 */
	if (alias >= 0) {
		w->path = strdup(path);
		w->fd = dup(alias);
		if (!w->path || w->fd < 0)
			return ayak_err_sys(err, w->path ? errno : ENOMEM, "%s", path);
		return 0;
	}
	/*
	 * A symbolic link stays one: the new file is written beside its
	 * target and renamed onto it, and a dangling link's target is
	 * created so, never written through the link in place (a failed run
	 * would leave half a file under the final name).
	 */
	if (!lstat(path, &st) && S_ISLNK(st.st_mode)) {
		if (!stat(path, &st)) {
			w->path = realpath(path, NULL);
			if (!w->path)	/* a link of /proc (/dev/stdout to a pipe): written through */
				w->path = strdup(path);
		} else {
			w->path = ayak_link_target(path);
			if (!w->path)
				return ayak_err_sys(err, errno, "%s", path);
		}
	} else
		w->path = strdup(path);
	if (!w->path)
		return ayak_err_set(err, AYAK_E_SYS, "out of memory");
	path = w->path;
	/*
	 * Devices, files of /proc (/dev/null, /dev/tty) and the links of
	 * /proc that name pipes are written in place, and a name under /dev
	 * that is not there is not made; /dev/shm, memory for files, is like
	 * any directory.
	 */
	if (((!strncmp(path, "/dev/", 5) && strncmp(path, "/dev/shm/", 9)) ||
	     !strncmp(path, "/proc/", 6)) ||
	    (!lstat(path, &st) && S_ISLNK(st.st_mode))) {
		w->fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
		if (w->fd < 0)
			return ayak_err_sys(err, errno, "%s", path);
		return 0;
	}
	if (!stat(path, &st) && !S_ISREG(st.st_mode)) {
		if (S_ISDIR(st.st_mode))
			return ayak_err_sys(err, EISDIR, "%s", path);
		w->fd = open(path, O_WRONLY | O_CLOEXEC);
		if (w->fd < 0)
			return ayak_err_sys(err, errno, "%s", path);
		return 0;
	}
	slash = strrchr(path, '/');
	base = slash ? slash + 1 : path;
	dirlen = slash ? (size_t)(slash - path) + 1 : 0;
	w->tmp = malloc(strlen(path) + 16);
	if (!w->tmp)
		return ayak_err_set(err, AYAK_E_SYS, "out of memory");
	sprintf(w->tmp, "%.*s.%s.XXXXXX", (int)dirlen, path, base);
	w->fd = ayak_tmp_open(w->tmp, O_CLOEXEC, &w->anon);
	if (w->fd < 0) {
		int e = errno;

		free(w->tmp);
		w->tmp = NULL;
		return ayak_err_sys(err, e, "%s", path);
	}
	return 0;
}

struct ayak_writer *ayak_writer_new(const struct ayak_writer_opts *o, struct ayak_err *err)
{
	struct ayak_writer *w = calloc(1, sizeof(*w));
	int to_stdout = !o->path || !strcmp(o->path, "-");
	const char *what;

	if (!w) {
		ayak_err_set(err, AYAK_E_SYS, "out of memory");
		return NULL;
	}
	w->fd = -1;
	w->compress = o->compress == AYAK_COMPRESS_AUTO ?
		      (to_stdout ? AYAK_COMPRESS_NONE : ayak_compress_from_path(o->path)) :
		      o->compress;
	what = w->compress != AYAK_COMPRESS_NONE ? "compressed data" : o->not_text;
	if (to_stdout) {
		if (what && !o->allow_tty && isatty(1)) {
			ayak_err_set(err, AYAK_E_USAGE, "refusing to write %s to a terminal", what);
			goto fail;
		}
		w->fd = 1;
	} else {
		if (o->compress == AYAK_COMPRESS_AUTO && unwritable_suffix(o->path)) {
			ayak_err_set(err, AYAK_E_USAGE, "%s: cannot write %s; ayak writes zstd "
				     "(.zst), gzip (.gz) or plain text (--compress none)",
				     o->path, unwritable_suffix(o->path));
			goto fail;
		}
		if (open_target(w, o->path, err))
			goto fail;
		if (what && !o->allow_tty && isatty(w->fd)) {
			ayak_err_set(err, AYAK_E_USAGE, "%s: refusing to write %s to a terminal",
				     o->path, what);
			goto fail;
		}
	}
	w->buf = malloc(WBUF);
	w->zbuf = malloc(ZSTD_CStreamOutSize());
	if (!w->buf || !w->zbuf) {
		ayak_err_set(err, AYAK_E_SYS, "out of memory");
		goto fail;
	}
	if (w->compress == AYAK_COMPRESS_ZSTD) {
		w->zc = ZSTD_createCCtx();
		if (!w->zc) {
			ayak_err_set(err, AYAK_E_SYS, "out of memory");
			goto fail;
		}
		if (ZSTD_isError(ZSTD_CCtx_setParameter(w->zc, ZSTD_c_compressionLevel,
							o->level ? o->level : 3)) ||
		    ZSTD_isError(ZSTD_CCtx_setParameter(w->zc, ZSTD_c_checksumFlag, 1))) {
			ayak_err_set(err, AYAK_E_USAGE, "zstd: cannot set level %d", o->level);
			goto fail;
		}
		/* Best effort: a libzstd built without threads compresses inline. */
		if (o->threads > 0 && !address_space_small())
			ZSTD_CCtx_setParameter(w->zc, ZSTD_c_nbWorkers, o->threads);
	} else if (w->compress == AYAK_COMPRESS_GZIP) {
		int level = o->level ? o->level : 6, zr;

		if (level < 1 || level > 9) {
			ayak_err_set(err, AYAK_E_USAGE, "gzip level must be 1 to 9, not %d", level);
			goto fail;
		}
		zr = deflateInit2(&w->gz, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
		if (zr != Z_OK) {
			ayak_err_set(err, AYAK_E_SYS, zr == Z_MEM_ERROR ? "out of memory" :
				     "gzip: cannot start deflate");
			goto fail;
		}
		w->gz_live = 1;
	}
	return w;
fail:
	ayak_writer_abort(w);
	return NULL;
}

int ayak_writer_write(struct ayak_writer *w, const void *p, size_t n, struct ayak_err *err)
{
	w->bytes += n;
	if (n <= WBUF - w->len) {
		memcpy(w->buf + w->len, p, n);
		w->len += n;
		return 0;
	}
	if (drain(w, err))
		return -1;
	if (n >= WBUF / 2)
		return push(w, p, n, ZSTD_e_continue, err);
	memcpy(w->buf, p, n);
	w->len = n;
	return 0;
}

int ayak_writer_line(struct ayak_writer *w, const void *p, size_t n, struct ayak_err *err)
{
	if (n < WBUF - w->len) {
		memcpy(w->buf + w->len, p, n);
		w->buf[w->len + n] = '\n';
		w->len += n + 1;
		w->bytes += n + 1;
		return 0;
	}
	if (ayak_writer_write(w, p, n, err))
		return -1;
	return ayak_writer_write(w, "\n", 1, err);
}

int ayak_writer_flush(struct ayak_writer *w, struct ayak_err *err)
{
	if (push(w, w->buf, w->len, ZSTD_e_flush, err))
		return -1;
	w->len = 0;
	return 0;
}

static void release(struct ayak_writer *w)
{
	if (w->gz_live)
		deflateEnd(&w->gz);
	ZSTD_freeCCtx(w->zc);
	free(w->buf);
	free(w->zbuf);
	free(w->path);
	free(w->tmp);
	free(w);
}

int ayak_writer_finish(struct ayak_writer *w, struct ayak_err *err)
{
	int fail = push(w, w->buf, w->len, ZSTD_e_end, err);

	w->len = 0;
	if (!fail && w->tmp && fsync(w->fd))
		fail = ayak_err_sys(err, errno, "%s", w->path);
	/*
	 * Standard output stays open (--stats /dev/stdout may still write to
	 * it); closing a duplicate still reports what close would (NFS, say).
	 */
	if (w->fd == 1) {
		int d = dup(1);

		if ((d < 0 || close(d)) && !fail && !(errno == EBADF && w->written == 0))
			fail = ayak_err_sys(err, errno, "write error on standard output");
	} else if (w->anon) {
		/* Closed to hear what close says (NFS); a copy stays for ayak_writer_commit() to link. */
		int keep = dup(w->fd);

		if ((keep < 0 || close(w->fd)) && !fail)
			fail = ayak_err_sys(err, errno, "write error on %s", w->path);
		w->fd = keep;
	} else {
		if (w->fd >= 0 && close(w->fd) && !fail)
			fail = ayak_err_sys(err, errno, "write error on %s",
					    w->path ? w->path : "standard output");
		w->fd = -1;
	}
	if (fail) {
		ayak_writer_abort(w);
		return -1;
	}
	return 0;
}

int ayak_writer_commit(struct ayak_writer *w, struct ayak_err *err)
{
	int fail = 0;

	if (w->tmp && ayak_tmp_commit(w->fd, w->anon, w->tmp, w->path))
		fail = ayak_err_sys(err, errno, "%s", w->path);
	if (w->anon) {
		/*
		 * The copy ayak_writer_finish() kept to link, after it synced and
		 * closed the file: closing it loses no data, and the file is in
		 * place already, so a failure here is not an error of the output.
		 */
		close(w->fd);
		w->fd = -1;
	}
	release(w);
	return fail ? -1 : 0;
}

int ayak_writer_close(struct ayak_writer *w, struct ayak_err *err)
{
	if (ayak_writer_finish(w, err))
		return -1;
	return ayak_writer_commit(w, err);
}

void ayak_writer_abort(struct ayak_writer *w)
{
	if (!w)
		return;
	if (w->fd > 1)
		close(w->fd);
	if (w->tmp)
		ayak_tmp_discard(w->tmp, w->anon);
	release(w);
}

int ayak_write_whole(const struct ayak_writer_opts *opts, const void *p, size_t n,
		     struct ayak_err *err)
{
	struct ayak_writer *w = ayak_writer_new(opts, err);

	if (!w)
		return -1;
	if (ayak_writer_write(w, p, n, err)) {
		ayak_writer_abort(w);
		return -1;
	}
	return ayak_writer_close(w, err);
}

uint64_t ayak_writer_bytes(const struct ayak_writer *w)
{
	return w->bytes;
}
