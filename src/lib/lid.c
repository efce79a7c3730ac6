/* Language identification: the model file and classifying; see lid.h. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>		/* INFINITY, isfinite and fabs only: no libm */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <unicode/uchar.h>
#include <unicode/uscript.h>
#define XXH_STATIC_LINKING_ONLY	/* XXH64_state_t on the stack */
#include <xxhash.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "lid-impl.h"

/* ---- hashing ---- */

#define WORD_MAX_DICT 30
#define FNV_OFFSET 0xcbf29ce484222325ULL
#define FNV_PRIME 0x100000001b3ULL
#define GOLDEN 0x9e3779b97f4a7c15ULL
#define SEED_WORD 0x5744ULL
#define SEED_BIGRAM 0x4247ULL
#define SEED_MARK 0x4d4bULL
#define SEED_PAIR 0x5041ULL
#define SEED_NB 0x4e42ULL
#define LID_NB_MIN_WORDS 5		/* texts with fewer Latin words get no word odds */

static inline uint64_t fmix64(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

static inline uint64_t fnv_step(uint64_t h, uint32_t c)
{
	return (h ^ c) * FNV_PRIME;
}

uint64_t lid_word_hash(const uint32_t *cps, size_t n)
{
	uint64_t h = FNV_OFFSET;
	size_t i;

	for (i = 0; i < n; i++)
		h = fnv_step(h, cps[i]);
	return fmix64(h ^ n);
}

uint64_t lid_pair_hash(uint64_t first, uint64_t second)
{
	uint64_t h = fmix64(first * 31 + second + SEED_PAIR);

	return h ? h : 1;
}

static uint64_t suffix_hash(const uint32_t *cps, size_t n)
{
	uint64_t h = fnv_step(FNV_OFFSET, '-');
	size_t i;

	for (i = 0; i < n; i++)
		h = fnv_step(h, cps[i]);
	return fmix64(h ^ (n + 1));
}

static inline uint32_t bucket(uint64_t h, unsigned shift)
{
	return (uint32_t)((h * GOLDEN) >> shift);
}

/* ---- scripts ---- */

int lid_label_script(const char *label)
{
	const char *us = strchr(label, '_');
	int32_t v;

	if (!us || strlen(us + 1) != 4)
		return -1;
	v = u_getPropertyValueEnum(UCHAR_SCRIPT, us + 1);
	return v == UCHAR_INVALID_CODE ? -1 : (int)v;
}

int lid_label_valid(const char *name)
{
	int i;

	if (!strcmp(name, "und"))
		return 1;
	for (i = 0; i < 3; i++)
		if (name[i] < 'a' || name[i] > 'z')
			return 0;
	if (name[3] != '_' || name[4] < 'A' || name[4] > 'Z')
		return 0;
	for (i = 5; i < 8; i++)
		if (name[i] < 'a' || name[i] > 'z')
			return 0;
	return name[8] == '\0' && lid_label_script(name) >= 0;
}

/* ---- text preparation ---- */

/*
 * What prep_window() asks ICU of a code point that is not ASCII, kept for
 * the BMP a page of 256 code points at a time (filled when a text first has
 * one of them): Cyrillic or Arabic text spent a sixth of its instructions
 * in ICU, four calls a letter.
 */
#define CP_PAGES 256

static void cp_ask_icu(uint32_t cp, struct lid_cpinfo *ci)
{
	UErrorCode st = U_ZERO_ERROR;
	int script;

	switch (u_charType((UChar32)cp)) {
	case U_UPPERCASE_LETTER:
	case U_LOWERCASE_LETTER:
	case U_TITLECASE_LETTER:
	case U_MODIFIER_LETTER:
	case U_OTHER_LETTER:
		ci->kind = LID_CP_LETTER;
		break;
	case U_NON_SPACING_MARK:
	case U_ENCLOSING_MARK:
	case U_COMBINING_SPACING_MARK:
		ci->kind = LID_CP_MARK;
		break;
	default:
		ci->kind = LID_CP_OTHER;
	}
	script = uscript_getScript((UChar32)cp, &st);
	ci->script = (int16_t)(U_FAILURE(st) || script < 0 || script > INT16_MAX ? -1 : script);
	ci->lower = (uint32_t)u_tolower((UChar32)cp);
	ci->upper = u_isupper((UChar32)cp) || u_istitle((UChar32)cp);
}

/* cp_info() when cp's page is not there yet: filled, or (past the BMP, out of memory) *tmp */
static const struct lid_cpinfo *cp_info_fill(struct lid_text *t, uint32_t cp,
					     struct lid_cpinfo *tmp)
{
	struct lid_cpinfo *page;
	uint32_t i;

	if (cp >= CP_PAGES * 256 ||
	    (!t->cp_pages && !(t->cp_pages = calloc(CP_PAGES, sizeof(*t->cp_pages)))) ||
	    !(page = malloc(256 * sizeof(*page)))) {
		cp_ask_icu(cp, tmp);
		return tmp;
	}
	for (i = 0; i < 256; i++)
		cp_ask_icu((cp & ~0xffu) | i, &page[i]);
	t->cp_pages[cp >> 8] = page;
	return &page[cp & 0xff];
}

/* ICU's answers for cp: from t's pages, or into *tmp (past the BMP, or out of memory). */
static inline const struct lid_cpinfo *cp_info(struct lid_text *t, uint32_t cp,
					       struct lid_cpinfo *tmp)
{
	const struct lid_cpinfo *page;

	if (cp < CP_PAGES * 256 && t->cp_pages && (page = t->cp_pages[cp >> 8]))
		return &page[cp & 0xff];
	return cp_info_fill(t, cp, tmp);
}

/* For the tests (the reading of text calls cp_info() inline). */
const struct lid_cpinfo *lid_cp_info(struct lid_text *t, uint32_t cp, struct lid_cpinfo *tmp)
{
	return cp_info(t, cp, tmp);
}

void lid_text_init(struct lid_text *t)
{
	memset(t, 0, sizeof(*t));
}

void lid_text_release(struct lid_text *t)
{
	size_t i;

	for (i = 0; t->cp_pages && i < CP_PAGES; i++)
		free(t->cp_pages[i]);
	free(t->cp_pages);
	free(t->cps);
	free(t->words);
	free(t->script_letters);
	free(t->script_seen);
	lid_text_init(t);
}

static int text_reserve(struct lid_text *t, size_t more)
{
	if (t->ncps + more > t->cps_alloc) {
		uint32_t *p = ayak_grow(t->cps, &t->cps_alloc, t->ncps + more, sizeof(*p), 256);

		if (!p)
			return -1;
		t->cps = p;
	}
	return 0;
}

/* n more letters of script; the bit says which counts lid_text_prepare() must clear */
static inline void add_letters(struct lid_text *t, int script, size_t n)
{
	t->script_seen[script >> 6] |= 1ULL << (script & 63);
	t->script_letters[script] += n;
	t->letters += n;
}

static int word_push(struct lid_text *t, uint32_t start, uint32_t len, int script, int upper)
{
	if (t->nwords == t->words_alloc) {
		struct lid_word *p = ayak_grow(t->words, &t->words_alloc, t->nwords + 1, sizeof(*p), 64);

		if (!p)
			return -1;
		t->words = p;
	}
	t->words[t->nwords].hash = lid_word_hash(t->cps + start, len);
	t->words[t->nwords].start = start;
	t->words[t->nwords].len = len;
	t->words[t->nwords].script = (int16_t)script;
	t->words[t->nwords].upper = (uint8_t)upper;
	t->nwords++;
	return 0;
}

/* Byte classes for prep_window(): spaces, ASCII letters, and the bytes skip_token() looks for. */
enum { C_SPACE = 1, C_LINK = 2, C_ALPHA = 4 };
#define UPPER_LOWER(c) [c] = C_ALPHA, [c + 32] = C_ALPHA
static const unsigned char byte_class[256] = {
	['\t'] = C_SPACE, ['\n'] = C_SPACE, ['\v'] = C_SPACE, ['\f'] = C_SPACE,
	['\r'] = C_SPACE, [' '] = C_SPACE, ['@'] = C_LINK, [':'] = C_LINK,
	UPPER_LOWER('A'), UPPER_LOWER('B'), UPPER_LOWER('C'), UPPER_LOWER('D'), UPPER_LOWER('E'),
	UPPER_LOWER('F'), UPPER_LOWER('G'), UPPER_LOWER('H'), UPPER_LOWER('I'), UPPER_LOWER('J'),
	UPPER_LOWER('K'), UPPER_LOWER('L'), UPPER_LOWER('M'), UPPER_LOWER('N'), UPPER_LOWER('O'),
	UPPER_LOWER('P'), UPPER_LOWER('Q'), UPPER_LOWER('R'), UPPER_LOWER('S'), UPPER_LOWER('T'),
	UPPER_LOWER('U'), UPPER_LOWER('V'), UPPER_LOWER('W'), UPPER_LOWER('X'), UPPER_LOWER('Y'),
	UPPER_LOWER('Z'),
};
#undef UPPER_LOWER

static inline int is_space(unsigned char c)
{
	return byte_class[c] & C_SPACE;
}

#ifdef __SSE2__
/* The bytes of x that are spaces (is_space()), as a mask of 16 bits. */
static inline unsigned space_mask(__m128i x)
{
	__m128i ctl = _mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8('\t' - 1)),
				    _mm_cmplt_epi8(x, _mm_set1_epi8('\r' + 1)));

	return (unsigned)_mm_movemask_epi8(_mm_or_si128(ctl, _mm_cmpeq_epi8(x, _mm_set1_epi8(' '))));
}

/* The bytes of x that are ASCII letters (C_ALPHA), as a mask of 16 bits. */
static inline unsigned alpha_mask(__m128i x)
{
	__m128i low = _mm_or_si128(x, _mm_set1_epi8(0x20));	/* bytes >= 0x80 stay negative */

	return (unsigned)_mm_movemask_epi8(_mm_and_si128(_mm_cmpgt_epi8(low, _mm_set1_epi8('a' - 1)),
							 _mm_cmplt_epi8(low, _mm_set1_epi8('z' + 1))));
}

/* The bytes of x that skip_token() looks for, '@' and ':' (C_LINK), as a mask of 16 bits. */
static inline unsigned link_mask(__m128i x)
{
	return (unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('@')),
							_mm_cmpeq_epi8(x, _mm_set1_epi8(':'))));
}

/* The sixteen bytes of x with bit 0x20 set (ASCII letters lower-cased) as code points into cps[0..16). */
static inline void store_lower16(uint32_t *cps, __m128i x)
{
	__m128i z = _mm_setzero_si128();
	__m128i lo = _mm_unpacklo_epi8(_mm_or_si128(x, _mm_set1_epi8(0x20)), z);
	__m128i hi = _mm_unpackhi_epi8(_mm_or_si128(x, _mm_set1_epi8(0x20)), z);

	_mm_storeu_si128((__m128i *)cps, _mm_unpacklo_epi16(lo, z));
	_mm_storeu_si128((__m128i *)(cps + 4), _mm_unpackhi_epi16(lo, z));
	_mm_storeu_si128((__m128i *)(cps + 8), _mm_unpacklo_epi16(hi, z));
	_mm_storeu_si128((__m128i *)(cps + 12), _mm_unpackhi_epi16(hi, z));
}
#endif

/*
 * The end of the token at p (its first space, or end), and in *link
 * whether it has '@' or ':' (C_LINK), sixteen bytes at a time: every token
 * is scanned so.  The flag only says whether skip_token() need read the
 * token; it must never miss one that has them.
 */
static const unsigned char *token_end(const unsigned char *p, const unsigned char *end,
				      unsigned *link)
{
	unsigned seen = 0;

#ifdef __SSE2__
	for (; end - p >= 16; p += 16) {
		__m128i x = _mm_loadu_si128((const __m128i *)p);
		unsigned sp = space_mask(x), ln = link_mask(x);

		if (sp) {
			*link = (seen | (ln & ((sp & -sp) - 1))) != 0;
			return p + __builtin_ctz(sp);
		}
		seen |= ln;
	}
#endif
	for (; p < end && !is_space(*p); p++)
		seen |= byte_class[*p] & C_LINK;
	*link = seen != 0;
	return p;
}

/*
 * A run of ASCII letters from q, lower-cased into *cpp sixteen at a time
 * while a whole block fits below lim; returns where it stopped (at a byte
 * that is not a letter, or where the caller's loop goes on letter by letter).
 */
static const unsigned char *ascii_run(const unsigned char *q, const unsigned char *end,
				      uint32_t **cpp, const uint32_t *lim)
{
#ifdef __SSE2__
	uint32_t *cps = *cpp;

	while (end - q >= 16 && lim - cps >= 16) {
		__m128i x = _mm_loadu_si128((const __m128i *)q);
		unsigned run = (unsigned)__builtin_ctz(~alpha_mask(x));	/* 16 when all are */

		/* all sixteen written: cps + 16 <= lim, inside the room reserved past ncps */
		store_lower16(cps, x);
		cps += run;
		q += run;
		if (run < 16)
			break;
	}
	*cpp = cps;
#else
	(void)end;
	(void)cpp;
	(void)lim;
#endif
	return q;
}

#ifdef __SSE2__
/*
 * The commonest token, read at once: ASCII only, shorter than sixteen
 * bytes (or none: a space alone) and followed by a space in the same
 * sixteen, without '@' or ':' and not starting "www." (so not one that
 * skip_token() drops).  Its runs of letters are its words, as
 * prep_window() reads them byte by byte; their letters are added to
 * *nletters, for the caller to count.  Returns the bytes read, the space
 * included, or 0 when the token is not such (nothing done), or SIZE_MAX
 * on ENOMEM.  p has 16 bytes to read; the caller has reserved
 * WORD_MAX + 2 letters and left room for 8 words before any stop.
 */
static size_t ascii_token(struct lid_text *t, const unsigned char *p, size_t *nletters)
{
	__m128i x = _mm_loadu_si128((const __m128i *)p);
	unsigned sp = space_mask(x), n, letters = 0, runs;
	unsigned odd = link_mask(x) | (unsigned)_mm_movemask_epi8(x);	/* and bytes >= 0x80 */

	if (!sp)
		return 0;
	n = (unsigned)__builtin_ctz(sp);	/* the token's length: 0 (at a space) to 15 */
	if ((odd & ((1u << n) - 1)) || (n >= 4 && !memcmp(p, "www.", 4)))
		return 0;
	if (t->nwords + 8 > t->words_alloc) {
		struct lid_word *w = ayak_grow(t->words, &t->words_alloc, t->nwords + 8, sizeof(*w), 64);

		if (!w)
			return SIZE_MAX;
		t->words = w;
	}
	runs = alpha_mask(x) & ((1u << n) - 1);
	if (runs & 1)	/* starting with a letter: the whole token lower-cased into place */
		store_lower16(t->cps + t->ncps, x);
	while (runs) {
		unsigned a = (unsigned)__builtin_ctz(runs), len = (unsigned)__builtin_ctz(~(runs >> a));
		uint32_t *cps = t->cps + t->ncps;
		struct lid_word *wd = &t->words[t->nwords++];
		unsigned i;

		if (a)
			for (i = 0; i < len; i++)
				cps[i] = p[a + i] | 0x20;
		wd->hash = lid_word_hash(cps, len);
		wd->start = (uint32_t)t->ncps;
		wd->len = len;
		wd->script = USCRIPT_LATIN;
		wd->upper = p[a] < 'a';
		t->ncps += len;
		letters += len;
		runs &= ~(((1u << len) - 1) << a);
	}
	*nletters += letters;
	return n + 1;
}
#endif

/* Does the token at p[0..n) look like a URL, an e-mail address or a @handle? */
static int skip_token(const unsigned char *p, size_t n)
{
	size_t i;

	if (n >= 4 && (p[0] == 'w' || p[0] == 'W') && !memcmp(p, "www.", 4))
		return 1;
	for (i = 0; i < n; i++) {
		if (p[i] == '@')
			return 1;
		if (p[i] == ':' && i + 2 < n && p[i + 1] == '/' && p[i + 2] == '/')
			return 1;
	}
	return 0;
}

/*
 * A word longer than WORD_MAX letters gives no features: only WORD_MAX + 1
 * of its letters are kept (its length says it is too long), so that a text
 * without spaces needs no more memory than one with them.
 */
#define WORD_MAX LID_WORD_MAX

struct prep {
	struct lid_text *t;
	const struct lid_model *m;
	int in_word;
	int at_token;			/* the last byte read was a space (or none was read) */
	uint32_t wstart;
	int wscript;
	int wupper;
};

static int end_word(struct prep *s)
{
	struct lid_text *t = s->t;

	if (s->in_word) {
		s->in_word = 0;
		return word_push(t, s->wstart, (uint32_t)(t->ncps - s->wstart), s->wscript,
				 s->wupper);
	}
	return 0;
}

static int han_bit(const uint8_t *bits, uint32_t cp)
{
	uint32_t i = cp - LID_HAN_LO;

	return bits && cp >= LID_HAN_LO && cp <= LID_HAN_HI && (bits[i >> 3] >> (i & 7) & 1);
}

/* Room for one more letter in the current word (the first WORD_MAX + 1 are kept). */
static inline int word_room(const struct prep *s)
{
	return s->t->ncps - s->wstart <= WORD_MAX;
}

/*
 * Read letters into words from *pp up to end, and stop early, between two
 * words, once t holds max_words words; *pp is where reading stopped.  Going
 * on from there gives the same words as reading on without a stop.  A word
 * that end cuts is left open (see window_end()).
 */
static int prep_window(struct prep *s, const unsigned char **pp, const unsigned char *end,
		       size_t max_words)
{
	struct lid_text *t = s->t;
	const unsigned char *p = *pp;

	while (p < end) {
		unsigned char c = *p;
		const struct lid_cpinfo *ci;
		struct lid_cpinfo tmp;
		uint32_t cp;
		int len, script;

		if (!s->in_word && t->nwords >= max_words)
			break;
		if (t->ncps + WORD_MAX + 2 > t->cps_alloc && text_reserve(t, WORD_MAX + 2))
			return -1;
#ifdef __SSE2__
		/* after a space (so between words), most tokens are read at once */
		if (s->at_token && !t->byte_by_byte) {
			/* token after token, without the checks above between them; their letters counted once */
			const unsigned char *from = p;
			size_t letters = 0;

			while (end - p >= 16 && t->nwords + 8 < max_words) {
				size_t k;

				if (t->ncps + WORD_MAX + 2 > t->cps_alloc && text_reserve(t, WORD_MAX + 2))
					return -1;
				k = ascii_token(t, p, &letters);
				if (k == SIZE_MAX)
					return -1;
				if (!k)
					break;
				p += k;
			}
			if (letters)
				add_letters(t, USCRIPT_LATIN, letters);
			if (p != from)
				continue;
		}
#endif
		if (s->at_token && !is_space(c)) {
			unsigned has_link;
			const unsigned char *q = token_end(p, end, &has_link);

			/* skip_token() only when the token has what it looks for: '@', ':' or "www." */
			if ((has_link || (q - p >= 4 && !memcmp(p, "www.", 4))) &&
			    skip_token(p, (size_t)(q - p))) {
				if (end_word(s))
					return -1;
				p = q;
				continue;
			}
		}
		s->at_token = is_space(c);
		if (c < 0x80) {
			if (byte_class[c] & C_ALPHA) {
				/* a run of ASCII letters at once: most of the text */
				const unsigned char *q = p;
				uint32_t *cps, *lim;

				if (!s->in_word) {
					s->in_word = 1;
					s->wstart = (uint32_t)t->ncps;
					s->wscript = USCRIPT_LATIN;
					s->wupper = c < 'a';
				}
				/* past the word's room each letter is written over the last place (reserved) */
				cps = t->cps + t->ncps;
				lim = t->cps + s->wstart + WORD_MAX + 1;
				q = ascii_run(q, end, &cps, lim);
				while (q < end && (byte_class[*q] & C_ALPHA)) {
					*cps = *q++ | 0x20;
					cps += cps < lim;
				}
				t->ncps = (size_t)(cps - t->cps);
				add_letters(t, USCRIPT_LATIN, (size_t)(q - p));
				p = q;
				continue;
			} else if (end_word(s)) {
				return -1;
			}
			p++;
			continue;
		}
		len = ayak_utf8_decode_fast(p, end, &cp);
		if (len == 0) {
			if (end_word(s))
				return -1;
			p++;
			continue;
		}
		p += len;
		ci = cp_info(t, cp, &tmp);
		switch (ci->kind) {
		case LID_CP_LETTER:
			script = ci->script;
			if (script < 0 || (size_t)script >= t->nscripts)
				script = USCRIPT_UNKNOWN;
			if (script != USCRIPT_COMMON && script != USCRIPT_INHERITED &&
			    script != USCRIPT_UNKNOWN) {
				add_letters(t, script, 1);
				if (script == USCRIPT_ARABIC)
					t->jawi += (size_t)ayak_jawi_letter(cp);
				else if (script == USCRIPT_HAN && s->m) {
					t->hans += han_bit(s->m->hans, cp);
					t->hant += han_bit(s->m->hant, cp);
				}
			}
			if (!s->in_word) {
				s->in_word = 1;
				s->wstart = (uint32_t)t->ncps;
				s->wscript = script;
				s->wupper = ci->upper;
			}
			if (word_room(s))
				t->cps[t->ncps++] = ci->lower;
			break;
		case LID_CP_MARK:
			if (s->in_word) {
				if (word_room(s))
					t->cps[t->ncps++] = cp;
				/*
				 * The vowel signs of Tamil, Devanagari and the like are
				 * marks of their own script, a third of their text or
				 * more: they count for the script's share, or a Tamil
				 * page loses to its English menu.  Inherited marks
				 * (accents, Arabic vowels) do not.
				 */
				script = ci->script;
				if (script > USCRIPT_INHERITED && (size_t)script < t->nscripts &&
				    script != USCRIPT_UNKNOWN)
					add_letters(t, script, 1);
			}
			break;
		default:
			if (end_word(s))
				return -1;
		}
	}
	*pp = p;
	return 0;
}

