/*
 * ayak-norm's engine: Unicode repair and Malay normalization of one text.
 *
 * The default rules repair text without rewriting the language: invalid
 * UTF-8 becomes U+FFFD, mojibake and leftover HTML entities are decoded,
 * characters that carry nothing are removed, whitespace is tidied, and the
 * text is put in NFC (or NFKC) through ICU.  Flags add typographic
 * punctuation folding and the Malay rules (slang, reduplication,
 * elongation, Jawi to Rumi), which read tables from lexicons/norm/.
 *
 * Every rule is idempotent and so is the whole: normalizing the output
 * again changes nothing.  Changes are counted per rule.
 */
#ifndef AYAK_NORM_H
#define AYAK_NORM_H

#include "ayak.h"

enum ayak_norm_flag {
	AYAK_NORM_NFKC = 1u << 0,		/* NFKC instead of NFC */
	AYAK_NORM_PUNCT = 1u << 1,		/* quotes, dashes, ellipsis, full-width ASCII */
	AYAK_NORM_SLANG = 1u << 2,		/* yg -> yang, x -> tidak ... */
	AYAK_NORM_KEEP_INFORMAL = 1u << 3,	/* with SLANG: keep tak, nak, je ... */
	AYAK_NORM_REDUP = 1u << 4,		/* kanak2 -> kanak-kanak */
	AYAK_NORM_ELONG = 1u << 5,		/* sedappp -> sedap */
	AYAK_NORM_JAWI = 1u << 6,		/* Jawi (Arabic script) to Rumi */
	AYAK_NORM_CASE_FOLD = 1u << 7,
	AYAK_NORM_STRIP_ACCENTS = 1u << 8,
	AYAK_NORM_NO_MOJIBAKE = 1u << 9,	/* leave mojibake alone */
	AYAK_NORM_NO_ENTITIES = 1u << 10,	/* leave HTML entities alone */
};

/* The rules, in the order they are counted and reported. */
enum ayak_norm_rule {
	AYAK_NORM_R_INVALID_UTF8,	/* ill-formed sequences replaced with U+FFFD */
	AYAK_NORM_R_MOJIBAKE,		/* mis-decoded characters repaired */
	AYAK_NORM_R_ENTITY,		/* HTML entities decoded */
	AYAK_NORM_R_CONTROL,		/* C0/C1 controls removed */
	AYAK_NORM_R_INVISIBLE,		/* zero-width spaces, BOMs, soft hyphens... removed */
	AYAK_NORM_R_LINE_END,		/* CR, CRLF, NEL, LS, PS, VT, FF made LF */
	AYAK_NORM_R_SPACE,		/* whitespace runs collapsed or made U+0020 */
	AYAK_NORM_R_TRIM,		/* whitespace removed at line and text ends */
	AYAK_NORM_R_BLANK_LINES,	/* blank lines beyond the limit removed */
	AYAK_NORM_R_NFC,		/* texts changed by NFC (or NFKC) */
	AYAK_NORM_R_PUNCT,		/* typographic characters folded */
	AYAK_NORM_R_JAWI,		/* Jawi words written in Rumi */
	AYAK_NORM_R_ELONG,		/* elongated words squeezed */
	AYAK_NORM_R_REDUP,		/* reduplications written out */
	AYAK_NORM_R_SLANG,		/* slang words expanded */
	AYAK_NORM_R_CASE_FOLD,		/* texts changed by case folding */
	AYAK_NORM_R_STRIP_ACCENTS,	/* texts changed by stripping accents */
	AYAK_NORM_NRULES
};

/* "invalid_utf8", "mojibake", ...: the names --stats uses. */
const char *ayak_norm_rule_name(int rule);

struct ayak_norm;

/*
 * Start ICU and load the lexicons that flags need from lexdir (NULL:
 * ayak_lexicon_dir()).  max_blank is the number of blank lines kept
 * between paragraphs (1 by default).  NULL with err set on failure.
 */
struct ayak_norm *ayak_norm_new(unsigned flags, const char *lexdir, unsigned max_blank,
				struct ayak_err *err);
void ayak_norm_free(struct ayak_norm *n);

/*
 * Normalize s[0..len) (any bytes: ill-formed UTF-8 is replaced).  When
 * the result differs from the input, append it to out and set *changed
 * to 1; otherwise set *changed to 0 and leave out alone.  Returns 0, or -1
 * with err set: AYAK_E_SYS (out of memory), or AYAK_E_DATA when a run of
 * over 1 GiB has no place where it may be cut for ICU (a letter followed by
 * a billion combining marks, say): the text is too long.
 */
int ayak_norm_text(struct ayak_norm *n, const char *s, size_t len,
		   struct ayak_buf *out, int *changed, struct ayak_err *err);
/* The same for text the caller knows to be well-formed UTF-8 (decoded JSON). */
int ayak_norm_utf8(struct ayak_norm *n, const char *s, size_t len,
		   struct ayak_buf *out, int *changed, struct ayak_err *err);

/* Changes per rule since ayak_norm_new: an array of AYAK_NORM_NRULES. */
const uint64_t *ayak_norm_counts(const struct ayak_norm *n);

/* One line per lexicon loaded: "norm/slang.tsv 2026.11.0 (3012 entries)". */
const char *ayak_norm_lexicon_info(const struct ayak_norm *n);

#endif
