/*
 * ayak-norm's NFC and NFKC against Unicode's conformance file,
 * NormalizationTest.txt: through the whole engine (ayak_norm_utf8), so that
 * the fast path that skips ICU for text already in normal form is checked
 * too.
 *
 * Always: the excerpt in tests/data/norm/NormalizationTest-sample.txt.
 * When Debian's unicode-data package is installed: the whole file
 * (/usr/share/unicode/NormalizationTest.txt.bz2), and invariant 2 of the
 * file (every assigned code point not listed in Part 1 is its own NFC and
 * NFKC) over all code points.
 *
 * Lines with characters that ayak-norm's cleanup changes on purpose
 * (spaces, controls, invisible characters) are left out and counted.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/uchar.h>

#include "norm.h"
#include "stream.h"

#define FULL "/usr/share/unicode/NormalizationTest.txt.bz2"

static int n, failed;

static void ok(int cond, const char *what)
{
	printf("%sok %d - %s\n", cond ? "" : "not ", ++n, what);
	failed += !cond;
}

/* Characters the cleanup stage changes whatever the normal form says. */
static int cleaned(uint32_t c)
{
	return c < 0x20 || c == 0x7F || (c >= 0x80 && c <= 0xA0) || c == 0xAD || c == 0x1680 ||
	       c == 0x180E || (c >= 0x2000 && c <= 0x200D) || c == 0x2028 || c == 0x2029 ||
	       c == 0x202F || c == 0x205F || c == 0x2060 || c == 0x3000 || c == 0xFEFF ||
	       c == ' ';
}

/* "0044 0307" -> UTF-8; 0 if a character is one the cleanup changes. */
static int column(const char *p, const char *end, struct ayak_buf *b)
{
	ayak_buf_reset(b);
	while (p < end) {
		char *q;
		unsigned long c = strtoul(p, &q, 16);
		char u[4];

		if (q == p)
			break;
		if (cleaned((uint32_t)c))
			return 0;
		ayak_buf_add(b, u, (size_t)ayak_utf8_encode((uint32_t)c, u));
		p = q;
		while (p < end && *p == ' ')
			p++;
	}
	return 1;
}

struct run {
	struct ayak_norm *nfc, *nfkc;
	struct ayak_buf col[5], out;
	unsigned char *in_part1;	/* bitmap of code points listed in Part 1 */
	long lines, skipped, bad;
};

static int same(struct ayak_norm *e, const struct ayak_buf *in, const struct ayak_buf *want,
		struct ayak_buf *out)
{
	struct ayak_err err;
	int changed;

	ayak_buf_reset(out);
	if (ayak_norm_utf8(e, in->data ? in->data : "", in->len, out, &changed, &err))
		return 0;
	if (!changed)
		return in->len == want->len && !memcmp(in->data, want->data, in->len);
	return out->len == want->len && !memcmp(out->data, want->data, out->len);
}

static void check_line(struct run *r, const char *line, size_t len, int part)
{
	const char *p = line, *end = line + len;
	int i;

	for (i = 0; i < 5; i++) {
		const char *semi = memchr(p, ';', (size_t)(end - p));

		if (!semi)
			return;
		if (!column(p, semi, &r->col[i])) {
			r->skipped++;
			return;
		}
		if (part == 1 && i == 0 && r->in_part1) {
			uint32_t c = (uint32_t)strtoul(p, NULL, 16);

			r->in_part1[c >> 3] |= (unsigned char)(1u << (c & 7));
		}
		p = semi + 1;
	}
	r->lines++;
	/* NFC: c2 == toNFC(c1) == toNFC(c2) == toNFC(c3); c4 == toNFC(c4) == toNFC(c5) */
	for (i = 0; i < 3; i++)
		if (!same(r->nfc, &r->col[i], &r->col[1], &r->out))
			goto bad;
	for (i = 3; i < 5; i++)
		if (!same(r->nfc, &r->col[i], &r->col[3], &r->out))
			goto bad;
	/* NFKC: c4 == toNFKC(c1..c5) */
	for (i = 0; i < 5; i++)
		if (!same(r->nfkc, &r->col[i], &r->col[3], &r->out))
			goto bad;
	return;
bad:
	if (r->bad++ < 5)
		printf("# mismatch: %.*s\n", (int)len, line);
}

