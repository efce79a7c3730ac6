/*
 * Reports on record files, for ayak-stats: counts, bytes, characters,
 * words and tokens, languages (the lang field of ayak-lid), document
 * lengths, top domains (the url field), and the funnel of a pipeline's
 * stages read from their --stats files.  Written as aligned text, as one
 * JSON object, or as a self-contained HTML page with inline SVG plots.
 *
 * Everything is streamed: memory is bounded by the tables' caps
 * (languages and domains are counted in hash tables; past the cap the
 * Space-Saving algorithm keeps the most frequent ones with error bounds),
 * never by the input.  The same records and stats files give the same
 * report, byte for byte, whatever their order.
 */
#ifndef AYAK_REPORT_H
#define AYAK_REPORT_H

#include "ayak.h"
#include "json.h"

enum report_format {
	REPORT_TEXT = 0,
	REPORT_JSON,
	REPORT_HTML,
};

/* "text", "json", "html": -1 if unknown. */
int report_format_from_name(const char *name);

#define REPORT_TOP 20			/* domains listed by default */
#define REPORT_MAX_DOMAINS 100000	/* domains counted exactly by default */
#define REPORT_MAX_LANGS 1000		/* language labels counted exactly */
#define REPORT_MAX_STATS_FILE (64u << 20)
#define REPORT_MAX_LABEL 255		/* longer language labels are counted apart */
#define REPORT_MAX_HOST 253		/* longer hosts are no DNS name: counted apart */

/*
 * Tokens of text[0..n) (valid UTF-8) in *ntokens.  Returns 0, or -1 with
 * err set (AYAK_E_DATA: this text cannot be tokenized; anything else ends
 * the run).
 */
typedef int (*report_token_fn)(void *ctx, const char *text, size_t n, uint64_t *ntokens,
			       struct ayak_err *err);

struct report_opts {
	const char *field;		/* the text field; NULL: "text" */
	const char *lang_field;		/* NULL: "lang" (its score: FIELD_score) */
	const char *url_field;		/* NULL: "url" */
	size_t top;			/* domains listed; 0: REPORT_TOP */
	size_t max_domains;		/* 0: REPORT_MAX_DOMAINS */
	report_token_fn tokens;		/* NULL: no token counts */
	void *tokens_ctx;
	const char *tokenizer;		/* what counts the tokens, for the report */
	const char *title;		/* NULL: "ayak-stats report" */
	const char *timestamp;		/* NULL: none in the report */
	/* Stage order: program names separated by commas, before the default
	 * pipeline order; a name stands for the program of that name and for
	 * "ayak-NAME".  NULL: the default. */
	const char *stage_order;
	int no_records;			/* stages only: leave out the record sections */
};

struct report;

/* NULL with err set if opts are bad (a bad stage order: AYAK_E_USAGE). */
struct report *report_new(const struct report_opts *o, struct ayak_err *err);
void report_free(struct report *r);

/*
 * Count one record, parsed with ayak_record_parse.  Returns 0, or -1 with
 * err set: AYAK_E_DATA when the text field is missing or not a string, or
 * the token counter refuses the text (nothing of the record is counted);
 * AYAK_E_SYS when out of memory.
 */
int report_record(struct report *r, struct ayak_record *rec, struct ayak_err *err);

/* Malformed records that the caller skipped, for the report. */
void report_set_malformed(struct report *r, uint64_t n);

/*
 * Add one --stats object (the text of a stats file; name is the file name
 * for messages).  Files of the same program are shards of one stage and
 * are summed.  Returns 0, or -1 with AYAK_E_DATA and a message
 * "NAME: ..." when the text is not a stats object, AYAK_E_SYS when out of
 * memory.
 */
int report_stage_json(struct report *r, const char *name, const char *text, size_t len,
		      struct ayak_err *err);
/*
 * Add a stats file, or every *.json file under a directory (recursively,
 * in name order, dot files left out; links followed, but links that lead
 * nowhere or back into a directory being read are passed over).  AYAK_E_SYS when a file cannot be
 * read, AYAK_E_DATA when one is not a stats object or a directory holds
 * none; messages start with the file's name.
 */
int report_stage_path(struct report *r, const char *path, struct ayak_err *err);

/*
 * After the stats files are added: -1 with AYAK_E_USAGE when a name of
 * the stage order matches no stage's program (a misspelling, say).
 */
int report_check_order(const struct report *r, struct ayak_err *err);

/* Append the report to out.  Returns 0, or -1 when out of memory. */
int report_write(struct report *r, int format, struct ayak_buf *out);

/*
 * The host of a URL as the report counts it: after the scheme or "//"
 * (without them, a first segment that reads as a host), without
 * user, port or a final dot, lower case (outside ASCII too), percent-escapes
 * decoded (ayak_url_host_lower), without a leading "www.", whole (the
 * report counts one over REPORT_MAX_HOST bytes apart, as no DNS name).
 * Appended to out; returns its length (0 when the URL has no host, at
 * most INT_MAX) or -1 when out of memory.
 */
int report_url_host(const char *url, size_t len, struct ayak_buf *out);

#endif
