/*
 * Internals shared by the filter*.c files: character classes after
 * Python's str methods, a hash set with generation stamps, the compiled
 * pattern rules and the lexicons.  Not for programs: they use filter.h.
 */
#ifndef AYAK_FILTER_INT_H
#define AYAK_FILTER_INT_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <string.h>

#include "filter.h"

/* Polynomial string hash, mod 2^64: H(s) = sum s[i] * B^(len-1-i). */
#define FILTER_HASH_BASE 0x100000001b3ULL

/* ---- characters ---- */

/* Decode the code point at s[i] (valid UTF-8); its length in *len. */
static inline uint32_t fl_cp(const unsigned char *s, size_t n, size_t i, int *len)
{
	unsigned char c = s[i];

	if (c < 0x80 || i + 1 >= n) {
		*len = 1;
		return c;
	}
	if (c < 0xE0) {
		*len = 2;
		return ((uint32_t)(c & 0x1F) << 6) | (s[i + 1] & 0x3F);
	}
	if (c < 0xF0 || i + 3 >= n) {
		*len = 3;
		if (i + 2 >= n)
			return 0xFFFD;
		return ((uint32_t)(c & 0x0F) << 12) | ((uint32_t)(s[i + 1] & 0x3F) << 6) |
		       (s[i + 2] & 0x3F);
	}
	*len = 4;
	return ((uint32_t)(c & 0x07) << 18) | ((uint32_t)(s[i + 1] & 0x3F) << 12) |
	       ((uint32_t)(s[i + 2] & 0x3F) << 6) | (s[i + 3] & 0x3F);
}

/* FILTER_HASH_BASE ** k */
extern uint64_t fl_base_pow[256];
uint64_t fl_bpow_slow(size_t k);

static inline uint64_t fl_bpow(size_t k)
{
	return k < 256 ? fl_base_pow[k] : fl_bpow_slow(k);
}

/* ---- eight bytes at a time ---- */

#define FL_ONES 0x0101010101010101ULL
#define FL_HIGHS 0x8080808080808080ULL

static inline uint64_t fl_load8(const unsigned char *p)
{
	uint64_t x;

	memcpy(&x, p, 8);
	return x;
}

/* Non-zero when a byte of x is c. */
static inline uint64_t fl_has_byte(uint64_t x, unsigned char c)
{
	uint64_t v = x ^ (FL_ONES * c);

	return (v - FL_ONES) & ~v & FL_HIGHS;
}

/* The bytes of x equal to c (0x80 in each), exactly: no carry crosses bytes. */
static inline uint64_t fl_eq_bytes(uint64_t x, unsigned char c)
{
	uint64_t v = x ^ (FL_ONES * c);

	return ~(((v & ~FL_HIGHS) + ~FL_HIGHS) | v) & FL_HIGHS;
}

/* Non-zero when a byte of x is below n (n at most 128). */
static inline uint64_t fl_has_less(uint64_t x, unsigned char n)
{
	return (x - FL_ONES * n) & ~x & FL_HIGHS;
}

/* Non-zero when a byte of x is 0xC0 or above (the lead of a multibyte UTF-8 sequence). */
static inline uint64_t fl_has_lead(uint64_t x)
{
	return x & (x << 1) & FL_HIGHS;
}

/*
 * s[0..n) is w (lower case ASCII) but for ASCII case: strncasecmp() as
 * the C locale has it, without the call.
 */
static inline int fl_ieq(const void *s, const char *w, size_t n)
{
	const unsigned char *u = s;
	size_t i;

	for (i = 0; i < n; i++)
		if ((u[i] >= 'A' && u[i] <= 'Z' ? u[i] + 32 : u[i]) != (unsigned char)w[i])
			return 0;
	return 1;
}

/* Code points in s[0..n). */
size_t fl_cps(const char *s, size_t n);
/* Python str.isspace(). */
int fl_isspace(uint32_t cp);
/* Python str.isalpha() (Unicode letters). */
int fl_isalpha(uint32_t cp);
/* A letter, mark or digit (Unicode L, M, N): what words are made of. */
int fl_isword(uint32_t cp);
/* In datatrove's PUNCTUATION set. */
int fl_ispunct_dt(uint32_t cp);
/* Python str.splitlines() line boundary (\r\n counts as one). */
int fl_islinebreak(uint32_t cp);

extern const unsigned char fl_ascii_space[128];

/* Python str.isspace() of the code point at s[i]; its length in *len. */
static inline int fl_space_at(const unsigned char *s, size_t n, size_t i, int *len)
{
	if (s[i] < 0x80) {
		*len = 1;
		return fl_ascii_space[s[i]];
	}
	return fl_isspace(fl_cp(s, n, i, len));
}

/* s[0..n) without Python whitespace at the ends: *b and *e as offsets. */
void fl_strip_slow(const char *s, size_t n, size_t *b, size_t *e);

