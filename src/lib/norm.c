/*
 * ayak-norm's engine: see norm.h.
 *
 * One text goes through these stages, each of which leaves the text alone
 * (and costs a scan) when it has nothing to do:
 *
 *   1. ill-formed UTF-8 -> U+FFFD
 *   2. HTML entities and mojibake (norm_fix.c), only when the text holds an
 *      '&' or a character in U+00C0..U+00FF
 *   3. cleanup, one pass over the bytes: C1 controls read as the
 *      Windows-1252 characters they were, other controls and invisible
 *      characters removed, line ends made LF, whitespace collapsed, lines trimmed,
 *      blank lines limited, --punct folding; it also notes whether any
 *      character might not be in NFC (or NFKC)
 *   4. ICU normalization, only for texts that stage 3 flagged; the text is
 *      cut at line breaks into chunks of about a megabyte, and a chunk that
 *      passes unorm2_spanQuickCheckYes is copied as it is
 *   5. Jawi to Rumi, case folding, accent stripping, then the word rules
 *      (elongation, reduplication, slang), each on request
 *
 * Stages 3 and 4 repeat (at most three times) when normalization changed
 * the text, so that the result is a fixed point: normalizing it again
 * changes nothing.
 */
#include <stdlib.h>
#include <string.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/ustring.h>

#include "norm_int.h"

#define CHUNK (1u << 20)	/* bytes handed to ICU at a time */

static const char *const rule_names[AYAK_NORM_NRULES] = {
	"invalid_utf8", "mojibake", "html_entities", "controls", "invisible",
	"line_endings", "spaces", "trimmed", "blank_lines", "nfc", "punct", "jawi",
	"elongation", "reduplication", "slang", "case_fold", "strip_accents",
};

const char *ayak_norm_rule_name(int rule)
{
	if (rule < 0 || rule >= AYAK_NORM_NRULES)
		return "unknown";
	return rule_names[rule];
}

/* ---- tables built once ---- */

/*
 * Bitmaps over the BMP: bit set when a character is its own normal form
 * and never combines with a neighbour (quick check Yes, combining class 0),
 * so that a text made only of such characters is already normalized.
 */
static unsigned char safe_nfc[0x10000 / 8], safe_nfkc[0x10000 / 8];
static void init_ascii_kind(void);
static int tables_ready;

static void build_tables(void)
{
	uint32_t c;

	if (tables_ready)
		return;
	init_ascii_kind();
	for (c = 0; c < 0x10000; c++) {
		int cc = u_getCombiningClass((UChar32)c);

		if (cc == 0 && u_getIntPropertyValue((UChar32)c, UCHAR_NFC_QUICK_CHECK) == UNORM_YES)
			safe_nfc[c >> 3] |= (unsigned char)(1u << (c & 7));
		if (cc == 0 && u_getIntPropertyValue((UChar32)c, UCHAR_NFKC_QUICK_CHECK) == UNORM_YES)
			safe_nfkc[c >> 3] |= (unsigned char)(1u << (c & 7));
	}
	tables_ready = 1;
}

static int is_safe(const struct ayak_norm *n, uint32_t c)
{
	if (c < 0x10000)
		return (n->safe[c >> 3] >> (c & 7)) & 1;
	return u_getCombiningClass((UChar32)c) == 0 &&
	       u_getIntPropertyValue((UChar32)c, (n->flags & AYAK_NORM_NFKC) ?
				     UCHAR_NFKC_QUICK_CHECK : UCHAR_NFC_QUICK_CHECK) == UNORM_YES;
}

int norm_put(struct ayak_buf *out, uint32_t cp)
{
	if (out->len + 4 > out->cap && ayak_buf_grow(out, 4))
		return -1;
	out->len += (size_t)ayak_utf8_encode(cp, out->data + out->len);
	return 0;
}

/* ---- set-up ---- */

struct ayak_norm *ayak_norm_new(unsigned flags, const char *lexdir, unsigned max_blank,
				struct ayak_err *err)
{
	UErrorCode st = U_ZERO_ERROR;
	struct ayak_norm *n;

