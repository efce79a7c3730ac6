/*
 * WARC (1.0, 1.1, and the 0.17/0.18 drafts) and ARC (versions 1 and 2)
 * records over a warc_in stream.
 *
 * A record is accepted only when what follows its block is what should:
 * line ends, then the next header or the end of the input.  Anything else
 * means a wrong Content-Length (or damage), and the record is reported
 * with its offset and dropped; reading goes on at the next line that
 * starts with "WARC/1." (for ARC, the next line that parses as an ARC
 * header), searched from just after the damaged record's first byte, so
 * a record swallowed by a too-long Content-Length is found again.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "warc.h"

#define HEADER_MAX (1u << 20)	/* a record header longer than this is damage */
#define ARC_LINE_MAX (64u << 10)
#define TAIL_KEEP (64u << 10)	/* end of a skipped block kept for resynchronising */

enum { KIND_UNKNOWN, KIND_WARC, KIND_ARC };

struct warc_reader {
	struct warc_in *in;
	size_t max_block;
	int kind;
	int arc_version;
	size_t pending;		/* bytes of the last record, consumed on the next call */
	int resync;		/* look for the next header first */
	size_t resync_skip;	/* bytes at the read position that cannot start it */
	int resync_bol;		/* the read position counts as a line start */
	uint64_t skipped;
	uint64_t damaged_member;	/* member of the record just reported damaged, or UINT64_MAX */
	struct ayak_buf hdr;	/* header copy for records whose block is skipped */
	struct ayak_buf fold;	/* values of folded header fields, joined */
};

struct warc_reader *warc_reader_new(const char *path, size_t max_block, struct ayak_err *err)
{
	struct warc_reader *r = calloc(1, sizeof(*r));

	if (!r) {
		ayak_err_set(err, AYAK_E_SYS, "out of memory");
		return NULL;
	}
	r->in = warc_in_open(path, err);
	if (!r->in) {
		free(r);
		return NULL;
	}
	r->max_block = max_block;
	r->arc_version = 1;
	r->damaged_member = UINT64_MAX;
	return r;
}

void warc_reader_free(struct warc_reader *r)
{
	if (!r)
		return;
	warc_in_free(r->in);
	ayak_buf_release(&r->hdr);
	ayak_buf_release(&r->fold);
	free(r);
}

struct warc_in *warc_reader_stream(struct warc_reader *r)
{
	return r->in;
}

uint64_t warc_reader_skipped(const struct warc_reader *r)
{
	return r->skipped;
}

/* ---- helpers ---- */

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static int ieq(const char *a, size_t n, const char *b)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!b[i] || lower((unsigned char)a[i]) != lower((unsigned char)b[i]))
			return 0;
	return b[n] == 0;
}

static int is_warc_magic(const char *p, size_t n)
{
	return n >= 7 && !memcmp(p, "WARC/", 5) &&
	       ((p[5] == '1' && p[6] == '.') || (p[5] == '0' && p[6] == '.'));
}

static struct warc_str trim(const char *p, size_t n)
{
	struct warc_str s;

	while (n && (*p == ' ' || *p == '\t')) {
		p++;
		n--;
	}
	while (n && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\r'))
		n--;
	s.p = p;
	s.n = n;
	return s;
}

static int parse_len(struct warc_str s, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (!s.n || s.n > 18)
		return -1;
	for (i = 0; i < s.n; i++) {
		if (s.p[i] < '0' || s.p[i] > '9')
			return -1;
		v = v * 10 + (uint64_t)(s.p[i] - '0');
	}
	*out = v;
	return 0;
}

int warc_header_get(const char *hdr, size_t n, const char *name, struct warc_str *val)
{
	const char *p = hdr, *end = hdr + n;
	size_t nlen = strlen(name);
	int found = 0;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		const char *colon = memchr(p, ':', (size_t)(le - p));

		if (colon && (size_t)(colon - p) == nlen && ieq(p, nlen, name)) {
			/* The first one counts; continuation lines are not joined. */
			*val = trim(colon + 1, (size_t)(le - colon - 1));
			found = 1;
			break;
		}
		p = nl ? nl + 1 : end;
	}
	return found;
}