static inline void fl_strip(const char *s, size_t n, size_t *b, size_t *e)
{
	const unsigned char *u = (const unsigned char *)s;

	/* most lines begin and end with ASCII that is not white space */
	if (n && u[0] < 0x80 && !fl_ascii_space[u[0]] && u[n - 1] < 0x80 &&
	    !fl_ascii_space[u[n - 1]]) {
		*b = 0;
		*e = n;
		return;
	}
	fl_strip_slow(s, n, b, e);
}

/* ---- a hash set of 64-bit keys (the string sets' index) ---- */

struct fl_ent {
	uint64_t key;
	uint32_t gen;		/* the slot is used when this is the set's gen */
	uint32_t count;		/* for string sets: index of the string + 1 */
};

struct fl_set {
	struct fl_ent *e;
	size_t mask;		/* capacity - 1 */
	uint32_t gen;
};

/* Empty the set, with room for n keys; -1 on ENOMEM. */
int fl_set_reset(struct fl_set *s, size_t n);
void fl_set_release(struct fl_set *s);
/* A compact counting table for n-grams: count 0 marks an empty slot. */
struct fl_count {
	uint64_t key;
	uint32_t count;
	uint32_t first;		/* token index where the n-gram first occurs */
};

/* ---- a set of strings (stopwords, blocklists, lexicon phrases) ---- */

struct fl_strset {
	struct fl_set set;	/* key: hash of the string, count: index + 1 */
	char **s;
	size_t *len;
	size_t n, cap;
};

int fl_strset_add(struct fl_strset *ss, const char *s, size_t n);
int fl_strset_has(const struct fl_strset *ss, const char *s, size_t n);
void fl_strset_release(struct fl_strset *ss);
/* The tokenizer's hash of s[0..n) (FILTER_HASH_BASE, mod 2^64). */
uint64_t fl_strhash(const char *s, size_t n);
/* fl_strset_has with the hash of s already known. */
int fl_strset_has_h(const struct fl_strset *ss, const char *s, size_t n, uint64_t h);

/* ---- compiled pattern rules ---- */

struct fl_rule {
	int action;		/* enum filter_action */
	int target;		/* enum filter_target */
	char *name;
	char *reason;		/* "rule:NAME" */
	char *placeholder;	/* "<NAME>" for redact rules */
	char *file;		/* where it was defined */
	unsigned line;
	char *src;		/* the regular expression as written */
	pcre2_code *re;
	int combined;		/* runs as part of filter.line_re */
};

struct filter_rules {
	struct fl_rule *r;
	size_t n, cap;
};

/* ---- boilerplate lexicons ---- */

struct fl_lexicon {
	struct fl_strset line;		/* normalized whole lines */
	struct fl_strset prefix;	/* normalized line beginnings */
	struct fl_strset suffix;	/* normalized line ends */
	size_t max_prefix, max_suffix;	/* bytes */
	struct fl_strset first, last;	/* first words of line and prefix entries,
					   last words of suffix entries */
	uint64_t key_lens[2];		/* bit n: a first (0) or last (1) word of n bytes
					   (63: 63 or more) */
	uint64_t key_byte[2][4];	/* bit c: one starting with byte c */
};

/*
 * The text of a line of a lexicon file (stopwords, blocklist, boilerplate):
 * a NUL byte or invalid UTF-8 is a usage error (the caller names the file
 * and line).  0 or -1.
 */
int fl_text_check(const char *s, size_t n, struct ayak_err *err);
int fl_lexicon_load(struct fl_lexicon *lx, const char *path, struct ayak_err *err);
int fl_lexicon_parse(struct fl_lexicon *lx, const char *text, size_t len,
		     const char *name, struct ayak_err *err);
void fl_lexicon_release(struct fl_lexicon *lx);
/* 1 if the line (any form) is boilerplate; norm is scratch space. */
int fl_lexicon_match(const struct fl_lexicon *lx, const char *line, size_t n,
		     struct ayak_buf *norm);

/* ---- the engine's state ---- */

/* Line beginnings of three ASCII bytes: 128^3 verdicts, 0 not known yet. */
#define FL_MEMO_SIZE (128 * 128 * 128)

struct fl_line {
	size_t b, e;		/* bytes of the line, without "\n" */
	unsigned char mark;
	signed char why;	/* enum filter_line_reason it may go for, or -1 */
};

