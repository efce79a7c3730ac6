/*
 * Golden tests for ayak-norm's engine (src/lib/norm*.c): each rule on real
 * Malay examples, things that must stay as they are, and idempotence.
 * The lexicons come from $AYAK_TOP/lexicons.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "norm.h"

static int n, failed;

static void ok(int cond, const char *what)
{
	printf("%sok %d - %s\n", cond ? "" : "not ", ++n, what);
	failed += !cond;
}

enum {
	DEF = 0,
	NFKC = AYAK_NORM_NFKC,
	PUNCT = AYAK_NORM_PUNCT,
	SLANG = AYAK_NORM_SLANG,
	INF = AYAK_NORM_SLANG | AYAK_NORM_KEEP_INFORMAL,
	REDUP = AYAK_NORM_REDUP,
	ELONG = AYAK_NORM_ELONG,
	JAWI = AYAK_NORM_JAWI,
	FOLD = AYAK_NORM_CASE_FOLD,
	STRIP = AYAK_NORM_STRIP_ACCENTS,
	ALL = AYAK_NORM_SLANG | AYAK_NORM_REDUP | AYAK_NORM_ELONG | AYAK_NORM_JAWI |
	      AYAK_NORM_PUNCT,
};

static const struct golden {
	unsigned flags;
	const char *what, *in, *want;	/* want NULL: unchanged */
} golden[] = {
	/* invalid UTF-8 */
	{ DEF, "a stray byte becomes U+FFFD", "kafe\xFF", "kafe\xEF\xBF\xBD" },
	{ DEF, "a truncated sequence becomes one U+FFFD", "nasi \xE2\x82 lemak",
	  "nasi \xEF\xBF\xBD lemak" },
	/* mojibake */
	{ DEF, "mojibake: UTF-8 read as Windows-1252", "kafÃ© di KL", "kafé di KL" },
	{ DEF, "mojibake: a right quote", "Jom makan â€™roti canaiâ€™",
	  "Jom makan ’roti canai’" },
	{ DEF, "mojibake: read as Latin-1 (C1 controls)", "don\xC3\xA2\xC2\x80\xC2\x99t",
	  "don’t" },
	{ DEF, "mojibake: Windows-1252 read as Latin-1 (lone C1 controls)",
	  "s\xC2\x92" "engager \xC2\x85 \xC2\x80" "5", "s’engager … €5" },
	{ PUNCT, "mojibake: C1 control, then --punct", "s\xC2\x92" "engager", "s'engager" },
	{ DEF, "C1 controls undefined in Windows-1252 are removed", "a\xC2\x81" "b\xC2\x9D" "c", "abc" },
	{ DEF, "mojibake: an emoji", "Sedap ðŸ˜€", "Sedap 😀" },
	{ DEF, "mojibake: twice over", "kafÃƒÂ©", "kafé" },
	{ DEF, "mojibake: Jawi read as Windows-1252", "Ú¤Ø±ÙƒØ§Ø±Ø§", "ڤركارا" },
	{ DEF, "correct Latin-1 letters are left alone", "São Tomé, Ålesund, Þór, naïve", NULL },
	{ DEF, "capital A with tilde before a space is left alone", "IRMÃ E SÃO PAULO", NULL },
	{ DEF, "German with guillemets is left alone", "»Straße«", NULL },
	/* HTML entities */
	{ DEF, "entities: named, decimal, hex", "Ali &amp; Abu &#8211; &#x2019;kami&rsquo;",
	  "Ali & Abu – ’kami’" },
	{ DEF, "entities: double escaped", "harga &amp;lt; RM5", "harga < RM5" },
	{ DEF, "entities: 128..159 are Windows-1252", "&#146;", "’" },
	{ DEF, "entities: no semicolon, unknown name, zero: left alone",
	  "AT&T &copy &foo; &#0;", NULL },
	{ DEF, "entity for a non-breaking space becomes a space", "RM&nbsp;50", "RM 50" },
	/* controls and invisible characters */
	{ DEF, "C0 and C1 controls go, tab stays", "Apa\x01 khabar\x7F?\tBaik", "Apa khabar?\tBaik" },
	{ DEF, "zero-width space, BOM, soft hyphen go", "pe\xC2\xADnga\xE2\x80\x8Bjaran\xEF\xBB\xBF",
	  "pengajaran" },
	{ DEF, "ZWJ stays inside an emoji sequence", "\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9",
	  NULL },
	{ DEF, "ZWNJ stays between Arabic letters", "\xD9\x85\xE2\x80\x8C\xDB\x8C", NULL },
	{ DEF, "ZWJ between Latin letters goes", "ka\xE2\x80\x8D" "fe", "kafe" },
	/* whitespace */
	{ DEF, "CRLF and CR become LF", "baris satu\r\nbaris dua\rtiga", "baris satu\nbaris dua\ntiga" },
	{ DEF, "LS, PS, VT, FF become LF", "b\xE2\x80\xA8" "c\xE2\x80\xA9" "d\ve\ff",
	  "b\nc\nd\ne\nf" },
	{ DEF, "runs of spaces collapse, NBSP and friends too",
	  "Saya  suka\xC2\xA0\xC2\xA0makan\xE2\x80\x83nasi\xE3\x80\x80lemak", "Saya suka makan nasi lemak" },
	{ DEF, "lines are trimmed", "  Hutang emas boleh dibayar,  \n\thutang budi dibawa mati.\t",
	  "Hutang emas boleh dibayar,\nhutang budi dibawa mati." },
	{ DEF, "blank lines: at most one between paragraphs", "Perenggan satu.\n\n\n\n \nPerenggan dua.\n\n",
	  "Perenggan satu.\n\nPerenggan dua." },
	{ DEF, "a run with a tab stays a tab", "nama: \t Ali", "nama:\tAli" },
	/* NFC, NFKC */
	{ DEF, "NFC composes", "Cafe\xCC\x81", "Café" },
	{ DEF, "NFC reorders marks", "q\xCC\x87\xCC\xA3", "q\xCC\xA3\xCC\x87" },
	{ DEF, "NFC keeps compatibility characters", "\xEF\xAC\x81le \xE2\x91\xA0", NULL },
	{ NFKC, "NFKC folds compatibility characters", "\xEF\xAC\x81le \xE2\x91\xA0 \xEF\xBC\xA1",
	  "file 1 A" },
	{ DEF, "Jawi is NFC already", "ڤراشتهارن حق اساسي مأنسي سجاڬت", NULL },
	/* --punct */
	{ PUNCT, "--punct: quotes, dashes, ellipsis, full-width", "“Jom!” — kata Ali… ＡＢＣ’s",
	  "\"Jom!\" - kata Ali... ABC's" },
	{ DEF, "without --punct typography stays", "“Jom!” — kata Ali…", NULL },
	/* --expand-slang */
	{ SLANG, "slang: the issue's examples", "yg dgn sy x suka nk",
	  "yang dengan saya tidak suka hendak" },
	{ SLANG, "slang: Capitalized", "Yg ni la", "Yang ini lah" },
	{ SLANG, "slang: colloquial words to standard", "Aku tak sanggup hidup tanpa telefon pintar.",
	  "Aku tidak sanggup hidup tanpa telefon pintar." },
	{ SLANG, "slang: a Capitalized form inside a sentence is a name", "Kata Yee dan Nga di Kg Baru.",
	  NULL },
	{ SLANG, "slang: ... and at the start of one, a form", "Dah siap? Tu la. \"Yg ni\"",
	  "Sudah siap? Itu lah. \"Yang ini\"" },
	{ SLANG, "slang: two words", "Okey tak nak hisap dah.", "Okey tidak mahu hisap sudah." },
	{ INF, "slang --keep-informal keeps tak, nak, je", "aku x nk pegi je", "aku tak nak pergi je" },
	{ SLANG, "slang: x between numbers is times", "3 x 4 = 12", NULL },
	{ SLANG, "slang: x at the start or in x-ray stays", "x-ray dan sinar x", NULL },
	{ SLANG, "slang: kg after a number is kilograms", "5 kg beras di kg Baru",
	  "5 kg beras di kampung Baru" },
	{ SLANG, "slang: URLs, hashtags, mentions stay", "https://yg.com/dgn #yg @sy sy@mail.my", NULL },
	{ SLANG, "slang: ALL CAPS only in a line that shouts, and not acronyms", "PTPTN yg, DAH\nJER DAH SAMPAI YG",
	  "PTPTN yang, DAH\nSAHAJA SUDAH SAMPAI YG" },
	{ SLANG, "slang: acronyms stay", "PKPD mulai Selasa - MKN\nKUALA LUMPUR KKM MKN", NULL },
	{ SLANG, "slang: standard Malay stays", "Hutang emas boleh dibayar, hutang budi dibawa mati.",
	  NULL },
	{ SLANG, "slang: English stays", "so if you go to the mall", NULL },
	/* --reduplication */
	{ REDUP, "reduplication: kanak2, rama2", "kanak2 dan rama2", "kanak-kanak dan rama-rama" },
	{ REDUP, "reduplication: with ²", "Kanak² bermain", "Kanak-kanak bermain" },
	{ REDUP, "reduplication: prefixes", "berlari2 menari2 memukul2",
	  "berlari-lari menari-nari memukul-mukul" },
	{ REDUP, "reduplication: a suffix", "sebaik2nya kanak2nya", "sebaik-baiknya kanak-kanaknya" },
	{ REDUP, "reduplication: roots that look prefixed", "sedap2 menang2 kemas2",
	  "sedap-sedap menang-menang kemas-kemas" },
	{ REDUP, "reduplication: ke- and be- words of their own", "kereta2 ketua2 beras2 kekasih2",
	  "kereta-kereta ketua-ketua beras-beras kekasih-kekasih" },
	{ REDUP, "reduplication: ke-...-an and numerals", "keanak2an kedua2nya bekerja2",
	  "keanak-anakan kedua-duanya bekerja-kerja" },
	{ REDUP, "reduplication: two letters and 2 stay", "tempat ke2 di2", NULL },
	{ REDUP, "reduplication: not words stay", "mp3 co2 h2o covid19 abc2 2020", NULL },
	{ REDUP | SLANG, "reduplication of a slang base", "org2 jln2", "orang-orang jalan-jalan" },
	/* --elongation */
	{ ELONG, "elongation: squeezed to a word", "sedappp gilaaa maaaaf",
	  "sedap gila maaf" },
	{ ELONG, "elongation: with a clitic", "rumahnyaaa", "rumahnya" },
	{ ELONG, "elongation: not words stay", "hmmm zzzz sooo", NULL },
	{ ELONG, "elongation: two letters stay", "sedapp", NULL },
	{ ELONG | SLANG, "elongation then slang", "jelaaa", "sahaja lah" },
	/* --jawi-to-rumi */
	{ JAWI, "Jawi to Rumi", "ستياڤ اورڠ بوليه", "Setiap orang boleh" },
	{ JAWI, "Jawi: reduplication with ٢", "حق٢ دان كبيبسن يڠ", "Hak-hak dan kebebasan yang" },
	{ JAWI, "Jawi: a line without Jawi letters, alone, stays", "حق٢ دان كبيبسن", NULL },
	{ JAWI, "Jawi: ... but is Jawi beside a Jawi line", "ڤركارا ١\nمقدمه", "Perkara 1\nMukaddumah" },
	{ JAWI, "Jawi: punctuation and digits", "ڤركارا ١٢، يڠ", "Perkara 12, yang" },
	{ JAWI, "Arabic without Jawi letters stays", "لكل شخص الحق في الحياة", NULL },
	{ JAWI, "Persian stays", "هر کس حق زندگی دارد چون", NULL },
	{ JAWI, "vowel-marked Arabic in a Jawi line stays", "فرمان الله: بِسْمِ اللَّهِ ڤد",
	  "Firman Allah: بِسْمِ اللَّهِ pada" },
	/* --case-fold, --strip-accents */
	{ FOLD, "case folding", "Kuala LUMPUR Straße", "kuala lumpur strasse" },
	{ STRIP, "accents stripped from Latin", "Café naïve Øre Łódź", "Cafe naive Ore Lodz" },
	{ STRIP, "Arabic marks are not accents", "بِسْمِ", NULL },
	/* clean text */
	{ ALL, "clean Malay stays with every flag",
	  "Buah cempedak di luar pagar, ambil galah tolong jolokkan.", NULL },
	{ DEF, "empty text", "", NULL },
};