/* End of the header block starting at p: offset after the blank line, or 0. */
static size_t header_end(const char *p, size_t n, size_t *scan)
{
	size_t i = *scan;

	while (i < n) {
		const char *nl = memchr(p + i, '\n', n - i);

		if (!nl)
			break;
		i = (size_t)(nl - p) + 1;
		if (i < n && p[i] == '\n')
			return i + 1;
		if (i + 1 < n && p[i] == '\r' && p[i + 1] == '\n')
			return i + 2;
		if (i + 1 >= n) {
			/* Cannot tell yet: rescan this line end next time. */
			i = (size_t)(nl - p);
			break;
		}
	}
	*scan = i;
	return 0;
}

static int type_of(struct warc_str t)
{
	static const struct {
		const char *name;
		int type;
	} types[] = {
		{ "warcinfo", WARC_T_WARCINFO }, { "response", WARC_T_RESPONSE },
		{ "resource", WARC_T_RESOURCE }, { "request", WARC_T_REQUEST },
		{ "metadata", WARC_T_METADATA }, { "revisit", WARC_T_REVISIT },
		{ "conversion", WARC_T_CONVERSION }, { "continuation", WARC_T_CONTINUATION },
	};
	size_t i;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (ieq(t.p, t.n, types[i].name))
			return types[i].type;
	return WARC_T_OTHER;
}

/*
 * Fill rec's fields from a WARC header at h[0..n).  A field folded over
 * several lines (continuation lines start with a space or a tab, as WARC
 * 1.0 and 1.1 allow after RFC 2616) is joined into fold, each fold one
 * space.  -1 without a usable Content-Length, -2 when out of memory.
 */
static int parse_warc_header(const char *h, size_t n, struct warc_rec *rec, const char **why,
			     struct ayak_buf *fold)
{
	const char *p = h, *end = h + n;
	int have_len = 0;

	/* Room for every joined value at once (they are shorter than the header), so none moves. */
	ayak_buf_reset(fold);
	if (ayak_buf_grow(fold, n))
		return -2;

	/* The version line. */
	p = memchr(p, '\n', n);
	p = p ? p + 1 : end;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		const char *colon = memchr(p, ':', (size_t)(le - p));
		size_t k;
		struct warc_str v;

		if (!colon || *p == ' ' || *p == '\t') {
			p = nl ? nl + 1 : end;
			continue;
		}
		k = (size_t)(colon - p);
		v = trim(colon + 1, (size_t)(le - colon - 1));
		if (nl && nl + 1 < end && (nl[1] == ' ' || nl[1] == '\t')) {
			size_t start = fold->len;

			ayak_buf_add(fold, v.p, v.n);
			while (nl && nl + 1 < end && (nl[1] == ' ' || nl[1] == '\t')) {
				const char *q = nl + 1;
				struct warc_str more;

				nl = memchr(q, '\n', (size_t)(end - q));
				more = trim(q, (size_t)((nl ? nl : end) - q));
				if (!more.n)
					continue;
				if (fold->len > start)
					ayak_buf_add(fold, " ", 1);
				ayak_buf_add(fold, more.p, more.n);
			}
			v.p = fold->data + start;
			v.n = fold->len - start;
		}
		switch (lower((unsigned char)*p)) {
		case 'c':
			if (ieq(p, k, "Content-Length")) {
				if (parse_len(v, &rec->length)) {
					*why = "bad Content-Length";
					return -1;
				}
				have_len = 1;
			} else if (ieq(p, k, "Content-Type"))
				rec->ctype = v;
			break;
		case 'w':
			if (k < 6)
				break;
			if (ieq(p, k, "WARC-Type"))
				rec->type_name = v;
			else if (ieq(p, k, "WARC-Record-ID"))
				rec->id = v;
			else if (ieq(p, k, "WARC-Target-URI"))
				rec->url = v;
			else if (ieq(p, k, "WARC-Date"))
				rec->date = v;
			else if (ieq(p, k, "WARC-Identified-Content-Language"))
				rec->lang = v;
			else if (ieq(p, k, "WARC-Identified-Payload-Type"))
				rec->payload_type = v;
			else if (ieq(p, k, "WARC-Truncated"))
				rec->truncated = 1;
			break;
		}
		p = nl ? nl + 1 : end;
	}
	if (!have_len) {
		*why = "no Content-Length";
		return -1;
	}
	/* wget writes <uri>: WARC 1.0's grammar, not 1.1's. */
	if (rec->url.n >= 2 && rec->url.p[0] == '<' && rec->url.p[rec->url.n - 1] == '>') {
		rec->url.p++;
		rec->url.n -= 2;
	}
	rec->type = type_of(rec->type_name);
	return 0;
}