struct filter {
	double v[FP_COUNT];
	struct filter_rules *rules;
	pcre2_code *line_re[2];		/* keep:line, drop:line rules as one regex each */
	pcre2_code *line_anch[2];	/* the same, anchored */
	unsigned char *line_memo[2];	/* for each, the verdicts on line beginnings,
					   or NULL: it runs over the whole text */
	int has_line_rules, has_url_rules, has_text_rules, has_redact_rules;
	struct fl_strset stopwords;
	uint64_t sw_lens;		/* bit n: a stopword of n bytes */
	uint64_t sw_first[4];		/* bit c: a stopword starting with byte c */
	struct fl_lexicon boiler;
	int has_boiler;
	struct fl_strset blocklist;
	pcre2_match_data *md;
	pcre2_match_context *mctx;
	pcre2_jit_stack *jit;
	const char **redact_names;
	uint64_t *redact_counts;
	size_t nredact;
	/* reused work space */
	struct fl_line *lines;
	size_t nlines, lcap;
	struct ayak_buf clean, c4, redact, pii, norm, host, idn, idn_host;
	struct UIDNA *idna;		/* opened for the first host outside ASCII */
	struct filter_tokens tok;
	struct fl_count *cnt;		/* line and paragraph counts, cleared per use */
	size_t cmask, cur_mask;
	struct fl_count *tops;		/* counting table of the 2- to 5-gram passes */
	uint64_t *seen;			/* table of the 5- to 10-gram walks */
	size_t tops_cap, seen_cap;	/* their slots; all empty between uses */
	uint32_t *dirty;		/* slots filled in this use, to empty after */
	uint32_t *next;			/* places to count n-grams at */
	unsigned char *rep;		/* per token: its n-gram repeats, 2 rows */
	uint64_t *hk;			/* per token: the hash of its n-gram */
	uint32_t *bidx;			/* per token: the counter of its n-gram */
	unsigned char *bucket;		/* saturating counters of n-gram hashes, all 0
					   between uses */
	size_t bucket_cap;
	size_t dirty_cap;
	int any_quality;		/* some quality rule is on */
	size_t *nl;			/* offsets of the line feeds of the text checked */
	size_t nlcap;
	uint64_t *lh;			/* XXH3 of each of its lines */
	size_t lhcap;
	uint64_t *ph;
	uint32_t *plen;			/* bytes, 32 bits as the tokens' offsets */
	uint32_t *pcps;
	size_t pcap;
};

/* Is the token one of the stopwords? (Most tokens differ in length or first byte.) */
static inline int fl_stopword(const struct filter *f, const char *text,
			      const struct filter_token *t)
{
	unsigned char c = (unsigned char)text[t->off];

	return t->len < 64 && (f->sw_lens >> t->len & 1) && (f->sw_first[c >> 6] >> (c & 63) & 1) &&
	       fl_strset_has_h(&f->stopwords, text + t->off, t->len, t->h);
}

/* Drop lines (patterns, boilerplate, short ones): filter-lines.c. */
int fl_cleanup(struct filter *f, const char *text, size_t len, struct filter_result *res,
	       const char **out, size_t *outlen);
/* Run one compiled regex; 1 match, 0 none, <0 error. */
int fl_match(struct filter *f, const pcre2_code *re, const char *s, size_t n,
	     size_t start, size_t *mb, size_t *me);

/* ---- checks (filter-quality.c) ---- */

enum fl_check_id {
	CK_TOO_FEW_WORDS,
	CK_TOO_MANY_WORDS,
	CK_SHORT_WORDS,
	CK_LONG_WORDS,
	CK_HASHES,
	CK_ELLIPSES,
	CK_BULLET_LINES,
	CK_ELLIPSIS_LINES,
	CK_NON_ALPHA_WORDS,
	CK_FEW_STOPWORDS,
	CK_DUP_PARAS,
	CK_DUP_PARA_CHARS,
	CK_DUP_LINES,
	CK_DUP_LINE_CHARS,
	CK_TOP_2_GRAM,
	CK_TOP_3_GRAM,
	CK_TOP_4_GRAM,
	CK_DUP_5_GRAM,
	CK_DUP_6_GRAM,
	CK_DUP_7_GRAM,
	CK_DUP_8_GRAM,
	CK_DUP_9_GRAM,
	CK_DUP_10_GRAM,
	CK_LINE_PUNCT,
	CK_SHORT_LINES,
	CK_CHAR_DUP,
	CK_NEW_LINES,
	CK_C4_FEW_SENTENCES,
	CK_COUNT
};

/* One document going through the checks. */
struct fl_ctx {
	struct filter *f;
	const struct filter_opts *o;
	struct filter_result *res;
	const char *text;	/* as the checks see it */
	size_t len;
	size_t cps;		/* code points in text */
	int have_tokens;
	size_t nnl;		/* line feeds in text (with have_lines) */
	int have_lines, have_line_hashes;
	int words_checked;	/* too_many_words listed before the other rules */
};

/* Record a drop with a reason; 1 when the run should stop. */
int fl_fail(struct fl_ctx *c, const char *reason, int has_value, double value,
	    double threshold);
/* The value of a check and its verdict; 1 when the run should stop. */
int fl_check(struct fl_ctx *c, int check, double value);
/* Each family of rules; 1 when the run should stop, -1 out of memory. */
int fl_repetition(struct fl_ctx *c);
int fl_c4(struct fl_ctx *c);
int fl_fineweb(struct fl_ctx *c);
int fl_gopher_quality(struct fl_ctx *c);
/* Drop a text over max_doc_words before the other rules: 1 dropped, 0 not, -1 out of memory. */
int fl_too_many_words(struct fl_ctx *c);

#endif
