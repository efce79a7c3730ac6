/*
 * Web archives for ayak-warc: a decompressing byte stream that knows where
 * each gzip member, zstd frame or xz or bzip2 stream starts, a WARC 1.0/1.1 and ARC record
 * reader that reports damaged records with their offsets and resynchronises
 * at the next header, HTTP payloads (chunked transfer encoding, gzip,
 * deflate and zstd content encodings), charsets (HTTP header, meta tag,
 * ICU detection, ICU conversion to UTF-8) and HTML to text.
 *
 * The library never prints and never exits; see ayak.h.
 */
#ifndef AYAK_WARC_H
#define AYAK_WARC_H

#include "ayak.h"

/* ---- byte stream ---- */

/*
 * A decompressed byte stream over one input (plain, gzip with any number of
 * members, zstd with any number of frames, xz or bzip2 with any number of
 * streams; each a "member" below), read through a window:
 * warc_in_fill() makes bytes available without moving the read position,
 * warc_in_consume() moves it.  Corrupt or truncated compressed data stops
 * the stream with an error pending; warc_in_recover() drops what is
 * buffered and restarts at the next gzip member or zstd frame.
 */
struct warc_in;

enum warc_in_state {
	WARC_IN_OK = 0,
	WARC_IN_EOF,		/* the input ended cleanly */
	WARC_IN_ERROR,		/* damaged compressed data; see warc_in_error() */
};

/*
 * "-" is standard input.  AYAK_E_SYS when the file cannot be opened, or
 * read (then err->file is path, or "(stdin)").
 */
struct warc_in *warc_in_open(const char *path, struct ayak_err *err);
void warc_in_free(struct warc_in *s);

/*
 * Make at least want bytes available from the read position, or fewer when
 * the stream stops (end or damage: see warc_in_state()).  Returns the bytes
 * available, or -1 on a system error (read error, out of memory).
 */
long long warc_in_fill(struct warc_in *s, size_t want, struct ayak_err *err);
const char *warc_in_data(const struct warc_in *s);
size_t warc_in_avail(const struct warc_in *s);
void warc_in_consume(struct warc_in *s, size_t n);
int warc_in_state(const struct warc_in *s);
/*
 * The pending error: its message, the offset in the file of the member
 * that failed, and the decompressed offset where that member began.
 */
const char *warc_in_error(const struct warc_in *s, uint64_t *file_offset, uint64_t *offset);
/*
 * After an error: drop the buffered bytes, scan the compressed input for the
 * next member or frame and decode from there.  Returns the compressed bytes
 * skipped, from the damaged member's first byte, or -1 on a system error.
 */
long long warc_in_recover(struct warc_in *s, struct ayak_err *err);

/* Offset in the decompressed stream of the read position. */
uint64_t warc_in_offset(const struct warc_in *s);
/*
 * Offset in the file of the gzip member or zstd frame holding the
 * decompressed byte at uoff (uoff must not be behind the window); for plain
 * input, uoff itself.
 */
uint64_t warc_in_member_at(const struct warc_in *s, uint64_t uoff);
/*
 * Does a gzip member, zstd frame, or xz or bzip2 stream start at a
 * decompressed offset in [from, to] (from not behind the window)?  Never
 * for plain input.
 */
int warc_in_member_starts(const struct warc_in *s, uint64_t from, uint64_t to);
/* Compressed bytes read from the file so far. */
uint64_t warc_in_bytes_read(const struct warc_in *s);
/* Size of the file, 0 when not a regular file. */
uint64_t warc_in_size(const struct warc_in *s);
int warc_in_compressed(const struct warc_in *s);
const char *warc_in_format(const struct warc_in *s);	/* "plain", "gzip", "zstd", "xz", "bzip2" */

/* ---- records ---- */

enum warc_type {
	WARC_T_OTHER = 0,
	WARC_T_WARCINFO,
	WARC_T_RESPONSE,
	WARC_T_RESOURCE,
	WARC_T_REQUEST,
	WARC_T_METADATA,
	WARC_T_REVISIT,
	WARC_T_CONVERSION,
	WARC_T_CONTINUATION,
};