	if (ayak_icu_init(err))
		return NULL;
	n = calloc(1, sizeof(*n));
	if (!n) {
		ayak_err_set(err, AYAK_E_SYS, "out of memory");
		return NULL;
	}
	n->flags = flags;
	n->max_blank = max_blank;
	n->nf = (flags & AYAK_NORM_NFKC) ? unorm2_getNFKCInstance(&st) : unorm2_getNFCInstance(&st);
	if (U_SUCCESS(st))
		n->nfd = unorm2_getNFDInstance(&st);
	if (U_FAILURE(st)) {
		ayak_err_set(err, AYAK_E_SYS, "cannot load ICU normalization data: %s",
			     u_errorName(st));
		free(n);
		return NULL;
	}
	build_tables();
	n->safe = (flags & AYAK_NORM_NFKC) ? safe_nfkc : safe_nfc;
	if (!lexdir && (flags & (AYAK_NORM_SLANG | AYAK_NORM_ELONG | AYAK_NORM_REDUP |
				 AYAK_NORM_JAWI))) {
		lexdir = ayak_lexicon_dir(err);
		if (!lexdir)
			goto fail;
	}
	if (flags & (AYAK_NORM_SLANG | AYAK_NORM_ELONG | AYAK_NORM_REDUP)) {
		n->lex = norm_lex_load(lexdir, flags, &n->info, err);
		if (!n->lex)
			goto fail;
	}
	if (flags & AYAK_NORM_JAWI) {
		n->jawi = norm_jawi_load(lexdir, &n->info, err);
		if (!n->jawi)
			goto fail;
	}
	return n;
fail:
	ayak_norm_free(n);
	return NULL;
}

void ayak_norm_free(struct ayak_norm *n)
{
	if (!n)
		return;
	norm_lex_free(n->lex);
	norm_jawi_free(n->jawi);
	ayak_buf_release(&n->a);
	ayak_buf_release(&n->b);
	ayak_buf_release(&n->t);
	ayak_buf_release(&n->info);
	ayak_ustr_release(&n->u);
	ayak_ustr_release(&n->v);
	free(n);
}

const uint64_t *ayak_norm_counts(const struct ayak_norm *n)
{
	return n->counts;
}

const char *ayak_norm_lexicon_info(const struct ayak_norm *n)
{
	return n->info.data ? n->info.data : "";
}

/* ---- stage 3: cleanup ---- */

/* What a character is to the cleanup pass. */
enum {
	K_CONTENT,	/* kept as it is */
	K_SPACE,	/* horizontal whitespace */
	K_TAB,
	K_NEWLINE,	/* LF */
	K_LINE_END,	/* other line ends: made LF */
	K_CONTROL,	/* removed */
	K_INVISIBLE,	/* removed */
	K_JOINER,	/* ZWJ, ZWNJ: kept between two characters of scripts that use them */
	K_CR,
};

static unsigned char ascii_kind[128];

static void init_ascii_kind(void)
{
	int c;

	if (ascii_kind[0])
		return;
	for (c = 0; c < 0x20; c++)
		ascii_kind[c] = K_CONTROL;
	ascii_kind[0x7F] = K_CONTROL;
	ascii_kind['\t'] = K_TAB;
	ascii_kind['\n'] = K_NEWLINE;
	ascii_kind['\r'] = K_CR;
	ascii_kind['\v'] = K_LINE_END;
	ascii_kind['\f'] = K_LINE_END;
	ascii_kind[' '] = K_SPACE;
}

static int kind_of(uint32_t c)
{
	if (c < 0x80)
		return ascii_kind[c];
	if (c < 0xA0)
		return K_CONTROL;
	switch (c) {
	case 0x00A0: case 0x1680: case 0x202F: case 0x205F: case 0x3000:
		return K_SPACE;
	case 0x00AD: case 0x180E: case 0x200B: case 0x2060: case 0xFEFF:
		return K_INVISIBLE;
	case 0x200C: case 0x200D:
		return K_JOINER;
	case 0x2028: case 0x2029:
		return K_LINE_END;
	}
	if (c >= 0x2000 && c <= 0x200A)
		return K_SPACE;
	return K_CONTENT;
}

/* --punct: the ASCII a typographic character folds to, or NULL. */
static const char *punct_fold(uint32_t c, char *buf)
{
	switch (c) {
	case 0x00B4: case 0x2018: case 0x2019: case 0x201A: case 0x201B:
		return "'";
	case 0x201C: case 0x201D: case 0x201E: case 0x201F:
		return "\"";
	case 0x2010: case 0x2011: case 0x2012: case 0x2013: case 0x2014: case 0x2015:
	case 0x2212:
		return "-";
	case 0x2026:
		return "...";
	}
	if (c >= 0xFF01 && c <= 0xFF5E) {
		buf[0] = (char)(c - 0xFF01 + 0x21);
		buf[1] = '\0';
		return buf;
	}
	return NULL;
}

