/*
 * Training ayak-lid models: multinomial logistic regression over hashed
 * features, one per submodel, by plain SGD with a linearly decaying
 * learning rate, in an order shuffled by a seeded generator (the same
 * inputs and settings give the same model file, byte for byte).  The
 * weights are then rounded to int8 with one scale per submodel.
 */
#include <math.h>		/* INFINITY and isfinite only: no libm */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/utrans.h>
#include <unicode/ustring.h>

#include "json.h"
#include "lid-impl.h"
#include "stream.h"

struct example {
	size_t off, len;
	uint16_t label;
};

/* Texts of a label: kept for training, and left out (no letters of its script). */
struct label_texts {
	size_t kept, left;
};

struct lid_trainer {
	struct lid_train_opts o;
	char (*labels)[LID_LABEL_MAX];
	size_t nlabels, labels_alloc;
	struct label_texts *texts;	/* per label */
	size_t texts_alloc;
	struct example *ex;
	size_t nex, ex_alloc;
	struct ayak_buf text;
	struct lid_file_marker *marks;
	size_t nmarks, marks_alloc;
	uint32_t suffix_lens;
	uint8_t *han;			/* 2 bitmaps */
	uint64_t *dict;
	size_t ndict, dict_alloc;
	struct lid_text tx;		/* a text read for its letters or features */
};

static void progress(struct lid_trainer *t, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	if (!t->o.progress)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	t->o.progress(t->o.progress_arg, "%s", buf);
}

static int oom(struct ayak_err *err)
{
	return ayak_err_set(err, AYAK_E_SYS, "out of memory");
}

/*
 * AYAK_E_DATA: what, then s shown quoted (its first max bytes, control
 * characters escaped), then why.  Returns -1.
 */
static int quoted_error(struct ayak_err *err, const char *what, const char *s, size_t max,
			const char *why)
{
	struct ayak_buf q = AYAK_BUF_INIT;
	const char *shown = ayak_json_quote(&q, s, max);

	if (shown)
		ayak_err_set(err, AYAK_E_DATA, "%s%s%s", what, shown, why);
	else
		oom(err);
	ayak_buf_release(&q);
	return -1;
}

/* A label that is none: an error that shows it with its control characters escaped. */
static int check_label(const char *name, struct ayak_err *err)
{
	if (lid_label_valid(name))
		return 0;
	return quoted_error(err, "bad label ", name, 40, " (ISO 639-3 and ISO 15924 codes such as "
			    "zsm_Latn, or und)");
}

static int find_or_add_label(struct lid_trainer *t, const char *name, struct ayak_err *err)
{
	size_t i, len = strlen(name);

	for (i = 0; i < t->nlabels; i++)
		if (!strcmp(t->labels[i], name))
			return (int)i;
	if (check_label(name, err))
		return -1;
	if (t->nlabels >= LID_MAX_LABELS)
		return ayak_err_set(err, AYAK_E_DATA, "too many labels (at most %d)", LID_MAX_LABELS);
	if (t->nlabels == t->labels_alloc) {
		void *p = ayak_grow(t->labels, &t->labels_alloc, t->nlabels + 1, sizeof(*t->labels), 64);

		if (!p)
			return oom(err);
		t->labels = p;
	}
	if (t->nlabels == t->texts_alloc) {
		void *p = ayak_grow(t->texts, &t->texts_alloc, t->nlabels + 1, sizeof(*t->texts), 64);

		if (!p)
			return oom(err);
		t->texts = p;
	}
	memset(t->labels[t->nlabels], 0, LID_LABEL_MAX);
	memcpy(t->labels[t->nlabels], name, len);
	memset(&t->texts[t->nlabels], 0, sizeof(*t->texts));
	return (int)t->nlabels++;
}

/* The script of a submodel: USCRIPT_LATIN for msa; -1 if its name is no script. */
static int sub_script(const struct lid_train_sub *s)
{
	int32_t sc;

	if (!strcmp(s->name, "msa"))
		return USCRIPT_LATIN;
	sc = u_getPropertyValueEnum(UCHAR_SCRIPT, s->name);
	return sc == UCHAR_INVALID_CODE ? -1 : (int)sc;
}

#define LID_F_CHARS (LID_F_CHAR1 | LID_F_CHAR2 | LID_F_CHAR3 | LID_F_CHAR4 | LID_F_CHAR5)

/*
 * The features of a submodel, each of which gives some: n-grams, words,
 * pairs of words, markers or the dictionary (x adds to c3 to c5, mean
 * only weighs); x with an n-gram of 3 letters or more to take across the
 * space; d, which reads lower-case Latin words, for Latin text.
 */
static int check_features(const struct lid_train_sub *s, int sc, struct ayak_err *err)
{
	if (!(s->flags & (LID_F_CHARS | LID_F_WORD | LID_F_BIGRAM | LID_F_MARK | LID_F_DICT)))
		return ayak_err_set(err, AYAK_E_USAGE, "submodel \"%s\": no features to read (c1 "
				    "to c5, w, b, m or d)", s->name);
	if ((s->flags & LID_F_CROSS) && !(s->flags & (LID_F_CHAR3 | LID_F_CHAR4 | LID_F_CHAR5)))
		return ayak_err_set(err, AYAK_E_USAGE, "submodel \"%s\": x takes the n-grams of "
				    "c3, c4 or c5 across a space, and none is given", s->name);
	if ((s->flags & LID_F_DICT) && sc != USCRIPT_LATIN)
		return ayak_err_set(err, AYAK_E_USAGE, "submodel \"%s\": d reads Latin words only",
				    s->name);
	return 0;
}

/*
 * Scripts whose letters the classifier never gives a submodel: Han and
 * kana go by rule, the scripts of several (Jpan, Kore, Hrkt, Hans, Hant)
 * are no letter's, and those of Common and Inherited are not counted.
 */
static int script_of_no_submodel(int sc)
{
	switch (sc) {
	case USCRIPT_HAN: case USCRIPT_HIRAGANA: case USCRIPT_KATAKANA:
	case USCRIPT_JAPANESE: case USCRIPT_KOREAN: case USCRIPT_KATAKANA_OR_HIRAGANA:
	case USCRIPT_SIMPLIFIED_HAN: case USCRIPT_TRADITIONAL_HAN:
	case USCRIPT_COMMON: case USCRIPT_INHERITED: case USCRIPT_UNKNOWN:
		return 1;
	}
	return 0;
}

