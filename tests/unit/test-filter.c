/*
 * Unit tests for ayak-filter's engine (filter.h): the tokenizer, the PII
 * checks, parameters, profiles and rule files, and filter_run on small
 * documents with parameters set here (no lexicon files).  Prints TAP.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filter.h"

#include "tap.h"

static int is_str(const char *got, const char *want, const char *name)
{
	int same = !strcmp(got, want);

	if (!ok(same, "%s", name)) {
		printf("#   got:  '%s'\n", got);
		printf("#   want: '%s'\n", want);
	}
	return same;
}

/* ---- tokenizer ---- */

/* The tokens of s joined with '|', each followed by its flags (w a). */
static void tokens_of(const char *s, char *out, size_t cap)
{
	struct filter_tokens t = { 0 };
	size_t i, k = 0;

	out[0] = '\0';
	if (filter_tokenize(s, strlen(s), &t))
		return;
	for (i = 0; i < t.n; i++)
		k += (size_t)snprintf(out + k, cap - k, "%s%.*s%s%s", i ? "|" : "",
				      (int)t.t[i].len, s + t.t[i].off,
				      t.t[i].flags & FTOK_WORD ? "" : "°",
				      t.t[i].flags & FTOK_ALPHA ? "" : "#");
	filter_tokens_release(&t);
}

static void test_tokenizer(void)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{ "Saya makan nasi.", "Saya|makan|nasi|.°#" },
		{ "kanak-kanak, budak2 dan ibu-bapa", "kanak-kanak|,°#|budak2|dan|ibu-bapa" },
		{ "RM1,234.50 atau 1,000 orang; a,b", "RM1,234.50|atau|1,000#|orang|;°#|a|,°#|b" },
		{ "do'a dan don\xe2\x80\x99t", "do'a|dan|don\xe2\x80\x99t" },
		{ "Tunggu... ya\xe2\x80\xa6 ok!!", "Tunggu|...°#|ya|\xe2\x80\xa6°#|ok|!°#|!°#" },
		{ "#malaysia @ali ali@contoh.my", "#°#|malaysia|@°#|ali|ali@contoh.my" },
		{ "Lihat https://contoh.my/a?b=1. Atau www.x.my, ya", "Lihat|https://contoh.my/a?b=1|.°#|Atau|www.x.my|,°#|ya" },
		{ "(kata) \"petik\" [1]", "(°#|kata|)°#|\"°#|petik|\"°#|[°#|1#|]°#" },
		{ "2024 \xc2\xa9 \xf0\x9f\x98\x80 \xd9\x85\xd8\xb1\xd8\xad\xd8\xa8\xd8\xa7", "2024#|\xc2\xa9#|\xf0\x9f\x98\x80#|\xd9\x85\xd8\xb1\xd8\xad\xd8\xa8\xd8\xa7" },
		{ "caf\xc3\xa9\xe2\x80\x94na\xc3\xafve", "caf\xc3\xa9|\xe2\x80\x94°#|na\xc3\xafve" },
		{ "  \t\n ", "" },
		{ "a_b & c&d -e f- ' g", "a_b|&°#|c&d|-°#|e|f|-°#|'°#|g" },
	};
	char got[512];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char name[80];

		tokens_of(cases[i].in, got, sizeof(got));
		snprintf(name, sizeof(name), "tokenize case %zu", i + 1);
		is_str(got, cases[i].want, name);
	}
	{
		struct filter_tokens t = { 0 };
		const char *s = "na\xc3\xafve \xf0\x9f\x98\x80";

		filter_tokenize(s, strlen(s), &t);
		ok(t.n == 2 && t.t[0].cps == 5 && t.t[0].len == 6 && t.t[1].cps == 1,
		   "token lengths in code points and bytes");
		filter_tokens_release(&t);
	}
	{
		/* equal strings, equal hashes; the hash composes: H(ab) = H(a) B^|b| + H(b) */
		struct filter_tokens t = { 0 };
		const char *s = "abc de abcde abc";

		filter_tokenize(s, strlen(s), &t);
		ok(t.n == 4 && t.t[0].h == t.t[3].h && t.t[0].h != t.t[1].h &&
		   t.t[0].h * t.t[1].p + t.t[1].h == t.t[2].h, "token hashes compose");
		filter_tokens_release(&t);
	}
	{
		/*
		 * Words of every length at every offset (the tokenizer hashes
		 * eight bytes at a time): each hash is the polynomial one,
		 * sum of byte * B^(len-1-i), B = 0x100000001b3.
		 */
		static const char chars[] = "aZ9bY8cX7dW6eV5fU4gT3hS2iR1jQ0kPlOmNnMoLpKqJrIsHtGuFvEwDxCyBzA";
		struct filter_tokens t = { 0 };
		char text[4096];
		size_t len = 0, w, k, bad = 0;

		for (w = 1; w <= 40; w++) {
			for (k = 0; k < w % 9; k++)
				text[len++] = ' ';
			for (k = 0; k < w; k++)
				text[len++] = chars[(w + k) % (sizeof(chars) - 1)];
			if (w % 3 == 0) {	/* joined words and a non-ASCII letter */
				memcpy(text + len, "-ab\xc3\xa9z", 7);
				len += 7;
			}
			text[len++] = w % 2 ? '.' : ',';
		}
		filter_tokenize(text, len, &t);
		for (w = 0; w < t.n; w++) {
			uint64_t h = 0;

			for (k = 0; k < t.t[w].len; k++)
				h = h * 0x100000001b3ULL + (unsigned char)text[t.t[w].off + k];
			bad += h != t.t[w].h;
		}
		ok(!bad && t.n > 40, "token hashes, eight bytes at a time, are the polynomial hash");
		filter_tokens_release(&t);
	}
}