/* Move p forward past the current word (to a space) unless at the text's start. */
static size_t align_start(const unsigned char *text, size_t n, size_t i)
{
	size_t lim = i + 64 < n ? i + 64 : n, j;

	if (i == 0)
		return 0;
	for (j = i; j < lim; j++)
		if (is_space(text[j]))
			return j + 1;
	while (i < n && (text[i] & 0xc0) == 0x80)
		i++;
	return i;
}

static size_t align_end(const unsigned char *text, size_t n, size_t i)
{
	size_t lim = i > 64 ? i - 64 : 0, j;

	if (i >= n)
		return n;
	for (j = i; j > lim; j--)
		if (is_space(text[j - 1]))
			return j - 1;
	while (i > 0 && (text[i] & 0xc0) == 0x80)
		i--;
	return i;
}

#define LID_WINDOWS 4
#define LID_WINDOW_MIN 64	/* bytes: a 16-byte window holds two or three words */

#define SEEN_WORDS(nscripts) (((nscripts) + 63) / 64)

/*
 * Reading a text a part at a time: its windows (the whole text, or the
 * sampled ones), the one being read and where, and the state of the word.
 */
struct prep_cursor {
	struct prep s;
	const unsigned char *u, *p;	/* p: NULL before a window is started */
	size_t n;
	size_t win[LID_WINDOWS][2], nwin, k;
	int lines;			/* stop at each line's end (and each window's) */
};

/* The length of the code point at p (< end) if a word goes on through it (a letter or a mark), else 0. */
static int word_cp(struct lid_text *t, const unsigned char *p, const unsigned char *end)
{
	struct lid_cpinfo tmp;
	uint32_t cp;
	int len;

	if (*p < 0x80)
		return (byte_class[*p] & C_ALPHA) != 0;
	len = ayak_utf8_decode(p, end, &cp);
	return len && cp_info(t, cp, &tmp)->kind != LID_CP_OTHER ? len : 0;
}

/*
 * Read p[0..end), letters and marks only, into the word being read as
 * prep_window() does, but without counting them: they are outside the
 * window, and the script shares are of the window's letters.
 */
static int prep_uncounted(struct prep *s, const unsigned char *p, const unsigned char *end)
{
	struct lid_text *t = s->t;
	size_t letters[USCRIPT_CODE_LIMIT], total = t->letters, jawi = t->jawi;
	size_t hans = t->hans, hant = t->hant;
	uint64_t seen[SEEN_WORDS(USCRIPT_CODE_LIMIT)];
	int ret;

	memcpy(letters, t->script_letters, sizeof(letters));
	memcpy(seen, t->script_seen, sizeof(seen));
	ret = prep_window(s, &p, end, SIZE_MAX);
	memcpy(t->script_letters, letters, sizeof(letters));
	memcpy(t->script_seen, seen, sizeof(seen));
	t->letters = total;
	t->jawi = jawi;
	t->hans = hans;
	t->hant = hant;
	t->uncounted = 1;
	return ret;
}

/*
 * A word that a window's edge cuts (align_start() and align_end() find no
 * space near it) gives the features it gives whole, and none when it is
 * longer than WORD_MAX letters, whatever the sample: its letters on the
 * other side of the edge are read into it, uncounted, up to WORD_MAX + 1
 * of them (enough to tell a word too long).  A window starts as a text
 * does, but inside the word it cuts, if its token is no link (those
 * prep_window() skips).
 */
static int window_start(struct prep_cursor *c)
{
	const unsigned char *q = c->p, *end = c->u + c->n, *b;
	unsigned link;
	size_t k;

	c->s.at_token = 1;
	if (c->p == c->u || c->p == end || !word_cp(c->s.t, c->p, end))
		return 0;
	for (k = 0; k <= WORD_MAX && q > c->u; k++, q = b) {
		b = q - 1;
		while (b > c->u && q - b < 4 && (*b & 0xc0) == 0x80)
			b--;
		if (word_cp(c->s.t, b, q) != q - b)
			break;
	}
	if (q == c->p || skip_token(c->p, (size_t)(token_end(c->p, end, &link) - c->p)))
		return 0;
	c->s.at_token = 0;
	return prep_uncounted(&c->s, q, c->p);
}

/* At a window's end: the word it cuts read on (see window_start()). */
static int window_end(struct prep_cursor *c)
{
	const unsigned char *q = c->p, *end = c->u + c->n;
	size_t k;
	int len;

	if (!c->s.in_word || !word_room(&c->s))
		return 0;
	for (k = 0; k <= WORD_MAX && q < end && (len = word_cp(c->s.t, q, end)); k++)
		q += len;
	return q > c->p ? prep_uncounted(&c->s, c->p, q) : 0;
}

/* Start reading text[0..n) into t: its counts cleared, its windows chosen. */
static int prep_begin(struct prep_cursor *c, struct lid_text *t, const char *text, size_t n,
		      size_t sample, const struct lid_model *m)
{
	const unsigned char *u = (const unsigned char *)text;

	memset(c, 0, sizeof(*c));
	c->s.t = t;
	c->s.m = m;
	c->s.at_token = 1;
	c->u = u;
	c->n = n;
	if (!t->script_letters || !t->script_seen) {
		/* both or neither: after an allocation failed, both again */
		free(t->script_letters);
		free(t->script_seen);
		t->nscripts = (size_t)USCRIPT_CODE_LIMIT;
		t->script_letters = calloc(t->nscripts, sizeof(*t->script_letters));
		t->script_seen = calloc(SEEN_WORDS(t->nscripts), sizeof(*t->script_seen));
		if (!t->script_letters || !t->script_seen)
			return -1;
	} else {
		/* the counts of the last text's scripts only: a line is short, the scripts many */
		size_t i;

		for (i = 0; i < SEEN_WORDS(t->nscripts); i++)
			for (; t->script_seen[i]; t->script_seen[i] &= t->script_seen[i] - 1)
				t->script_letters[i * 64 + (size_t)__builtin_ctzll(t->script_seen[i])] = 0;
	}
	t->ncps = t->nwords = t->letters = t->jawi = t->hans = t->hant = 0;
	if (sample == 0 || n <= sample) {
		c->win[0][1] = n;
		c->nwin = 1;
	} else {
		size_t nw = sample / LID_WINDOW_MIN, w, k;

		/*
		 * One window in the middle of each of LID_WINDOWS equal parts
		 * (fewer for a small sample, each at least LID_WINDOW_MIN):
		 * not at the very start and end, where web pages keep their
		 * menus, cookie notices and copyright lines.
		 */
		nw = nw < 1 ? 1 : nw > LID_WINDOWS ? LID_WINDOWS : nw;
		w = sample / nw;
		for (k = 0; k < nw; k++) {
			size_t a = n / nw * k + (n / nw - w) / 2, b = a + w;

			a = align_start(u, n, a);
			b = align_end(u, n, b);
			if (a < b) {
				c->win[c->nwin][0] = a;
				c->win[c->nwin++][1] = b;
			}
		}
	}
	return 0;
}

/*
 * The next words of the text into t (the last ones dropped, the counts
 * kept): max_words of them, or fewer at the end.  Returns 1 if some text is
 * left to read, 0 at the end, -1 on ENOMEM; with c->lines, 2 when a line
 * ended (at a newline, or at a window's end) and text is left.
 */
static int prep_more(struct prep_cursor *c, size_t max_words)
{
	c->s.t->ncps = c->s.t->nwords = 0;
	c->s.t->uncounted = 0;
	while (c->k < c->nwin) {
		const unsigned char *end = c->u + c->win[c->k][1], *stop = end;

		if (!c->p) {	/* a window's start: in this part, with the word it may cut */
			c->p = c->u + c->win[c->k][0];
			if (window_start(c))
				return -1;
		}
		if (c->lines) {
			const unsigned char *nl = memchr(c->p, '\n', (size_t)(end - c->p));

			if (nl)
				stop = nl + 1;
		}
		if (prep_window(&c->s, &c->p, stop, max_words))
			return -1;
		if (c->p < stop)
			return 1;
		if (stop < end)		/* the newline ended the word before it */
			return 2;
		if (window_end(c) || end_word(&c->s))
			return -1;
		c->k++;
		c->p = NULL;
		if (c->lines)
			return c->k < c->nwin ? 2 : 0;
	}
	return 0;
}

int lid_text_prepare(struct lid_text *t, const char *text, size_t n, size_t sample,
		     const struct lid_model *m)
{
	struct prep_cursor c;

	if (prep_begin(&c, t, text, n, sample, m))
		return -1;
	return prep_more(&c, SIZE_MAX) < 0 ? -1 : 0;
}

/* ---- features ---- */

static int feats_reserve(struct lid_feats *f, size_t more)
{
	if (f->n + more > f->alloc) {
		uint32_t *p = ayak_grow(f->v, &f->alloc, f->n + more, sizeof(*p), 1024);

		if (!p)
			return -1;
		f->v = p;
	}
	return 0;
}

/* The bits of marker hash h (not 0), or 0; a Bloom filter bit saves most lookups. */
static unsigned marker_probe(const struct lid_model *m, uint64_t h)
{
	size_t i;

	uint64_t e;

	if (!(m->mbloom[h >> 51] >> (h >> 45 & 63) & 1))
		return 0;
	/* key and bits in one word: one cache line to read, not two */
	for (i = h & m->mmask; (e = m->mkeys[i]) != 0; i = (i + 1) & m->mmask)
		if (!((e ^ h) & LID_MARK_KEY))
			return (unsigned)(e & ~LID_MARK_KEY);
	return 0;
}

/* Ask early for what marker_probe(m, h) will read: its Bloom word and its first slot. */
static void marker_prefetch(const struct lid_model *m, uint64_t h)
{
	h = h ? h : 1;
	__builtin_prefetch(&m->mbloom[h >> 51]);
	__builtin_prefetch(&m->mkeys[h & m->mmask]);
}

static unsigned markers_of(const struct lid_model *m, const uint32_t *cps, size_t n, uint64_t h)
{
	unsigned bits, l, lens;

	if (!m || !m->mkeys)
		return 0;
	bits = marker_probe(m, h ? h : 1);
	if (n < 6)
		return bits;
	for (lens = m->suffix_lens & ~1u; lens; lens &= lens - 1) {
		l = (unsigned)__builtin_ctz(lens);
		if (l >= n)
			break;
		h = suffix_hash(cps + n - l, l);
		bits |= marker_probe(m, h ? h : 1);
	}
	return bits;
}

unsigned lid_markers_of(const struct lid_model *m, const uint32_t *cps, size_t n)
{
	return markers_of(m, cps, n, lid_word_hash(cps, n));
}

static int dict_has(const struct lid_model *m, const uint32_t *cps, size_t n)
{
	uint64_t h = lid_word_hash(cps, n);
	size_t i;

	if (!h)
		h = 1;
	for (i = h & m->dmask; m->dkeys[i]; i = (i + 1) & m->dmask)
		if (m->dkeys[i] == h)
			return 1;
	return 0;
}

static int ends_with(const uint32_t *w, size_t n, const char *sfx)
{
	size_t k = strlen(sfx), i;

	if (n < k + 3)
		return 0;
	for (i = 0; i < k; i++)
		if (w[n - k + i] != (unsigned char)sfx[i])
			return 0;
	return 1;
}

/*
 * Is a lower-case word, or its stem, in the dictionary?  Malay affixes
 * are stripped: suffixes -nya -lah -kah -ku -mu, then -kan -an -i;
 * prefixes me(N)- pe(N)- ber- di- ter- per- ke- se-, with the consonant
 * that meN-/peN- drop put back (menulis: tulis, memukul: pukul...).
 */
static int dict_known(const struct lid_model *m, const uint32_t *w, size_t n)
{
	static const char *const sfx1[] = { "nya", "lah", "kah", "ku", "mu" };
	static const char *const sfx2[] = { "kan", "an", "i" };
	static const struct { const char *p; char put; } pfx[] = {
		{ "meng", 'k' }, { "meny", 's' }, { "mem", 'p' }, { "men", 't' }, { "me", 0 },
		{ "peng", 'k' }, { "peny", 's' }, { "pem", 'p' }, { "pen", 't' }, { "per", 0 },
		{ "pe", 0 }, { "ber", 0 }, { "be", 0 }, { "di", 0 }, { "ter", 0 }, { "ke", 0 },
		{ "se", 0 },
	};
	size_t lens[6], nl = 0, i, j, k;
	uint32_t tmp[WORD_MAX_DICT + 1];

	if (n > WORD_MAX_DICT)
		return 0;
	if (dict_has(m, w, n))
		return 1;
	lens[nl++] = n;
	for (i = 0; i < 5; i++)
		if (ends_with(w, n, sfx1[i])) {
			lens[nl++] = n - strlen(sfx1[i]);
			break;
		}
	for (k = 0, j = nl; k < j; k++)
		for (i = 0; i < 3; i++)
			if (ends_with(w, lens[k], sfx2[i])) {
				lens[nl++] = lens[k] - strlen(sfx2[i]);
				break;
			}
	for (k = 0; k < nl; k++) {
		size_t len = lens[k];

		if (k && dict_has(m, w, len))
			return 1;
		for (i = 0; i < sizeof(pfx) / sizeof(pfx[0]); i++) {
			size_t pl = strlen(pfx[i].p), r;

			if (len < pl + 3)
				continue;
			for (r = 0; r < pl && w[r] == (unsigned char)pfx[i].p[r]; r++)
				;
			if (r < pl)
				continue;
			if (dict_has(m, w + pl, len - pl))
				return 1;
			if (pfx[i].put) {
				tmp[0] = (unsigned char)pfx[i].put;
				memcpy(tmp + 1, w + pl, (len - pl) * sizeof(*w));
				if (dict_has(m, tmp, len - pl + 1))
					return 1;
			}
		}
	}
	return 0;
}

#define MARK_AHEAD 4 /* words ahead whose marker slots raw_features() prefetches */

/*
 * Features before bucketing: each is kept as h * GOLDEN, whose top bits are
 * its bucket in a table of any size (LID_MAX_BITS at most), with its type
 * (an LID_F_* bit number) in the low 4 bits, which no bucket reaches.
 */
struct lid_raw {
	uint64_t *key;
	size_t n, alloc;
};

static int raw_reserve(struct lid_raw *r, size_t more)
{
	if (r->n + more > r->alloc) {
		size_t n = r->alloc ? r->alloc : 1024;
		uint64_t *k;

		while (n < r->n + more)
			n *= 2;
		k = realloc(r->key, n * sizeof(*k));
		if (!k)
			return -1;
		r->key = k;
		r->alloc = n;
	}
	return 0;
}

/* raw_key(h, type) >> shift is bucket(h, shift) for every shift the tables have (40 or more) */
static inline uint64_t raw_key(uint64_t h, unsigned type)
{
	return (h * GOLDEN & ~(uint64_t)15) | type;
}

/* into locals: the compiler cannot keep out->n in a register across the stores */
#define EMIT(ty, hv) do { keys[on++] = raw_key(hv, ty); } while (0)
/* n-gram of k + 1 letters with hash hv, written always and kept if keep (0 or 1): no branch */
#define NGRAM(k, hv, keep) do { keys[on] = raw_key((hv) ^ (uint64_t)((k) + 1) << 56, k); on += (keep); } while (0)

/*
 * The character n-grams of 1 to 5 letters from each position of pad[0..P)
 * (a word between spaces) whose flags (LID_F_CHAR1..5) are set, written to
 * keys from on; returns the new count.  No test per n-gram (loops with tests
 * were 60% of raw_features()): each is written, and kept if its flag is set.
 * Inlined with constant flags, the compiler drops the n-grams never kept:
 * the shipped models use 3 to 5 letters in the Latin script.
 */
#define NGRAMS_3_TO_5 (LID_F_CHAR3 | LID_F_CHAR4 | LID_F_CHAR5)

static inline __attribute__((always_inline)) size_t
ngrams(const uint32_t *pad, size_t P, unsigned flags, uint64_t *keys, size_t on)
{
	const size_t k1 = flags & 1, k2 = flags >> 1 & 1, k3 = flags >> 2 & 1, k4 = flags >> 3 & 1,
		     k5 = flags >> 4 & 1;
	size_t i = 0, k;

	if (P >= 5) {
		const uint32_t *q = pad + P - 4;
		uint64_t a1, a2, a3, a4, b1, b2, b3, c1, c2;

		/* the positions with five letters ahead */
		for (; i + 5 <= P; i++) {
			uint64_t h1 = fnv_step(FNV_OFFSET, pad[i]);
			uint64_t h2 = fnv_step(h1, pad[i + 1]), h3 = fnv_step(h2, pad[i + 2]);
			uint64_t h4 = fnv_step(h3, pad[i + 3]), h5 = fnv_step(h4, pad[i + 4]);

			NGRAM(0, h1, k1 & (i != 0));	/* not the padding space */
			NGRAM(1, h2, k2);
			NGRAM(2, h3, k3);
			NGRAM(3, h4, k4);
			NGRAM(4, h5, k5);
		}
		/* the last four: 4, 3, 2 letters to the end, then the space alone (never kept) */
		a1 = fnv_step(FNV_OFFSET, q[0]);
		a2 = fnv_step(a1, q[1]);
		a3 = fnv_step(a2, q[2]);
		a4 = fnv_step(a3, q[3]);
		b1 = fnv_step(FNV_OFFSET, q[1]);
		b2 = fnv_step(b1, q[2]);
		b3 = fnv_step(b2, q[3]);
		c1 = fnv_step(FNV_OFFSET, q[2]);
		c2 = fnv_step(c1, q[3]);
		NGRAM(0, a1, k1);
		NGRAM(1, a2, k2);
		NGRAM(2, a3, k3);
		NGRAM(3, a4, k4);
		NGRAM(0, b1, k1);
		NGRAM(1, b2, k2);
		NGRAM(2, b3, k3);
		NGRAM(0, c1, k1);
		NGRAM(1, c2, k2);
		return on;
	}
	/* words of one or two letters */
	for (; i < P; i++) {
		uint64_t h = FNV_OFFSET;

		for (k = 0; k < 5 && i + k < P; k++) {
			h = fnv_step(h, pad[i + k]);
			if (!(flags >> k & 1))
				continue;
			if (k == 0 && (i == 0 || i == P - 1))
				continue;
			EMIT(k, h ^ ((uint64_t)(k + 1) << 56));
		}
	}
	return on;
}

/*
 * What the features of a word take from the word before it (of the same
 * script): kept from one part of a text to the next, which are read apart.
 */
struct lid_prev {
	uint64_t hash;			/* 0: none */
	uint32_t cps[WORD_MAX];
	size_t len;
};

/* Raw keys a word of len letters can give at most (see the functions below). */
#define WORD_KEYS(len, mark_reps) (6 * ((len) + 2) + 32 + 10 * (size_t)(mark_reps))