/*
 * Before any text is read: a submodel per script at most (a second one,
 * or Latin beside Latn, was trained and never used: the model loader
 * takes the last), of features that give some, and an msa group of
 * Latin-script labels, each once (the group's model only ever sees Latin
 * text); and no empty line in the text of --about.
 */
static int check_opts(const struct lid_train_opts *o, struct ayak_err *err)
{
	const char *const *g, *const *h;
	size_t i, j;

	for (i = 0; i < o->nsubs; i++) {
		int sc = sub_script(&o->subs[i]);

		if (sc < 0)
			return ayak_err_set(err, AYAK_E_USAGE, "submodel \"%s\": not a script",
					    o->subs[i].name);
		if (script_of_no_submodel(sc))
			return ayak_err_set(err, AYAK_E_USAGE, "submodel \"%s\": the classifier gives "
					    "no text of that script to a submodel (Han and kana are "
					    "decided by rule)", o->subs[i].name);
		if (check_features(&o->subs[i], sc, err))
			return -1;
		for (j = 0; j < i; j++)
			if (!strcmp(o->subs[i].name, "msa") == !strcmp(o->subs[j].name, "msa") &&
			    sub_script(&o->subs[j]) == sc)
				return ayak_err_set(err, AYAK_E_USAGE, "submodels \"%s\" and \"%s\": "
						    "two for the same text (one per script, one msa)",
						    o->subs[j].name, o->subs[i].name);
	}
	for (g = o->msa; g && *g; g++) {
		if (lid_label_script(*g) != USCRIPT_LATIN)
			return ayak_err_set(err, AYAK_E_USAGE, "--msa: '%s' is not a Latin-script "
					    "label (the group's model reads Latin text only)", *g);
		for (h = o->msa; h < g; h++)
			if (!strcmp(*h, *g))
				return ayak_err_set(err, AYAK_E_USAGE, "--msa: '%s' twice", *g);
	}
	/* before training, not after: an empty line would end the model's text */
	if (o->about && (strstr(o->about, "\n\n") || o->about[0] == '\n'))
		return ayak_err_set(err, AYAK_E_USAGE, "the model's text may not hold an empty line");
	return 0;
}

struct lid_trainer *lid_trainer_new(const struct lid_train_opts *opts, struct ayak_err *err)
{
	struct lid_trainer *t;
	size_t i;

	if (check_opts(opts, err))
		return NULL;
	t = calloc(1, sizeof(*t));
	if (!t) {
		oom(err);
		return NULL;
	}
	t->o = *opts;
	/* a script's name as its code: "Cyrillic" is Cyrl, in the file and in messages */
	for (i = 0; i < t->o.nsubs; i++)
		if (strcmp(t->o.subs[i].name, "msa"))
			snprintf(t->o.subs[i].name, sizeof(t->o.subs[i].name), "%s",
				 uscript_getShortName((UScriptCode)sub_script(&t->o.subs[i])));
	ayak_buf_init(&t->text);
	lid_text_init(&t->tx);
	if (find_or_add_label(t, "und", err) < 0) {
		lid_trainer_free(t);
		return NULL;
	}
	return t;
}

void lid_trainer_free(struct lid_trainer *t)
{
	if (!t)
		return;
	free(t->labels);
	free(t->texts);
	free(t->ex);
	lid_text_release(&t->tx);
	ayak_buf_release(&t->text);
	free(t->marks);
	free(t->han);
	free(t->dict);
	free(t);
}

/* Lower-case a UTF-8 word into code points (as lid_text_prepare does). */
static size_t word_cps(const char *w, uint32_t *out, size_t max)
{
	const unsigned char *p = (const unsigned char *)w, *end = p + strlen(w);
	size_t n = 0;

	while (p < end && n < max) {
		uint32_t cp;
		int len = ayak_utf8_decode(p, end, &cp);

		if (len == 0)
			return 0;
		p += len;
		out[n++] = cp < 0x80 ? (uint32_t)((cp >= 'A' && cp <= 'Z') ? cp | 0x20 : cp)
				     : (uint32_t)u_tolower((UChar32)cp);
	}
	return n;
}

/* Are cps[0..n) a word as a text's words are: a letter, then letters and marks? */
static int is_word(const uint32_t *cps, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		switch (u_charType((UChar32)cps[i])) {
		case U_UPPERCASE_LETTER: case U_LOWERCASE_LETTER: case U_TITLECASE_LETTER:
		case U_MODIFIER_LETTER: case U_OTHER_LETTER:
			break;
		case U_NON_SPACING_MARK: case U_ENCLOSING_MARK: case U_COMBINING_SPACING_MARK:
			if (i == 0)
				return 0;
			break;
		default:
			return 0;
		}
	return 1;
}

/* A marker refused: AYAK_E_DATA with the word shown escaped and why. */
static int bad_marker(const char *word, const char *why, struct ayak_err *err)
{
	char tail[160];

	snprintf(tail, sizeof(tail), ": %s", why);
	return quoted_error(err, "bad marker ", word, 80, tail);
}

/*
 * One word of a marker, w[0..len), lower-cased into cps (room for
 * LID_MARKER_MAX + 1): its letters, or -1 when it is refused.  *word is
 * cleared when it holds something that is not a letter.
 */
static ssize_t marker_word(const char *marker, const char *w, size_t len, uint32_t *cps, int *word,
			   struct ayak_err *err)
{
	char buf[4 * (LID_MARKER_MAX + 1) + 1];
	size_t n;

	if (len == 0)
		return bad_marker(marker, "no letters", err);
	if (len >= sizeof(buf))
		return bad_marker(marker, "a word of more than 31 letters", err);
	memcpy(buf, w, len);
	buf[len] = '\0';
	n = word_cps(buf, cps, LID_MARKER_MAX + 1);
	if (n > LID_MARKER_MAX)
		return bad_marker(marker, "a word of more than 31 letters", err);
	if (!is_word(cps, n))
		*word = 0;
	return (ssize_t)n;
}

int lid_trainer_add_marker(struct lid_trainer *t, const char *word, unsigned bits,
			   struct ayak_err *err)
{
	uint32_t cps[LID_MARKER_MAX + 1], cps2[LID_MARKER_MAX + 1];
	int suffix = word[0] == '-', letters = 1;
	const char *w = word + suffix, *sp = strchr(w, ' ');
	struct lid_file_marker *mk;
	ssize_t n, n2 = 0;

