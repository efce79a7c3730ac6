/*
 * Unit tests for the report (report.h): URL hosts, the counting table
 * (exact, then Space-Saving with error bounds; deletion from the hash),
 * characters and words read from escaped JSON strings against a plain
 * decoder, length bins and quantiles, stats objects, and the three
 * formats.  Prints TAP.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "report-int.h"

#include "tap.h"

static uint64_t rng = 88172645463325252ull;

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* ---- hosts ---- */

static void test_hosts(void)
{
	static const char *const cases[][2] = {
		{ "https://www.Berita.Example/a/b", "berita.example" },
		{ "http://WWW.x.MY:8080/?q", "x.my" },
		{ "https://user:pw@blog.example.org/c#d", "blog.example.org" },
		{ "//forum.example.my/t", "forum.example.my" },
		{ "example.com/path", "example.com" },
		{ "example.com:443/path", "example.com" },
		{ "https://example.com./", "example.com" },
		{ "https://[2001:db8::1]:80/x", "[2001:db8::1]" },
		{ "https://www./x", "www" },
		{ "http:\\\\evil.example\\x", "evil.example" },
		{ "  https://spaced.example", "spaced.example" },
		{ "https://kedai.example?x=1", "kedai.example" },
		{ "mailto:someone@example.com", "" },
		{ "javascript:alert(1)", "" },
		{ "", "" },
		{ "https://", "" },
		{ "https:///path", "" },
		{ "http://%57WW.%65vil.example%2E/", "evil.example" },
		{ "http://a%2Fb.Example/", "a%2fb.example" },
		{ "http://b%C3%BCcher.example/", "b\xc3\xbc" "cher.example" },
	};
	struct ayak_buf b = AYAK_BUF_INIT;
	size_t i, bad = 0;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int n;

		ayak_buf_reset(&b);
		n = report_url_host(cases[i][0], strlen(cases[i][0]), &b);
		if (n < 0 || (size_t)n != strlen(cases[i][1]) || (n && memcmp(b.data, cases[i][1], (size_t)n))) {
			printf("# host of '%s': got '%.*s', want '%s'\n", cases[i][0], n > 0 ? n : 0,
			       b.data ? b.data : "", cases[i][1]);
			bad++;
		}
	}
	ok(!bad, "URL hosts (%zu cases)", sizeof(cases) / sizeof(cases[0]));
	ayak_buf_reset(&b);
	{
		char url[600];
		int n;

		memcpy(url, "https://", 8);
		memset(url + 8, 'a', 300);
		memcpy(url + 8 + 298, "\xc3\xa9", 2);	/* a 2-byte character across 253 */
		url[308] = 0;
		memcpy(url + 8 + 252, "\xc3\xa9", 2);
		n = report_url_host(url, strlen(url), &b);
		ok(n == 300, "a long host is kept whole, for the report to count apart (%d)", n);
	}
	ayak_buf_release(&b);
}

/* ---- the table ---- */

/* Every entry can be found from its hash slot, and the heap is a heap. */
static int table_sound(const struct rtab *t)
{
	size_t i, j;

	for (i = 0; i < t->n; i++) {
		for (j = t->e[i].hash & t->mask; t->slots[j] != i + 1; j = (j + 1) & t->mask)
			if (!t->slots[j])
				return 0;
		if (t->heap[t->e[i].heap] != i)
			return 0;
	}
	for (i = 1; i < t->n; i++)
		if (t->e[t->heap[(i - 1) / 2]].n > t->e[t->heap[i]].n)
			return 0;
	return 1;
}

static struct rtab_entry *find(const struct rtab *t, const char *k)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (t->e[i].len == strlen(k) && !memcmp(t->e[i].key, k, t->e[i].len))
			return &t->e[i];
	return NULL;
}

