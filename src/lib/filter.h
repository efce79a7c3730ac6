/*
 * The engine of ayak-filter: quality rules (Gopher quality, Gopher
 * repetition, FineWeb, optionally C4), line cleanup, PCRE2 pattern rules,
 * a domain blocklist and PII redaction.  See ayak-filter(1) for what each
 * rule does; this header is the programming interface.
 *
 * Thresholds come from a profile (a small key = value file in
 * lexicons/filter/) and from command-line flags with the same names.  The
 * engine is built once from the parameters (filter_new), then runs over one
 * document at a time (filter_run), reusing its buffers.
 */
#ifndef AYAK_FILTER_H
#define AYAK_FILTER_H

#include "ayak.h"

/* ---- parameters ---- */

/*
 * Every threshold and switch.  The profile key and the flag are the name
 * in filter_params_info with '_' (key) or '-' (flag); most keys are the
 * names datatrove uses for the same parameter.
 */
enum filter_param_id {
	/* Gopher quality */
	FP_MIN_DOC_WORDS,
	FP_MAX_DOC_WORDS,
	FP_MIN_AVG_WORD_LENGTH,
	FP_MAX_AVG_WORD_LENGTH,
	FP_MAX_SYMBOL_WORD_RATIO,
	FP_MAX_BULLET_LINES_RATIO,
	FP_MAX_ELLIPSIS_LINES_RATIO,
	FP_MAX_NON_ALPHA_WORDS_RATIO,
	FP_MIN_STOP_WORDS,
	/* Gopher repetition */
	FP_DUP_LINE_FRAC,
	FP_DUP_PARA_FRAC,
	FP_DUP_LINE_CHAR_FRAC,
	FP_DUP_PARA_CHAR_FRAC,
	FP_TOP_2_GRAM,
	FP_TOP_3_GRAM,
	FP_TOP_4_GRAM,
	FP_DUP_5_GRAM,
	FP_DUP_6_GRAM,
	FP_DUP_7_GRAM,
	FP_DUP_8_GRAM,
	FP_DUP_9_GRAM,
	FP_DUP_10_GRAM,
	/* FineWeb quality */
	FP_LINE_PUNCT_THR,
	FP_LINE_PUNCT_EXCLUDE_ZERO,
	FP_SHORT_LINE_THR,
	FP_SHORT_LINE_LENGTH,
	FP_CHAR_DUPLICATES_RATIO,
	FP_NEW_LINE_RATIO,
	/* C4 quality (off unless c4 = on) */
	FP_C4,
	FP_C4_MIN_SENTENCES,
	FP_C4_MIN_WORDS_PER_LINE,
	FP_C4_MAX_WORD_LENGTH,
	FP_C4_TERMINAL_PUNCT,
	FP_C4_CITATIONS,
	FP_C4_LOREM_IPSUM,
	FP_C4_JAVASCRIPT,
	FP_C4_CURLY_BRACKET,
	FP_C4_POLICY,
	/* line cleanup */
	FP_LINE_CLEANUP,
	FP_LINE_MIN_WORDS,
	FP_BOILERPLATE_MAX_CHARS,
	FP_COUNT
};

enum filter_param_kind {
	FPK_COUNT,	/* a whole number up to FILTER_MAX_COUNT, or off */
	FPK_RATIO,	/* a decimal number, or off */
	FPK_BOOL,	/* on or off */
	FPK_SHARE,	/* a decimal number from 0 to 1 (a share of lines, words...), or off */
};

struct filter_param_info {
	const char *key;	/* "dup_line_frac" */
	int kind;		/* enum filter_param_kind */
};

extern const struct filter_param_info filter_params_info[FP_COUNT];

#define FILTER_MAX_COUNT 4294967295.0	/* counts are of 32-bit words, lines, bytes */
#define FILTER_MAX_NUMBER 1e308	/* the other thresholds: finite, whatever their length */

/* File lists a profile names (paths as given, relative to the profile). */
enum filter_list_id {
	FL_STOPWORDS,
	FL_BOILERPLATE,
	FL_RULES,
	FL_BLOCKLIST,
	FL_COUNT
};

extern const char *const filter_list_keys[FL_COUNT];

#define FILTER_MAX_FILES 16

