/*
 * Unit tests for Malay words and sentences (tokseg.h), with the lexicons
 * of $AYAK_TOP/lexicons.  Prints TAP.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tokseg.h"

#include "tap.h"

static struct tokseg *seg, *segc;

/* Items joined by " | ". */
static const char *join(const struct tokseg_result *r, int words)
{
	static struct ayak_buf b;
	const struct tokseg_span *v = words ? r->words : r->sents;
	size_t n = words ? r->nwords : r->nsents, i;

	ayak_buf_reset(&b);
	for (i = 0; i < n; i++) {
		if (i)
			ayak_buf_addstr(&b, " | ");
		ayak_buf_add(&b, r->text + v[i].start, v[i].end - v[i].start);
	}
	ayak_buf_add(&b, "", 1);
	return b.data;
}

static void check(struct tokseg *s, int words, const char *text, const char *want, const char *name)
{
	struct tokseg_result r;
	struct ayak_err err;
	const char *got;

	if (tokseg_run(s, text, strlen(text), words, !words, &r, &err)) {
		ok(0, "%s (%s)", name, err.msg);
		return;
	}
	got = join(&r, words);
	if (!ok(!strcmp(got, want), "%s", name))
		printf("#   got  %s\n#   want %s\n", got, want);
}

static void test_words(void)
{
	check(seg, 1, "Kanak-kanak itu bersalam-salaman.", "Kanak-kanak | itu | bersalam-salaman | .",
	      "words: reduplication stays one word");
	check(seg, 1, "kuih-muih, sayur-sayuran dan rama-rama", "kuih-muih | , | sayur-sayuran | dan | rama-rama",
	      "words: more reduplication");
	check(seg, 1, "Dr. Ahmad, Prof. Madya dan Syarikat ABC Sdn. Bhd.",
	      "Dr. | Ahmad | , | Prof. | Madya | dan | Syarikat | ABC | Sdn. | Bhd.",
	      "words: abbreviations keep their full stop");
	check(seg, 1, "Harga RM1,250.50 atau RM 30 sahaja", "Harga | RM1,250.50 | atau | RM 30 | sahaja",
	      "words: RM amounts stay whole");
	check(seg, 1, "pada 12/03/2024, 2024-03-12 dan 12.03.2024 jam 10:30",
	      "pada | 12/03/2024 | , | 2024-03-12 | dan | 12.03.2024 | jam | 10:30",
	      "words: dates and times stay whole");
	check(seg, 1, "Sila lihat https://www.contoh.com.my/a?b=1&c=2. Terima kasih",
	      "Sila | lihat | https://www.contoh.com.my/a?b=1&c=2 | . | Terima | kasih",
	      "words: a URL stays whole, without the full stop after it");
	check(seg, 1, "emel ali.bin_abu@contoh.gov.my atau www.contoh.my", "emel | ali.bin_abu@contoh.gov.my | atau | www.contoh.my",
	      "words: e-mail addresses and www. addresses");
	check(seg, 1, "#MalaysiaMadani bersama @PMOMalaysia!", "#MalaysiaMadani | bersama | @PMOMalaysia | !",
	      "words: hashtags and mentions");
	check(seg, 1, "1,000,000 orang, 3.14 dan 50% naik", "1,000,000 | orang | , | 3.14 | dan | 50% | naik",
	      "words: numbers and percentages");
	check(seg, 1, "COVID-19 pada 1990-an, kali ke-3", "COVID-19 | pada | 1990-an | , | kali | ke-3",
	      "words: hyphenated forms with numbers");
	check(seg, 1, "Dato' Seri dan Y.B. Menteri", "Dato' | Seri | dan | Y.B. | Menteri",
	      "words: Dato' and Y.B.");
	check(seg, 1, "Bukunya di sana, walaupun begitu", "Bukunya | di | sana | , | walaupun | begitu",
	      "words: clitics stay without --split-clitics");
	check(seg, 1, "  \t\n ", "", "words: white space only gives nothing");
	check(seg, 1, "", "", "words: empty text");
	check(seg, 1, "吉隆坡 ڤڠيعترافن பெட்டாலிங் 😀", "吉隆坡 | ڤڠيعترافن | பெட்டாலிங் | 😀",
	      "words: other scripts and emoji");
}

