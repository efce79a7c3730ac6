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
	o.lexicon_dir = "/nonexistent";
	ok(!tokseg_new(&o, &err) && err.code == AYAK_E_SYS && strstr(err.msg, "tok-abbreviations.tsv"),
	   "a missing lexicon is a system error naming it");
	tokseg_free(seg);
	tokseg_free(segc);
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}