/* The character n-grams of the word cps[0..len) (between spaces) that flags take. */
static inline size_t word_ngrams(const uint32_t *cps, size_t len, unsigned flags, uint64_t *keys,
				 size_t on)
{
	uint32_t pad[WORD_MAX + 2];

	if (!(flags & 0x1f))
		return on;
	pad[0] = ' ';
	memcpy(pad + 1, cps, len * sizeof(*cps));
	pad[len + 1] = ' ';
	if ((flags & 0x1f) == NGRAMS_3_TO_5)
		return ngrams(pad, len + 2, NGRAMS_3_TO_5, keys, on);
	return ngrams(pad, len + 2, flags & 0x1f, keys, on);
}

/* The n-grams of 3 to 5 letters around the space after the word before (pc[0..pn)). */
static size_t cross_keys(const uint32_t *pc, size_t pn, const uint32_t *cps, size_t len,
			 unsigned flags, uint64_t *keys, size_t on)
{
	uint32_t span[10];
	size_t a = pn < 4 ? pn : 4, b = len < 4 ? len : 4, sn = 0, st, k;

	memcpy(span, pc + pn - a, a * sizeof(*span));
	sn = a;
	span[sn++] = ' ';
	memcpy(span + sn, cps, b * sizeof(*span));
	sn += b;
	for (st = 0; st < a; st++) {
		uint64_t h = FNV_OFFSET ^ 0x43;

		for (k = 0; k < 5 && st + k < sn; k++) {
			h = fnv_step(h, span[st + k]);
			if (k >= 2 && st + k > a && (flags >> k & 1))
				EMIT(8, h ^ ((uint64_t)(k + 1) << 56));
		}
	}
	return on;
}

/* Does the dictionary feature look at this word? */
static inline int dict_applies(const struct lid_word *wd, unsigned flags,
				const struct lid_model *mk)
{
	return (flags & LID_F_DICT) && mk && mk->dkeys && !wd->upper && wd->len >= 3 &&
	       wd->script == USCRIPT_LATIN;
}

/* The marker bits of a pair of words (marker lists hold pairs: "akhir pekan"); ph 0: none. */
static inline unsigned pair_markers_of(const struct lid_model *mk, uint64_t ph)
{
	return ph && mk && mk->mkeys ? marker_probe(mk, ph) : 0;
}

static inline unsigned pair_markers(const struct lid_model *mk, uint64_t prev, uint64_t wh)
{
	return prev ? pair_markers_of(mk, lid_pair_hash(prev, wh)) : 0;
}

/* The key of each of the ten marker classes mark_keys() takes, made once as the program starts. */
static uint64_t mark_key[10];

__attribute__((constructor)) static void mark_keys_make(void)
{
	unsigned b;

	for (b = 0; b < 10; b++)
		mark_key[b] = raw_key(fmix64(SEED_MARK + b), 7);
}

/*
 * One feature per marker class in mb, each reps times: one marker word then
 * outweighs the many letters of a longer sentence, whose features are
 * scaled down together (1/sqrt(n)).
 */
static size_t mark_keys(unsigned mb, unsigned reps, uint64_t *keys, size_t on)
{
	unsigned b, r;

	for (mb &= 0x3ffu & ~(1u << 7); mb; mb &= mb - 1) {
		b = (unsigned)__builtin_ctz(mb);
		for (r = 0; r < reps; r++)
			keys[on++] = mark_key[b];
	}
	return on;
}

static inline unsigned mark_reps_of(const struct lid_model *mk)
{
	return mk && mk->mark_weight > 1 ? mk->mark_weight : 1;
}

/* The marker keys a word takes with the word before it (pair hash ph, 0: none) but not by itself (own). */
static inline size_t pair_mark_keys(const struct lid_model *m, unsigned reps, uint64_t ph,
				    unsigned own, uint64_t *keys, size_t on)
{
	unsigned mb = (ph ? pair_markers_of(m, ph) : 0) & ~own;

	return mb ? mark_keys(mb, reps, keys, on) : on;	/* most pairs are none */
}

/*
 * Raw (unbucketed) features of the words of t in script, with their types
 * (LID_F_* bit numbers); *pw is the word before the first (updated).
 * Training reads them in this order (its dropout draws per feature);
 * classifying sums them by word (see word_own()), to the same totals.
 */
static int raw_features(const struct lid_text *t, int script, unsigned flags,
			const struct lid_model *mk, struct lid_raw *out, struct lid_prev *pw)
{
	size_t w, n0 = out->n;
	uint64_t prev = pw->hash;
	const uint32_t *prev_cps = pw->cps;
	size_t prev_len = pw->len;
	unsigned mark_reps = mark_reps_of(mk);

	for (w = 0; w < t->nwords; w++) {
		const struct lid_word *wd = &t->words[w];
		const uint32_t *cps = t->cps + wd->start;
		size_t len = wd->len, on;
		uint64_t wh, *keys;

		/* the marker table is too big for the cache: ask for a later word's slots now */
		if ((flags & LID_F_MARK) && mk && mk->mkeys && w + MARK_AHEAD < t->nwords) {
			const struct lid_word *ahead = wd + MARK_AHEAD;

			marker_prefetch(mk, ahead->hash);
			marker_prefetch(mk, lid_pair_hash(ahead[-1].hash, ahead->hash));
		}
		if (script >= 0 && wd->script != script)
			continue;
		if (len > WORD_MAX)
			continue;
		if (raw_reserve(out, WORD_KEYS(len, mark_reps)))
			return -1;
		keys = out->key;
		on = word_ngrams(cps, len, flags, keys, out->n);
		if ((flags & LID_F_CROSS) && prev_len)
			on = cross_keys(prev_cps, prev_len, cps, len, flags, keys, on);
		prev_cps = cps;
		prev_len = len;
		wh = wd->hash;
		if (flags & LID_F_WORD)
			EMIT(5, fmix64(wh ^ SEED_WORD));
		if ((flags & LID_F_BIGRAM) && prev)
			EMIT(6, fmix64(prev * 31 + wh + SEED_BIGRAM));
		if (dict_applies(wd, flags, mk))
			EMIT(10, fmix64(SEED_MARK + 16 + dict_known(mk, cps, len)));
		if (flags & LID_F_MARK)
			on = mark_keys(markers_of(mk, cps, len, wh) | pair_markers(mk, prev, wh),
				       mark_reps, keys, on);
		out->n = on;
		prev = wh;
	}
	pw->hash = prev;
	if (prev_cps != pw->cps)
		memcpy(pw->cps, prev_cps, prev_len * sizeof(*prev_cps));
	pw->len = prev_len;
	return (int)(out->n - n0);
}

/* Buckets of the raw features whose type the flags take. */
static int bucket_features(const struct lid_raw *raw, unsigned flags, unsigned bits,
			   struct lid_feats *out)
{
	size_t n;

	if (!raw->n)	/* out->v may be NULL */
		return 0;
	if (feats_reserve(out, raw->n))
		return -1;
	n = lid_bucket_keys(raw->key, raw->n, flags, bits, out->v + out->n, LID_PATH_BEST);
	out->n += n;
	return (int)n;
}

int lid_features(const struct lid_text *t, int script, unsigned flags, unsigned bits,
		 const struct lid_model *mk, struct lid_feats *out)
{
	struct lid_raw raw = { 0 };
	struct lid_prev pw = { 0 };
	int n = raw_features(t, script, flags, mk, &raw, &pw);

	if (n >= 0)
		n = bucket_features(&raw, flags, bits, out);
	free(raw.key);
	return n;
}

/* The word odds bucket of a word's hash wh, or of a pair's (lid_pair_hash()). */
static inline uint32_t nb_bucket(uint64_t wh, unsigned bits)
{
	return bucket(fmix64(wh ^ SEED_NB), 64 - bits);
}

/*
 * The word odds features of t: the bucket of each word raw_features()
 * reads for the Latin script, and of each pair of them.
 */
int lid_nb_features(const struct lid_text *t, unsigned bits, struct lid_feats *out)
{
	size_t w, n0 = out->n;
	uint64_t prev = 0;

	if (feats_reserve(out, 2 * t->nwords))
		return -1;
	for (w = 0; w < t->nwords; w++) {
		const struct lid_word *wd = &t->words[w];

		if (wd->script != USCRIPT_LATIN || wd->len > WORD_MAX)
			continue;
		out->v[out->n++] = nb_bucket(wd->hash, bits);
		if (prev)
			out->v[out->n++] = nb_bucket(lid_pair_hash(prev, wd->hash), bits);
		prev = wd->hash;
	}
	return (int)(out->n - n0);
}


/* ---- model file ---- */

uint64_t lid_checksum(const void *text, size_t ntext, const struct lid_file_head *head,
		      const void *payload, size_t npayload)
{
	struct lid_file_head h = *head;
	XXH64_state_t st;

	h.checksum = 0;
	XXH64_reset(&st, 0);
	XXH64_update(&st, text, ntext);
	XXH64_update(&st, &h, sizeof(h));
	XXH64_update(&st, payload, npayload);
	return XXH64_digest(&st);
}

static int corrupt(struct ayak_err *err, const char *name, const char *what)
{
	return ayak_err_set(err, AYAK_E_SYS, "%s: corrupt model: %s", name, what);
}

#define HUGE_PAGE ((size_t)2 << 20)

/*
 * n bytes of zeros, 2 MB aligned, in huge pages where the kernel gives
 * them on request (NULL: out of memory): for the model and the word
 * caches, megabytes read at random, whose addresses missed the TLB in
 * 4 KB pages, and the model read in a few page faults, not thousands.
 * Pages are zeroed as they are first touched, as calloc's are.
 */
static void *huge_zalloc(size_t n)
{
	size_t len = ((n ? n : 1) + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1), lead;
	unsigned char *p = mmap(NULL, len + HUGE_PAGE, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	lead = (HUGE_PAGE - ((uintptr_t)p & (HUGE_PAGE - 1))) & (HUGE_PAGE - 1);
	if (lead)
		munmap(p, lead);
	munmap(p + lead + len, HUGE_PAGE - lead);
	p += lead;
#ifdef MADV_HUGEPAGE
	madvise(p, len, MADV_HUGEPAGE);	/* advice only */
#endif
	return p;
}

static void huge_free(void *p, size_t n)
{
	if (p)
		munmap(p, ((n ? n : 1) + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1));
}

static void model_release(struct lid_model *m)
{
	huge_free(m->buf, m->size);
	free(m->about);
	free(m->mkeys);
	free(m->dkeys);
	free(m->in_msa);
	free(m->route);
}

void lid_model_free(struct lid_model *m)
{
	if (!m)
		return;
	model_release(m);
	free(m);
}

/* at[label] = its class of classes[0..n) (labels[k] is class k's), else -1; 1 if no label is there twice */
static int class_at(const uint16_t *labels, const uint16_t *classes, size_t n, int16_t *at)
{
	int once = 1;
	size_t k;

	for (k = 0; k < LID_MAX_LABELS; k++)
		at[k] = -1;
	for (k = 0; k < n; k++) {
		if (at[labels[k]] >= 0)
			once = 0;
		at[labels[k]] = (int16_t)classes[k];
	}
	return once;
}

int lid_model_index(struct lid_model *m, const struct lid_file_marker *marks, size_t nmarks,
		    const uint64_t *dict, size_t ndict, struct ayak_err *err)
{
	size_t i, cap = 16;
	int s;

	m->und = lid_model_find(m, "und");
	m->zsm_arab = lid_model_find(m, "zsm_Arab");
	m->jpn = lid_model_find(m, "jpn_Jpan");
	m->zho_hans = lid_model_find(m, "zho_Hans");
	m->zho_hant = lid_model_find(m, "zho_Hant");
	if (m->und < 0)
		return ayak_err_set(err, AYAK_E_DATA, "no \"und\" label");
	/* markers */
	while (cap < 2 * nmarks + 2)
		cap *= 2;
	m->mkeys = calloc(cap, sizeof(*m->mkeys));
	if (!m->mkeys)
		return ayak_err_set(err, AYAK_E_SYS, "out of memory");
	m->mmask = cap - 1;
	for (i = 0; i < nmarks; i++) {
		uint64_t h = marks[i].hash ? marks[i].hash : 1;
		size_t j;

		if (!(marks[i].bits & ~LID_MARK_KEY))
			continue;	/* no class: nothing to find */
		for (j = h & m->mmask; m->mkeys[j] && ((m->mkeys[j] ^ h) & LID_MARK_KEY);
		     j = (j + 1) & m->mmask)
			;
		m->mkeys[j] = (h & LID_MARK_KEY) | (m->mkeys[j] & ~LID_MARK_KEY) |
			      (marks[i].bits & ~LID_MARK_KEY);
		m->mbloom[h >> 51] |= 1ULL << (h >> 45 & 63);
	}
	/* dictionary */
	if (ndict) {
		for (cap = 16; cap < 2 * ndict + 2; cap *= 2)
			;
		m->dkeys = calloc(cap, sizeof(*m->dkeys));
		if (!m->dkeys)
			return ayak_err_set(err, AYAK_E_SYS, "out of memory");
		m->dmask = cap - 1;
		for (i = 0; i < ndict; i++) {
			uint64_t h;
			size_t j;

			memcpy(&h, dict + i, sizeof(h));
			if (!h)
				h = 1;
			for (j = h & m->dmask; m->dkeys[j] && m->dkeys[j] != h; j = (j + 1) & m->dmask)
				;
			m->dkeys[j] = h;
		}
	}
	/* routes: per script, a submodel named after it, else its only label */
	m->nroute = (int)USCRIPT_CODE_LIMIT;
	m->route = malloc((size_t)m->nroute * sizeof(*m->route));
	m->in_msa = calloc(m->nlabels, 1);
	if (!m->route || !m->in_msa)
		return ayak_err_set(err, AYAK_E_SYS, "out of memory");
	for (s = 0; s < m->nroute; s++)
		m->route[s] = -1;
	for (i = 0; i < m->nlabels; i++) {
		int sc = lid_label_script(m->labels[i]);

		if (sc < 0 || sc >= m->nroute)
			continue;
		if (m->route[sc] == -1)
			m->route[sc] = (int)i;
		else
			m->route[sc] = -2 - LID_MAX_SUBS;	/* several: needs a submodel */
	}
	m->msa = m->msa_zsm = m->msa_ind = -1;
	for (i = 0; i < m->nsubs; i++) {
		struct lid_sub *sub = &m->subs[i];
		int32_t sc = u_getPropertyValueEnum(UCHAR_SCRIPT, sub->name);

		sub->script = -1;
		if (!strcmp(sub->name, "msa")) {
			uint32_t c;

			m->msa = (int)i;
			for (c = 0; c < sub->nclass; c++) {
				if (sub->labels[c] != m->und)
					m->in_msa[sub->labels[c]] = 1;
				if (!strcmp(m->labels[sub->labels[c]], "zsm_Latn"))
					m->msa_zsm = (int)c;
				if (!strcmp(m->labels[sub->labels[c]], "ind_Latn"))
					m->msa_ind = (int)c;
			}
		} else if (sc != UCHAR_INVALID_CODE && sc >= 0 && sc < m->nroute) {
			sub->script = sc;
			m->route[sc] = -2 - (int)i;
		}
	}
	for (s = 0; s < m->nroute; s++)
		if (m->route[s] == -2 - LID_MAX_SUBS)
			m->route[s] = -1;
	for (i = 0; i < m->nsubs; i++) {
		struct lid_sub *sub = &m->subs[i];
		uint32_t c;

		sub->ngrp = sub->nout = 0;
		for (c = 0; c < sub->nclass; c++)
			if (m->in_msa[sub->labels[c]]) {
				sub->grp_label[sub->ngrp] = sub->labels[c];
				sub->grp[sub->ngrp++] = (uint16_t)c;
			} else {
				sub->out_label[sub->nout] = sub->labels[c];
				sub->out[sub->nout++] = (uint16_t)c;
			}
		/*
		 * Labels in out (and in grp) once each (the usual case):
		 * script_share() can make its additions to them in one pass over
		 * the labels, eight at a time, not a store to each in turn (which
		 * the eight-wide reads of the labels after it then wait on).
		 */
		sub->out_once = class_at(sub->out_label, sub->out, sub->nout, sub->out_at);
		sub->grp_once = class_at(sub->grp_label, sub->grp, sub->ngrp, sub->grp_at);
	}
	for (i = 0; i < LID_RSQRT_N; i++)
		m->rsqrt[i] = lid_rsqrt(i);
	return 0;
}

static int load_fail(struct lid_model *m, int ret)
{
	model_release(m);
	free(m);
	return ret;
}

/* pos moved past the padding to the next multiple of 64 that ends a section, at most to end */
static size_t skip_pad(size_t pos, size_t end)
{
	pos = (pos + 63) & ~(size_t)63;
	return pos < end ? pos : end;
}

#define MODEL_SIG "ayak-lid model\n"

/*
 * The head of a model file of size bytes, from its first n bytes: the
 * signature, the text part (up to its empty line: textlen bytes, then
 * "\n\n"), the header into *h and the end of the header into *off, and
 * the size the header gives, which must be the file's.  0 when all is
 * right, -1 (err set) when not, 1 when p[0..n) ends before the header
 * (n < size): more must be read to tell.
 */
static int model_head(const unsigned char *p, size_t n, size_t size, const char *name,
		      size_t *textlen, struct lid_file_head *h, size_t *off, struct ayak_err *err)
{
	size_t t;

	if (n < sizeof(MODEL_SIG) - 1 || memcmp(p, MODEL_SIG, sizeof(MODEL_SIG) - 1))
		return ayak_err_set(err, AYAK_E_SYS, "%s: not an ayak-lid model", name);
	/* the text ends at the first empty line */
	for (t = 0; t + 1 < n; t++)
		if (p[t] == '\n' && p[t + 1] == '\n')
			break;
	if (t + 1 >= n)
		return n < size ? 1 :
		       ayak_err_set(err, AYAK_E_SYS, "%s: truncated model (the text part does not end)",
				    name);
	*textlen = t;
	*off = (t + 2 + 63) & ~(size_t)63;
	if (*off > size || size - *off < sizeof(*h))
		return ayak_err_set(err, AYAK_E_SYS, "%s: truncated model (%zu bytes, no header)", name,
				    size);
	if (*off > n || n - *off < sizeof(*h))
		return 1;
	memcpy(h, p + *off, sizeof(*h));
	if (memcmp(h->magic, LID_MAGIC, 8))
		return corrupt(err, name, "bad header");
	if (h->format != LID_FORMAT)
		return ayak_err_set(err, AYAK_E_SYS,
				    "%s: unsupported model format %u (this ayak-lid reads %d)", name,
				    h->format, LID_FORMAT);
	*off += sizeof(*h);
	if (h->payload > size - *off)
		return ayak_err_set(err, AYAK_E_SYS, "%s: truncated model (%zu of %llu bytes)", name,
				    size, (unsigned long long)(*off + h->payload));
	if (h->payload < size - *off)
		return corrupt(err, name, "trailing bytes");
	return 0;
}

/* The model in buf[0..n), which it takes (and frees, on failure too). */
static struct lid_model *model_parse(unsigned char *buf, size_t n, const char *name,
				     unsigned flags, struct ayak_err *err)
{
	struct lid_model *m = calloc(1, sizeof(*m));
	const unsigned char *p;
	struct lid_file_head h;
	size_t textlen, off, end, i, pos;
	const char *nl;
	const struct lid_file_marker *marks;
	const uint64_t *dict;

	if (!m) {
		huge_free(buf, n);
		ayak_err_set(err, AYAK_E_SYS, "%s: out of memory", name);
		return NULL;
	}
	m->size = n;
	m->buf = buf;
	p = m->buf;
	if (model_head(p, n, n, name, &textlen, &h, &off, err)) {
		load_fail(m, -1);
		return NULL;
	}
	m->about = malloc(textlen + 2);
	if (!m->about) {
		ayak_err_set(err, AYAK_E_SYS, "%s: out of memory", name);
		load_fail(m, -1);
		return NULL;
	}
	memcpy(m->about, p, textlen + 1);
	m->about[textlen + 1] = '\0';
	for (i = 0; i < textlen + 1; i++)
		if (m->about[i] == '\0')
			m->about[i] = ' ';
	snprintf(m->version, sizeof(m->version), "unknown");
	nl = strstr(m->about, "\nversion: ");
	if (nl) {
		const char *v = nl + 10;
		size_t l = strcspn(v, "\n");

		if (l >= sizeof(m->version))
			l = sizeof(m->version) - 1;
		memcpy(m->version, v, l);
		m->version[l] = '\0';
	}
	if (!(flags & LID_LOAD_NO_CHECKSUM) && lid_checksum(p, off - sizeof(h), &h, p + off,
							   (size_t)h.payload) != h.checksum) {
		corrupt(err, name, "checksum mismatch");
		load_fail(m, -1);
		return NULL;
	}
	end = n;
	pos = off;
#define NEED(bytes, what) do { \
		if ((bytes) > end - pos) { corrupt(err, name, what); load_fail(m, -1); return NULL; } \
	} while (0)
	if (h.flags & ~(uint32_t)(LID_HAS_HAN | LID_HAS_NB)) {
		corrupt(err, name, "unknown flags");
		load_fail(m, -1);
		return NULL;
	}
	if (h.nlabels < 1 || h.nlabels > LID_MAX_LABELS || h.nsubs > LID_MAX_SUBS ||
	    h.nmarkers > (1u << 24)) {
		corrupt(err, name, "bad counts");
		load_fail(m, -1);
		return NULL;
	}
	NEED((size_t)h.nlabels * LID_LABEL_MAX, "labels cut short");
	m->labels = (const char (*)[LID_LABEL_MAX])(p + pos);
	m->nlabels = h.nlabels;
	for (i = 0; i < h.nlabels; i++) {
		const char *l = m->labels[i];
		size_t k, len = strnlen(l, LID_LABEL_MAX);

		if (len == 0 || len == LID_LABEL_MAX) {
			corrupt(err, name, "bad label");
			load_fail(m, -1);
			return NULL;
		}
		for (k = 0; k < len; k++)
			if (!((l[k] >= 'a' && l[k] <= 'z') || (l[k] >= 'A' && l[k] <= 'Z') || l[k] == '_')) {
				corrupt(err, name, "bad label");
				load_fail(m, -1);
				return NULL;
			}
	}
	pos += (size_t)h.nlabels * LID_LABEL_MAX;
	NEED((size_t)h.nmarkers * sizeof(struct lid_file_marker), "markers cut short");
	marks = (const struct lid_file_marker *)(p + pos);
	pos += (size_t)h.nmarkers * sizeof(struct lid_file_marker);
	m->suffix_lens = h.suffix_lens;
	if (h.flags & LID_HAS_HAN) {
		NEED(2 * (LID_HAN_BITS / 8), "Han tables cut short");
		m->hans = p + pos;
		m->hant = p + pos + LID_HAN_BITS / 8;
		pos += 2 * (LID_HAN_BITS / 8);
	}
	if (h.ndict > (1u << 24)) {
		corrupt(err, name, "bad counts");
		load_fail(m, -1);
		return NULL;
	}
	NEED((size_t)h.ndict * 8, "dictionary cut short");
	dict = (const uint64_t *)(p + pos);
	pos += (size_t)h.ndict * 8;
	if (h.flags & LID_HAS_NB) {
		if (h.nb_bits < LID_NB_MIN_BITS || h.nb_bits > LID_MAX_BITS ||
		    !(h.nb_scale > 0 && h.nb_scale < 1) || !(h.nb_weight >= 0 && h.nb_weight <= 100)) {
			corrupt(err, name, "bad word odds");
			load_fail(m, -1);
			return NULL;
		}
		pos = skip_pad(pos, end);
		NEED((size_t)1 << h.nb_bits, "word odds cut short");
		m->nb = (const int8_t *)(p + pos);
		m->nb_bits = h.nb_bits;
		m->nb_scale = h.nb_scale;
		m->nb_weight = h.nb_weight;
		pos += (size_t)1 << h.nb_bits;
	}
	m->mark_weight = (unsigned)-1;	/* not yet seen: the first submodel with markers sets it */
	for (i = 0; i < h.nsubs; i++) {
		struct lid_file_sub fs;
		struct lid_sub *s = &m->subs[i];
		size_t rows, c;

		pos = skip_pad(pos, end);
		NEED(sizeof(fs), "submodel cut short");
		memcpy(&fs, p + pos, sizeof(fs));
		pos += sizeof(fs);
		if (fs.nclass < 1 || fs.stride > LID_MAX_STRIDE || fs.stride < fs.nclass ||
		    fs.stride % 16 || fs.bits < 4 || fs.bits > LID_MAX_BITS ||
		    !memchr(fs.name, '\0', sizeof(fs.name)) || !(fs.scale > 0 && fs.scale < 1e6f) ||
		    fs.mark_weight > LID_MAX_MARK_WEIGHT ||
		    ((fs.flags & LID_F_MARK) && m->mark_weight != (unsigned)-1 &&
		     m->mark_weight != fs.mark_weight)) {
			corrupt(err, name, "bad submodel");
			load_fail(m, -1);
			return NULL;
		}
		memcpy(s->name, fs.name, sizeof(s->name));
		s->nclass = fs.nclass;
		s->stride = fs.stride;
		s->bits = fs.bits;
		s->flags = fs.flags;
		s->scale = fs.scale;
		if (fs.flags & LID_F_MARK)
			m->mark_weight = fs.mark_weight;
		NEED((size_t)fs.stride * 2, "submodel cut short");
		s->labels = (const uint16_t *)(p + pos);
		for (c = 0; c < fs.stride; c++)
			if (s->labels[c] >= h.nlabels) {
				corrupt(err, name, "bad submodel label");
				load_fail(m, -1);
				return NULL;
			}
		pos += (size_t)fs.stride * 2;
		pos = (pos + 3) & ~(size_t)3;
		if (pos > end)
			pos = end;
		NEED((size_t)fs.stride * 4, "submodel cut short");
		memcpy(s->bias, p + pos, (size_t)fs.stride * sizeof(float));
		for (c = 0; c < fs.stride; c++)
			if (!isfinite(s->bias[c]) || fabsf(s->bias[c]) > 1e6f) {
				corrupt(err, name, "bad bias");
				load_fail(m, -1);
				return NULL;
			}
		pos += (size_t)fs.stride * 4;
		pos = skip_pad(pos, end);
		rows = (size_t)1 << fs.bits;
		NEED(rows * fs.stride, "weights cut short");
		s->w = (const int8_t *)(p + pos);
		pos += rows * fs.stride;
	}
	if (pos != end) {
		corrupt(err, name, "sizes do not add up");
		load_fail(m, -1);
		return NULL;
	}
#undef NEED
	m->nsubs = h.nsubs;
	if (m->mark_weight == (unsigned)-1)
		m->mark_weight = 0;
	if (lid_model_index(m, marks, h.nmarkers, dict, h.ndict, err)) {
		char why[sizeof(err->msg)];

		snprintf(why, sizeof(why), "%s", err->msg);
		/* the file's fault (AYAK_E_DATA), or memory running out, which is not */
		if (err->code == AYAK_E_DATA)
			corrupt(err, name, why);
		else
			ayak_err_set(err, AYAK_E_SYS, "%s: %s", name, why);
		load_fail(m, -1);
		return NULL;
	}
	return m;
}