static int run(struct ayak_norm *e, const char *in, struct ayak_buf *out, int *changed)
{
	struct ayak_err err;

	ayak_buf_reset(out);
	if (ayak_norm_text(e, in, strlen(in), out, changed, &err)) {
		printf("# error: %s\n", err.msg);
		return -1;
	}
	if (!*changed && ayak_buf_addstr(out, in))
		return -1;
	if (ayak_buf_add(out, "", 1))
		return -1;
	out->len--;
	return 0;
}

int main(void)
{
	const char *top = getenv("AYAK_TOP");
	char lexdir[4096];
	struct ayak_buf out = AYAK_BUF_INIT, again = AYAK_BUF_INIT;
	struct ayak_err err;
	size_t i;

	snprintf(lexdir, sizeof(lexdir), "%s/lexicons", top ? top : ".");
	for (i = 0; i < sizeof(golden) / sizeof(golden[0]); i++) {
		const struct golden *g = &golden[i];
		struct ayak_norm *e = ayak_norm_new(g->flags, lexdir, 1, &err);
		const char *want = g->want ? g->want : g->in;
		int changed = 0, changed2 = 0;

		if (!e) {
			printf("# %s\n", err.msg);
			ok(0, g->what);
			continue;
		}
		if (run(e, g->in, &out, &changed)) {
			ok(0, g->what);
		} else {
			int good = !strcmp(out.data, want) && changed == (g->want != NULL);

			if (!good)
				printf("# want: %s\n#  got: %s (changed %d)\n", want, out.data, changed);
			ok(good, g->what);
			/* and once more: nothing changes */
			if (run(e, out.data, &again, &changed2) || changed2)
				printf("# not idempotent: %s -> %s\n", out.data, again.data);
			failed += changed2 != 0;
		}
		ayak_norm_free(e);
	}
	{
		struct ayak_norm *e = ayak_norm_new(DEF, lexdir, 1, &err);
		const uint64_t *c;
		int changed;

		run(e, "  kafÃ© &amp;\r\n\n\n\nx\x01", &out, &changed);
		c = ayak_norm_counts(e);
		ok(c[AYAK_NORM_R_MOJIBAKE] == 1 && c[AYAK_NORM_R_ENTITY] == 1 &&
		   c[AYAK_NORM_R_LINE_END] == 1 && c[AYAK_NORM_R_BLANK_LINES] == 1 &&
		   c[AYAK_NORM_R_TRIM] == 1 && c[AYAK_NORM_R_CONTROL] == 1,
		   "changes are counted per rule");
		ok(!strcmp(ayak_norm_rule_name(AYAK_NORM_R_SLANG), "slang") &&
		   !strcmp(ayak_norm_rule_name(AYAK_NORM_NRULES), "unknown"), "rule names");
		ayak_norm_free(e);
	}
	{
		struct ayak_norm *e = ayak_norm_new(SLANG, "/nonexistent", 1, &err);

		ok(!e && err.code == AYAK_E_SYS && strstr(err.msg, "norm/slang.tsv"),
		   "a missing lexicon is a system error naming the file");
	}
	{
		struct ayak_norm *e = ayak_norm_new(DEF, lexdir, 0, &err);
		int changed;

		run(e, "satu\n\n\ndua", &out, &changed);
		ok(!strcmp(out.data, "satu\ndua"), "--blank-lines 0");
		ayak_norm_free(e);
	}
	ayak_buf_release(&out);
	ayak_buf_release(&again);
	printf("1..%d\n", n);
	return failed != 0;
}
