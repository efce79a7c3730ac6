/*
 * Compressed streams: a line (or byte) reader over many inputs and a buffered,
 * optionally compressed, atomic writer.
 */
#ifndef AYAK_STREAM_H
#define AYAK_STREAM_H

#include <sys/types.h>

#include "ayak.h"

/* ---- reader ---- */

enum ayak_format {
	AYAK_FMT_PLAIN = 0,
	AYAK_FMT_GZIP,
	AYAK_FMT_ZSTD,
	AYAK_FMT_XZ,
	AYAK_FMT_BZIP2,
};

const char *ayak_format_name(int fmt);

/*
 * The format of an input from its first n bytes: six or more, or fewer
 * only when the input ends there; then a start of a magic number (two
 * bytes or more, "BZh" for bzip2) is a file of that format cut short, so
 * that it is reported as truncated, not read as text.
 */
enum ayak_format ayak_detect_format(const unsigned char *p, size_t n);

struct ayak_line {
	const char *data;	/* the line, without "\n" or a final "\r" */
	size_t len;
	const char *file;	/* input name ("-" shows as "(stdin)") */
	uint64_t lineno;	/* 1-based, per input */
	size_t raw;		/* the bytes it took in the input: "\r", "\n", a BOM included */
};

struct ayak_reader;

/*
 * Open a reader over paths[0..n) in order; "-" is standard input, and n == 0
 * means standard input alone.  Every path is checked (stat) up front, so a
 * missing or unreadable file fails here with AYAK_E_SYS before any output.
 * Each input's format (plain, gzip, zstd, xz, bzip2) is chosen by its magic
 * number.  A UTF-8 byte order mark at the start of an input is skipped.
 */
struct ayak_reader *ayak_reader_new(const char *const *paths, size_t n,
				    struct ayak_err *err);

/*
 * Next line: 1 with *line filled, 0 at the end of the last input, -1 on an
 * error (AYAK_E_SYS for I/O, AYAK_E_DATA for corrupt or truncated
 * compressed input, with err->file and err->line naming where).  A line cut
 * off by truncated compressed input is not returned.  The line's bytes stay
 * valid until the next call.
 */
int ayak_reader_next(struct ayak_reader *r, struct ayak_line *line,
		     struct ayak_err *err);

/*
 * Bytes instead of lines, for binary inputs (the token stream of
 * ayak-tok --binary): up to n (> 0) decompressed bytes of the current
 * input into buf, decoded and checked as for lines, with no byte order
 * mark or CR taken out.  Returns how many, 0 at the end of each input
 * (the next call goes on to the next one; 0 again after the last), or
 * -1 on an error as ayak_reader_next's, with err->line 0.  An input
 * ends only when all its compressed data was whole.
 */
ssize_t ayak_reader_read(struct ayak_reader *r, void *buf, size_t n, struct ayak_err *err);
/*
 * The first n bytes of the current input (the next one when none is
 * open), or all it has when it is shorter, copied into buf without
 * being consumed: the next line or bytes read still start with them.
 * Returns how many, or -1 on an error as ayak_reader_next's.  For
 * telling what an input holds before reading it.
 */
ssize_t ayak_reader_peek(struct ayak_reader *r, void *buf, size_t n, struct ayak_err *err);

/* Bytes read from the inputs so far (compressed, as stored). */
uint64_t ayak_reader_bytes_read(const struct ayak_reader *r);
/* Sum of the inputs' sizes when all are regular files, else 0. */
uint64_t ayak_reader_bytes_total(const struct ayak_reader *r);
/* Format of the current (or last) input. */
int ayak_reader_format(const struct ayak_reader *r);
void ayak_reader_free(struct ayak_reader *r);

/* 1 if the line holds only JSON whitespace (such lines are not records). */
int ayak_line_is_blank(const char *p, size_t n);

/* ---- writer ---- */

enum ayak_compress {
	AYAK_COMPRESS_AUTO = -1,	/* by the path's suffix */
	AYAK_COMPRESS_NONE = 0,
	AYAK_COMPRESS_ZSTD,
	AYAK_COMPRESS_GZIP,
};

/* By suffix: ".zst"/".zstd" zstd, ".gz" gzip, anything else none. */
int ayak_compress_from_path(const char *path);
/* "zst", "zstd", "gz", "gzip", "none": -1 if unknown. */
int ayak_compress_from_name(const char *name);
const char *ayak_compress_suffix(int compress);	/* ".zst", ".gz" or "" */

struct ayak_writer_opts {
	const char *path;	/* NULL or "-": standard output */
	int compress;		/* enum ayak_compress */
	int level;		/* 0: the format's default (zstd 3, gzip 6) */
	int threads;		/* zstd worker threads, 0: none */
	int allow_tty;		/* write compressed bytes to a terminal anyway */
	const char *not_text;	/* NULL, or what the bytes are ("binary data"): refused on a
				   terminal as compressed bytes are */
};

struct ayak_writer;

/*
 * Open an output.  A regular file is written under a temporary name in its
 * directory and renamed into place by ayak_writer_close() only; devices and
 * pipes are written directly.  Refuses (AYAK_E_USAGE) to write compressed
 * bytes to a terminal, and a name ending in a compression suffix it cannot
 * write (.xz, .bz2, ...) unless the compression is given.
 */
struct ayak_writer *ayak_writer_new(const struct ayak_writer_opts *opts,
				    struct ayak_err *err);
int ayak_writer_write(struct ayak_writer *w, const void *p, size_t n,
		      struct ayak_err *err);
/* p[0..n) followed by "\n". */
int ayak_writer_line(struct ayak_writer *w, const void *p, size_t n,
		     struct ayak_err *err);
/* Push buffered bytes (and a zstd/gzip flush block) to the file. */
int ayak_writer_flush(struct ayak_writer *w, struct ayak_err *err);
/*
 * Finish the stream, flush, close, and rename the temporary file into
 * place.  Frees w whatever happens.  A failed write or close is
 * AYAK_E_SYS.  The same as ayak_writer_finish() then ayak_writer_commit().
 */
int ayak_writer_close(struct ayak_writer *w, struct ayak_err *err);
/*
 * The first half of close: finish the stream, flush, sync and close the
 * file, which keeps its temporary name (and stays removed by
 * ayak_tmp_remove_all()).  On failure w is freed and its file removed;
 * on success w waits for ayak_writer_commit() or ayak_writer_abort(), so
 * that several outputs can be renamed into place only once all are whole.
 */
int ayak_writer_finish(struct ayak_writer *w, struct ayak_err *err);
/* The second half: rename into place.  Frees w whatever happens. */
int ayak_writer_commit(struct ayak_writer *w, struct ayak_err *err);
/* Give up: remove the temporary file, never touch the final name. */
void ayak_writer_abort(struct ayak_writer *w);
/* A whole file of p[0..n) in one call: there whole, or not at all (nor its temporary file). */
int ayak_write_whole(const struct ayak_writer_opts *opts, const void *p, size_t n,
		     struct ayak_err *err);
/* Uncompressed bytes written so far. */
uint64_t ayak_writer_bytes(const struct ayak_writer *w);

#endif