struct lid_model *lid_model_parse(const void *data, size_t n, const char *name,
				  unsigned flags, struct ayak_err *err)
{
	unsigned char *buf = huge_zalloc(n);

	if (!buf) {
		ayak_err_set(err, AYAK_E_SYS, "%s: out of memory", name);
		return NULL;
	}
	memcpy(buf, data, n);
	return model_parse(buf, n, name, flags, err);
}

/* Up to n bytes of fd into buf, fewer only at its end: how many, or -1 (errno set). */
static ssize_t read_full(int fd, unsigned char *buf, size_t n)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r = read(fd, buf + got, n - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

/*
 * Its head first, so that a file that is no model (or not of the size its
 * header gives) is refused at once, however large; then the rest, straight
 * into the buffer the model keeps: 6.5 MB copied once, not twice.
 */
struct lid_model *lid_model_load(const char *path, struct ayak_err *err)
{
	struct stat st;
	unsigned char head[4096], *buf = NULL;
	struct lid_file_head h;
	size_t size, textlen, off;
	ssize_t got, rest = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		ayak_err_sys(err, errno, "%s", path);
		return NULL;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		if (!S_ISREG(st.st_mode))
			ayak_err_set(err, AYAK_E_SYS, "%s: not a regular file", path);
		else
			ayak_err_sys(err, errno, "%s", path);
		close(fd);
		return NULL;
	}
	size = (size_t)st.st_size;
	got = read_full(fd, head, size < sizeof(head) ? size : sizeof(head));
	if (got < 0 || model_head(head, (size_t)got, size, path, &textlen, &h, &off, err) < 0)
		goto fail;
	buf = huge_zalloc(size);
	if (!buf) {
		ayak_err_set(err, AYAK_E_SYS, "%s: out of memory", path);
		goto fail;
	}
	memcpy(buf, head, (size_t)got);
	rest = read_full(fd, buf + got, size - (size_t)got);
	if (rest < 0)
		goto fail;
	close(fd);
	return model_parse(buf, (size_t)(got + rest), path, 0, err);
fail:
	if (got < 0 || rest < 0)
		ayak_err_sys(err, errno, "%s", path);
	huge_free(buf, size);
	close(fd);
	return NULL;
}

size_t lid_model_nlabels(const struct lid_model *m)
{
	return m->nlabels;
}

const char *lid_model_label(const struct lid_model *m, size_t i)
{
	return i < m->nlabels ? m->labels[i] : "und";
}

int lid_model_find(const struct lid_model *m, const char *name)
{
	size_t i;

	for (i = 0; i < m->nlabels; i++)
		if (!strncmp(m->labels[i], name, LID_LABEL_MAX))
			return (int)i;
	return -1;
}

const char *lid_model_about(const struct lid_model *m)
{
	return m->about;
}

const char *lid_model_version(const struct lid_model *m)
{
	return m->version;
}

int lid_model_word_odds(const struct lid_model *m, unsigned *bits, float *weight)
{
	*bits = m->nb ? m->nb_bits : 0;
	*weight = m->nb ? m->nb_weight : 0;
	return m->nb != NULL;
}

/* ---- classifying ---- */

/*
 * A text is read a part (PART_WORDS words) at a time, and each submodel's
 * rows summed over the parts: the memory a text takes does not grow with
 * it.  The sums are of integers, so they are the same whatever the parts.
 */
#define PART_WORDS 4096

struct lid_sum {
	int64_t acc[LID_MAX_STRIDE];	/* the rows of its features, summed */
	size_t nf;			/* how many */
};

/*
 * The word cache.  What a word gives a submodel by itself (its character
 * n-grams, the word, its dictionary and marker features) is the sum of a
 * row per feature: a row per letter or more, scattered over megabytes.
 * The sum is kept per word, so a word seen again costs one lookup.  The
 * sums are exact integers, and a text's totals are the same with the cache
 * as without; the features a word takes from its neighbours (pairs of
 * words, n-grams across the space) are read each time.  Direct-mapped on
 * the word's hash; an entry is a head, then int16 sums for the submodel
 * and, for the Latin script, the msa submodel.  Words with more than
 * WC_MAX_FEATS features, whose sums int16 might not hold, are not kept.
 */
/*
 * 14: 6% faster than 13 on the web corpus, the same on sentences; 15 was
 * 1% slower on sentences.  In huge pages (huge_zalloc()), 15 is 8% faster
 * than 14 in 4 KB pages on the web corpus, 7% on real pages and 4% on
 * sentences; 16 gains no more.
 */
#define WC_BITS 15
#define WC_HEAD 32			/* bytes before the sums, which huge_zalloc() leaves 32-byte aligned */
#define WC_MAX_FEATS 255		/* 255 * 128 < 32768 */
#define WC_AHEAD 4			/* words ahead whose entries are asked for */
#define NB_AHEAD 32			/* buckets of the word odds asked for ahead */
#define ENDS_MAX 256			/* line ends kept before their lines are read */

struct wc_head {
	uint64_t key;			/* the word's hash (mixed with its case if it counts); 0: empty */
	uint16_t nf[2];			/* features: for the submodel, for msa */
	uint16_t marks;			/* its marker bits */
	int8_t nb;			/* its word odds (Latin words, msa models with them) */
};

struct word_cache {
	unsigned char *mem;		/* 2^WC_BITS entries of size bytes; NULL until used */
	size_t size;
	uint32_t na, nb;		/* sums kept: the submodel's stride, the msa submodel's (0: none) */
};

struct lid_classifier {
	const struct lid_model *m;
	struct lid_text t;
	struct lid_raw raw;		/* features of one script in a part, before bucketing */
	struct lid_raw raw_latn;	/* those of the Latin script, until the msa submodel has them */
	struct lid_feats f;
	struct lid_feats nbf;		/* word odds buckets of the Latin words of a part */
	int pending;			/* raw_latn and nbf are not in the sums yet */
	struct lid_sum sum[LID_MAX_SUBS];	/* per submodel */
	struct lid_prev prev[LID_MAX_SUBS];	/* per submodel: the word before the part */
	unsigned used;			/* bit i: sum[i] and prev[i] are not cleared */
	uint64_t *pairs;		/* pair_hashes() of the words of a part */
	size_t pairs_alloc;
	int64_t nb_sum;			/* the word odds summed */
	size_t nb_n;			/* over this many buckets */
	float *probs;
	float logit[LID_MAX_STRIDE];
	float sp[LID_MAX_STRIDE];	/* the softmax of a script's submodel */
	float sp_grp[LID_MAX_STRIDE];	/* and of the msa group's, for the Latin script */
	int32_t acc[LID_MAX_STRIDE];
	struct word_cache wc[LID_MAX_SUBS];	/* per submodel of a script */
	size_t wc_max;			/* words with more features are not kept (0: no cache) */
	size_t wc_hits;			/* words found in the cache (for the tests) */
	struct {
		struct wc_head head;
		unsigned char pad[WC_HEAD - sizeof(struct wc_head)];
		int16_t sums[2 * LID_MAX_STRIDE];
	} wc_one __attribute__((aligned(32)));	/* the entry of a word when there is no cache */
	int32_t wacc[LID_MAX_STRIDE];	/* a script's word sums in a part */
	int32_t macc[LID_MAX_STRIDE];	/* the msa submodel's of the Latin words, until pending is done */
	size_t mnf;			/* over this many features */
	uint64_t wkeys[WORD_KEYS(WORD_MAX, LID_MAX_MARK_WEIGHT)];	/* a word's own raw features */
	uint32_t wf[2 * WORD_KEYS(WORD_MAX, LID_MAX_MARK_WEIGHT)];	/* their buckets, per submodel */
	float nb_weight;		/* of the word odds, for this text (0: none, or no table) */
	size_t blank;			/* letters of scripts whose words gave their model no features */
	int nomem;			/* an allocation failed on this text */
	/* lid_opts.lines: the counts at the lines' ends (see line_end()), and the lines' results */
	int64_t *ends_v;		/* the counts, one record after another */
	size_t ends_vn, ends_valloc;
	struct line_mark {
		size_t at;		/* its counts in ends_v */
		size_t letters;		/* the line's letters (0: where the next line starts only) */
	} ends[ENDS_MAX], order[ENDS_MAX];
	size_t nends;
	size_t end_letters, end_feats;	/* at the last end kept: letters, features and word odds */
	size_t mixed_letters;		/* of the lines already in mix */
	int lines_all;			/* tests: every line read (lid_classifier_lines_all()) */
	float *probs_text;		/* the text's own, while its lines are read */
	double *mix;			/* the lines' probabilities, times their letters, summed */
	uint16_t *others;		/* the labels of languages other than the text's, in order */
	size_t lines, line_letters;	/* lines with letters, and their letters */
	unsigned char *malayic;		/* per label: Malay or a Malayic neighbour */
	struct why *why;		/* lid_classifier_explain(): what each word adds; NULL: off */
};

/*
 * The labels of the msa submodel's group but English, and Malaysian and
 * Indonesian Malay in any model: languages so close that a line of one
 * is often read as another, where the whole text is not (see lines_decide()).
 */
static void malayic_labels(const struct lid_model *m, unsigned char *malayic)
{
	static const char *const malay[] = { "zsm_Latn", "ind_Latn" };
	int eng = lid_model_find(m, "eng_Latn"), k;
	size_t j;

	if (m->msa >= 0)
		for (j = 0; j < m->subs[m->msa].ngrp; j++)
			malayic[m->subs[m->msa].grp_label[j]] = 1;
	for (k = 0; k < 2; k++) {
		int label = lid_model_find(m, malay[k]);

		if (label >= 0)
			malayic[label] = 1;
	}
	if (eng >= 0)
		malayic[eng] = 0;
}

struct lid_classifier *lid_classifier_new(const struct lid_model *m)
{
	/* wc_one asks for 32-byte alignment, more than calloc() promises */
	const size_t align = _Alignof(struct lid_classifier);
	struct lid_classifier *c = aligned_alloc(align, (sizeof(*c) + align - 1) / align * align);

	if (!c)
		return NULL;
	memset(c, 0, sizeof(*c));
	c->m = m;
	c->wc_max = WC_MAX_FEATS;
	lid_text_init(&c->t);
	c->probs = calloc(m->nlabels, sizeof(*c->probs));
	c->mix = calloc(m->nlabels, sizeof(*c->mix));
	c->probs_text = calloc(m->nlabels, sizeof(*c->probs_text));
	c->malayic = calloc(m->nlabels, 1);
	c->others = calloc(m->nlabels, sizeof(*c->others));
	if (!c->probs || !c->mix || !c->probs_text || !c->malayic || !c->others) {
		lid_classifier_free(c);
		return NULL;
	}
	malayic_labels(m, c->malayic);
	return c;
}

void lid_classifier_free(struct lid_classifier *c)
{
	size_t i;

	if (!c)
		return;
	lid_text_release(&c->t);
	free(c->raw.key);
	free(c->raw_latn.key);
	free(c->f.v);
	free(c->nbf.v);
	free(c->pairs);
	free(c->probs);
	free(c->mix);
	free(c->probs_text);
	free(c->ends_v);
	free(c->malayic);
	free(c->others);
	lid_classifier_explain(c, 0);
	for (i = 0; i < LID_MAX_SUBS; i++)
		huge_free(c->wc[i].mem, ((size_t)1 << WC_BITS) * c->wc[i].size);
	free(c);
}

void lid_classifier_lines_all(struct lid_classifier *c, int all)
{
	c->lines_all = all;
}

size_t lid_classifier_cache(struct lid_classifier *c, size_t max_feats)
{
	if (max_feats != SIZE_MAX)
		c->wc_max = max_feats < WC_MAX_FEATS ? max_feats : WC_MAX_FEATS;
	return c->wc_hits;
}

/*
 * acc[0..stride) += the rows of the features.  The sums are exact integer
 * sums, so every path below gives the same result: AVX2 when the CPU has
 * it (chosen at run time), else SSE2, else plain C.  16-bit partial sums
 * are flushed to 32 bits every 256 rows (256 * 127 < 32768).  The loop
 * waits on memory: the rows are scattered over megabytes.
 */
#define ROW_AHEAD 16	/* rows asked for before they are added */

static void accumulate_c(const int8_t *w, size_t stride, const uint32_t *f, size_t nf,
			 int32_t *acc)
{
	size_t i, j;

	for (i = 0; i < nf; i++) {
		const int8_t *row = w + (size_t)f[i] * stride;

		for (j = 0; j < stride; j++)
			acc[j] += row[j];
	}
}

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

/* acc[0..n) += the 16-bit partial sums of up to 256 rows */
static inline void add_partial(int32_t *acc, const int16_t *part, size_t n)
{
	size_t k;

	for (k = 0; k < n; k++)
		acc[k] += part[k];
}

static void accumulate_sse2(const int8_t *w, size_t stride, const uint32_t *f, size_t nf,
			    int32_t *acc)
{
	__m128i a16[LID_MAX_STRIDE / 8];
	int16_t part[LID_MAX_STRIDE];
	size_t nv = stride / 8, done = 0, i, j;

	while (done < nf) {
		size_t chunk = nf - done < 256 ? nf - done : 256;

		for (j = 0; j < nv; j++)
			a16[j] = _mm_setzero_si128();
		for (i = done; i < done + chunk; i++) {
			const int8_t *row = w + (size_t)f[i] * stride;

			if (i + ROW_AHEAD < nf)
				__builtin_prefetch(w + (size_t)f[i + ROW_AHEAD] * stride);
			for (j = 0; j < nv; j += 2) {
				__m128i x = _mm_load_si128((const __m128i *)(row + 8 * j));
				__m128i lo = _mm_srai_epi16(_mm_unpacklo_epi8(x, x), 8);
				__m128i hi = _mm_srai_epi16(_mm_unpackhi_epi8(x, x), 8);

				a16[j] = _mm_add_epi16(a16[j], lo);
				a16[j + 1] = _mm_add_epi16(a16[j + 1], hi);
			}
		}
		for (j = 0; j < nv; j++)
			_mm_storeu_si128((__m128i *)(part + 8 * j), a16[j]);
		add_partial(acc, part, stride);
		done += chunk;
	}
}

