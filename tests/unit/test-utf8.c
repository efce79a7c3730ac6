/*
 * Unit tests for the UTF-8 helpers and number parsing in ayak.h:
 * ayak_utf8_decode/encode/valid_prefix/repair, ayak_parse_size,
 * ayak_parse_count, ayak_parse_u64, ayak_parse_decimal, the byte buffer and
 * ayak_grow.  Prints TAP.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ayak.h"

/* ---- a tiny TAP producer ---- */

#include "tap.h"

static void diag_bytes(const char *label, const void *p, size_t n)
{
	const unsigned char *s = p;
	size_t i;

	printf("#   %s (%zu bytes): ", label, n);
	for (i = 0; i < n && i < 200; i++)
		if (s[i] >= 0x20 && s[i] < 0x7f && s[i] != '\\')
			putchar(s[i]);
		else
			printf("\\x%02X", s[i]);
	if (n > 200)
		printf("...");
	putchar('\n');
}

static int is_mem(const void *got, size_t gotlen, const void *want, size_t wantlen,
		  const char *name)
{
	int same = gotlen == wantlen && (!gotlen || !memcmp(got, want, gotlen));

	ok(same, "%s", name);
	if (!same) {
		diag_bytes("got ", got, gotlen);
		diag_bytes("want", want, wantlen);
	}
	return same;
}

static int is_u64(unsigned long long got, unsigned long long want, const char *name)
{
	ok(got == want, "%s", name);
	if (got != want)
		printf("#   got %llu, want %llu\n", got, want);
	return got == want;
}

/* ---- a reference decoder, written from Unicode 15 Table 3-7 ---- */

/* Returns the length of the well-formed sequence at p, or 0. */
static int ref_decode(const unsigned char *p, size_t avail, uint32_t *cp)
{
	static const struct { unsigned char lo, hi; } second[256] = {
		[0xC2 ... 0xDF] = { 0x80, 0xBF },
		[0xE0] = { 0xA0, 0xBF },
		[0xE1 ... 0xEC] = { 0x80, 0xBF },
		[0xED] = { 0x80, 0x9F },
		[0xEE ... 0xEF] = { 0x80, 0xBF },
		[0xF0] = { 0x90, 0xBF },
		[0xF1 ... 0xF3] = { 0x80, 0xBF },
		[0xF4] = { 0x80, 0x8F },
	};
	int need, i;
	uint32_t v;

	if (avail == 0)
		return 0;
	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	if (p[0] >= 0xC2 && p[0] <= 0xDF)
		need = 2, v = p[0] & 0x1F;
	else if (p[0] >= 0xE0 && p[0] <= 0xEF)
		need = 3, v = p[0] & 0x0F;
	else if (p[0] >= 0xF0 && p[0] <= 0xF4)
		need = 4, v = p[0] & 0x07;
	else
		return 0;
	if (avail < (size_t)need)
		return 0;
	if (p[1] < second[p[0]].lo || p[1] > second[p[0]].hi)
		return 0;
	for (i = 1; i < need; i++) {
		if (i > 1 && (p[i] < 0x80 || p[i] > 0xBF))
			return 0;
		v = v << 6 | (p[i] & 0x3F);
	}
	*cp = v;
	return need;
}

/* ---- tests ---- */

struct dcase {
	const char *bytes;
	size_t len;
	int want_len;		/* 0: ill-formed */
	uint32_t want_cp;
	const char *name;
};

#define D(s, l, cp, name) { s, sizeof(s) - 1, l, cp, name }

