/*
 * ayak-norm: Unicode repair and Malay normalization of the text field of
 * records.  The engine is src/lib/norm.c; this is its command line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "norm.h"

static const char usage[] =
	"Usage: ayak-norm [options] [FILE...]\n"
	"Repair and normalize the text field of records: invalid UTF-8, mojibake, HTML\n"
	"entities, invisible characters, whitespace and NFC, and on request Malay forms.\n"
	"\n"
	"      --nfkc            NFKC instead of NFC\n"
	"      --punct           fold typographic quotes, dashes, ellipsis, full-width ASCII\n"
	"      --blank-lines N   blank lines kept between paragraphs (default 1)\n"
	"      --no-mojibake     leave mojibake alone\n"
	"      --no-entities     leave HTML entities alone\n"
	"      --expand-slang    short forms and social-media spellings to standard Malay\n"
	"      --keep-informal   with --expand-slang: keep tak, nak, je, tu, ni, kat, dah\n"
	"      --reduplication   kanak2 -> kanak-kanak\n"
	"      --elongation      sedappp -> sedap\n"
	"      --jawi-to-rumi    Jawi (Malay in Arabic script) to Latin script\n"
	"      --case-fold       fold case (search keys)\n"
	"      --strip-accents   remove accents from Latin, Greek and Cyrillic letters\n"
	"      --diff            print each changed line before and after on stderr\n"
	"      --diff-file FILE  the same, to FILE\n";

enum {
	OPT_NFKC = CLI_OPT_PROGRAM,
	OPT_PUNCT,
	OPT_BLANK_LINES,
	OPT_NO_MOJIBAKE,
	OPT_NO_ENTITIES,
	OPT_SLANG,
	OPT_KEEP_INFORMAL,
	OPT_REDUP,
	OPT_ELONG,
	OPT_JAWI,
	OPT_CASE_FOLD,
	OPT_STRIP_ACCENTS,
	OPT_DIFF,
	OPT_DIFF_FILE,
};

static const struct option options[] = {
	{ "nfkc", no_argument, NULL, OPT_NFKC },
	{ "punct", no_argument, NULL, OPT_PUNCT },
	{ "blank-lines", required_argument, NULL, OPT_BLANK_LINES },
	{ "no-mojibake", no_argument, NULL, OPT_NO_MOJIBAKE },
	{ "no-entities", no_argument, NULL, OPT_NO_ENTITIES },
	{ "expand-slang", no_argument, NULL, OPT_SLANG },
	{ "keep-informal", no_argument, NULL, OPT_KEEP_INFORMAL },
	{ "reduplication", no_argument, NULL, OPT_REDUP },
	{ "elongation", no_argument, NULL, OPT_ELONG },
	{ "jawi-to-rumi", no_argument, NULL, OPT_JAWI },
	{ "case-fold", no_argument, NULL, OPT_CASE_FOLD },
	{ "strip-accents", no_argument, NULL, OPT_STRIP_ACCENTS },
	{ "diff", no_argument, NULL, OPT_DIFF },
	{ "diff-file", required_argument, NULL, OPT_DIFF_FILE },
	{ NULL, 0, NULL, 0 },
};

/* ---- options ---- */

/* The program's settings, from its command line. */
struct conf {
	unsigned flags;			/* AYAK_NORM_* */
	uint64_t blank;			/* --blank-lines */
	int diff;			/* 1: --diff, 2: --diff-file, 3: both */
	const char *diff_path;		/* --diff-file */
};