/* ---- PII checks ---- */

static void test_pii_checks(void)
{
	static const unsigned char g1[4] = { 8, 8, 8, 8 }, p1[4] = { 192, 168, 0, 1 };
	static const unsigned char p2[4] = { 100, 64, 0, 1 }, g2[4] = { 100, 128, 0, 1 };
	static const unsigned char p3[4] = { 172, 31, 255, 255 }, g3[4] = { 172, 32, 0, 0 };
	unsigned char a6[16] = { 0x20, 0x01, 0x48, 0x60 };
	unsigned mask;

	ok(filter_mykad_valid("900101145678"), "mykad: 1990-01-01, Perak... PB 14");
	ok(filter_mykad_valid("000229101234"), "mykad: 29 Feb 2000");
	ok(!filter_mykad_valid("010229101234"), "mykad: no 29 Feb 2001");
	ok(!filter_mykad_valid("901301145678"), "mykad: month 13");
	ok(!filter_mykad_valid("900431145678"), "mykad: 31 April");
	ok(!filter_mykad_valid("900101005678") && !filter_mykad_valid("900101175678") &&
	   !filter_mykad_valid("900101695678") && !filter_mykad_valid("900101965678"),
	   "mykad: place of birth codes 00, 17, 69, 96 are not issued");
	ok(filter_mykad_valid("900101595678") && filter_mykad_valid("900101715678") &&
	   filter_mykad_valid("900101985678") && filter_mykad_valid("900101935678"),
	   "mykad: codes 59, 71, 98, 93 are");
	ok(!filter_mykad_valid("90010114567x"), "mykad: digits only");

	ok(filter_luhn_valid("4111111111111111", 16), "luhn: test Visa");
	ok(!filter_luhn_valid("4111111111111112", 16), "luhn: last digit off");
	ok(filter_luhn_valid("378282246310005", 15), "luhn: test Amex");
	ok(!filter_luhn_valid("", 0), "luhn: empty");

	ok(filter_ipv4_global(g1) && filter_ipv4_global(g2) && filter_ipv4_global(g3),
	   "ipv4: 8.8.8.8, 100.128.0.1, 172.32.0.0 are global");
	ok(!filter_ipv4_global(p1) && !filter_ipv4_global(p2) && !filter_ipv4_global(p3),
	   "ipv4: 192.168.0.1, 100.64.0.1, 172.31.255.255 are not");
	ok(filter_ipv6_global(a6), "ipv6: 2001:4860:: is global");
	a6[2] = 0x0d;
	a6[3] = 0xb8;
	ok(!filter_ipv6_global(a6), "ipv6: 2001:db8:: (documentation) is not");
	{
		/* ::ffff:a.b.c.d: Python 3.11 asks the IPv4 address is_private */
		unsigned char m[16] = { [10] = 0xff, [11] = 0xff, [12] = 8, [13] = 8, [14] = 8, [15] = 8 };

		ok(filter_ipv6_global(m), "ipv6: ::ffff:8.8.8.8 is global");
		m[12] = 100, m[13] = 64, m[14] = 0, m[15] = 1;
		ok(filter_ipv6_global(m), "ipv6: ::ffff:100.64.0.1 is global (not private)");
		m[12] = 10, m[13] = 0;
		ok(!filter_ipv6_global(m), "ipv6: ::ffff:10.0.0.1 is not");
	}

	ok(!filter_pii_mask("email,ip", &mask) && mask == ((1u << PII_EMAIL) | (1u << PII_IP)),
	   "pii mask: email,ip");
	ok(!filter_pii_mask("all", &mask) && mask == (1u << PII_NTYPES) - 1, "pii mask: all");
	ok(filter_pii_mask("email,", &mask) && filter_pii_mask("", &mask) &&
	   filter_pii_mask("mail", &mask), "pii mask: bad lists");
}

