/*
 * Unit tests for lid.h: a small model trained here (from sentences written
 * for this test), written and read back; classifying by rule and by model;
 * probabilities; invalid UTF-8, URLs, sampling; the marker weight; the word
 * cache; the shares of the labels in one pass and class by class; the fast
 * paths (row sums, bucketing, softmax, the last choice of label, shares),
 * the character n-grams and the reading of text against plain loops; and
 * the model loader's errors on missing, truncated and corrupt files; reading a
 * text by its lines.
 * Prints TAP.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <unicode/uchar.h>
#include <unicode/uscript.h>

#include "lid-impl.h"

#include "tap.h"

static const char *const zsm[] = {
	"Kerajaan akan memastikan bahawa semua rakyat mendapat bantuan kerana keadaan ekonomi.",
	"Saya nak pergi ke kedai sekejap untuk membeli ubat di farmasi.",
	"Polis berkata kenderaan itu dipandu laju selepas mesyuarat pagi tadi.",
	"Syarikat itu menawarkan peratus yang tinggi kepada kakitangan baharu.",
	"Sekiranya anda mahu, kita boleh berjumpa di pejabat selepas waktu kerja.",
	"Aktiviti komuniti di universiti itu sangat pelbagai dan menarik.",
};
static const char *const ind[] = {
	"Pemerintah akan memastikan bahwa semua warga mendapat bantuan karena kondisi ekonomi.",
	"Aku mau pergi ke toko sebentar untuk membeli obat di apotek.",
	"Polisi mengatakan mobil itu dikemudikan dengan cepat setelah rapat pagi tadi.",
	"Perusahaan itu menawarkan persen yang tinggi kepada karyawan baru.",
	"Kalau kamu mau, kita bisa bertemu di kantor setelah jam kerja.",
	"Aktivitas komunitas di universitas itu sangat beragam dan menarik.",
};
static const char *const eng[] = {
	"The government will make sure that every citizen gets help because of the economy.",
	"I want to go to the shop for a moment to buy medicine at the pharmacy.",
	"The police said the car was driven fast after the morning meeting.",
	"The company offers a high percentage to its new staff members.",
	"If you want, we can meet at the office after working hours.",
	"Community activities at the university are varied and interesting.",
};

/* The next value of the tests' random sequence (Marsaglia's xorshift; x never 0) */
static uint64_t xorshift64(uint64_t x)
{
	x ^= x << 13;
	x ^= x >> 7;
	return x ^ x << 17;
}

/*
 * The tests' training options: a Latin submodel and an msa one (zsm_Latn,
 * ind_Latn) of these features, word odds of 2^nb_bits buckets (0: none).
 */
static void train_opts(struct lid_train_opts *o, unsigned latn, unsigned msa_flags,
		       unsigned msa_bits, unsigned mark_weight, unsigned nb_bits)
{
	static const char *const msa[] = { "zsm_Latn", "ind_Latn", NULL };

	memset(o, 0, sizeof(*o));
	o->about = "version: unit-test\nnote: written by tests/unit/test-lid.c\n";
	o->lr = 1.0;
	o->subs[0] = (struct lid_train_sub){ "Latn", latn, 10 };
	o->subs[1] = (struct lid_train_sub){ "msa", msa_flags, msa_bits, mark_weight };
	o->nsubs = 2;
	o->msa = msa;
	o->nb_bits = nb_bits;
	o->nb_alpha = 0.1;
	o->nb_weight = 0.5;
}

/* The six Malaysian, Indonesian and English sentences above, as training texts. */
static void train_texts(struct lid_trainer *t)
{
	struct ayak_err err;
	size_t i;

	for (i = 0; i < 6; i++) {
		lid_trainer_add(t, "zsm_Latn", zsm[i], strlen(zsm[i]), &err);
		lid_trainer_add(t, "ind_Latn", ind[i], strlen(ind[i]), &err);
		lid_trainer_add(t, "eng_Latn", eng[i], strlen(eng[i]), &err);
	}
}

static struct lid_trainer *trainer_full(unsigned mark_weight, unsigned nb_bits)
{
	struct lid_train_opts o;
	struct ayak_err err;
	struct lid_trainer *t;

	train_opts(&o, LID_F_CHAR1 | LID_F_CHAR2 | LID_F_CHAR3 | LID_F_WORD,
		   LID_F_CHAR3 | LID_F_WORD | LID_F_MARK, 10, mark_weight, nb_bits);
	o.epochs = 30;
	o.seed = 7;
	t = lid_trainer_new(&o, &err);
	if (!t)
		return NULL;
	lid_trainer_add_marker(t, "kerana", LID_MARK_ZSM, &err);
	lid_trainer_add_marker(t, "karena", LID_MARK_IND, &err);
	lid_trainer_add_marker(t, "-itas", LID_MARK_IND, &err);
	train_texts(t);
	/* labels decided by rule, with no texts */
	lid_trainer_add_label(t, "zho_Hans", &err);
	lid_trainer_add_label(t, "zho_Hant", &err);
	lid_trainer_add_label(t, "tam_Taml", &err);
	lid_trainer_add_label(t, "zsm_Arab", &err);
	lid_trainer_add_label(t, "jpn_Jpan", &err);
	return t;
}

/*
 * A model whose second model reads msa_flags (with LID_F_DICT, a dictionary
 * of a few Malaysian words; with LID_F_MARK, a pair marker too), with word
 * odds of 2^12 buckets, written to path and loaded; NULL if any step failed.
 */
static struct lid_model *model_with(const char *path, unsigned msa_flags)
{
	static const char *const dict[] = { "kerajaan", "bahawa", "kerana", "sekiranya", "pejabat" };
	struct lid_train_opts o;
	struct ayak_err err;
	struct lid_trainer *t;
	struct lid_model *m = NULL;
	size_t i;

	train_opts(&o, LID_F_CHAR3 | LID_F_WORD, msa_flags, 11, 2, 12);
	o.epochs = 20;
	o.seed = 3;
	t = lid_trainer_new(&o, &err);
	if (!t)
		return NULL;
	lid_trainer_add_marker(t, "kerana", LID_MARK_ZSM, &err);
	lid_trainer_add_marker(t, "karena", LID_MARK_IND, &err);
	lid_trainer_add_marker(t, "berjumpa di", LID_MARK_ZSM, &err);
	lid_trainer_add_marker(t, "bertemu di", LID_MARK_IND, &err);
	for (i = 0; (msa_flags & LID_F_DICT) && i < sizeof(dict) / sizeof(dict[0]); i++)
		lid_trainer_add_dict_word(t, dict[i], &err);
	train_texts(t);
	if (lid_trainer_finish(t, path, &err) == 0)
		m = lid_model_load(path, &err);
	lid_trainer_free(t);
	return m;
}

static struct lid_trainer *trainer_weighted(unsigned mark_weight)
{
	return trainer_full(mark_weight, 0);
}

static struct lid_trainer *trainer(void)
{
	return trainer_weighted(0);
}

static unsigned char *slurp(const char *path, size_t *n);

/* The offset of the first 64-byte block of a model file that starts with tag[0..8), or 0. */
static size_t block_at(const unsigned char *file, size_t n, const char *tag)
{
	size_t i;

	for (i = 0; i + 8 <= n; i += 64)
		if (!memcmp(file + i, tag, 8))
			return i;
	return 0;
}

/* P(label) of text with the word odds at the model's weight (w < 0) or at w. */
static float prob_of(const struct lid_model *m, const char *text, const char *label, float w)
{
	struct lid_classifier *c = lid_classifier_new(m);
	struct lid_opts o = { 0, w >= 0, w };
	float s, p;

	if (!c)
		return -1;
	lid_classify(c, text, strlen(text), &o, &s);
	p = lid_probs(c)[lid_model_find(m, label)];
	lid_classifier_free(c);
	return p;
}

/* The word odds table: stored, read back, and moving zsm/ind only by its weight. */
static void test_word_odds(const struct lid_model *plain, const char *path)
{
	static const char *const zt = "Polis berkata kenderaan itu dipandu laju selepas mesyuarat.";
	static const char *const it = "Polisi mengatakan mobil itu dikemudikan cepat setelah rapat.";
	struct lid_trainer *t = trainer_full(0, 12);
	struct ayak_err err;
	struct lid_model *m, *m2;
	unsigned char *file, *bad;
	size_t n, at, cut, fails = 0, msgs = 0;
	unsigned bits = 0;
	float w = 0;
	uint32_t v;
	int has;

	ok(t && lid_trainer_finish(t, path, &err) == 0, "a model with word odds trains");
	lid_trainer_free(t);
	m = lid_model_load(path, &err);
	has = m && lid_model_word_odds(m, &bits, &w);
	ok(has && bits == 12 && w == 0.5f, "its word odds are read back: 2^%u buckets, weight %g",
	   bits, (double)w);
	ok(!lid_model_word_odds(plain, &bits, &w) && bits == 0, "a model without them says so");
	if (!m)
		return;
	ok(prob_of(m, zt, "zsm_Latn", 0) == prob_of(plain, zt, "zsm_Latn", -1) &&
	   prob_of(m, it, "ind_Latn", 0) == prob_of(plain, it, "ind_Latn", -1),
	   "weight 0: the same probabilities as the model trained without them");
	ok(prob_of(m, zt, "zsm_Latn", -1) > prob_of(m, zt, "zsm_Latn", 0) &&
	   prob_of(m, it, "ind_Latn", -1) > prob_of(m, it, "ind_Latn", 0),
	   "the model's weight: Malaysian text more Malaysian (%.4f > %.4f), Indonesian more "
	   "Indonesian (%.4f > %.4f)", prob_of(m, zt, "zsm_Latn", -1), prob_of(m, zt, "zsm_Latn", 0),
	   prob_of(m, it, "ind_Latn", -1), prob_of(m, it, "ind_Latn", 0));
	lid_model_free(m);
	file = slurp(path, &n);
	at = file ? block_at(file, n, "AYAKLID\x01") : 0;	/* the header */
	ok(at > 0, "the header is found (offset %zu)", at);
	if (!file || !at) {
		free(file);
		return;
	}
	for (cut = n - 6000; cut < n; cut += 61) {
		m2 = lid_model_parse(file, cut, "x.bin", 0, &err);
		if (m2) {
			lid_model_free(m2);
			continue;
		}
		fails++;
		msgs += strncmp(err.msg, "x.bin: truncated model", 22) == 0;
	}
	ok(fails > 0 && fails == msgs, "cut in its table: truncated model (%zu cuts)", fails);
	bad = malloc(n);
	memcpy(bad, file, n);
	v = 30;
	memcpy(bad + at + 52, &v, 4);	/* ndict at 48, then nb_bits */
	m2 = lid_model_parse(bad, n, "x.bin", LID_LOAD_NO_CHECKSUM, &err);
	ok(!m2 && strstr(err.msg, "x.bin: corrupt model: bad word odds"), "2^30 buckets: %s", err.msg);
	lid_model_free(m2);
	memcpy(bad, file, n);
	v = 12;
	memcpy(bad + at + 52, &v, 4);
	memcpy(&v, bad + at + 12, 4);
	v |= 4;
	memcpy(bad + at + 12, &v, 4);	/* flags */
	m2 = lid_model_parse(bad, n, "x.bin", LID_LOAD_NO_CHECKSUM, &err);
	ok(!m2 && strstr(err.msg, "x.bin: corrupt model: unknown flags"), "a flag of a later format: %s",
	   err.msg);
	lid_model_free(m2);
	memcpy(bad, file, n);
	v &= ~4u & ~2u;
	memcpy(bad + at + 12, &v, 4);	/* the table's flag off: its bytes are left over */
	m2 = lid_model_parse(bad, n, "x.bin", LID_LOAD_NO_CHECKSUM, &err);
	ok(!m2 && strstr(err.msg, "x.bin: corrupt model: "), "the table without its flag: %s", err.msg);
	lid_model_free(m2);
	/*
	 * A model without "und" is the file's fault, told apart from memory
	 * running out: its first label's entry, after the header (the text
	 * part names it too, unterminated), renamed.
	 */
	memcpy(bad, file, n);
	for (; at + 9 <= n && memcmp(bad + at, "und", 4); at++)
		;
	if (at + 9 <= n)
		memcpy(bad + at, "xyz_Latn", 9);
	m2 = lid_model_parse(bad, n, "x.bin", LID_LOAD_NO_CHECKSUM, &err);
	ok(at + 9 <= n && !m2 && err.code == AYAK_E_SYS &&
	   strstr(err.msg, "x.bin: corrupt model: no \"und\" label"), "no \"und\" label: %s", err.msg);
	lid_model_free(m2);
	free(bad);
	free(file);
}

