/*
 * Unit tests for the deduplication library (dedup.h): canonical forms,
 * words, URL and line keys, dates, MinHash (SIMD against portable code,
 * estimates against exact Jaccard), the radix sort, the external sorter,
 * stage files and clustering.  Prints TAP.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xxhash.h>

#include "dedup.h"
#include "json.h"

#include "tap.h"

static int is_str(const struct ayak_buf *b, const char *want, const char *name)
{
	int same = b->len == strlen(want) && !memcmp(b->data ? b->data : "", want, b->len);

	ok(same, "%s", name);
	if (!same)
		printf("#   got  '%.*s'\n#   want '%s'\n", (int)b->len, b->data ? b->data : "", want);
	return same;
}

/* No libm: the Makefile does not link it. */
static double absd(double x)
{
	return x < 0 ? -x : x;
}

static double powi(double x, int n)
{
	double r = 1;

	while (n-- > 0)
		r *= x;
	return r;
}

static uint64_t rng = 88172645463325252ULL;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* ---- text ---- */

static void test_canon(void)
{
	struct ayak_buf b = AYAK_BUF_INIT;
	const char *s = "  Saya\t suka\n\n MAKAN  nasi\xc2\xa0" "lemak!  ";

	dedup_canon(s, strlen(s), DEDUP_CANON_NONE, &b);
	is_str(&b, s, "canon none keeps the text");
	dedup_canon(s, strlen(s), DEDUP_CANON_SPACE, &b);
	is_str(&b, "Saya suka MAKAN nasi lemak!", "canon space: runs and NBSP to one space, ends trimmed");
	dedup_canon(s, strlen(s), DEDUP_CANON_CASE, &b);
	is_str(&b, "saya suka makan nasi lemak!", "canon case folds");
	dedup_canon(s, strlen(s), DEDUP_CANON_PUNCT, &b);
	is_str(&b, "saya suka makan nasi lemak", "canon punct keeps words only");
	s = "\xc3\x89" "cole \xe2\x80\x83 \xc4\xb0stanbul \xe4\xb8\xad\xe6\x96\x87";
	dedup_canon(s, strlen(s), DEDUP_CANON_CASE, &b);
	/* Simple case folding: dotted capital I has none and stays. */
	is_str(&b, "\xc3\xa9" "cole \xc4\xb0stanbul \xe4\xb8\xad\xe6\x96\x87",
	       "canon case: accented capitals, em space, Han");
	dedup_canon("", 0, DEDUP_CANON_SPACE, &b);
	is_str(&b, "", "canon of nothing");
	dedup_canon(" \n\t ", 4, DEDUP_CANON_SPACE, &b);
	is_str(&b, "", "canon of white space only");
	ayak_buf_release(&b);
}

/* A plain reference: decode, split on white space, join, fold. */
static void canon_ref(const char *s, size_t n, int fold, struct ayak_buf *out)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	int pending = 0;
	uint32_t cp;
	char u[4];

	ayak_buf_reset(out);
	while (p < end) {
		int k = ayak_utf8_decode(p, end, &cp);

		p += k;
		if (cp == ' ' || (cp >= 9 && cp <= 13) || cp == 0x85 || cp == 0xA0 ||
		    cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 ||
		    cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000) {
			pending = 1;
			continue;
		}
		if (pending && out->len)
			ayak_buf_add(out, " ", 1);
		pending = 0;
		if (fold && cp >= 'A' && cp <= 'Z')
			cp += 32;
		ayak_buf_add(out, u, (size_t)ayak_utf8_encode(cp, u));
	}
}