static void parse_options(struct cli *c, struct conf *k, int argc, char **argv)
{
	int opt;

	memset(k, 0, sizeof(*k));
	k->blank = 1;
	while ((opt = cli_getopt(c, argc, argv, "", options)) != -1) {
		switch (opt) {
		case OPT_NFKC: k->flags |= AYAK_NORM_NFKC; break;
		case OPT_PUNCT: k->flags |= AYAK_NORM_PUNCT; break;
		case OPT_NO_MOJIBAKE: k->flags |= AYAK_NORM_NO_MOJIBAKE; break;
		case OPT_NO_ENTITIES: k->flags |= AYAK_NORM_NO_ENTITIES; break;
		case OPT_SLANG: k->flags |= AYAK_NORM_SLANG; break;
		case OPT_KEEP_INFORMAL: k->flags |= AYAK_NORM_KEEP_INFORMAL; break;
		case OPT_REDUP: k->flags |= AYAK_NORM_REDUP; break;
		case OPT_ELONG: k->flags |= AYAK_NORM_ELONG; break;
		case OPT_JAWI: k->flags |= AYAK_NORM_JAWI; break;
		case OPT_CASE_FOLD: k->flags |= AYAK_NORM_CASE_FOLD; break;
		case OPT_STRIP_ACCENTS: k->flags |= AYAK_NORM_STRIP_ACCENTS; break;
		case OPT_BLANK_LINES:
			if (ayak_parse_u64(optarg, &k->blank) || k->blank > 1000)
				cli_usage_error(c, "--blank-lines wants a number from 0 to 1000, not '%s'",
						optarg);
			break;
		case OPT_DIFF:
			k->diff |= 1;
			break;
		case OPT_DIFF_FILE:
			k->diff |= 2;
			k->diff_path = optarg;
			break;
		default:
			cli_usage_error(c, "unexpected option");
		}
	}
}

/* ---- --diff ---- */

struct differ {
	struct cli *c;
	struct ayak_writer *w;		/* the --diff-file, or NULL: stderr */
	const char *path;		/* NULL for stderr */
	struct ayak_buf esc;
	size_t *na, *nb;		/* line starts */
	size_t cap_a, cap_b;
	unsigned char *dp;
	size_t dp_cap;
};

/*
 * Characters --diff shows as <U+XXXX>: they are invisible, look like
 * others, or are Latin combining accents (so that NFC changes show).
 */
static int diff_hidden(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x300 && cp <= 0x36F) || cp == 0x7F || (cp >= 0x80 && cp <= 0xA0) || cp == 0xAD ||
	       cp == 0x1680 || cp == 0x180E || (cp >= 0x2000 && cp <= 0x200F) ||
	       (cp >= 0x2028 && cp <= 0x202F) || (cp >= 0x205F && cp <= 0x206F) ||
	       cp == 0x3000 || cp == 0xFEFF;
}

/*
 * To the --diff-file, written like -o (renamed into place at the end, gone
 * if the run fails), or to stderr, whose errors are checked at the end.
 */
static void diff_write(struct differ *d, const char *p, size_t n)
{
	if (!d->w)
		fwrite(p, 1, n, stderr);
	else if (ayak_writer_write(d->w, p, n, &d->c->err))
		cli_die(d->c, &d->c->err);
}

static void diff_line(struct differ *d, char sign, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + len;
	struct ayak_buf *b = &d->esc;
	size_t lead = 0, trail = 0;

	while (lead < len && s[lead] == ' ')
		lead++;
	while (trail < len - lead && s[len - 1 - trail] == ' ')
		trail++;
	ayak_buf_reset(b);
	if (ayak_buf_add(b, &sign, 1))
		cli_die_nomem(d->c);
	while (p < end) {
		uint32_t cp;
		int k = ayak_utf8_decode(p, end, &cp);
		size_t at = (size_t)(p - (const unsigned char *)s);

		if (k == 0) {
			cp = 0xFFFD;
			k = 1;
		}
		if (diff_hidden(cp) || (cp == ' ' && (at < lead || at >= len - trail)) ?
		    ayak_buf_addf(b, "<U+%04X>", (unsigned)cp) : ayak_buf_add(b, p, (size_t)k))
			cli_die_nomem(d->c);	/* a diff is whole, or the run fails */
		p += k;
	}
	if (ayak_buf_add(b, "\n", 1))
		cli_die_nomem(d->c);
	diff_write(d, b->data, b->len);
}

static size_t split_lines(const char *s, size_t len, size_t **starts, size_t *cap)
{
	size_t n = 0, i;

	for (i = 0; i <= len; i++) {
		if (i == len || s[i] == '\n') {
			if (n + 2 > *cap) {
				size_t c = *cap ? *cap * 2 : 64;
				size_t *p = realloc(*starts, c * sizeof(size_t));

				if (!p)
					return 0;
				*starts = p;
				*cap = c;
			}
			n++;
			(*starts)[n] = i + 1;	/* start of the next line */
		}
	}
	(*starts)[0] = 0;
	return n;
}