static void test_clitics(void)
{
	check(segc, 1, "Bukunyalah yang hilang", "Buku | nya | lah | yang | hilang", "clitics: -nya and -lah");
	check(segc, 1, "Kaulah yang kubaca", "Kau | lah | yang | ku | baca", "clitics: kau, ku- and -lah");
	check(segc, 1, "adakah dia pun datang? Diapun datang", "ada | kah | dia | pun | datang | ? | Dia | pun | datang",
	      "clitics: -kah and -pun");
	check(segc, 1, "masalah sekolah walaupun adalah kuasa kurang",
	      "masalah | sekolah | walaupun | adalah | kuasa | kurang",
	      "clitics: words that only look like word + clitic stay whole");
	check(segc, 1, "masalahnya kanak-kanaknya", "masalah | nya | kanak-kanak | nya",
	      "clitics: after a kept word and a reduplication");
	check(segc, 1, "tanya hanya punya", "tanya | hanya | punya", "clitics: -nya that is part of the word");
	check(segc, 1, "RM50nya Abc123lah", "RM50nya | Abc123lah", "clitics: only words of letters");
}

static void test_sentences(void)
{
	check(seg, 0, "Saya makan nasi. Dia minum teh! Awak pula? Ya.",
	      "Saya makan nasi. | Dia minum teh! | Awak pula? | Ya.", "sentences: the plain case");
	check(seg, 0, "Dr. Ahmad dari Syarikat ABC Sdn. Bhd. datang. Jln. Ampang sesak.",
	      "Dr. Ahmad dari Syarikat ABC Sdn. Bhd. datang. | Jln. Ampang sesak.",
	      "sentences: titles and company names do not end sentences");
	check(seg, 0, "Lihat hlm. 23 dan Bil. 5. Kemudian baca No. 7 di Kg. Baru.",
	      "Lihat hlm. 23 dan Bil. 5. | Kemudian baca No. 7 di Kg. Baru.",
	      "sentences: hlm., Bil., No., Kg.");
	check(seg, 0, "Dia beli buah, sayur dll. Kemudian dia pulang.",
	      "Dia beli buah, sayur dll. | Kemudian dia pulang.",
	      "sentences: dll. ends a sentence before a capital");
	check(seg, 0, "A. Samad Said menulis. P. Ramlee berlakon.",
	      "A. Samad Said menulis. | P. Ramlee berlakon.", "sentences: initials");
	check(seg, 0, "Baris satu tanpa noktah\nBaris dua.\n\nPerenggan baru.",
	      "Baris satu tanpa noktah | Baris dua. | Perenggan baru.", "sentences: line breaks end sentences");
	check(seg, 0, "Tamat Jan. Februari bermula.", "Tamat Jan. | Februari bermula.",
	      "sentences: a 'lower' abbreviation before a capital ends the sentence");
	check(seg, 0, "Pada 3 Jan. tahun lalu.", "Pada 3 Jan. tahun lalu.",
	      "sentences: ... and before a small letter does not");
	check(seg, 0, "Harga RM3.50. Lawati www.contoh.my. Selesai.",
	      "Harga RM3.50. | Lawati www.contoh.my. | Selesai.", "sentences: numbers and URLs");
	check(seg, 0, "Lihat https://contoh.my/cari?Q=1 esok. Ya.", "Lihat https://contoh.my/cari?Q=1 esok. | Ya.",
	      "sentences: ICU's break after the '?' inside a URL is dropped");
	check(seg, 0, "Dr.\nAhmad", "Dr. | Ahmad", "sentences: a line break after an abbreviation still ends it");
	check(seg, 0, "   ", "", "sentences: white space only");
}