/*
 * Parse an ARC header line l[0..n) (without its newline): the URL (which
 * may hold spaces), IP address, date, content type, and for version 2
 * result code, checksum, location, offset and file name, then the length.
 */
static int parse_arc_line(const char *l, size_t n, int version, struct warc_rec *rec)
{
	const char *tok[10];
	size_t tlen[10], want = version == 2 ? 9 : 4, k = 0;
	const char *e = l + n;

	while (n && (l[n - 1] == '\r' || l[n - 1] == ' '))
		n--;
	e = l + n;
	/* Tokens from the right. */
	while (k < want + 1 && e > l) {
		const char *s = e;

		while (s > l && s[-1] != ' ')
			s--;
		tok[k] = s;
		tlen[k] = (size_t)(e - s);
		k++;
		e = s;
		while (e > l && e[-1] == ' ')
			e--;
		if (k == want)
			break;
	}
	if (k != want || e <= l)
		return -1;
	/* tok[0] is the length, tok[want-1] the IP address; the URL is the rest. */
	if (parse_len((struct warc_str){ tok[0], tlen[0] }, &rec->length))
		return -1;
	rec->url.p = l;
	rec->url.n = (size_t)(e - l);
	if (!memchr(rec->url.p, ':', rec->url.n))
		return -1;
	{
		const char *d = tok[want - 2];
		size_t dn = tlen[want - 2], i;

		for (i = 0; i < dn && d[i] >= '0' && d[i] <= '9'; i++)
			;
		if (i == dn && dn >= 14) {
			snprintf(rec->date_buf, sizeof(rec->date_buf),
				 "%.4s-%.2s-%.2sT%.2s:%.2s:%.2sZ", d, d + 4, d + 6, d + 8, d + 10,
				 d + 12);
			rec->date.p = rec->date_buf;
			rec->date.n = 20;
		}
	}
	rec->payload_type.p = tok[want - 3];
	rec->payload_type.n = tlen[want - 3];
	return 0;
}

/* Does a valid ARC header line start at p[0..n)? (needs the whole line) */
static int arc_line_at(const char *p, size_t n, int version)
{
	struct warc_rec tmp;
	const char *nl = memchr(p, '\n', n);

	if (!nl)
		return 0;
	memset(&tmp, 0, sizeof(tmp));
	return parse_arc_line(p, (size_t)(nl - p), version, &tmp) == 0;
}

static void where_at(struct warc_reader *r, uint64_t uoff, struct warc_where *w)
{
	w->offset = uoff;
	w->file_offset = warc_in_member_at(r->in, uoff);
	w->compressed = warc_in_compressed(r->in);
}

/*
 * Report the stream's pending error and restart after it.  rec is the
 * offset of the record the damage cut, or UINT64_MAX between records.
 * -2 (nothing to report, read on) when the damage is in the member of the
 * record just reported damaged: one damage, one report.
 */
static int stream_failure(struct warc_reader *r, uint64_t rec, struct warc_where *w,
			  struct ayak_err *err)
{
	uint64_t coff, uoff;
	const char *msg = warc_in_error(r->in, &coff, &uoff);
	long long skipped;
	int silent = rec == UINT64_MAX && coff == r->damaged_member;

	r->damaged_member = UINT64_MAX;
	if (rec != UINT64_MAX) {
		/* The record that is lost, where it starts: not the start of one long stream. */
		where_at(r, rec, w);
	} else {
		/* What was read before the damage was delivered: it is not the damage. */
		w->offset = uoff > warc_in_offset(r->in) ? uoff : warc_in_offset(r->in);
		w->file_offset = coff;
	}
	w->compressed = 1;
	ayak_err_set(err, AYAK_E_DATA, "%s", msg);
	skipped = warc_in_recover(r->in, NULL);
	if (skipped > 0)
		r->skipped += (uint64_t)skipped;
	r->resync = 1;
	r->resync_skip = 0;
	r->resync_bol = 1;
	return silent ? -2 : -1;
}