#define LINE(s, st, i) ((s) + (st)[i])
#define LINE_LEN(st, i) ((st)[(i) + 1] - (st)[i] - 1)

static int same_line(const char *a, const size_t *sa, size_t i, const char *b,
		     const size_t *sb, size_t j)
{
	size_t la = LINE_LEN(sa, i), lb = LINE_LEN(sb, j);

	return la == lb && !memcmp(LINE(a, sa, i), LINE(b, sb, j), la);
}

/* Print the lines of a[] and b[] that differ: a line diff by longest common subsequence. */
static void diff_texts(struct differ *d, const struct ayak_line *where,
		       const char *a, size_t alen, const char *b, size_t blen)
{
	size_t na = split_lines(a, alen, &d->na, &d->cap_a);
	size_t nb = split_lines(b, blen, &d->nb, &d->cap_b);
	size_t lo = 0, ha = na, hb = nb, i, j, w;
	unsigned char *dp = NULL;
	int header = 0;

	if (!na || !nb)
		cli_die_nomem(d->c);	/* there is always a line: 0 is memory running out */
	while (lo < ha && lo < hb && same_line(a, d->na, lo, b, d->nb, lo))
		lo++;
	while (ha > lo && hb > lo && same_line(a, d->na, ha - 1, b, d->nb, hb - 1)) {
		ha--;
		hb--;
	}
	/* Direction table for the middle, if it is small enough. */
	w = hb - lo + 1;
	if ((ha - lo) * w <= ((size_t)1 << 24)) {
		size_t cells = (ha - lo + 1) * w;
		uint32_t *len_row = calloc(2 * w, sizeof(uint32_t));

		if (cells > d->dp_cap) {
			unsigned char *p = realloc(d->dp, cells);

			if (p) {
				d->dp = p;
				d->dp_cap = cells;
			}
		}
		if (len_row && cells <= d->dp_cap) {
			/* LCS lengths of suffixes, computed backwards row by row. */
			uint32_t *cur = len_row, *next = len_row + w;

			dp = d->dp;
			for (i = ha; i-- > lo;) {
				uint32_t *t;

				cur[hb - lo] = 0;
				for (j = hb; j-- > lo;) {
					size_t c = j - lo;

					if (same_line(a, d->na, i, b, d->nb, j)) {
						cur[c] = next[c + 1] + 1;
						dp[(i - lo) * w + c] = 0;
					} else if (next[c] >= cur[c + 1]) {
						cur[c] = next[c];
						dp[(i - lo) * w + c] = 1;	/* drop a line of a */
					} else {
						cur[c] = cur[c + 1];
						dp[(i - lo) * w + c] = 2;	/* add a line of b */
					}
				}
				t = cur;
				cur = next;
				next = t;
				memset(cur, 0, w * sizeof(uint32_t));
			}
		}
		free(len_row);
	}
	i = lo;
	j = lo;
	while (i < ha || j < hb) {
		/* One hunk: the a lines, then the b lines, up to the next match. */
		size_t i0 = i, j0 = j, k;

		while (i < ha || j < hb) {
			int step;

			if (i < ha && j < hb && dp)
				step = dp[(i - lo) * w + (j - lo)];
			else
				step = i < ha ? 1 : 2;
			if (step == 0)
				break;
			if (step == 1)
				i++;
			else
				j++;
		}
		if (!header && (i > i0 || j > j0)) {
			ayak_buf_reset(&d->esc);
			if (ayak_buf_addf(&d->esc, "@@ %s:%llu @@\n", where->file,
					  (unsigned long long)where->lineno))
				cli_die_nomem(d->c);
			diff_write(d, d->esc.data, d->esc.len);
			header = 1;
		}
		for (k = i0; k < i; k++)
			diff_line(d, '-', LINE(a, d->na, k), LINE_LEN(d->na, k));
		for (k = j0; k < j; k++)
			diff_line(d, '+', LINE(b, d->nb, k), LINE_LEN(d->nb, k));
		while (i < ha && j < hb && dp && dp[(i - lo) * w + (j - lo)] == 0) {
			i++;
			j++;
		}
	}
}

/* ---- the rest of the record ---- */