/* How many marker features (LID_F_MARK alone) the model gives text. */
static size_t marker_features(const struct lid_model *m, const char *text)
{
	struct lid_text tx;
	struct lid_feats f = { 0 };
	int n;

	lid_text_init(&tx);
	n = lid_text_prepare(&tx, text, strlen(text), 0, m) ? -1 :
	    lid_features(&tx, -1, LID_F_MARK, 10, m, &f);
	lid_text_release(&tx);
	free(f.v);
	return n < 0 ? (size_t)-1 : (size_t)n;
}

static unsigned char *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	unsigned char *p;
	long len;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	fseek(f, 0, SEEK_SET);
	p = malloc((size_t)len + 1);
	if (p && fread(p, 1, (size_t)len, f) != (size_t)len) {
		free(p);
		p = NULL;
	}
	fclose(f);
	*n = (size_t)len;
	return p;
}

static const char *label_of(struct lid_classifier *c, const struct lid_model *m, const char *text,
			    size_t sample, float *score)
{
	struct lid_opts o = { sample };
	int l = lid_classify(c, text, strlen(text), &o, score);

	return lid_model_label(m, (size_t)l);
}

static int is_label(struct lid_classifier *c, const struct lid_model *m, const char *text,
		    const char *want, const char *name)
{
	float s = 0;
	const char *got = label_of(c, m, text, 4096, &s);
	int r = ok(!strcmp(got, want), "%s: %s", name, want);

	if (!r)
		printf("#   got %s (%.4f)\n", got, s);
	return r;
}

/*
 * The row sums: AVX2 (specialised for 16 to 64 labels), SSE2 and plain C
 * must agree exactly, for every stride up to the largest, for feature
 * counts on both sides of the 256-row flush of the 16-bit sums, and with
 * rows of all +127 and all -128 (the extremes a 16-bit sum must hold).
 * The 16-bit sums of up to 256 rows (one word's, for the word cache), AVX2
 * and plain C, are the same numbers.
 */
static void test_accumulate(void)
{
	enum { ROWS = 512 };
	static const size_t counts[] = { 0, 1, 15, 17, 255, 256, 257, 1000 };
	int8_t *w = aligned_alloc(64, (size_t)ROWS * LID_MAX_STRIDE);
	uint32_t f[1000];
	int32_t best[LID_MAX_STRIDE], sse2[LID_MAX_STRIDE], c[LID_MAX_STRIDE];
	int16_t s16[LID_MAX_STRIDE] __attribute__((aligned(32))), c16[LID_MAX_STRIDE];
	size_t stride, k, i, j, bad = 0, cases = 0, bad16 = 0, cases16 = 0;
	uint64_t x = 88172645463325252ull;

	if (!w) {
		ok(0, "memory for the row sums");
		return;
	}
	for (i = 0; i < (size_t)ROWS * LID_MAX_STRIDE; i++) {
		x = xorshift64(x);
		w[i] = (int8_t)(x >> 24);
	}
	for (stride = 16; stride <= LID_MAX_STRIDE; stride += 16) {
		/* rows 0 and 1 of this stride: all +127 and all -128 */
		memset(w, 127, stride);
		memset(w + stride, -128, stride);
		for (k = 0; k < sizeof(counts) / sizeof(counts[0]); k++) {
			size_t nf = counts[k];

			for (i = 0; i < nf; i++) {
				x = xorshift64(x);
				f[i] = k == 6 ? (uint32_t)(i & 1) : (uint32_t)(x % ROWS);
			}
			if (k == 5 || k == 7)
				for (i = 0; i < nf; i++)
					f[i] = 1;	/* 256 or 1000 rows of -128 */
			lid_accumulate(w, stride, f, nf, best, LID_PATH_BEST);
			lid_accumulate(w, stride, f, nf, sse2, LID_PATH_SSE2);
			lid_accumulate(w, stride, f, nf, c, LID_PATH_C);
			cases++;
			if (memcmp(best, c, stride * sizeof(*c)) || memcmp(sse2, c, stride * sizeof(*c)))
				bad++;
			if ((k == 5 && c[0] != -32768) || (k == 7 && c[0] != -128000))
				bad++;
			if (nf > 256)
				continue;
			lid_row_sums16(w, stride, f, nf, s16, LID_PATH_BEST);
			lid_row_sums16(w, stride, f, nf, c16, LID_PATH_C);
			cases16++;
			for (j = 0; j < stride; j++)
				bad16 += s16[j] != c[j] || c16[j] != c[j];
		}
	}
	ok(bad == 0 && cases == 16 * 8, "row sums: the fast paths agree with plain C (%zu cases)",
	   cases);
	ok(bad16 == 0 && cases16 == 16 * 6, "16-bit row sums: the same numbers (%zu cases)", cases16);
	free(w);
}

/*
 * A made-up text of about `words` words into text[0..cap) (returns its
 * length): syllables, sometimes capitalized or over 40 letters, Malay,
 * Indonesian and English sentences, URLs, numbers and other scripts,
 * between spaces and newlines.  *xp: the generator's state.
 */
static size_t made_up_text(uint64_t *xp, size_t words, char *text, size_t cap)
{
	static const char *const syl[] = { "ka", "ra", "na", "ba", "ha", "wa", "se", "ti", "nga",
		"nya", "ku", "lah", "pe", "me", "an", "kan", "di", "ter", "ber", "ong" };
	static const char *const extra[] = { "https://contoh.my/kerana", "2024", "\xe0\xae\x85\xe0\xae\xb0\xe0\xae\x9a\xe0\xae\xbe",
		"\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82", "\xe6\x88\x91\xe4\xbb\xac", "kerana", "karena", "UNIVERSITAS",
		"Aktivitas", "pertubuhan", "\xda\xa4\xd8\xb1\xd8\xa7\xd8\xb4" };
	uint64_t x = *xp;
	size_t n = 0, i;

	for (i = 0; i < words && n + 200 < cap; i++) {
		x = xorshift64(x);
		if (i)
			text[n++] = x % 17 ? ' ' : '\n';
		if (x % 11 == 0) {
			const char *e = extra[(x >> 8) % (sizeof(extra) / sizeof(extra[0]))];

			memcpy(text + n, e, strlen(e));
			n += strlen(e);
		} else if (x % 13 == 0) {
			const char *src = (x >> 8) % 3 == 0 ? zsm[(x >> 12) % 6] :
					  (x >> 8) % 3 == 1 ? ind[(x >> 12) % 6] : eng[(x >> 12) % 6];

			memcpy(text + n, src, strlen(src));
			n += strlen(src);
		} else {
			/* a made-up word of 1 to 4 syllables (or 25: over 40 letters) */
			size_t ns = x % 97 == 0 ? 25 : 1 + (x >> 8) % 4, s0 = n, j;

			for (j = 0; j < ns; j++) {
				const char *sy = syl[(x >> (12 + 5 * (j % 10))) % 20];

				memcpy(text + n, sy, strlen(sy));
				n += strlen(sy);
			}
			if ((x >> 60) == 0)
				for (j = s0; j < n; j++)
					text[j] = (char)(text[j] - 32);
			else if ((x >> 61) == 1)
				text[s0] = (char)(text[s0] - 32);
		}
	}
	*xp = x;
	return n;
}

/*
 * The word cache.  A classifier keeps each word's own sums; one told to keep
 * none reads every word again, and one that keeps only words of 12 features
 * or fewer does both.  All three give the same probabilities, bit for bit,
 * over texts whose words come back (hits), more words than the cache holds
 * (words put out of it), capitals (which the cache tells apart when the
 * model reads them), words over 40 letters, other scripts, URLs, and a text
 * of 10,000 words (read in parts of 4,096), with and without sampling.
 */