/* A string inside the record's header: not NUL-terminated. */
struct warc_str {
	const char *p;
	size_t n;
};

struct warc_rec {
	int arc;			/* an ARC record, not WARC */
	int type;			/* enum warc_type */
	struct warc_str type_name;	/* WARC-Type as written */
	struct warc_str id;		/* WARC-Record-ID, with its angle brackets */
	struct warc_str url;		/* WARC-Target-URI, angle brackets removed */
	struct warc_str date;		/* WARC-Date, or the ARC date as ISO 8601 */
	struct warc_str ctype;		/* Content-Type of the block */
	struct warc_str lang;		/* WARC-Identified-Content-Language */
	struct warc_str payload_type;	/* WARC-Identified-Payload-Type */
	int truncated;			/* WARC-Truncated present */
	uint64_t length;		/* Content-Length (ARC: the archive length) */
	/*
	 * The block, valid until the next call; NULL when it was larger than
	 * the reader's limit and has been skipped.
	 */
	const char *block;
	size_t block_len;
	/* Where the record starts. */
	uint64_t offset;		/* in the decompressed stream */
	uint64_t file_offset;		/* its gzip member or zstd frame in the file (plain: offset) */
	char date_buf[24];
};

struct warc_reader;

/*
 * A record reader over one input.  Blocks longer than max_block bytes are
 * skipped without being held in memory.
 */
struct warc_reader *warc_reader_new(const char *path, size_t max_block,
				    struct ayak_err *err);
void warc_reader_free(struct warc_reader *r);

/*
 * Next record.  Returns 1 with *rec filled, 0 at the end of the input, or
 * -1 with err set: AYAK_E_SYS (stop), or AYAK_E_DATA for a damaged record
 * or damaged compressed data, reported at *where; calling again resumes at
 * the next record header found after the damage.
 */
struct warc_where {
	uint64_t offset;		/* decompressed stream offset */
	uint64_t file_offset;		/* member in the file (plain: offset) */
	int compressed;
};
int warc_reader_next(struct warc_reader *r, struct warc_rec *rec,
		     struct warc_where *where, struct ayak_err *err);
struct warc_in *warc_reader_stream(struct warc_reader *r);
/* Bytes skipped while looking for the next record after damage. */
uint64_t warc_reader_skipped(const struct warc_reader *r);

/* Case-insensitive lookup of a header field in hdr[0..n) (WARC or HTTP). */
int warc_header_get(const char *hdr, size_t n, const char *name, struct warc_str *val);

/* ---- HTTP payloads ---- */

struct warc_http {
	int status;			/* 0 when there was no status line */
	struct warc_str ctype;		/* Content-Type */
	struct warc_str cenc;		/* Content-Encoding */
	int chunked;			/* Transfer-Encoding: chunked */
	int64_t length;			/* Content-Length, -1 when there is none (or a bad one) */
	const char *body;
	size_t body_len;
};

/*
 * Split an HTTP response (status line, header, body) in block[0..n).
 * -1 when it is not one.
 */
int warc_http_parse(const char *block, size_t n, struct warc_http *h);

enum warc_decode_result {
	WARC_DECODE_OK = 0,
	WARC_DECODE_PARTIAL,		/* truncated or damaged: out holds what decoded */
					/* (a body shorter than its Content-Length too) */
	WARC_DECODE_FAILED,		/* nothing could be decoded */
	WARC_DECODE_UNSUPPORTED,	/* an encoding we cannot decode (br, compress) */
};

/*
 * Undo the transfer and content encodings of h's body into out (replacing
 * it), producing at most max bytes.  When the body needs no decoding, out
 * is left alone and *body, *len point at h's body.  Returns enum
 * warc_decode_result, or -1 when out of memory.
 */