struct filter_params {
	double v[FP_COUNT];	/* NAN when off */
	char *files[FL_COUNT][FILTER_MAX_FILES];	/* full paths, owned */
	int nfiles[FL_COUNT];
	char *profile;		/* the profile's path, or "none" */
};

/* Every rule off (the c4_* settings at datatrove's defaults), no files. */
void filter_params_init(struct filter_params *p);
void filter_params_release(struct filter_params *p);
/* The parameter or list with this key ('-' and '_' alike); -1 if none. */
int filter_param_lookup(const char *key, size_t len);
int filter_list_lookup(const char *key, size_t len);
/*
 * Parse a value for a parameter: a number as its kind wants ("50",
 * "0.331"), "off", and for switches also "on".  Returns 0, or -1 with a
 * reason in err->msg.
 */
int filter_param_set(struct filter_params *p, int id, const char *value,
		     struct ayak_err *err);
/* Add path to a list; "none" empties the list first (and adds nothing). */
int filter_list_add(struct filter_params *p, int id, const char *path,
		    struct ayak_err *err);

/*
 * Parse a profile held in text[0..len): lines of `key = value`, blank
 * lines and `#` comments.  File names are resolved against dir (the
 * profile's directory; "" for none).  Errors are AYAK_E_USAGE with
 * err->file = name and err->line set.
 */
int filter_profile_parse(struct filter_params *p, const char *text, size_t len,
			 const char *name, const char *dir, struct ayak_err *err);
/*
 * Load a profile by name ("zsm_Latn": lexicons/filter/zsm_Latn.profile),
 * by path (anything with a '/' or ending in .profile), or "none".
 */
int filter_profile_load(struct filter_params *p, const char *name_or_path,
			struct ayak_err *err);

/* ---- pattern rules ---- */

enum filter_action { FA_KEEP, FA_DROP, FA_REDACT };
enum filter_target { FT_TEXT, FT_URL, FT_DOMAIN, FT_LINE };

struct filter_rules;

struct filter_rules *filter_rules_new(void);
void filter_rules_free(struct filter_rules *r);
/*
 * Parse a rule file held in text[0..len): lines of `ACTION NAME REGEX`
 * where ACTION is keep, drop or redact, optionally with a target
 * (drop:url, keep:domain, drop:line ...).  Regexes are compiled (and
 * JIT-compiled when jit is set).  Errors are AYAK_E_USAGE with err->file
 * and err->line.
 */
int filter_rules_parse(struct filter_rules *r, const char *text, size_t len,
		       const char *name, int jit, struct ayak_err *err);
size_t filter_rules_count(const struct filter_rules *r);

/* ---- PII ---- */

enum filter_pii_type { PII_EMAIL, PII_PHONE, PII_MYKAD, PII_IP, PII_CARD, PII_LOGIN, PII_NTYPES };

extern const char *const filter_pii_names[PII_NTYPES];	/* "email", ... */

/* Parse "email,phone,..." or "all" into a mask of 1 << type; -1 if bad. */
int filter_pii_mask(const char *list, unsigned *mask);
/*
 * Append s[0..n) to out with every PII find of a type in mask replaced by
 * its placeholder (<EMAIL>, <PHONE>, <MYKAD>, <IP>, <CARD>, <LOGIN>), adding the
 * finds to counts[type].  s must be valid UTF-8.
 */
int filter_pii_redact(const char *s, size_t n, unsigned mask, struct ayak_buf *out,
		      uint64_t counts[PII_NTYPES]);
/* The checks behind it, for tests. */
int filter_mykad_valid(const char *d12);		/* 12 digits */
int filter_luhn_valid(const char *digits, size_t n);
int filter_ipv4_global(const unsigned char a[4]);
int filter_ipv6_global(const unsigned char a[16]);

/* ---- the engine ---- */

/* Values the rules test; see ayak-filter(1) for each. */
enum filter_value_id {
	FV_WORDS,
	FV_MEAN_WORD_LENGTH,
	FV_HASH_RATIO,
	FV_ELLIPSIS_RATIO,
	FV_BULLET_LINES,
	FV_ELLIPSIS_LINES,
	FV_ALPHA_WORDS,
	FV_STOPWORDS,
	FV_DUP_PARAS,
	FV_DUP_PARA_CHARS,
	FV_DUP_LINES,
	FV_DUP_LINE_CHARS,
	FV_TOP_2_GRAM,
	FV_TOP_3_GRAM,
	FV_TOP_4_GRAM,
	FV_DUP_5_GRAM,
	FV_DUP_6_GRAM,
	FV_DUP_7_GRAM,
	FV_DUP_8_GRAM,
	FV_DUP_9_GRAM,
	FV_DUP_10_GRAM,
	FV_LINE_PUNCT,
	FV_SHORT_LINES,
	FV_CHAR_DUP,
	FV_NEW_LINES,
	FV_C4_SENTENCES,
	FV_COUNT
};

