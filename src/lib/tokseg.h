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

/*
 * Texts are segmented a piece at a time: the whole text when it has at
 * most TOKSEG_PIECE bytes, else pieces of up to TOKSEG_PIECE bytes (longer
 * only for a longer line) that end just after a line feed.  A line feed
 * always ends a word and a sentence (UAX #29: WB3a, SB4), ICU's iterators
 * start afresh at every boundary, and no rule of ours looks across one (the
 * spans kept whole, the abbreviations and the reduplications hold no white
 * space), so the words and sentences are the same as for the whole text;
 * pieces only bound the memory of the offset maps (10 bytes a byte).
 *
 * TOKSEG_MAX_PIECE: the longest piece, so the longest stretch of a text
 * without a line feed: ICU takes UTF-16 of at most 2^31 - 1 units.
 * TOKSEG_MAX_TEXT: the longest text, its offsets being 32-bit.
 */
#define TOKSEG_PIECE ((size_t)16 << 20)
#define TOKSEG_MAX_PIECE ((size_t)INT32_MAX / 2)
#define TOKSEG_MAX_TEXT ((size_t)UINT32_MAX)

struct tokseg_opts {
	int split_clitics;
	const char *lexicon_dir;	/* NULL: ayak_lexicon_dir() */
	size_t max_piece;		/* 0: TOKSEG_MAX_PIECE; less, for tests (pieces too) */
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

/*
 * Words and/or sentences of text[0..n) (valid UTF-8); res valid until the
 * next call.  TOKSEG_TOO_LONG (err set, AYAK_E_DATA) for a text longer
 * than TOKSEG_MAX_TEXT or with a stretch without a line feed longer than
 * the longest piece; -1 on other errors.
 */
#define TOKSEG_TOO_LONG (-2)
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