static void test_pii_redact(void)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{ "ali@contoh.my", "<EMAIL>" },
		{ "Tel:012-345 6789.", "Tel:<PHONE>." },
		{ "012-345 6789 2 kali", "<PHONE> 2 kali" },
		{ "0123456789012", "0123456789012" },
		{ "IC 900101-14-5678/", "IC <MYKAD>/" },
		{ "8.8.8.8:53", "<IP>:53" },
		{ "4111 1111 1111 1111", "<CARD>" },
		{ "versi 8.8.8.8", "versi 8.8.8.8" },
		{ "https://ali:pw@contoh.my/", "https://<LOGIN>@contoh.my/" },
		{ "//ali:pw@contoh.my/", "//<LOGIN>@contoh.my/" },
		{ "Hubungi:ali@contoh.my", "Hubungi:<EMAIL>" },
		{ "\xd8\xa7""0123456789", "\xd8\xa7""0123456789" },
		{ "", "" },
	};
	struct ayak_buf out = AYAK_BUF_INIT;
	uint64_t counts[PII_NTYPES] = { 0 };
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char name[80];

		ayak_buf_reset(&out);
		filter_pii_redact(cases[i].in, strlen(cases[i].in), (1u << PII_NTYPES) - 1, &out,
				  counts);
		ayak_buf_add(&out, "", 1);
		snprintf(name, sizeof(name), "redact case %zu", i + 1);
		is_str(out.data, cases[i].want, name);
	}
	ok(counts[PII_EMAIL] == 2 && counts[PII_PHONE] == 2 && counts[PII_MYKAD] == 1 &&
	   counts[PII_IP] == 1 && counts[PII_CARD] == 1 && counts[PII_LOGIN] == 2,
	   "redact counts by type");

	/* The address is one only once the e-mail address after it is gone
	 * (fuzz-filter-doc found it): one call redacts both, and a second
	 * call finds nothing. */
	memset(counts, 0, sizeof(counts));
	ayak_buf_reset(&out);
	filter_pii_redact("2001:4860:4860::i@contoh.my x", 29, (1u << PII_NTYPES) - 1, &out, counts);
	ayak_buf_add(&out, "", 1);
	is_str(out.data, "<IP><EMAIL> x", "redact: a find a placeholder completes");
	ok(counts[PII_EMAIL] == 1 && counts[PII_IP] == 1, "redact: both counted");
	{
		struct ayak_buf twice = AYAK_BUF_INIT;
		uint64_t more[PII_NTYPES] = { 0 };
		int t, none = 1;

		filter_pii_redact(out.data, out.len - 1, (1u << PII_NTYPES) - 1, &twice, more);
		for (t = 0; t < PII_NTYPES; t++)
			none &= more[t] == 0;
		ok(none && twice.len == out.len - 1 && !memcmp(twice.data, out.data, twice.len),
		   "redact: the output redacted again is the same");
		ayak_buf_release(&twice);
	}
	ayak_buf_release(&out);
}

/* ---- parameters, profiles, rules ---- */

