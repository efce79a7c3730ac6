/*
 * Line reader over many inputs.  One growable buffer holds decompressed
 * bytes; lines are handed out in place and the buffer moves only the
 * unfinished last line when it refills, so there is no line-length limit
 * and memory stays bounded by the longest line.  Binary inputs (a token
 * stream) take the same decompressed bytes with ayak_reader_read(),
 * which decodes straight into the caller's buffer.
 *
 * Each format is decoded with its own library (libzstd, zlib, liblzma,
 * libbz2).  libarchive's raw format was tried first and rejected: with a
 * forced filter it reads a corrupt gzip, xz or bzip2 header as an empty
 * input and exits 0, which loses data silently.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bzlib.h>
#include <lzma.h>
#include <zlib.h>
#include <zstd.h>

#include "stream.h"

#define READ_CHUNK (1u << 20)
#define RAW_CHUNK (1u << 18)

struct ayak_reader {
	const char **paths;
	size_t npaths, next;

	/* The input being read. */
	int active;
	int fd;
	const char *name;
	int fmt;
	int eof;			/* no more decompressed bytes */
	uint64_t lineno;

	unsigned char *raw;		/* compressed bytes not yet decoded */
	size_t raw_pos, raw_len;
	int raw_eof;

	ZSTD_DCtx *zd;
	size_t zstd_pending;		/* last ZSTD_decompressStream hint */
	size_t zstd_error;		/* damage found after bytes still to hand out */
	/* gzip, xz, bzip2: one decoder live at a time, member by member. */
	z_stream gz;
	lzma_stream xz;
	bz_stream bz;
	int live;			/* a decoder is initialised */
	int in_member;			/* inside a gzip member or xz/bzip2 stream */
	int gz_padding;			/* zero bytes seen after a gzip member */

	char *buf;			/* decompressed bytes */
	size_t cap, start, end, scan;

	uint64_t bytes_read, bytes_total;
};

const char *ayak_format_name(int fmt)
{
	static const char *const names[] = { "plain", "gzip", "zstd", "xz", "bzip2" };

	return fmt >= 0 && fmt <= AYAK_FMT_BZIP2 ? names[fmt] : "unknown";
}

/* Is p[0..n) the start of magic (len bytes), at least min of them? */
static int starts(const unsigned char *p, size_t n, const char *magic, size_t len, size_t min)
{
	return n >= min && !memcmp(p, magic, n < len ? n : len);
}

enum ayak_format ayak_detect_format(const unsigned char *p, size_t n)
{
	if (starts(p, n, "\x1F\x8B", 2, 2))
		return AYAK_FMT_GZIP;
	if (starts(p, n, "\x28\xB5\x2F\xFD", 4, 2))
		return AYAK_FMT_ZSTD;
	/* A zstd skippable frame (0x184D2A50..5F) may come first. */
	if (n >= 4 && (p[0] & 0xF0) == 0x50 && p[1] == 0x2A && p[2] == 0x4D && p[3] == 0x18)
		return AYAK_FMT_ZSTD;
	if (starts(p, n, "\xFD" "7zXZ\0", 6, 2))
		return AYAK_FMT_XZ;
	if (starts(p, n, "BZh", 3, 3) && (n == 3 || (p[3] >= '1' && p[3] <= '9')))
		return AYAK_FMT_BZIP2;
	return AYAK_FMT_PLAIN;
}

static int input_error(struct ayak_reader *r, struct ayak_err *err, int code,
		       const char *fmt, const char *detail)
{
	ayak_err_set(err, code, fmt, detail);
	if (err) {
		err->file = r->name;
		err->line = r->lineno + 1;
	}
	return -1;
}

static ssize_t read_some(int fd, void *p, size_t n)
{
	ssize_t got;

	do
		got = read(fd, p, n);
	while (got < 0 && errno == EINTR);
	return got;
}

/* Refill r->raw.  0 or -1. */
static int raw_fill(struct ayak_reader *r, struct ayak_err *err)
{
	ssize_t got = read_some(r->fd, r->raw, RAW_CHUNK);

	if (got < 0)
		return input_error(r, err, AYAK_E_SYS, "read error: %s", strerror(errno));
	r->raw_pos = 0;
	r->raw_len = (size_t)got;
	r->raw_eof = got == 0;
	r->bytes_read += (uint64_t)got;
	return 0;
}

