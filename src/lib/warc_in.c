/*
 * A decompressed byte stream for WARC files: plain, gzip (member after
 * member), zstd (frame after frame), xz or bzip2 (stream after stream),
 * read through a growable window.
 *
 * It decodes as src/lib/reader.c does (zlib member by member,
 * ZSTD_decompressStream, liblzma and libbz2 stream by stream), and also keeps the file offset where each member
 * or frame starts, so a damaged record can be reported at the offset a
 * Common Crawl index would give, and so that after damage it can restart
 * at the next member: per-record gzip lets a reader lose one record, not
 * the rest of the file.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bzlib.h>
#include <lzma.h>
#include <zlib.h>
#include <zstd.h>

#include <dlfcn.h>

#include "stream.h"
#include "warc.h"
#include "warc_int.h"

/*
 * libdeflate decodes gzip about twice as fast as zlib, but only whole
 * members in memory.  When its shared library is installed (Debian's
 * libdeflate0) it is loaded at run time and used for members that fit in
 * the input buffer, which is every member of a per-record .warc.gz; zlib
 * streams the rest and is what reports damage.  No build flag or header
 * is needed, and without the library everything goes through zlib, as it
 * does when AYAK_NO_LIBDEFLATE is set.
 */
static struct {
	int state;		/* 0 not tried, 1 loaded, -1 not available */
	void *(*alloc)(void);
	int (*gunzip)(void *d, const void *in, size_t in_n, void *out, size_t out_n,
		      size_t *in_used, size_t *out_used);
	void (*release)(void *d);
	void *d;
} fast;

static int fast_load(void)
{
	void *lib;

	if (fast.state)
		return fast.state > 0;
	fast.state = -1;
	if (getenv("AYAK_NO_LIBDEFLATE"))
		return 0;
	lib = dlopen("libdeflate.so.0", RTLD_NOW | RTLD_LOCAL);
	if (!lib)
		return 0;
	*(void **)&fast.alloc = dlsym(lib, "libdeflate_alloc_decompressor");
	*(void **)&fast.gunzip = dlsym(lib, "libdeflate_gzip_decompress_ex");
	*(void **)&fast.release = dlsym(lib, "libdeflate_free_decompressor");
	if (!fast.alloc || !fast.gunzip || !fast.release || !(fast.d = fast.alloc()))
		return 0;	/* the library stays loaded: harmless */
	fast.state = 1;
	return 1;
}

int warc_fast_gunzip(const void *in, size_t in_n, void *out, size_t out_n,
		     size_t *in_used, size_t *out_used)
{
	int ret;

	if (!fast_load())
		return -1;
	/* 0 success, 1 bad data, 2 short output, 3 insufficient space. */
	ret = fast.gunzip(fast.d, in, in_n, out, out_n, in_used, out_used);
	return ret == 0 ? 0 : ret == 3 ? 1 : -1;
}

#define RAW_CHUNK (256u << 10)
#define WIN_CHUNK (1u << 20)
#define MIN_FREE (128u << 10)
#define PROBE_IN 4096		/* compressed bytes tried when checking a restart point */
#define MEMBER_KEEP (4u << 20)	/* compressed bytes of the current member kept for recovery */

enum { FMT_PLAIN, FMT_GZIP, FMT_ZSTD, FMT_XZ, FMT_BZIP2 };
_Static_assert(FMT_GZIP == (int)AYAK_FMT_GZIP && FMT_ZSTD == (int)AYAK_FMT_ZSTD &&
	       FMT_XZ == (int)AYAK_FMT_XZ && FMT_BZIP2 == (int)AYAK_FMT_BZIP2,
	       "the formats of ayak_detect_format()");

struct member {
	uint64_t uoff;		/* decompressed offset of its first byte */
	uint64_t coff;		/* its offset in the file */
};

struct warc_in {
	int fd;
	int fmt;
	int state;

	unsigned char *raw;
	size_t raw_pos, raw_len, raw_cap;
	int raw_eof;
	uint64_t raw_base;	/* file offset of raw[0] */
	uint64_t size, bytes_read;

	z_stream gz;
	int gz_live;
	int in_member;
	int padding;		/* zero bytes after a gzip member */
	ZSTD_DCtx *zd;
	size_t zstd_hint;
	lzma_stream xz;		/* xz and bzip2: a decoder per stream (a "member") */
	bz_stream bz;
	int xz_live, bz_live;