static void test_canon_random(void)
{
	static const char *const atoms[] = {
		"a", "B", "kata", "Kata ", " ", "  ", "\t", "\n", "\r\n", "\xc2\xa0", "\xe3\x80\x80",
		"\xe2\x80\x89", "\xe4\xb8\xad", "\xc3\xa9", "\\", "\"", "x/y", "\x01", "ABCDEFGHIJ",
		"abcdefghijklmnop", "12 34", "\xf0\x9f\x98\x80", "\xe1\x9a\x80",
	};
	struct ayak_buf s = AYAK_BUF_INIT, json = AYAK_BUF_INIT, dec = AYAK_BUF_INIT;
	struct ayak_buf got = AYAK_BUF_INIT, want = AYAK_BUF_INIT, scratch = AYAK_BUF_INIT;
	struct ayak_err err;
	int i, bad_space = 0, bad_case = 0, bad_json = 0, bad_json_case = 0;

	for (i = 0; i < 20000; i++) {
		int k, n = (int)(rnd() % 24);

		ayak_buf_reset(&s);
		for (k = 0; k < n; k++)
			ayak_buf_addstr(&s, atoms[rnd() % (sizeof(atoms) / sizeof(atoms[0]))]);
		ayak_buf_reset(&json);
		ayak_json_encode_string(&json, s.data ? s.data : "", s.len);
		if (rnd() % 2) {
			/* Escape some characters the encoder leaves alone. */
			struct ayak_buf t = AYAK_BUF_INIT;
			size_t j;

			for (j = 0; j < json.len; j++) {
				char c = json.data[j];

				if (j && j + 1 < json.len && (c == 'a' || c == 'B' || c == ' ') && rnd() % 2)
					ayak_buf_addf(&t, "\\u%04x", (unsigned)(unsigned char)c);
				else
					ayak_buf_add(&t, &c, 1);
			}
			ayak_buf_reset(&json);
			ayak_buf_add(&json, t.data, t.len);
			ayak_buf_release(&t);
		}
		ayak_buf_reset(&dec);
		if (ayak_json_decode_string(json.data, json.len, &dec, NULL, &err))
			continue;
		canon_ref(dec.data ? dec.data : "", dec.len, 0, &want);
		dedup_canon(dec.data ? dec.data : "", dec.len, DEDUP_CANON_SPACE, &got);
		if (got.len != want.len || memcmp(got.data, want.data ? want.data : "", got.len))
			bad_space++;
		dedup_canon_json(json.data, json.len, DEDUP_CANON_SPACE, &got, &scratch);
		if (got.len != want.len || memcmp(got.data, want.data ? want.data : "", got.len))
			bad_json++;
		canon_ref(dec.data ? dec.data : "", dec.len, 1, &want);
		dedup_canon(dec.data ? dec.data : "", dec.len, DEDUP_CANON_CASE, &got);
		if (got.len != want.len || memcmp(got.data, want.data ? want.data : "", got.len))
			bad_case++;
		dedup_canon_json(json.data, json.len, DEDUP_CANON_CASE, &got, &scratch);
		if (got.len != want.len || memcmp(got.data, want.data ? want.data : "", got.len)) {
			if (!bad_json_case)
				printf("# json case: '%.*s' -> '%.*s', want '%.*s'\n", (int)json.len,
				       json.data, (int)got.len, got.data, (int)want.len, want.data);
			bad_json_case++;
		}
	}
	ok(!bad_space, "canon space agrees with a plain reference on 20000 random texts (%d differ)",
	   bad_space);
	ok(!bad_case, "canon case agrees with the reference (%d differ)", bad_case);
	ok(!bad_json, "canon space straight from JSON agrees with decode + canon (%d differ)",
	   bad_json);
	ok(!bad_json_case, "canon case straight from JSON agrees (%d differ)", bad_json_case);
	ayak_buf_release(&s);
	ayak_buf_release(&json);
	ayak_buf_release(&dec);
	ayak_buf_release(&got);
	ayak_buf_release(&want);
	ayak_buf_release(&scratch);
}

/* dedup_canon_hash() makes long forms a part at a time: the hash of the whole form all the same. */
static void test_canon_hash(void)
{
	static const char *const atoms[] = {
		"a", "B", "kata", "Kata ", " ", "  ", "\t", "\n", "\r\n", "\xc2\xa0", "\xe3\x80\x80",
		"\xe4\xb8\xad", "\xc3\x89", "ABCDEFGHIJ", "12 34", "\xf0\x9f\x98\x80",
	};
	struct ayak_buf s = AYAK_BUF_INIT, form = AYAK_BUF_INIT, scratch = AYAK_BUF_INIT;
	int i, canon, bad = 0;

	for (i = 0; i < 12; i++) {
		size_t want = 50000 + rnd() % 200000;

		ayak_buf_reset(&s);
		while (s.len < want) {
			if (i == 0 && s.len < 140000)	/* no place to cut for 140 KB, then some */
				ayak_buf_addstr(&s, rnd() % 2 ? "\xe4\xb8\xad" : " a ");
			else
				ayak_buf_addstr(&s, atoms[rnd() % (sizeof(atoms) / sizeof(atoms[0]))]);
		}
		for (canon = DEDUP_CANON_NONE; canon <= DEDUP_CANON_PUNCT; canon++) {
			XXH128_hash_t x;
			uint64_t h[2];

			dedup_canon(s.data, s.len, canon, &form);
			x = XXH3_128bits(form.data, form.len);
			if (dedup_canon_hash(s.data, s.len, canon, &scratch, h) || h[0] != x.high64 ||
			    h[1] != x.low64)
				bad++;
		}
	}
	ok(!bad, "canon hash of long texts made in parts is the hash of the whole form (%d differ)",
	   bad);
	ayak_buf_release(&s);
	ayak_buf_release(&form);
	ayak_buf_release(&scratch);
}