struct clean {
	struct ayak_norm *n;
	char *o;		/* output cursor */
	size_t ws;		/* pending horizontal whitespace characters */
	int ws_tab, ws_odd;	/* the run holds a tab; it is not one ' ' or one tab */
	size_t nl;		/* pending line feeds */
	int line_content;	/* something written on this line */
	int text_content;	/* something written at all */
	int wide;		/* the last character written is >= U+0300 */
	size_t changes;
};

static void count(struct clean *c, int rule)
{
	c->n->counts[rule]++;
	c->changes++;
}

/* Write what is pending before a content character. */
static void flush_pending(struct clean *c)
{
	if (c->nl) {
		if (c->text_content) {
			size_t k = c->nl, max = (size_t)c->n->max_blank + 1;

			if (k > max) {
				k = max;
				count(c, AYAK_NORM_R_BLANK_LINES);
			}
			memset(c->o, '\n', k);
			c->o += k;
		} else {
			count(c, AYAK_NORM_R_TRIM);
		}
		c->nl = 0;
	}
	if (c->ws) {
		if (c->line_content) {
			*c->o++ = c->ws_tab ? '\t' : ' ';
			if (c->ws_odd)
				count(c, AYAK_NORM_R_SPACE);
		} else {
			count(c, AYAK_NORM_R_TRIM);
		}
		c->ws = 0;
		c->ws_tab = c->ws_odd = 0;
	}
}

static void newline(struct clean *c)
{
	if (c->ws) {
		count(c, AYAK_NORM_R_TRIM);
		c->ws = 0;
		c->ws_tab = c->ws_odd = 0;
	}
	c->nl++;
	c->line_content = 0;
	c->wide = 0;
}

static const char *punct_fold(uint32_t c, char *buf);

/* 1 if the character at s[i] will be written as it is and is >= U+0300 (for ZWJ/ZWNJ). */
static int next_is_wide_content(const char *s, size_t i, size_t len, int punct)
{
	uint32_t cp;
	char buf[2];

	if (i >= len)
		return 0;
	norm_u8(s, i, len, &cp);
	return cp >= 0x300 && kind_of(cp) == K_CONTENT && !(punct && punct_fold(cp, buf));
}

/*
 * Byte masks of 64 bytes at p (m <= 64 of them valid): spaces, line feeds,
 * bytes <= 0x20, and bytes >= 0x7F.
 */
static void masks64(const unsigned char *p, size_t m, uint64_t *sp, uint64_t *nl,
		    uint64_t *low, uint64_t *hi)
{
	unsigned char tail[64];
	uint64_t valid = m >= 64 ? ~(uint64_t)0 : (((uint64_t)1 << m) - 1);
	int k;

	if (m < 64) {
		memset(tail, 'a', sizeof(tail));
		memcpy(tail, p, m);
		p = tail;
	}
	*sp = *nl = *low = *hi = 0;
#ifdef __SSE2__
	for (k = 0; k < 4; k++) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + 16 * k));
		uint64_t s16, n16, l16, h16;

		s16 = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(' ')));
		n16 = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8('\n')));
		l16 = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8(0x20)), v));
		h16 = (unsigned)(_mm_movemask_epi8(v) |
				 _mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(0x7F))));
		*sp |= s16 << (16 * k);
		*nl |= n16 << (16 * k);
		*low |= l16 << (16 * k);
		*hi |= h16 << (16 * k);
	}
#else
	for (k = 0; k < 64; k++) {
		uint64_t bit = (uint64_t)1 << k;

		if (p[k] == ' ')
			*sp |= bit;
		if (p[k] == '\n')
			*nl |= bit;
		if (p[k] <= 0x20)
			*low |= bit;
		if (p[k] >= 0x7F)
			*hi |= bit;
	}
#endif
	*sp &= valid;
	*nl &= valid;
	*low &= valid;
	*hi &= valid;
}

/*
 * The end of the run of "plain" bytes from p[i] (printable ASCII): more
 * printable ASCII, and single spaces between printable ASCII bytes.
 */