static void test_params(void)
{
	struct filter_params p;
	struct ayak_err err;
	const char *prof = "# c\n\ndup_line_frac = 0.5\nmin-doc-words=7 # n\nc4 = on\n"
			   "rules = a.txt /abs/b.txt\n";

	filter_params_init(&p);
	ok(isnan(p.v[FP_DUP_LINE_FRAC]) && isnan(p.v[FP_C4]), "params start off");
	ok(filter_param_lookup("dup-line-frac", 13) == FP_DUP_LINE_FRAC &&
	   filter_param_lookup("dup_line_frac", 13) == FP_DUP_LINE_FRAC &&
	   filter_param_lookup("dup_line", 8) < 0 && filter_list_lookup("rules", 5) == FL_RULES,
	   "lookup by key or flag name");
	ok(!filter_param_set(&p, FP_TOP_2_GRAM, "0.25", &err) && p.v[FP_TOP_2_GRAM] == 0.25 &&
	   !filter_param_set(&p, FP_TOP_2_GRAM, "off", &err) && isnan(p.v[FP_TOP_2_GRAM]),
	   "set a ratio and turn it off");
	ok(filter_param_set(&p, FP_MIN_DOC_WORDS, "5.5", &err) &&
	   !strcmp(err.msg, "min_doc_words wants a whole number or off, not '5.5'"),
	   "a count wants a whole number");
	ok(filter_param_set(&p, FP_TOP_2_GRAM, "1e3", &err) &&
	   filter_param_set(&p, FP_TOP_2_GRAM, ".5", &err) &&
	   filter_param_set(&p, FP_TOP_2_GRAM, "5.", &err) &&
	   filter_param_set(&p, FP_TOP_2_GRAM, "-1", &err) &&
	   filter_param_set(&p, FP_TOP_2_GRAM, "inf", &err), "ratios: plain decimals only");
	ok(filter_param_set(&p, FP_C4, "1", &err) && !filter_param_set(&p, FP_C4, "on", &err) &&
	   p.v[FP_C4] == 1, "switches: on or off");
	ok(!filter_profile_parse(&p, prof, strlen(prof), "t.profile", "/dir", &err) &&
	   p.v[FP_DUP_LINE_FRAC] == 0.5 && p.v[FP_MIN_DOC_WORDS] == 7 &&
	   p.nfiles[FL_RULES] == 2 && !strcmp(p.files[FL_RULES][0], "/dir/a.txt") &&
	   !strcmp(p.files[FL_RULES][1], "/abs/b.txt"), "profile: keys, comments, files");
	ok(filter_profile_parse(&p, "a = 1\n", 6, "t.profile", "", &err) &&
	   err.line == 1 && !strcmp(err.file, "t.profile") && !strcmp(err.msg, "unknown key 'a'"),
	   "profile: unknown key, with file and line");
	ok(!filter_list_add(&p, FL_RULES, "none", &err) && p.nfiles[FL_RULES] == 0,
	   "'none' empties a file list");
	filter_params_release(&p);
}

static void test_rules(void)
{
	struct filter_rules *r = filter_rules_new();
	struct ayak_err err;
	const char *good = "# c\n\nkeep:domain gov \\.gov\\.my$\ndrop  spam  (?i)judi | casino  \n"
			   "redact url https?://\\S+\ndrop:line l ^x\n";
	const char *bad = "drop ok x\ndrop:text t (\n";

	ok(!filter_rules_parse(r, good, strlen(good), "g.txt", 0, &err) &&
	   filter_rules_count(r) == 4, "rules: four rules, comments and blank lines skipped");
	ok(filter_rules_parse(r, "drop spam y\n", 12, "h.txt", 0, &err) &&
	   !strcmp(err.msg, "rule 'spam' is defined twice (first at g.txt:4)"), "rules: names are unique");
	filter_rules_free(r);
	r = filter_rules_new();
	ok(filter_rules_parse(r, bad, strlen(bad), "b.txt", 1, &err) && err.line == 2 &&
	   !strncmp(err.msg, "bad regular expression for rule 't': missing closing parenthesis", 64),
	   "rules: a bad regex names the rule and line");
	filter_rules_free(r);
}

/* ---- the engine ---- */

static struct filter *engine(struct filter_params *p)
{
	struct ayak_err err;
	struct filter *f = filter_new(p, &err);

	if (!f)
		printf("# filter_new: %s\n", err.msg);
	return f;
}