static int collect(void *ctx, const char *w, size_t len)
{
	struct ayak_buf *b = ctx;

	if (b->len)
		ayak_buf_add(b, "|", 1);
	return ayak_buf_add(b, w, len);
}

static void test_words(void)
{
	struct ayak_buf b = AYAK_BUF_INIT, scratch = AYAK_BUF_INIT;
	const char *s = "Ke-2 kali: \"Kerajaan\" umum (PKP)... \xe4\xb8\xad\xe6\x96\x87" "abc "
			"\xe0\xae\xa4\xe0\xae\xae\xe0\xae\xbf\xe0\xae\xb4\xe0\xaf\x8d";

	dedup_words(s, strlen(s), collect, &b, &scratch);
	is_str(&b, "ke|2|kali|kerajaan|umum|pkp|\xe4\xb8\xad|\xe6\x96\x87|abc|"
	       "\xe0\xae\xa4\xe0\xae\xae\xe0\xae\xbf\xe0\xae\xb4\xe0\xaf\x8d",
	       "words: punctuation splits, case folds, Han one by one, Tamil marks stay");
	ok(dedup_chars("a\xc3\xa9\xe4\xb8\xad", 6) == 3, "length in characters");
	ayak_buf_release(&b);
	ayak_buf_release(&scratch);
}

static void test_url(void)
{
	static const char *const cases[][2] = {
		{ "https://www.Example.MY/berita/", "example.my/berita" },
		{ "http://example.my:80/berita#top", "example.my/berita" },
		{ "HTTPS://user:pw@example.my:443/a/b/?", "example.my/a/b" },
		{ "https://example.my", "example.my/" },
		{ "https://example.my/?q=1#x", "example.my/?q=1" },
		{ "https://example.my:8080/x", "example.my:8080/x" },
		{ "http://[::1]:80/x", "[::1]/x" },
		{ " https://example.my./x ", "example.my/x" },
	};
	struct ayak_buf b = AYAK_BUF_INIT;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int r = dedup_url_key(cases[i][0], strlen(cases[i][0]), &b);

		ok(r == 0, "url '%s' is a URL", cases[i][0]);
		is_str(&b, cases[i][1], cases[i][0]);
	}
	ok(dedup_url_key(" ftp://x/y ", 11, &b) == 1 && b.len == 9 && !memcmp(b.data, "ftp://x/y", 9),
	   "a non-http URL is used as it is, trimmed");
	ayak_buf_release(&b);
}

static void test_lines(void)
{
	struct ayak_buf b = AYAK_BUF_INIT;
	const char *s = "  Hak Cipta \xc2\xa9 2024, Terpelihara!  ";

	dedup_line_norm(s, strlen(s), &b);
	is_str(&b, "hak cipta 0000 terpelihara", "line norm: folded, digits 0, symbols gone");
	dedup_line_norm("--- | ---", 9, &b);
	is_str(&b, "", "line of symbols only is empty");
	s = "Tarikh \xd9\xa1\xd9\xa2";
	dedup_line_norm(s, strlen(s), &b);
	is_str(&b, "tarikh 00", "Arabic-Indic digits are digits");
	ayak_buf_release(&b);
}

static void test_dates(void)
{
	double t;

	ok(!dedup_parse_date("1970-01-01", 10, &t) && t == 0, "epoch");
	ok(!dedup_parse_date("2024-06-01T00:00:00Z", 20, &t) && t == 1717200000, "a date-time in UTC");
	ok(!dedup_parse_date("2024-06-01 08:00:00+08:00", 25, &t) && t == 1717200000,
	   "a date-time with an offset");
	ok(!dedup_parse_date("2024-06-01T00:00:00.5Z", 22, &t) && t == 1717200000.5, "fractions");
	ok(!dedup_parse_date("2024-02-29", 10, &t), "a leap day");
	ok(dedup_parse_date("2023-02-29", 10, &t) < 0, "not a leap day");
	ok(dedup_parse_date("2024-13-01", 10, &t) < 0, "month 13");
	ok(dedup_parse_date("yesterday", 9, &t) < 0, "not a date");
	ok(dedup_parse_date("2024-06-01T00:00Zjunk", 21, &t) < 0, "trailing junk");
	ok(dedup_rank_of_double(-1e300) > 0 && dedup_rank_of_double(-1) < dedup_rank_of_double(-0.5) &&
	   dedup_rank_of_double(-0.5) < dedup_rank_of_double(0) &&
	   dedup_rank_of_double(0) < dedup_rank_of_double(2.5) &&
	   dedup_rank_of_double(2.5) < dedup_rank_of_double(1e300), "ranks sort as the numbers");
	ok(dedup_rank_of_double(-0.0) == dedup_rank_of_double(0), "-0 ranks as 0");
}