/* a16[0..nv) += the row's nv 16-byte blocks, widened to 16 bits */
__attribute__((target("avx2"), always_inline))
static inline void add_row16(__m256i *a16, const int8_t *row, size_t nv)
{
	size_t j;

#pragma GCC unroll 4
	for (j = 0; j < nv; j++)
		a16[j] = _mm256_add_epi16(a16[j], _mm256_cvtepi8_epi16(
						  _mm_load_si128((const __m128i *)(row + 16 * j))));
}

/*
 * nv 32-byte vectors of 16-bit sums.  Inlined below with nv a constant for
 * the strides the models have (16 to 64 labels): the sums then stay in
 * registers, not on the stack, a quarter less time for the whole program.
 * With out16 (and nf <= 256) the 16-bit sums go there, not to acc.
 */
__attribute__((target("avx2"), always_inline))
static inline void accumulate_avx2_nv(const int8_t *w, size_t stride, const uint32_t *f,
				      size_t nf, int32_t *acc, int16_t *out16, size_t nv)
{
	__m256i a16[LID_MAX_STRIDE / 16];
	int16_t part[LID_MAX_STRIDE];
	size_t done = 0, i, j;

	do {
		size_t chunk = nf - done < 256 ? nf - done : 256;

#pragma GCC unroll 4
		for (j = 0; j < nv; j++)
			a16[j] = _mm256_setzero_si256();
		/* the rows with one ROW_AHEAD after them to ask for, then the rest: no test a row */
		for (i = done; i < done + chunk && i + ROW_AHEAD < nf; i++) {
			__builtin_prefetch(w + (size_t)f[i + ROW_AHEAD] * stride);
			add_row16(a16, w + (size_t)f[i] * stride, nv);
		}
		for (; i < done + chunk; i++)
			add_row16(a16, w + (size_t)f[i] * stride, nv);
		for (j = 0; j < nv; j++)
			_mm256_storeu_si256((__m256i *)((out16 ? out16 : part) + 16 * j), a16[j]);
		if (out16)
			return;
		add_partial(acc, part, 16 * nv);
		done += chunk;
	} while (done < nf);
}

__attribute__((target("avx2")))
static void accumulate_avx2(const int8_t *w, size_t stride, const uint32_t *f, size_t nf,
			    int32_t *acc, int16_t *out16)
{
	switch (stride / 16) {
	case 1:
		accumulate_avx2_nv(w, stride, f, nf, acc, out16, 1);
		break;
	case 2:
		accumulate_avx2_nv(w, stride, f, nf, acc, out16, 2);
		break;
	case 3:
		accumulate_avx2_nv(w, stride, f, nf, acc, out16, 3);
		break;
	case 4:
		accumulate_avx2_nv(w, stride, f, nf, acc, out16, 4);
		break;
	default:
		accumulate_avx2_nv(w, stride, f, nf, acc, out16, stride / 16);
	}
}

/*
 * Whether the CPU has AVX2, asked once as the program starts: the hot
 * loops' dispatch is then one load, not a test that the answer is in.
 */
static int avx2_flag;

__attribute__((constructor)) static void avx2_ask(void)
{
	__builtin_cpu_init();
	avx2_flag = __builtin_cpu_supports("avx2") ? 1 : 0;
}

static inline int have_avx2(void)
{
	return avx2_flag;
}
#endif

void lid_accumulate(const int8_t *w, size_t stride, const uint32_t *f, size_t nf, int32_t *acc,
		    enum lid_path path)
{
	size_t i;

	memset(acc, 0, stride * sizeof(*acc));
	/* the loops ask for row i + ROW_AHEAD as they add row i: these first */
	for (i = 0; i < nf && i < ROW_AHEAD; i++)
		__builtin_prefetch(w + (size_t)f[i] * stride);
#if defined(__x86_64__) && defined(__GNUC__)
	if (path == LID_PATH_BEST && have_avx2()) {
		accumulate_avx2(w, stride, f, nf, acc, NULL);
		return;
	}
	if (path != LID_PATH_C) {
		accumulate_sse2(w, stride, f, nf, acc);
		return;
	}
#endif
	accumulate_c(w, stride, f, nf, acc);
}

/*
 * out[0..stride) = the sum of the rows of f[0..nf), nf <= 256 (int16 holds
 * 256 * 127 of either sign): the sums of one word's features, which the
 * word cache keeps.
 */
static void row_sums16_c(const int8_t *w, size_t stride, const uint32_t *f, size_t nf,
			 int16_t *out)
{
	size_t i, j;

	memset(out, 0, stride * sizeof(*out));
	for (i = 0; i < nf; i++)
		for (j = 0; j < stride; j++)
			out[j] = (int16_t)(out[j] + w[(size_t)f[i] * stride + j]);
}

void lid_row_sums16(const int8_t *w, size_t stride, const uint32_t *f, size_t nf, int16_t *out,
		    enum lid_path path)
{
#if defined(__x86_64__) && defined(__GNUC__)
	if (path == LID_PATH_BEST && have_avx2()) {
		accumulate_avx2(w, stride, f, nf, NULL, out);
		return;
	}
#endif
	(void)path;
	row_sums16_c(w, stride, f, nf, out);
}

/* No branch: the types are mixed, and a branch on them is mispredicted. */
static size_t bucket_keys_c(const uint64_t *key, size_t n, unsigned flags, unsigned bits,
			    uint32_t *v)
{
	unsigned shift = 64 - bits;
	uint8_t keep[16];
	size_t i, o = 0;

	/* looked up, not shifted out of the flags: x86 shifts by one register, and the bucket takes it */
	for (i = 0; i < sizeof(keep); i++)
		keep[i] = flags >> i & 1;
	for (i = 0; i < n; i++) {
		v[o] = (uint32_t)(key[i] >> shift);
		o += keep[key[i] & 15];
	}
	return o;
}

#if defined(__x86_64__) && defined(__GNUC__)
/*
 * Four keys at a time: their buckets, which to keep (the flag of each type,
 * by a shift of the flags per lane), and those packed to the front by a
 * permutation looked up from the 4-bit mask.  Each store writes four
 * buckets, of which the ones not kept are written over by the next: it never
 * passes v[n - 1], since at most i of the first i keys are kept.
 */
__attribute__((target("avx2")))
static size_t bucket_keys_avx2(const uint64_t *key, size_t n, unsigned flags, unsigned bits,
			       uint32_t *v)
{
	/* for each mask, the low 32 bits of the lanes it keeps (lane j: element 2j), in order */
	static const int32_t pack[16][8] __attribute__((aligned(32))) = {
		{ 0 }, { 0 }, { 2 }, { 0, 2 }, { 4 }, { 0, 4 }, { 2, 4 }, { 0, 2, 4 },
		{ 6 }, { 0, 6 }, { 2, 6 }, { 0, 2, 6 }, { 4, 6 }, { 0, 4, 6 }, { 2, 4, 6 },
		{ 0, 2, 4, 6 },
	};
	static const uint8_t kept[16] = { 0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4 };
	const __m128i shift = _mm_cvtsi32_si128((int)(64 - bits));
	const __m256i fl = _mm256_set1_epi64x((long long)flags), fifteen = _mm256_set1_epi64x(15);
	size_t i, o = 0;

	for (i = 0; i + 4 <= n; i += 4) {
		__m256i k = _mm256_loadu_si256((const __m256i *)(key + i));
		__m256i b = _mm256_srl_epi64(k, shift);
		__m256i keep = _mm256_srlv_epi64(fl, _mm256_and_si256(k, fifteen));
		int m = _mm256_movemask_pd(_mm256_castsi256_pd(_mm256_slli_epi64(keep, 63)));
		__m256i p = _mm256_permutevar8x32_epi32(b, _mm256_load_si256((const __m256i *)pack[m]));

		_mm_storeu_si128((__m128i *)(v + o), _mm256_castsi256_si128(p));
		o += kept[m];
	}
	/* the last few: bucket_keys_c() would first fill its table */
	for (; i < n; i++) {
		v[o] = (uint32_t)(key[i] >> (64 - bits));
		o += flags >> (key[i] & 15) & 1;
	}
	return o;
}
#endif

size_t lid_bucket_keys(const uint64_t *key, size_t n, unsigned flags, unsigned bits, uint32_t *v,
		       enum lid_path path)
{
	if (!n)	/* key and v may be NULL: no pointer arithmetic on them */
		return 0;
#if defined(__x86_64__) && defined(__GNUC__)
	if (path == LID_PATH_BEST && have_avx2())
		return bucket_keys_avx2(key, n, flags, bits, v);
#endif
	(void)path;
	return bucket_keys_c(key, n, flags, bits, v);
}

/*
 * A submodel's 32-bit sums into its 64-bit ones, once per part: in a
 * scalar loop, 4% of a one-word text's time.
 */
#if defined(__x86_64__) && defined(__GNUC__)
__attribute__((target("avx2")))
static void add_wide_avx2(int64_t *acc, const int32_t *v, size_t n)
{
	size_t k;

	for (k = 0; k + 4 <= n; k += 4) {
		__m256i a = _mm256_loadu_si256((const __m256i *)(acc + k));
		__m256i x = _mm256_cvtepi32_epi64(_mm_loadu_si128((const __m128i *)(v + k)));

		_mm256_storeu_si256((__m256i *)(acc + k), _mm256_add_epi64(a, x));
	}
	for (; k < n; k++)
		acc[k] += v[k];
}
#endif

void lid_add_wide(int64_t *acc, const int32_t *v, size_t n, enum lid_path path)
{
	size_t k;

#if defined(__x86_64__) && defined(__GNUC__)
	if (path == LID_PATH_BEST && have_avx2()) {
		add_wide_avx2(acc, v, n);
		return;
	}
#endif
	(void)path;
	for (k = 0; k < n; k++)
		acc[k] += v[k];
}

/*
 * The types of feature a word takes from the word before it (n-grams
 * across the space, the pair, the pair's markers): all that script_part()
 * leaves in raw for sum_add().
 */
#define FROM_PREV (LID_F_CROSS | LID_F_BIGRAM | LID_F_MARK)

/* Add the buckets of the raw features that submodel i takes to its sums; -1 on ENOMEM. */
static int sum_add(struct lid_classifier *c, size_t i, const struct lid_raw *raw)
{
	const struct lid_sub *s = &c->m->subs[i];
	struct lid_sum *sm = &c->sum[i];
	int nf;

	if (!(s->flags & FROM_PREV))	/* nothing in raw it takes */
		return 0;
	c->f.n = 0;
	nf = bucket_features(raw, s->flags, s->bits, &c->f);
	if (nf <= 0)
		return nf;
	lid_accumulate(s->w, s->stride, c->f.v, c->f.n, c->acc, LID_PATH_BEST);
	lid_add_wide(sm->acc, c->acc, s->nclass, LID_PATH_BEST);
	sm->nf += (size_t)nf;
	return 0;
}

/*
 * A cached word's sums into the part's: wacc[0..na) += v[0..na) and, if
 * nb, macc[0..nb) += v[na..na + nb); na and nb multiples of 16, v 16-byte
 * aligned.  Sixteen labels a step, unrolled whole for the strides the
 * models have (the commonest addition of all), in one call for the two.
 */
#if defined(__x86_64__) && defined(__GNUC__)
__attribute__((target("avx2"), always_inline))
static inline void add16_to32_nv(int32_t *acc, const int16_t *v, size_t nv)
{
	size_t j;

#pragma GCC unroll 4
	for (j = 0; j < nv; j++) {
		int32_t *a = acc + 16 * j;
		const int16_t *x = v + 16 * j;

		_mm256_storeu_si256((__m256i *)a,
				    _mm256_add_epi32(_mm256_loadu_si256((const __m256i *)a),
						     _mm256_cvtepi16_epi32(_mm_load_si128((const __m128i *)x))));
		_mm256_storeu_si256((__m256i *)(a + 8),
				    _mm256_add_epi32(_mm256_loadu_si256((const __m256i *)(a + 8)),
						     _mm256_cvtepi16_epi32(_mm_load_si128((const __m128i *)(x + 8)))));
	}
}

__attribute__((target("avx2")))
static void add_word_sums_avx2(int32_t *wacc, const int16_t *v, size_t na, int32_t *macc,
			       size_t nb)
{
	switch (na / 16) {
	case 1:
		add16_to32_nv(wacc, v, 1);
		break;
	case 2:
		add16_to32_nv(wacc, v, 2);
		break;
	case 3:
		add16_to32_nv(wacc, v, 3);
		break;
	case 4:
		add16_to32_nv(wacc, v, 4);
		break;
	default:
		add16_to32_nv(wacc, v, na / 16);
	}
	if (nb == 16)
		add16_to32_nv(macc, v + na, 1);
	else if (nb)
		add16_to32_nv(macc, v + na, nb / 16);
}
#endif

static inline void add_word_sums(int32_t *wacc, const int16_t *v, size_t na, int32_t *macc,
				 size_t nb)
{
#if defined(__x86_64__) && defined(__GNUC__)
	if (have_avx2()) {
		add_word_sums_avx2(wacc, v, na, macc, nb);
		return;
	}
#endif
	add_partial(wacc, v, na);
	if (nb)
		add_partial(macc, v + na, nb);
}

/* The word cache of submodel i (made when first used), or NULL: then every word is read. */
static struct word_cache *cache_of(struct lid_classifier *c, size_t i, int msa)
{
	struct word_cache *wc = &c->wc[i];

	if (!c->wc_max)
		return NULL;
	if (!wc->mem) {
		size_t na = c->m->subs[i].stride, nb = msa ? c->m->subs[c->m->msa].stride : 0;
		size_t size = (WC_HEAD + 2 * (na + nb) + 31) & ~(size_t)31;

		/* aligned, and the pages of entries never used never touched */
		wc->mem = huge_zalloc(((size_t)1 << WC_BITS) * size);
		if (!wc->mem)
			return NULL;
		wc->size = size;
		wc->na = (uint32_t)na;
		wc->nb = (uint32_t)nb;
	}
	return wc;
}

static inline struct wc_head *cache_slot(const struct word_cache *wc, uint64_t key)
{
	return (struct wc_head *)(wc->mem + (size_t)(key >> (64 - WC_BITS)) * wc->size);
}

/* The word's key in the cache: its case counts when the dictionary feature reads it. */
static inline uint64_t cache_key(const struct lid_word *wd, unsigned want)
{
	uint64_t key = wd->hash ^ ((want & LID_F_DICT) && wd->upper ? GOLDEN : 0);

	return key ? key : 1;
}

/* A Latin word's own word odds into the text's (its pairs' are added by word_odds_add()). */
static inline void word_odds_own(struct lid_classifier *c, int msa, int8_t nb)
{
	if (msa && c->nb_weight != 0) {
		c->nb_sum += nb;
		c->nb_n++;
	}
}

/*
 * The raw features word wd (letters cps) has by itself, of the types want
 * takes, into keys; its marker bits into *marks.  Returns how many.
 */
static inline __attribute__((always_inline)) size_t
own_keys(const struct lid_model *m, unsigned want, const struct lid_word *wd, const uint32_t *cps,
	 uint64_t *keys, unsigned *marks)
{
	size_t on = word_ngrams(cps, wd->len, want, keys, 0);

	if (want & LID_F_WORD)
		EMIT(5, fmix64(wd->hash ^ SEED_WORD));
	if (dict_applies(wd, want, m))
		EMIT(10, fmix64(SEED_MARK + 16 + dict_known(m, cps, wd->len)));
	*marks = (want & LID_F_MARK) ? markers_of(m, cps, wd->len, wd->hash) : 0;
	return mark_keys(*marks, mark_reps_of(m), keys, on);
}

/* A word's key in the cache and its entry there, found when it is asked for ahead (word_prefetch()). */
struct wc_ref {
	uint64_t key;
	struct wc_head *e;		/* NULL without a cache */
};

/*
 * The sums of the features word wd has by itself (want: the flags of
 * submodel i, and of msa if msa) into c->wacc and, if msa, c->macc, and
 * their counts into *nfa and c->mnf, and its word odds (word_odds_own());
 * from the cache wc when it has the word (at ref), else read and kept there.
 * Returns the word's marker bits.
 */
static unsigned word_own(struct lid_classifier *c, struct word_cache *wc, size_t i, int msa,
			 unsigned want, const struct lid_word *wd, const uint32_t *cps, size_t *nfa,
			 const struct wc_ref *ref)
{
	const struct lid_model *m = c->m;
	const struct lid_sub *sa = &m->subs[i], *sb = &m->subs[msa ? (size_t)m->msa : i];
	uint64_t key = ref->key, *keys = c->wkeys;
	struct wc_head *e = wc ? ref->e : &c->wc_one.head;
	int16_t *v = (int16_t *)((unsigned char *)e + WC_HEAD);
	size_t on, fa, fb = 0, k;
	unsigned marks;

	if (wc && e->key == key) {
		c->wc_hits++;
	} else {
		const int8_t *nb = msa && m->nb ? m->nb + nb_bucket(wd->hash, m->nb_bits) : NULL;

		if (nb)
			__builtin_prefetch(nb);	/* read below, after the rows */
		on = own_keys(m, want, wd, cps, keys, &marks);
		fa = lid_bucket_keys(keys, on, sa->flags, sa->bits, c->wf, LID_PATH_BEST);
		if (msa)
			fb = lid_bucket_keys(keys, on, sb->flags, sb->bits, c->wf + fa, LID_PATH_BEST);
		if (fa > c->wc_max || fb > c->wc_max) {
			/* too many for int16 sums (not with the shipped models): added as they are */
			lid_accumulate(sa->w, sa->stride, c->wf, fa, c->acc, LID_PATH_BEST);
			for (k = 0; k < sa->stride; k++)
				c->wacc[k] += c->acc[k];
			*nfa += fa;
			if (msa) {
				lid_accumulate(sb->w, sb->stride, c->wf + fa, fb, c->acc, LID_PATH_BEST);
				for (k = 0; k < sb->stride; k++)
					c->macc[k] += c->acc[k];
				c->mnf += fb;
			}
			word_odds_own(c, msa, nb ? *nb : 0);
			return marks;
		}
		lid_row_sums16(sa->w, sa->stride, c->wf, fa, v, LID_PATH_BEST);
		if (msa)
			lid_row_sums16(sb->w, sb->stride, c->wf + fa, fb, v + sa->stride, LID_PATH_BEST);
		e->key = key;
		e->nf[0] = (uint16_t)fa;
		e->nf[1] = (uint16_t)fb;
		e->marks = (uint16_t)marks;
		e->nb = nb ? *nb : 0;
	}
	word_odds_own(c, msa, e->nb);
	add_word_sums(c->wacc, v, sa->stride, c->macc, msa ? sb->stride : 0);
	*nfa += e->nf[0];
	if (msa)
		c->mnf += e->nf[1];
	return e->marks;
}

/*
 * Ask for what word wd will need (its cache entry, its marker slots and,
 * after another word, its pair's), which the tables are too big to hold in
 * the CPU's cache: script_part() asks WC_AHEAD words ahead, and keeps
 * the entry's place for word_own() in *ref.  Inlined by
 * force: left to itself, GCC 12 lost ten of the binary's 25 prefetches and
 * the sentences ran 12% slower.
 */
static inline __attribute__((always_inline)) void
word_prefetch(const struct lid_model *m, const struct word_cache *wc,
	      unsigned want, int pairs, const struct lid_word *wd, uint64_t ph, struct wc_ref *ref)
{
	size_t k;

	ref->key = cache_key(wd, want);
	ref->e = NULL;
	if (wc) {
		const unsigned char *b = (const unsigned char *)(ref->e = cache_slot(wc, ref->key));

		/* its lines: three for a Latin word (its sums for the general and msa submodels) */
		switch (wc->size) {
		case 192:
			__builtin_prefetch(b + 128);
			/* fall through */
		case 128:
			__builtin_prefetch(b + 64);
			/* fall through */
		case 64:
			__builtin_prefetch(b);
			break;
		default:
			for (k = 0; k < wc->size; k += 64)
				__builtin_prefetch(b + k);
		}
	}
	if (pairs) {
		if (ph)
			marker_prefetch(m, ph);
		marker_prefetch(m, wd->hash);	/* read if not in the cache */
	}
}