static void test_offsets(void)
{
	static const char text[] = "Élan 😀 kanak-kanak. Dua.";
	struct tokseg_result r;
	struct ayak_err err;
	struct ayak_buf out = AYAK_BUF_INIT;

	if (tokseg_run(seg, text, strlen(text), 1, 1, &r, &err)) {
		ok(0, "offsets: %s", err.msg);
		return;
	}
	ok(r.nwords == 6 && r.words[0].cstart == 0 && r.words[0].cend == 4 && r.words[1].cstart == 5 &&
	   r.words[1].cend == 6 && r.words[2].cstart == 7 && r.words[2].cend == 18,
	   "offsets: in code points (É is one, the emoji is one)");
	ok(r.words[1].start == 6 && r.words[1].end == 10, "offsets: and in bytes");
	ok(r.nsents == 2 && r.sents[1].cstart == 20 && r.sents[1].cend == 24, "offsets: of sentences");
	tokseg_json(seg, &r, 1, 1, 1, &out);
	ok(out.len > 0 && !strcmp(out.data, "[\"Élan\",\"😀\",\"kanak-kanak\",\".\",\"Dua\",\".\"]"),
	   "offsets: JSON words");
	ok(!strcmp(out.data + strlen(out.data) + 1, "[[0,4],[5,6],[7,18],[18,19],[20,23],[23,24]]"),
	   "offsets: JSON word offsets");
	ayak_buf_reset(&out);
	tokseg_plain(seg, &r, 1, 1, 0, &out);
	ayak_buf_add(&out, "", 1);
	ok(!strcmp(out.data, "Élan 😀 kanak-kanak .\nDua .\n"), "plain: one sentence a line, words split by spaces");
	ayak_buf_reset(&out);
	tokseg_plain(seg, &r, 0, 1, 1, &out);
	ayak_buf_add(&out, "", 1);
	ok(!strcmp(out.data, "0\t19\tÉlan 😀 kanak-kanak.\n20\t24\tDua.\n"), "plain: sentences with offsets");
	ayak_buf_release(&out);
}

/* ---- a long text in pieces ---- */

/* Tricky bits of text, joined at random: every rule should meet a line feed. */
static const char *const bits[] = {
	"Dr.", "Prof.", "dll.", "dsb.", "Bhd.", "Sdn.", "mlm.", "Jan.", "s.a.w.", "A.", "hlm.", "No.",
	"kanak", "-", "kanak-kanak", "bersalam-salaman", "Bukunya", "kaulah", "kubaca", "masalahnya",
	"Ahmad", "saya", "Esok", "x", "Y", "3", "RM", "RM 30", "RM1,250.50", "50%", "12/03/2024",
	"10:30", "1990-an", "https://www.contoh.com.my/a?b=1", "www.contoh.my", "ali@contoh.my",
	"#Merdeka", "@PMO", "Dato'", "Y.B.", " ", " ", " ", "  ", "\t", "\n", "\n", "\n\n", "\r\n", "\r",
	" \n", "\n ", ".", ".", "!", "?", ",", "\"", "(", ")", "'", "\xE2\x80\x9C", "\xE2\x80\xA6",
	"\xCC\x81", "\xF0\x9F\x98\x80", "\xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD", "\xE2\x80\x8D", "\xE2\x80\x8B",
	"\xEF\xBB\xBF", "\xC2\xA0", "\xC2\x85", "\xE2\x80\xA8", "\xE2\x80\xA9", "\x0B", "\x0C",
	"\xC3\x89lan", "\xE5\x90\x89\xE9\x9A\x86\xE5\x9D\xA1",
	"\xE0\xB8\xA0\xE0\xB8\xB2\xE0\xB8\xA9\xE0\xB8\xB2\xE0\xB9\x84\xE0\xB8\x97\xE0\xB8\xA2",
};

static uint64_t rnd_state = 0x9E3779B97F4A7C15u;

static unsigned rnd(unsigned n)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return (unsigned)(rnd_state % n);
}

static int same_spans(const struct tokseg_span *a, size_t na, const struct tokseg_span *b, size_t nb)
{
	size_t i;

	if (na != nb)
		return 0;
	for (i = 0; i < na; i++)
		if (a[i].start != b[i].start || a[i].end != b[i].end || a[i].cstart != b[i].cstart ||
		    a[i].cend != b[i].cend)
			return 0;
	return 1;
}

/* A copy of a result's spans, which the next run replaces. */
struct copy {
	struct tokseg_span *w, *s;
	size_t nw, ns;
};

static void keep(struct copy *c, const struct tokseg_result *r)
{
	c->w = malloc((r->nwords + 1) * sizeof(*c->w));
	c->s = malloc((r->nsents + 1) * sizeof(*c->s));
	if (r->nwords)
		memcpy(c->w, r->words, r->nwords * sizeof(*c->w));
	if (r->nsents)
		memcpy(c->s, r->sents, r->nsents * sizeof(*c->s));
	c->nw = r->nwords;
	c->ns = r->nsents;
}