/* ---- MinHash ---- */

static void random_text(struct ayak_buf *b, size_t words, uint64_t vocab)
{
	size_t i;

	ayak_buf_reset(b);
	for (i = 0; i < words; i++)
		ayak_buf_addf(b, "%sw%llu", i ? " " : "", (unsigned long long)(rnd() % vocab));
}

static void test_minhash(void)
{
	struct dedup_minhash m, p;
	struct ayak_buf a = AYAK_BUF_INIT, b = AYAK_BUF_INIT;
	uint64_t ka[14], kb[14], kp[14];
	uint32_t *sa, *sb;
	size_t na, nb, i, j;
	int same_simd = 1, same_sort = 1;
	double sum = 0, sum2 = 0;

	ok(!dedup_minhash_init(&m, DEDUP_UNIT_WORD, 5, 14, 8, 0), "minhash 14x8");
	ok(!dedup_minhash_init(&p, DEDUP_UNIT_WORD, 5, 14, 8, 0), "a second one");
	dedup_minhash_force_portable(&p);
	printf("# code path: %s\n", dedup_minhash_impl(&m));
	for (i = 0; i < 200; i++) {
		random_text(&a, 1 + rnd() % 400, 1000);
		dedup_shingle(&m, a.data, a.len);
		dedup_minhash_sign(&m, ka);
		dedup_shingle(&p, a.data, a.len);
		dedup_minhash_sign(&p, kp);
		if (memcmp(ka, kp, sizeof(ka)) || memcmp(m.sig, p.sig, 112 * sizeof(uint32_t)))
			same_simd = 0;
	}
	ok(same_simd, "%s code gives the portable code's signatures", dedup_minhash_impl(&m));

	/* A block at a time (4096 shingles) as all at once: lengths around the blocks. */
	{
		static const size_t words[] = { 0, 1, 4, 5, 6, 4099, 4100, 4101, 8195, 8196, 20000 };
		struct dedup_minhash c;
		int same = 1, same_chars = 1;

		ok(!dedup_minhash_init(&c, DEDUP_UNIT_CHAR, 5, 14, 8, 0), "minhash of characters");
		for (i = 0; i < sizeof(words) / sizeof(*words); i++) {
			ssize_t k;

			random_text(&a, words[i], 1000);
			dedup_shingle(&m, a.data, a.len);
			memset(ka, 0, sizeof(ka));
			if (m.nsh)
				dedup_minhash_sign(&m, ka);
			memset(kb, 0, sizeof(kb));
			k = dedup_shingle_sign(&m, a.data, a.len, kb);
			if (k < 0 || (size_t)k != (words[i] < 5 ? words[i] > 0 : words[i] - 4) ||
			    memcmp(ka, kb, sizeof(ka)))
				same = 0;
			dedup_shingle(&c, a.data, a.len);
			na = c.nsh;
			memset(ka, 0, sizeof(ka));
			if (na)
				dedup_minhash_sign(&c, ka);
			memset(kb, 0, sizeof(kb));
			k = dedup_shingle_sign(&c, a.data, a.len, kb);
			if (k < 0 || (size_t)k != na || memcmp(ka, kb, sizeof(ka)))
				same_chars = 0;
		}
		ok(same, "dedup_shingle_sign: the shingle count and band keys of words, all at once");
		ok(same_chars, "dedup_shingle_sign: the same of characters");
		dedup_minhash_release(&c);
	}

	dedup_shingle(&m, "Satu dua tiga empat lima enam", 29);
	ok(m.nsh == 2, "six words give two 5-word shingles");
	dedup_shingle(&m, "Satu dua", 8);
	ok(m.nsh == 1, "two words give one shingle");
	dedup_shingle(&m, "... !!", 6);
	ok(m.nsh == 0, "no words, no shingles");

	dedup_shingle(&m, "Satu, DUA tiga empat lima enam.", 31);
	dedup_minhash_sign(&m, ka);
	dedup_shingle(&m, "satu dua tiga empat lima enam", 29);
	dedup_minhash_sign(&m, kb);
	ok(!memcmp(ka, kb, sizeof(ka)), "case and punctuation do not change the signature");

	/* Estimates against exact Jaccard. */
	sa = malloc(4000 * sizeof(*sa));
	sb = malloc(4000 * sizeof(*sb));
	for (i = 0; i < 300; i++) {
		size_t n = 200 + rnd() % 300, keep = n * (50 + rnd() % 50) / 100;
		double jac, est;
		unsigned eq = 0;

		random_text(&a, n, 100000);
		ayak_buf_reset(&b);
		ayak_buf_add(&b, a.data, a.len);
		/* Replace the tail of b with other words. */
		{
			size_t w = 0, pos = 0;

			while (pos < b.len && w < keep)
				if (b.data[pos++] == ' ')
					w++;
			b.len = pos;
			for (j = keep; j < n; j++)
				ayak_buf_addf(&b, "x%llu ", (unsigned long long)(rnd() % 100000));
		}
		dedup_shingle(&m, a.data, a.len);
		na = dedup_shingle_set(&m, sa);
		dedup_minhash_sign(&m, NULL);
		{
			uint32_t siga[112];

			memcpy(siga, m.sig, sizeof(siga));
			dedup_shingle(&m, b.data, b.len);
			nb = dedup_shingle_set(&m, sb);
			dedup_minhash_sign(&m, NULL);
			for (j = 0; j < 112; j++)
				eq += siga[j] == m.sig[j];
		}
		jac = dedup_jaccard(sa, na, sb, nb);
		est = eq / 112.0;
		sum += est - jac;
		sum2 += (est - jac) * (est - jac);
		for (j = 1; j < na; j++)
			if (sa[j - 1] >= sa[j])
				same_sort = 0;
	}
	ok(same_sort, "shingle sets come sorted and distinct");
	ok(absd(sum / 300) < 0.01, "estimates are unbiased (mean error %.4f)", sum / 300);
	ok(sum2 / 300 < 0.06 * 0.06, "estimates spread as 112 samples do (mean square %.5f)",
	   sum2 / 300);
	{
		uint32_t x[] = { 1, 2, 3, 4 }, y[] = { 3, 4, 5, 6 };

		ok(dedup_jaccard(x, 4, y, 4) == 2.0 / 6, "exact Jaccard");
	}
	ok(absd(dedup_lsh_prob(0.9, 14, 8) - (1 - powi(1 - powi(0.9, 8), 14))) < 1e-12 &&
	   dedup_lsh_prob(0.3, 14, 8) < 0.001 && dedup_lsh_prob(0.9, 14, 8) > 0.99,
	   "S-curve: 0.9 almost always a candidate, 0.3 almost never");
	free(sa);
	free(sb);
	dedup_minhash_release(&m);
	dedup_minhash_release(&p);
	ayak_buf_release(&a);
	ayak_buf_release(&b);
}