/* At least n bytes from raw_pos on, unless the input ends first.  0 or -1. */
static int raw_want(struct ayak_reader *r, size_t n, struct ayak_err *err)
{
	while (r->raw_len - r->raw_pos < n && !r->raw_eof) {
		ssize_t got;

		memmove(r->raw, r->raw + r->raw_pos, r->raw_len - r->raw_pos);
		r->raw_len -= r->raw_pos;
		r->raw_pos = 0;
		got = read_some(r->fd, r->raw + r->raw_len, RAW_CHUNK - r->raw_len);
		if (got < 0)
			return input_error(r, err, AYAK_E_SYS, "read error: %s", strerror(errno));
		r->raw_eof = got == 0;
		r->raw_len += (size_t)got;
		r->bytes_read += (uint64_t)got;
	}
	return 0;
}

static void end_decoder(struct ayak_reader *r)
{
	if (!r->live)
		return;
	switch (r->fmt) {
	case AYAK_FMT_GZIP: inflateEnd(&r->gz); break;
	case AYAK_FMT_XZ: lzma_end(&r->xz); break;
	case AYAK_FMT_BZIP2: BZ2_bzDecompressEnd(&r->bz); break;
	}
	r->live = 0;
}

static void close_input(struct ayak_reader *r)
{
	end_decoder(r);
	if (r->fd > 0)
		close(r->fd);
	r->fd = -1;
	r->active = 0;
}

static int start_decoder(struct ayak_reader *r);

/*
 * Between members: does one of another compressed format start at
 * raw[raw_pos]?  Then decode that format from there: files of different
 * formats written back to back (as ayak-fetch writes a list's downloads)
 * are one input.  Plain data is not one: after compressed data it is
 * damage.  1 switched, 0 not, -1 on an error.
 */
static int next_format(struct ayak_reader *r, struct ayak_err *err)
{
	enum ayak_format fmt;

	if (raw_want(r, 6, err))
		return -1;
	fmt = ayak_detect_format(r->raw + r->raw_pos, r->raw_len - r->raw_pos);
	if (fmt == AYAK_FMT_PLAIN || (int)fmt == r->fmt)
		return 0;
	end_decoder(r);		/* before r->fmt changes: it says which decoder is live */
	r->fmt = fmt;
	r->in_member = 0;
	r->gz_padding = 0;
	r->zstd_pending = 0;
	if (fmt == AYAK_FMT_ZSTD)
		ZSTD_DCtx_reset(r->zd, ZSTD_reset_session_only);
	return 1;
}

