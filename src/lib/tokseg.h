/*
 * Malay words and sentences: ICU's break iterators (UAX #29) with rules
 * for Malay on top.
 *
 * Words: reduplication with a hyphen (kanak-kanak, bersalam-salaman)
 * stays one word; numbers, dates, times, RM amounts, URLs, e-mail
 * addresses, hashtags and @mentions stay whole; abbreviations from the
 * lexicon keep their full stop (Dr., Sdn., Bhd.); clitics and particles
 * (-nya, -lah, -kah, -pun, ku-, kau-) are split off only when asked, and
 * only from words whose stem is in the word list.
 *
 * Sentences: ICU's sentence breaks, except after the abbreviations of the
 * lexicon (Dr., Prof., Sdn. Bhd., Jln., No., hlm., dll. ...), inside the
 * spans that words keep whole, and before a lower-case letter.
 *
 * Lexicons (in the lexicon directory): tok-abbreviations.tsv,
 * tok-clitics.tsv, tok-words.tsv.
 */
#ifndef AYAK_TOKSEG_H
#define AYAK_TOKSEG_H

#include "ayak.h"

struct tokseg_opts {
	int split_clitics;
	const char *lexicon_dir;	/* NULL: ayak_lexicon_dir() */
};

struct tokseg_span {
	uint32_t start, end;	/* bytes, [start, end) */
	uint32_t cstart, cend;	/* code points */
};

struct tokseg_result {
	const char *text;
	size_t len;
	const struct tokseg_span *words;
	size_t nwords;
	const struct tokseg_span *sents;
	size_t nsents;
};

struct tokseg;

struct tokseg *tokseg_new(const struct tokseg_opts *o, struct ayak_err *err);
void tokseg_free(struct tokseg *s);

/* Words and/or sentences of text[0..n) (valid UTF-8); res valid until the next call. */
int tokseg_run(struct tokseg *s, const char *text, size_t n, int words, int sentences,
	       struct tokseg_result *res, struct ayak_err *err);

/*
 * JSON values appended to out, each followed by a NUL: the words array,
 * its offsets (with offsets), the sentences array, its offsets.
 */
int tokseg_json(struct tokseg *s, const struct tokseg_result *res, int words, int sentences,
		int offsets, struct ayak_buf *out);
/*
 * Plain text: one item a line (with offsets: "start<TAB>end<TAB>item").
 * With words and sentences: one sentence a line, its words split by spaces.
 */
int tokseg_plain(struct tokseg *s, const struct tokseg_result *res, int words, int sentences,
		 int offsets, struct ayak_buf *out);

/* Counts of lexicon entries, for tests: abbreviations, clitic rules, words. */
void tokseg_lexicon_sizes(const struct tokseg *s, size_t *abbrev, size_t *clitics, size_t *words);

#endif