/* ---- sorting ---- */

static int cmp3(const void *a, const void *b)
{
	return dedup_rec_cmp(a, b, 3);
}

static void test_sort(void)
{
	size_t n = 400000, i;
	uint64_t *a = malloc(n * 3 * sizeof(*a)), *b = malloc(n * 3 * sizeof(*b));
	struct dedup_mem mem;
	struct dedup_sorter *s;
	struct dedup_stream *st;
	struct ayak_err err;
	const uint64_t *rec;
	int r = -1, same = 1;

	for (i = 0; i < n; i++) {
		/* Few distinct first words, so the later words decide. */
		a[3 * i] = (rnd() % 50) << 58 | (i % 7 ? 0 : rnd() % 3);
		a[3 * i + 1] = rnd() % 4;
		a[3 * i + 2] = rnd();
	}
	memcpy(b, a, n * 3 * sizeof(*a));
	dedup_sort_records(a, n, 3);
	qsort(b, n, 3 * sizeof(*b), cmp3);
	ok(!memcmp(a, b, n * 3 * sizeof(*a)), "radix sort agrees with qsort on 400000 records");

	/* The external sorter with 64 KB: many runs, merged in cascades. */
	for (i = 0; i < n; i++) {
		a[3 * i] = rnd() % 1000;
		a[3 * i + 1] = rnd();
		a[3 * i + 2] = i;
	}
	memcpy(b, a, n * 3 * sizeof(*a));
	qsort(b, n, 3 * sizeof(*b), cmp3);
	dedup_mem_init(&mem, 64 << 10, getenv("TMPDIR"));
	s = dedup_sorter_new(&mem, 3);
	for (i = 0; i < n; i++)
		if (dedup_sorter_add(s, a + 3 * i, &err))
			break;
	ok(i == n && dedup_sorter_count(s) == n, "sorter takes every record");
	ok(mem.runs > 64, "a small budget spills many runs (%llu)", (unsigned long long)mem.runs);
	ok(mem.peak <= (64 << 10) + 4096 * 24, "and stays within its budget (peak %llu)",
	   (unsigned long long)mem.peak);
	st = dedup_sorter_finish(s, &err);
	i = 0;
	while (st && (r = dedup_stream_next(st, &rec, &err)) > 0) {
		if (i >= n || memcmp(rec, b + 3 * i, 3 * sizeof(*rec)))
			same = 0;
		i++;
	}
	ok(st && same && i == n && r == 0, "the merged runs come out sorted and complete");
	dedup_sorter_free(s);
	dedup_mem_release(&mem);
	free(a);
	free(b);
}