static const struct dcase decode_cases[] = {
	D("A", 1, 0x41, "ASCII"),
	D("\x00", 1, 0, "NUL"),
	D("\x7F", 1, 0x7F, "DEL"),
	D("\xC2\x80", 2, 0x80, "U+0080, smallest 2-byte"),
	D("\xC3\xA9", 2, 0xE9, "U+00E9"),
	D("\xDF\xBF", 2, 0x7FF, "U+07FF, largest 2-byte"),
	D("\xE0\xA0\x80", 3, 0x800, "U+0800, smallest 3-byte"),
	D("\xE2\x82\xAC", 3, 0x20AC, "U+20AC euro sign"),
	D("\xED\x9F\xBF", 3, 0xD7FF, "U+D7FF, just below the surrogates"),
	D("\xEE\x80\x80", 3, 0xE000, "U+E000, just above the surrogates"),
	D("\xEF\xBF\xBF", 3, 0xFFFF, "U+FFFF (a noncharacter, but well-formed)"),
	D("\xF0\x90\x80\x80", 4, 0x10000, "U+10000, smallest 4-byte"),
	D("\xF0\x9F\x98\x80", 4, 0x1F600, "U+1F600 valid 4-byte"),
	D("\xF4\x8F\xBF\xBF", 4, 0x10FFFF, "U+10FFFF, the last scalar value"),
	D("\xC0\x80", 0, 0, "overlong C0 80"),
	D("\xC1\xBF", 0, 0, "overlong C1 BF"),
	D("\xE0\x80\x80", 0, 0, "overlong E0 80 80"),
	D("\xE0\x9F\xBF", 0, 0, "overlong E0 9F BF"),
	D("\xF0\x80\x80\x80", 0, 0, "overlong F0 80 80 80"),
	D("\xF0\x8F\xBF\xBF", 0, 0, "overlong F0 8F BF BF"),
	D("\xED\xA0\x80", 0, 0, "surrogate ED A0 80 (U+D800)"),
	D("\xED\xBF\xBF", 0, 0, "surrogate ED BF BF (U+DFFF)"),
	D("\xF4\x90\x80\x80", 0, 0, "F4 90 80 80 (U+110000)"),
	D("\xF5\x80\x80\x80", 0, 0, "lead byte F5"),
	D("\xF8\x88\x80\x80\x80", 0, 0, "5-byte form F8"),
	D("\xFE", 0, 0, "byte FE"),
	D("\xFF", 0, 0, "byte FF"),
	D("\x80", 0, 0, "lone continuation 80"),
	D("\xBF", 0, 0, "lone continuation BF"),
	D("\xC3", 0, 0, "truncated 2-byte C3"),
	D("\xE2\x82", 0, 0, "truncated 3-byte E2 82"),
	D("\xE2", 0, 0, "truncated 3-byte E2"),
	D("\xF0\x9F\x98", 0, 0, "truncated 4-byte F0 9F 98"),
	D("\xF0\x9F", 0, 0, "truncated 4-byte F0 9F"),
	D("\xC3\x41", 0, 0, "bad continuation C3 41"),
	D("\xE2\x28\xA1", 0, 0, "bad continuation E2 28 A1"),
	D("\xE2\x82\x28", 0, 0, "bad continuation E2 82 28"),
	D("\xF0\x9F\x98\x28", 0, 0, "bad continuation F0 9F 98 28"),
	D("\xC3\xA9\xFF", 2, 0xE9, "valid 2-byte followed by junk"),
};

static void test_decode_cases(void)
{
	size_t i;

	for (i = 0; i < sizeof(decode_cases) / sizeof(decode_cases[0]); i++) {
		const struct dcase *c = &decode_cases[i];
		/* Copy to an exact-size heap block so ASan sees any over-read. */
		unsigned char *p = malloc(c->len);
		uint32_t cp = 0xDEADBEEF;
		int n, pass;

		memcpy(p, c->bytes, c->len);
		n = ayak_utf8_decode(p, p + c->len, &cp);
		if (c->want_len)
			pass = ok(n == c->want_len && cp == c->want_cp,
				  "decode %s: length %d, U+%04X", c->name, c->want_len,
				  (unsigned)c->want_cp);
		else
			pass = ok(n == 0, "decode rejects %s", c->name);
		if (!pass)
			printf("#   got length %d, U+%04X\n", n, (unsigned)cp);
		free(p);
	}
}

static void test_decode_respects_end(void)
{
	unsigned char *p = malloc(4);
	uint32_t cp;

	memcpy(p, "\xF0\x9F\x98\x80", 4);
	ok(ayak_utf8_decode(p, p + 3, &cp) == 0,
	   "decode does not read past end (4-byte cut to 3)");
	ok(ayak_utf8_decode(p, p + 2, &cp) == 0,
	   "decode does not read past end (4-byte cut to 2)");
	ok(ayak_utf8_decode(p, p + 1, &cp) == 0,
	   "decode does not read past end (4-byte cut to 1)");
	free(p);
}