/* Four hex digits at s[0..n): their value, or -1. */
static long hex4(const char *s, size_t n)
{
	long v = 0;
	size_t i;

	if (n < 4)
		return -1;
	for (i = 0; i < 4; i++) {
		char ch = s[i];

		v <<= 4;
		if (ch >= '0' && ch <= '9')
			v |= ch - '0';
		else if ((ch | 0x20) >= 'a' && (ch | 0x20) <= 'f')
			v |= (ch | 0x20) - 'a' + 10;
		else
			return -1;
	}
	return v;
}

/*
 * The \u escape at s[i] (a backslash) of JSON: 0 if it is no lone
 * surrogate, else its length, 6.  A pair is skipped whole by *skip.
 */
static size_t lone_surrogate(const char *s, size_t n, size_t i, size_t *skip)
{
	long u = i + 1 < n && s[i + 1] == 'u' ? hex4(s + i + 2, n - i - 2) : -1, lo;

	*skip = 2;
	if (u < 0xD800 || u > 0xDFFF)
		return 0;
	if (u <= 0xDBFF && i + 12 <= n && s[i + 6] == '\\' && s[i + 7] == 'u' &&
	    (lo = hex4(s + i + 8, 4)) >= 0xDC00 && lo <= 0xDFFF) {
		*skip = 12;
		return 0;
	}
	return 6;
}

/*
 * JSON outside the text field, s[0..n) (it starts and ends outside a
 * string): is every string in it well-formed?  The record is read
 * leniently so that the text can be repaired; the programs after
 * ayak-norm read strictly.
 */
static int json_well_formed(const char *s, size_t n)
{
	const char *p;
	size_t i = 0, skip;

	if (ayak_utf8_valid_prefix(s, n) != n)
		return 0;
	while ((p = memchr(s + i, '\\', n - i)) != NULL) {
		i = (size_t)(p - s);
		if (lone_surrogate(s, n, i, &skip))
			return 0;
		i += skip;
		if (i >= n)
			break;
	}
	return 1;
}

/* Append s[0..n) with ill-formed UTF-8 and lone surrogate escapes made U+FFFD. */
static int json_repair(const char *s, size_t n, struct ayak_buf *out, size_t *nrepl)
{
	const char *p;
	size_t i = 0, from = 0, skip;

	while (i < n && (p = memchr(s + i, '\\', n - i)) != NULL) {
		i = (size_t)(p - s);
		if (lone_surrogate(s, n, i, &skip)) {
			if (ayak_utf8_repair(s + from, i - from, out, nrepl) ||
			    ayak_buf_addstr(out, "\\ufffd"))
				return -1;
			(*nrepl)++;
			from = i + 6;
		}
		i += skip;
	}
	return from < n ? ayak_utf8_repair(s + from, n - from, out, nrepl) : 0;
}

/* ---- main ---- */

static void add_counts(struct cli *c, const struct ayak_norm *n, unsigned flags,
		       uint64_t invalid, uint64_t changed)
{
	const uint64_t *k = ayak_norm_counts(n);
	int r;

	ayak_stats_count(&c->stats, "records_changed", changed);
	for (r = 0; r < AYAK_NORM_NRULES; r++) {
		uint64_t v = k[r] + (r == AYAK_NORM_R_INVALID_UTF8 ? invalid : 0);

		if ((r == AYAK_NORM_R_PUNCT && !(flags & AYAK_NORM_PUNCT)) ||
		    (r == AYAK_NORM_R_JAWI && !(flags & AYAK_NORM_JAWI)) ||
		    (r == AYAK_NORM_R_ELONG && !(flags & AYAK_NORM_ELONG)) ||
		    (r == AYAK_NORM_R_REDUP && !(flags & AYAK_NORM_REDUP)) ||
		    (r == AYAK_NORM_R_SLANG && !(flags & AYAK_NORM_SLANG)) ||
		    (r == AYAK_NORM_R_CASE_FOLD && !(flags & AYAK_NORM_CASE_FOLD)) ||
		    (r == AYAK_NORM_R_STRIP_ACCENTS && !(flags & AYAK_NORM_STRIP_ACCENTS)) ||
		    (r == AYAK_NORM_R_MOJIBAKE && (flags & AYAK_NORM_NO_MOJIBAKE)) ||
		    (r == AYAK_NORM_R_ENTITY && (flags & AYAK_NORM_NO_ENTITIES)))
			continue;
		ayak_stats_count(&c->stats, (r == AYAK_NORM_R_NFC && (flags & AYAK_NORM_NFKC)) ?
				 "nfkc" : ayak_norm_rule_name(r), v);
	}
}