static size_t span_plain(const unsigned char *p, size_t i, size_t len)
{
	uint64_t prev_pr = 1;

	while (i < len) {
		size_t m = len - i;
		uint64_t sp, nl, low, hi, pr, next_pr, stop;
		uint64_t valid = m >= 64 ? ~(uint64_t)0 : (((uint64_t)1 << m) - 1);

		masks64(p + i, m, &sp, &nl, &low, &hi);
		pr = ~(low | hi) & valid;
		next_pr = m > 64 && p[i + 64] > 0x20 && p[i + 64] < 0x7F;
		stop = ~(pr | (sp & ((pr << 1) | prev_pr) & ((pr >> 1) | (next_pr << 63)))) & valid;
		if (stop)
			return i + (size_t)__builtin_ctzll(stop);
		if (m <= 64)
			return len;
		prev_pr = pr >> 63;
		i += 64;
	}
	return len;
}

/*
 * Stage 3 over s[0..len) (valid UTF-8) into out.  Sets *icu when a
 * character may need ICU.  Returns the number of changes.
 */
static size_t cleanup(struct ayak_norm *n, const char *s, size_t len, struct ayak_buf *out,
		      int *icu)
{
	struct clean c = { n };
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	int punct = (n->flags & AYAK_NORM_PUNCT) != 0;
	char pbuf[2];

	*icu = 0;
	/*
	 * The output is never longer than the input, but for C1 controls (two
	 * bytes) that become Windows-1252 characters (up to three).
	 */
	if (ayak_buf_grow(out, len + len / 2 + 4))
		return (size_t)-1;
	c.o = out->data + out->len;
	while (i < len) {
		uint32_t cp;
		int k, kind;

		/* Printable ASCII: copy the run. */
		if (p[i] > 0x20 && p[i] < 0x7F) {
			size_t j = i + 1;

			if (c.nl || c.ws)
				flush_pending(&c);
			/* Words with single spaces between them, at once. */
			j = span_plain(p, i, len);
			memcpy(c.o, s + i, j - i);
			c.o += j - i;
			c.line_content = c.text_content = 1;
			c.wide = 0;
			i = j;
			continue;
		}
		if (p[i] < 0x80) {
			cp = p[i];
			k = 1;
			kind = ascii_kind[cp];
		} else {
			k = norm_u8(s, i, len, &cp);
			kind = kind_of(cp);
		}
		switch (kind) {
		case K_SPACE:
		case K_TAB:
			/* one space or one tab is written as it is: no change */
			if ((cp != ' ' && cp != '\t') || c.ws)
				c.ws_odd = 1;
			if (kind == K_TAB)
				c.ws_tab = 1;
			c.ws++;
			break;
		case K_NEWLINE:
			newline(&c);
			break;
		case K_CR:
			if (i + 1 < len && p[i + 1] == '\n')
				k = 2;
			count(&c, AYAK_NORM_R_LINE_END);
			newline(&c);
			break;
		case K_LINE_END:
			count(&c, AYAK_NORM_R_LINE_END);
			newline(&c);
			break;
		case K_CONTROL:
			/* A C1 control is a Windows-1252 character read as Latin-1. */
			if (cp >= 0x80 && !(n->flags & AYAK_NORM_NO_MOJIBAKE) && norm_cp1252(cp)) {
				const char *f;

				cp = norm_cp1252(cp);
				count(&c, AYAK_NORM_R_MOJIBAKE);
				if (c.nl || c.ws)
					flush_pending(&c);
				f = punct ? punct_fold(cp, pbuf) : NULL;
				if (f) {
					memcpy(c.o, f, strlen(f));
					c.o += strlen(f);
					count(&c, AYAK_NORM_R_PUNCT);
					c.wide = 0;
				} else {
					c.o += ayak_utf8_encode(cp, c.o);
					if (!*icu && !is_safe(n, cp))
						*icu = 1;
					c.wide = cp >= 0x300;
				}
				c.line_content = c.text_content = 1;
				break;
			}
			count(&c, AYAK_NORM_R_CONTROL);
			break;
		case K_INVISIBLE:
			count(&c, AYAK_NORM_R_INVISIBLE);
			break;
		case K_JOINER:
			if (c.wide && !c.ws && !c.nl && next_is_wide_content(s, i + (size_t)k, len, punct)) {
				memcpy(c.o, s + i, (size_t)k);
				c.o += k;
				c.wide = 0;	/* never two joiners in a row */
			} else {
				count(&c, AYAK_NORM_R_INVISIBLE);
			}
			break;
		default: {
			const char *f = punct ? punct_fold(cp, pbuf) : NULL;

			if (c.nl || c.ws)
				flush_pending(&c);
			if (f) {
				size_t fl = strlen(f);

				memcpy(c.o, f, fl);
				c.o += fl;
				count(&c, AYAK_NORM_R_PUNCT);
				c.wide = 0;
			} else {
				memcpy(c.o, s + i, (size_t)k);
				c.o += k;
				c.wide = cp >= 0x300;
				if (cp >= 0x80 && !*icu && !is_safe(n, cp))
					*icu = 1;
			}
			c.line_content = c.text_content = 1;
		}
		}
		i += (size_t)k;
	}
	if (c.ws || c.nl)
		count(&c, AYAK_NORM_R_TRIM);
	out->len = (size_t)(c.o - out->data);
	return c.changes;
}