static void test_word_cache(const struct lid_model *m, const char *what)
{
	static const struct lid_opts opts[] = { { 0, 0, 0 }, { 1024, 0, 0 }, { 0, 1, 0 } };
	struct lid_classifier *c[3];
	size_t nl = lid_model_nlabels(m), cap = 1 << 20, t, i, k, bad = 0, texts = 0, hits;
	char *text = malloc(cap);
	float *p0 = malloc(nl * sizeof(*p0));
	uint64_t x = 88172645463325252ull;

	c[0] = lid_classifier_new(m);
	c[1] = lid_classifier_new(m);
	c[2] = lid_classifier_new(m);
	if (!text || !p0 || !c[0] || !c[1] || !c[2]) {
		ok(0, "memory for the word cache test");
		goto out;
	}
	lid_classifier_cache(c[1], 0);
	lid_classifier_cache(c[2], 12);
	for (t = 0; t < 3001; t++) {
		size_t n = made_up_text(&x, t == 3000 ? 10000 : 1 + t % 60, text, cap);

		for (k = 0; k < sizeof(opts) / sizeof(opts[0]); k++) {
			int l0 = lid_classify(c[0], text, n, &opts[k], NULL), l;
			size_t j;

			memcpy(p0, lid_probs(c[0]), nl * sizeof(*p0));
			for (j = 1; j < 3; j++) {
				l = lid_classify(c[j], text, n, &opts[k], NULL);
				bad += l != l0 || memcmp(p0, lid_probs(c[j]), nl * sizeof(*p0)) != 0;
			}
			texts++;
		}
	}
	hits = lid_classifier_cache(c[0], SIZE_MAX);
	ok(bad == 0 && hits > 100000 && lid_classifier_cache(c[1], SIZE_MAX) == 0,
	   "%s: the word cache changes no probability (%zu texts; %zu bad; %zu words found in it)",
	   what, texts, bad, hits);
out:
	for (i = 0; i < 3; i++)
		lid_classifier_free(c[i]);
	free(text);
	free(p0);
}

/*
 * Explaining (lid_why()).  Over made-up texts, by default, sampled and by
 * lines: a classifier that explains gives the probabilities of one that
 * does not, bit for bit, with its word cache and without (the two explain
 * the same, item for item); the prior and the items add up to the odds;
 * the odds are the log of the ratio of the two labels' probabilities
 * where the texts' own reading decides them; items come largest first.
 */
static void test_explain(const struct lid_model *m, const char *what)
{
	static const struct lid_opts opts[] = { { 0, 0, 0 }, { 1024, 0, 0 }, { 0, 1, 0 } };
	struct lid_classifier *c[3];
	size_t nl = lid_model_nlabels(m), cap = 1 << 20, t, i, k, texts = 0, none = 0, ratios = 0;
	size_t bad_probs = 0, bad_same = 0, bad_sum = 0, bad_ratio = 0, bad_order = 0, items = 0;
	size_t bad_first = 0;
	int z = lid_model_find(m, "zsm_Latn"), id = lid_model_find(m, "ind_Latn");
	char *text = malloc(cap);
	float *p0 = malloc(nl * sizeof(*p0));
	uint64_t x = 0x9e3779b97f4a7c15ull;
	struct lid_why w1, w2;

	c[0] = lid_classifier_new(m);
	c[1] = lid_classifier_new(m);
	c[2] = lid_classifier_new(m);
	if (!text || !p0 || !c[0] || !c[1] || !c[2]) {
		ok(0, "memory for the explaining test");
		goto out;
	}
	ok(lid_classifier_explain(c[1], 1) == 0 && lid_classifier_explain(c[2], 1) == 0,
	   "%s: explaining turns on", what);
	lid_classifier_cache(c[2], 0);
	lid_classify(c[0], "kerana wang", 11, NULL, NULL);
	ok(lid_why(c[0], SIZE_MAX, &w1) == 1 && w1.nitems == 0, "%s: a classifier not told to explain has nothing to say", what);
	lid_classify(c[1], "12345 !!", 8, NULL, NULL);
	ok(lid_why(c[1], SIZE_MAX, &w1) == 1 && w1.nitems == 0, "%s: nor for a text without letters", what);
	for (t = 0; t < 1201; t++) {
		size_t n = made_up_text(&x, t == 1200 ? 10000 : 1 + t % 40, text, cap);

		for (k = 0; k < sizeof(opts) / sizeof(opts[0]); k++) {
			int l0 = lid_classify(c[0], text, n, &opts[k], NULL), r1, r2;
			const float *p;
			double sum;

			memcpy(p0, lid_probs(c[0]), nl * sizeof(*p0));
			bad_probs += lid_classify(c[1], text, n, &opts[k], NULL) != l0 ||
				     memcmp(p0, lid_probs(c[1]), nl * sizeof(*p0)) != 0;
			bad_probs += lid_classify(c[2], text, n, &opts[k], NULL) != l0 ||
				     memcmp(p0, lid_probs(c[2]), nl * sizeof(*p0)) != 0;
			texts++;
			r1 = lid_why(c[1], SIZE_MAX, &w1);
			r2 = lid_why(c[2], SIZE_MAX, &w2);
			if (r1 != r2 || w1.nitems != w2.nitems || w1.odds != w2.odds || w1.prior != w2.prior) {
				bad_same++;
				continue;
			}
			for (i = 0; i < w1.nitems; i++)
				bad_same += w1.items[i].len != w2.items[i].len ||
					    memcmp(w1.items[i].text, w2.items[i].text, w1.items[i].len) ||
					    w1.items[i].count != w2.items[i].count ||
					    w1.items[i].nats != w2.items[i].nats;
			if (r1) {
				none++;
				continue;
			}
			sum = w1.prior;
			for (i = 0; i < w1.nitems; i++) {
				sum += w1.items[i].nats;
				bad_order += i && fabs(w1.items[i].nats) > fabs(w1.items[i - 1].nats);
			}
			items += w1.nitems;
			bad_sum += !(fabs(sum - w1.odds) < 1e-4 * (1 + fabs(w1.odds))) ||
				   w1.nitems != w1.total;
			/* the first three asked for alone: the first three of all (c[2]'s, still there) */
			if (lid_why(c[1], 3, &w1) || w1.total != w2.total ||
			    w1.nitems != (w2.nitems < 3 ? w2.nitems : 3))
				bad_first++;
			for (i = 0; i < w1.nitems && i < w2.nitems; i++)
				bad_first += w1.items[i].len != w2.items[i].len ||
					     memcmp(w1.items[i].text, w2.items[i].text, w1.items[i].len) ||
					     w1.items[i].nats != w2.items[i].nats;
			/*
			 * By lines, the lines' reading may decide: the ratio is checked on the
			 * text's own.  Under 1e-3, the smaller of the two is the float difference
			 * of the pair's share and the other's, a few digits only.  And where the
			 * first model gives the Malay group under 1% (so the two have less), the
			 * second is not asked: the two labels have the first model's split.
			 */
			p = lid_probs(c[1]);
			if (k < 2 && p[z] > 1e-3f && p[id] > 1e-3f && p[z] + p[id] >= 0.01f) {
				ratios++;
				bad_ratio += !(fabs(log((double)p[z] / (double)p[id]) - w1.odds) < 1e-3);
			}
		}
	}
	ok(bad_probs == 0, "%s: explaining changes no label or probability (%zu texts, %zu bad)",
	   what, texts, bad_probs);
	ok(bad_same == 0, "%s: with the word cache and without, the same explanations (%zu bad)",
	   what, bad_same);
	ok(bad_sum == 0 && items > 10000 && none > 0,
	   "%s: the prior and the %zu items add up to the odds (%zu bad; %zu texts with none)",
	   what, items, bad_sum, none);
	ok(bad_ratio == 0 && ratios > 200,
	   "%s: the odds are the log-ratio of zsm_Latn's and ind_Latn's probabilities (%zu texts, %zu bad)",
	   what, ratios, bad_ratio);
	ok(bad_order == 0, "%s: the items come largest first, either way", what);
	ok(bad_first == 0, "%s: the three largest asked for alone are the first three of all (%zu bad)",
	   what, bad_first);
out:
	for (i = 0; i < 3; i++)
		lid_classifier_free(c[i]);
	free(text);
	free(p0);
}

/*
 * Bucketing: the AVX2 path (four keys at a time, packed by a table) and
 * plain C give the same buckets in the same order for every table width,
 * random sets of types to keep (all 16 type values occur) and lengths on
 * both sides of each multiple of four; and C keeps what a plain test keeps.
 */
static void test_bucket_keys(void)
{
	static const size_t lens[] = { 0, 1, 3, 4, 5, 7, 8, 9, 63, 64, 65, 1000 };
	static uint64_t key[1000];
	static uint32_t best[1000], c[1000], want[1000];
	uint64_t x = 0x2545f4914f6cdd1dULL;
	size_t cases = 0, bad = 0, li, i;
	unsigned bits;

	for (bits = 4; bits <= 24; bits++)
		for (li = 0; li < sizeof(lens) / sizeof(lens[0]); li++) {
			size_t n = lens[li], nb, nc, nw = 0;
			unsigned flags;

			x = xorshift64(x);
			flags = (unsigned)(x >> 40) & 0xffff;
			for (i = 0; i < n; i++) {
				x = xorshift64(x);
				key[i] = x;
				if (flags >> (x & 15) & 1)
					want[nw++] = (uint32_t)(x >> (64 - bits));
			}
			nb = lid_bucket_keys(key, n, flags, bits, best, LID_PATH_BEST);
			nc = lid_bucket_keys(key, n, flags, bits, c, LID_PATH_C);
			cases++;
			if (nb != nw || nc != nw || memcmp(best, want, nw * sizeof(*want)) ||
			    memcmp(c, want, nw * sizeof(*want)))
				bad++;
		}
	ok(bad == 0 && cases == 21 * 12, "bucketing: the fast path and C keep the same (%zu cases)",
	   cases);
}

/*
 * Softmax: the AVX2 path gives the same bits as plain C for label counts
 * on both sides of each multiple of 8, logits that spread past exp's
 * floor (-87), sums near 2^40 (a long document's features), and now and
 * then one sum at the edge of 2^51, where the AVX2 path's conversion to
 * float gives way to the C one.
 */