/* Every 1-, 2- and 3-byte sequence, and a sweep of 4-byte ones, against the reference. */
static void test_decode_exhaustive(void)
{
	unsigned char b[4];
	unsigned long bad = 0, checked = 0, bad_fast = 0;
	unsigned a, c, d, e;
	uint32_t cp1, cp2, cp3;
	int n1, n2, n3;

	for (a = 0; a < 256; a++)
		for (c = 0; c < 256; c++)
			for (d = 0; d < 256; d++) {
				size_t len;

				b[0] = (unsigned char)a;
				b[1] = (unsigned char)c;
				b[2] = (unsigned char)d;
				for (len = 1; len <= 3; len++) {
					if (len < 3 && (d || (len < 2 && c)))
						continue;	/* shorter lengths once */
					cp1 = cp2 = cp3 = 0;
					n1 = ayak_utf8_decode(b, b + len, &cp1);
					n2 = ref_decode(b, len, &cp2);
					n3 = ayak_utf8_decode_fast(b, b + len, &cp3);
					checked++;
					if (n1 != n2 || (n1 && cp1 != cp2)) {
						if (bad++ < 5)
							printf("#   %02X %02X %02X len %zu: got %d U+%04X, want %d U+%04X\n",
							       a, c, d, len, n1, (unsigned)cp1, n2, (unsigned)cp2);
					}
					if (n3 != n2 || (n3 && cp3 != cp2)) {
						if (bad_fast++ < 5)
							printf("#   fast %02X %02X %02X len %zu: got %d U+%04X, want %d U+%04X\n",
							       a, c, d, len, n3, (unsigned)cp3, n2, (unsigned)cp2);
					}
				}
			}
	ok(bad == 0, "decode agrees with Table 3-7 on all %lu sequences of 1-3 bytes", checked);
	ok(bad_fast == 0, "decode_fast (two and three bytes inline) agrees with it on all of them");

	bad = checked = 0;
	for (a = 0xE0; a < 256; a++)
		for (c = 0x70; c < 0xD0; c++)
			for (d = 0x70; d < 0xD0; d += 3)
				for (e = 0x70; e < 0xD0; e += 5) {
					b[0] = (unsigned char)a;
					b[1] = (unsigned char)c;
					b[2] = (unsigned char)d;
					b[3] = (unsigned char)e;
					n1 = ayak_utf8_decode(b, b + 4, &cp1);
					n2 = ref_decode(b, 4, &cp2);
					n3 = ayak_utf8_decode_fast(b, b + 4, &cp3);
					checked++;
					if (n1 != n2 || (n1 && cp1 != cp2) || n3 != n1 || (n3 && cp3 != cp1)) {
						if (bad++ < 5)
							printf("#   %02X %02X %02X %02X: got %d, want %d\n",
							       a, c, d, e, n1, n2);
					}
				}
	ok(bad == 0, "decode and decode_fast agree with Table 3-7 on %lu 4-byte sequences", checked);
}

static void test_encode(void)
{
	static const struct { uint32_t cp; int len; const char *bytes; } cases[] = {
		{ 0, 1, "\x00" },
		{ 0x7F, 1, "\x7F" },
		{ 0x80, 2, "\xC2\x80" },
		{ 0x7FF, 2, "\xDF\xBF" },
		{ 0x800, 3, "\xE0\xA0\x80" },
		{ 0xFFFD, 3, "\xEF\xBF\xBD" },
		{ 0xFFFF, 3, "\xEF\xBF\xBF" },
		{ 0x10000, 4, "\xF0\x90\x80\x80" },
		{ 0x1F600, 4, "\xF0\x9F\x98\x80" },
		{ 0x10FFFF, 4, "\xF4\x8F\xBF\xBF" },
	};
	unsigned long bad = 0;
	uint32_t cp, back;
	size_t i;
	char out[4];
	int n;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char name[64];

		memset(out, 0, sizeof(out));
		n = ayak_utf8_encode(cases[i].cp, out);
		snprintf(name, sizeof(name), "encode U+%04X", (unsigned)cases[i].cp);
		is_mem(out, (size_t)n, cases[i].bytes, (size_t)cases[i].len, name);
	}
	for (cp = 0; cp <= 0x10FFFF; cp++) {
		if (cp == 0xD800)
			cp = 0xE000;
		n = ayak_utf8_encode(cp, out);
		if (ayak_utf8_decode((unsigned char *)out, (unsigned char *)out + n, &back) != n ||
		    back != cp) {
			if (bad++ < 5)
				printf("#   U+%04X does not round trip\n", (unsigned)cp);
		}
	}
	ok(bad == 0, "every scalar value round trips through encode and decode");
}