/* ---- stage 4 and the ICU transforms ---- */

enum xform { X_NF, X_FOLD, X_STRIP };

/* Where to end a chunk that starts at s[0]: after a line feed, or before a normalization boundary. */
static size_t chunk_end(const struct ayak_norm *n, const char *s, size_t len)
{
	size_t i;

	if (len <= CHUNK)
		return len;
	for (i = CHUNK; i > CHUNK / 2; i--)
		if (s[i - 1] == '\n')
			return i;
	/* A long line: cut before a character that starts a new segment. */
	for (i = CHUNK; i < len; i++) {
		uint32_t cp;

		if (((unsigned char)s[i] & 0xC0) == 0x80)
			continue;
		norm_u8(s, i, len, &cp);
		if (unorm2_hasBoundaryBefore(n->nf, (UChar32)cp) &&
		    unorm2_hasBoundaryBefore(n->nfd, (UChar32)cp))
			return i;
	}
	return len;
}

/* Letters without a decomposition that --strip-accents maps all the same. */
static UChar strip_map(UChar32 c)
{
	switch (c) {
	case 0x00D8: return 'O';
	case 0x00F8: return 'o';
	case 0x0110: return 'D';
	case 0x0111: return 'd';
	case 0x0126: return 'H';
	case 0x0127: return 'h';
	case 0x0141: return 'L';
	case 0x0142: return 'l';
	}
	return 0;
}

/*
 * --strip-accents on NFD text u[0..len): drop the nonspacing marks that
 * follow a Latin, Greek or Cyrillic letter, in place.  Returns the new length.
 */
static int32_t strip_marks(UChar *u, int32_t len)
{
	UScriptCode base = USCRIPT_COMMON;
	int32_t i = 0, o = 0;

	while (i < len) {
		int32_t start = i;
		UChar32 c;
		UChar m;

		U16_NEXT(u, i, len, c);
		if (u_charType(c) == U_NON_SPACING_MARK) {
			if (base == USCRIPT_LATIN || base == USCRIPT_GREEK || base == USCRIPT_CYRILLIC)
				continue;
		} else {
			UErrorCode st = U_ZERO_ERROR;

			base = uscript_getScript(c, &st);
		}
		m = strip_map(c);
		if (m) {
			u[o++] = m;
			continue;
		}
		while (start < i)
			u[o++] = u[start++];
	}
	return o;
}

static int nf_into(const UNormalizer2 *nf, const struct ayak_ustr *src, struct ayak_ustr *dst,
		   struct ayak_err *err)
{
	UErrorCode st = U_ZERO_ERROR;
	int32_t need;

	need = unorm2_normalize(nf, src->data, src->len, dst->data, dst->cap, &st);
	if (st == U_BUFFER_OVERFLOW_ERROR) {
		if (ayak_ustr_reserve(dst, need + 1))
			return ayak_err_set(err, AYAK_E_SYS, "out of memory");
		st = U_ZERO_ERROR;
		need = unorm2_normalize(nf, src->data, src->len, dst->data, dst->cap, &st);
	}
	if (U_FAILURE(st))
		return ayak_err_set(err, AYAK_E_SYS, "ICU normalization: %s", u_errorName(st));
	dst->len = need;
	return 0;
}

/*
 * Apply an ICU transform to s[0..len) chunk by chunk.  Sets *changed when
 * the result differs, and only then appends it to out: a long text that
 * the transform leaves alone is not copied.
 */
static int icu_xform(struct ayak_norm *n, enum xform x, const char *s, size_t len,
		     struct ayak_buf *out, int *changed, struct ayak_err *err)
{
	size_t off = 0, base = out->len;

