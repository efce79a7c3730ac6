/*
 * libayak: the library every ayak program stands on.
 *
 * Rules of the library: it never prints and never exits.  Functions that
 * can fail take a struct ayak_err and return -1 (or NULL) after filling it;
 * the caller (a program's main) decides what to print and how to exit.
 * Ownership verbs follow git: _init/_release for structs the caller owns,
 * _new/_free for opaque objects the library allocates.
 */
#ifndef AYAK_H
#define AYAK_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define AYAK_VERSION "0.1.0"

/* Error codes double as the programs' exit statuses (see ayak(7)). */
enum ayak_code {
	AYAK_OK = 0,
	AYAK_E_DATA = 1,	/* bad input data */
	AYAK_E_USAGE = 2,	/* bad command line */
	AYAK_E_SYS = 3,		/* system or I/O error */
};

struct ayak_err {
	int code;		/* enum ayak_code */
	const char *file;	/* input name, or NULL */
	uint64_t line;		/* 1-based line, 0 when not about a line */
	size_t col;		/* 1-based byte column within the line, 0 if none */
	char msg[512];
};

/* Fill err and return -1, so that callers can `return ayak_err_set(...)`. */
int ayak_err_set(struct ayak_err *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Like ayak_err_set, appending ": strerror(errnum)". */
int ayak_err_sys(struct ayak_err *err, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void ayak_err_clear(struct ayak_err *err);

/* ---- growable byte buffer ---- */

struct ayak_buf {
	char *data;
	size_t len;
	size_t cap;
	/*
	 * Growing failed (ENOMEM) since the last reset: for code that makes a
	 * text of many appends and checks once at the end.
	 */
	int failed;
};

#define AYAK_BUF_INIT { NULL, 0, 0, 0 }

void ayak_buf_init(struct ayak_buf *b);
void ayak_buf_release(struct ayak_buf *b);
/* Make room for at least `more` bytes past len.  Returns 0, or -1 (ENOMEM) and sets failed. */
int ayak_buf_grow(struct ayak_buf *b, size_t more);
/* The slow path of ayak_buf_add(), when b must grow. */
int ayak_buf_add_grow(struct ayak_buf *b, const void *p, size_t n);
/* Append n bytes.  Returns 0 or -1 (ENOMEM).  Inline: records are built from many small pieces. */
static inline int ayak_buf_add(struct ayak_buf *b, const void *p, size_t n)
{
	if (n < b->cap - b->len) {	/* room for them and a NUL */
		if (n)	/* p may be NULL then */
			memcpy(b->data + b->len, p, n);
		b->len += n;
		return 0;
	}
	return ayak_buf_add_grow(b, p, n);
}
static inline int ayak_buf_addstr(struct ayak_buf *b, const char *s)
{
	return ayak_buf_add(b, s, strlen(s));
}
int ayak_buf_addf(struct ayak_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static inline void ayak_buf_reset(struct ayak_buf *b) { b->len = 0; b->failed = 0; }

/*
 * x in [0, 1] with four decimals, as printf's "%.4f" writes it ("0.1235"),
 * into out with a NUL; returns 6.  Out of range and NaN are clamped to 0 or 1.
 */
size_t ayak_fmt_unit4(char out[7], double x);

/* Room for any finite double as ayak_fmt_decimal() writes it (5e-324: "0.", 323 zeros, "5"). */
#define AYAK_DECIMAL_MAX 344
/*
 * A finite x as a plain decimal, no exponent ("0.00001", not "1e-05", the
 * form the number options read), with the fewest digits that read back as
 * x (whole numbers under 1e15 as such); into out with a NUL, returns its
 * length.
 */
size_t ayak_fmt_decimal(char out[AYAK_DECIMAL_MAX], double x);

/*
 * Grow an array v of *cap elements of elem bytes to hold at least need:
 * the capacity doubles (from `first` when empty).  Returns the array,
 * moved or not, and sets *cap; or NULL, with v and *cap as they were,
 * when memory runs out or the size would overflow.
 */
void *ayak_grow(void *v, size_t *cap, size_t need, size_t elem, size_t first);

/* ---- UTF-8 ---- */

/*
 * Decode one scalar value at p (p < end).  Returns its length in bytes (1-4)
 * and stores it in *cp, or returns 0 if the bytes at p are not well-formed
 * UTF-8 (overlong forms, surrogates and values above U+10FFFF are not).
 */
int ayak_utf8_decode(const unsigned char *p, const unsigned char *end, uint32_t *cp);
/*
 * The same, with the well-formed two- and three-byte sequences (accented
 * Latin, Cyrillic, Arabic; Indic scripts, Thai, Chinese) decoded inline:
 * for the hot loops.  E0 and ED, whose second bytes are restricted (no
 * overlongs, no surrogates), and the rest are left to ayak_utf8_decode().
 */
static inline int ayak_utf8_decode_fast(const unsigned char *p, const unsigned char *end,
					uint32_t *cp)
{
	if (p[0] >= 0xC2 && p[0] < 0xE0 && end - p >= 2 && (p[1] & 0xC0) == 0x80) {
		*cp = ((p[0] & 0x1Fu) << 6) | (p[1] & 0x3Fu);
		return 2;
	}
	if (p[0] > 0xE0 && p[0] < 0xF0 && p[0] != 0xED && end - p >= 3 &&
	    (p[1] & 0xC0) == 0x80 && (p[2] & 0xC0) == 0x80) {
		*cp = ((p[0] & 0x0Fu) << 12) | ((p[1] & 0x3Fu) << 6) | (p[2] & 0x3Fu);
		return 3;
	}
	return ayak_utf8_decode(p, end, cp);
}
/* Encode cp (must be a scalar value) into out[4]; returns the length. */
int ayak_utf8_encode(uint32_t cp, char *out);
/* Length of the longest valid UTF-8 prefix of p[0..n). n when all valid. */
size_t ayak_utf8_valid_prefix(const char *p, size_t n);
/*
 * Append p[0..n) to out with every ill-formed sequence replaced by U+FFFD
 * (one per maximal ill-formed subpart, as Unicode recommends).  Adds the
 * number of replacements to *nrepl when nrepl is not NULL.
 */
int ayak_utf8_repair(const char *p, size_t n, struct ayak_buf *out, size_t *nrepl);

/* ---- Jawi ---- */

/*
 * Jawi (Malay in Arabic script) by its letters: the rule ayak-lid and
 * ayak-norm --jawi-to-rumi share.  ayak_jawi_letter() weighs a letter: 2
 * for those no other language written in Arabic script here has (nga,
 * ga and nya in both their forms, va), 1 for pa (also Kurdish ve and the
 * v of a loanword in Arabic), else 0.  ayak_jawi_by_letters(): is a text
 * of letters Arabic-script letters, whose Jawi letters weigh w, Jawi?
 * When w is one in 25 of its letters or more, and 2 at least unless the
 * text has fewer than 25 (a heading: one pa is all there is).
 */
static inline int ayak_jawi_letter(uint32_t cp)
{
	switch (cp) {
	case 0x06a0:	/* ڠ nga */
	case 0x0762:	/* ݢ ga */
	case 0x06ac:	/* ڬ ga (older form) */
	case 0x06bd:	/* ڽ nya */
	case 0x06d1:	/* ۑ nya (as some type it; Pegon's) */
	case 0x06cf:	/* ۏ va */
		return 2;
	case 0x06a4:	/* ڤ pa: also Kurdish ve, and Arabic's v in a loanword */
		return 1;
	}
	return 0;
}
static inline int ayak_jawi_by_letters(size_t w, size_t letters)
{
	return w && w * 25 >= letters && (w >= 2 || letters < 25);
}

/* ---- misc ---- */

/* Why a size or a count is refused: what ayak_parse_size() and ayak_parse_count() return. */
enum {
	AYAK_SIZE_SYNTAX = -1,		/* not digits first, or a point with no digit after */
	AYAK_SIZE_UNIT = -2,		/* something after the number that is no unit */
	AYAK_SIZE_FRACTION = -3,	/* a fraction of a byte, or of a count */
	AYAK_SIZE_RANGE = -4,		/* over 2^64 - 1 */
};
/* "64M", "1.5G", "4096", "10k": bytes, with binary multiples.  0, or AYAK_SIZE_* if bad. */
int ayak_parse_size(const char *s, uint64_t *out);
/*
 * "100M", "1.5K", "2500": a count (of tokens), K, M, G and T powers of
 * 1000, no B.  0, or AYAK_SIZE_* if bad (AYAK_SIZE_FRACTION when it is not
 * whole: "1.0005K").
 */
int ayak_parse_count(const char *s, uint64_t *out);
/* What an AYAK_SIZE_* says, for a message: "has an unknown unit". */
const char *ayak_size_problem(int code);
/* Non-negative decimal integer. -1 if bad or out of range. */
int ayak_parse_u64(const char *s, uint64_t *out);
/*
 * A non-negative number written plainly, "0.25" or "3": digits, then a point
 * and digits if any; no sign, exponent, space, hex, inf or nan (which strtod
 * takes), and no point without a digit on each side.  -1 if bad.
 */
int ayak_parse_decimal(const char *s, double *out);
double ayak_now(void);		/* monotonic seconds */

/*
 * The whole text file at path into out (replacing what it held), less a
 * UTF-8 byte-order mark at its start.  When it cannot be opened, errno
 * says why.
 */
int ayak_read_file(const char *path, struct ayak_buf *out, struct ayak_err *err);
/*
 * 0 when text[0..len), read from path, is well-formed UTF-8 without NUL
 * bytes; else -1 with err (code) saying "PATH:LINE: invalid UTF-8" or
 * "PATH:LINE: NUL byte" for the first bad line.  For lexicon loaders,
 * whose entries would otherwise reach the output unchecked.
 */
int ayak_text_check(const char *path, const char *text, size_t len, int code,
		    struct ayak_err *err);
/*
 * The next line of text[0..len) from *pos, without its "\n" or "\r\n":
 * 1 with *line and *n set and *pos moved past it, 0 at the end.
 */
int ayak_next_line(const char *text, size_t len, size_t *pos, const char **line, size_t *n);

/*
 * Temporary files (outputs not yet renamed into place) that a program
 * ending early, by an error or a signal, removes with
 * ayak_tmp_remove_all().  ayak_tmp_create() is mkostemp(tmpl, flags)
 * that also tracks tmpl, with no signal between the two; it keeps the
 * pointer, not a copy, so tmpl must live until ayak_tmp_forget(tmpl).
 * -1 and ENOMEM, nothing made, when the tracking is out of memory.
 */
int ayak_tmp_create(char *tmpl, int flags);
void ayak_tmp_forget(const char *path);
/*
 * A new file (mode 0666 less the umask) in the directory of tmpl, a
 * "...XXXXXX" template, that has no name until ayak_tmp_link():
 * O_TMPFILE, so that a run killed even by SIGKILL leaves nothing behind.
 * Whether it can be named through /proc is tried before it is returned,
 * without giving it a name.  -1 where the file system or a missing /proc
 * does not allow it, or AYAK_NO_TMPFILE is set; ayak_tmp_create() is the
 * fallback.
 */
int ayak_tmp_anon(const char *tmpl, int flags);
/*
 * Give fd, from ayak_tmp_anon(), the name path, replacing what is there:
 * linked under tmpl (which it fills) and renamed, with no signal between
 * the two.  0, or -1 and errno.
 */
int ayak_tmp_link(int fd, char *tmpl, const char *path);
/*
 * The temporary file of an output: ayak_tmp_anon()'s, *anon set, or where
 * that cannot be, ayak_tmp_create()'s under tmpl, with the same mode.  It
 * goes in place as path with ayak_tmp_commit() (linked, or renamed and no
 * longer tracked; on failure nothing is left, errno set), or away with
 * ayak_tmp_discard() (a nameless one needs only its descriptor closed).
 */
int ayak_tmp_open(char *tmpl, int flags, int *anon);
int ayak_tmp_commit(int fd, int anon, char *tmpl, const char *path);
void ayak_tmp_discard(const char *tmpl, int anon);
/*
 * A directory whose every entry is a temporary output (ayak-pack's stage
 * of shards): ayak_tmp_remove_all() empties and removes it too.  One at
 * a time; the pointer is kept, as ayak_tmp_create()'s; NULL forgets it.
 */
void ayak_tmp_dir(const char *path);
/*
 * Unlink every entry of the directory open as fd, adding to *files and
 * *bytes (either may be NULL) for each; 0, or -1 if one could not be.
 * System calls only (getdents64, not readdir): async-signal-safe.
 */
int ayak_dir_empty(int fd, uint64_t *files, uint64_t *bytes);
/* unlink() every tracked file, and empty and remove the tracked directory; async-signal-safe. */
void ayak_tmp_remove_all(void);

/*
 * The name a file written to path ends up under: path itself, or, when
 * path is a symbolic link, its target, followed through a chain of links
 * (each relative one from its own link's directory) to the first name
 * that is not a link, whether or not that exists.  malloc'd; NULL with
 * errno ELOOP after 40 links, ENOMEM, or readlink's error.
 */
char *ayak_link_target(const char *path);

/*
 * Numbered outputs (ayak-cat --split, ayak-pack --shard-tokens) are named
 * PREFIX-NNNNN SUFFIX: five digits, so that their names sort as they are
 * numbered, and so at most AYAK_SHARDS_MAX of them.
 */
#define AYAK_SHARDS_MAX 100000
/*
 * Remove PREFIX-NNNNN SUFFIX from number first up to the first number with
 * no such file: what an earlier, larger run left under the same names.
 * 0, or -1 with err set (a file that could not be removed).
 */
int ayak_remove_numbered(const char *prefix, const char *suffix, unsigned first,
			 struct ayak_err *err);

/*
 * The host of a URL, as it stands in url (not lower-cased): after
 * "scheme://" or "//", without user, port or final dots; [v6] with its
 * brackets.  Without either, the first segment is a host when bare is
 * set (a blocklist line: "example.com", "localhost"), else only when it
 * reads as one ("example.com/a", "localhost:8080"; not "a/b").  NULL
 * when there is none (also "mailto:", "data:"); *n is its length.
 */
const char *ayak_url_host(const char *url, size_t len, int bare, size_t *n);

/*
 * The host of a URL (ayak_url_host), appended to out in lower case (every
 * code point, u_tolower: "ÉCOLE" is "école"; ASCII on a fast path) and
 * with percent-escapes decoded, as a browser reads it before it
 * looks the name up: "http://%65vil.example/" gives evil.example.  A host
 * with an escape of a byte no host may hold ("%2F", "%00") is appended as
 * written.  Nothing is appended when there is none; -1 when out of memory.
 */
int ayak_url_host_lower(const char *url, size_t len, int bare, struct ayak_buf *out);

/* The value of a hexadecimal digit, or -1. */
int ayak_hex_digit(int c);

/*
 * Make the directories of path (all but its last component), as mkdir -p
 * would; path is changed while it runs and given back as it was.  *made (when
 * not NULL) is the length of the first directory it made, 0 when none, also
 * after a failure (so that the caller can remove them).  Returns 0, or -1
 * with errno set and *failed (when not NULL) the length of the directory that
 * could not be made.
 */
int ayak_mkdirs_for(char *path, size_t *made, size_t *failed);

/*
 * Versions of the libraries ayak is built on, for -V:
 * "ICU 72.1, PCRE2 10.42, zstd 1.5.4, ..." written into out.
 */
void ayak_library_versions(char *out, size_t n);

/*
 * Lexicon directory, found in this order: $AYAK_LEXICONS; the lexicons/
 * directory next to the build tree (bin/../lexicons); an installed
 * share/ayak beside the program (bin/../share/ayak); the compiled-in
 * AYAK_DATADIR.  Returns NULL with err set when none exists.
 */
const char *ayak_lexicon_dir(struct ayak_err *err);
/* Full path of one lexicon file in that directory; NULL with err set. */
int ayak_lexicon_path(const char *name, struct ayak_buf *path, struct ayak_err *err);
/* The version line of lexicons/VERSION, or "unknown". */
const char *ayak_lexicon_version(void);

#endif