/* The longest line of t[0..n), its line feed counted. */
static size_t longest_line(const char *t, size_t n)
{
	size_t i, start = 0, max = 0;

	for (i = 0; i <= n; i++)
		if (i == n || t[i] == '\n') {
			size_t l = i - start + (i < n);

			if (l > max)
				max = l;
			start = i + 1;
		}
	return max;
}

/*
 * Random texts segmented whole and in pieces of every size from their
 * longest line up: the same words and sentences, offsets included.
 */
static void test_pieces(const char *dir)
{
	struct tokseg *cut[2][24];
	struct tokseg_opts o = { 0 };
	struct ayak_buf text = AYAK_BUF_INIT;
	struct ayak_err err;
	size_t runs = 0, differ = 0, words = 0, sents = 0, cuts = 0, failed = 0;
	int k, c, i;

	o.lexicon_dir = dir;
	for (c = 0; c < 2; c++)
		for (k = 0; k < 24; k++) {
			o.split_clitics = c;
			o.max_piece = (size_t)(k + 1) * 8;
			cut[c][k] = tokseg_new(&o, &err);
			if (!cut[c][k]) {
				ok(0, "pieces: a segmenter with max_piece %zu (%s)", o.max_piece, err.msg);
				return;
			}
		}
	for (i = 0; i < 600; i++) {
		int nbits = 1 + (int)rnd(60), b;
		size_t longest;

		ayak_buf_reset(&text);
		for (b = 0; b < nbits; b++)
			ayak_buf_addstr(&text, bits[rnd(sizeof(bits) / sizeof(bits[0]))]);
		longest = longest_line(text.data, text.len);
		for (c = 0; c < 2; c++) {
			struct tokseg_result whole, part;
			struct copy w;

			if (tokseg_run(c ? segc : seg, text.data, text.len, 1, 1, &whole, &err)) {
				failed++;
				continue;
			}
			keep(&w, &whole);
			words += w.nw;
			sents += w.ns;
			for (k = 0; k < 24; k++) {
				size_t max = (size_t)(k + 1) * 8;

				if (max < longest || max >= text.len)
					continue;
				runs++;
				cuts += text.len / max;
				if (tokseg_run(cut[c][k], text.data, text.len, 1, 1, &part, &err)) {
					failed++;
					continue;
				}
				if (!same_spans(w.w, w.nw, part.words, part.nwords) ||
				    !same_spans(w.s, w.ns, part.sents, part.nsents)) {
					if (!differ++)
						printf("#   differs in pieces of %zu: \"%s\"\n", max, text.data);
				}
			}
			free(w.w);
			free(w.s);
		}
	}
	ok(runs > 2000 && !differ && !failed,
	   "pieces: 600 random texts, whole and in pieces (%zu runs, %zu words, %zu sentences, "
	   "%zu failed, %zu differ)", runs, words, sents, failed, differ);
	for (c = 0; c < 2; c++)
		for (k = 0; k < 24; k++)
			tokseg_free(cut[c][k]);
	ayak_buf_release(&text);
	(void)cuts;
}

/*
 * Many sentences that end just after a span kept whole, between spans with
 * a break of ICU inside them: each break is checked against the spans, once
 * in a quadratic way (19 s for 2 MB); tests/bench/tok.sh times it, this
 * checks that the spans still hold their breaks and end their sentences.
 */
static void test_many_span_ends(void)
{
	static const char unit[] = "Naik 12%. Lawati https://contoh.my/cari?Q=1 esok. ";
	const size_t reps = 20000, ulen = sizeof(unit) - 1;
	struct ayak_buf text = AYAK_BUF_INIT;
	struct tokseg_result r;
	struct ayak_err err;
	size_t i, bad = 0;

	for (i = 0; i < reps; i++)
		ayak_buf_addstr(&text, unit);
	if (tokseg_run(seg, text.data, text.len, 0, 1, &r, &err)) {
		ok(0, "many span ends: %s", err.msg);
		ayak_buf_release(&text);
		return;
	}
	for (i = 0; i < r.nsents && i < 2 * reps; i++) {
		size_t at = i / 2 * ulen, want_s = at + (i % 2 ? 10 : 0), want_e = at + (i % 2 ? 49 : 9);

		if (r.sents[i].start != want_s || r.sents[i].end != want_e)
			bad++;
	}
	ok(r.nsents == 2 * reps && !bad, "many span ends: %zu sentences after a percentage or a URL "
	   "with a '?' inside (%zu, %zu wrong)", 2 * reps, r.nsents, bad);
	ayak_buf_release(&text);
}