/*
 * The hash of each word of script in the part with the word before it
 * (lid_pair_hash(); 0 for the first, and for the words of other scripts
 * or too long), made once for the three that read it: the marker slots
 * asked for ahead, the pair's markers and, for the Latin script when the
 * model has word odds, its bucket of them (into c->nbf, whose first
 * NB_AHEAD lines are asked for: add_pending() reads them).
 */
static uint64_t *pair_hashes(struct lid_classifier *c, int script, uint64_t prev, int nb)
{
	const struct lid_text *t = &c->t;
	size_t w, i;
	uint64_t *ph;

	if (t->nwords > c->pairs_alloc) {
		ph = ayak_grow(c->pairs, &c->pairs_alloc, t->nwords, sizeof(*ph), PART_WORDS);
		if (!ph)
			return NULL;
		c->pairs = ph;
	}
	ph = c->pairs;
	if (nb && feats_reserve(&c->nbf, t->nwords))
		return NULL;
	for (w = 0; w < t->nwords; w++) {
		const struct lid_word *wd = &t->words[w];

		if (wd->script != script || wd->len > WORD_MAX) {
			ph[w] = 0;
			continue;
		}
		ph[w] = prev ? lid_pair_hash(prev, wd->hash) : 0;
		if (nb && prev)
			c->nbf.v[c->nbf.n++] = nb_bucket(ph[w], c->m->nb_bits);
		prev = wd->hash;
	}
	/* the first ones only: a burst of thousands (a long document) stalls */
	for (i = 0; nb && i < c->nbf.n && i < NB_AHEAD; i++)
		__builtin_prefetch(c->m->nb + c->nbf.v[i]);
	return ph;
}

/*
 * lid_classifier_explain(): for each Latin word the msa submodel reads,
 * and each pair of neighbouring words that adds features of its own, what
 * it adds to that submodel's sums of zsm_Latn less ind_Latn, and its word
 * odds; lid_why() scales them as the text's decision does.
 */
struct why_entry {
	uint64_t key;			/* the word's hash, or its pair's (lid_pair_hash()) */
	uint32_t pair;			/* 1: a pair */
	uint32_t slot;			/* its place in why->slot */
	uint32_t off, len;		/* its text in why->text: "word", or "word word" for a pair */
	uint64_t count;			/* times it is in the text */
	int64_t units;			/* sums, zsm_Latn less ind_Latn (times the submodel's scale) */
	int64_t nb;			/* word odds (times the model's nb_scale) */
	int64_t once;			/* the units of its last time */
	unsigned marks;			/* a word's marker bits */
};

/*
 * The entries of a text, one per word or pair, found by their hashes in an
 * open-addressing table (which cleans only the slots it used, text after
 * text).  Two words are one entry when their 64-bit hashes are.
 */
struct why {
	struct why_entry *e;
	size_t n, alloc;
	uint32_t *slot;			/* index + 1 into e; 0: empty */
	size_t mask;			/* slots - 1 */
	char *text;
	size_t ntext, text_alloc;
	struct lid_why_item *items;
	size_t items_alloc;
};

/* The msa submodel's zsm_Latn less ind_Latn over the features keys[0..n) of the types it takes. */
static int64_t why_units(struct lid_classifier *c, const uint64_t *keys, size_t n)
{
	const struct lid_model *m = c->m;
	const struct lid_sub *s = &m->subs[m->msa];
	size_t nf = n ? lid_bucket_keys(keys, n, s->flags, s->bits, c->wf, LID_PATH_BEST) : 0, k;
	int64_t units = 0;

	for (k = 0; k < nf; k++) {
		const int8_t *row = s->w + (size_t)c->wf[k] * s->stride;

		units += row[m->msa_zsm] - row[m->msa_ind];
	}
	return units;
}

static void why_clear(struct why *y)
{
	size_t i;

	for (i = 0; i < y->n; i++)
		y->slot[y->e[i].slot] = 0;
	y->n = y->ntext = 0;
}

/* The slot of (key, pair): its entry's, or the empty one it would take. */
static size_t why_slot(const struct why *y, uint64_t key, unsigned pair)
{
	size_t i = (size_t)fmix64(key + pair) & y->mask;

	while (y->slot[i]) {
		const struct why_entry *e = &y->e[y->slot[i] - 1];

		if (e->key == key && e->pair == pair)
			break;
		i = (i + 1) & y->mask;
	}
	return i;
}

/* Room for one more entry, with the table at most half full. */
static int why_room(struct why *y)
{
	size_t i;

	if (y->n == y->alloc) {
		struct why_entry *e = ayak_grow(y->e, &y->alloc, y->n + 1, sizeof(*e), 64);

		if (!e)
			return -1;
		y->e = e;
	}
	if (2 * (y->n + 1) > y->mask) {
		size_t slots = y->mask ? 2 * (y->mask + 1) : 256;
		uint32_t *t = calloc(slots, sizeof(*t));

		if (!t || slots > UINT32_MAX)
			return free(t), -1;
		free(y->slot);
		y->slot = t;
		y->mask = slots - 1;
		for (i = 0; i < y->n; i++) {
			y->e[i].slot = (uint32_t)why_slot(y, y->e[i].key, y->e[i].pair);
			y->slot[y->e[i].slot] = (uint32_t)i + 1;
		}
	}
	return 0;
}

static int why_text(struct why *y, const uint32_t *cps, size_t n)
{
	size_t i;

	if (y->ntext + 4 * n + 1 > y->text_alloc) {
		char *t = ayak_grow(y->text, &y->text_alloc, y->ntext + 4 * n + 1, 1, 1024);

		if (!t)
			return -1;
		y->text = t;
	}
	for (i = 0; i < n; i++)
		if (cps[i] < 0x80)	/* most letters */
			y->text[y->ntext++] = (char)cps[i];
		else
			y->ntext += (size_t)ayak_utf8_encode(cps[i], y->text + y->ntext);
	return 0;
}

/*
 * The entry of (key, pair), new with the text a[0..na) (a pair: a[0..na),
 * a space and b[0..nb)) and no counts when there is none yet; NULL when
 * memory ran out.
 */
static struct why_entry *why_entry_of(struct why *y, uint64_t key, unsigned pair,
				      const uint32_t *a, size_t na, const uint32_t *b, size_t nb)
{
	struct why_entry *e;
	size_t i, off;

	if (why_room(y))
		return NULL;
	i = why_slot(y, key, pair);
	if (y->slot[i])
		return &y->e[y->slot[i] - 1];
	off = y->ntext;
	if (why_text(y, a, na))
		return NULL;
	if (pair) {
		y->text[y->ntext++] = ' ';
		if (why_text(y, b, nb))
			return NULL;
	}
	e = &y->e[y->n++];
	y->slot[i] = (uint32_t)y->n;
	e->key = key;
	e->pair = pair;
	e->slot = (uint32_t)i;
	e->off = (uint32_t)off;
	e->len = (uint32_t)(y->ntext - off);
	e->count = 0;
	e->units = e->nb = e->once = 0;
	e->marks = 0;
	return e;
}

/*
 * The entries of the Latin words of a part, read again as script_part()
 * reads them (want, the pair hashes ph, pw the word before the part): each
 * word's own features and word odds, and what it takes with the word
 * before it, its pair's features and word odds.  A word or pair seen
 * before in the text adds what it added then, unless the dictionary
 * feature, which reads its case, is on; a word in the word cache wc (not
 * NULL) has its sums there.
 */
static __attribute__((noinline, cold)) int
why_part(struct lid_classifier *c, const struct word_cache *wc, int script, unsigned want,
	 const uint64_t *ph, const struct lid_prev *pw)
{
	const struct lid_model *m = c->m;
	const struct lid_text *t = &c->t;
	int nb = c->nb_weight != 0;	/* m->nb is set */
	uint64_t prev = pw->hash, keys[16 + 10 * LID_MAX_MARK_WEIGHT];
	const uint32_t *pc = pw->cps;
	size_t pn = pw->len, w;

	for (w = 0; w < t->nwords; w++) {
		const struct lid_word *wd = &t->words[w];
		const uint32_t *cps = t->cps + wd->start;
		size_t len = wd->len, on = 0;
		uint64_t wh = wd->hash, pair;
		unsigned own;
		struct why_entry *e;

		if (wd->script != script || len > WORD_MAX)
			continue;
		if (!(e = why_entry_of(c->why, wh, 0, cps, len, NULL, 0)))
			return -1;
		if (!e->count || (want & LID_F_DICT)) {
			const struct wc_head *h = wc ? cache_slot(wc, cache_key(wd, want)) : NULL;

			if (h && h->key == cache_key(wd, want)) {
				const int16_t *v = (const int16_t *)((const unsigned char *)h + WC_HEAD) + wc->na;

				e->once = v[m->msa_zsm] - v[m->msa_ind];
				own = h->marks;
			} else {
				e->once = why_units(c, c->wkeys, own_keys(m, want, wd, cps, c->wkeys, &own));
			}
			e->marks = own;
		}
		own = e->marks;
		e->units += e->once;
		e->nb += nb ? m->nb[nb_bucket(wh, m->nb_bits)] : 0;
		e->count++;
		if (pn) {
			pair = ph ? ph[w] : lid_pair_hash(prev, wh);
			if (!(e = why_entry_of(c->why, pair, 1, pc, pn, cps, len)))
				return -1;
			if (!e->count) {
				if (want & LID_F_CROSS)
					on = cross_keys(pc, pn, cps, len, want, keys, on);
				if ((want & LID_F_BIGRAM) && prev)
					EMIT(6, fmix64(prev * 31 + wh + SEED_BIGRAM));
				if (want & LID_F_MARK)
					on = pair_mark_keys(m, mark_reps_of(m), ph ? ph[w] : 0, own,
							    keys, on);
				e->once = why_units(c, keys, on);
			}
			e->units += e->once;
			e->nb += nb && ph && ph[w] ? m->nb[nb_bucket(ph[w], m->nb_bits)] : 0;
			e->count++;
		}
		pc = cps;
		pn = len;
		prev = wh;
	}
	return 0;
}

/*
 * The features of the words of script in the part of the text read into
 * the sums of submodel i (which serves the script) and, if msa, into those
 * waiting for the msa submodel (c->macc, and raw for the features a word
 * takes from the word before it).
 */
static int script_part(struct lid_classifier *c, int script, size_t i, int msa, unsigned want,
		       struct lid_raw *raw)
{
	const struct lid_model *m = c->m;
	const struct lid_text *t = &c->t;
	struct word_cache *wc = cache_of(c, i, msa);
	const struct lid_sub *rs = &m->subs[msa ? (size_t)m->msa : i];	/* whose raw's features are */
	/* in locals: the stores to raw could be to them, for all the compiler knows */
	const int8_t *rs_w = rs->w;
	unsigned rs_shift = 64 - rs->bits;
	size_t rs_stride = rs->stride;
	struct lid_prev *pw = &c->prev[i];
	struct lid_sum *sm = &c->sum[i];
	uint64_t prev = pw->hash;
	const uint32_t *prev_cps = pw->cps;
	size_t prev_len = pw->len, nfa = 0, w;
	unsigned reps = mark_reps_of(m);
	int pairs = (want & LID_F_MARK) && m->mkeys, nb = msa && c->nb_weight != 0;
	uint64_t *ph = NULL;
	struct wc_ref ahead[WC_AHEAD];	/* word w's at w % WC_AHEAD */

	if ((pairs || nb) && !(ph = pair_hashes(c, script, prev, nb)))
		return -1;
	memset(c->wacc, 0, m->subs[i].stride * sizeof(*c->wacc));
	raw->n = 0;
	/* the first words, which no word is ahead of */
	for (w = 0; w < WC_AHEAD && w < t->nwords; w++)
		word_prefetch(m, wc, want, pairs, &t->words[w], ph ? ph[w] : 0, &ahead[w]);
	for (w = 0; w < t->nwords; w++) {
		const struct lid_word *wd = &t->words[w];
		const uint32_t *cps = t->cps + wd->start;
		size_t len = wd->len, on;
		uint64_t wh = wd->hash, *keys;
		struct wc_ref ref = ahead[w % WC_AHEAD];
		unsigned own;

		if (w + WC_AHEAD < t->nwords)
			word_prefetch(m, wc, want, pairs, wd + WC_AHEAD, ph ? ph[w + WC_AHEAD] : 0,
				      &ahead[w % WC_AHEAD]);
		if (wd->script != script || len > WORD_MAX)
			continue;
		own = word_own(c, wc, i, msa, want, wd, cps, &nfa, &ref);
		/* what the word takes from the one before it */
		if (raw_reserve(raw, 16 + 10 * (size_t)reps))
			return -1;
		keys = raw->key;
		on = raw->n;
		if ((want & LID_F_CROSS) && prev_len)
			on = cross_keys(prev_cps, prev_len, cps, len, want, keys, on);
		if ((want & LID_F_BIGRAM) && prev) {
			EMIT(6, fmix64(prev * 31 + wh + SEED_BIGRAM));
			/* its row in rs (msa's, for Latin), read when raw is summed: asked for now */
			__builtin_prefetch(rs_w + (size_t)(keys[on - 1] >> rs_shift) * rs_stride);
		}
		if (want & LID_F_MARK)
			on = pair_mark_keys(m, reps, ph ? ph[w] : 0, own, keys, on);
		raw->n = on;
		prev_cps = cps;
		prev_len = len;
		prev = wh;
	}
	/* pw still has the word before the part */
	if (msa && c->why && why_part(c, wc, script, want, ph, pw))
		return -1;
	pw->hash = prev;
	if (prev_cps != pw->cps)
		memcpy(pw->cps, prev_cps, prev_len * sizeof(*prev_cps));
	pw->len = prev_len;
	lid_add_wide(sm->acc, c->wacc, m->subs[i].nclass, LID_PATH_BEST);
	sm->nf += nfa;
	return sum_add(c, i, raw);
}

/*
 * logit[k] = bias[k] + norm * acc[k] and sp[k] their softmax, k < n.  The
 * AVX2 path does the float operations of the C one in the same order,
 * eight labels at a time, and adds up the exponentials in eight running
 * sums (label k into sum k % 8, not one chain of adds, each waiting for
 * the last) joined in the same order: the two give the same bits (the
 * build turns off fused multiply-adds, which round once where these round
 * twice).  logit and sp have room for n rounded up to 8.
 */
/* logit[k] = bias[k] + norm * acc[k], k < n; returns their maximum */
static inline float logits(const float *bias, float norm, const int64_t *acc, size_t n,
			   float *logit)
{
	float mx = -INFINITY;
	size_t k;

	for (k = 0; k < n; k++) {
		logit[k] = bias[k] + norm * (float)acc[k];
		if (logit[k] > mx)
			mx = logit[k];
	}
	return mx;
}

static void softmax_c(const float *bias, float norm, const int64_t *acc, size_t n, float *logit,
		      float *sp)
{
	float mx = logits(bias, norm, acc, n, logit), lane[8] = { 0 }, sum;
	size_t k;

	for (k = 0; k < n; k++) {
		sp[k] = lid_expf(logit[k] - mx);
		lane[k % 8] += sp[k];
	}
	sum = ((lane[0] + lane[4]) + (lane[2] + lane[6])) + ((lane[1] + lane[5]) + (lane[3] + lane[7]));
	for (k = 0; k < n; k++)
		sp[k] /= sum;
}

#if defined(__x86_64__) && defined(__GNUC__)
/* lid_expf() on eight floats */
__attribute__((target("avx2"), always_inline))
static inline __m256 expf_avx2(__m256 x)
{
	const __m256 under = _mm256_cmp_ps(x, _mm256_set1_ps(-87.0f), _CMP_LT_OQ);
	__m256 kf, half, r, p;
	__m256i k;

	x = _mm256_min_ps(x, _mm256_set1_ps(88.0f));
	kf = _mm256_mul_ps(x, _mm256_set1_ps(1.44269504f));
	half = _mm256_blendv_ps(_mm256_set1_ps(-0.5f), _mm256_set1_ps(0.5f),
				_mm256_cmp_ps(kf, _mm256_setzero_ps(), _CMP_GE_OQ));
	k = _mm256_cvttps_epi32(_mm256_add_ps(kf, half));
	kf = _mm256_cvtepi32_ps(k);
	r = _mm256_sub_ps(_mm256_sub_ps(x, _mm256_mul_ps(kf, _mm256_set1_ps(0.693145752f))),
			  _mm256_mul_ps(kf, _mm256_set1_ps(1.42860677e-6f)));
	p = _mm256_mul_ps(r, _mm256_set1_ps(1.0f / 720));
	p = _mm256_mul_ps(r, _mm256_add_ps(_mm256_set1_ps(1.0f / 120), p));
	p = _mm256_mul_ps(r, _mm256_add_ps(_mm256_set1_ps(1.0f / 24), p));
	p = _mm256_mul_ps(r, _mm256_add_ps(_mm256_set1_ps(1.0f / 6), p));
	p = _mm256_mul_ps(r, _mm256_add_ps(_mm256_set1_ps(0.5f), p));
	p = _mm256_mul_ps(r, _mm256_add_ps(_mm256_set1_ps(1.0f), p));
	p = _mm256_add_ps(_mm256_set1_ps(1.0f), p);
	k = _mm256_slli_epi32(_mm256_add_epi32(k, _mm256_set1_epi32(127)), 23);
	return _mm256_andnot_ps(under, _mm256_mul_ps(p, _mm256_castsi256_ps(k)));
}

/* The greatest of eight floats, none NaN (which of 0 and -0, either). */
__attribute__((target("avx2"), always_inline))
static inline float hmax_avx2(__m256 x)
{
	__m128 m = _mm_max_ps(_mm256_castps256_ps128(x), _mm256_extractf128_ps(x, 1));

	m = _mm_max_ps(m, _mm_movehl_ps(m, m));
	return _mm_cvtss_f32(_mm_max_ps(m, _mm_movehdup_ps(m)));
}

/*
 * logits() of eight labels, from their sums (four in a, four in b) and
 * biases.  An int64 below 2^51 either way, added to the bits of the double
 * 2^52 + 2^51, gives that double plus it, so taking the double away leaves
 * it exactly; the double then rounds to float once, as the int64 does in
 * the C loop.  *out gets bits 52 up when a sum is out of that range.
 */
__attribute__((target("avx2"), always_inline))
static inline __m256 logits8_avx2(__m256i a, __m256i b, __m256 bias, float norm, __m256i *out)
{
	const __m256d magic = _mm256_set1_pd(6755399441055744.0);	/* 2^52 + 2^51 */
	const __m256i half = _mm256_set1_epi64x((int64_t)1 << 51);
	__m256d da = _mm256_sub_pd(_mm256_castsi256_pd(_mm256_add_epi64(
				   a, _mm256_castpd_si256(magic))), magic);
	__m256d db = _mm256_sub_pd(_mm256_castsi256_pd(_mm256_add_epi64(
				   b, _mm256_castpd_si256(magic))), magic);
	__m256 f = _mm256_set_m128(_mm256_cvtpd_ps(db), _mm256_cvtpd_ps(da));

	*out = _mm256_or_si256(*out, _mm256_or_si256(_mm256_add_epi64(a, half),
						     _mm256_add_epi64(b, half)));
	return _mm256_add_ps(bias, _mm256_mul_ps(_mm256_set1_ps(norm), f));
}

/*
 * logits() eight labels at a time, and -inf past n up to a multiple of 8.
 * A sum past 2^51 (that would take 2^44 features) sends the lot to the C
 * loop.  The maximum is the same whatever the order, NaN aside, which both
 * skip; exp gives the same for x - 0 and x - -0.
 */
__attribute__((target("avx2")))
static float logits_avx2(const float *bias, float norm, const int64_t *acc, size_t n,
			 float *logit)
{
	__m256i out = _mm256_setzero_si256();
	__m256 l, mx = _mm256_set1_ps(-INFINITY);
	size_t k;

	for (k = 0; k + 8 <= n; k += 8) {
		l = logits8_avx2(_mm256_loadu_si256((const __m256i *)(acc + k)),
				 _mm256_loadu_si256((const __m256i *)(acc + k + 4)),
				 _mm256_loadu_ps(bias + k), norm, &out);
		_mm256_storeu_ps(logit + k, l);
		mx = _mm256_max_ps(l, mx);	/* l if above, else what it has (l NaN too) */
	}
	if (k < n) {
		/* the lanes before n: the others load nothing and get -inf */
		__m256i in = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)(n - k)),
						_mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));

		l = logits8_avx2(_mm256_maskload_epi64((const long long *)(acc + k),
						       _mm256_cvtepi32_epi64(_mm256_castsi256_si128(in))),
				 _mm256_maskload_epi64((const long long *)(acc + k + 4),
						       _mm256_cvtepi32_epi64(_mm256_extracti128_si256(in, 1))),
				 _mm256_maskload_ps(bias + k, in), norm, &out);
		l = _mm256_blendv_ps(_mm256_set1_ps(-INFINITY), l, _mm256_castsi256_ps(in));
		_mm256_storeu_ps(logit + k, l);
		mx = _mm256_max_ps(l, mx);
	}
	if (!_mm256_testz_si256(out, _mm256_set1_epi64x(-((int64_t)1 << 52)))) {
		float m = logits(bias, norm, acc, n, logit);

		for (k = n; k % 8; k++)
			logit[k] = -INFINITY;
		return m;
	}
	return hmax_avx2(mx);
}