/* A run over the records: the normalizer, the --diff, and what every record reuses. */
struct run {
	struct cli *c;
	struct ayak_norm *n;
	unsigned flags;
	int diff;
	struct differ d;
	struct ayak_record rec;
	struct ayak_buf text, norm, enc, out, fixed;
	uint64_t invalid;		/* U+FFFD put for invalid UTF-8 and lone surrogates */
	uint64_t nchanged;		/* records changed */
};

/* The run's state; after cli_open, which claims the outputs, the --diff-file opens. */
static void start_run(struct run *r, struct cli *c, const struct conf *k, struct ayak_norm *n)
{
	*r = (struct run){ .c = c, .n = n, .flags = k->flags, .diff = k->diff,
			   .text = AYAK_BUF_INIT, .norm = AYAK_BUF_INIT, .enc = AYAK_BUF_INIT,
			   .out = AYAK_BUF_INIT, .fixed = AYAK_BUF_INIT };
	r->d.c = c;
	r->d.path = k->diff_path;
	if (r->d.path)
		r->d.w = cli_open_writer(c, r->d.path, AYAK_COMPRESS_NONE);
}

/* Bytes of text per part of a record written in parts. */
#define TEXT_PART 65536

/*
 * Where a part of s[0..n) that starts at off ends: TEXT_PART bytes on,
 * moved back to the start of a character (at most 3 bytes, as a UTF-8
 * sequence has at most 4), so that parts encode as the whole does.
 */
static size_t part_end(const char *s, size_t off, size_t n)
{
	size_t e = off + TEXT_PART, i;

	if (n - off <= TEXT_PART)
		return n;
	for (i = e; i > e - 3 && ((unsigned char)s[i] & 0xC0) == 0x80; i--)
		;
	return ((unsigned char)s[i] & 0xC0) == 0x80 ? e : i;
}

/*
 * The record with its text field set to s[0..n), written in parts: the
 * record is not copied, nor the text held whole as JSON.
 */
static void emit_text(struct run *r, const char *s, size_t n)
{
	struct cli *c = r->c;
	size_t tail, off, end;

	/*
	 * The memory before the first byte: out of memory must leave whole
	 * records only.  A part's JSON is at most 6 bytes per byte (\u0001),
	 * and the quotes.
	 */
	ayak_buf_reset(&r->enc);
	if (ayak_buf_grow(&r->enc, 6 * (n < TEXT_PART ? n : TEXT_PART) + 2))
		cli_die_nomem(c);
	tail = cli_emit_value_start(c, &r->rec, c->field, c->field_len, &r->out);
	cli_emit_part(c, "\"", 1);
	for (off = 0; off < n; off = end) {
		end = part_end(s, off, n);
		ayak_buf_reset(&r->enc);
		if (ayak_json_encode_string(&r->enc, s + off, end - off))
			cli_die_nomem(c);
		cli_emit_part(c, r->enc.data + 1, r->enc.len - 2);	/* without its quotes */
	}
	cli_emit_part(c, "\"", 1);
	cli_emit_value_end(c, &r->rec, tail);
}