static void test_table(void)
{
	struct rtab t;
	char key[32];
	size_t i, k, bad = 0;
	uint64_t truth[1000] = { 0 }, total = 0;
	uint32_t *ord;

	rtab_init(&t, 100);
	for (i = 0; i < 5000; i++) {
		k = (size_t)(next() % 80);
		snprintf(key, sizeof(key), "d%zu.example", k);
		truth[k]++;
		if (!rtab_bump(&t, key, strlen(key)))
			bad++;
	}
	for (k = 0; k < 80; k++) {
		struct rtab_entry *e;

		snprintf(key, sizeof(key), "d%zu.example", k);
		e = find(&t, key);
		if (truth[k] && (!e || e->n != truth[k] || e->err))
			bad++;
	}
	ok(!bad && !t.evicted && t.n == 80 && rtab_distinct(&t) == 80,
	   "below the cap, counts are exact and distinct is exact");
	ok(table_sound(&t), "below the cap, the hash and the heap are sound");
	rtab_release(&t);

	/* A skewed stream over 5000 keys through a table of 50. */
	memset(truth, 0, sizeof(truth));
	rtab_init(&t, 50);
	for (i = 0; i < 200000; i++) {
		uint64_t r = next();

		/* key 0..9 hot (half the stream), the rest spread over 990 */
		k = (r & 1) ? (size_t)(r >> 1) % 10 : 10 + (size_t)(r >> 1) % 990;
		snprintf(key, sizeof(key), "host-%zu", k);
		truth[k]++;
		total++;
		if (!rtab_bump(&t, key, strlen(key)))
			bad++;
		if (i % 20000 == 0 && !table_sound(&t))
			bad++;
	}
	ok(!bad && table_sound(&t), "after %llu replacements, the hash and the heap are sound",
	   (unsigned long long)t.evicted);
	for (k = 0; k < 10; k++) {
		struct rtab_entry *e;

		snprintf(key, sizeof(key), "host-%zu", k);
		e = find(&t, key);
		if (!e || e->n < truth[k] || e->n - e->err > truth[k] || e->err > total / 50)
			bad++;
	}
	ok(!bad, "Space-Saving: every heavy key is kept, true count within [n - err, n], err <= N/k");
	ord = rtab_sorted(&t);
	for (i = 0; i < 10; i++) {
		const struct rtab_entry *e = &t.e[ord[i]];

		if (strncmp(e->key, "host-", 5) || atoi(e->key + 5) >= 10)
			bad++;
	}
	ok(!bad, "Space-Saving: the ten heavy keys are the top ten");
	free(ord);
	{
		uint64_t d = rtab_distinct(&t);

		ok(d > 950 && d < 1050, "HyperLogLog estimate of 1000 distinct keys: %llu",
		   (unsigned long long)d);
	}
	rtab_release(&t);
}

/* ---- characters and words ---- */