static void test_softmax(void)
{
	static const size_t ns[] = { 1, 2, 7, 8, 9, 14, 15, 16, 17, 55, 64, 87, 88, 255, 256 };
	static const int64_t edge[] = { ((int64_t)1 << 51) - 1, (int64_t)1 << 51, (int64_t)3 << 50,
					((int64_t)1 << 52) - 1, -((int64_t)1 << 51),
					-((int64_t)1 << 51) - 1, INT64_MAX, INT64_MIN };
	static float bias[LID_MAX_STRIDE], lb[LID_MAX_STRIDE], sb[LID_MAX_STRIDE];
	static float lc[LID_MAX_STRIDE], sc[LID_MAX_STRIDE];
	static int64_t acc[LID_MAX_STRIDE];
	uint64_t x = 0x9e3779b97f4a7c15ULL;
	size_t cases = 0, bad = 0, zeros = 0, ni, rep, k;

	for (ni = 0; ni < sizeof(ns) / sizeof(ns[0]); ni++)
		for (rep = 0; rep < 200; rep++) {
			size_t n = ns[ni];
			/* spreads of a few units, of hundreds, and sums of a long text */
			int64_t span = rep % 3 == 0 ? 2000 : rep % 3 == 1 ? 200000 : (int64_t)1 << 40;
			float norm = rep % 3 == 2 ? 1e-10f : 0.01f + (float)(rep % 7) * 0.13f;

			for (k = 0; k < n; k++) {
				x = xorshift64(x);
				acc[k] = (int64_t)(x % (uint64_t)(2 * span)) - span;
				bias[k] = (float)((int)(x >> 40) % 2001 - 1000) / 400.0f;
			}
			if (rep % 5 == 4)
				acc[x % n] = edge[rep / 5 % 8];
			lid_softmax(bias, norm, acc, n, lb, sb, LID_PATH_BEST);
			lid_softmax(bias, norm, acc, n, lc, sc, LID_PATH_C);
			cases++;
			if (memcmp(lb, lc, n * sizeof(*lc)) || memcmp(sb, sc, n * sizeof(*sc)))
				bad++;
			for (k = 0; k < n; k++)
				zeros += sc[k] == 0;
		}
	ok(bad == 0 && cases == 15 * 200, "softmax: the fast path gives the bits of plain C (%zu cases)",
	   cases);
	/* the cases reach exp's floor, where a wrong mask would show */
	ok(zeros > 1000, "softmax: %zu labels below exp's floor among them", zeros);
}

/*
 * The last step of classifying: the AVX2 path clamps to 1 and finds the
 * first of the greatest as plain C does, with ties, values past 1, -0,
 * NaN and values below -1 about.
 */
static void test_clamp_argmax(void)
{
	static const size_t ns[] = { 1, 7, 8, 9, 16, 17, 88, 95, 1024 };
	const float vals[] = { 0, -0.0f, 0.25f, 0.5f, 1, 1.0000001f, 2, -1, -2, NAN };
	static float pb[1024], pc[1024];
	uint64_t x = 0x2545f4914f6cdd1dULL;
	size_t cases = 0, bad = 0, ni, rep, k;

	for (ni = 0; ni < sizeof(ns) / sizeof(ns[0]); ni++)
		for (rep = 0; rep < 300; rep++) {
			size_t n = ns[ni], nv = 1 + rep % 10;	/* fewer values: more ties */

			for (k = 0; k < n; k++) {
				x = xorshift64(x);
				pb[k] = pc[k] = vals[(x >> 20) % nv];
			}
			cases++;
			if (lid_clamp_argmax(pb, n, LID_PATH_BEST) != lid_clamp_argmax(pc, n, LID_PATH_C) ||
			    memcmp(pb, pc, n * sizeof(*pc)))
				bad++;
		}
	ok(bad == 0 && cases == 9 * 300,
	   "clamp and argmax: the fast path gives the bits and the label of plain C (%zu cases)", cases);
}

/*
 * A submodel's 32-bit sums into its 64-bit ones: the AVX2 path (four at a
 * time, then the rest) gives plain C's sums, on counts about multiples of
 * 4, with sums of both signs and near the ends of their ranges.
 */
/*
 * The answers reading a text keeps of ICU (lid_cp_info()) against ICU's own,
 * for every code point past ASCII: on a text whose pages are empty, then
 * again from the pages kept, which the first pass filled in random order.
 */
static void test_cp_info(void)
{
	struct lid_text tx;
	struct lid_cpinfo tmp, want;
	size_t bad = 0, n = 0, letters = 0, marks = 0, pass;
	uint32_t cp, step = 0x9e3779b1u % 0x10ff80u;

	lid_text_init(&tx);
	for (pass = 0; pass < 2; pass++)
		for (cp = 0; cp < 0x10ff80u; cp++) {
			/* pass 0 visits them scattered (pages filled out of order), pass 1 in order */
			uint32_t c = 0x80 + (pass ? cp : (uint32_t)(((uint64_t)cp * step) % 0x10ff80u));
			const struct lid_cpinfo *got = lid_cp_info(&tx, c, &tmp);
			UErrorCode st = U_ZERO_ERROR;
			int8_t type = u_charType((UChar32)c);
			int script = uscript_getScript((UChar32)c, &st);

			want.kind = type == U_UPPERCASE_LETTER || type == U_LOWERCASE_LETTER ||
				    type == U_TITLECASE_LETTER || type == U_MODIFIER_LETTER ||
				    type == U_OTHER_LETTER ? LID_CP_LETTER :
				    type == U_NON_SPACING_MARK || type == U_ENCLOSING_MARK ||
				    type == U_COMBINING_SPACING_MARK ? LID_CP_MARK : LID_CP_OTHER;
			want.script = (int16_t)(U_FAILURE(st) ? -1 : script);
			want.lower = (uint32_t)u_tolower((UChar32)c);
			want.upper = u_isupper((UChar32)c) || u_istitle((UChar32)c);
			if (got->kind != want.kind || got->script != want.script ||
			    got->lower != want.lower || got->upper != want.upper) {
				if (bad++ < 5)
					printf("# U+%04X: kind %d script %d lower %X upper %d, ICU %d %d "
					       "%X %d\n", (unsigned)c, got->kind, got->script,
					       (unsigned)got->lower, got->upper, want.kind, want.script,
					       (unsigned)want.lower, want.upper);
			}
			n++;
			letters += want.kind == LID_CP_LETTER;
			marks += want.kind == LID_CP_MARK;
		}
	lid_text_release(&tx);
	ok(bad == 0 && n == 2 * 0x10ff80u && letters > 2 * 100000 && marks > 2 * 2000,
	   "ICU's answers kept for the BMP are ICU's, cold and warm (%zu code points, %zu letters, "
	   "%zu marks)", n, letters, marks);
}

static void test_add_wide(void)
{
	static const size_t ns[] = { 0, 1, 3, 4, 5, 14, 59, LID_MAX_STRIDE };
	static int64_t ab[LID_MAX_STRIDE], ac[LID_MAX_STRIDE], want[LID_MAX_STRIDE];
	static int32_t v[LID_MAX_STRIDE];
	uint64_t x = 0x9e3779b97f4a7c15ULL;
	size_t cases = 0, bad = 0, ni, rep, k;

	for (ni = 0; ni < sizeof(ns) / sizeof(ns[0]); ni++)
		for (rep = 0; rep < 100; rep++) {
			size_t n = ns[ni];

			for (k = 0; k < LID_MAX_STRIDE; k++) {
				x = xorshift64(x);
				v[k] = rep % 10 == 0 ? (k & 1 ? INT32_MIN : INT32_MAX) : (int32_t)(x >> 32);
				ab[k] = ac[k] = (int64_t)(x % 2000001) - 1000000 +
						(rep % 2 ? (int64_t)1 << 50 : 0);
				/* the sum, and past n what was there */
				want[k] = ab[k] + (k < n ? v[k] : 0);
			}
			lid_add_wide(ab, v, n, LID_PATH_BEST);
			lid_add_wide(ac, v, n, LID_PATH_C);
			cases++;
			if (memcmp(ab, want, sizeof(ab)) || memcmp(ac, want, sizeof(ac)))
				bad++;
		}
	ok(bad == 0 && cases == 8 * 100,
	   "wide sums: both paths add the n sums and touch nothing past them (%zu cases)", cases);
}

/*
 * Adding a script's shares to the labels: the AVX2 path (eight labels at a
 * time, gathering their classes) gives the bits of plain C, with and
 * without the second addition, on label counts about multiples of 8.
 */
static void test_add_shares(void)
{
	static const size_t ns[] = { 1, 7, 8, 9, 59, 88, 95, 1024 };
	static float pb[LID_MAX_LABELS], pc[LID_MAX_LABELS], sp[LID_MAX_STRIDE];
	static int16_t at[LID_MAX_LABELS];
	uint64_t x = 0x853c49e6748fea9bULL;
	size_t cases = 0, bad = 0, ni, rep, k;

	for (ni = 0; ni < sizeof(ns) / sizeof(ns[0]); ni++)
		for (rep = 0; rep < 200; rep++) {
			size_t n = ns[ni], nclass = 0;
			float a, b, d;

			for (k = 0; k < n; k++) {
				x = xorshift64(x);
				/* a class for about half the labels, each its own */
				at[k] = (x & 1) && nclass < LID_MAX_STRIDE ? (int16_t)nclass++ : -1;
				pb[k] = pc[k] = (float)(x >> 40) / (float)(1 << 24);
			}
			for (k = 0; k < nclass; k++) {
				x = xorshift64(x);
				sp[k] = (float)(x >> 40) / (float)(1 << 24);
			}
			a = 0.1f + (float)(rep % 9) * 0.1f;
			b = (float)(rep % 7) * 0.03f;
			d = rep % 4 == 0 ? 0 : 0.2f + (float)(rep % 5) * 0.15f;
			lid_add_shares(pb, at, n, sp, a, b, d, LID_PATH_BEST);
			lid_add_shares(pc, at, n, sp, a, b, d, LID_PATH_C);
			cases++;
			if (memcmp(pb, pc, n * sizeof(*pc)))
				bad++;
		}
	ok(bad == 0 && cases == 8 * 200, "shares: the fast path gives the bits of plain C (%zu cases)",
	   cases);
}

/* The n-grams as the model file defines them: FNV-1a over code points, tagged with the length. */
static uint32_t ngram_bucket(const uint32_t *cps, size_t len, unsigned bits)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i;

	for (i = 0; i < len; i++)
		h = (h ^ cps[i]) * 0x100000001b3ULL;
	h ^= (uint64_t)len << 56;
	return (uint32_t)((h * 0x9e3779b97f4a7c15ULL) >> (64 - bits));
}

static size_t put_utf8(char *out, uint32_t cp)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	out[0] = (char)(0xc0 | cp >> 6);
	out[1] = (char)(0x80 | (cp & 0x3f));
	return 2;
}