__attribute__((target("avx2")))
static void softmax_avx2(const float *bias, float norm, const int64_t *acc, size_t n,
			 float *logit, float *sp)
{
	const size_t n8 = (n + 7) & ~(size_t)7;
	float mx = logits_avx2(bias, norm, acc, n, logit);	/* -inf past n: exp gives 0 */
	__m256 lanes = _mm256_setzero_ps(), sum;
	__m128 m;
	size_t k;

	for (k = 0; k < n8; k += 8) {
		__m256 e = expf_avx2(_mm256_sub_ps(_mm256_loadu_ps(logit + k), _mm256_set1_ps(mx)));

		_mm256_storeu_ps(sp + k, e);
		lanes = _mm256_add_ps(lanes, e);	/* + 0 past n changes no lane */
	}
	/* the lanes added as the C loop adds them */
	m = _mm_add_ps(_mm256_castps256_ps128(lanes), _mm256_extractf128_ps(lanes, 1));
	m = _mm_add_ps(m, _mm_movehl_ps(m, m));
	sum = _mm256_set1_ps(_mm_cvtss_f32(_mm_add_ss(m, _mm_movehdup_ps(m))));
	for (k = 0; k < n8; k += 8)
		_mm256_storeu_ps(sp + k, _mm256_div_ps(_mm256_loadu_ps(sp + k), sum));
}
#endif

void lid_softmax(const float *bias, float norm, const int64_t *acc, size_t n, float *logit,
		 float *sp, enum lid_path path)
{
#if defined(__x86_64__) && defined(__GNUC__)
	if (path == LID_PATH_BEST && have_avx2()) {
		softmax_avx2(bias, norm, acc, n, logit, sp);
		return;
	}
#endif
	(void)path;
	softmax_c(bias, norm, acc, n, logit, sp);
}

static size_t clamp_argmax_c(float *p, size_t n)
{
	size_t k, best = 0;
	float top = -1;

	for (k = 0; k < n; k++) {
		if (p[k] > 1)
			p[k] = 1;
		if (p[k] > top) {	/* the first of equals stays */
			top = p[k];
			best = k;
		}
	}
	return best;
}

#if defined(__x86_64__) && defined(__GNUC__)
/*
 * Each lane keeps the first k of its maximum; the first k among the lanes
 * with the greatest is then the C loop's (NaN is never above).
 */
__attribute__((target("avx2")))
static size_t clamp_argmax_avx2(float *p, size_t n)
{
	const __m256 one = _mm256_set1_ps(1);
	__m256 top = _mm256_set1_ps(-1);
	__m256i at = _mm256_setzero_si256(), ks = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
	__m128i first;
	float t;
	size_t k, best;

	for (k = 0; k + 8 <= n; k += 8) {
		/* min(1, x) is x when x is NaN, as the C loop leaves it */
		__m256 x = _mm256_min_ps(one, _mm256_loadu_ps(p + k));
		__m256 gt = _mm256_cmp_ps(x, top, _CMP_GT_OQ);

		_mm256_storeu_ps(p + k, x);
		top = _mm256_blendv_ps(top, x, gt);
		at = _mm256_blendv_epi8(at, ks, _mm256_castps_si256(gt));
		ks = _mm256_add_epi32(ks, _mm256_set1_epi32(8));
	}
	/* the first k among the lanes with the greatest (-1 and k 0 when none is above) */
	t = hmax_avx2(top);
	at = _mm256_blendv_epi8(_mm256_set1_epi32(INT32_MAX), at,
				_mm256_castps_si256(_mm256_cmp_ps(top, _mm256_set1_ps(t), _CMP_EQ_OQ)));
	first = _mm_min_epi32(_mm256_castsi256_si128(at), _mm256_extracti128_si256(at, 1));
	first = _mm_min_epi32(first, _mm_shuffle_epi32(first, _MM_SHUFFLE(1, 0, 3, 2)));
	first = _mm_min_epi32(first, _mm_shuffle_epi32(first, _MM_SHUFFLE(2, 3, 0, 1)));
	best = (size_t)_mm_cvtsi128_si32(first);
	for (k = n & ~(size_t)7; k < n; k++) {
		if (p[k] > 1)
			p[k] = 1;
		if (p[k] > t) {
			t = p[k];
			best = k;
		}
	}
	return best;
}
#endif

size_t lid_clamp_argmax(float *p, size_t n, enum lid_path path)
{
#if defined(__x86_64__) && defined(__GNUC__)
	if (path == LID_PATH_BEST && n <= INT32_MAX && have_avx2())
		return clamp_argmax_avx2(p, n);
#endif
	(void)path;
	return clamp_argmax_c(p, n);
}

static void add_shares_c(float *probs, const int16_t *at, size_t n, const float *sp, float a,
			 float b, float d)
{
	size_t l;

	for (l = 0; l < n; l++)
		if (at[l] >= 0) {
			float x = sp[at[l]], p = probs[l];

			p += a * x;
			if (d != 0)
				p += b * x / d;
			probs[l] = p;
		}
}

#if defined(__x86_64__) && defined(__GNUC__)
/* Eight labels at a time: the others keep what they have. */
__attribute__((target("avx2")))
static void add_shares_avx2(float *probs, const int16_t *at, size_t n, const float *sp, float a,
			    float b, float d)
{
	size_t l;

	for (l = 0; l + 8 <= n; l += 8) {
		__m256i k = _mm256_cvtepi16_epi32(_mm_loadu_si128((const __m128i *)(at + l)));
		__m256 in = _mm256_castsi256_ps(_mm256_cmpgt_epi32(k, _mm256_set1_epi32(-1)));
		__m256 x = _mm256_mask_i32gather_ps(_mm256_setzero_ps(), sp, k, in, 4);
		__m256 p = _mm256_loadu_ps(probs + l);
		__m256 q = _mm256_add_ps(p, _mm256_mul_ps(_mm256_set1_ps(a), x));

		if (d != 0)
			q = _mm256_add_ps(q, _mm256_div_ps(_mm256_mul_ps(_mm256_set1_ps(b), x),
							   _mm256_set1_ps(d)));
		_mm256_storeu_ps(probs + l, _mm256_blendv_ps(p, q, in));
	}
	add_shares_c(probs + l, at + l, n - l, sp, a, b, d);
}
#endif

void lid_add_shares(float *probs, const int16_t *at, size_t n, const float *sp, float a, float b,
		    float d, enum lid_path path)
{
#if defined(__x86_64__) && defined(__GNUC__)
	if (path == LID_PATH_BEST && have_avx2()) {
		add_shares_avx2(probs, at, n, sp, a, b, d);
		return;
	}
#endif
	(void)path;
	add_shares_c(probs, at, n, sp, a, b, d);
}

/*
 * Softmax of submodel i over the sums of its features; into sp[0..nclass).
 * odds (log-odds Malaysian : Indonesian) is added to the submodel's own
 * when it splits the share of zsm_Latn and ind_Latn between them.
 * Returns 0 when the text gave it no features.
 */
/* What submodel i's sums are multiplied by: its scale, over the mean or sqrt of its features (some). */
static float sum_scale(const struct lid_classifier *c, size_t i)
{
	const struct lid_sub *s = &c->m->subs[i];
	size_t nf = c->sum[i].nf;
	float norm = (s->flags & LID_F_MEAN) ? 1.0f / (float)nf
		     : nf < LID_RSQRT_N ? c->m->rsqrt[nf] : lid_rsqrt(nf);

	return s->scale * norm;
}

static int run_sub(struct lid_classifier *c, size_t i, float odds, float *sp)
{
	const struct lid_sub *s = &c->m->subs[i];
	const struct lid_sum *sm = &c->sum[i];

	if (sm->nf == 0)
		return 0;
	lid_softmax(s->bias, sum_scale(c, i), sm->acc, s->nclass, c->logit, sp, LID_PATH_BEST);
	if (odds != 0 && c->m->msa_zsm >= 0 && c->m->msa_ind >= 0) {
		/* the odds only split what zsm_Latn and ind_Latn have between them */
		int z = c->m->msa_zsm, n = c->m->msa_ind;
		float both = sp[z] + sp[n], d = c->logit[z] - c->logit[n] + odds;

		sp[z] = both / (1 + lid_expf(-d));
		sp[n] = both - sp[z];
	}
	return 1;
}

/* v[at[0]] + v[at[1]] + ... + v[at[n - 1]], added in that order */
static float sum_at(const float *v, const uint16_t *at, size_t n)
{
	float sum = 0;
	size_t j;

	for (j = 0; j + 4 <= n; j += 4)
		sum = sum + v[at[j]] + v[at[j + 1]] + v[at[j + 2]] + v[at[j + 3]];
	for (; j < n; j++)
		sum += v[at[j]];
	return sum;
}

static void add_prob(struct lid_classifier *c, int label, float p)
{
	if (label < 0)
		label = c->m->und;
	c->probs[label] += p;
}

/*
 * The word odds of the text, Malaysian : Indonesian, times their weight:
 * counts of words and pairs of words in Malaysian and Indonesian training
 * texts (naive Bayes), which give a word seen a few times its full
 * weight where the linear model's is held back.  A word's own odds are
 * kept in the word cache with its sums (word_odds_own()): one line fewer
 * to read per word.  pair_hashes() finds the buckets of the pairs of
 * words of a part of the text and asks for their cache lines (the table is
 * megabytes) before the part's words are read; word_odds_add() adds them
 * up, and word_odds() gives the text's.
 */
static void word_odds_add(struct lid_classifier *c)
{
	const struct lid_model *m = c->m;
	int64_t sum = 0;
	size_t i;

	for (i = 0; i < c->nbf.n; i++) {
		if (i + NB_AHEAD < c->nbf.n)
			__builtin_prefetch(m->nb + c->nbf.v[i + NB_AHEAD]);
		sum += m->nb[c->nbf.v[i]];
	}
	c->nb_sum += sum;
	c->nb_n += c->nbf.n;
	c->nbf.n = 0;
}

/* What one unit of the word odds adds to the text's (0 when they give none). */
static float word_odds_unit(const struct lid_classifier *c)
{
	/* n words give 2n - 1 features: on fewer words one rare word (a name) would decide */
	if (c->nb_n < 2 * LID_NB_MIN_WORDS - 1)
		return 0;
	return c->nb_weight * c->m->nb_scale;
}

static float word_odds(const struct lid_classifier *c)
{
	return word_odds_unit(c) * (float)c->nb_sum;
}

/*
 * The Latin features and word odds of the last part into the sums of the
 * msa submodel: done only when the text needs it, or before the next part.
 */
static void add_pending(struct lid_classifier *c)
{
	struct lid_sum *sm;

	if (!c->pending)
		return;
	c->pending = 0;
	c->used |= 1u << c->m->msa;
	if (sum_add(c, (size_t)c->m->msa, &c->raw_latn) < 0)
		c->nomem = 1;
	sm = &c->sum[c->m->msa];
	lid_add_wide(sm->acc, c->macc, c->m->subs[c->m->msa].nclass, LID_PATH_BEST);
	sm->nf += c->mnf;
	memset(c->macc, 0, c->m->subs[c->m->msa].stride * sizeof(*c->macc));
	c->mnf = 0;
	word_odds_add(c);
}

/*
 * The features of the words of a part of the text into the sums of their
 * submodels: those of the scripts counted so far (a script without words
 * in the part adds nothing), and of the words read partly outside the
 * windows.  Such a word takes the script of its first letter, which may
 * be outside, uncounted: its features must not depend on where the parts
 * end (at each line, when reading by lines).
 */
static void add_part(struct lid_classifier *c)
{
	const struct lid_model *m = c->m;
	const struct lid_text *t = &c->t;
	uint64_t scripts[SEEN_WORDS(USCRIPT_CODE_LIMIT)], bits;
	const uint64_t *seen = t->script_seen;
	size_t w, s;

	if (t->uncounted) {
		memcpy(scripts, t->script_seen, sizeof(scripts));
		for (w = 0; w < t->nwords; w++) {
			int sc = t->words[w].script;

			if (sc >= 0 && sc < USCRIPT_CODE_LIMIT)
				scripts[sc >> 6] |= 1ULL << (sc & 63);
		}
		seen = scripts;
	}
	for (w = 0; w < SEEN_WORDS(USCRIPT_CODE_LIMIT); w++)
		for (bits = seen[w]; bits; bits &= bits - 1) {
			int r, msa;
			unsigned want;
			struct lid_raw *raw;
			size_t i;

			s = w * 64 + (size_t)__builtin_ctzll(bits);
			r = (int)s < m->nroute ? m->route[s] : -1;
			if (r > -2 || s == USCRIPT_HAN || s == USCRIPT_HIRAGANA ||
			    s == USCRIPT_KATAKANA)
				continue;
			i = (size_t)(-2 - r);
			c->used |= 1u << i;
			want = m->subs[i].flags;
			msa = m->msa >= 0 && s == USCRIPT_LATIN;
			raw = &c->raw;
			if (msa) {
				add_pending(c);
				want |= m->subs[m->msa].flags;
				raw = &c->raw_latn;
			}
			if (script_part(c, (int)s, i, msa, want, raw) < 0) {
				c->nomem = 1;
				return;
			}
			c->pending |= msa;
		}
}

/*
 * Jawi by rule (ayak_jawi_by_letters()): its own letters are in most Malay
 * words that have those sounds, 1 in 8 letters in the UDHR and 1 in 28 at
 * least; none of 3,497 Arabic, Persian and Urdu texts of the training and
 * development splits, nor of lingua's 5,000 test lines, has nga, ga, nya
 * or va.  Else the Arabic model decides.
 */
static int is_jawi_text(const struct lid_text *t)
{
	return ayak_jawi_by_letters(t->jawi, t->script_letters[USCRIPT_ARABIC]);
}

/* Distribute share over the labels for the letters of one script. */
static void script_share(struct lid_classifier *c, int script, float share)
{
	const struct lid_model *m = c->m;
	const struct lid_text *t = &c->t;
	int r = script < m->nroute ? m->route[script] : -1;
	/* the labels of a submodel's classes are never -1: its loops add to probs directly */
	float *probs = c->probs;
	const float *sp = c->sp;

	if (script == USCRIPT_ARABIC && m->zsm_arab >= 0 && is_jawi_text(t)) {
		add_prob(c, m->zsm_arab, share);
		return;
	}
	if (r <= -2) {
		const struct lid_sub *s = &m->subs[-2 - r];
		const struct lid_sub *g;
		size_t j, k;
		float group, other = 0, rest = 0, none_share;
		int ok;

		if (run_sub(c, (size_t)(-2 - r), 0, c->sp) == 0) {	/* no features */
			c->blank += t->script_letters[script];
			add_prob(c, m->und, share);
			return;
		}
		if (m->msa < 0 || script != USCRIPT_LATIN) {
			for (k = 0; k < s->nclass; k++)
				probs[s->labels[k]] += share * sp[k];
			return;
		}
		/*
		 * The labels outside the msa group get their share as the general
		 * model has them, then their part of what the group's submodel
		 * gives "none of the group", in the same proportions.  (That
		 * submodel's classes outside the group, g->out, are its und ones:
		 * lid_model_index() puts every other label of it in the group.)
		 * None of the group's labels is among them, so the group's
		 * submodel runs first, and each of them gets both additions, in
		 * that order, in one pass.
		 */
		group = sum_at(sp, s->grp, s->ngrp);
		ok = 0;
		if (group >= 0.01f) {
			add_pending(c);
			ok = run_sub(c, (size_t)m->msa, word_odds(c), c->sp_grp);
		}
		g = &m->subs[m->msa];
		if (ok > 0) {
			other = sum_at(c->sp_grp, g->out, g->nout);
			rest = sum_at(sp, s->out, s->nout);
		}
		none_share = share * group * other;
		if (s->out_once) {
			lid_add_shares(probs, s->out_at, m->nlabels, sp, share, none_share,
				       other > 0 && rest > 0 ? rest : 0, LID_PATH_BEST);
		} else {
			for (j = 0; j < s->nout; j++)
				probs[s->out_label[j]] += share * sp[s->out[j]];
			for (j = 0; other > 0 && rest > 0 && j < s->nout; j++)
				probs[s->out_label[j]] += none_share * sp[s->out[j]] / rest;
		}
		if (group <= 0)
			return;
		if (ok > 0) {
			float sg = share * group;

			if (g->grp_once)
				lid_add_shares(probs, g->grp_at, m->nlabels, c->sp_grp, sg, 0, 0,
					       LID_PATH_BEST);
			else
				for (j = 0; j < g->ngrp; j++)
					probs[g->grp_label[j]] += sg * c->sp_grp[g->grp[j]];
			if (other > 0 && !(rest > 0))
				add_prob(c, m->und, none_share);
		} else if (s->grp_once) {
			lid_add_shares(probs, s->grp_at, m->nlabels, sp, share, 0, 0, LID_PATH_BEST);
		} else {
			for (j = 0; j < s->ngrp; j++)
				probs[s->grp_label[j]] += share * sp[s->grp[j]];
		}
		return;
	}
	add_prob(c, r, share);
}

/*
 * The distribution over the labels of the letters and sums counted (those
 * of the text, or of a line: see line_end()) into c->probs; returns the
 * best label.
 */
static int decide(struct lid_classifier *c, float *score)
{
	const struct lid_model *m = c->m;
	const struct lid_text *t = &c->t;
	size_t s, w, best;
	uint64_t bits;
	float inv;

	memset(c->probs, 0, m->nlabels * sizeof(*c->probs));
	if (t->letters == 0) {
		c->probs[m->und] = 1;
		if (score)
			*score = 1;
		return m->und;
	}
	inv = 1.0f / (float)t->letters;
	{
		size_t han = t->script_letters[USCRIPT_HAN];
		size_t kana = t->script_letters[USCRIPT_HIRAGANA] + t->script_letters[USCRIPT_KATAKANA];

		if (m->jpn >= 0 && kana && kana * 10 >= han + kana) {
			add_prob(c, m->jpn, (float)(han + kana) * inv);
		} else {
			if (kana)
				add_prob(c, m->jpn, (float)kana * inv);
			if (han) {
				float sh = (float)han * inv;
				float pt = ((float)t->hant + 0.25f) / ((float)(t->hans + t->hant) + 1.0f);

				if (m->zho_hans < 0 || m->zho_hant < 0) {
					add_prob(c, m->zho_hans >= 0 ? m->zho_hans : m->zho_hant, sh);
				} else {
					add_prob(c, m->zho_hant, sh * pt);
					add_prob(c, m->zho_hans, sh * (1 - pt));
				}
			}
		}
	}
	/* the scripts with letters, in the order of their codes */
	for (w = 0; w < SEEN_WORDS(t->nscripts); w++)
		for (bits = t->script_seen[w]; bits; bits &= bits - 1) {
			s = w * 64 + (size_t)__builtin_ctzll(bits);
			if (s == USCRIPT_HAN || s == USCRIPT_HIRAGANA || s == USCRIPT_KATAKANA)
				continue;
			script_share(c, (int)s, (float)t->script_letters[s] * inv);
		}
	/* a sum of shares of shares can round a whisker past 1 */
	best = lid_clamp_argmax(c->probs, m->nlabels, LID_PATH_BEST);
	if (score)
		*score = c->probs[best];
	return (int)best;
}

/*
 * Reading by lines (lid_opts.lines).  A text's sums are of integers, and
 * added up a part at a time; each line is a part (or more), so a line's
 * own counts are the text's at its end less those at the last line's end,
 * and its distribution is theirs.  (A line takes the features that join
 * its first word to the last line's.)  So the lines cost their
 * distributions only, not a second reading; and most of those are not
 * needed: lines_keep_text() weighs the longer lines first, and stops once
 * the text's own label is sure to stand.
 *
 * The counts at a line's end, as kept in ends_v: END_HEAD values (the
 * submodels used, letters, Jawi, simplified and traditional Han letters,
 * word odds and their count, and the number of scripts), then nf and the
 * sums of each submodel used, then a (script, letters) pair per script.
 */
