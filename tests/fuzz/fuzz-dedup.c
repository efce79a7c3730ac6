/*
 * Fuzz target for ayak-dedup's own formats and parsers.  The first byte
 * picks what the rest is fed to:
 *
 *   0  a stage file (dedup_fopen_stream): a file that opens yields
 *      exactly the records its trailer counts, or an error; never more.
 *   1  an ISO 8601 date (dedup_parse_date): a date without a zone
 *      parses the same with "Z" added.
 *   2  a URL (dedup_url_key): keys settle: a key made into a URL again
 *      keys to itself after one round.
 *   3  a JSON string: canonical forms straight from JSON equal decode +
 *      canonical form, and line keys and words do not crash on any bytes.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dedup.h"
#include "json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int count_word(void *ctx, const char *w, size_t len)
{
	(void)w;
	if (!len)
		abort();
	(*(size_t *)ctx)++;
	return 0;
}

static void stage_file(const uint8_t *data, size_t size)
{
	struct dedup_header h;
	struct dedup_stream *s;
	struct ayak_err err;
	const uint64_t *rec;
	uint64_t n, got = 0;
	FILE *f;
	int r;

	if (!size)
		return;
	f = fmemopen((void *)data, size, "rb");
	if (!f)
		return;
	s = dedup_fopen_stream(f, "fuzz", size, 0, 0, &h, &n, &err);
	if (!s) {
		if (!err.msg[0])
			abort();
		return;
	}
	if (!h.nw || h.nw > DEDUP_MAX_WORDS || s->nw != h.nw)
		abort();
	while ((r = dedup_stream_next(s, &rec, &err)) > 0) {
		uint64_t sum = 0;
		unsigned i;

		for (i = 0; i < s->nw; i++)
			sum += rec[i];	/* every word readable */
		(void)sum;
		if (++got > n)
			abort();
	}
	if (r == 0 && got != n)
		abort();
	dedup_stream_free(s);
}

static void date(const uint8_t *data, size_t size)
{
	char buf[128];
	double t, t2;

	if (size > 100 || dedup_parse_date((const char *)data, size, &t))
		return;
	/* Without a zone, UTC is meant: an added "Z" changes nothing. */
	if (size > 10 && (memchr(data + 10, 'Z', size - 10) || memchr(data + 10, 'z', size - 10) ||
			  memchr(data + 10, '+', size - 10) || memchr(data + 10, '-', size - 10)))
		return;
	memcpy(buf, data, size);
	buf[size] = 'Z';
	if (dedup_parse_date(buf, size + 1, &t2) || t2 != t)
		abort();
}

/* key(s) of "http://" + key(...): settled after one round. */
static int rekey(const struct ayak_buf *key, struct ayak_buf *out)
{
	struct ayak_buf c = AYAK_BUF_INIT;
	int r;

	ayak_buf_addstr(&c, "http://");
	ayak_buf_add(&c, key->data, key->len);
	r = dedup_url_key(c.data, c.len, out);
	ayak_buf_release(&c);
	return r;
}

static void url(const uint8_t *data, size_t size)
{
	struct ayak_buf a = AYAK_BUF_INIT, b = AYAK_BUF_INIT, c = AYAK_BUF_INIT;
	int r = dedup_url_key((const char *)data, size, &a);

	if (r == 0 && a.len && rekey(&a, &b) == 0 && rekey(&b, &c) == 0) {
		if (b.len != c.len || memcmp(b.data, c.data, b.len))
			abort();
	}
	ayak_buf_release(&a);
	ayak_buf_release(&b);
	ayak_buf_release(&c);
}

static void text(const uint8_t *data, size_t size)
{
	struct ayak_buf dec = AYAK_BUF_INIT, x = AYAK_BUF_INIT, y = AYAK_BUF_INIT;
	struct ayak_buf scratch = AYAK_BUF_INIT, json = AYAK_BUF_INIT;
	struct ayak_err err;
	size_t words = 0;
	int canon;

	/* Any bytes: keys must not crash. */
	dedup_line_norm((const char *)data, size, &x);
	dedup_words((const char *)data, size, count_word, &words, &scratch);
	/* As a JSON string body. */
	ayak_buf_add(&json, "\"", 1);
	ayak_buf_add(&json, data, size);
	ayak_buf_add(&json, "\"", 1);
	if (!ayak_json_validate(json.data, json.len, 0, &err) &&
	    !ayak_json_decode_string(json.data, json.len, &dec, NULL, &err)) {
		for (canon = DEDUP_CANON_NONE; canon <= DEDUP_CANON_PUNCT; canon++) {
			if (dedup_canon(dec.data ? dec.data : "", dec.len, canon, &x) ||
			    dedup_canon_json(json.data, json.len, canon, &y, &scratch))
				abort();
			if (x.len != y.len || (x.len && memcmp(x.data, y.data, x.len)))
				abort();
		}
	}
	ayak_buf_release(&dec);
	ayak_buf_release(&x);
	ayak_buf_release(&y);
	ayak_buf_release(&scratch);
	ayak_buf_release(&json);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!size)
		return 0;
	switch (data[0] % 4) {
	case 0:
		stage_file(data + 1, size - 1);
		break;
	case 1:
		date(data + 1, size - 1);
		break;
	case 2:
		url(data + 1, size - 1);
		break;
	case 3:
		text(data + 1, size - 1);
		break;
	}
	return 0;
}