/* One run of s; its return, and the message when it fails. */
static int run1(struct tokseg *s, const char *text, struct tokseg_result *r, struct ayak_err *err)
{
	err->msg[0] = '\0';
	return tokseg_run(s, text, strlen(text), 1, 1, r, err);
}

/* What is too long: a line longer than the longest piece, a text over 4 GiB. */
static void test_too_long(const char *dir)
{
	struct tokseg_opts o = { 0 };
	struct tokseg_result r;
	struct ayak_err err;
	struct tokseg *s;
	int ret;

	o.lexicon_dir = dir;
	o.max_piece = 16;
	s = tokseg_new(&o, &err);
	if (!ok(s != NULL, "too long: a segmenter with max_piece 16"))
		return;
	ret = run1(s, "satu dua\ntiga empat lima\nenam", &r, &err);
	ok(!ret && r.nwords == 6 && r.nsents == 3 && r.sents[1].start == 9 && r.sents[1].end == 24 &&
	   r.sents[2].cstart == 25 && r.words[5].cend == 29,
	   "too long: lines of 9, 16 (its line feed counted) and 4 bytes, in three pieces");
	ret = run1(s, "satu dua\ntiga empat limaa", &r, &err);
	ok(!ret && r.nwords == 5, "too long: a last line of 16 bytes without a line feed fits");
	ret = run1(s, "satu dua\ntiga empat lima x\nenam", &r, &err);
	ok(ret == TOKSEG_TOO_LONG && err.code == AYAK_E_DATA &&
	   !strcmp(err.msg, "text too long to segment: it has a line of 18 bytes (the limit is 16)"),
	   "too long: a line of 18 bytes (%s)", err.msg);
	ret = run1(s, "satu dua\ntiga empat limaa\n", &r, &err);
	ok(ret == TOKSEG_TOO_LONG &&
	   !strcmp(err.msg, "text too long to segment: it has a line of 17 bytes (the limit is 16)"),
	   "too long: 16 bytes and a line feed (%s)", err.msg);
	ret = run1(s, "satu dua\ntiga empat limaaa", &r, &err);
	ok(ret == TOKSEG_TOO_LONG &&
	   !strcmp(err.msg, "text too long to segment: it has a line of 17 bytes (the limit is 16)"),
	   "too long: a last line of 17 bytes (%s)", err.msg);
	tokseg_free(s);
	if (SIZE_MAX > UINT32_MAX) {
		/* The length alone says it; nothing is read. */
		ret = tokseg_run(seg, "x", (size_t)UINT32_MAX + 1, 1, 1, &r, &err);
		ok(ret == TOKSEG_TOO_LONG && err.code == AYAK_E_DATA &&
		   !strcmp(err.msg, "text too long to segment (4294967296 bytes; the limit is 4294967295)"),
		   "too long: a text over 4 GiB (%s)", err.msg);
	}
}

int main(void)
{
	struct tokseg_opts o = { 0 };
	struct ayak_err err;
	char dir[4096];
	size_t a, c, w;
	const char *top = getenv("AYAK_TOP");

	snprintf(dir, sizeof(dir), "%s/lexicons", top ? top : ".");
	o.lexicon_dir = dir;
	seg = tokseg_new(&o, &err);
	o.split_clitics = 1;
	segc = tokseg_new(&o, &err);
	if (!ok(seg && segc, "the segmenter starts with the lexicons of %s", dir)) {
		printf("#   %s\n1..%d\n", err.msg, tap_n);
		return 1;
	}
	tokseg_lexicon_sizes(seg, &a, &c, &w);
	ok(a >= 90 && c >= 50 && w > 20000, "lexicons: %zu abbreviations, %zu clitic rules, %zu words", a, c, w);
	test_words();
	test_clitics();
	test_sentences();
	test_offsets();
	test_pieces(dir);
	test_many_span_ends();
	test_too_long(dir);
	o.lexicon_dir = "/nonexistent";
	ok(!tokseg_new(&o, &err) && err.code == AYAK_E_SYS && strstr(err.msg, "tok-abbreviations.tsv"),
	   "a missing lexicon is a system error naming it");
	tokseg_free(seg);
	tokseg_free(segc);
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}