	*changed = 0;
	while (off < len) {
		size_t end = off + chunk_end(n, s + off, len - off);
		struct ayak_ustr *res = &n->v;
		UErrorCode st = U_ZERO_ERROR;

		if (ayak_utf8_to_utf16(s + off, end - off, &n->u, NULL, err))
			return -1;
		switch (x) {
		case X_NF:
			if (unorm2_spanQuickCheckYes(n->nf, n->u.data, n->u.len, &st) == n->u.len &&
			    U_SUCCESS(st)) {
				res = NULL;
				break;
			}
			if (nf_into(n->nf, &n->u, &n->v, err))
				return -1;
			break;
		case X_FOLD: {
			int32_t need = u_strFoldCase(n->v.data, n->v.cap, n->u.data, n->u.len,
						     U_FOLD_CASE_DEFAULT, &st);

			if (st == U_BUFFER_OVERFLOW_ERROR) {
				if (ayak_ustr_reserve(&n->v, need + 1))
					return ayak_err_set(err, AYAK_E_SYS, "out of memory");
				st = U_ZERO_ERROR;
				need = u_strFoldCase(n->v.data, n->v.cap, n->u.data, n->u.len,
						     U_FOLD_CASE_DEFAULT, &st);
			}
			if (U_FAILURE(st))
				return ayak_err_set(err, AYAK_E_SYS, "ICU case folding: %s",
						    u_errorName(st));
			n->v.len = need;
			/* Folding can undo composition: normalize again. */
			if (nf_into(n->nf, &n->v, &n->u, err))
				return -1;
			res = &n->u;
			break;
		}
		case X_STRIP:
			if (nf_into(n->nfd, &n->u, &n->v, err))
				return -1;
			n->v.len = strip_marks(n->v.data, n->v.len);
			if (nf_into(n->nf, &n->v, &n->u, err))
				return -1;
			res = &n->u;
			break;
		}
		if (!res) {
			if (*changed && ayak_buf_add(out, s + off, end - off))
				return ayak_err_set(err, AYAK_E_SYS, "out of memory");
		} else {
			size_t at = out->len, k;

			if (ayak_utf16_to_utf8(res->data, res->len, out, err))
				return -1;
			k = out->len - at;
			if (*changed) {
				/* after the first change every chunk goes out */
			} else if (k == end - off && !memcmp(out->data + at, s + off, k)) {
				out->len = at;	/* the same: dropped */
			} else {
				/* The first change: the text before it goes first. */
				if (off) {
					if (ayak_buf_grow(out, off))
						return ayak_err_set(err, AYAK_E_SYS, "out of memory");
					memmove(out->data + base + off, out->data + base, k);
					memcpy(out->data + base, s, off);
					out->len = base + off + k;
				}
				*changed = 1;
			}
		}
		off = end;
	}
	return 0;
}

/* ---- the whole ---- */

static int all_ascii(const char *s, size_t len)
{
	size_t i = 0;
	uint64_t acc = 0;

	for (; i + 8 <= len; i += 8) {
		uint64_t w;

		memcpy(&w, s + i, 8);
		acc |= w;
	}
	for (; i < len; i++)
		acc |= (unsigned char)s[i];
	return (acc & 0x8080808080808080ull) == 0;
}

/*
 * Whether cleanup() would leave s[0..len) alone, tested 64 bytes at a
 * time: 0 if not, 1 if so and no character needs ICU (the common case), 2
 * if so but some character may need ICU.
 */