	if (!*word)
		return bad_marker(word, "an empty line", err);
	if (sp && suffix)
		return bad_marker(word, "an ending is one word, with no space", err);
	if (sp && (sp == w || !sp[1] || strchr(sp + 1, ' ')))
		return bad_marker(word, sp == w || !sp[1] ? "a space at an end" :
				  strchr(sp + 1, ' ') == sp + 1 ? "two spaces between words (a pair "
				  "of words has one)" : "more than two words", err);
	n = marker_word(word, w, sp ? (size_t)(sp - w) : strlen(w), cps, &letters, err);
	if (n < 0)
		return -1;
	if (sp && (n2 = marker_word(word, sp + 1, strlen(sp + 1), cps2, &letters, err)) < 0)
		return -1;
	if (t->nmarks == t->marks_alloc) {
		void *p = ayak_grow(t->marks, &t->marks_alloc, t->nmarks + 1, sizeof(*t->marks), 256);

		if (!p)
			return oom(err);
		t->marks = p;
	}
	mk = &t->marks[t->nmarks++];
	memset(mk, 0, sizeof(*mk));
	if (sp) {
		mk->hash = lid_pair_hash(lid_word_hash(cps, (size_t)n), lid_word_hash(cps2, (size_t)n2));
		mk->bits = bits;
	} else if (suffix) {
		uint64_t h = 0xcbf29ce484222325ULL;
		ssize_t i;

		/* the same as suffix_hash() in lid.c */
		h = (h ^ '-') * 0x100000001b3ULL;
		for (i = 0; i < n; i++)
			h = (h ^ cps[i]) * 0x100000001b3ULL;
		h ^= (uint64_t)n + 1;
		h ^= h >> 33;
		h *= 0xff51afd7ed558ccdULL;
		h ^= h >> 33;
		h *= 0xc4ceb9fe1a85ec53ULL;
		h ^= h >> 33;
		mk->hash = h;
		mk->bits = bits | LID_MARK_SUFFIX;
		t->suffix_lens |= 1u << n;
	} else {
		mk->hash = lid_word_hash(cps, (size_t)n);
		mk->bits = bits;
	}
	if (!mk->hash)
		mk->hash = 1;
	return letters ? 0 : 1;
}