/*
 * Character n-grams: for every combination of the 1- to 5-gram flags, a
 * text of words of 1 to 41 letters (some not ASCII; past 40 a word is left
 * out) gives exactly the features of a plain loop over each word padded
 * with spaces, in the same order (the model's training depends on it): the
 * n-grams of up to 5 letters from each position, no 1-gram of a space.
 */
static void test_ngrams(void)
{
	enum { BITS = 20, MAXLEN = 41 };
	static char text[MAXLEN * (MAXLEN + 1) * 2 + 1];
	static uint32_t words[MAXLEN + 1][MAXLEN + 2], want[MAXLEN * (MAXLEN + 2) * 5];
	uint64_t x = 0x9e3779b97f4a7c15ULL;
	size_t len, i, k, n = 0, bad = 0, cases = 0;
	unsigned flags;

	for (len = 1; len <= MAXLEN; len++) {
		words[len][0] = ' ';
		for (i = 1; i <= len; i++) {
			x = xorshift64(x);
			words[len][i] = x % 7 == 0 ? 0xe9 : 'a' + (uint32_t)(x % 26);	/* e acute */
			n += put_utf8(text + n, words[len][i]);
		}
		words[len][len + 1] = ' ';
		text[n++] = ' ';
	}
	for (flags = 1; flags < 32; flags++) {
		struct lid_text tx;
		struct lid_feats f = { 0 };
		size_t nw = 0;
		int got;

		for (len = 1; len < MAXLEN; len++) {
			size_t P = len + 2;

			for (i = 0; i < P; i++)
				for (k = 0; k < 5 && i + k < P; k++)
					if (flags >> k & 1 && !(k == 0 && (i == 0 || i == P - 1)))
						want[nw++] = ngram_bucket(words[len] + i, k + 1, BITS);
		}
		lid_text_init(&tx);
		got = lid_text_prepare(&tx, text, n, 0, NULL) ? -1 :
		      lid_features(&tx, -1, flags, BITS, NULL, &f);
		cases++;
		if (got < 0 || (size_t)got != nw || memcmp(f.v, want, nw * sizeof(*want))) {
			if (!bad)
				printf("#   flags %#x: %d features, %zu wanted\n", flags, got, nw);
			bad++;
		}
		lid_text_release(&tx);
		free(f.v);
	}
	ok(bad == 0 && cases == 31, "character n-grams: as a plain loop makes them, for all %zu flag sets",
	   cases);
}

/*
 * The shares of the labels outside the Malayic group are added in one pass
 * over the labels when each is in its submodel once (every model training
 * writes), else class by class: the two give the same bits.  Texts of the
 * test's sentences, two to four of them in each, classified both ways.
 */
static void test_out_once(struct lid_model *m, const char *what)
{
	const char *const *sets[] = { zsm, ind, eng };
	struct lid_classifier *c = lid_classifier_new(m);
	size_t nl = lid_model_nlabels(m), t, i, k, bad = 0, texts = 0, onepass = 0;
	float *p0 = malloc(nl * sizeof(*p0));
	char text[1024];
	int keep[LID_MAX_SUBS];

	if (!c || !p0) {
		ok(0, "memory for the shares test");
		goto out;
	}
	for (t = 0; t < 300; t++) {
		size_t n = 0;

		for (i = 0; i < 2 + t % 3; i++) {
			const char *src = sets[(t + i) % 3][(t * 7 + i) % 6];

			n += (size_t)snprintf(text + n, sizeof(text) - n, "%s ", src);
		}
		texts++;
		lid_classify(c, text, n, NULL, NULL);
		memcpy(p0, lid_probs(c), nl * sizeof(*p0));
		for (k = 0; k < m->nsubs; k++) {
			keep[k] = m->subs[k].out_once;
			onepass += keep[k] != 0;
			m->subs[k].out_once = 0;
		}
		lid_classify(c, text, n, NULL, NULL);
		for (k = 0; k < m->nsubs; k++)
			m->subs[k].out_once = keep[k];
		if (memcmp(p0, lid_probs(c), nl * sizeof(*p0)))
			bad++;
	}
	ok(bad == 0 && texts == 300 && onepass > 0,
	   "%s: shares in one pass or class by class, the same bits (%zu texts)", what, texts);
out:
	lid_classifier_free(c);
	free(p0);
}

/*
 * Text preparation, whose runs of ASCII letters are read sixteen bytes at
 * a time, against a plain reading: words are the runs of letters (ASCII
 * and e acute, which goes by way of ICU), lower-cased, of the tokens
 * between spaces that are not links (with '@' or "://", or starting
 * "www."); a word keeps its first 41 letters, and every letter counts.
 * The texts are random tokens, with runs of ASCII letters that start at
 * any place in a word (after e acute), cross the sixteen-byte blocks and
 * go past the 41 kept, and start at each alignment.
 */
static void test_prep_letters(void)
{
	static const char *const bits[] = { " ", "  ", "\t", "\n", "\r\n", "\v", "\f", ",", ".", "-",
					    "'", "7", "2026", "@", "a@b.my", "x:y", "http://a.my/b",
					    "www.a.my", "WWW.x", "w", "ww.", ":/" };
	static char buf[1200 + 16];
	static uint32_t cps[1200];
	uint64_t x = 0x2545f4914f6cdd1dULL;
	size_t cases = 0, bad = 0;
	int round, first_bad = 0;

	for (round = 0; round < 3000; round++) {
		char *text = buf + round % 16;
		size_t n = 0, nw = 0, ncps = 0, letters = 0, i;
		struct lid_word words[600];
		struct lid_text tx;

		while (n < 900) {
			x = xorshift64(x);
			if (x % 3) {	/* a run of letters, now and then an e acute */
				size_t len = 1 + (x >> 8) % (x % 5 == 0 ? 60 : 12);

				for (i = 0; i < len; i++) {
					x = xorshift64(x);
					if (x % 9 == 0) {
						memcpy(text + n, x % 2 ? "\xc3\xa9" : "\xc3\x89", 2);
						n += 2;
					} else {
						text[n++] = (char)((x % 3 ? 'a' : 'A') + (x >> 5) % 26);
					}
				}
			} else {
				const char *b = bits[(x >> 8) % (sizeof(bits) / sizeof(*bits))];

				memcpy(text + n, b, strlen(b));
				n += strlen(b);
			}
		}
		/* the plain reading */
		for (i = 0; i < n;) {
			size_t end = i, k;
			int link = n - i >= 4 && !memcmp(text + i, "www.", 4);

			while (end < n && !strchr(" \t\n\v\f\r", text[end]))
				end++;
			for (k = i; k < end; k++)
				link |= text[k] == '@' ||
					(text[k] == ':' && k + 2 < end && text[k + 1] == '/' &&
					 text[k + 2] == '/');
			for (k = i; !link && k < end;) {
				size_t run = 0;

				words[nw].start = (uint32_t)ncps;
				words[nw].upper = 0;
				while (k < end) {
					uint32_t cp;
					int up;

					if ((text[k] | 0x20) >= 'a' && (text[k] | 0x20) <= 'z') {
						cp = (uint32_t)(text[k] | 0x20);
						up = text[k] < 'a';
						k++;
					} else if (end - k >= 2 && (unsigned char)text[k] == 0xc3 &&
						   ((unsigned char)text[k + 1] == 0xa9 ||
						    (unsigned char)text[k + 1] == 0x89)) {
						cp = 0xe9;
						up = (unsigned char)text[k + 1] == 0x89;
						k += 2;
					} else {
						break;
					}
					if (run == 0)
						words[nw].upper = (uint8_t)up;
					if (run < 41)
						cps[ncps++] = cp;
					run++;
				}
				if (!run) {
					k++;
					continue;
				}
				words[nw].len = (uint32_t)(run < 41 ? run : 41);
				words[nw].hash = lid_word_hash(cps + words[nw].start, words[nw].len);
				letters += run;
				nw++;
			}
			for (i = end; i < n && strchr(" \t\n\v\f\r", text[i]); i++)
				;
		}
		lid_text_init(&tx);
		cases++;
		if (lid_text_prepare(&tx, text, n, 0, NULL) || tx.nwords != nw || tx.letters != letters) {
			bad++;
		} else {
			for (i = 0; i < nw; i++) {
				const struct lid_word *w = &tx.words[i];

				if (w->len != words[i].len || w->hash != words[i].hash ||
				    w->upper != words[i].upper || w->script != USCRIPT_LATIN ||
				    memcmp(tx.cps + w->start, cps + words[i].start,
					   w->len * sizeof(*cps))) {
					bad++;
					break;
				}
			}
		}
		if (bad == 1 && !first_bad) {
			first_bad = 1;
			printf("#   text %d: %zu words, %zu wanted\n", round, tx.nwords, nw);
		}
		lid_text_release(&tx);
	}
	ok(bad == 0 && cases == 3000,
	   "text preparation: words as a plain reading finds them (%zu texts, ASCII and e acute)", cases);
}

/*
 * Random tokens into text until it holds len bytes or more (it has room for
 * max_run more): half of them runs of 1 to max_run ASCII letters, in either
 * case, the others picked from bits.  Returns the length.
 */
static size_t random_text(char *text, size_t len, uint64_t *x, const char *const *bits,
			  size_t nbits, size_t max_run)
{
	size_t n = 0, i;

	while (n < len) {
		*x = xorshift64(*x);
		if (*x % 2) {
			size_t run = 1 + (*x >> 8) % max_run;

			for (i = 0; i < run; i++)
				text[n++] = (char)((*x >> (12 + i % 40) & 1 ? 'A' : 'a') + (*x >> (i % 50)) % 26);
		} else {
			const char *b = bits[(*x >> 8) % nbits];

			memcpy(text + n, b, strlen(b));
			n += strlen(b);
		}
	}
	return n;
}

/*
 * Tokens read at once (ascii_token(): ASCII, under sixteen bytes, a space
 * after) and byte by byte give the same words, letters and counts, on
 * texts of every kind of token: ASCII words of every length around 16,
 * punctuation, digits, links, letters of other scripts, marks, ill-formed
 * bytes, every kind of space, at every alignment, whole and in windows.
 */