/* One record: its text normalized, and the other strings repaired when they need it. */
static void normalize_record(struct run *r, const struct ayak_line *line)
{
	struct cli *c = r->c;
	const struct ayak_field *f;
	const struct ayak_buf *res;
	const char *ld = line->data;	/* the record, other strings repaired */
	size_t ll = line->len, nrepl = 0, orepl = 0, tv;
	int changed = 0;

	f = cli_string_field(c, line, &r->rec, c->field, c->field_len);
	if (!f)
		return;
	/*
	 * Ill-formed strings elsewhere in the record (keys, url, nested
	 * values) become U+FFFD too, or the next program would reject
	 * the record.
	 */
	tv = f->val + f->val_len;
	if (!json_well_formed(ld, f->val) || !json_well_formed(ld + tv, ll - tv)) {
		ayak_buf_reset(&r->fixed);
		if (json_repair(ld, f->val, &r->fixed, &orepl) ||
		    ayak_buf_add(&r->fixed, ld + f->val, f->val_len) ||
		    json_repair(ld + tv, ll - tv, &r->fixed, &orepl))
			cli_die_nomem(c);
		ld = r->fixed.data;
		ll = r->fixed.len;
		if (ayak_record_parse(&r->rec, ld, ll, AYAK_JSON_LAX_UTF8, &c->err)) {
			cli_parse_failed(c, line);
			return;
		}
		f = ayak_record_get(&r->rec, c->field, c->field_len);
	}
	ayak_buf_reset(&r->text);
	ayak_buf_reset(&r->norm);
	if (ayak_json_decode_string(ld + f->val, f->val_len, &r->text, &nrepl, &c->err))
		cli_die(c, &c->err);
	if (ayak_norm_utf8(r->n, r->text.data ? r->text.data : "", r->text.len, &r->norm, &changed,
			   &c->err)) {
		if (c->err.code != AYAK_E_DATA)
			cli_die(c, &c->err);
		cli_too_large(c, line, "normalize");
		return;
	}
	r->invalid += nrepl + orepl;
	if (!changed && !nrepl) {
		r->nchanged += orepl > 0;
		cli_emit(c, ld, ll);
		return;
	}
	r->nchanged++;
	/* Only U+FFFD for invalid UTF-8: the decoded text is the result. */
	res = changed ? &r->norm : &r->text;
	emit_text(r, res->data ? res->data : "", res->len);
	if (r->diff)
		diff_texts(&r->d, line, r->text.data ? r->text.data : "", r->text.len,
			   res->data ? res->data : "", res->len);
}

/* The --diff on stderr checked, the counters added, and the outputs finished. */
static int finish_run(struct run *r)
{
	struct cli *c = r->c;

	if (r->diff == 1 && (fflush(stderr) || ferror(stderr))) {
		ayak_err_set(&c->err, AYAK_E_SYS, "write error: standard error (--diff)");
		cli_die(c, &c->err);
	}
	add_counts(c, r->n, r->flags, r->invalid, r->nchanged);
	ayak_record_release(&r->rec);
	ayak_buf_release(&r->text);
	ayak_buf_release(&r->norm);
	ayak_buf_release(&r->enc);
	ayak_buf_release(&r->out);
	ayak_buf_release(&r->fixed);
	ayak_buf_release(&r->d.esc);
	free(r->d.na);
	free(r->d.nb);
	free(r->d.dp);
	ayak_norm_free(r->n);
	/* renamed into place with the records, --rejects and --stats, or none is */
	cli_finish_later(c, r->d.w);
	return cli_finish(c);
}

int main(int argc, char **argv)
{
	struct cli c;
	struct conf k;
	struct ayak_norm *n;
	struct run r;
	struct ayak_line line;

	cli_init(&c, "ayak-norm", usage);
	parse_options(&c, &k, argc, argv);
	if ((k.flags & AYAK_NORM_KEEP_INFORMAL) && !(k.flags & AYAK_NORM_SLANG))
		cli_usage_error(&c, "--keep-informal goes with --expand-slang");
	cli_rejects_need_skip(&c, NULL, "ayak-norm drops no record without it");
	if (k.diff == 3)
		cli_usage_error(&c, "--diff and --diff-file: give one (--diff prints on stderr)");
	if (k.diff_path && !strcmp(k.diff_path, "-") && (!c.output || !strcmp(c.output, "-")))
		cli_usage_error(&c, "--diff-file - and the records would both go to standard output: name the records' file with -o");
	/* a set AYAK_LEXICONS that is no directory is an error, lexicons read or not (ayak(7)) */
	if (getenv("AYAK_LEXICONS") && *getenv("AYAK_LEXICONS") && !ayak_lexicon_dir(&c.err))
		cli_die(&c, &c.err);
	n = ayak_norm_new(k.flags, NULL, (unsigned)k.blank, &c.err);
	if (!n)
		cli_die(&c, &c.err);
	/* before cli_open claims -o, --rejects and --stats: none may be the diff's file */
	cli_claim_output(&c, "--diff-file", k.diff_path);
	cli_open(&c, argc - optind, argv + optind);
	start_run(&r, &c, &k, n);
	ayak_record_init(&r.rec);
	while (cli_next_record(&c, &line, &r.rec, AYAK_JSON_LAX_UTF8))
		normalize_record(&r, &line);
	return finish_run(&r);
}