enum { END_USED, END_LETTERS, END_JAWI, END_HANS, END_HANT, END_NB_SUM, END_NB_N, END_NSCRIPTS,
       END_HEAD };

/* The features counted so far, with the word odds: they change only when counts do. */
static size_t feats_counted(const struct lid_classifier *c)
{
	size_t n = c->nb_n;
	unsigned used;

	for (used = c->used; used; used &= used - 1)
		n += c->sum[__builtin_ctz(used)].nf;
	return n;
}

/* Keep the text's counts as they are at a line's end (the line has letters letters). */
static int line_keep(struct lid_classifier *c, size_t letters)
{
	const struct lid_model *m = c->m;
	const struct lid_text *t = &c->t;
	size_t need = END_HEAD, nscripts = 0, w;
	unsigned used;
	uint64_t bits;
	int64_t *v;

	for (used = c->used; used; used &= used - 1)
		need += 1 + m->subs[__builtin_ctz(used)].nclass;
	for (w = 0; w < SEEN_WORDS(t->nscripts); w++)
		nscripts += (size_t)__builtin_popcountll(t->script_seen[w]);
	need += 2 * nscripts;
	if (c->ends_vn + need > c->ends_valloc) {
		v = ayak_grow(c->ends_v, &c->ends_valloc, c->ends_vn + need, sizeof(*v), 1024);
		if (!v)
			return -1;
		c->ends_v = v;
	}
	v = c->ends_v + c->ends_vn;
	c->ends[c->nends].at = c->ends_vn;
	c->ends[c->nends].letters = letters;
	c->nends++;
	c->ends_vn += need;
	v[END_USED] = c->used;
	v[END_LETTERS] = (int64_t)t->letters;
	v[END_JAWI] = (int64_t)t->jawi;
	v[END_HANS] = (int64_t)t->hans;
	v[END_HANT] = (int64_t)t->hant;
	v[END_NB_SUM] = c->nb_sum;
	v[END_NB_N] = (int64_t)c->nb_n;
	v[END_NSCRIPTS] = (int64_t)nscripts;
	v += END_HEAD;
	for (used = c->used; used; used &= used - 1) {
		size_t i = (size_t)__builtin_ctz(used);

		*v++ = (int64_t)c->sum[i].nf;
		memcpy(v, c->sum[i].acc, m->subs[i].nclass * sizeof(*v));
		v += m->subs[i].nclass;
	}
	for (w = 0; w < SEEN_WORDS(t->nscripts); w++)
		for (bits = t->script_seen[w]; bits; bits &= bits - 1) {
			size_t s = w * 64 + (size_t)__builtin_ctzll(bits);

			*v++ = (int64_t)s;
			*v++ = (int64_t)t->script_letters[s];
		}
	c->end_letters = t->letters;
	c->end_feats = feats_counted(c);
	return 0;
}

/* The counts at line end k. */
static const int64_t *end_counts(const struct lid_classifier *c, size_t k)
{
	return c->ends_v + c->ends[k].at;
}

/* Past the head of end v and the sums of the submodels of used. */
static const int64_t *end_skip(const struct lid_model *m, const int64_t *v, unsigned used)
{
	for (v += END_HEAD; used; used &= used - 1)
		v += 1 + m->subs[__builtin_ctz(used)].nclass;
	return v;
}

/* nf and the sums of submodel i at end v (NULL: the text's start), or NULL if all 0. */
static const int64_t *end_sub(const struct lid_model *m, const int64_t *v, size_t i)
{
	unsigned used;

	if (!v)
		return NULL;
	used = (unsigned)v[END_USED];
	if (!(used >> i & 1))
		return NULL;
	return end_skip(m, v, used & ((1u << i) - 1));
}

/* The letters of script s at end v (NULL: the text's start). */
static int64_t end_script(const struct lid_model *m, const int64_t *v, size_t s)
{
	const int64_t *p;
	int64_t k;

	if (!v)
		return 0;
	p = end_skip(m, v, (unsigned)v[END_USED]);
	for (k = 0; k < v[END_NSCRIPTS]; k++)
		if (p[2 * k] == (int64_t)s)
			return p[2 * k + 1];
	return 0;
}

/* Value at of end a less that of end b (NULL: 0). */
static int64_t end_less(const int64_t *a, const int64_t *b, int at)
{
	return a[at] - (b ? b[at] : 0);
}

/*
 * The counts of end a less those of end b (NULL: 0) as the text's: a line's
 * when b is the end before a's, the text's so far when b is NULL.
 */
static void line_load(struct lid_classifier *c, const int64_t *a, const int64_t *b)
{
	const struct lid_model *m = c->m;
	struct lid_text *t = &c->t;
	unsigned used;
	size_t w, k;
	uint64_t bits;

	/* a submodel used later in the text has 0 where these have none */
	for (used = c->used; used; used &= used - 1) {
		size_t i = (size_t)__builtin_ctz(used);
		const int64_t *sa = end_sub(m, a, i), *sb = end_sub(m, b, i);
		int64_t *acc = c->sum[i].acc;
		size_t n = m->subs[i].nclass;

		c->sum[i].nf = (size_t)((sa ? sa[0] : 0) - (sb ? sb[0] : 0));
		/* a loop per case, not one that tests both ends for each value */
		if (sa && sb)
			for (k = 0; k < n; k++)
				acc[k] = sa[1 + k] - sb[1 + k];
		else if (sa)
			memcpy(acc, sa + 1, n * sizeof(*acc));
		else if (sb)
			for (k = 0; k < n; k++)
				acc[k] = -sb[1 + k];
		else
			memset(acc, 0, n * sizeof(*acc));
	}
	for (w = 0; w < SEEN_WORDS(t->nscripts); w++)
		for (bits = t->script_seen[w]; bits; bits &= bits - 1) {
			size_t s = w * 64 + (size_t)__builtin_ctzll(bits);

			t->script_letters[s] = (size_t)(end_script(m, a, s) - end_script(m, b, s));
		}
	t->letters = (size_t)end_less(a, b, END_LETTERS);
	t->jawi = (size_t)end_less(a, b, END_JAWI);
	t->hans = (size_t)end_less(a, b, END_HANS);
	t->hant = (size_t)end_less(a, b, END_HANT);
	c->nb_sum = end_less(a, b, END_NB_SUM);
	c->nb_n = (size_t)end_less(a, b, END_NB_N);
}

/*
 * The distribution of line k (its end's counts less the last end's) into
 * c->probs.  A script the line does not have, but the text has later, adds
 * 0 to every label: the same bits as at the line's end.
 */
static void line_probs(struct lid_classifier *c, size_t k)
{
	size_t blank = c->blank;

	line_load(c, end_counts(c, k), k ? end_counts(c, k - 1) : NULL);
	decide(c, NULL);
	c->blank = blank;
}

/* The text's counts again, as at its last line end. */
static void text_load(struct lid_classifier *c)
{
	line_load(c, end_counts(c, c->nends - 1), NULL);
}

/* The lines of the ends kept from from on into c->mix, in their order. */
static void lines_mix(struct lid_classifier *c, size_t from)
{
	const struct lid_model *m = c->m;
	size_t k, i;

	for (k = from; k < c->nends; k++) {
		double letters = (double)c->ends[k].letters;

		if (!c->ends[k].letters)
			continue;
		line_probs(c, k);
		for (i = 0; i < m->nlabels; i++)
			c->mix[i] += letters * c->probs[i];
		c->mixed_letters += c->ends[k].letters;
	}
}

/*
 * At a line's end: its counts kept (ENDS_MAX ends at most: then their
 * lines go into c->mix, and the last end stays, as where the next line
 * starts).  An end where nothing was counted is not kept.
 */
static void line_end(struct lid_classifier *c)
{
	size_t letters;
	int64_t *v;

	add_pending(c);		/* its Latin words into the msa submodel's sums */
	letters = c->t.letters - c->end_letters;
	if (!letters && feats_counted(c) == c->end_feats)
		return;
	if (line_keep(c, letters)) {
		c->nomem = 1;
		return;
	}
	if (letters) {
		c->lines++;
		c->line_letters += letters;
	}
	if (c->nends < ENDS_MAX)
		return;
	lines_mix(c, 0);
	text_load(c);
	v = c->ends_v + c->ends[c->nends - 1].at;
	c->ends_vn = c->ends_vn - c->ends[c->nends - 1].at;
	memmove(c->ends_v, v, c->ends_vn * sizeof(*v));
	c->ends[0].at = 0;
	c->ends[0].letters = 0;
	c->nends = 1;
}

/* One language, or two Malayic ones (see malayic_labels()). */
static int same_language(const struct lid_classifier *c, int a, int b)
{
	return a == b || (c->malayic[a] && c->malayic[b]);
}

/*
 * Whether no language but the text's can have more than half of the
 * lines' letters: the other languages have other of the done letters
 * weighed, and at most all of those not weighed.  With a margin for
 * rounding (the sums in another order, probabilities a whisker past 1).
 */
static int text_sure(double other, double done, double letters)
{
	return other + (letters - done) * 1.0001 < 0.5 * letters * (1 - 1e-6);
}

/*
 * Whether the lines cannot take the text from best: the label they give
 * most letters to must be of another language, with more than half their
 * letters.  Read the longer lines first, a line's letters times what it gives
 * to the other languages bound what those languages get; the lines not read
 * could give them all their letters.  (See text_sure().)
 */
static int lines_keep_text(struct lid_classifier *c, int best)
{
	const struct lid_model *m = c->m;
	double letters = (double)c->line_letters, other = 0, done = (double)c->mixed_letters;
	size_t i, k, n = 0, buffered = 0, nlines = 0, nothers = 0;
	int pass;

	for (i = 0; i < m->nlabels; i++)
		if (!same_language(c, best, (int)i))
			c->others[nothers++] = (uint16_t)i;
	for (i = 0; i < nothers; i++)
		other += c->mix[c->others[i]];
	if (text_sure(other, done, letters))
		return 1;
	/* the lines longer than the mean first, then the others, each in their order */
	for (k = 0; k < c->nends; k++) {
		buffered += c->ends[k].letters;
		nlines += c->ends[k].letters > 0;
	}
	for (pass = 0; pass < 2; pass++)
		for (k = 0; k < c->nends; k++) {
			size_t l = c->ends[k].letters;

			if (l && (l * nlines >= buffered) == !pass) {
				c->order[n].letters = l;
				c->order[n++].at = k;	/* the end's index */
			}
		}
	for (k = 0; k < n; k++) {
		double away = 0;

		line_probs(c, c->order[k].at);
		for (i = 0; i < nothers; i++)
			away += c->probs[c->others[i]];
		other += (double)c->order[k].letters * away;
		done += (double)c->order[k].letters;
		if (text_sure(other, done, letters))
			return 1;
	}
	return 0;
}

/*
 * Once the whole text is decided (best, its probabilities in c->probs):
 * the lines' label when it is of another language, with more than half of
 * their letters (see lid_classify()).  Returns the text's label.
 */
static int lines_decide(struct lid_classifier *c, int best, float *score)
{
	const struct lid_model *m = c->m;
	double group = 0, letters = (double)c->line_letters;
	size_t i, blank = c->blank;
	int top = 0, keep;

	if (c->lines < 2 || best == m->und)
		return best;
	memcpy(c->probs_text, c->probs, m->nlabels * sizeof(*c->probs));
	keep = !c->lines_all && lines_keep_text(c, best);
	if (!keep)
		lines_mix(c, 0);	/* those not yet there, in their order */
	text_load(c);
	c->blank = blank;
	memcpy(c->probs, c->probs_text, m->nlabels * sizeof(*c->probs));
	if (keep)
		return best;
	/* the best as lid_top() finds it: of the floats given, ties to the first */
	for (i = 1; i < m->nlabels; i++)
		if ((float)(c->mix[i] / letters) > (float)(c->mix[top] / letters))
			top = (int)i;
	if (top == m->und || same_language(c, top, best))
		return best;
	for (i = 0; i < m->nlabels; i++)
		if (same_language(c, top, (int)i))
			group += c->mix[i];
	if (!(group > 0.5 * letters))
		return best;
	for (i = 0; i < m->nlabels; i++)
		c->probs[i] = (float)(c->mix[i] / letters);
	if (score)
		*score = c->probs[top];
	return top;
}

/* Whether the windows chosen hold a newline. */
static int has_lines(const struct prep_cursor *cur)
{
	size_t k;

	for (k = 0; k < cur->nwin; k++)
		if (memchr(cur->u + cur->win[k][0], '\n', cur->win[k][1] - cur->win[k][0]))
			return 1;
	return 0;
}

/* Classify text[0..n), sample bytes of it (0: all), as lid_classify() does. */
static int classify(struct lid_classifier *c, const char *text, size_t n, size_t sample,
		    int lines, float *score)
{
	const struct lid_model *m = c->m;
	struct lid_text *t = &c->t;
	struct prep_cursor cur;
	size_t s;
	int more = -1, best;

	c->nomem = 0;
	c->blank = 0;
	/* the sums the last text used (most use one or two of the submodels) */
	for (; c->used; c->used &= c->used - 1) {
		s = (size_t)__builtin_ctz(c->used);
		memset(c->sum[s].acc, 0, m->subs[s].nclass * sizeof(*c->sum[s].acc));
		c->sum[s].nf = 0;
		c->prev[s].hash = 0;
		c->prev[s].len = 0;
	}
	c->nb_sum = 0;
	c->nb_n = 0;
	c->nbf.n = 0;
	c->pending = 0;
	c->lines = 0;
	if (c->why)
		why_clear(c->why);
	if (c->mnf) {	/* the last text's Latin words the msa submodel did not need */
		memset(c->macc, 0, m->subs[m->msa].stride * sizeof(*c->macc));
		c->mnf = 0;
	}
	if (!prep_begin(&cur, t, text, n, sample, m)) {
		cur.lines = lines && has_lines(&cur);
		if (cur.lines) {
			c->nends = c->ends_vn = 0;
			c->end_letters = c->end_feats = 0;
			memset(c->mix, 0, m->nlabels * sizeof(*c->mix));
			c->line_letters = c->mixed_letters = 0;
		}
		do {
			more = prep_more(&cur, PART_WORDS);
			if (more >= 0)
				add_part(c);
			if (cur.lines && (more == 0 || more == 2) && !c->nomem)
				line_end(c);
		} while (more > 0 && !c->nomem);
	}
	if (more < 0 || c->nomem) {
		c->nomem = 1;
		t->letters = 0;
	}
	best = decide(c, score);
	if (c->nomem)
		return -1;
	return cur.lines ? lines_decide(c, best, score) : best;
}

int lid_classify(struct lid_classifier *c, const char *text, size_t n,
		 const struct lid_opts *opts, float *score)
{
	const struct lid_model *m = c->m;
	size_t sample = opts ? opts->sample : 0;
	int best, lines = opts && opts->lines;

	/* 0 when the model has no word odds: every use of them asks nb_weight only */
	c->nb_weight = !m->nb ? 0 : opts && opts->nb_weight_set ? opts->nb_weight : m->nb_weight;
	best = classify(c, text, n, sample, lines, score);
	/*
	 * Windows that found nothing to go on (no letters, or only words too
	 * long to give features) do not make a longer text und: it is read whole.
	 */
	if (best == m->und && sample && n > sample && (c->t.letters == 0 || c->blank))
		best = classify(c, text, n, 0, lines, score);
	return best;
}

const float *lid_probs(const struct lid_classifier *c)
{
	return c->probs;
}

size_t lid_letters(const struct lid_classifier *c)
{
	return c->t.letters;
}

const struct lid_model *lid_classifier_model(const struct lid_classifier *c)
{
	return c->m;
}

int lid_is_space(unsigned char c)
{
	return is_space(c);
}

int lid_skip_token(const unsigned char *p, size_t n)
{
	return skip_token(p, n);
}

size_t lid_top(const struct lid_classifier *c, int *labels, float *scores, size_t k)
{
	size_t n = 0, i, j;

	for (i = 0; i < c->m->nlabels; i++) {
		float p = c->probs[i];

		if (p <= 0)
			continue;
		for (j = n < k ? n : k; j > 0 && scores[j - 1] < p; j--)
			if (j < k) {
				labels[j] = labels[j - 1];
				scores[j] = scores[j - 1];
			}
		if (j < k) {
			labels[j] = (int)i;
			scores[j] = p;
			if (n < k)
				n++;
		}
	}
	return n;
}

/* ---- explaining ---- */

static void why_free(struct why *y)
{
	if (!y)
		return;
	free(y->e);
	free(y->slot);
	free(y->text);
	free(y->items);
	free(y);
}

int lid_classifier_explain(struct lid_classifier *c, int on)
{
	const struct lid_model *m = c->m;

	if (!on) {
		why_free(c->why);
		c->why = NULL;
		return 0;
	}
	if (m->msa < 0 || m->msa_zsm < 0 || m->msa_ind < 0)
		return 1;
	if (!c->why && !(c->why = calloc(1, sizeof(*c->why))))
		return -1;
	return 0;
}

/* Largest share first, either way; of equal shares, the text first in byte order. */
static int why_by_share(const void *a, const void *b)
{
	const struct lid_why_item *x = a, *y = b;
	double ax = fabs(x->nats), ay = fabs(y->nats);
	int d;

	if (ax != ay)
		return ax < ay ? 1 : -1;
	d = memcmp(x->text, y->text, x->len < y->len ? x->len : y->len);
	return d ? d : (x->len > y->len) - (x->len < y->len);
}

/* The heap h[0..n) (the item that comes last at its root) after h[i] changed. */
static void why_sift(struct lid_why_item *h, size_t n, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, top = i;
		struct lid_why_item t;

		if (l < n && why_by_share(&h[l], &h[top]) > 0)
			top = l;
		if (r < n && why_by_share(&h[r], &h[top]) > 0)
			top = r;
		if (top == i)
			return;
		t = h[i];
		h[i] = h[top];
		h[top] = t;
		i = top;
	}
}

/*
 * The max items of it[0..n) that come first, in order, to its front;
 * returns how many.  A heap of them: a text of hundreds of items, of which
 * ten are asked for, is not sorted whole.
 */
static size_t why_first(struct lid_why_item *it, size_t n, size_t max)
{
	size_t i;

	if (max >= n) {
		qsort(it, n, sizeof(*it), why_by_share);
		return n;
	}
	for (i = max / 2; i-- > 0;)
		why_sift(it, max, i);
	for (i = max; i < n; i++)
		if (why_by_share(&it[i], &it[0]) < 0) {
			it[0] = it[i];
			why_sift(it, max, 0);
		}
	qsort(it, max, sizeof(*it), why_by_share);
	return max;
}

int lid_why(struct lid_classifier *c, size_t max, struct lid_why *out)
{
	const struct lid_model *m = c->m;
	struct why *y = c->why;
	const struct lid_sub *s;
	const struct lid_sum *sm;
	float sc, lz, li;
	double nb_unit;
	size_t i, n;

	memset(out, 0, sizeof(*out));
	if (!y)
		return 1;
	s = &m->subs[m->msa];
	sm = &c->sum[m->msa];
	add_pending(c);		/* the text is read: its last Latin part into the sums */
	if (c->nomem)
		return -1;
	if (!(c->used & 1u << m->msa) || sm->nf == 0)
		return 1;
	/* as run_sub() works it out */
	sc = sum_scale(c, (size_t)m->msa);
	lz = s->bias[m->msa_zsm] + sc * (float)sm->acc[m->msa_zsm];
	li = s->bias[m->msa_ind] + sc * (float)sm->acc[m->msa_ind];
	out->odds = (double)(lz - li + word_odds(c));
	out->prior = (double)s->bias[m->msa_zsm] - (double)s->bias[m->msa_ind];
	nb_unit = (double)word_odds_unit(c);
	if (y->n > y->items_alloc) {
		struct lid_why_item *it = ayak_grow(y->items, &y->items_alloc, y->n, sizeof(*it), 64);

		if (!it)
			return -1;
		y->items = it;
	}
	for (i = n = 0; i < y->n; i++) {
		const struct why_entry *e = &y->e[i];
		struct lid_why_item *it = &y->items[n];

		it->nats = (double)sc * (double)e->units + nb_unit * (double)e->nb;
		if (it->nats == 0)	/* a pair that adds nothing of its own */
			continue;
		it->text = y->text + e->off;
		it->len = e->len;
		it->count = e->count;
		n++;
	}
	out->total = n;
	out->nitems = why_first(y->items, n, max);
	out->items = y->items;
	return 0;
}