static void test_set(void)
{
	struct dedup_set s;
	uint64_t i;
	int good = 1;

	dedup_set_init(&s);
	for (i = 0; i < 10000; i++)
		dedup_set_add(&s, i * 7919);
	for (i = 0; i < 10000; i++)
		if (!dedup_set_has(&s, i * 7919) || dedup_set_has(&s, i * 7919 + 1))
			good = 0;
	ok(good && s.n == 9999 && s.has_zero, "hash set of 10000 values, zero included");
	dedup_set_release(&s);
}

/* ---- stage files ---- */

static void test_files(void)
{
	char dir[] = "/tmp/test-dedup.XXXXXX", path[256];
	struct dedup_header h = { DEDUP_K_BAND, 0x1234, 2, 7, 9 }, g;
	struct dedup_fwriter *w;
	struct dedup_stream *s;
	struct ayak_err err;
	const uint64_t *rec;
	uint64_t i, n, *all;
	int r = -1, good = 1;
	FILE *f;

	if (!mkdtemp(dir)) {
		ok(0, "mkdtemp");
		return;
	}
	snprintf(path, sizeof(path), "%s/x.band", dir);
	w = dedup_fwriter_new(path, &h, &err);
	for (i = 0; w && i < 10000; i++) {
		uint64_t v[2] = { i * 3, ~i };

		dedup_fwriter_add(w, v, &err);
	}
	ok(w && !dedup_fwriter_close(w, &err), "write a stage file");
	s = dedup_fopen(path, DEDUP_K_BAND, 0x1234, &g, &n, &err);
	ok(s && n == 10000 && g.nw == 2 && g.id == 7 && g.aux == 9, "its header reads back");
	for (i = 0; s && (r = dedup_stream_next(s, &rec, &err)) > 0; i++)
		if (rec[0] != i * 3 || rec[1] != ~i)
			good = 0;
	ok(good && i == 10000 && r == 0, "its records read back");
	dedup_stream_free(s);
	ok(!dedup_fload(path, DEDUP_K_BAND, 0x1234, &g, &all, &n, &err) && n == 10000 &&
	   all[2] == 3, "and load whole");
	free(all);
	s = dedup_fopen(path, DEDUP_K_EXACT, 0x1234, &g, &n, &err);
	ok(!s && strstr(err.msg, "a band file, not exact"), "the wrong kind: %s", err.msg);
	s = dedup_fopen(path, DEDUP_K_BAND, 0x9999, &g, &n, &err);
	ok(!s && strstr(err.msg, "other parameters"), "other parameters: %s", err.msg);
	/* Flip one byte of the records. */
	f = fopen(path, "r+b");
	fseek(f, 1000, SEEK_SET);
	fputc(0x55, f);
	fclose(f);
	s = dedup_fopen(path, DEDUP_K_BAND, 0x1234, &g, &n, &err);
	while (s && (r = dedup_stream_next(s, &rec, &err)) > 0)
		;
	ok(s && r < 0 && strstr(err.msg, "checksum mismatch"), "a changed byte: %s", err.msg);
	dedup_stream_free(s);
	if (truncate(path, 5000))
		printf("# truncate failed\n");
	s = dedup_fopen(path, DEDUP_K_BAND, 0x1234, &g, &n, &err);
	ok(!s && strstr(err.msg, "truncated or corrupt"), "a truncated file: %s", err.msg);
	snprintf(path, sizeof(path), "%s/missing", dir);
	s = dedup_fopen(path, DEDUP_K_BAND, 0, &g, &n, &err);
	ok(!s && err.code == AYAK_E_SYS, "a missing file is a system error");
	snprintf(path, sizeof(path), "rm -rf %s", dir);
	if (system(path))
		printf("# cleanup failed\n");
}