static void test_prep_fast(const struct lid_model *m)
{
	static const char *const bits[] = { " ", "  ", "\t", "\n", "\r\n", "\v", "\f", ",", ".", "-",
		"'", "\"", "(", ")", "7", "2026", "@", "a@b.my", "x:y", "http://a.my/b", "www.a.my",
		"www.", "wwwx", "WWW.x", "\xc3\xa9", "\xc3\x89", "\xe4\xb8\xad\xe6\x96\x87",
		"\xe0\xae\x85\xe0\xae\xb0", "\xcc\x81", "\xff", "\xc3", "\xd0\x9f\xd1\x80",
		"\xda\xa4", " a://b ", " ab@c ", " www.my ", " WWW.my ", " www ", " :// " };
	static char buf[1400 + 16];
	uint64_t x = 0x9e3779b97f4a7c15ULL;
	size_t cases = 0, bad = 0, i;
	int round;

	for (round = 0; round < 3000; round++) {
		char *text = buf + round % 16;
		size_t sample = round % 3 == 0 ? 200 : 0;
		size_t n = random_text(text, 1100, &x, bits, sizeof(bits) / sizeof(*bits), 20);
		struct lid_text fast, slow;

		lid_text_init(&fast);
		lid_text_init(&slow);
		slow.byte_by_byte = 1;
		cases++;
		if (lid_text_prepare(&fast, text, n, sample, m) ||
		    lid_text_prepare(&slow, text, n, sample, m) || fast.nwords != slow.nwords ||
		    fast.ncps != slow.ncps || fast.letters != slow.letters ||
		    fast.nscripts != slow.nscripts ||
		    (fast.ncps && memcmp(fast.cps, slow.cps, fast.ncps * sizeof(*fast.cps))) ||
		    memcmp(fast.script_letters, slow.script_letters,
			   fast.nscripts * sizeof(*fast.script_letters))) {
			bad++;
		} else {
			for (i = 0; i < fast.nwords; i++)
				if (memcmp(&fast.words[i], &slow.words[i], offsetof(struct lid_word, upper) + 1)) {
					bad++;
					break;
				}
		}
		lid_text_release(&fast);
		lid_text_release(&slow);
	}
	ok(bad == 0 && cases == 3000,
	   "text preparation: tokens read at once give the words of a byte-by-byte reading (%zu texts)",
	   cases);
}

/*
 * Sample windows cut no word: where a window's edge falls inside one (no
 * space within 64 bytes of it), the word is read on past the edge, so that
 * it gives the features it gives whole, and none when it has more than 40
 * letters.  On texts with few spaces, words of 1 to 80 letters (ASCII, e
 * acute, Cyrillic, Tamil and Thai with their vowel signs, Han) and
 * punctuation, but no links, read in windows of every sample size: every word of 40
 * letters or fewer read is one of the whole text's, in order (a piece of a
 * word would not be), and only the windows' letters are counted.
 */
static void test_prep_windows(void)
{
	static const char *const bits[] = { ",", ".", "-", "'", "7", "(", " ", "\xc3\xa9",
		"\xd0\x9f\xd1\x80", "\xe0\xae\x85\xe0\xae\xb0\xe0\xaf\x8d", "\xe0\xb8\x81\xe0\xb8\xb4",
		"\xe4\xb8\xad\xe6\x96\x87", "\xcc\x81" };
	static const size_t samples[] = { 64, 100, 128, 200, 256, 512 };
	static char buf[1400 + 16];
	uint64_t x = 0x853c49e6748fea9bULL;
	size_t cases = 0, bad = 0, cut = 0;
	int round;

	for (round = 0; round < 1200; round++) {
		char *text = buf + round % 16;
		size_t sample = samples[round % 6], k, w;
		size_t n = random_text(text, 1100, &x, bits, sizeof(bits) / sizeof(*bits), 80);
		struct lid_text whole, part;

		lid_text_init(&whole);
		lid_text_init(&part);
		cases++;
		if (lid_text_prepare(&whole, text, n, 0, NULL) ||
		    lid_text_prepare(&part, text, n, sample, NULL) || part.letters > sample) {
			bad++;
		} else {
			for (w = k = 0; w < part.nwords; w++) {
				const struct lid_word *pw = &part.words[w];

				if (pw->len > LID_WORD_MAX)
					continue;
				for (; k < whole.nwords; k++) {
					const struct lid_word *ww = &whole.words[k];

					if (ww->hash == pw->hash && ww->len == pw->len &&
					    ww->script == pw->script && ww->upper == pw->upper &&
					    !memcmp(whole.cps + ww->start, part.cps + pw->start,
						    pw->len * sizeof(*part.cps)))
						break;
				}
				if (k++ == whole.nwords) {
					bad++;
					break;
				}
			}
		}
		cut += part.letters < whole.letters;
		lid_text_release(&whole);
		lid_text_release(&part);
	}
	ok(bad == 0 && cut == cases,
	   "sample windows: every word read is a word of the whole text, the letters counted the windows' (%zu texts)",
	   cases);
}

/* Classify text with opts; its probabilities into probs, its score into *score. */
static int classify_into(struct lid_classifier *c, const char *text, const struct lid_opts *o,
			 float *probs, float *score)
{
	const struct lid_model *m = lid_classifier_model(c);
	int l = lid_classify(c, text, strlen(text), o, score);

	memcpy(probs, lid_probs(c), lid_model_nlabels(m) * sizeof(*probs));
	return l;
}

/*
 * lid_opts.lines: a text whose lines give most of their letters to another
 * language than its whole takes their label and probabilities; else it is
 * the whole text's result to the bit.
 */
static void test_lines(const struct lid_model *m)
{
	struct lid_classifier *c = lid_classifier_new(m);
	size_t nl = lid_model_nlabels(m), i, same = 0, cases = 0;
	float *a = calloc(nl, sizeof(*a)), *b = calloc(nl, sizeof(*b)), sa, sb, sum = 0;
	struct lid_opts whole = { 0 }, lines = { 0 };
	char text[2048];
	int la, lb, eng_label = lid_model_find(m, "eng_Latn");

	lines.lines = 1;
	if (!c || !a || !b) {
		ok(0, "by lines: a classifier");
		goto out;
	}
	/*
	 * Two English lines and two Malay ones: near even, so the whole text
	 * and its lines disagree on some.  There the lines' label is the
	 * other language, with more than half of their letters.
	 */
	{
		int z = lid_model_find(m, "zsm_Latn"), n = lid_model_find(m, "ind_Latn");
		size_t turned = 0, right = 0, j, k;

		for (i = 0; i < 6; i++)
			for (j = 0; j < 6; j++) {
				snprintf(text, sizeof(text), "%s\n%s\n%s\n%s", eng[i], eng[(i + 1) % 6],
					 zsm[j], zsm[(j + 1) % 6]);
				la = classify_into(c, text, &whole, a, &sa);
				lb = classify_into(c, text, &lines, b, &sb);
				if (la == lb)
					continue;
				turned++;
				for (sum = 0, k = 0; k < nl; k++)
					sum += b[k];
				right += (lb == eng_label ? (la == z || la == n) && b[lb] > 0.5f
					  : (lb == z || lb == n) && la == eng_label && b[z] + b[n] > 0.5f) &&
					 sb == b[lb] && fabsf(sum - 1) < 1e-4f;
			}
		ok(turned > 0 && right == turned,
		   "by lines: where the whole and the lines disagree (%zu of 36), the lines' language has most of them",
		   turned);
	}
	/* texts whose lines do not overturn the whole: the whole text's result, to the bit */
	{
		static const char *const texts[][3] = {
			{ "%s\n%s\n%s", "zsm zsm eng", NULL },	/* mostly Malay */
			{ "%s\n%s\n%s", "zsm ind ind", NULL },	/* Malay with Malay: one language */
			{ "%s %s\n\n%s", "eng eng zsm", NULL },	/* English */
			{ "%s %s %s", "zsm eng eng", NULL },		/* one line */
			{ "%s\n123\n%s\n%s", "ind ind eng", NULL },
		};
		for (i = 0; i < sizeof(texts) / sizeof(*texts); i++) {
			const char *const *pick[3];
			size_t k;

			for (k = 0; k < 3; k++) {
				const char *w = texts[i][1] + 4 * k;

				pick[k] = w[0] == 'z' ? zsm : w[0] == 'i' ? ind : eng;
			}
			snprintf(text, sizeof(text), texts[i][0], pick[0][i % 6], pick[1][(i + 1) % 6],
				 pick[2][(i + 2) % 6]);
			la = classify_into(c, text, &whole, a, &sa);
			lb = classify_into(c, text, &lines, b, &sb);
			cases++;
			same += la == lb && sa == sb && !memcmp(a, b, nl * sizeof(*a));
		}
	}
	ok(same == cases, "by lines: where the lines agree with the whole, its result to the bit (%zu of %zu)",
	   same, cases);
	/* windows: lines=1 at a sample keeps to the windows, and repeats */
	{
		size_t len = 0, k;

		for (k = 0; k < 12 && len + 200 < sizeof(text); k++)
			len += (size_t)snprintf(text + len, sizeof(text) - len, "%s\n",
						k % 3 == 2 ? zsm[k % 6] : eng[k % 6]);
		whole.sample = lines.sample = 256;
		la = classify_into(c, text, &lines, a, &sa);
		classify_into(c, zsm[1], &lines, b, &sb);
		lb = classify_into(c, text, &lines, b, &sb);
		ok(la == eng_label && la == lb && sa == sb && !memcmp(a, b, nl * sizeof(*a)),
		   "by lines, in windows: eng_Latn, the same again after another text");
	}
out:
	lid_classifier_free(c);
	free(a);
	free(b);
}

/*
 * By lines, the lines not read once the text's own label is sure to stand
 * (lid.c's lines_decide()): the results of reading every line, to the bit,
 * on texts of 2 to 700 lines (past the 256 line ends kept at once), half
 * English or so, whole and in windows; some turned by their lines, some not.
 */