static void test_valid_prefix(void)
{
	char buf[128];
	size_t i, n;
	int bad = 0;

	ok(ayak_utf8_valid_prefix("", 0) == 0, "valid_prefix of empty input is 0");
	ok(ayak_utf8_valid_prefix("abc", 3) == 3, "valid_prefix of ASCII is its length");
	ok(ayak_utf8_valid_prefix("ab\xFF" "cd", 5) == 2, "valid_prefix stops at FF");
	ok(ayak_utf8_valid_prefix("caf\xC3\xA9", 5) == 5, "valid_prefix accepts valid 2-byte at the end");
	ok(ayak_utf8_valid_prefix("caf\xC3", 4) == 3, "valid_prefix stops before a truncated sequence");
	ok(ayak_utf8_valid_prefix("\xF0\x9F\x98\x80\xED\xA0\x80", 7) == 4,
	   "valid_prefix stops at a surrogate after a 4-byte sequence");
	/* The eight-bytes-at-a-time path: a bad byte at every offset. */
	for (i = 0; i < 64; i++) {
		memset(buf, 'a', sizeof(buf));
		buf[i] = (char)0xFF;
		n = ayak_utf8_valid_prefix(buf, sizeof(buf));
		if (n != i) {
			if (bad++ < 3)
				printf("#   FF at %zu: got %zu\n", i, n);
		}
		/* and a valid multibyte character there instead */
		memcpy(buf + i, "\xE2\x82\xAC", 3);
		n = ayak_utf8_valid_prefix(buf, sizeof(buf));
		if (n != sizeof(buf)) {
			if (bad++ < 3)
				printf("#   euro at %zu: got %zu\n", i, n);
		}
	}
	ok(!bad, "valid_prefix finds the first bad byte at every offset 0..63");
}

struct rcase {
	const char *in;
	size_t inlen;
	const char *want;
	size_t wantlen;
	size_t nrepl;
	const char *name;
};

#define R(in, want, n, name) { in, sizeof(in) - 1, want, sizeof(want) - 1, n, name }
#define FFFD "\xEF\xBF\xBD"

static const struct rcase repair_cases[] = {
	R("", "", 0, "empty"),
	R("plain ASCII", "plain ASCII", 0, "ASCII unchanged"),
	R("Selamat pagi \xF0\x9F\x98\x80 caf\xC3\xA9", "Selamat pagi \xF0\x9F\x98\x80 caf\xC3\xA9",
	  0, "valid UTF-8 unchanged"),
	R("a\xFF" "b", "a" FFFD "b", 1, "FF"),
	R("\xC0\x80", FFFD FFFD, 2, "overlong C0 80: two replacements"),
	R("\xE0\x80\x80", FFFD FFFD FFFD, 3, "overlong E0 80 80: three replacements"),
	R("\xED\xA0\x80", FFFD FFFD FFFD, 3, "surrogate ED A0 80: three replacements"),
	R("\xF4\x90\x80\x80", FFFD FFFD FFFD FFFD, 4, "F4 90 80 80: four replacements"),
	R("\xF0\x9F\x98", FFFD, 1, "truncated 4-byte at the end: one replacement"),
	R("\xF0\x9F\x98" "A", FFFD "A", 1, "truncated 4-byte before ASCII: one replacement"),
	R("\xE2\x82", FFFD, 1, "truncated 3-byte at the end: one replacement"),
	R("\xE2\x82\xE2\x82\xAC", FFFD "\xE2\x82\xAC", 1, "truncated 3-byte before a valid one"),
	R("\x80\x80\x80", FFFD FFFD FFFD, 3, "three continuation bytes"),
	R("\xC3", FFFD, 1, "lone lead byte at the end"),
	/* Unicode 15 section 3.9, Table 3-8. */
	R("\x61\xF1\x80\x80\xE1\x80\xC2\x62\x80\x63\x80\xBF\x64",
	  "a" FFFD FFFD FFFD "b" FFFD "c" FFFD FFFD "d", 6, "Unicode Table 3-8 example"),
};