static void test_run(void)
{
	struct filter_params p;
	struct filter_opts o = { 0, 0, 0 };
	struct filter_result res;
	struct ayak_err err;
	struct ayak_buf ann = AYAK_BUF_INIT;
	struct filter *f;
	const char *t1 = "a\nb\na\nc";
	char text[64];

	filter_params_init(&p);
	p.v[FP_DUP_LINE_FRAC] = 0.24;
	f = engine(&p);
	ok(f && !filter_run(f, t1, strlen(t1), NULL, 0, &o, &res, &err) && res.drop &&
	   !strcmp(res.reason, "dup_lines") && res.value == 0.25 && res.threshold == 0.24,
	   "run: dup_lines 0.25 > 0.24 drops");
	o.annotate = 1;
	ok(f && !filter_run(f, t1, strlen(t1), NULL, 0, &o, &res, &err) && res.drop &&
	   res.have[FV_WORDS] && res.values[FV_WORDS] == 4 && res.nreasons == 1,
	   "run: --annotate computes every value");
	ok(!filter_annotation(&res, &ann) && !strncmp(ann.data,
	   "{\"decision\":\"drop\",\"reason\":\"dup_lines\",\"reasons\":[\"dup_lines\"],"
	   "\"lines_dropped\":{\"pattern\":0,\"boilerplate\":0,\"short\":0,\"c4\":0},\"values\":{\"words\":4,", 147),
	   "annotation JSON");
	ayak_buf_reset(&ann);
	ok(!filter_value_add(&ann, 3) && !filter_value_add(&ann, 0.25) &&
	   !filter_value_add(&ann, 1234567) && !filter_value_add(&ann, NAN) &&
	   !filter_value_add(&ann, INFINITY) && ann.len == strlen("30.251234567nullnull") &&
	   !memcmp(ann.data, "30.251234567nullnull", ann.len),
	   "annotation values: whole numbers as such, not finite ones null");
	ayak_buf_reset(&ann);
	ok(!filter_value_add(&ann, 0.1) && !filter_value_add(&ann, 1.0 / 3) &&
	   !filter_value_add(&ann, 0.1 + 0.2) && !filter_value_add(&ann, 3.6666) &&
	   ayak_buf_add(&ann, "", 1) == 0 &&
	   !strcmp(ann.data, "0.10.33333333333333330.300000000000000043.6666"),
	   "annotation values: the shortest digits that read back (15, 16, 17 and fewer): %s",
	   ann.data ? ann.data : "");
	ayak_buf_reset(&ann);
	ok(!filter_value_add(&ann, 0.00001) && !filter_value_add(&ann, 1e20 + 0.5 * 65536) &&
	   !filter_value_add(&ann, 1.5e-5) && !filter_value_add(&ann, 5e-321) &&
	   ayak_buf_add(&ann, "", 1) == 0 &&
	   !strncmp(ann.data, "0.000011000000000000000300000.0000150.000", 41) &&
	   strlen(ann.data) == 36 + 2 + 320 + 1 && ann.data[strlen(ann.data) - 1] == '5' &&
	   strtod(ann.data + 36, NULL) == 5e-321,
	   "annotation values: no exponent, even subnormal: %.60s", ann.data ? ann.data : "");
	filter_free(f);

	filter_params_init(&p);
	p.v[FP_LINE_CLEANUP] = 1;
	p.v[FP_LINE_MIN_WORDS] = 3;
	f = engine(&p);
	o.annotate = 0;
	o.redact = 1;
	o.pii_mask = (1u << PII_NTYPES) - 1;
	strcpy(text, "Emel saya ali@contoh.my sekarang.\nMenu\n\n\nYa.");
	ok(f && !filter_run(f, text, strlen(text), "https://x.my/", 13, &o, &res, &err) &&
	   !res.drop && res.changed && res.lines_dropped[FLR_SHORT] == 1 && res.pii[PII_EMAIL] == 1 &&
	   res.len == strlen("Emel saya <EMAIL> sekarang.\n\nYa.") &&
	   !memcmp(res.text, "Emel saya <EMAIL> sekarang.\n\nYa.", res.len),
	   "run: line cleanup, then PII redaction");
	ok(f && !filter_run(f, " \n ", 3, NULL, 0, &o, &res, &err) && res.drop &&
	   !strcmp(res.reason, "empty"), "run: a blank text is empty");
	filter_free(f);
	filter_params_release(&p);
	ayak_buf_release(&ann);
}

int main(void)
{
	test_tokenizer();
	test_pii_checks();
	test_pii_redact();
	test_params();
	test_rules();
	test_run();
	printf("1..%d\n", tap_n);
	return tap_failed != 0;
}