int lid_trainer_add_dict_word(struct lid_trainer *t, const char *word, struct ayak_err *err)
{
	uint32_t cps[64];
	size_t n = word_cps(word, cps, 64);

	if (n == 0 || n >= 64)
		return 0;	/* not a word we could meet: nothing to add */
	if (t->ndict == t->dict_alloc) {
		void *p = ayak_grow(t->dict, &t->dict_alloc, t->ndict + 1, sizeof(*t->dict), 4096);

		if (!p)
			return oom(err);
		t->dict = p;
	}
	t->dict[t->ndict] = lid_word_hash(cps, n);
	if (!t->dict[t->ndict])
		t->dict[t->ndict] = 1;
	t->ndict++;
	return 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * A label with no texts is a class with no texts in the submodel of its
 * script, which takes a share of every text it reads: only a label of a
 * script that no submodel reads (one decided by rule, or the only label of
 * its script) can be one.
 */
int lid_trainer_add_label(struct lid_trainer *t, const char *label, struct ayak_err *err)
{
	int sc = lid_label_script(label);
	size_t i;

	if (!strcmp(label, "und"))
		return ayak_err_set(err, AYAK_E_USAGE, "und: every model has it");
	for (i = 0; sc >= 0 && i < t->o.nsubs; i++)
		if (sub_script(&t->o.subs[i]) == sc)
			return ayak_err_set(err, AYAK_E_USAGE, "%s: the %s submodel reads its script, "
					    "where a label without texts would take a share of every "
					    "text (the option is for labels decided by rule, such as "
					    "zho_Hant)", label, t->o.subs[i].name);
	return find_or_add_label(t, label, err) < 0 ? -1 : 0;
}

/*
 * Letters of a label's script sc in tx, as the classifier reads them:
 * Japanese is Han and kana, Korean Hangul and Han, Chinese Han.
 */
static size_t letters_of(const struct lid_text *tx, int sc)
{
	const size_t *n = tx->script_letters;

	switch (sc) {
	case USCRIPT_JAPANESE:
		return n[USCRIPT_HAN] + n[USCRIPT_HIRAGANA] + n[USCRIPT_KATAKANA];
	case USCRIPT_KATAKANA_OR_HIRAGANA:
		return n[USCRIPT_HIRAGANA] + n[USCRIPT_KATAKANA];
	case USCRIPT_KOREAN:
		return n[USCRIPT_HANGUL] + n[USCRIPT_HAN];
	case USCRIPT_SIMPLIFIED_HAN:
	case USCRIPT_TRADITIONAL_HAN:
		return n[USCRIPT_HAN];
	}
	return sc >= 0 && (size_t)sc < tx->nscripts ? n[sc] : 0;
}

int lid_trainer_add(struct lid_trainer *t, const char *label, const char *text, size_t n,
		    struct ayak_err *err)
{
	int l, ret = LID_ADD_TRAINED;

	if (check_label(label, err))
		return -1;
	if (!strcmp(label, "und"))
		return LID_ADD_UND;
	/* the letters as training reads them: of the same sample */
	if (lid_text_prepare(&t->tx, text, n, t->o.sample, NULL))
		return oom(err);
	if (!t->tx.letters)
		ret = LID_ADD_NO_LETTERS;
	else if (!letters_of(&t->tx, lid_label_script(label)))
		ret = LID_ADD_NO_SCRIPT;
	l = find_or_add_label(t, label, err);
	if (l < 0)
		return -1;
	if (ret == LID_ADD_TRAINED)
		t->texts[l].kept++;
	else
		t->texts[l].left++;
	/*
	 * A text left out gives no submodel a feature, but it keeps its place
	 * among the texts of its label: the order of training and the steps of
	 * the learning rate are those of the files, as they were before texts
	 * were left out, so that the shipped model is made again byte for byte.
	 */
	if (t->nex == t->ex_alloc) {
		void *p = ayak_grow(t->ex, &t->ex_alloc, t->nex + 1, sizeof(*t->ex), 4096);

		if (!p)
			return oom(err);
		t->ex = p;
	}
	t->ex[t->nex].off = t->text.len;
	t->ex[t->nex].len = ret == LID_ADD_TRAINED ? n : 0;
	t->ex[t->nex].label = (uint16_t)l;
	t->nex++;
	if (ret == LID_ADD_TRAINED && ayak_buf_add(&t->text, text, n))
		return oom(err);
	return ret;
}

size_t lid_trainer_nlabels(const struct lid_trainer *t)
{
	return t->nlabels;
}

const char *lid_trainer_label(const struct lid_trainer *t, size_t i, size_t *texts)
{
	*texts = t->texts[i].kept;
	return t->labels[i];
}

/* Han characters that only simplified or only traditional Chinese use, by ICU's transforms. */
static int build_han(struct lid_trainer *t, struct ayak_err *err)
{
	static const UChar to_hans[] = { 'H', 'a', 'n', 't', '-', 'H', 'a', 'n', 's', 0 };
	static const UChar to_hant[] = { 'H', 'a', 'n', 's', '-', 'H', 'a', 'n', 't', 0 };
	UErrorCode st = U_ZERO_ERROR;
	UTransliterator *a, *b;
	uint32_t cp;
	size_t nb = LID_HAN_BITS / 8;

	t->han = calloc(2, nb);
	if (!t->han)
		return oom(err);
	a = utrans_openU(to_hans, -1, UTRANS_FORWARD, NULL, 0, NULL, &st);
	b = utrans_openU(to_hant, -1, UTRANS_FORWARD, NULL, 0, NULL, &st);
	if (U_FAILURE(st)) {
		if (a)
			utrans_close(a);
		if (b)
			utrans_close(b);
		return ayak_err_set(err, AYAK_E_SYS, "cannot open ICU's Hans-Hant transform: %s",
				    u_errorName(st));
	}
	for (cp = LID_HAN_LO; cp <= LID_HAN_HI; cp++) {
		UChar buf[16];
		int32_t len, lim;
		uint32_t i = cp - LID_HAN_LO;

		/* traditional-only: Hant-Hans changes it */
		buf[0] = (UChar)cp;
		len = lim = 1;
		st = U_ZERO_ERROR;
		utrans_transUChars(a, buf, &len, 16, 0, &lim, &st);
		if (U_SUCCESS(st) && (len != 1 || buf[0] != cp))
			t->han[nb + i / 8] |= (uint8_t)(1u << (i & 7));
		/* simplified-only: Hans-Hant changes it */
		buf[0] = (UChar)cp;
		len = lim = 1;
		st = U_ZERO_ERROR;
		utrans_transUChars(b, buf, &len, 16, 0, &lim, &st);
		if (U_SUCCESS(st) && (len != 1 || buf[0] != cp))
			t->han[i / 8] |= (uint8_t)(1u << (i & 7));
	}
	/* characters in both sets tell nothing */
	{
		size_t i;

		for (i = 0; i < nb; i++) {
			uint8_t both = t->han[i] & t->han[nb + i];

			t->han[i] &= (uint8_t)~both;
			t->han[nb + i] &= (uint8_t)~both;
		}
	}
	utrans_close(a);
	utrans_close(b);
	return 0;
}

/* xorshift64*: the shuffles. */
static uint64_t rng_next(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dULL;
}

struct trained {
	struct lid_file_sub fs;
	uint16_t labels[LID_MAX_STRIDE];
	float bias[LID_MAX_STRIDE];
	int8_t *q;
};

/*
 * The classes of a submodel: cls_of[label] (-1: not one), their number in
 * *ncls, the "other" class of msa in *other_cls (or -1), its script.
 */
static void sub_classes(const struct lid_trainer *t, const struct lid_train_sub *spec, int *cls_of,
			size_t *ncls_out, int *other_cls, int *script_out)
{
	size_t ncls = 0, i;
	int script = sub_script(spec);

	*other_cls = -1;
	for (i = 0; i < t->nlabels; i++)
		cls_of[i] = -1;
	if (!strcmp(spec->name, "msa")) {
		const char *const *g;

		for (g = t->o.msa; g && *g; g++)
			for (i = 0; i < t->nlabels; i++)
				if (!strcmp(t->labels[i], *g) && cls_of[i] < 0)
					cls_of[i] = (int)ncls++;
		/*
		 * One more class, "other" (stored as label und), for the texts of
		 * every other Latin-script label: the group's model can then say
		 * that a text the general model sent it is none of the group's.
		 */
		if (ncls) {
			int other = -1;

			for (i = 1; i < t->nlabels; i++)
				if (cls_of[i] < 0 && lid_label_script(t->labels[i]) == USCRIPT_LATIN) {
					if (other < 0)
						other = (int)ncls++;
					cls_of[i] = other;
				}
			if (other >= 0)
				*other_cls = other;
		}
	} else {
		for (i = 0; i < t->nlabels; i++)
			if (lid_label_script(t->labels[i]) == script)
				cls_of[i] = (int)ncls++;
	}
	*ncls_out = ncls;
	*script_out = script;
}

/* The features of a submodel as --submodel writes them: "c1-4,w,b,m3". */
static void feature_spec(const struct lid_train_sub *s, char *out, size_t size)
{
	static const struct { unsigned flag; const char *name; } kinds[] = {
		{ LID_F_WORD, "w" }, { LID_F_BIGRAM, "b" }, { LID_F_MARK, "m" },
		{ LID_F_CROSS, "x" }, { LID_F_DICT, "d" }, { LID_F_MEAN, "mean" },
	};
	size_t len = 0, i;
	int k, j;

	out[0] = '\0';
#define SPEC_ADD(...) (len += (size_t)snprintf(out + len, len < size ? size - len : 0, __VA_ARGS__))
	for (k = 0; k < 5; k = j + 1) {
		for (j = k; j < 5 && (s->flags >> j & 1); j++)
			;
		if (j == k)
			continue;
		SPEC_ADD(j - 1 > k ? "%sc%d-%d" : "%sc%d", len ? "," : "", k + 1, j);
	}
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (s->flags & kinds[i].flag)
			SPEC_ADD("%s%s", len ? "," : "", kinds[i].name);
	if ((s->flags & LID_F_MARK) && s->mark_weight > 1)
		SPEC_ADD("%u", s->mark_weight);
#undef SPEC_ADD
}

/* The name of class k of a submodel: its label, or the msa group's "other". */
static const char *class_name(const struct lid_trainer *t, const int *cls_of, int other, int k)
{
	size_t i;

	if (k == other)
		return "other (the Latin labels outside --msa)";
	for (i = 0; i < t->nlabels; i++)
		if (cls_of[i] == k)
			return t->labels[i];
	return "?";
}

/*
 * Does each class of a submodel have a text that gives it features?  The
 * first class without one goes to *missing (-1: none); -1 on ENOMEM.
 */
static int classes_with_features(struct lid_trainer *t, const struct lid_train_sub *spec,
				 const struct lid_model *mk, const int *cls_of, size_t ncls,
				 int script, int *missing)
{
	unsigned char has[LID_MAX_STRIDE] = { 0 };
	struct lid_feats f = { 0 };
	size_t i, with = 0;
	int ret = 0;

	for (i = 0; i < t->nex && with < ncls; i++) {
		int k = cls_of[t->ex[i].label], nf;

		if (k < 0 || has[k])
			continue;
		if (lid_text_prepare(&t->tx, t->text.data + t->ex[i].off, t->ex[i].len, t->o.sample,
				     mk)) {
			ret = -1;
			break;
		}
		f.n = 0;
		nf = lid_features(&t->tx, script, spec->flags, spec->bits, mk, &f);
		if (nf < 0) {
			ret = -1;
			break;
		}
		if (nf > 0) {
			has[k] = 1;
			with++;
		}
	}
	free(f.v);
	*missing = -1;
	for (i = 0; i < ncls && ret == 0; i++)
		if (!has[i]) {
			*missing = (int)i;
			break;
		}
	return ret;
}

/*
 * Before any training: every label with texts kept; every submodel labels
 * to tell apart (2 to LID_MAX_STRIDE), each with texts that give it
 * features (a label without is a class never trained, which takes a share
 * of every text); and every label can be given: a script with two labels
 * or more needs a submodel of its own (the others are decided by their
 * script alone).
 */
static int check_subs(struct lid_trainer *t, const struct lid_model *mk, struct ayak_err *err)
{
	int cls_of[LID_MAX_LABELS], sc[LID_MAX_LABELS], other, script, missing;
	size_t ncls, i, j, k;

	for (i = 1; i < t->nlabels; i++)
		if (!t->texts[i].kept && t->texts[i].left)
			return ayak_err_set(err, AYAK_E_DATA, "label %s: none of its texts has letters "
					    "of its script (%zu left out): nothing to train it on",
					    t->labels[i], t->texts[i].left);
	if (t->nex == 0)
		return ayak_err_set(err, AYAK_E_DATA, "no training texts");
	for (i = 0; i < t->o.nsubs; i++) {
		const struct lid_train_sub *s = &t->o.subs[i];
		char spec[64];

		sub_classes(t, s, cls_of, &ncls, &other, &script);
		if (ncls > LID_MAX_STRIDE)
			return ayak_err_set(err, AYAK_E_DATA, "submodel \"%s\": too many labels (%zu; "
					    "at most %d a submodel)", s->name, ncls, LID_MAX_STRIDE);
		if (ncls < 2)
			return ayak_err_set(err, AYAK_E_DATA,
					    "submodel \"%s\": fewer than 2 labels with data", s->name);
		if (classes_with_features(t, s, mk, cls_of, ncls, script, &missing))
			return oom(err);
		feature_spec(s, spec, sizeof(spec));
		if (missing >= 0)
			return ayak_err_set(err, AYAK_E_DATA, "submodel \"%s\": no text of %s gives "
					    "it features (%s)", s->name,
					    class_name(t, cls_of, other, missing), spec);
	}
	for (i = 0; i < t->nlabels; i++)
		sc[i] = lid_label_script(t->labels[i]);
	for (i = 0; i < t->nlabels; i++)
		for (j = i + 1; j < t->nlabels && sc[i] >= 0; j++) {
			if (sc[j] != sc[i])
				continue;
			for (k = 0; k < t->o.nsubs; k++)
				if (strcmp(t->o.subs[k].name, "msa") && sub_script(&t->o.subs[k]) == sc[i])
					break;
			if (k == t->o.nsubs)
				return ayak_err_set(err, AYAK_E_DATA, "labels %s and %s: no submodel "
						    "for their script (--submodel %s:BITS:FEATURES)",
						    t->labels[i], t->labels[j], strchr(t->labels[i], '_') + 1);
		}
	return 0;
}

/*
 * --flat-prior: each class's bias less f times the log of its share of the
 * submodel's texts use[0..nuse).  The biases learn the training split's
 * ratios (half of its Latin texts are Malaysian Malay), which a crawl's
 * are not; with them taken out, a short text with nothing to go by is not
 * given the commonest label.
 */
static void flatten_prior(const struct lid_trainer *t, double f, const size_t *use, size_t nuse,
			  const int *cls_of, size_t ncls, float *bias)
{
	size_t n[LID_MAX_STRIDE] = { 0 }, i, k;

	for (i = 0; i < nuse; i++)
		n[cls_of[t->ex[use[i]].label]]++;
	for (k = 0; k < ncls; k++)
		if (n[k])
			bias[k] -= (float)(f * lid_log((double)n[k] / (double)nuse));
}

static int train_sub(struct lid_trainer *t, const struct lid_train_sub *spec,
		     const struct lid_model *mk, struct trained *out, struct ayak_err *err)
{
	int cls_of[LID_MAX_LABELS];
	size_t ncls = 0, i, k, nuse = 0, rows = (size_t)1 << spec->bits, stride;
	int script = -1, other_cls = -1;
	size_t *use = NULL;
	float *w = NULL, *bias = NULL, *avg = NULL, *avgb = NULL;
	size_t j2, navg = 0;
	uint64_t rng = t->o.seed * 0x9e3779b97f4a7c15ULL + 0x1234567;
	uint64_t drng = t->o.seed * 0xbf58476d1ce4e5b9ULL + 0x7654321;
	struct lid_text tx;
	struct lid_feats f = { 0 };
	double total, step = 0;
	unsigned ep;
	int ret = -1;

	sub_classes(t, spec, cls_of, &ncls, &other_cls, &script);
	stride = (ncls + 15) & ~(size_t)15;
	memset(out, 0, sizeof(*out));
	snprintf(out->fs.name, sizeof(out->fs.name), "%s", spec->name);
	out->fs.nclass = (uint32_t)ncls;
	out->fs.stride = (uint32_t)stride;
	out->fs.bits = spec->bits;
	out->fs.flags = spec->flags;
	if (spec->flags & LID_F_MARK)
		out->fs.mark_weight = spec->mark_weight;
	for (i = 0; i < t->nlabels; i++)
		if (cls_of[i] >= 0 && cls_of[i] != other_cls)
			out->labels[cls_of[i]] = (uint16_t)i;
	if (other_cls >= 0)
		out->labels[other_cls] = 0;	/* und stands for "other" */
	use = malloc(t->nex * sizeof(*use));
	w = calloc(rows * stride, sizeof(*w));
	bias = calloc(stride, sizeof(*bias));
	if (t->o.average) {
		avg = calloc(rows * stride, sizeof(*avg));
		avgb = calloc(stride, sizeof(*avgb));
		if (!avg || !avgb) {
			oom(err);
			goto out;
		}
	}
	lid_text_init(&tx);
	if (!use || !w || !bias) {
		oom(err);
		goto out;
	}
	for (i = 0; i < t->nex; i++)
		if (cls_of[t->ex[i].label] >= 0)
			use[nuse++] = i;
	if (t->o.progress) {
		struct ayak_buf names = AYAK_BUF_INIT;
		char feats[64];

		for (k = 0; k < ncls; k++)
			ayak_buf_addf(&names, "%s%s", k ? " " : "",
				      k == (size_t)other_cls ? "other" : t->labels[out->labels[k]]);
		feature_spec(spec, feats, sizeof(feats));
		t->o.progress(t->o.progress_arg, "submodel %s: %zu labels (%s), %zu texts, 2^%u rows, "
			      "features %s", spec->name, ncls, names.failed ? "?" : names.data, nuse,
			      spec->bits, feats);
		ayak_buf_release(&names);
	}
	total = (double)nuse * t->o.epochs;
	for (ep = 0; ep < t->o.epochs; ep++) {
		double loss = 0;
		size_t right = 0, seen = 0;

		for (i = nuse; i > 1; i--) {
			size_t j = rng_next(&rng) % i, tmp = use[i - 1];

			use[i - 1] = use[j];
			use[j] = tmp;
		}
		for (i = 0; i < nuse; i++) {
			const struct example *e = &t->ex[use[i]];
			int y = cls_of[e->label], nf, best = 0;
			float logit[LID_MAX_STRIDE], mx = -INFINITY, sum = 0, xv, lr;
			size_t j;

			step++;
			if (lid_text_prepare(&tx, t->text.data + e->off, e->len, t->o.sample, mk)) {
				oom(err);
				goto out;
			}
			f.n = 0;
			nf = lid_features(&tx, script, spec->flags, spec->bits, mk, &f);
			if (nf < 0) {
				oom(err);
				goto out;
			}
			if (nf == 0)
				continue;
			xv = (spec->flags & LID_F_MEAN) ? 1.0f / (float)nf : lid_rsqrt((size_t)nf);
			if (t->o.dropout > 0) {
				/*
				 * Leave out a share of the features, the others scaled up
				 * to the same expected sum: no text is learnt by its rare
				 * features alone, and the common ones keep their weight.
				 */
				size_t kept = 0;
				uint64_t cut = (uint64_t)(t->o.dropout * 4294967296.0);

				for (j = 0; j < f.n; j++)
					if ((rng_next(&drng) >> 32) >= cut)
						f.v[kept++] = f.v[j];
				f.n = kept;
				if (kept == 0)
					continue;
				xv /= (float)(1.0 - t->o.dropout);
			}
			for (k = 0; k < ncls; k++)
				logit[k] = 0;
			for (j = 0; j < f.n; j++) {
				const float *row = w + (size_t)f.v[j] * stride;

				for (k = 0; k < ncls; k++)
					logit[k] += row[k];
			}
			for (k = 0; k < ncls; k++) {
				logit[k] = bias[k] + xv * logit[k];
				if (logit[k] > mx) {
					mx = logit[k];
					best = (int)k;
				}
			}
			for (k = 0; k < ncls; k++) {
				logit[k] = lid_expf(logit[k] - mx);
				sum += logit[k];
			}
			seen++;
			right += best == y;
			loss -= lid_log((double)(logit[y] / sum) + 1e-30);
			lr = (float)(t->o.lr * (1.0 - step / (total + 1)));
			for (k = 0; k < ncls; k++) {
				float g = logit[k] / sum - (k == (size_t)y);

				bias[k] -= lr * g * 0.1f;
				logit[k] = lr * xv * g;
			}
			for (j = 0; j < f.n; j++) {
				float *row = w + (size_t)f.v[j] * stride;

				for (k = 0; k < ncls; k++)
					row[k] -= logit[k];
			}
		}
		/* average the weights at the ends of the later epochs (from the middle on) */
		if (avg && 2 * (ep + 1) > t->o.epochs) {
			size_t n = rows * stride;

			for (j2 = 0; j2 < n; j2++)
				avg[j2] += w[j2];
			for (k = 0; k < stride; k++)
				avgb[k] += bias[k];
			navg++;
		}
		progress(t, "submodel %s: epoch %u: loss %.4f, training accuracy %.4f", spec->name,
			 ep + 1, seen ? loss / (double)seen : 0.0, seen ? (double)right / (double)seen : 0.0);
	}
	if (navg > 1) {
		size_t n = rows * stride;

		for (j2 = 0; j2 < n; j2++)
			w[j2] = avg[j2] / (float)navg;
		for (k = 0; k < stride; k++)
			bias[k] = avgb[k] / (float)navg;
	}
	/* int8 with one scale: the largest weight maps to 127 */
	{
		float mx = 0;
		size_t n = rows * stride;

		for (i = 0; i < n; i++)
			if (fabsf(w[i]) > mx)
				mx = fabsf(w[i]);
		if (mx <= 0)
			mx = 1;
		out->fs.scale = mx / 127.0f;
		out->q = malloc(n);
		if (!out->q) {
			oom(err);
			goto out;
		}
		for (i = 0; i < n; i++) {
			float x = w[i] / out->fs.scale;
			long v = (long)(x + (x >= 0 ? 0.5f : -0.5f));

			out->q[i] = (int8_t)(v > 127 ? 127 : v < -127 ? -127 : v);
		}
		if (spec->flat_prior > 0)
			flatten_prior(t, spec->flat_prior, use, nuse, cls_of, ncls, bias);
		for (k = 0; k < ncls; k++)
			out->bias[k] = bias[k];
		for (k = ncls; k < stride; k++)
			out->bias[k] = -1e4f;
	}
	ret = 0;
out:
	free(use);
	free(w);
	free(bias);
	free(avg);
	free(avgb);
	free(f.v);
	lid_text_release(&tx);
	return ret;
}

/*
 * The word odds table (naive Bayes, Malaysian against Indonesian): in how
 * many Malaysian and Indonesian training texts each bucket's words and
 * pairs of words are, as log((zsm + a) / Nzsm) - log((ind + a) / Nind);
 * 0 for a bucket no such text has.  Rounded to int8 in steps of
 * LID_NB_SCALE.
 */
#define LID_NB_SCALE 0.125f
static int build_nb(struct lid_trainer *t, const struct lid_model *mk, int8_t **out,
		    struct ayak_err *err)
{
	size_t rows = (size_t)1 << t->o.nb_bits, i, j;
	uint32_t *cnt = calloc(2 * rows, sizeof(*cnt));
	size_t *last = calloc(rows, sizeof(*last));	/* the last text (index + 1) counted in each bucket */
	double n[2] = { 0, 0 }, a = t->o.nb_alpha;
	int zsm = -1, ind = -1, ret = -1;
	struct lid_text tx;
	struct lid_feats f = { 0 };
	int8_t *q = malloc(rows);

	lid_text_init(&tx);
	if (!cnt || !last || !q) {
		oom(err);
		goto out;
	}
	for (i = 0; i < t->nlabels; i++) {
		if (!strcmp(t->labels[i], "zsm_Latn"))
			zsm = (int)i;
		if (!strcmp(t->labels[i], "ind_Latn"))
			ind = (int)i;
	}
	for (i = 0; i < t->nex; i++) {
		const struct example *e = &t->ex[i];
		int side = e->label == zsm ? 0 : e->label == ind ? 1 : -1;

		if (side < 0)
			continue;
		if (lid_text_prepare(&tx, t->text.data + e->off, e->len, t->o.sample, mk)) {
			oom(err);
			goto out;
		}
		f.n = 0;
		if (lid_nb_features(&tx, t->o.nb_bits, &f) < 0) {
			oom(err);
			goto out;
		}
		/* in how many texts, not how often: a word said ten times in one text is one vote */
		for (j = 0; j < f.n; j++)
			if (last[f.v[j]] != i + 1) {
				last[f.v[j]] = i + 1;
				cnt[2 * (size_t)f.v[j] + (size_t)side]++;
			}
		n[side]++;
	}
	if (!n[0] || !n[1]) {
		ayak_err_set(err, AYAK_E_DATA, "word odds need zsm_Latn and ind_Latn training texts");
		goto out;
	}
	for (i = 0; i < rows; i++) {
		double z = cnt[2 * i], d = cnt[2 * i + 1], v, r;

		if (z + d == 0) {
			q[i] = 0;
			continue;
		}
		v = lid_log((z + a) / n[0]) - lid_log((d + a) / n[1]);
		r = v / LID_NB_SCALE;
		r = r > 127 ? 127 : r < -127 ? -127 : r;
		q[i] = (int8_t)(r < 0 ? r - 0.5 : r + 0.5);
	}
	progress(t, "word odds: 2^%u buckets, %.0f Malaysian and %.0f Indonesian texts",
		 t->o.nb_bits, n[0], n[1]);
	*out = q;
	q = NULL;
	ret = 0;
out:
	free(cnt);
	free(last);
	free(q);
	free(f.v);
	lid_text_release(&tx);
	return ret;
}

static int cmp_label(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* Labels in alphabetical order after "und", so that the file does not depend on the order of the texts. */
static int sort_labels(struct lid_trainer *t, struct ayak_err *err)
{
	char (*sorted)[LID_LABEL_MAX] = malloc(t->nlabels * sizeof(*sorted));
	uint16_t *map = malloc(t->nlabels * sizeof(*map));
	struct label_texts *texts = malloc(t->nlabels * sizeof(*texts));
	size_t i, j;

	if (!sorted || !map || !texts) {
		free(sorted);
		free(map);
		free(texts);
		return oom(err);
	}
	memcpy(sorted, t->labels, t->nlabels * sizeof(*sorted));
	qsort(sorted + 1, t->nlabels - 1, sizeof(*sorted), cmp_label);
	for (i = 0; i < t->nlabels; i++)
		for (j = 0; j < t->nlabels; j++)
			if (!strcmp(t->labels[i], sorted[j])) {
				map[i] = (uint16_t)j;
				break;
			}
	for (i = 0; i < t->nex; i++)
		t->ex[i].label = map[t->ex[i].label];
	for (i = 0; i < t->nlabels; i++)
		texts[map[i]] = t->texts[i];
	memcpy(t->labels, sorted, t->nlabels * sizeof(*sorted));
	memcpy(t->texts, texts, t->nlabels * sizeof(*texts));
	free(sorted);
	free(map);
	free(texts);
	return 0;
}

static int pad64(struct ayak_buf *b, size_t base)
{
	static const char zero[64];
	size_t n = (64 - (base + b->len) % 64) % 64;

	return ayak_buf_add(b, zero, n);
}

int lid_trainer_write(struct lid_trainer *t, struct ayak_writer *wr, const char *name,
		      struct ayak_err *err)
{
	struct lid_model mk;
	struct trained subs[LID_MAX_SUBS];
	struct ayak_buf text = AYAK_BUF_INIT, pay = AYAK_BUF_INIT;
	struct lid_file_head h;
	size_t i, nsubs = 0, base;
	int ret = -1, marked = 0;
	int8_t *nb = NULL;

	memset(&mk, 0, sizeof(mk));
	memset(subs, 0, sizeof(subs));
	if (t->o.nsubs > LID_MAX_SUBS)
		return ayak_err_set(err, AYAK_E_USAGE, "too many submodels");
	if (sort_labels(t, err) || build_han(t, err))
		return -1;
	/* a model with markers and Han tables only, for the features */
	mk.labels = (const char (*)[LID_LABEL_MAX])t->labels;
	mk.nlabels = (uint32_t)t->nlabels;
	mk.suffix_lens = t->suffix_lens;
	mk.hans = t->han;
	mk.hant = t->han + LID_HAN_BITS / 8;
	/* the dictionary sorted, without repeats: the file does not depend on the order of the lists */
	if (t->ndict) {
		size_t j = 0;

		qsort(t->dict, t->ndict, sizeof(*t->dict), cmp_u64);
		for (i = 0; i < t->ndict; i++)
			if (!j || t->dict[i] != t->dict[j - 1])
				t->dict[j++] = t->dict[i];
		t->ndict = j;
	}
	if (lid_model_index(&mk, t->marks, t->nmarks, t->dict, t->ndict, err))
		goto out;
	/* the features are computed once for all submodels: one marker weight */
	for (i = 0; i < t->o.nsubs; i++) {
		const struct lid_train_sub *s = &t->o.subs[i];

		if (s->mark_weight > LID_MAX_MARK_WEIGHT) {
			ayak_err_set(err, AYAK_E_USAGE, "marker weight over %d", LID_MAX_MARK_WEIGHT);
			goto out;
		}
		if (!(s->flat_prior >= 0 && s->flat_prior <= 1)) {
			ayak_err_set(err, AYAK_E_USAGE, "flat prior of submodel %s not from 0 to 1", s->name);
			goto out;
		}
		if (!(s->flags & LID_F_MARK))
			continue;
		if (marked && s->mark_weight != mk.mark_weight) {
			ayak_err_set(err, AYAK_E_USAGE,
				     "the submodels with markers need the same marker weight");
			goto out;
		}
		mk.mark_weight = s->mark_weight;
		marked = 1;
	}
	if (check_subs(t, &mk, err))
		goto out;
	if (t->o.nb_bits) {
		if (t->o.nb_bits < LID_NB_MIN_BITS || t->o.nb_bits > LID_MAX_BITS) {
			ayak_err_set(err, AYAK_E_USAGE, "word odds want %d to %d bits",
				     LID_NB_MIN_BITS, LID_MAX_BITS);
			goto out;
		}
		if (build_nb(t, &mk, &nb, err))
			goto out;
	}
	for (i = 0; i < t->o.nsubs; i++) {
		if (train_sub(t, &t->o.subs[i], &mk, &subs[nsubs], err))
			goto out;
		nsubs++;
	}
	/* the file: text, header, payload */
	if (ayak_buf_addstr(&text, "ayak-lid model\n") ||
	    ayak_buf_addstr(&text, t->o.about ? t->o.about : "") ||
	    (text.len && text.data[text.len - 1] != '\n' && ayak_buf_add(&text, "\n", 1)) ||
	    ayak_buf_add(&text, "\n", 1) || pad64(&text, 0))
		goto nomem;
	base = text.len + sizeof(h);
	if (ayak_buf_add(&pay, t->labels, t->nlabels * LID_LABEL_MAX) ||
	    ayak_buf_add(&pay, t->marks, t->nmarks * sizeof(*t->marks)) ||
	    ayak_buf_add(&pay, t->han, 2 * (LID_HAN_BITS / 8)) ||
	    ayak_buf_add(&pay, t->dict, t->ndict * sizeof(*t->dict)))
		goto nomem;
	if (nb && (pad64(&pay, base) || ayak_buf_add(&pay, nb, (size_t)1 << t->o.nb_bits)))
		goto nomem;
	for (i = 0; i < nsubs; i++) {
		static const char zero[4];
		struct trained *s = &subs[i];
		size_t rows = (size_t)1 << s->fs.bits;

		if (pad64(&pay, base) || ayak_buf_add(&pay, &s->fs, sizeof(s->fs)) ||
		    ayak_buf_add(&pay, s->labels, s->fs.stride * 2) ||
		    ayak_buf_add(&pay, zero, (4 - (base + pay.len) % 4) % 4) ||
		    ayak_buf_add(&pay, s->bias, s->fs.stride * 4) || pad64(&pay, base) ||
		    ayak_buf_add(&pay, s->q, rows * s->fs.stride))
			goto nomem;
	}
	memset(&h, 0, sizeof(h));
	memcpy(h.magic, LID_MAGIC, 8);
	h.format = LID_FORMAT;
	h.flags = LID_HAS_HAN;
	if (nb) {
		h.flags |= LID_HAS_NB;
		h.nb_bits = t->o.nb_bits;
		h.nb_scale = LID_NB_SCALE;
		h.nb_weight = (float)t->o.nb_weight;
	}
	h.nlabels = (uint32_t)t->nlabels;
	h.nmarkers = (uint32_t)t->nmarks;
	h.nsubs = (uint32_t)nsubs;
	h.suffix_lens = t->suffix_lens;
	h.ndict = (uint32_t)t->ndict;
	h.payload = pay.len;
	h.checksum = lid_checksum(text.data, text.len, &h, pay.data, pay.len);
	if (ayak_writer_write(wr, text.data, text.len, err) ||
	    ayak_writer_write(wr, &h, sizeof(h), err) || ayak_writer_write(wr, pay.data, pay.len, err))
		goto out;
	progress(t, "wrote %s: %zu labels, %zu submodels, %zu bytes", name, t->nlabels, nsubs,
		 text.len + sizeof(h) + pay.len);
	ret = 0;
	goto out;
nomem:
	oom(err);
out:
	for (i = 0; i < LID_MAX_SUBS; i++)
		free(subs[i].q);
	free(nb);
	free(mk.mkeys);
	free(mk.dkeys);
	free(mk.in_msa);
	free(mk.route);
	ayak_buf_release(&text);
	ayak_buf_release(&pay);
	return ret;
}

int lid_trainer_finish(struct lid_trainer *t, const char *path, struct ayak_err *err)
{
	struct ayak_writer_opts wo = { path, AYAK_COMPRESS_NONE, 0, 0, 1 };
	struct ayak_writer *wr = ayak_writer_new(&wo, err);

	if (!wr)
		return -1;
	if (lid_trainer_write(t, wr, path, err)) {
		ayak_writer_abort(wr);
		return -1;
	}
	return ayak_writer_close(wr, err);
}