/* ---- clustering ---- */

static void test_cluster(void)
{
	/* exact: [hi, lo, doc]; band: [key, doc]; url: [hi, lo, doc, rank]; line: [h, doc] */
	uint64_t exact[] = { 5, 5, 0, 5, 5, 4, 9, 9, 2 };
	uint64_t band[] = { 10, 0, 10, 3, 10, 4, 11, 4, 11, 6, 12, 1, 12, 8 };
	uint64_t url[] = { 1, 1, 6, 0, 1, 1, 7, 100, 2, 2, 8, 0 };
	uint64_t line[] = { 70, 0, 70, 1, 70, 2, 71, 0 };
	struct dedup_stream *se = dedup_stream_mem(exact, 3, 3), *sb = dedup_stream_mem(band, 7, 2);
	struct dedup_stream *su = dedup_stream_mem(url, 3, 4), *sl = dedup_stream_mem(line, 4, 2);
	struct dedup_cluster_opts o = { 0 };
	struct dedup_cluster_stats st = { 0 };
	struct dedup_recs pairs, urlg, freq, dec;
	struct dedup_stream *ps, *us;
	struct ayak_err err;
	uint64_t base = 100, nclusters;
	size_t i;
	char got[256] = "";

	o.line_max = 2;
	dedup_recs_init(&pairs, 4);
	dedup_recs_init(&urlg, 3);
	dedup_recs_init(&freq, 1);
	dedup_recs_init(&dec, 4);
	ok(!dedup_cluster(&o, se, sb, su, sl, &pairs, &urlg, &freq, &st, &err), "cluster");
	ok(st.exact_groups == 1 && st.buckets == 3 && st.url_groups == 1 && st.freq_lines == 1,
	   "groups: 1 exact, 3 buckets, 1 URL, 1 frequent line");
	ok(urlg.n == 2 && urlg.a[0] == 6 && urlg.a[1] == 6 && urlg.a[2] == 0 && urlg.a[3] == 6 &&
	   urlg.a[4] == 7 && urlg.a[5] == 100, "the URL group of docs 6 and 7 goes whole, with ranks");
	ok(freq.n == 1 && freq.a[0] == 70, "the line in 3 documents is frequent (limit 2)");
	ps = dedup_stream_mem(pairs.a, pairs.n, 4);
	us = dedup_stream_mem(urlg.a, urlg.n, 3);
	ok(!dedup_resolve(ps, us, NULL, &base, 1, &dec, &nclusters, &err), "resolve");
	for (i = 0; i < dec.n; i++)
		snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s%llu:%llu/%llu/%s",
			 i ? " " : "", (unsigned long long)dec.a[4 * i],
			 (unsigned long long)dec.a[4 * i + 1], (unsigned long long)dec.a[4 * i + 2],
			 dedup_reason_name((int)dec.a[4 * i + 3]));
	/* {0,3,4,6} by bands, 4 an exact copy of 0, 6 also a URL copy; {1,8}. */
	ok(!strcmp(got, "0:100/4/keep 1:101/2/keep 3:100/4/near 4:100/4/exact 6:100/4/near "
		   "8:101/2/near"), "decisions: %s", got);
	ok(nclusters == 2, "two clusters");
	dedup_stream_free(se);
	dedup_stream_free(sb);
	dedup_stream_free(su);
	dedup_stream_free(sl);
	dedup_stream_free(ps);
	dedup_stream_free(us);
	dedup_recs_release(&pairs);
	dedup_recs_release(&urlg);
	dedup_recs_release(&freq);
	dedup_recs_release(&dec);
}

/*
 * Records left empty by repeated-line removal: doc 2's lines are all
 * frequent, doc 1's not; doc 2 then keeps no URL, so doc 1 keeps it.
 */