static void test_lines_early(const struct lid_model *m)
{
	struct lid_classifier *c = lid_classifier_new(m), *all = lid_classifier_new(m);
	size_t nl = lid_model_nlabels(m), cap = 64 * 1024, cases = 0, same = 0, turned = 0, kept = 0;
	float *a = calloc(nl, sizeof(*a)), *b = calloc(nl, sizeof(*b)), *w = calloc(nl, sizeof(*w));
	char *text = malloc(cap);
	static const size_t nlines[] = { 2, 3, 7, 40, 255, 256, 257, 300, 700 };
	static const unsigned english[] = { 30, 45, 50, 55, 70 };	/* per cent of the lines */
	struct lid_opts lines = { 0 }, whole = { 0 };
	uint64_t x = 0x2545f4914f6cdd1dULL;
	size_t i, j, k, len;

	if (!c || !all || !a || !b || !w || !text) {
		ok(0, "by lines, read early: classifiers");
		goto out;
	}
	lid_classifier_lines_all(all, 1);
	lines.lines = 1;
	for (i = 0; i < sizeof(nlines) / sizeof(*nlines); i++)
		for (j = 0; j < sizeof(english) / sizeof(*english); j++)
			for (k = 0; k < 2; k++) {
				size_t l;
				float sa, sb, sw;
				int la, lb, lw;

				for (len = 0, l = 0; l < nlines[i]; l++) {
					const char *const *pick;

					x = xorshift64(x);
					pick = x % 100 < english[j] ? eng : (x >> 8) % 4 ? zsm : ind;
					len += (size_t)snprintf(text + len, cap - len, "%s\n", pick[(x >> 16) % 6]);
				}
				lines.sample = whole.sample = k ? LID_SAMPLE_DEFAULT : 0;
				la = classify_into(c, text, &lines, a, &sa);
				lb = classify_into(all, text, &lines, b, &sb);
				lw = classify_into(c, text, &whole, w, &sw);
				cases++;
				same += la == lb && sa == sb && !memcmp(a, b, nl * sizeof(*a));
				turned += la != lw;
				kept += la == lw && nlines[i] > 256 && !k;
			}
	ok(same == cases && turned > 0 && kept > 0,
	   "by lines, read early: every line's result, to the bit (%zu of %zu; %zu turned, %zu of over 256 lines kept)",
	   same, cases, turned, kept);
out:
	lid_classifier_free(c);
	lid_classifier_free(all);
	free(a);
	free(b);
	free(w);
	free(text);
}

/* --by word's library: the table parser and the runs, on the model trained here. */
static void test_switch(const struct lid_model *m)
{
	static const char table[] = "# t\nsaya\t-5\nsuka\t-5\nsangat\t-5\nthe\t5\nmovie\t5\nis\t5\ngood\t5\n";
	static const char text[] = "saya suka the movie, is good sangat";
	struct lid_classifier *c = lid_classifier_new(m);
	struct lid_switch_words *t;
	struct lid_switch *s;
	struct lid_run *runs = NULL;
	struct ayak_buf big = AYAK_BUF_INIT;
	struct ayak_err err;
	size_t alloc = 0, i, letters = 0;
	ssize_t n;
	int en = lid_model_find(m, "eng_Latn");

	t = lid_switch_words_parse("t.tsv", table, sizeof(table) - 1, &err);
	ok(t && lid_switch_words_count(t) == 7, "a table of 7 words loads");
	s = lid_switch_new(t);
	n = s && c ? lid_switch_runs(s, c, text, sizeof(text) - 1, NULL, 2.0, &runs, &alloc) : -1;
	ok(n == 3 && runs[0].start == 0 && runs[0].end == 9 && runs[0].label != en &&
	   runs[1].start == 10 && runs[1].end == 28 && runs[1].label == en && runs[1].words == 4 &&
	   runs[2].start == 29 && runs[2].end == 35 && runs[2].label == runs[0].label,
	   "Malay, English, Malay: three runs where the words are (%zd)", n);
	ok(n == 3 && fabsf(runs[1].score - 0.9933f) < 1e-4f,
	   "a run's score: the logistic of its words' odds, 1 / (1 + e^-5) (%g)", n == 3 ? runs[1].score : 0);
	n = lid_switch_runs(s, c, text, sizeof(text) - 1, NULL, 20.0, &runs, &alloc);
	ok(n == 1 && runs[0].end == 35, "a cost above what the words say: one run");
	n = lid_switch_runs(s, c, "12 34 !!", 8, NULL, 2.0, &runs, &alloc);
	ok(n == 0, "no words: no runs");
	for (i = 0; i < 5000; i++)
		ayak_buf_addstr(&big, i < 2500 ? "saya suka " : "the movie ");
	n = lid_switch_runs(s, c, big.data, big.len, NULL, 2.0, &runs, &alloc);
	for (i = 0; n > 0 && i < (size_t)n; i++)
		letters += runs[i].letters;
	ok(n == 2 && runs[0].end == 24999 && runs[1].start == 25000 && letters == 5000 * 8,
	   "10,000 words, read in chunks: two runs, every letter in one (%zd)", n);
	lid_switch_free(s);
	lid_switch_words_free(t);
	t = lid_switch_words_parse("t.tsv", "saya\t-5\nsaya\t1\n", 15, &err);
	ok(!t && err.code == AYAK_E_SYS && !strcmp(err.msg, "t.tsv:2: the word of line 1 again"),
	   "a word twice: %s", err.msg);
	t = lid_switch_words_parse("t.tsv", "", 0, &err);
	ok(t && lid_switch_words_count(t) == 0, "an empty table loads (every word counts 0)");
	lid_switch_words_free(t);
	ayak_buf_release(&big);
	free(runs);
	lid_classifier_free(c);
}