static int looks_clean(const struct ayak_norm *n, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	uint64_t c_sp = 0, c_nl = 0, c_nl2 = 0;
	int punct = (n->flags & AYAK_NORM_PUNCT) != 0, ret = 1;
	size_t i;

	if (len == 0)
		return 1;
	if (p[0] <= 0x20 || p[len - 1] <= 0x20)
		return 0;
	for (i = 0; i < len; i += 64) {
		uint64_t sp, nl, low, hi, prev_sp, prev_nl, prev2_nl;

		masks64(p + i, len - i, &sp, &nl, &low, &hi);
		if (low & ~(sp | nl))
			return 0;	/* a control character or a tab */
		prev_sp = (sp << 1) | c_sp;
		prev_nl = (nl << 1) | c_nl;
		prev2_nl = (nl << 2) | c_nl2;
		if (((sp | nl) & prev_sp) || (sp & prev_nl))
			return 0;	/* "  ", " \n", "\n " */
		if (nl & prev_nl) {
			if (n->max_blank == 0 || (n->max_blank == 1 && (nl & prev_nl & prev2_nl)) ||
			    n->max_blank > 1)
				return 0;
		}
		while (hi) {
			size_t at = i + (size_t)__builtin_ctzll(hi);
			uint32_t cp;
			char buf[2];

			hi &= hi - 1;
			if ((p[at] & 0xC0) == 0x80)
				continue;	/* a continuation byte */
			if (p[at] == 0x7F)
				return 0;
			norm_u8(s, at, len, &cp);
			if (kind_of(cp) != K_CONTENT || (punct && punct_fold(cp, buf)))
				return 0;
			if (ret == 1 && !is_safe(n, cp))
				ret = 2;
		}
		c_sp = sp >> 63;
		c_nl = nl >> 63;
		c_nl2 = nl >> 62;
	}
	return ret;
}

/*
 * The text being worked on: the input, or one of the two scratch buffers.
 * A stage reads it and writes into the other buffer.
 */
struct work {
	struct ayak_norm *n;
	const char *p;
	size_t len;
	int in;			/* 0: input, 1: n->a, 2: n->b */
};

static struct ayak_buf *work_spare(struct work *w)
{
	struct ayak_buf *b = w->in == 1 ? &w->n->b : &w->n->a;

	ayak_buf_reset(b);
	return b;
}

static void work_take(struct work *w, struct ayak_buf *b)
{
	w->p = b->data ? b->data : "";
	w->len = b->len;
	w->in = b == &w->n->a ? 1 : 2;
}

/* Stages 3 and 4 until nothing changes.  Returns -1, or 1 if the text changed. */
static int clean_and_normalize(struct work *w, struct ayak_err *err)
{
	struct ayak_norm *n = w->n;
	int round, changed = 0, state = looks_clean(n, w->p, w->len);

	if (state == 1)
		return 0;
	for (round = 0; round < 3; round++) {
		struct ayak_buf *b = work_spare(w);
		int icu = 1, nfc_changed = 0;
		size_t ch = 0;

		if (round > 0 || state == 0)
			ch = cleanup(n, w->p, w->len, b, &icu);
		if (ch == (size_t)-1)
			return ayak_err_set(err, AYAK_E_SYS, "out of memory");
		if (ch) {
			work_take(w, b);
			changed = 1;
		} else if (round > 0) {
			break;
		}
		if (!icu)
			break;
		b = work_spare(w);
		if (icu_xform(n, X_NF, w->p, w->len, b, &nfc_changed, err))
			return -1;
		if (!nfc_changed)
			break;
		n->counts[AYAK_NORM_R_NFC]++;
		work_take(w, b);
		changed = 1;
	}
	return changed;
}

/*
 * Stage 2, then 3 and 4, until nothing changes: removing a control or an
 * invisible character can make an entity or mojibake whole again, and that
 * again (fuzz-norm found entities and controls nested five deep, and
 * mojibake encoded over and over).  Only a round that repaired
 * something leads to another; the cap stops only text crafted to nest more
 * than REPAIR_ROUNDS deep, which then needs another run to settle.
 * Returns -1, or 1 if the text changed.
 */
#define REPAIR_ROUNDS 64

static int repair(struct work *w, struct ayak_err *err)
{
	struct ayak_norm *n = w->n;
	int round, ch = 0, r;

	for (round = 0; round < REPAIR_ROUNDS; round++) {
		int fixed = 0;

		if ((n->flags & (AYAK_NORM_NO_MOJIBAKE | AYAK_NORM_NO_ENTITIES)) !=
		    (AYAK_NORM_NO_MOJIBAKE | AYAK_NORM_NO_ENTITIES)) {
			int k;

			for (k = 0; k < REPAIR_ROUNDS && norm_fix_candidate(w->p, w->len); k++) {
				struct ayak_buf *b = work_spare(w);

				if (!norm_fix(n, w->p, w->len, b)) {
					if (b->failed)
						return ayak_err_set(err, AYAK_E_SYS, "out of memory");
					break;
				}
				work_take(w, b);
				fixed = ch = 1;
			}
		}
		if (round > 0 && !fixed)
			break;
		r = clean_and_normalize(w, err);
		if (r < 0)
			return -1;
		ch |= r;
		if (!r)
			break;
	}
	return ch;
}