struct warc_decoder;
struct warc_decoder *warc_decoder_new(void);
void warc_decoder_free(struct warc_decoder *d);
int warc_http_decode(struct warc_decoder *d, const struct warc_http *h, size_t max,
		     struct ayak_buf *out, const char **body, size_t *len);
/* Decode chunked transfer encoding only.  Same returns. */
int warc_dechunk(const char *p, size_t n, struct ayak_buf *out);

/* ---- MIME types ---- */

/* The media type of a Content-Type value: lowercased, without parameters, into out[cap]. */
size_t warc_mime(const char *ctype, size_t n, char *out, size_t cap);
/* The charset parameter of a Content-Type value, or an empty string. */
struct warc_str warc_ctype_charset(const char *ctype, size_t n);
/* Guess text/html for payloads that start like HTML. */
int warc_sniff_html(const char *p, size_t n);

/* ---- charsets ---- */

struct warc_charset;

struct warc_charset *warc_charset_new(void);
void warc_charset_free(struct warc_charset *cs);

enum warc_charset_source {
	WARC_CS_BOM = 1,
	WARC_CS_HEADER,			/* the HTTP Content-Type */
	WARC_CS_META,			/* <meta charset> or http-equiv */
	WARC_CS_VALID_UTF8,		/* undeclared, valid UTF-8 */
	WARC_CS_DETECTED,		/* ICU charset detection */
	WARC_CS_DEFAULT,		/* nothing to go on: windows-1252 */
};

struct warc_charset_info {
	int source;			/* enum warc_charset_source */
	char name[40];			/* the charset used, as ICU names it */
	size_t replaced;		/* characters replaced by U+FFFD */
};

/*
 * Convert p[0..n) to UTF-8 into out (replacing it).  declared is the
 * charset from the HTTP header (may be empty); html asks for the <meta>
 * prescan.  Ill-formed input becomes U+FFFD.  When the input is valid
 * UTF-8 already, out is left alone and *text points at p.  0, or -1 with
 * err set (AYAK_E_SYS: out of memory or an ICU failure).
 */
int warc_to_utf8(struct warc_charset *cs, const char *p, size_t n,
		 struct warc_str declared, int html, struct ayak_buf *out,
		 const char **text, size_t *len, struct warc_charset_info *info,
		 struct ayak_err *err);
/*
 * The charset named by an HTML <meta> tag in the first 1024 bytes of p, as
 * the HTML standard's prescan finds it.  Empty when there is none.
 */
struct warc_str warc_meta_charset(const char *p, size_t n);

/* ---- HTML to text ---- */

struct warc_html;

enum {
	WARC_HTML_KEEP_BOILERPLATE = 1,	/* no main-content extraction */
};

struct warc_html *warc_html_new(void);
void warc_html_free(struct warc_html *h);

struct warc_html_stats {
	size_t blocks, blocks_dropped;	/* text blocks found, and dropped as boilerplate */
	size_t chars, chars_dropped;
};

/*
 * Text of the UTF-8 HTML document p[0..n), appended to out: scripts,
 * styles, comments, templates and other non-text elements dropped, block
 * elements on lines of their own, character references decoded, white
 * space collapsed outside <pre>.  Unless flags has
 * WARC_HTML_KEEP_BOILERPLATE, navigation, headers, footers, asides,
 * link-dense blocks and cookie banners are dropped, and when the page
 * marks its main content (<main>, role=main, <article>) only that is
 * kept.  -1 when out of memory.
 */
int warc_html_text(struct warc_html *h, const char *p, size_t n, unsigned flags,
		   struct ayak_buf *out, struct warc_html_stats *st);

/*
 * Decode the character reference at p[0..n) (p[0] is '&').  Writes the
 * UTF-8 of what it stands for into out[8] and returns the bytes of input
 * it takes, or 0 when p does not start a reference.  in_attr applies the
 * attribute rule for references without a semicolon.
 */
size_t warc_html_charref(const char *p, size_t n, int in_attr, char *out, size_t *out_len);

#endif