int main(void)
{
	char path[] = "/tmp/test-lid-XXXXXX", path2[] = "/tmp/test-lid-XXXXXX";
	struct ayak_err err;
	struct lid_trainer *t;
	struct lid_model *m, *m2;
	struct lid_classifier *c;
	unsigned char *file, *file2, *bad;
	size_t n, n2, i, cut, fails, msgs;
	float s;
	int fd;

#if defined(__x86_64__) && defined(__GNUC__)
	__builtin_cpu_init();
	if (!__builtin_cpu_supports("avx2"))
		printf("# no AVX2 here: the checks of the AVX2 paths below compare the C ones with themselves\n");
#endif
	fd = mkstemp(path);
	if (fd >= 0)
		close(fd);
	fd = mkstemp(path2);
	if (fd >= 0)
		close(fd);

	/* training */
	t = trainer();
	ok(t != NULL, "a trainer starts");
	ok(t && lid_trainer_finish(t, path, &err) == 0, "a small model trains and is written");
	lid_trainer_free(t);
	t = trainer();
	ok(t && lid_trainer_finish(t, path2, &err) == 0, "and again, to a second file");
	lid_trainer_free(t);
	file = slurp(path, &n);
	file2 = slurp(path2, &n2);
	ok(file && file2 && n == n2 && !memcmp(file, file2, n),
	   "the same texts and settings give the same file, byte for byte (%zu bytes)", n);
	ok(file && n > 64 && !memcmp(file, "ayak-lid model\nversion: unit-test\n", 34),
	   "the file starts with its text part");
	{
		struct lid_train_opts o;
		struct lid_trainer *bt;

		memset(&o, 0, sizeof(o));
		o.epochs = 1;
		o.lr = 1;
		bt = lid_trainer_new(&o, &err);
		ok(bt && lid_trainer_add(bt, "bad label!", "x", 1, &err) < 0 && err.code == AYAK_E_DATA &&
		   strstr(err.msg, "bad label"), "a bad label name is refused: %s", err.msg);
		ok(bt && lid_trainer_add_marker(bt, "", LID_MARK_ZSM, &err) < 0,
		   "an empty marker is refused");
		ok(bt && lid_trainer_finish(bt, path2, &err) < 0 && strstr(err.msg, "no training texts"),
		   "training with no texts fails: %s", err.msg);
		lid_trainer_free(bt);
	}

	/* loading */
	m = lid_model_load(path, &err);
	ok(m != NULL, "the model loads");
	if (!m) {
		printf("#   %s\n", err.msg);
		printf("1..%d\n", tap_n);
		return 1;
	}
	ok(!strcmp(lid_model_version(m), "unit-test"), "its version is read from the text part");
	ok(strstr(lid_model_about(m), "note: written by tests/unit/test-lid.c") != NULL,
	   "its text part is kept");
	ok(lid_model_nlabels(m) == 9 && !strcmp(lid_model_label(m, 0), "und"),
	   "9 labels, und first");
	ok(lid_model_find(m, "ind_Latn") > 0 && lid_model_find(m, "xxx_Latn") == -1,
	   "labels are found by name");

	/* classifying */
	c = lid_classifier_new(m);
	ok(c != NULL, "a classifier");
	is_label(c, m, "", "und", "empty text");
	is_label(c, m, "12345 !!! https://example.com/kerana?x=1 www.kerana.my me@kerana.my @kerana \xf0\x9f\x98\x80",
		 "und", "digits, a URL, an e-mail address, a handle and an emoji");
	label_of(c, m, "", 0, &s);
	ok(s == 1.0f, "und has score 1");
	is_label(c, m, zsm[0], "zsm_Latn", "a Malaysian training sentence");
	is_label(c, m, ind[0], "ind_Latn", "an Indonesian training sentence");
	is_label(c, m, eng[0], "eng_Latn", "an English training sentence");
	is_label(c, m, "kerana", "zsm_Latn", "one Malaysian marker word");
	is_label(c, m, "karena", "ind_Latn", "one Indonesian marker word");
	is_label(c, m, "\xe6\x88\x91\xe4\xbb\xac\xe7\x9a\x84\xe6\x94\xbf\xe5\xba\x9c\xe4\xbc\x9a",
		 "zho_Hans", "simplified Chinese (我们的政府会)");
	is_label(c, m, "\xe6\x88\x91\xe5\x80\x91\xe7\x9a\x84\xe6\x94\xbf\xe5\xba\x9c\xe6\x9c\x83",
		 "zho_Hant", "traditional Chinese (我們的政府會)");
	is_label(c, m, "\xe3\x81\x93\xe3\x82\x93\xe3\x81\xab\xe3\x81\xa1\xe3\x81\xaf\xe5\x85\x83\xe6\xb0\x97",
		 "jpn_Jpan", "Japanese (こんにちは元気)");
	is_label(c, m, "\xe0\xae\x85\xe0\xae\xb0\xe0\xae\x9a\xe0\xae\xbe\xe0\xae\x99\xe0\xaf\x8d\xe0\xae\x95\xe0\xae\xae\xe0\xaf\x8d",
		 "tam_Taml", "Tamil (அரசாங்கம்)");
	is_label(c, m, "\xda\xa4\xd8\xb1\xd8\xa7\xd8\xb4\xd8\xaa\xd9\x87\xd8\xa7\xd8\xb1\xd9\x86 \xd8\xad\xd9\x82",
		 "zsm_Arab", "Jawi (ڤراشتهارن حق)");
	is_label(c, m, "\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82", "und",
		 "a script the model has no label for (Cyrillic here)");
	{
		int labels[8];
		float scores[8], sum = 0;
		const float *p;
		size_t k, got;

		label_of(c, m, "Kerajaan mahu rakyat membantu. The government wants help.", 4096, &s);
		got = lid_top(c, labels, scores, 8);
		ok(got >= 2 && scores[0] >= scores[1] && scores[0] == s,
		   "lid_top: best first, the first is the classify score");
		p = lid_probs(c);
		for (k = 0; k < lid_model_nlabels(m); k++)
			sum += p[k];
		ok(fabsf(sum - 1.0f) < 1e-4f, "probabilities add up to 1 (%.6f)", sum);
		ok(lid_top(c, labels, scores, 1) == 1, "lid_top with k = 1");
	}
	/* bad bytes, mixed scripts */
	{
		static const char bad_utf8[] = "\xff\xfe Kerajaan \xc3 memastikan bahawa \xed\xa0\x80 rakyat kerana \xf4\x90\x80\x80";

		is_label(c, m, bad_utf8, "zsm_Latn", "ill-formed UTF-8 bytes are separators");
		label_of(c, m, "\xe0\xae\x85\xe0\xae\xb0 kerana bahawa rakyat mendapat bantuan", 4096, &s);
		ok(s < 1.0f && lid_probs(c)[lid_model_find(m, "tam_Taml")] > 0.0f,
		   "mixed scripts share the probability");
	}
	/* sampling */
	{
		size_t big = 4u << 20, k;
		char *text = malloc(big + 1);
		const char *unit = "Syarikat itu menawarkan peratus yang tinggi kepada kakitangan baharu. ";
		size_t ul = strlen(unit);

		for (k = 0; k + ul <= big; k += ul)
			memcpy(text + k, unit, ul);
		text[k] = '\0';
		const char *l1 = label_of(c, m, text, 1024, &s);
		size_t n1 = lid_letters(c);
		const char *l2 = label_of(c, m, text, 0, &s);
		size_t n0 = lid_letters(c);

		ok(!strcmp(l1, "zsm_Latn") && n1 > 500 && n1 <= 1024,
		   "a 4 MB text with sample 1024: zsm_Latn from %zu letters", n1);
		ok(!strcmp(l2, "zsm_Latn") && n0 > 3000000,
		   "the same with no sampling: zsm_Latn from %zu letters", n0);
		/* a small sample is read in fewer windows of 64 bytes, not four of 16 or 32
		 * (each cut to whole words: four of 16 kept about 20 letters of 64) */
		l1 = label_of(c, m, text, 64, &s);
		n1 = lid_letters(c);
		ok(!strcmp(l1, "zsm_Latn") && n1 >= 44 && n1 <= 64,
		   "sample 64: one window, zsm_Latn from %zu letters", n1);
		l1 = label_of(c, m, text, 128, &s);
		n1 = lid_letters(c);
		ok(!strcmp(l1, "zsm_Latn") && n1 >= 88 && n1 <= 128,
		   "sample 128: two windows, zsm_Latn from %zu letters", n1);
		free(text);
	}

	/* loader errors */
	m2 = lid_model_load("/nonexistent/lid/model.bin", &err);
	ok(!m2 && err.code == AYAK_E_SYS && strstr(err.msg, "/nonexistent/lid/model.bin") &&
	   strstr(err.msg, "No such file"), "a missing model: %s", err.msg);
	m2 = lid_model_load("/", &err);
	ok(!m2 && err.code == AYAK_E_SYS, "a directory: %s", err.msg);
	m2 = lid_model_parse("hello\n", 6, "x.bin", 0, &err);
	ok(!m2 && err.code == AYAK_E_SYS && strstr(err.msg, "x.bin: not an ayak-lid model"),
	   "not a model: %s", err.msg);
	m2 = lid_model_parse("", 0, "x.bin", 0, &err);
	ok(!m2 && strstr(err.msg, "not an ayak-lid model"), "an empty file: %s", err.msg);
	fails = msgs = 0;
	for (cut = 0; file && cut < n; cut += cut < 4096 ? 1 : 997) {
		m2 = lid_model_parse(file, cut, "x.bin", 0, &err);
		if (m2) {
			lid_model_free(m2);
			continue;
		}
		fails++;
		msgs += err.code == AYAK_E_SYS && strncmp(err.msg, "x.bin: ", 7) == 0 &&
			(strstr(err.msg, "truncated") || strstr(err.msg, "not an ayak-lid model") ||
			 strstr(err.msg, "corrupt"));
	}
	ok(fails > 0 && fails == msgs, "every truncated copy fails with a clear message (%zu cuts)", fails);
	m2 = lid_model_parse(file, n - 1, "x.bin", 0, &err);
	ok(!m2 && strstr(err.msg, "truncated model"), "one byte short: %s", err.msg);
	bad = malloc(n + 1);
	memcpy(bad, file, n);
	bad[n] = 0;
	m2 = lid_model_parse(bad, n + 1, "x.bin", 0, &err);
	ok(!m2 && strstr(err.msg, "corrupt model: trailing bytes"), "one byte too many: %s", err.msg);
	memcpy(bad, file, n);
	bad[n - 5] ^= 0x40;
	m2 = lid_model_parse(bad, n, "x.bin", 0, &err);
	ok(!m2 && strstr(err.msg, "corrupt model: checksum mismatch"), "a flipped bit: %s", err.msg);
	m2 = lid_model_parse(bad, n, "x.bin", LID_LOAD_NO_CHECKSUM, &err);
	ok(m2 != NULL, "without the checksum, a flipped weight still loads");
	lid_model_free(m2);
	fails = 0;
	for (i = 0; i < n; i += 7) {
		memcpy(bad, file, n);
		bad[i] ^= 0xff;
		m2 = lid_model_parse(bad, n, "x.bin", 0, &err);
		if (m2) {
			fails++;
			lid_model_free(m2);
		}
	}
	ok(fails == 0, "a byte changed anywhere is caught (%zu of %zu loaded)", fails, n / 7 + 1);
	free(bad);

	/* marker weight: each marker feature counts N times (the msa submodel's "mN") */
	ok(marker_features(m, "kerana rakyat") == 1, "weight 0: a marker word gives one feature");
	t = trainer_weighted(3);
	ok(t && lid_trainer_finish(t, path2, &err) == 0, "a model with marker weight 3 trains");
	lid_trainer_free(t);
	free(file2);
	file2 = slurp(path2, &n2);
	m2 = lid_model_load(path2, &err);
	ok(m2 && marker_features(m2, "kerana rakyat") == 3 && marker_features(m2, "rakyat") == 0,
	   "weight 3: the marker word gives three features, a plain word none");
	{
		struct lid_classifier *c2 = m2 ? lid_classifier_new(m2) : NULL;

		if (c2)
			is_label(c2, m2, "karena", "ind_Latn", "the weighted model: one Indonesian marker word");
		else
			ok(0, "a classifier for the weighted model");
		lid_classifier_free(c2);
	}
	lid_model_free(m2);
	{
		size_t at = file2 ? block_at(file2, n2, "msa\0\0\0\0\0") : 0;	/* the msa submodel's header */
		uint32_t w = 9;

		ok(at > 0, "the msa submodel's header is found (offset %zu)", at);
		bad = malloc(n2);
		memcpy(bad, file2, n2);
		memcpy(bad + at + 28, &w, 4);	/* name[8], 4 counts, scale: then the weight */
		m2 = lid_model_parse(bad, n2, "x.bin", LID_LOAD_NO_CHECKSUM, &err);
		ok(!m2 && strstr(err.msg, "x.bin: corrupt model: bad submodel"),
		   "a marker weight over 8: %s", err.msg);
		lid_model_free(m2);
		free(bad);
	}
	t = trainer_weighted(9);
	ok(t && lid_trainer_finish(t, path2, &err) < 0 && err.code == AYAK_E_USAGE &&
	   strstr(err.msg, "marker weight over 8"), "training refuses weight 9: %s", err.msg);
	lid_trainer_free(t);
	{
		/* found after every epoch had run, until 2026-11-25 */
		struct lid_train_opts o;

		memset(&o, 0, sizeof(o));
		o.about = "version: x\n\nnote: y\n";
		t = lid_trainer_new(&o, &err);
		ok(!t && err.code == AYAK_E_USAGE && strstr(err.msg, "empty line"),
		   "an empty line in the model's text is refused before any text: %s", err.msg);
		lid_trainer_free(t);
	}

	test_word_odds(m, path2);
	{
		/* explaining, with every kind of feature a word and a pair can have */
		struct lid_model *xm = model_with(path2, LID_F_CHAR3 | LID_F_CHAR4 | LID_F_WORD |
						  LID_F_BIGRAM | LID_F_CROSS | LID_F_MARK | LID_F_DICT);

		ok(xm != NULL, "a model with pairs, crossings, pair markers, a dictionary and word odds trains");
		if (xm)
			test_explain(xm, "pairs, crossings, a dictionary, word odds");
		lid_model_free(xm);
		xm = model_with(path2, LID_F_CHAR3 | LID_F_WORD | LID_F_BIGRAM | LID_F_MEAN);
		ok(xm != NULL, "a model whose second model averages its weights trains");
		if (xm)
			test_explain(xm, "weights averaged");
		lid_model_free(xm);
	}
	test_accumulate();
	test_word_cache(m, "a model trained here");
	test_switch(m);
	test_lines(m);
	test_lines_early(m);
	test_out_once(m, "a model trained here");
	{
		const char *top = getenv("AYAK_TOP");
		char shipped[4096];
		struct lid_model *sm;

		snprintf(shipped, sizeof(shipped), "%s/lexicons/" LID_MODEL_FILE, top ? top : ".");
		sm = lid_model_load(shipped, &err);
		ok(sm != NULL, "the shipped model loads (%s)", sm ? shipped : err.msg);
		if (sm) {
			test_word_cache(sm, "the shipped model");
			test_explain(sm, "the shipped model");
			test_out_once(sm, "the shipped model");
		}
		test_prep_fast(sm);	/* its Han tables, or none */
		lid_model_free(sm);
	}
	test_ngrams();
	test_prep_letters();
	test_prep_windows();
	test_bucket_keys();
	test_softmax();
	test_clamp_argmax();
	test_add_shares();
	test_add_wide();
	test_cp_info();

	lid_classifier_free(c);
	lid_model_free(m);
	free(file);
	free(file2);
	unlink(path);
	unlink(path2);
	printf("1..%d\n", tap_n);
	return tap_failed != 0;
}