/* A plain count: decode with the library, then walk code points. */
static void reference(const char *json, size_t n, uint64_t *bytes, uint64_t *chars, uint64_t *words)
{
	struct ayak_buf b = AYAK_BUF_INIT;
	struct ayak_err err;
	const unsigned char *p, *end;
	int space = 1;

	ayak_json_decode_string(json, n, &b, NULL, &err);
	p = (const unsigned char *)(b.data ? b.data : "");
	end = p + b.len;
	*bytes = b.len;
	*chars = *words = 0;
	while (p < end) {
		uint32_t c;
		int k = ayak_utf8_decode(p, end, &c), sp;

		sp = (c >= 9 && c <= 13) || c == 0x20 || c == 0x85 || c == 0xA0 || c == 0x1680 ||
		     (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F ||
		     c == 0x205F || c == 0x3000;
		*words += space && !sp;
		space = sp;
		(*chars)++;
		p += k;
	}
	ayak_buf_release(&b);
}

static void test_measure(void)
{
	static const uint32_t alphabet[] = {
		'a', 'b', 'k', 'Z', '1', '.', ' ', ' ', '\t', '\n', '\r', 0x0B, 0x0C, 0x1F, '"', '\\',
		'/', 0x85, 0xA0, 0xE9, 0x1680, 0x2000, 0x2005, 0x200A, 0x200B, 0x2028, 0x2029,
		0x202F, 0x205F, 0x3000, 0x5409, 0x0627, 0xFEFF, 0x1F600, 0x10FFFF,
	};
	struct report_opts o = { 0 };
	struct ayak_buf raw = AYAK_BUF_INIT, line = AYAK_BUF_INIT;
	struct ayak_record rec;
	struct ayak_err err;
	size_t iter, i, bad = 0;

	ayak_record_init(&rec);
	for (iter = 0; iter < 3000 && !bad; iter++) {
		size_t n = (size_t)(next() % 64);
		int escape_all = (int)(iter % 3);
		struct report *r = report_new(&o, &err);
		uint64_t b1, c1, w1;

		ayak_buf_reset(&raw);
		ayak_buf_reset(&line);
		ayak_buf_addstr(&line, "{\"text\":\"");
		for (i = 0; i < n; i++) {
			uint32_t c = alphabet[next() % (sizeof(alphabet) / sizeof(alphabet[0]))];
			char u[4];
			int k = ayak_utf8_encode(c, u);

			if (escape_all == 1 || c < 0x20 || c == '"' || c == '\\') {
				if (c >= 0x10000)
					ayak_buf_addf(&line, "\\u%04x\\u%04x", 0xD800 + ((c - 0x10000) >> 10),
						      0xDC00 + ((c - 0x10000) & 0x3FF));
				else if (c == '\n' && escape_all != 1)
					ayak_buf_addstr(&line, "\\n");
				else
					ayak_buf_addf(&line, "\\u%04X", c);
			} else if (escape_all == 2 && c == '/') {
				ayak_buf_addstr(&line, "\\/");
			} else {
				ayak_buf_add(&line, u, (size_t)k);
			}
		}
		ayak_buf_addstr(&line, "\"}");
		if (ayak_record_parse(&rec, line.data, line.len, 0, &err) || report_record(r, &rec, &err)) {
			printf("# %s: %.*s\n", err.msg, (int)line.len, line.data);
			bad++;
		} else {
			reference(line.data + 8, line.len - 9, &b1, &c1, &w1);
			if (b1 != r->text_bytes || c1 != r->chars || w1 != r->words) {
				printf("# got %llu/%llu/%llu want %llu/%llu/%llu: %.*s\n",
				       (unsigned long long)r->text_bytes, (unsigned long long)r->chars,
				       (unsigned long long)r->words, (unsigned long long)b1,
				       (unsigned long long)c1, (unsigned long long)w1, (int)line.len, line.data);
				bad++;
			}
		}
		report_free(r);
	}
	ok(!bad, "bytes, characters and words of escaped text equal a plain count (%zu texts)", iter);
	ayak_record_release(&rec);
	ayak_buf_release(&raw);
	ayak_buf_release(&line);
}

/* ---- lengths ---- */

static void test_lengths(void)
{
	static const uint64_t v[][2] = {
		{ 0, 0 }, { 1, 1 }, { 9, 1 }, { 10, 2 }, { 19, 2 }, { 20, 3 }, { 49, 3 }, { 50, 4 },
		{ 99, 4 }, { 100, 5 }, { 199, 5 }, { 200, 6 }, { 999, 7 }, { 1000, 8 }, { 5000, 10 },
		{ 9999, 10 }, { 10000, 11 }, { UINT64_MAX, REPORT_LEN_BINS - 1 },
	};
	struct report_opts o = { 0 };
	struct ayak_err err;
	struct report *r = report_new(&o, &err);
	size_t i, bad = 0;
	uint64_t q;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		if (report_len_bin(r, v[i][0]) != v[i][1]) {
			printf("# bin of %llu: %zu, want %llu\n", (unsigned long long)v[i][0],
			       report_len_bin(r, v[i][0]), (unsigned long long)v[i][1]);
			bad++;
		}
	ok(!bad, "length bins 0, 1-9, 10-19, 20-49, 50-99, ...");
	/* lengths 1..10000 once each, through the quantile buckets */
	for (i = 1; i <= 10000; i++) {
		struct ayak_record rec;
		struct ayak_buf line = AYAK_BUF_INIT;

		ayak_record_init(&rec);
		ayak_buf_addstr(&line, "{\"text\":\"");
		ayak_buf_grow(&line, i + 2);
		memset(line.data + line.len, 'x', i);
		line.len += i;
		ayak_buf_addstr(&line, "\"}");
		if (ayak_record_parse(&rec, line.data, line.len, 0, &err) || report_record(r, &rec, &err))
			bad++;
		ayak_record_release(&rec);
		ayak_buf_release(&line);
	}
	q = report_len_quantile(r, 0.5);
	ok(!bad && q <= 5000 && q >= 5000 - 5000 / 32, "median of 1..10000 within 1/32 below: %llu",
	   (unsigned long long)q);
	q = report_len_quantile(r, 0.9);
	ok(q <= 9000 && q >= 9000 - 9000 / 32, "p90 of 1..10000: %llu", (unsigned long long)q);
	ok(report_len_quantile(r, 1.0) <= 10000 && report_len_quantile(r, 0.001) == 10,
	   "p100 and p0.1: %llu, %llu", (unsigned long long)report_len_quantile(r, 1.0),
	   (unsigned long long)report_len_quantile(r, 0.001));
	report_free(r);
}

/* ---- stats objects and formats ---- */

static int validate_json(const struct ayak_buf *b)
{
	struct ayak_err err;

	return b->len && b->data[b->len - 1] == '\n' &&
	       !ayak_json_validate(b->data, b->len - 1, 0, &err);
}

static void test_stages(void)
{
	struct report_opts o = { 0 };
	struct ayak_err err;
	struct report *r;
	struct ayak_buf out = AYAK_BUF_INIT;
	const char *a = "{\"program\":\"ayak-lid\",\"records_in\":10,\"records_out\":7,"
			"\"dropped\":{\"lang\":3},\"seconds\":0.1234,\"counts\":{\"z\":1,\"a\":2}}";
	const char *b = "{\"program\":\"ayak-lid\",\"records_in\":5,\"records_out\":1,"
			"\"dropped\":{\"lang_score\":1,\"lang\":3},\"seconds\":0.2,\"extra\":[1,{}]}";
	const char *c = "{\"program\":\"ayak-warc\",\"records_in\":20,\"records_out\":15}";
	struct rstage **st;

	o.no_records = 1;
	r = report_new(&o, &err);
	ok(!report_stage_json(r, "a", a, strlen(a), &err) && !report_stage_json(r, "b", b, strlen(b), &err) &&
	   !report_stage_json(r, "c", c, strlen(c), &err), "three stats objects");
	st = report_stages_sorted(r);
	ok(r->nstages == 2 && !strcmp(st[0]->name, "ayak-warc") && !strcmp(st[1]->name, "ayak-lid") &&
	   st[1]->files == 2 && st[1]->records_in == 15 && st[1]->records_out == 8 &&
	   st[1]->msec == 323 && st[1]->dropped.n == 2, "shards summed, stages in pipeline order");
	free(st);
	ok(!report_write(r, REPORT_JSON, &out) && validate_json(&out) && !ayak_buf_add(&out, "", 1) &&
	   strstr(out.data, "\"stage\":\"ayak-lid\",\"files\":2,\"records_in\":15,\"records_out\":8,"
			    "\"kept\":0.5333,\"dropped_total\":7,\"dropped\":{\"lang\":6,\"lang_score\":1},"
			    "\"errors\":0,\"bytes_in\":0,\"bytes_out\":0,\"seconds\":0.323,"
			    "\"counts\":{\"a\":2,\"z\":1},\"counters\":[{\"name\":\"a\",\"count\":2},"
			    "{\"name\":\"z\",\"count\":1}]}"),
	   "JSON of the stages: drops by count, counts by name, counters by count");
	ok(report_stage_json(r, "d.json", "{\"program\":1}", 13, &err) && err.code == AYAK_E_DATA &&
	   !strcmp(err.msg, "d.json: not an ayak --stats file: no \"program\" name"),
	   "a bad object: %s", err.msg);
	report_free(r);
	ayak_buf_release(&out);

	o.stage_order = "lid,,x";
	ok(!report_new(&o, &err) && err.code == AYAK_E_USAGE, "a bad stage order: %s", err.msg);
}

static void test_counters(void)
{
	struct report_opts o = { 0 };
	struct ayak_err err;
	struct report *r;
	struct ayak_buf out = AYAK_BUF_INIT;
	const char *a = "{\"program\":\"ayak-lid\",\"records_in\":8,\"records_out\":5,"
			"\"counts\":{\"lang.zsm_Latn\":5,\"lang.ind_Latn\":2,\"lang.\":1,\"x\":4}}";
	const char *b = "{\"program\":\"ayak-lid\",\"records_in\":2,\"records_out\":1,"
			"\"counts\":{\"lang.eng_Latn\":1,\"lang.ind_Latn\":1}}";
	const char *c = "{\"program\":\"ayak-lidx\",\"records_in\":1,\"records_out\":1,"
			"\"counts\":{\"lang.zz\":1}}";
	const char *d = "{\"program\":\"ayak-lid\",\"stage\":\"two\",\"records_in\":1,"
			"\"records_out\":1,\"counts\":{\"lang.zz\":1}}";
	struct rstage **st;
	size_t i, nlid = 0, nlang = 0;

	o.no_records = 1;
	r = report_new(&o, &err);
	ok(!report_stage_json(r, "a", a, strlen(a), &err) && !report_stage_json(r, "b", b, strlen(b), &err) &&
	   !report_stage_json(r, "c", c, strlen(c), &err) && !report_stage_json(r, "d", d, strlen(d), &err),
	   "four stats objects with counts");
	st = report_stages_sorted(r);
	for (i = 0; i < r->nstages; i++) {
		nlid += rstage_is_lid(st[i]);
		nlang += rstage_nlangs(st[i]);
	}
	ok(r->nstages == 3 && nlid == 2 && nlang == 4 && report_nlid(r) == 2 &&
	   !strcmp(st[0]->name, "ayak-lid") && rstage_nlangs(st[0]) == 3 &&
	   !rstage_is_lang(st[0], "lang.") && !rstage_is_lang(st[0], "x") &&
	   rstage_is_lang(st[0], "lang.x") && !rstage_is_lid(st[2]) && !rstage_is_lang(st[2], "lang.zz"),
	   "ayak-lid and its stages; lang.LABEL counts only, not of ayak-lidx");
	free(st);
	ok(!report_write(r, REPORT_TEXT, &out) && !ayak_buf_add(&out, "", 1) &&
	   strstr(out.data, "\nLanguages ayak-lid saw (before selection: 10 records in, 3 labels)\n"
			    "  label     records  share\n"
			    "  zsm_Latn        5  50.0%  ##############################\n"
			    "  ind_Latn        3  30.0%  ##################\n"
			    "  eng_Latn        1  10.0%  ######\n"
			    "\nLanguages ayak-lid two saw (before selection: 1 record in, 1 label)\n") &&
	   strstr(out.data, "\nCounters (summed over shards, zeros left out; the lang.* of ayak-lid above)\n"
			    "  stage      counter  count\n"
			    "  ayak-lid   x            4\n"
			    "             lang.        1\n"
			    "  ayak-lidx  lang.zz      1\n"),
	   "text: labels ayak-lid saw, summed, by count; the other counters");
	ayak_buf_reset(&out);
	ok(!report_write(r, REPORT_HTML, &out) && !ayak_buf_add(&out, "", 1) &&
	   strstr(out.data, "<text class=\"group\" x=\"4\" y=\"17\">ayak-lid</text>") &&
	   strstr(out.data, "<text class=\"group\" x=\"4\" y=\"113\">ayak-lid two</text>") &&
	   strstr(out.data, "<tr><td>ayak-lid two: zz</td><td>1</td><td>100.0%</td></tr>") &&
	   strstr(out.data, "<tr><td>ayak-lidx</td><td>lang.zz</td><td>1</td></tr>"),
	   "HTML: a group per stage of ayak-lid; the others in the table of counters");
	report_free(r);
	ayak_buf_release(&out);
}

static void test_formats(void)
{
	static const char *const lines[] = {
		"{\"text\":\"Saya suka makan nasi lemak.\",\"lang\":\"zsm_Latn\",\"lang_score\":0.97,"
		"\"url\":\"https://a.example/x\"}",
		"{\"text\":\"\\u0007<b>&\",\"lang\":\"<i>\\u0001\",\"lang_score\":2,\"url\":\"http://b\\u0000c/\"}",
		"{\"text\":\"x\",\"lang\":7,\"lang_score\":\"0.5\",\"url\":[1]}",
	};
	struct report_opts o = { 0 };
	struct ayak_err err;
	struct report *r;
	struct ayak_buf out = AYAK_BUF_INIT;
	struct ayak_record rec;
	size_t i, bad = 0;
	int f;

	o.title = "T\xff<x>";
	r = report_new(&o, &err);
	ayak_record_init(&rec);
	for (i = 0; i < 3; i++)
		if (ayak_record_parse(&rec, lines[i], strlen(lines[i]), 0, &err) ||
		    report_record(r, &rec, &err))
			bad++;
	ok(!bad && r->records == 3 && r->with_lang == 2 && r->scored == 1 && r->with_url == 2,
	   "fields of the wrong type are left out");
	for (f = REPORT_TEXT; f <= REPORT_HTML; f++) {
		ayak_buf_reset(&out);
		if (report_write(r, f, &out) || ayak_utf8_valid_prefix(out.data, out.len) != out.len ||
		    memchr(out.data, 1, out.len) || memchr(out.data, 7, out.len) || memchr(out.data, 0, out.len))
			bad++;
		if (f == REPORT_JSON && !validate_json(&out))
			bad++;
		if (ayak_buf_add(&out, "", 1))
			bad++;
		if (f == REPORT_HTML && (strstr(out.data, "<i>") ||
					 strstr(out.data, "<x>")))
			bad++;
	}
	ok(!bad, "text, JSON and HTML: valid UTF-8, no control characters, JSON valid, HTML escaped");
	ayak_record_release(&rec);
	ayak_buf_release(&out);
	report_free(r);
}

/* ---- columns of the text report ---- */

static void test_width(void)
{
	static const struct {
		const char *s;
		size_t w;
	} cases[] = {
		{ "", 0 },
		{ "zsm_Latn", 8 },
		{ "b\xc3\xbc" "cher.de", 9 },		/* U+00FC: one */
		{ "e\xcc\x81", 1 },			/* e and U+0301: a combining mark takes none */
		{ "\xe6\x97\xa5\xe6\x9c\xac.jp", 7 },	/* Han: two each */
		{ "\xea\xb0\x80\xef\xbc\xa1", 4 },	/* Hangul, fullwidth A */
		{ "a\xe2\x80\x8b" "b", 2 },		/* U+200B, a format character: none */
		{ "\xf0\x9f\x98\x80", 2 },		/* U+1F600, wide */
		{ "\xd8\xac\xd8\xa7\xd9\x88\xd9\x8a", 4 },	/* Jawi: one each */
		{ "\xff" "a", 2 },			/* a byte that is no UTF-8: one */
	};
	size_t i, bad = 0;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (rfmt_width(cases[i].s, strlen(cases[i].s)) != cases[i].w) {
			fprintf(stderr, "# rfmt_width case %zu: %zu, want %zu\n", i,
				rfmt_width(cases[i].s, strlen(cases[i].s)), cases[i].w);
			bad++;
		}
	ok(!bad, "rfmt_width: columns as a terminal shows them (wide two, combining none)");
}

int main(void)
{
	test_hosts();
	test_width();
	test_table();
	test_measure();
	test_lengths();
	test_stages();
	test_counters();
	test_formats();
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}