/*
 * The bytes at the read position are not a record header: are they what a
 * damaged member's decoder handed out before it found the damage?  They
 * are when the member they are in fails before any line that starts a
 * WARC header (looked for up to HEADER_MAX bytes ahead): then that damage
 * is what to report.  1 yes, 0 no, -1 on a system error.
 */
static int garbage_of_damage(struct warc_reader *r, struct ayak_err *err)
{
	long long got;
	uint64_t coff;
	const char *d, *p;

	if (!warc_in_compressed(r->in) || r->kind == KIND_ARC)
		return 0;
	got = warc_in_fill(r->in, HEADER_MAX, err);
	if (got < 0)
		return -1;
	if (warc_in_state(r->in) != WARC_IN_ERROR)
		return 0;
	warc_in_error(r->in, &coff, NULL);
	if (coff != warc_in_member_at(r->in, warc_in_offset(r->in)))
		return 0;
	d = warc_in_data(r->in);
	for (p = d; (p = memchr(p, '\n', (size_t)(d + got - p))); p++)
		if (is_warc_magic(p + 1, (size_t)(d + got - p - 1)))
			return 0;
	return 1;
}

/* A damaged record at uoff: report it and look for the next header after its first byte. */
static int damaged(struct warc_reader *r, uint64_t uoff, struct warc_where *w,
		   struct ayak_err *err, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static int damaged(struct warc_reader *r, uint64_t uoff, struct warc_where *w,
		   struct ayak_err *err, const char *fmt, ...)
{
	va_list ap;

	where_at(r, uoff, w);
	r->damaged_member = w->compressed ? w->file_offset : UINT64_MAX;
	err->code = AYAK_E_DATA;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	r->resync = 1;
	r->resync_skip = uoff >= warc_in_offset(r->in) ? (size_t)(uoff - warc_in_offset(r->in)) + 1 : 0;
	r->resync_bol = 0;
	return -1;
}

/* Does a record header start at p (the whole candidate line is in p[0..n) unless eof)? */
static int header_at(struct warc_reader *r, const char *p, size_t n)
{
	if (r->kind == KIND_ARC)
		return arc_line_at(p, n, r->arc_version) ||
		       (n >= 11 && !memcmp(p, "filedesc://", 11));
	return is_warc_magic(p, n);
}

/*
 * Skip to the next line that starts a record header.  0 when found (at the
 * read position), 1 at the end of the input, -1 on a system error.
 */
static int resync(struct warc_reader *r, struct ayak_err *err)
{
	size_t from = r->resync_skip, need = r->kind == KIND_ARC ? ARC_LINE_MAX : 8;
	int bol = r->resync_bol;

	r->resync = 0;
	for (;;) {
		long long got = warc_in_fill(r->in, from + need + (64u << 10), err);
		const char *d = warc_in_data(r->in);
		size_t avail, p = from;
		int more;

		if (got < 0)
			return -1;
		avail = (size_t)got;
		more = warc_in_state(r->in) == WARC_IN_OK;
		while (p < avail) {
			size_t cand;

			if (p == 0 ? bol : d[p - 1] == '\n')
				cand = p;
			else {
				const char *nl = memchr(d + p, '\n', avail - p);

				if (!nl) {
					p = avail;
					break;
				}
				cand = (size_t)(nl - d) + 1;
			}
			if (cand >= avail || (avail - cand < need && more)) {
				p = cand;	/* decide with more bytes */
				break;
			}
			if (header_at(r, d + cand, avail - cand)) {
				warc_in_consume(r->in, cand);
				r->skipped += cand;
				return 0;
			}
			p = cand + 1;
		}
		if (!more) {
			warc_in_consume(r->in, avail);
			r->skipped += avail;
			return 1;
		}
		if (p > avail)
			p = avail;
		if (p > 0) {
			bol = d[p - 1] == '\n';
			warc_in_consume(r->in, p);
			r->skipped += p;
		}
		from = 0;
	}
}

/*
 * What follows a block that ends at d[pos]: line ends, then the next header
 * or the end, of the input or of a compressed member (the record is whole
 * in the members before, whatever the next one holds: a damaged member's
 * decoder hands out garbage before it finds the damage).  Returns the
 * offset of the next record (after the line ends), or 0 when something
 * else follows, -2 when the compressed data stops with damage in a member
 * that holds part of the block (its check failed or it was cut short: the
 * block cannot be trusted), or -1 on a system error.  On success d may
 * have moved: callers refetch it.
 */
static long long after_block(struct warc_reader *r, size_t pos, struct ayak_err *err)
{
	size_t need = r->kind == KIND_ARC ? ARC_LINE_MAX : 8;
	uint64_t block_end = warc_in_offset(r->in) + pos;

	for (;;) {
		long long got = warc_in_fill(r->in, pos + 1, err);
		const char *d = warc_in_data(r->in);

		if (got < 0)
			return -1;
		if ((size_t)got <= pos) {
			uint64_t member;

			if (warc_in_state(r->in) == WARC_IN_ERROR &&
			    (warc_in_error(r->in, NULL, &member), member < block_end))
				return -2;
			return (long long)pos;	/* the end (or damage after this record) */
		}
		if (d[pos] == '\r' || d[pos] == '\n') {
			pos++;
			continue;
		}
		got = warc_in_fill(r->in, pos + need, err);
		if (got < 0)
			return -1;
		d = warc_in_data(r->in);
		if (header_at(r, d + pos, (size_t)got - pos) ||
		    warc_in_member_starts(r->in, block_end, warc_in_offset(r->in) + pos))
			return (long long)pos;
		return 0;
	}
}

/* The first record decides between WARC and ARC. */
static int sniff_kind(struct warc_reader *r, const char *d, size_t n)
{
	if (is_warc_magic(d, n))
		return KIND_WARC;
	if (n >= 11 && !memcmp(d, "filedesc://", 11))
		return KIND_ARC;
	if (arc_line_at(d, n, 1))
		return KIND_ARC;
	(void)r;
	return KIND_UNKNOWN;
}

static void set_where(struct warc_reader *r, struct warc_rec *rec, uint64_t uoff)
{
	rec->offset = uoff;
	rec->file_offset = warc_in_member_at(r->in, uoff);
}

/* Copy the header to r->hdr and point rec's strings there (the block will be skipped). */
static int keep_header(struct warc_reader *r, struct warc_rec *rec, const char *h, size_t n)
{
	struct warc_str *f[] = { &rec->type_name, &rec->id, &rec->url, &rec->date,
				 &rec->ctype, &rec->lang, &rec->payload_type };
	size_t i;

	ayak_buf_reset(&r->hdr);
	if (ayak_buf_add(&r->hdr, h, n))
		return -1;
	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		if (f[i]->p >= h && f[i]->p <= h + n)
			f[i]->p = r->hdr.data + (f[i]->p - h);
	return 0;
}

/*
 * Skip a block too long to hold, but for its last keep bytes (left in the
 * window, so that a next header swallowed by a wrong Content-Length can be
 * found again).  0, 1 when the input ended first (*done says how much of
 * the block there was; the last keep bytes or more of it are still in the
 * window, for the same reason), -1 on error.
 */
static int skip_block(struct warc_reader *r, uint64_t left, size_t keep, uint64_t *done,
		      struct ayak_err *err)
{
	*done = 0;
	while (left > keep) {
		size_t step = left > (1u << 20) ? (1u << 20) : (size_t)left;
		long long got;

		if (step > left - keep)
			step = (size_t)(left - keep);
		got = warc_in_fill(r->in, step + keep, err);
		if (got < 0)
			return -1;
		if ((size_t)got < step + keep) {
			*done += (uint64_t)got;
			return 1;
		}
		warc_in_consume(r->in, step);
		left -= step;
		*done += step;
	}
	{
		long long got = warc_in_fill(r->in, (size_t)left, err);

		if (got < 0)
			return -1;
		if ((uint64_t)got < left) {
			*done += (uint64_t)got;
			return 1;
		}
	}
	return 0;
}

static int next_record(struct warc_reader *r, struct warc_rec *rec, struct warc_where *where,
		       struct ayak_err *err)
{
	const char *d;
	long long got;
	size_t hlen, scan = 0, blen, want;
	uint64_t start;
	int garbage;

	memset(rec, 0, sizeof(*rec));
	memset(where, 0, sizeof(*where));
	warc_in_consume(r->in, r->pending);
	r->pending = 0;
	if (r->resync) {
		int ret = resync(r, err);

		if (ret < 0)
			return -1;
		if (ret > 0) {
			if (warc_in_state(r->in) == WARC_IN_ERROR)
				return stream_failure(r, UINT64_MAX, where, err);
			return 0;
		}
	}

	/* Line ends between records. */
	for (;;) {
		got = warc_in_fill(r->in, 4096, err);
		if (got < 0)
			return -1;
		d = warc_in_data(r->in);
		hlen = 0;
		while (hlen < (size_t)got && (d[hlen] == '\r' || d[hlen] == '\n'))
			hlen++;
		warc_in_consume(r->in, hlen);
		if (hlen < (size_t)got || got == 0)
			break;
	}
	if (got == 0) {
		if (warc_in_state(r->in) == WARC_IN_ERROR)
			return stream_failure(r, UINT64_MAX, where, err);
		return 0;
	}
	got = warc_in_fill(r->in, 4096, err);
	if (got < 0)
		return -1;
	d = warc_in_data(r->in);
	start = warc_in_offset(r->in);
	if (r->kind == KIND_UNKNOWN) {
		r->kind = sniff_kind(r, d, (size_t)got);
		if (r->kind == KIND_UNKNOWN) {
			r->kind = KIND_WARC;
			if ((garbage = garbage_of_damage(r, err)))
				return garbage < 0 ? -1 : stream_failure(r, start, where, err);
			return damaged(r, start, where, err, "not a WARC or ARC record");
		}
	}

	if (r->kind == KIND_ARC) {
		const char *nl;
		size_t line_len;

		rec->arc = 1;
		got = warc_in_fill(r->in, ARC_LINE_MAX, err);
		if (got < 0)
			return -1;
		d = warc_in_data(r->in);
		nl = memchr(d, '\n', (size_t)got);
		if (!nl)
			return damaged(r, start, where, err, "bad ARC header: %s",
				       (size_t)got < ARC_LINE_MAX ? "truncated" : "line too long");
		line_len = (size_t)(nl - d);
		if (parse_arc_line(d, line_len, r->arc_version, rec))
			return damaged(r, start, where, err, "bad ARC header line");
		hlen = line_len + 1;
		if (rec->url.n >= 11 && !memcmp(rec->url.p, "filedesc://", 11))
			rec->type = WARC_T_WARCINFO;
		else if (rec->url.n >= 4 && (ieq(rec->url.p, 4, "http")))
			rec->type = WARC_T_RESPONSE;
		else
			rec->type = WARC_T_OTHER;
		rec->type_name.p = rec->type == WARC_T_RESPONSE ? "response" : "arc";
		rec->type_name.n = strlen(rec->type_name.p);
		if (rec->type == WARC_T_RESPONSE) {
			rec->ctype.p = "application/http; msgtype=response";
			rec->ctype.n = strlen(rec->ctype.p);
		}
	} else {
		if (!is_warc_magic(d, (size_t)got)) {
			if ((garbage = garbage_of_damage(r, err)))
				return garbage < 0 ? -1 : stream_failure(r, start, where, err);
			return damaged(r, start, where, err, "not a WARC record header");
		}
		for (;;) {
			/*
			 * Only the first HEADER_MAX bytes are searched, however much
			 * the window holds: a file fills it in larger reads than a
			 * pipe, and the same bytes must give the same records.
			 */
			hlen = header_end(d, (size_t)got < HEADER_MAX ? (size_t)got : HEADER_MAX, &scan);
			if (hlen)
				break;
			if ((size_t)got >= HEADER_MAX)
				return damaged(r, start, where, err,
					       "WARC header longer than %u bytes", HEADER_MAX);
			if (warc_in_state(r->in) != WARC_IN_OK) {
				if (warc_in_state(r->in) == WARC_IN_ERROR)
					return stream_failure(r, start, where, err);
				return damaged(r, start, where, err, "truncated WARC header");
			}
			got = warc_in_fill(r->in, (size_t)got * 2, err);
			if (got < 0)
				return -1;
			d = warc_in_data(r->in);
		}
		{
			const char *why = "bad WARC header";
			int ret = parse_warc_header(d, hlen, rec, &why, &r->fold);

			if (ret == -2)
				return ayak_err_set(err, AYAK_E_SYS, "out of memory");
			if (ret)
				return damaged(r, start, where, err, "%s", why);
		}
	}

	set_where(r, rec, start);
	where_at(r, start, where);
	if (rec->length > r->max_block) {
		size_t keep = rec->length < TAIL_KEEP ? (size_t)rec->length : TAIL_KEEP;
		uint64_t done;
		int ret;
		long long next;

		if (keep_header(r, rec, d, hlen))
			return ayak_err_set(err, AYAK_E_SYS, "out of memory");
		warc_in_consume(r->in, hlen);
		ret = skip_block(r, rec->length, keep, &done, err);
		if (ret < 0)
			return -1;
		if (ret > 0) {
			if (warc_in_state(r->in) == WARC_IN_ERROR)
				return stream_failure(r, start, where, err);
			ayak_err_set(err, AYAK_E_DATA,
				     "truncated record: Content-Length %llu, %llu bytes left",
				     (unsigned long long)rec->length, (unsigned long long)done);
			/* As after a wrong Content-Length: search what is left of the block. */
			r->resync = 1;
			r->resync_skip = 0;
			r->resync_bol = 0;
			return -1;
		}
		next = after_block(r, keep, err);
		if (next == -2)
			return stream_failure(r, start, where, err);
		if (next < 0)
			return -1;
		if (next == 0) {
			ayak_err_set(err, AYAK_E_DATA,
				     "wrong Content-Length %llu: no record header after the block",
				     (unsigned long long)rec->length);
			r->resync = 1;
			r->resync_skip = 0;
			r->resync_bol = 0;
			return -1;
		}
		r->pending = (size_t)next;
		rec->block = NULL;
		rec->block_len = 0;
		return 1;
	}

	blen = (size_t)rec->length;
	want = hlen + blen;
	got = warc_in_fill(r->in, want, err);
	if (got < 0)
		return -1;
	if ((size_t)got < want) {
		if (warc_in_state(r->in) == WARC_IN_ERROR)
			return stream_failure(r, start, where, err);
		/*
		 * The input ends inside the block: either the record was cut
		 * short or its Content-Length is too long and swallowed the
		 * records after it.  Look for them from its second byte.
		 */
		return damaged(r, start, where, err,
			       "truncated record: Content-Length %llu, %zu bytes left",
			       (unsigned long long)rec->length, (size_t)got - hlen);
	}
	{
		long long next = after_block(r, want, err);

		if (next == -2)
			return stream_failure(r, start, where, err);
		if (next < 0)
			return -1;
		if (next == 0)
			return damaged(r, start, where, err,
				       "wrong Content-Length %llu: no record header after the block",
				       (unsigned long long)rec->length);
		r->pending = (size_t)next;
	}
	/* The window may have moved while looking past the block: parse again. */
	d = warc_in_data(r->in);
	{
		struct warc_rec again;

		memset(&again, 0, sizeof(again));
		if (r->kind == KIND_ARC) {
			parse_arc_line(d, hlen - 1, r->arc_version, &again);
			again.arc = 1;
			again.type = rec->type;
			again.type_name = rec->type_name;
			again.ctype = rec->ctype;
			if (again.date.p)
				again.date.p = rec->date_buf;
			memcpy(again.date_buf, rec->date_buf, sizeof(again.date_buf));
		} else {
			const char *why;

			/* Parsed once already: it succeeds, and fold has the room. */
			parse_warc_header(d, hlen, &again, &why, &r->fold);
		}
		again.offset = rec->offset;
		again.file_offset = rec->file_offset;
		*rec = again;
		if (rec->date.p && rec->arc)
			rec->date.p = rec->date_buf;
	}
	rec->block = d + hlen;
	rec->block_len = blen;
	if (rec->arc && rec->type == WARC_T_WARCINFO && blen) {
		/* The version block: "1 0 ..." or "2 0 ...". */
		r->arc_version = rec->block[0] == '2' ? 2 : 1;
	}
	return 1;
}

int warc_reader_next(struct warc_reader *r, struct warc_rec *rec, struct warc_where *where,
		     struct ayak_err *err)
{
	int ret;

	while ((ret = next_record(r, rec, where, err)) == -2)
		;
	if (ret > 0)
		r->damaged_member = UINT64_MAX;
	return ret;
}
