/*
 * Internals of the normalizer shared by norm*.c (not for programs).
 */
#ifndef AYAK_NORM_INT_H
#define AYAK_NORM_INT_H

#include <unicode/unorm2.h>

#include "icu.h"
#include "norm.h"

struct norm_lex;
struct norm_jawi;

struct ayak_norm {
	unsigned flags;
	unsigned max_blank;
	const UNormalizer2 *nf;		/* NFC or NFKC */
	const UNormalizer2 *nfd;
	const unsigned char *safe;	/* bitmap: BMP characters the NF leaves alone */
	uint64_t counts[AYAK_NORM_NRULES];
	struct ayak_buf a, b, t;	/* scratch texts */
	struct ayak_ustr u, v;		/* scratch UTF-16 */
	struct norm_lex *lex;		/* slang, words: for SLANG, ELONG, REDUP */
	int nomem;			/* norm_words() ran out of memory in the text */
	struct norm_jawi *jawi;
	struct ayak_buf info;
};

/* ---- norm_fix.c: HTML entities and mojibake ---- */

/*
 * Decode HTML entities and repair mojibake in s[0..len) (valid UTF-8),
 * appending to out.  Returns the number of repairs (counted in n->counts);
 * out->failed tells when memory ran out.
 */
size_t norm_fix(struct ayak_norm *n, const char *s, size_t len, struct ayak_buf *out);
/* The Windows-1252 character of a C1 control read as Latin-1 (U+0092 -> ’), or 0. */
uint32_t norm_cp1252(uint32_t c);
/* 1 if s[0..len) may hold something norm_fix repairs (a quick test). */
int norm_fix_candidate(const char *s, size_t len);

/* ---- norm_lex.c: lexicons, slang, elongation, reduplication ---- */

struct norm_lex *norm_lex_load(const char *dir, unsigned flags, struct ayak_buf *info,
			       struct ayak_err *err);
void norm_lex_free(struct norm_lex *lx);
/* The word list (loaded for ELONG or REDUP), for norm_jawi.c. */
size_t norm_lex_nwords(const struct norm_lex *lx);
const char *norm_lex_word(const struct norm_lex *lx, size_t i);
int norm_lex_is_word(const struct norm_lex *lx, const char *s, size_t n);
/* Bytes of w the repeated part of a reduplication leaves out, or -1. */
long norm_lex_redup_skip(const struct norm_lex *lx, const char *w, size_t n);
/*
 * Apply the word rules that flags ask for to s[0..len) (valid UTF-8,
 * already cleaned), appending to out.  Returns the number of changes;
 * out->failed or n->nomem tells when memory ran out.
 */
size_t norm_words(struct ayak_norm *n, const char *s, size_t len, struct ayak_buf *out);

/* ---- norm_jawi.c: Jawi to Rumi ---- */

struct norm_jawi *norm_jawi_load(const char *dir, struct ayak_buf *info,
				 struct ayak_err *err);
void norm_jawi_free(struct norm_jawi *j);
/* 1 if s[0..len) holds Arabic-script letters (a quick test). */
int norm_jawi_candidate(const char *s, size_t len);
/*
 * Rewrite the Jawi lines of s[0..len) in Rumi; returns the number of words
 * changed.  out->failed tells when memory ran out.
 */
size_t norm_jawi(struct ayak_norm *n, const char *s, size_t len, struct ayak_buf *out);

/* ---- shared helpers (norm.c) ---- */

/* Decode the UTF-8 character at s[i] (valid UTF-8); returns its length. */
static inline int norm_u8(const char *s, size_t i, size_t len, uint32_t *cp)
{
	const unsigned char *p = (const unsigned char *)s + i;
	unsigned char c = p[0];

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c < 0xE0 && i + 1 < len) {
		*cp = ((uint32_t)(c & 0x1F) << 6) | (p[1] & 0x3F);
		return 2;
	}
	if (c < 0xF0 && i + 2 < len) {
		*cp = ((uint32_t)(c & 0x0F) << 12) | ((uint32_t)(p[1] & 0x3F) << 6) | (p[2] & 0x3F);
		return 3;
	}
	if (i + 3 < len) {
		*cp = ((uint32_t)(c & 0x07) << 18) | ((uint32_t)(p[1] & 0x3F) << 12) |
		      ((uint32_t)(p[2] & 0x3F) << 6) | (p[3] & 0x3F);
		return 4;
	}
	*cp = 0xFFFD;
	return 1;
}

/* Append one character as UTF-8 (out must have room for 4 bytes, or it grows). */
int norm_put(struct ayak_buf *out, uint32_t cp);

#endif