	uint64_t member_coff;	/* where the current member or frame started */

	char *buf;
	size_t cap, pos, end;
	uint64_t base;		/* decompressed offset of buf[0] */

	struct member *mem;
	size_t nmem, memcap;

	char errmsg[200];
	uint64_t err_coff, err_uoff;
};

static ssize_t read_some(int fd, void *p, size_t n)
{
	ssize_t got;

	do
		got = read(fd, p, n);
	while (got < 0 && errno == EINTR);
	return got;
}

/*
 * Keep raw[raw_pos..raw_len) and read more after it.  The current member's
 * compressed bytes are kept too, up to MEMBER_KEEP: if it turns out to be
 * damaged, the next member may start inside what the decoder took for it
 * (a member cut short runs into the next one).  0 or -1.
 */
static int raw_more(struct warc_in *s, struct ayak_err *err)
{
	size_t keep = s->raw_pos;
	ssize_t got;

	if (s->in_member && s->member_coff >= s->raw_base &&
	    s->raw_base + s->raw_pos - s->member_coff <= MEMBER_KEEP)
		keep = (size_t)(s->member_coff - s->raw_base);
	if (keep) {
		memmove(s->raw, s->raw + keep, s->raw_len - keep);
		s->raw_base += keep;
		s->raw_len -= keep;
		s->raw_pos -= keep;
	}
	if (s->raw_len == s->raw_cap) {
		unsigned char *p = realloc(s->raw, s->raw_cap * 2);

		if (!p)
			return ayak_err_set(err, AYAK_E_SYS, "out of memory");
		s->raw = p;
		s->raw_cap *= 2;
	}
	got = read_some(s->fd, s->raw + s->raw_len, s->raw_cap - s->raw_len);
	if (got < 0)
		return ayak_err_sys(err, errno, "read error");
	s->raw_len += (size_t)got;
	s->raw_eof = got == 0;
	s->bytes_read += (uint64_t)got;
	return 0;
}

static void stream_error(struct warc_in *s, uint64_t coff, const char *fmt, const char *why)
{
	s->state = WARC_IN_ERROR;
	s->err_coff = coff;
	/* The decompressed offset where that member began, or where the data stops. */
	s->err_uoff = s->nmem && s->mem[s->nmem - 1].coff == coff ? s->mem[s->nmem - 1].uoff :
		      s->base + s->end;
	snprintf(s->errmsg, sizeof(s->errmsg), fmt, why);
}

static int push_member(struct warc_in *s, uint64_t uoff, uint64_t coff)
{
	s->member_coff = coff;
	if (s->nmem && s->mem[s->nmem - 1].uoff == uoff) {
		s->mem[s->nmem - 1].coff = coff;	/* the last member was empty */
		return 0;
	}
	if (s->nmem == s->memcap) {
		struct member *m = ayak_grow(s->mem, &s->memcap, s->nmem + 1, sizeof(*m), 64);

		if (!m)
			return -1;
		s->mem = m;
	}
	s->mem[s->nmem].uoff = uoff;
	s->mem[s->nmem].coff = coff;
	s->nmem++;
	return 0;
}

/* Forget members that end before decompressed offset uoff. */
static void prune_members(struct warc_in *s, uint64_t uoff)
{
	size_t i = 0;

	while (i + 1 < s->nmem && s->mem[i + 1].uoff <= uoff)
		i++;
	if (i) {
		memmove(s->mem, s->mem + i, (s->nmem - i) * sizeof(*s->mem));
		s->nmem -= i;
	}
}

/*
 * Decode fmt from the next member on, its decoder made ready (xz and
 * bzip2 start one per stream).  0 or -1 (out of memory).
 */
static int use_format(struct warc_in *s, int fmt)
{
	s->fmt = fmt;
	if (fmt == FMT_GZIP && !s->gz_live) {
		if (inflateInit2(&s->gz, 15 + 16) != Z_OK)
			return -1;
		s->gz_live = 1;
	} else if (fmt == FMT_ZSTD) {
		if (!s->zd && !(s->zd = ZSTD_createDCtx()))
			return -1;
		ZSTD_DCtx_reset(s->zd, ZSTD_reset_session_only);
	}
	return 0;
}