static void test_repair(void)
{
	struct ayak_buf out = AYAK_BUF_INIT;
	size_t i, n;
	char name[128];

	for (i = 0; i < sizeof(repair_cases) / sizeof(repair_cases[0]); i++) {
		const struct rcase *c = &repair_cases[i];
		char *in = malloc(c->inlen + 1);

		memcpy(in, c->in, c->inlen);
		ayak_buf_reset(&out);
		n = 0;
		ok(ayak_utf8_repair(in, c->inlen, &out, &n) == 0, "repair %s: returns 0", c->name);
		snprintf(name, sizeof(name), "repair %s: output", c->name);
		is_mem(out.data, out.len, c->want, c->wantlen, name);
		snprintf(name, sizeof(name), "repair %s: %zu replacements", c->name, c->nrepl);
		is_u64(n, c->nrepl, name);
		free(in);
	}

	ayak_buf_reset(&out);
	ayak_buf_addstr(&out, "keep:");
	n = 10;
	ayak_utf8_repair("x\xFF", 2, &out, &n);
	is_mem(out.data, out.len, "keep:x" FFFD, 9, "repair appends to the buffer");
	is_u64(n, 11, "repair adds to *nrepl");
	ayak_buf_reset(&out);
	ok(ayak_utf8_repair("\xFF", 1, &out, NULL) == 0 && out.len == 3,
	   "repair accepts nrepl == NULL");
	ayak_buf_release(&out);
}

/* A size or count, what the parser returns for it (0 or AYAK_SIZE_*), and its value. */
struct size_case {
	const char *s;
	int ret;
	uint64_t v;
};

/* parse(s) gives each case's value, or refuses it for its reason, *out untouched. */
static void check_sizes(const char *name, int (*parse)(const char *, uint64_t *),
			const struct size_case *cases, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		uint64_t v = 12345;
		int ret = parse(cases[i].s, &v), pass;

		if (cases[i].ret == 0)
			pass = ok(ret == 0 && v == cases[i].v, "%s \"%s\" = %llu", name, cases[i].s,
				  (unsigned long long)cases[i].v);
		else
			pass = ok(ret == cases[i].ret && v == 12345, "%s rejects \"%s\": %s", name,
				  cases[i].s, ayak_size_problem(cases[i].ret));
		if (!pass)
			printf("#   got %d, %llu\n", ret, (unsigned long long)v);
	}
}