extern const char *const filter_value_names[FV_COUNT];

/* Line cleanup counts. */
enum filter_line_reason { FLR_PATTERN, FLR_BOILERPLATE, FLR_SHORT, FLR_C4, FLR_COUNT };

#define FILTER_MAX_REASONS 48

struct filter_result {
	int drop;			/* the record goes */
	const char *reason;		/* the first reason (NULL when kept) */
	int has_value;			/* value and threshold apply to reason */
	double value, threshold;
	const char *kept_by;		/* keep rule that saved it, or NULL */
	/* every failing check in order (all of them with annotate) */
	const char *reasons[FILTER_MAX_REASONS];
	size_t nreasons;
	double values[FV_COUNT];
	unsigned char have[FV_COUNT];	/* values[i] was computed */
	/* the text to write: cleaned, shortened by C4, redacted */
	const char *text;
	size_t len;
	int changed;			/* text differs from the input */
	uint64_t lines_dropped[FLR_COUNT];
	uint64_t pii[PII_NTYPES];
	uint64_t match_errors;		/* PCRE2 match failures (treated as no match) */
};

struct filter_opts {
	int annotate;		/* compute every value, keep going after a failure */
	int redact;		/* apply redact rules and PII redaction */
	unsigned pii_mask;	/* PII types to redact (0: none) */
	size_t max_text;	/* longest text taken (0: FILTER_MAX_TEXT; tests set less) */
};

/* The longest text filter_run() takes: words are found by 32-bit offsets. */
#define FILTER_MAX_TEXT ((size_t)UINT32_MAX)

struct filter;

/* Build the engine: load stopwords, boilerplate, rules and blocklists. */
struct filter *filter_new(const struct filter_params *p, struct ayak_err *err);
void filter_free(struct filter *f);

/*
 * Decide on one document.  text must be valid UTF-8; url may be NULL.
 * result->text points into the input or into the engine's buffers, valid
 * until the next call.  Returns 0, or -1 with err set: AYAK_E_DATA for a
 * text longer than the limit, AYAK_E_SYS when memory ran out.
 */
int filter_run(struct filter *f, const char *text, size_t len, const char *url,
	       size_t url_len, const struct filter_opts *o, struct filter_result *res,
	       struct ayak_err *err);

/* Counts of redact rule matches in the last run, by rule, and their names. */
size_t filter_redact_rules(const struct filter *f, const char *const **names,
			   const uint64_t **counts);
/*
 * The --annotate object: {"decision":"keep","reasons":[],...}, appended to
 * out as JSON.
 */
int filter_annotation(const struct filter_result *res, struct ayak_buf *out);
/*
 * Append a value as --annotate writes it, and a threshold as --show-profile
 * does: a whole number as such, others with the fewest digits that read
 * back as it, without an exponent.
 */
int filter_value_add(struct ayak_buf *out, double v);

/* ---- text helpers shared with the tests ---- */

/* One token of the word tokenizer. */
struct filter_token {
	uint32_t off, len;	/* bytes */
	uint32_t cps;		/* code points */
	uint32_t flags;		/* FTOK_* */
	uint64_t h;		/* polynomial hash of the bytes */
	uint64_t p;		/* FILTER_HASH_BASE ** len */
};

enum {
	FTOK_WORD = 1,		/* has a character outside datatrove's PUNCTUATION */
	FTOK_ALPHA = 2,		/* has a letter (Python str.isalpha) */
};

struct filter_tokens {
	struct filter_token *t;
	size_t n, cap;
};

/* Split s[0..n) into tokens (see TOKENS in ayak-filter(1)); replaces *out. */
int filter_tokenize(const char *s, size_t n, struct filter_tokens *out);
void filter_tokens_release(struct filter_tokens *t);

#endif