/*
 * Between members: does one of another compressed format start at
 * raw[raw_pos]?  Then go on in that format: files of different formats
 * written back to back (as ayak-fetch writes a list's downloads) are one
 * input.  Plain data is not one: after compressed data it is damage.
 * 1 switched, 0 not, -1 on a system error.
 */
static int next_format(struct warc_in *s, struct ayak_err *err)
{
	int fmt;

	while (s->raw_len - s->raw_pos < 6 && !s->raw_eof)
		if (raw_more(s, err))
			return -1;
	fmt = (int)ayak_detect_format(s->raw + s->raw_pos, s->raw_len - s->raw_pos);
	if (fmt == FMT_PLAIN || fmt == s->fmt)
		return 0;
	if (use_format(s, fmt))
		return ayak_err_set(err, AYAK_E_SYS, "out of memory");
	return 1;
}

struct warc_in *warc_in_open(const char *path, struct ayak_err *err)
{
	struct warc_in *s = calloc(1, sizeof(*s));
	struct stat st;

	if (!s) {
		ayak_err_set(err, AYAK_E_SYS, "out of memory");
		return NULL;
	}
	s->fd = -1;
	s->raw_cap = RAW_CHUNK;
	s->raw = malloc(s->raw_cap);
	s->cap = WIN_CHUNK;
	s->buf = malloc(s->cap);
	if (!s->raw || !s->buf) {
		ayak_err_set(err, AYAK_E_SYS, "out of memory");
		warc_in_free(s);
		return NULL;
	}
	if (strcmp(path, "-")) {
		s->fd = open(path, O_RDONLY | O_CLOEXEC);
		if (s->fd < 0) {
			ayak_err_sys(err, errno, "%s", path);
			warc_in_free(s);
			return NULL;
		}
		posix_fadvise(s->fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	} else
		s->fd = 0;
	if (!fstat(s->fd, &st) && S_ISREG(st.st_mode))
		s->size = (uint64_t)st.st_size;
	while (s->raw_len < 6 && !s->raw_eof)
		if (raw_more(s, err)) {
			/* A read error names the input, standard input included (a directory, say). */
			if (err)
				err->file = strcmp(path, "-") ? path : "(stdin)";
			warc_in_free(s);
			return NULL;
		}
	if (use_format(s, (int)ayak_detect_format(s->raw, s->raw_len))) {
		ayak_err_set(err, AYAK_E_SYS, "out of memory");
		warc_in_free(s);
		return NULL;
	}
	return s;
}

void warc_in_free(struct warc_in *s)
{
	if (!s)
		return;
	if (s->gz_live)
		inflateEnd(&s->gz);

	ZSTD_freeDCtx(s->zd);
	if (s->xz_live)
		lzma_end(&s->xz);
	if (s->bz_live)
		BZ2_bzDecompressEnd(&s->bz);
	if (s->fd > 0)
		close(s->fd);
	free(s->raw);
	free(s->buf);
	free(s->mem);
	free(s);
}

/*
 * The compressed bytes are used up: read more (1), or at the end of the
 * input say so (0: a member cut short is the error truncated), or -1.
 */
static int raw_refill(struct warc_in *s, const char *truncated, struct ayak_err *err)
{
	if (!s->raw_eof)
		return raw_more(s, err) ? -1 : 1;
	if (s->in_member)
		stream_error(s, s->member_coff, "%s", truncated);
	else
		s->state = WARC_IN_EOF;
	return 0;
}

/* Decode gzip into dst[0..n).  Bytes produced (0: end or error), -1 on a system error. */
static ssize_t produce_gzip(struct warc_in *s, char *dst, size_t n, struct ayak_err *err)
{
	for (;;) {
		size_t avail;
		int ret;

		if (s->raw_pos == s->raw_len) {
			int more = raw_refill(s, "truncated gzip input", err);

			if (more <= 0)
				return more;
			continue;
		}
		if (!s->in_member) {
			if (s->raw[s->raw_pos] == 0) {
				while (s->raw_pos < s->raw_len && s->raw[s->raw_pos] == 0)
					s->raw_pos++;
				s->padding = 1;
				continue;
			}
			if (s->padding || s->raw[s->raw_pos] != 0x1F) {
				int other = s->padding ? 0 : next_format(s, err);

				if (other)
					return other < 0 ? -1 : 0;
				stream_error(s, s->raw_base + s->raw_pos, "%s",
					     "corrupt gzip input: garbage after a member");
				return 0;
			}
			if (push_member(s, s->base + s->end, s->raw_base + s->raw_pos))
				return ayak_err_set(err, AYAK_E_SYS, "out of memory");
			if (fast_load()) {
				size_t in_used = 0, out_used = 0;

				/* The whole member should be in the buffer. */
				if (s->raw_len - s->raw_pos < RAW_CHUNK / 2 && !s->raw_eof) {
					if (raw_more(s, err))
						return -1;
					s->member_coff = s->raw_base + s->raw_pos;
					s->mem[s->nmem - 1].coff = s->member_coff;
				}
				if (warc_fast_gunzip(s->raw + s->raw_pos, s->raw_len - s->raw_pos,
						     dst, n, &in_used, &out_used) == 0) {
					s->raw_pos += in_used;
					if (out_used)
						return (ssize_t)out_used;
					continue;
				}
				/* Larger than the buffers, or damaged: zlib will tell. */
			}
			inflateReset(&s->gz);
			s->in_member = 1;
		}
		avail = s->raw_len - s->raw_pos;
		s->gz.next_in = s->raw + s->raw_pos;
		s->gz.avail_in = avail > UINT32_MAX ? UINT32_MAX : (uInt)avail;
		s->gz.next_out = (Bytef *)dst;
		s->gz.avail_out = n > UINT32_MAX ? UINT32_MAX : (uInt)n;
		ret = inflate(&s->gz, Z_NO_FLUSH);
		s->raw_pos = (size_t)(s->gz.next_in - s->raw);
		if (ret != Z_OK && ret != Z_STREAM_END && ret != Z_BUF_ERROR) {
			if (ret == Z_MEM_ERROR)
				return ayak_err_set(err, AYAK_E_SYS, "out of memory");
			stream_error(s, s->member_coff, "corrupt gzip input: %s",
				     s->gz.msg ? s->gz.msg : "inflate failed");
			return (char *)s->gz.next_out - dst;
		}
		if (ret == Z_STREAM_END)
			s->in_member = 0;
		if ((char *)s->gz.next_out > dst)
			return (char *)s->gz.next_out - dst;
	}
}

static ssize_t produce_zstd(struct warc_in *s, char *dst, size_t n, struct ayak_err *err)
{
	for (;;) {
		ZSTD_inBuffer in;
		ZSTD_outBuffer out = { dst, n, 0 };
		size_t ret;

		if (s->raw_pos == s->raw_len) {
			int more = raw_refill(s, "truncated zstd input", err);

			if (more <= 0)
				return more;
			continue;
		}
		if (!s->in_member) {
			int other = next_format(s, err);

			if (other)
				return other < 0 ? -1 : 0;
			if (push_member(s, s->base + s->end, s->raw_base + s->raw_pos))
				return ayak_err_set(err, AYAK_E_SYS, "out of memory");
			s->in_member = 1;
		}
		in.src = s->raw;
		in.size = s->raw_len;
		in.pos = s->raw_pos;
		ret = ZSTD_decompressStream(s->zd, &out, &in);
		s->raw_pos = in.pos;
		if (ZSTD_isError(ret)) {
			stream_error(s, s->member_coff, "corrupt zstd input: %s",
				     ZSTD_getErrorName(ret));
			return (ssize_t)out.pos;
		}
		if (ret == 0)
			s->in_member = 0;
		if (out.pos)
			return (ssize_t)out.pos;
	}
}

/* A fresh xz or bzip2 decoder for the stream that starts next.  0 or -1. */
static int stream_start(struct warc_in *s)
{
	static const lzma_stream xz_init = LZMA_STREAM_INIT;

	if (s->fmt == FMT_XZ) {
		if (s->xz_live)
			lzma_end(&s->xz);
		s->xz = xz_init;
		s->xz_live = lzma_stream_decoder(&s->xz, UINT64_MAX, 0) == LZMA_OK;
		return s->xz_live ? 0 : -1;
	}
	if (s->bz_live)
		BZ2_bzDecompressEnd(&s->bz);
	memset(&s->bz, 0, sizeof(s->bz));
	s->bz_live = BZ2_bzDecompressInit(&s->bz, 0, 0) == BZ_OK;
	return s->bz_live ? 0 : -1;
}

/*
 * One xz or bzip2 decoding step from raw[raw_pos..] into dst[0..n): sets
 * *produced and *end (the stream ended); NULL or what went wrong.
 */
static const char *stream_step(struct warc_in *s, char *dst, size_t n, size_t *produced,
			       int *end)
{
	size_t avail = s->raw_len - s->raw_pos;
	unsigned cap = n > UINT32_MAX ? UINT32_MAX : (unsigned)n;
	unsigned in = avail > UINT32_MAX ? UINT32_MAX : (unsigned)avail;
	int ret;

	if (s->fmt == FMT_XZ) {
		s->xz.next_in = s->raw + s->raw_pos;
		s->xz.avail_in = in;
		s->xz.next_out = (uint8_t *)dst;
		s->xz.avail_out = cap;
		ret = lzma_code(&s->xz, LZMA_RUN);
		s->raw_pos += in - s->xz.avail_in;
		*produced = cap - s->xz.avail_out;
		*end = ret == LZMA_STREAM_END;
		if (ret == LZMA_OK || ret == LZMA_STREAM_END || ret == LZMA_BUF_ERROR)
			return NULL;
		return ret == LZMA_MEM_ERROR ? "out of memory" : "bad data";
	}
	s->bz.next_in = (char *)(s->raw + s->raw_pos);
	s->bz.avail_in = in;
	s->bz.next_out = dst;
	s->bz.avail_out = cap;
	ret = BZ2_bzDecompress(&s->bz);
	s->raw_pos += in - s->bz.avail_in;
	*produced = cap - s->bz.avail_out;
	*end = ret == BZ_STREAM_END;
	if (ret == BZ_OK || ret == BZ_STREAM_END)
		return NULL;
	return ret == BZ_MEM_ERROR ? "out of memory" : "bad data";
}

/*
 * xz or bzip2, stream after stream (concatenated streams are one input,
 * xz's zero padding between them allowed); each stream is a member.
 */
static ssize_t produce_stream(struct warc_in *s, char *dst, size_t n, struct ayak_err *err)
{
	const char *name = s->fmt == FMT_XZ ? "xz" : "bzip2";

	for (;;) {
		size_t produced;
		const char *why;
		int end;

		if (s->raw_pos == s->raw_len) {
			int more = raw_refill(s, s->fmt == FMT_XZ ? "truncated xz input" :
						 "truncated bzip2 input", err);

			if (more <= 0)
				return more;
			continue;
		}
		if (!s->in_member) {
			if (s->fmt == FMT_XZ && s->raw[s->raw_pos] == 0) {
				s->raw_pos++;
				continue;
			}
			if (s->raw[s->raw_pos] != (s->fmt == FMT_XZ ? 0xFD : 'B')) {
				int other = next_format(s, err);

				if (other)
					return other < 0 ? -1 : 0;
				stream_error(s, s->raw_base + s->raw_pos, "corrupt %s input: garbage after a stream",
					     name);
				return 0;
			}
			if (push_member(s, s->base + s->end, s->raw_base + s->raw_pos) || stream_start(s))
				return ayak_err_set(err, AYAK_E_SYS, "out of memory");
			s->in_member = 1;
		}
		why = stream_step(s, dst, n, &produced, &end);
		if (why && !strcmp(why, "out of memory"))
			return ayak_err_set(err, AYAK_E_SYS, "out of memory");
		if (why) {
			char msg[64];

			snprintf(msg, sizeof(msg), "corrupt %s input: %s", name, why);
			stream_error(s, s->member_coff, "%s", msg);
			return (ssize_t)produced;
		}
		if (end)
			s->in_member = 0;
		if (produced)
			return (ssize_t)produced;
	}
}

static ssize_t produce(struct warc_in *s, char *dst, size_t n, struct ayak_err *err)
{
	ssize_t got;
	int fmt;

	if (s->fmt != FMT_PLAIN) {
		/* Nothing produced and the format changed: the next member is of another. */
		do {
			fmt = s->fmt;
			got = fmt == FMT_GZIP ? produce_gzip(s, dst, n, err) :
			      fmt == FMT_ZSTD ? produce_zstd(s, dst, n, err) :
			      produce_stream(s, dst, n, err);
		} while (got == 0 && s->fmt != fmt);
		return got;
	}
	/* Plain: hand over what the format probe read, then read directly. */
	if (s->raw_pos < s->raw_len) {
		size_t k = s->raw_len - s->raw_pos;

		if (k > n)
			k = n;
		memcpy(dst, s->raw + s->raw_pos, k);
		s->raw_pos += k;
		return (ssize_t)k;
	}
	if (s->raw_eof) {
		s->state = WARC_IN_EOF;
		return 0;
	}
	got = read_some(s->fd, dst, n);
	if (got < 0)
		return ayak_err_sys(err, errno, "read error");
	s->bytes_read += (uint64_t)got;
	s->raw_base += (uint64_t)got;
	if (got == 0)
		s->state = WARC_IN_EOF;
	return got;
}

long long warc_in_fill(struct warc_in *s, size_t want, struct ayak_err *err)
{
	while (s->end - s->pos < want && s->state == WARC_IN_OK) {
		ssize_t got;

		if (s->cap - s->end < MIN_FREE || s->cap - s->pos < want) {
			if (s->pos) {
				memmove(s->buf, s->buf + s->pos, s->end - s->pos);
				s->base += s->pos;
				s->end -= s->pos;
				s->pos = 0;
				prune_members(s, s->base);
			}
			if (s->cap - s->end < MIN_FREE || s->cap < want) {
				size_t cap = s->cap * 2;
				char *p;

				while (cap < want + MIN_FREE)
					cap *= 2;
				p = realloc(s->buf, cap);
				if (!p)
					return ayak_err_set(err, AYAK_E_SYS, "out of memory");
				s->buf = p;
				s->cap = cap;
			}
		}
		got = produce(s, s->buf + s->end, s->cap - s->end, err);
		if (got < 0)
			return -1;
		s->end += (size_t)got;
	}
	return (long long)(s->end - s->pos);
}

const char *warc_in_data(const struct warc_in *s)
{
	return s->buf + s->pos;
}

size_t warc_in_avail(const struct warc_in *s)
{
	return s->end - s->pos;
}

void warc_in_consume(struct warc_in *s, size_t n)
{
	if (n > s->end - s->pos)
		n = s->end - s->pos;
	s->pos += n;
	if (s->pos == s->end) {
		s->base += s->pos;
		s->pos = s->end = 0;
		prune_members(s, s->base);
	}
}

int warc_in_state(const struct warc_in *s)
{
	/* Buffered bytes come before the end or the damage. */
	return s->state;
}

const char *warc_in_error(const struct warc_in *s, uint64_t *file_offset,
			  uint64_t *offset)
{
	if (file_offset)
		*file_offset = s->err_coff;
	if (offset)
		*offset = s->err_uoff;
	return s->errmsg;
}

/* Does compressed data at raw[pos] start a member that decodes for a while? */
static int probe(struct warc_in *s, size_t pos)
{
	static char scratch[1u << 14];
	size_t avail = s->raw_len - pos;

	if (avail > PROBE_IN)
		avail = PROBE_IN;
	if (s->fmt == FMT_GZIP) {
		int ret;

		inflateReset(&s->gz);
		s->gz.next_in = s->raw + pos;
		s->gz.avail_in = (uInt)avail;
		do {
			s->gz.next_out = (Bytef *)scratch;
			s->gz.avail_out = sizeof(scratch);
			ret = inflate(&s->gz, Z_NO_FLUSH);
		} while (ret == Z_OK && s->gz.avail_in);
		inflateReset(&s->gz);
		return ret == Z_OK || ret == Z_STREAM_END || ret == Z_BUF_ERROR;
	} else if (s->fmt == FMT_XZ || s->fmt == FMT_BZIP2) {
		size_t save = s->raw_pos, len = s->raw_len, produced;
		const char *why = NULL;
		int end = 0;

		/* The decoder is restarted for the stream recovery settles on. */
		if (stream_start(s))
			return 0;
		s->raw_pos = pos;
		s->raw_len = pos + avail;
		while (!why && !end && s->raw_pos < s->raw_len)
			why = stream_step(s, scratch, sizeof(scratch), &produced, &end);
		s->raw_pos = save;
		s->raw_len = len;
		return !why;
	} else {
		ZSTD_inBuffer in = { s->raw + pos, avail, 0 };
		size_t ret;

		ZSTD_DCtx_reset(s->zd, ZSTD_reset_session_only);
		do {
			ZSTD_outBuffer out = { scratch, sizeof(scratch), 0 };

			ret = ZSTD_decompressStream(s->zd, &out, &in);
		} while (!ZSTD_isError(ret) && ret && in.pos < in.size);
		ZSTD_DCtx_reset(s->zd, ZSTD_reset_session_only);
		return !ZSTD_isError(ret);
	}
}

long long warc_in_recover(struct warc_in *s, struct ayak_err *err)
{
	uint64_t from;
	size_t i;

	s->base += s->end;
	s->pos = s->end = 0;
	prune_members(s, s->base);
	if (s->state != WARC_IN_ERROR)
		return 0;
	if (s->fmt == FMT_PLAIN) {
		s->state = WARC_IN_OK;
		return 0;
	}
	/*
	 * Look from just after the damaged member's first byte, not from where
	 * the decoder stopped: a member cut short is read on into the next
	 * one, which must not be lost with it.
	 */
	s->raw_pos = s->err_coff >= s->raw_base ? (size_t)(s->err_coff - s->raw_base) + 1 : 0;
	if (s->raw_pos > s->raw_len)
		s->raw_pos = s->raw_len;
	/* The damaged member's first byte is skipped too, not only those searched. */
	from = s->err_coff < s->raw_base + s->raw_pos ? s->err_coff : s->raw_base + s->raw_pos;
	s->in_member = 0;
	s->padding = 0;
	s->zstd_hint = 0;
	for (;;) {
		/* Keep enough after a candidate to probe it. */
		if (s->raw_len - s->raw_pos < PROBE_IN + 4 && !s->raw_eof) {
			if (raw_more(s, err))
				return -1;
			continue;
		}
		for (i = s->raw_pos; i + 4 <= s->raw_len; i++) {
			const unsigned char *p = s->raw + i;
			/* Any of the formats: the next one may be another file's, of another. */
			int fmt = p[0] == 0x1F && p[1] == 0x8B && p[2] == 8 ? FMT_GZIP :
				  p[0] == 0x28 && p[1] == 0xB5 && p[2] == 0x2F && p[3] == 0xFD ? FMT_ZSTD :
				  !memcmp(p, "\xFD" "7zX", 4) ? FMT_XZ :
				  !memcmp(p, "BZh", 3) && p[3] >= '1' && p[3] <= '9' ? FMT_BZIP2 : FMT_PLAIN;
			int hit = fmt != FMT_PLAIN;

			if (hit && use_format(s, fmt))
				return ayak_err_set(err, AYAK_E_SYS, "out of memory");
			if (hit && (s->raw_len - i >= PROBE_IN || s->raw_eof) && probe(s, i)) {
				s->raw_pos = i;
				s->state = WARC_IN_OK;
				return (long long)(s->raw_base + i - from);
			}
			if (hit && s->raw_len - i < PROBE_IN && !s->raw_eof)
				break;		/* read more, then probe it */
		}
		s->raw_pos = i;
		if (s->raw_eof && s->raw_len - s->raw_pos < 4) {
			s->raw_pos = s->raw_len;
			s->state = WARC_IN_EOF;
			return (long long)(s->raw_base + s->raw_len - from);
		}
		if (raw_more(s, err))
			return -1;
	}
}

uint64_t warc_in_offset(const struct warc_in *s)
{
	return s->base + s->pos;
}

/* The last member starting at or before uoff (s->nmem > 0), or the first. */
static size_t member_before(const struct warc_in *s, uint64_t uoff)
{
	size_t lo = 0, hi = s->nmem;

	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->mem[mid].uoff <= uoff)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

uint64_t warc_in_member_at(const struct warc_in *s, uint64_t uoff)
{
	if (s->fmt == FMT_PLAIN)
		return uoff;
	return s->nmem ? s->mem[member_before(s, uoff)].coff : 0;
}

int warc_in_member_starts(const struct warc_in *s, uint64_t from, uint64_t to)
{
	if (s->fmt == FMT_PLAIN || !s->nmem || s->mem[0].uoff > to)
		return 0;
	return s->mem[member_before(s, to)].uoff >= from;
}

uint64_t warc_in_bytes_read(const struct warc_in *s)
{
	return s->bytes_read;
}

uint64_t warc_in_size(const struct warc_in *s)
{
	return s->size;
}

int warc_in_compressed(const struct warc_in *s)
{
	return s->fmt != FMT_PLAIN;
}

const char *warc_in_format(const struct warc_in *s)
{
	static const char *const names[] = { "plain", "gzip", "zstd", "xz", "bzip2" };

	return names[s->fmt];
}