static void test_parse_size(void)
{
	static const struct size_case cases[] = {
		{ "4096", 0, 4096 },
		{ "0", 0, 0 },
		{ "10k", 0, 10240 },
		{ "10K", 0, 10240 },
		{ "64M", 0, 64ull << 20 },
		{ "64m", 0, 64ull << 20 },
		{ "1.5G", 0, 1536ull << 20 },
		{ "2G", 0, 2ull << 30 },
		{ "1T", 0, 1ull << 40 },
		{ "1.5GB", 0, 1536ull << 20 },
		{ "1.1K", 0, 1126 },		/* 1126.4: a fraction of a byte dropped */
		{ "0.0009765625K", 0, 1 },
		{ "18446744073709551615", 0, 18446744073709551615ull },	/* exact, not a double */
		{ "16777215.999999999999999999999T", 0, 18446744073709551615ull },
		{ "16777216T", AYAK_SIZE_RANGE, 0 },
		{ "18446744073709551616", AYAK_SIZE_RANGE, 0 },
		{ "1.5", AYAK_SIZE_FRACTION, 0 },
		{ "1.M", AYAK_SIZE_SYNTAX, 0 },
		{ ".5M", AYAK_SIZE_SYNTAX, 0 },
		{ "1e3", AYAK_SIZE_UNIT, 0 },
		{ "", AYAK_SIZE_SYNTAX, 0 },
		{ "abc", AYAK_SIZE_SYNTAX, 0 },
		{ "-1", AYAK_SIZE_SYNTAX, 0 },
		{ "-1M", AYAK_SIZE_SYNTAX, 0 },
		{ "10x", AYAK_SIZE_UNIT, 0 },
		{ "M", AYAK_SIZE_SYNTAX, 0 },
		{ "1.2.3", AYAK_SIZE_UNIT, 0 },
		{ "1 M", AYAK_SIZE_UNIT, 0 },
		{ " 1M", AYAK_SIZE_SYNTAX, 0 },
		{ "1MM", AYAK_SIZE_UNIT, 0 },
		{ "99999999999999999999999G", AYAK_SIZE_RANGE, 0 },
	};

	check_sizes("parse_size", ayak_parse_size, cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_parse_count(void)
{
	static const struct size_case cases[] = {
		{ "2500", 0, 2500 },
		{ "0", 0, 0 },
		{ "100M", 0, 100000000 },
		{ "1.5K", 0, 1500 },
		{ "0.5G", 0, 500000000 },
		{ "1T", 0, 1000000000000ull },
		{ "0.000000000001T", 0, 1 },
		{ "1.0050k", 0, 1005 },
		{ "18446744073709551.615K", 0, 18446744073709551615ull },
		{ "18446744073709551.616K", AYAK_SIZE_RANGE, 0 },
		{ "1.0005K", AYAK_SIZE_FRACTION, 0 },		/* 1000.5 tokens: refused, not rounded */
		{ "1.0000000000000000001K", AYAK_SIZE_FRACTION, 0 },	/* what a double would take for 1000 */
		{ "0.0001K", AYAK_SIZE_FRACTION, 0 },
		{ "1.5", AYAK_SIZE_FRACTION, 0 },
		{ "2.0", AYAK_SIZE_FRACTION, 0 },
		{ "1KB", AYAK_SIZE_UNIT, 0 },		/* bytes, not tokens */
		{ "1B", AYAK_SIZE_UNIT, 0 },
		{ "-1K", AYAK_SIZE_SYNTAX, 0 },
		{ "1 K", AYAK_SIZE_UNIT, 0 },
		{ "", AYAK_SIZE_SYNTAX, 0 },
	};

	check_sizes("parse_count", ayak_parse_count, cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_parse_u64(void)
{
	static const struct { const char *s; int ret; uint64_t v; } cases[] = {
		{ "0", 0, 0 },
		{ "123", 0, 123 },
		{ "18446744073709551615", 0, 18446744073709551615ull },
		{ "18446744073709551616", -1, 0 },
		{ "", -1, 0 },
		{ "-1", -1, 0 },
		{ "+1", -1, 0 },
		{ " 1", -1, 0 },
		{ "1x", -1, 0 },
		{ "1k", -1, 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint64_t v = 12345;
		int ret = ayak_parse_u64(cases[i].s, &v);

		int pass;

		if (cases[i].ret == 0)
			pass = ok(ret == 0 && v == cases[i].v, "parse_u64 \"%s\"", cases[i].s);
		else
			pass = ok(ret == -1, "parse_u64 rejects \"%s\"", cases[i].s);
		if (!pass)
			printf("#   got %d, %llu\n", ret, (unsigned long long)v);
	}
}

static void test_parse_decimal(void)
{
	static const struct { const char *s; int ret; double v; } cases[] = {
		{ "0", 0, 0 },
		{ "0.25", 0, 0.25 },
		{ "3", 0, 3 },
		{ "10.5", 0, 10.5 },
		{ "", AYAK_SIZE_SYNTAX, 0 },
		{ ".5", -1, 0 },
		{ "5.", -1, 0 },
		{ "+0.5", -1, 0 },
		{ "-0.5", -1, 0 },
		{ " 0.5", -1, 0 },
		{ "0.5 ", -1, 0 },
		{ "5e-1", -1, 0 },
		{ "0x10", -1, 0 },
		{ "inf", -1, 0 },
		{ "nan", -1, 0 },
		{ "1.2.3", AYAK_SIZE_UNIT, 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		double v = 12345;
		int ret = ayak_parse_decimal(cases[i].s, &v);

		if (cases[i].ret == 0)
			ok(ret == 0 && v == cases[i].v, "parse_decimal \"%s\"", cases[i].s);
		else
			ok(ret == -1 && v == 12345, "parse_decimal rejects \"%s\"", cases[i].s);
	}
}

static void test_buf(void)
{
	struct ayak_buf b = AYAK_BUF_INIT;
	size_t i;
	int fail = 0;

	for (i = 0; i < 100000; i++)
		fail |= ayak_buf_add(&b, "0123456789", 10);
	ok(!fail && b.len == 1000000 && b.cap >= b.len, "buf_add grows to 1 MB");
	ayak_buf_reset(&b);
	ok(ayak_buf_addf(&b, "%s-%d-%03d", "x", 42, 7) == 0, "buf_addf returns 0");
	is_mem(b.data, b.len, "x-42-007", 8, "buf_addf formats");
	ayak_buf_release(&b);
	ok(b.data == NULL && b.len == 0 && b.cap == 0, "buf_release empties the buffer");
}

static void test_grow(void)
{
	size_t cap = 0, i, caps[4];
	int *v = NULL, *nv, fail = 0;

	/* first 16, then doubling; the values kept across every move */
	for (i = 0; i < 100; i++) {
		if (i == cap) {
			nv = ayak_grow(v, &cap, i + 1, sizeof(*v), 16);
			if (!nv) {
				fail = 1;
				break;
			}
			v = nv;
			if (i == 0 || i == 16 || i == 32 || i == 64)
				caps[i == 0 ? 0 : i == 16 ? 1 : i == 32 ? 2 : 3] = cap;
		}
		v[i] = (int)i * 3;
	}
	for (i = 0; !fail && i < 100; i++)
		fail |= v[i] != (int)i * 3;
	ok(!fail && caps[0] == 16 && caps[1] == 32 && caps[2] == 64 && caps[3] == 128,
	   "grow: 16, 32, 64, 128, values kept");
	ok(ayak_grow(v, &cap, 50, sizeof(*v), 16) == v && cap == 128, "grow: enough room, no move");
	nv = ayak_grow(v, &cap, 1000, sizeof(*v), 16);
	ok(nv && cap == 1024, "grow: doubles until need fits (1000 -> 1024)");
	v = nv ? nv : v;
	ok(ayak_grow(v, &cap, SIZE_MAX / 2, sizeof(*v), 16) == NULL && cap == 1024,
	   "grow: a size past SIZE_MAX gives NULL and keeps cap");
	free(v);
}

/* The Jawi rule ayak-lid and ayak-norm share: the weights and the edges of the rule. */
static void test_jawi(void)
{
	static const struct { size_t w, letters; int want; } rule[] = {
		{ 0, 0, 0 }, { 0, 10, 0 },
		{ 1, 1, 1 }, { 1, 24, 1 }, { 1, 25, 0 },	/* one pa: a heading only */
		{ 2, 25, 1 }, { 2, 50, 1 }, { 2, 51, 0 },	/* one nga: one in 25 */
		{ 4, 100, 1 }, { 4, 101, 0 }, { 40, 1000, 1 }, { 40, 1001, 0 },
	};
	static const uint32_t two[] = { 0x06a0, 0x0762, 0x06ac, 0x06bd, 0x06d1, 0x06cf };
	static const uint32_t none[] = { 'a', 0x0627, 0x0628, 0x0641, 0x0643, 0x06a9, 0x0686,
					 0x067e, 0x06af, 0x06cc, 0x06a8, 0x06ae };
	size_t i;

	for (i = 0; i < sizeof(two) / sizeof(two[0]); i++)
		ok(ayak_jawi_letter(two[i]) == 2, "U+%04X weighs 2", (unsigned)two[i]);
	ok(ayak_jawi_letter(0x06a4) == 1, "pa (U+06A4) weighs 1");
	for (i = 0; i < sizeof(none) / sizeof(none[0]); i++)
		ok(ayak_jawi_letter(none[i]) == 0, "U+%04X is not Jawi's own", (unsigned)none[i]);
	for (i = 0; i < sizeof(rule) / sizeof(rule[0]); i++)
		ok(ayak_jawi_by_letters(rule[i].w, rule[i].letters) == rule[i].want,
		   "weight %zu in %zu letters: %s", rule[i].w, rule[i].letters,
		   rule[i].want ? "Jawi" : "not Jawi");
}

int main(void)
{
	test_decode_cases();
	test_decode_respects_end();
	test_decode_exhaustive();
	test_encode();
	test_valid_prefix();
	test_repair();
	test_parse_size();
	test_parse_count();
	test_parse_u64();
	test_parse_decimal();
	test_buf();
	test_grow();
	test_jawi();
	return done();
}