static int norm_text(struct ayak_norm *n, const char *s, size_t len, int trusted,
		     struct ayak_buf *out, int *changed, struct ayak_err *err)
{
	struct work w = { n, s, len, 0 };
	int ch = 0, late, r, round;

	*changed = 0;
	n->nomem = 0;
	/* 1. UTF-8 */
	if (!trusted && !all_ascii(s, len) && ayak_utf8_valid_prefix(s, len) != len) {
		struct ayak_buf *b = work_spare(&w);
		size_t nrepl = 0;

		if (ayak_utf8_repair(s, len, b, &nrepl))
			return ayak_err_set(err, AYAK_E_SYS, "out of memory");
		n->counts[AYAK_NORM_R_INVALID_UTF8] += nrepl;
		work_take(&w, b);
		ch = 1;
	}
	/* 2, 3 and 4 */
	r = repair(&w, err);
	if (r < 0)
		return -1;
	ch |= r;
	/*
	 * 5. on request, then 2 to 4 again; once more if that changed
	 * something (an entity made whole by Jawi, say, may need folding).
	 */
	for (round = 0; round < 3; round++) {
		late = 0;
		if (n->jawi && norm_jawi_candidate(w.p, w.len)) {
			struct ayak_buf *b = work_spare(&w);

			if (norm_jawi(n, w.p, w.len, b)) {
				work_take(&w, b);
				late = 1;
			}
			if (b->failed)	/* with a line or more left in Jawi */
				return ayak_err_set(err, AYAK_E_SYS, "out of memory");
		}
		if (n->flags & AYAK_NORM_CASE_FOLD) {
			struct ayak_buf *b = work_spare(&w);
			int c2 = 0;

			if (all_ascii(w.p, w.len)) {
				size_t i;

				if (ayak_buf_grow(b, w.len + 1))
					return ayak_err_set(err, AYAK_E_SYS, "out of memory");
				for (i = 0; i < w.len; i++) {
					char c = w.p[i];

					if (c >= 'A' && c <= 'Z') {
						c = (char)(c + 32);
						c2 = 1;
					}
					b->data[i] = c;
				}
				b->len = w.len;
			} else if (icu_xform(n, X_FOLD, w.p, w.len, b, &c2, err)) {
				return -1;
			}
			if (c2) {
				n->counts[AYAK_NORM_R_CASE_FOLD]++;
				work_take(&w, b);
				late = 1;
			}
		}
		if ((n->flags & AYAK_NORM_STRIP_ACCENTS) && !all_ascii(w.p, w.len)) {
			struct ayak_buf *b = work_spare(&w);
			int c2 = 0;

			if (icu_xform(n, X_STRIP, w.p, w.len, b, &c2, err))
				return -1;
			if (c2) {
				n->counts[AYAK_NORM_R_STRIP_ACCENTS]++;
				work_take(&w, b);
				late = 1;
			}
		}
		if (n->lex) {
			struct ayak_buf *b = work_spare(&w);

			if (norm_words(n, w.p, w.len, b)) {
				work_take(&w, b);
				late = 1;
			}
			if (b->failed || n->nomem)	/* with words left as they were */
				return ayak_err_set(err, AYAK_E_SYS, "out of memory");
		}
		if (!late)
			break;
		ch = 1;
		r = repair(&w, err);
		if (r < 0)
			return -1;
		if (!r)
			break;
	}
	if (!ch || (w.len == len && !memcmp(w.p, s, len)))
		return 0;
	if (!out->len && w.in) {
		/* Hand the scratch buffer over: a long text is not copied again. */
		struct ayak_buf *b = w.in == 1 ? &n->a : &n->b, t = *out;

		*out = *b;
		*b = t;
	} else if (ayak_buf_add(out, w.p, w.len)) {
		return ayak_err_set(err, AYAK_E_SYS, "out of memory");
	}
	*changed = 1;
	return 0;
}

int ayak_norm_text(struct ayak_norm *n, const char *s, size_t len,
		   struct ayak_buf *out, int *changed, struct ayak_err *err)
{
	return norm_text(n, s, len, 0, out, changed, err);
}

int ayak_norm_utf8(struct ayak_norm *n, const char *s, size_t len,
		   struct ayak_buf *out, int *changed, struct ayak_err *err)
{
	return norm_text(n, s, len, 1, out, changed, err);
}