static int open_next(struct ayak_reader *r, struct ayak_err *err)
{
	const char *path = r->paths[r->next++];

	r->name = strcmp(path, "-") ? path : "(stdin)";
	r->lineno = 0;
	r->eof = 0;
	r->start = r->end = r->scan = 0;
	r->raw_pos = r->raw_len = 0;
	r->raw_eof = 0;
	r->zstd_pending = 0;
	r->zstd_error = 0;
	r->gz_padding = 0;
	if (strcmp(path, "-")) {
		r->fd = open(path, O_RDONLY | O_CLOEXEC);
		if (r->fd < 0) {
			ayak_err_sys(err, errno, "%s", path);
			return -1;
		}
		posix_fadvise(r->fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	} else
		r->fd = 0;
	r->active = 1;

	/* Read enough to see the magic number. */
	if (raw_want(r, 6, err))
		return -1;
	r->fmt = ayak_detect_format(r->raw, r->raw_len);
	switch (r->fmt) {
	case AYAK_FMT_PLAIN:
		memcpy(r->buf, r->raw, r->raw_len);
		r->end = r->raw_len;
		r->raw_pos = r->raw_len;
		r->eof = r->raw_eof;
		return 0;
	case AYAK_FMT_ZSTD:
		ZSTD_DCtx_reset(r->zd, ZSTD_reset_session_only);
		return 0;
	}
	r->in_member = 1;
	return start_decoder(r) ? input_error(r, err, AYAK_E_SYS, "%s", "out of memory") : 0;
}

/* Start a decoder for r->fmt.  0 or -1. */
static int start_decoder(struct ayak_reader *r)
{
	static const lzma_stream xz_init = LZMA_STREAM_INIT;

	end_decoder(r);
	switch (r->fmt) {
	case AYAK_FMT_GZIP:
		memset(&r->gz, 0, sizeof(r->gz));
		if (inflateInit2(&r->gz, 15 + 16) != Z_OK)
			return -1;
		break;
	case AYAK_FMT_XZ:
		r->xz = xz_init;
		/*
		 * A stream at a time, not LZMA_CONCATENATED: liblzma would read
		 * a next file of another format as a damaged xz stream.
		 */
		if (lzma_stream_decoder(&r->xz, UINT64_MAX, 0) != LZMA_OK)
			return -1;
		break;
	case AYAK_FMT_BZIP2:
		memset(&r->bz, 0, sizeof(r->bz));
		if (BZ2_bzDecompressInit(&r->bz, 0, 0) != BZ_OK)
			return -1;
		break;
	default:
		return 0;
	}
	r->live = 1;
	return 0;
}

/*
 * One decoding step of gzip, xz or bzip2 from the raw buffer into dst.
 * Sets *produced and *end (the member or stream ended); returns NULL or
 * what went wrong.
 */
static const char *decode_step(struct ayak_reader *r, char *dst, size_t n,
			       size_t *produced, int *end)
{
	const unsigned char *in = r->raw + r->raw_pos;
	size_t avail = r->raw_len - r->raw_pos, left_in, left_out;
	unsigned out_cap = n > UINT32_MAX ? UINT32_MAX : (unsigned)n;
	int ret;

	switch (r->fmt) {
	case AYAK_FMT_GZIP:
		r->gz.next_in = (Bytef *)(uintptr_t)in;
		r->gz.avail_in = (uInt)avail;
		r->gz.next_out = (Bytef *)dst;
		r->gz.avail_out = out_cap;
		ret = inflate(&r->gz, Z_NO_FLUSH);
		if (ret != Z_OK && ret != Z_STREAM_END && ret != Z_BUF_ERROR)
			return r->gz.msg ? r->gz.msg : "inflate failed";
		*end = ret == Z_STREAM_END;
		left_in = r->gz.avail_in;
		left_out = r->gz.avail_out;
		break;
	case AYAK_FMT_XZ:
		r->xz.next_in = in;
		r->xz.avail_in = avail;
		r->xz.next_out = (uint8_t *)dst;
		r->xz.avail_out = out_cap;
		ret = lzma_code(&r->xz, r->raw_eof && !avail ? LZMA_FINISH : LZMA_RUN);
		if (ret == LZMA_BUF_ERROR && r->raw_eof && !avail)
			return "truncated";
		if (ret != LZMA_OK && ret != LZMA_STREAM_END && ret != LZMA_BUF_ERROR)
			return ret == LZMA_FORMAT_ERROR ? "not xz" :
			       ret == LZMA_MEM_ERROR ? "out of memory" : "bad data";
		*end = ret == LZMA_STREAM_END;
		left_in = r->xz.avail_in;
		left_out = r->xz.avail_out;
		break;
	default:
		r->bz.next_in = (char *)(uintptr_t)in;
		r->bz.avail_in = (unsigned)(avail > UINT32_MAX ? UINT32_MAX : avail);
		r->bz.next_out = dst;
		r->bz.avail_out = out_cap;
		ret = BZ2_bzDecompress(&r->bz);
		if (ret != BZ_OK && ret != BZ_STREAM_END)
			return ret == BZ_MEM_ERROR ? "out of memory" : "bad data";
		*end = ret == BZ_STREAM_END;
		left_in = r->bz.avail_in + (avail - (avail > UINT32_MAX ? UINT32_MAX : avail));
		left_out = r->bz.avail_out;
		break;
	}
	r->raw_pos = r->raw_len - left_in;
	*produced = out_cap - left_out;
	return NULL;
}

/*
 * gzip, xz and bzip2, member after member as their own tools read them:
 * a concatenation of members is one input (and of members of the other
 * compressed formats: see next_format()); anything else after a member
 * is damage, and input that ends inside a member is truncated.  Returns
 * 0 at the end, or when the next member is of another format.
 */
static ssize_t decode(struct ayak_reader *r, char *dst, size_t n, struct ayak_err *err)
{
	static const unsigned char first_byte[] = {
		[AYAK_FMT_GZIP] = 0x1F, [AYAK_FMT_XZ] = 0xFD, [AYAK_FMT_BZIP2] = 'B',
	};
	const char *name = ayak_format_name(r->fmt), *why;
	size_t produced;
	int end;

	for (;;) {
		if (r->raw_pos == r->raw_len) {
			if (!r->raw_eof) {
				if (raw_fill(r, err))
					return -1;
				continue;
			}
			if (!r->in_member)
				return 0;
			/* xz is told the input has ended: it may have more to hand out. */
			if (r->fmt != AYAK_FMT_XZ)
				return input_error(r, err, AYAK_E_DATA,
						   "truncated %s input", name);
		}
		if (!r->in_member) {
			/*
			 * Zero padding after the last gzip member, as gzip -d
			 * tolerates, and xz's stream padding, between streams too.
			 */
			if (r->raw[r->raw_pos] == 0 &&
			    (r->fmt == AYAK_FMT_GZIP || r->fmt == AYAK_FMT_XZ)) {
				while (r->raw_pos < r->raw_len && r->raw[r->raw_pos] == 0)
					r->raw_pos++;
				r->gz_padding = r->fmt == AYAK_FMT_GZIP;
				continue;
			}
			if (r->raw[r->raw_pos] != first_byte[r->fmt] || r->gz_padding) {
				int other = r->gz_padding ? 0 : next_format(r, err);

				if (other)
					return other < 0 ? -1 : 0;
				return input_error(r, err, AYAK_E_DATA,
						   "corrupt %s input: garbage after the end", name);
			}
			if (start_decoder(r))
				return input_error(r, err, AYAK_E_SYS, "%s", "out of memory");
			r->in_member = 1;
		}
		why = decode_step(r, dst, n, &produced, &end);
		if (why && !strcmp(why, "truncated"))
			return input_error(r, err, AYAK_E_DATA, "truncated %s input", name);
		if (why) {
			ayak_err_set(err, AYAK_E_DATA, "corrupt %s input: %s", name, why);
			if (err) {
				err->file = r->name;
				err->line = r->lineno + 1;
			}
			return -1;
		}
		if (end)
			r->in_member = 0;
		if (produced)
			return (ssize_t)produced;
	}
}

/* zstd, frame after frame; 0 at the end, or when the next frame is of another format. */
static ssize_t decode_zstd(struct ayak_reader *r, char *dst, size_t n, struct ayak_err *err)
{
	for (;;) {
		ZSTD_inBuffer in;
		/*
		 * A block at a time: zstd hands out nothing of a call that
		 * meets damage, so a large buffer would lose the lines of
		 * the blocks before the damaged one.
		 */
		ZSTD_outBuffer out = { dst, n < ZSTD_BLOCKSIZE_MAX ? n : ZSTD_BLOCKSIZE_MAX, 0 };
		size_t ret;

		if (r->zstd_error)
			return input_error(r, err, AYAK_E_DATA, "corrupt zstd input: %s",
					   ZSTD_getErrorName(r->zstd_error));
		if (r->raw_pos == r->raw_len) {
			if (r->raw_eof) {
				if (r->zstd_pending)
					return input_error(r, err, AYAK_E_DATA, "%s",
							   "truncated zstd input");
				return 0;
			}
			if (raw_fill(r, err))
				return -1;
			continue;
		}
		if (!r->zstd_pending) {
			/* Between frames (or before the first). */
			int other = next_format(r, err);

			if (other)
				return other < 0 ? -1 : 0;
		}
		in.src = r->raw;
		in.size = r->raw_len;
		in.pos = r->raw_pos;
		ret = ZSTD_decompressStream(r->zd, &out, &in);
		r->raw_pos = in.pos;
		/*
		 * One call decodes many blocks: the lines of those before
		 * the damaged one are handed out first, as zstd -d would.
		 */
		if (ZSTD_isError(ret) && out.pos) {
			r->zstd_error = ret;
			return (ssize_t)out.pos;
		}
		if (ZSTD_isError(ret))
			return input_error(r, err, AYAK_E_DATA, "corrupt zstd input: %s",
					   ZSTD_getErrorName(ret));
		r->zstd_pending = ret;
		if (out.pos)
			return (ssize_t)out.pos;
	}
}

/* Decompress into dst.  Bytes produced, 0 at the end, -1 on error. */
static ssize_t fill(struct ayak_reader *r, char *dst, size_t n, struct ayak_err *err)
{
	ssize_t got;
	int fmt;

	if (r->fmt == AYAK_FMT_PLAIN) {
		got = read_some(r->fd, dst, n);
		if (got < 0)
			return input_error(r, err, AYAK_E_SYS, "read error: %s", strerror(errno));
		r->bytes_read += (uint64_t)got;
		return got;
	}
	/* Nothing produced and the format changed: the next member is of another. */
	do {
		fmt = r->fmt;
		got = fmt == AYAK_FMT_ZSTD ? decode_zstd(r, dst, n, err) : decode(r, dst, n, err);
	} while (got == 0 && r->fmt != fmt);
	return got;
}

struct ayak_reader *ayak_reader_new(const char *const *paths, size_t n,
				    struct ayak_err *err)
{
	static const char *const stdin_only[] = { "-" };
	struct ayak_reader *r;
	size_t i;

	if (n == 0) {
		paths = stdin_only;
		n = 1;
	}
	r = calloc(1, sizeof(*r));
	if (!r) {
		ayak_err_set(err, AYAK_E_SYS, "out of memory");
		return NULL;
	}
	r->fd = -1;
	r->paths = malloc(n * sizeof(*r->paths));
	r->raw = malloc(RAW_CHUNK);
	r->cap = READ_CHUNK;
	r->buf = malloc(r->cap);
	r->zd = ZSTD_createDCtx();
	if (!r->paths || !r->raw || !r->buf || !r->zd) {
		ayak_reader_free(r);
		ayak_err_set(err, AYAK_E_SYS, "out of memory");
		return NULL;
	}
	r->npaths = n;
	for (i = 0; i < n; i++) {
		struct stat st;

		r->paths[i] = paths[i];
		if (!strcmp(paths[i], "-")) {
			if (fstat(0, &st) || !S_ISREG(st.st_mode))
				r->bytes_total = UINT64_MAX;
			else if (r->bytes_total != UINT64_MAX)
				r->bytes_total += (uint64_t)st.st_size;
			continue;
		}
		if (stat(paths[i], &st) || (S_ISDIR(st.st_mode) && (errno = EISDIR)) ||
		    access(paths[i], R_OK)) {
			ayak_err_sys(err, errno, "%s", paths[i]);
			ayak_reader_free(r);
			return NULL;
		}
		if (!S_ISREG(st.st_mode))
			r->bytes_total = UINT64_MAX;
		else if (r->bytes_total != UINT64_MAX)
			r->bytes_total += (uint64_t)st.st_size;
	}
	if (r->bytes_total == UINT64_MAX)
		r->bytes_total = 0;
	return r;
}

/*
 * Decompress up to want more bytes after r->end, first moving those not
 * yet handed out to the front, and growing the buffer when little room
 * is left (a long line).  Sets r->eof at the end of the input.  0 or -1.
 */
static int refill(struct ayak_reader *r, size_t want, struct ayak_err *err)
{
	ssize_t got;

	if (r->start) {
		memmove(r->buf, r->buf + r->start, r->end - r->start);
		r->end -= r->start;
		r->scan -= r->start;
		r->start = 0;
	}
	if (r->cap - r->end < READ_CHUNK / 4) {
		size_t cap = r->cap * 2;
		char *p = realloc(r->buf, cap);

		if (!p)
			return input_error(r, err, AYAK_E_SYS, "%s",
					   "out of memory for a long line");
		r->buf = p;
		r->cap = cap;
	}
	got = fill(r, r->buf + r->end, r->cap - r->end < want ? r->cap - r->end : want, err);
	if (got < 0)
		return -1;
	if (got == 0)
		r->eof = 1;
	r->end += (size_t)got;
	return 0;
}

/* Open the next input when none is: 1 one is open, 0 none is left, -1 error. */
static int current_input(struct ayak_reader *r, struct ayak_err *err)
{
	if (r->active)
		return 1;
	if (r->next >= r->npaths)
		return 0;
	return open_next(r, err) ? -1 : 1;
}

int ayak_reader_next(struct ayak_reader *r, struct ayak_line *line, struct ayak_err *err)
{
	for (;;) {
		char *nl;
		int k;

		if ((k = current_input(r, err)) <= 0)
			return k;
		nl = memchr(r->buf + r->scan, '\n', r->end - r->scan);
		if (!nl && r->eof && r->start < r->end)
			nl = r->buf + r->end;	/* last line, no final newline */
		if (nl) {
			line->data = r->buf + r->start;
			line->len = (size_t)(nl - line->data);
			line->file = r->name;
			line->lineno = ++r->lineno;
			r->start = r->scan = (size_t)(nl - r->buf) + (nl < r->buf + r->end);
			line->raw = r->start - (size_t)(line->data - r->buf);
			if (line->len && line->data[line->len - 1] == '\r')
				line->len--;
			if (line->lineno == 1 && line->len >= 3 &&
			    !memcmp(line->data, "\xEF\xBB\xBF", 3)) {
				line->data += 3;
				line->len -= 3;
			}
			return 1;
		}
		if (r->eof) {
			close_input(r);
			continue;
		}
		/* Only an unfinished line is left, searched already. */
		r->scan = r->end;
		if (refill(r, SIZE_MAX, err))
			return -1;
	}
}

ssize_t ayak_reader_peek(struct ayak_reader *r, void *buf, size_t n, struct ayak_err *err)
{
	size_t k;
	int open = current_input(r, err);

	if (open <= 0)
		return open;
	/*
	 * No more decoded than asked for: damage further on is found, and
	 * reported, by the reads that come to it.
	 */
	while (r->end - r->start < n && !r->eof)
		if (refill(r, n - (r->end - r->start), err))
			return -1;
	k = r->end - r->start < n ? r->end - r->start : n;
	memcpy(buf, r->buf + r->start, k);
	return (ssize_t)k;
}

ssize_t ayak_reader_read(struct ayak_reader *r, void *buf, size_t n, struct ayak_err *err)
{
	ssize_t got;
	int open = current_input(r, err);

	if (open == 0)
		return 0;
	if (open < 0)
		goto fail;
	/* Bytes already decoded (the start of the input, peeked or not) first. */
	if (r->start < r->end) {
		size_t k = r->end - r->start < n ? r->end - r->start : n;

		memcpy(buf, r->buf + r->start, k);
		r->start += k;
		if (r->scan < r->start)
			r->scan = r->start;
		return (ssize_t)k;
	}
	if (r->eof) {
		close_input(r);
		return 0;
	}
	/* Then straight into the caller's buffer: no copy on the way. */
	got = fill(r, buf, n, err);
	if (got < 0)
		goto fail;
	if (got == 0)
		close_input(r);
	return got;
fail:
	/* Bytes have no lines: the error names the input alone. */
	if (err)
		err->line = 0;
	return -1;
}

uint64_t ayak_reader_bytes_read(const struct ayak_reader *r)
{
	return r->bytes_read;
}

uint64_t ayak_reader_bytes_total(const struct ayak_reader *r)
{
	return r->bytes_total;
}

int ayak_reader_format(const struct ayak_reader *r)
{
	return r->fmt;
}

void ayak_reader_free(struct ayak_reader *r)
{
	if (!r)
		return;
	close_input(r);
	ZSTD_freeDCtx(r->zd);
	free(r->buf);
	free(r->raw);
	free(r->paths);
	free(r);
}

int ayak_line_is_blank(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r' && p[i] != '\n')
			return 0;
	return 1;
}
