/*
 * Fuzz target for Malay words and sentences (tokseg.h), with the lexicons
 * of $AYAK_TOP/lexicons (or ./lexicons).  The input is repaired to valid
 * UTF-8 and segmented into words (with and without --split-clitics) and
 * sentences.  Properties checked (abort() when one breaks):
 *
 *  - spans lie inside the text, on character boundaries, in order and
 *    without overlap, and are not empty;
 *  - words and sentences neither start nor end with white space;
 *  - code point offsets agree with the byte offsets;
 *  - the JSON and plain outputs are made without error, the JSON output
 *    valid UTF-8;
 *  - a text cut in pieces of at most PIECE bytes after line feeds (as a
 *    text over 16 MiB is) gives the same words and sentences as whole.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tokseg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct tokseg *plain, *clitic, *pieces;

#define PIECE 48	/* small, so that most inputs are cut */

static size_t cps(const char *s, size_t a, size_t b)
{
	size_t n = 0;

	for (; a < b; a++)
		n += ((unsigned char)s[a] & 0xC0) != 0x80;
	return n;
}

static int is_ws_byte(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static void check(const char *s, size_t n, const struct tokseg_span *v, size_t k)
{
	size_t i, prev = 0;

	for (i = 0; i < k; i++) {
		if (v[i].start >= v[i].end || v[i].end > n || v[i].start < prev)
			abort();
		if (((unsigned char)s[v[i].start] & 0xC0) == 0x80 ||
		    (v[i].end < n && ((unsigned char)s[v[i].end] & 0xC0) == 0x80))
			abort();
		if (is_ws_byte((unsigned char)s[v[i].start]) || is_ws_byte((unsigned char)s[v[i].end - 1]))
			abort();
		if (v[i].cstart != cps(s, 0, v[i].start) || v[i].cend - v[i].cstart != cps(s, v[i].start, v[i].end))
			abort();
		prev = v[i].end;
	}
}

static void run(struct tokseg *sg, const char *s, size_t n)
{
	struct tokseg_result r;
	struct ayak_err err;
	struct ayak_buf out = AYAK_BUF_INIT;

	if (tokseg_run(sg, s, n, 1, 1, &r, &err))
		return;
	check(s, n, r.words, r.nwords);
	check(s, n, r.sents, r.nsents);
	if (tokseg_json(sg, &r, 1, 1, 1, &out) || tokseg_plain(sg, &r, 1, 1, 0, &out) ||
	    tokseg_plain(sg, &r, 0, 1, 1, &out))
		abort();
	if (ayak_utf8_valid_prefix(out.data ? out.data : "", out.len) != out.len)
		abort();
	ayak_buf_release(&out);
}

static int same_spans(const struct tokseg_span *a, size_t na, const struct tokseg_span *b,
		      size_t nb)
{
	return na == nb && (!na || !memcmp(a, b, na * sizeof(*a)));
}

/* The same words and sentences in pieces, unless a line is longer than a piece. */
static void run_pieces(const char *s, size_t n)
{
	struct tokseg_result whole, cut;
	struct ayak_err err;
	int ret;

	if (tokseg_run(clitic, s, n, 1, 1, &whole, &err))
		return;
	ret = tokseg_run(pieces, s, n, 1, 1, &cut, &err);
	if (ret == TOKSEG_TOO_LONG)
		return;
	if (ret || !same_spans(whole.words, whole.nwords, cut.words, cut.nwords) ||
	    !same_spans(whole.sents, whole.nsents, cut.sents, cut.nsents))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ayak_buf text = AYAK_BUF_INIT;
	struct ayak_err err;

	if (!plain) {
		static char dir[4096];
		struct tokseg_opts o = { 0 };
		const char *top = getenv("AYAK_TOP");

		snprintf(dir, sizeof(dir), "%s/lexicons", top ? top : ".");
		o.lexicon_dir = dir;
		plain = tokseg_new(&o, &err);
		o.split_clitics = 1;
		clitic = tokseg_new(&o, &err);
		o.max_piece = PIECE;
		pieces = tokseg_new(&o, &err);
		if (!plain || !clitic || !pieces) {
			fprintf(stderr, "fuzz-tokseg: %s (set AYAK_TOP)\n", err.msg);
			abort();
		}
	}
	if (size > (1 << 18))
		return 0;
	if (ayak_utf8_repair((const char *)data, size, &text, NULL))
		abort();
	run(plain, text.data ? text.data : "", text.len);
	run(clitic, text.data ? text.data : "", text.len);
	run_pieces(text.data ? text.data : "", text.len);
	ayak_buf_release(&text);
	return 0;
}