static void test_empty(void)
{
	uint64_t lines[] = { 5, 1, 7, 1, 5, 2, 6, 2, 9, 3 };	/* [line hash, doc] by doc */
	uint64_t url_group[] = { 1, 1, 0, 1, 2, 5 };	/* doc 2 of the higher URL rank */
	struct dedup_stream *em, *ps, *us;
	struct dedup_recs pairs, dec;
	struct dedup_set freq;
	struct ayak_err err;
	const uint64_t *rec;
	uint64_t base = 0, nclusters;
	char got[64] = "";
	int r, pass;

	dedup_set_init(&freq);
	dedup_set_add(&freq, 5);
	dedup_set_add(&freq, 6);
	dedup_set_add(&freq, 9);
	em = dedup_stream_empty(dedup_stream_mem(lines, 5, 2), &freq, &err);
	while ((r = dedup_stream_next(em, &rec, &err)) > 0)
		snprintf(got + strlen(got), sizeof(got) - strlen(got), "%llu ",
			 (unsigned long long)rec[0]);
	ok(r == 0 && !strcmp(got, "2 3 "), "empty: docs whose lines are all frequent: %s", got);
	dedup_stream_free(em);
	dedup_recs_init(&pairs, 4);
	for (pass = 0; pass < 2; pass++) {
		dedup_recs_init(&dec, 4);
		ps = dedup_stream_mem(pairs.a, 0, 4);
		us = dedup_stream_mem(url_group, 2, 3);
		em = pass ? dedup_stream_empty(dedup_stream_mem(lines, 5, 2), &freq, &err) : NULL;
		ok(!dedup_resolve(ps, us, em, &base, 1, &dec, &nclusters, &err) && dec.n == 1 &&
		   dec.a[0] == (pass ? 2 : 1) && dec.a[3] == DEDUP_DROP_URL,
		   pass ? "a record left empty keeps no URL" : "the higher URL rank keeps the URL");
		dedup_stream_free(ps);
		dedup_stream_free(us);
		dedup_stream_free(em);
		dedup_recs_release(&dec);
	}
	dedup_recs_release(&pairs);
	dedup_set_release(&freq);
}

/*
 * The keeper has the highest rank, lowest doc on ties; a keeper whose URL
 * another kept record has (doc 9, of a higher URL rank) hands its place to
 * the next best of its cluster, and is then a near copy of that one.
 */
static void test_keeper(void)
{
	uint64_t band[] = { 20, 0, 1, 20, 1, 5, 20, 2, 5, 20, 3, 2 };
	uint64_t url_group[] = { 1, 1, 0, 1, 9, 1 };	/* [first doc, doc, url rank] */
	struct dedup_stream *sb = dedup_stream_mem(band, 4, 3), *ps, *us;
	struct dedup_cluster_opts o = { 0 };
	struct dedup_cluster_stats st = { 0 };
	struct dedup_recs pairs, urlg, freq, dec;
	struct ayak_err err;
	uint64_t base = 0, nclusters;
	int pass;

	o.has_rank = 1;
	dedup_recs_init(&pairs, 4);
	dedup_recs_init(&urlg, 3);
	dedup_recs_init(&freq, 1);
	dedup_cluster(&o, NULL, sb, NULL, NULL, &pairs, &urlg, &freq, &st, &err);
	for (pass = 0; pass < 2; pass++) {
		dedup_recs_init(&dec, 4);
		ps = dedup_stream_mem(pairs.a, pairs.n, 4);
		us = dedup_stream_mem(url_group, pass ? 2 : 0, 3);
		dedup_resolve(ps, us, NULL, &base, 1, &dec, &nclusters, &err);
		ok(dec.n == 4 && dec.a[4 * (pass + 1) + 3] == DEDUP_KEEP && dec.a[4 * 0 + 3] != DEDUP_KEEP &&
		   (!pass || dec.a[4 * 1 + 3] == DEDUP_DROP_NEAR),
		   pass ? "a keeper dropped for its URL: the next best is kept" :
			  "the highest rank is kept, the first of equals");
		dedup_stream_free(ps);
		dedup_stream_free(us);
		dedup_recs_release(&dec);
	}
	dedup_stream_free(sb);
	dedup_recs_release(&pairs);
	dedup_recs_release(&urlg);
	dedup_recs_release(&freq);
}

int main(void)
{
	test_canon();
	test_canon_random();
	test_canon_hash();
	test_words();
	test_url();
	test_lines();
	test_dates();
	test_minhash();
	test_sort();
	test_set();
	test_files();
	test_cluster();
	test_keeper();
	test_empty();
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}