static void run_file(struct run *r, const char *path)
{
	const char *paths[1] = { path };
	struct ayak_err err;
	struct ayak_reader *rd = ayak_reader_new(paths, 1, &err);
	struct ayak_line line;
	int part = -1;

	if (!rd) {
		printf("# cannot read %s: %s\n", path, err.msg);
		r->bad++;
		return;
	}
	while (ayak_reader_next(rd, &line, &err) == 1) {
		if (line.len > 5 && !memcmp(line.data, "@Part", 5)) {
			part = line.data[5] - '0';
			continue;
		}
		if (!line.len || line.data[0] == '#')
			continue;
		check_line(r, line.data, line.len, part);
	}
	ayak_reader_free(rd);
}

int main(void)
{
	const char *top = getenv("AYAK_TOP");
	struct ayak_err err;
	struct run r = { 0 };
	char path[4096], msg[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/tests/data/norm/NormalizationTest-sample.txt",
		 top ? top : ".");
	r.nfc = ayak_norm_new(AYAK_NORM_NO_MOJIBAKE | AYAK_NORM_NO_ENTITIES, NULL, 1, &err);
	r.nfkc = ayak_norm_new(AYAK_NORM_NFKC | AYAK_NORM_NO_MOJIBAKE | AYAK_NORM_NO_ENTITIES,
			       NULL, 1, &err);
	ok(r.nfc && r.nfkc, "the engines start");
	if (!r.nfc || !r.nfkc) {
		printf("1..%d\n", n);
		return 1;
	}
	run_file(&r, path);
	snprintf(msg, sizeof(msg), "excerpt: %ld lines agree, %ld left out (spaces, controls)",
		 r.lines - r.bad, r.skipped);
	ok(r.bad == 0 && r.lines > 700, msg);

	f = fopen(FULL, "r");
	if (!f) {
		printf("ok %d # skip the whole NormalizationTest.txt (install Debian's unicode-data)\n",
		       ++n);
		printf("ok %d # skip invariant 2 over all code points (the same)\n", ++n);
	} else {
		uint32_t c;
		long checked = 0, bad2 = 0;
		struct ayak_buf x = AYAK_BUF_INIT;

		fclose(f);
		r.lines = r.skipped = r.bad = 0;
		r.in_part1 = calloc(0x110000 / 8, 1);
		run_file(&r, FULL);
		snprintf(msg, sizeof(msg), "%s: %ld lines agree, %ld left out", FULL,
			 r.lines - r.bad, r.skipped);
		ok(r.bad == 0 && r.lines > 18000, msg);
		/* Invariant 2: X == toNFC(X) == toNFKC(X) for X not in Part 1. */
		for (c = 0; c < 0x110000; c++) {
			char u[4];

			if ((c >= 0xD800 && c <= 0xDFFF) || !u_isdefined((UChar32)c) || cleaned(c) ||
			    (r.in_part1[c >> 3] >> (c & 7)) & 1)
				continue;
			ayak_buf_reset(&x);
			ayak_buf_add(&x, u, (size_t)ayak_utf8_encode(c, u));
			checked++;
			if (!same(r.nfc, &x, &x, &r.out) || !same(r.nfkc, &x, &x, &r.out)) {
				if (bad2++ < 5)
					printf("# U+%04X changed\n", (unsigned)c);
			}
		}
		snprintf(msg, sizeof(msg), "invariant 2: %ld code points are their own NFC and NFKC",
			 checked - bad2);
		ok(bad2 == 0 && checked > 100000, msg);
		free(r.in_part1);
		ayak_buf_release(&x);
	}
	ayak_norm_free(r.nfc);
	ayak_norm_free(r.nfkc);
	for (int i = 0; i < 5; i++)
		ayak_buf_release(&r.col[i]);
	ayak_buf_release(&r.out);
	printf("1..%d\n", n);
	return failed != 0;
}
