/* Internals of the report (report.c, report-stage.c, report-out.c, report-html.c). */
#ifndef AYAK_REPORT_INT_H
#define AYAK_REPORT_INT_H

#include "report.h"

/* ---- counting tables: exact up to a cap, then Space-Saving ---- */

struct rtab_entry {
	char *key;
	uint32_t len;
	uint32_t heap;		/* position in the min-heap */
	uint64_t hash;
	uint64_t n;		/* records (an upper bound once err > 0) */
	uint64_t err;		/* Space-Saving: n may be over by at most this */
	uint64_t chars, words, tokens;
	uint64_t score_sum;	/* in 1/10000 */
	uint64_t score_n;
};

#define RTAB_HLL_BITS 12

struct rtab {
	struct rtab_entry *e;
	size_t n, alloc, max;
	uint32_t *slots;	/* 0 empty, else entry index + 1 */
	size_t mask;
	uint32_t *heap;		/* entry indexes, least n first */
	uint64_t evicted;	/* entries replaced */
	uint8_t hll[1u << RTAB_HLL_BITS];	/* distinct keys, estimated */
};

int rtab_init(struct rtab *t, size_t max);
void rtab_release(struct rtab *t);
/* The entry of key, its n counted up by one (NULL when out of memory). */
struct rtab_entry *rtab_bump(struct rtab *t, const char *key, size_t len);
/* Entry indexes by n (most first), then key (bytes); the caller frees. */
uint32_t *rtab_sorted(const struct rtab *t);
/* Distinct keys seen: exact until an entry was replaced, then estimated. */
uint64_t rtab_distinct(const struct rtab *t);

/* ---- stages ---- */

struct rcount {
	char *name;
	uint64_t n;
};

struct rcounts {
	struct rcount *v;
	size_t n, alloc;
};

struct rstage {
	char *name;		/* program, and " STAGE" when the file names one */
	size_t plen;		/* length of the program's part of name */
	int rank;		/* pipeline order */
	uint64_t files, records_in, records_out, errors, bytes_in, bytes_out;
	uint64_t msec;		/* seconds, summed in milliseconds */
	struct rcounts dropped, counts;
};

/* ---- the report ---- */

struct rfile {
	uint64_t dev, ino;
};

/* Length bins, 1-2-5 log scale: 0, 1-9, 10-19, 20-49, 50-99, 100-199, ... */
#define REPORT_LEN_BINS 57	/* the last starts at 10^19 */
/* Quantile buckets: exact below 64, then 32 per power of two (within 3%). */
#define REPORT_Q_BUCKETS 1920

struct report {
	struct report_opts o;
	char *score_field;
	uint64_t records, malformed, record_bytes, text_bytes, chars, words, tokens;
	uint64_t len_min, len_max;
	uint64_t len_edge[REPORT_LEN_BINS];
	uint64_t len_bins[REPORT_LEN_BINS];
	uint64_t len_q[REPORT_Q_BUCKETS];
	uint64_t with_lang, scored, score_bins[10];
	uint64_t long_lang;	/* labels over REPORT_MAX_LABEL bytes, counted apart */
	uint64_t with_url, no_host;
	uint64_t bad_host;	/* hosts over REPORT_MAX_HOST bytes: no DNS name */
	struct rtab langs, domains;
	struct rstage *stages;
	size_t nstages, astages;
	uint64_t stage_files;
	struct rfile *seen;	/* stats files read, so that none counts twice */
	size_t nseen, aseen;
	char **order;		/* --stage-order, names as given */
	size_t norder;
	struct ayak_buf text, host, url;	/* scratch */
};

/* Bin index of a length, and the bins' lower edges (filled by report_new). */
size_t report_len_bin(const struct report *r, uint64_t len);
/* Approximate q-quantile (0 < q <= 1) of the lengths. */
uint64_t report_len_quantile(const struct report *r, double q);
/* First and last non-empty length bins (inclusive); 0 when all are empty. */
int report_len_range(const struct report *r, size_t *first, size_t *last);
/* Stages in pipeline order (a sorted array of pointers; the caller frees). */
struct rstage **report_stages_sorted(struct report *r);
/* Counters sorted by n (most first), then name; the caller frees. */
struct rcount **rcounts_sorted(const struct rcounts *c, int by_name);
void rcounts_release(struct rcounts *c);
void report_stages_release(struct report *r);
/* A stage of ayak-lid ("ayak-lid", or "ayak-lid STAGE"). */
int rstage_is_lid(const struct rstage *s);
/* A label count of ayak-lid: "lang.LABEL" in the counts of an ayak-lid stage. */
int rstage_is_lang(const struct rstage *s, const char *name);
/* Label counts (lang.*) of the stage, if it is ayak-lid. */
size_t rstage_nlangs(const struct rstage *s);
/* Stages of ayak-lid with label counts. */
size_t report_nlid(const struct report *r);

int report_write_text(struct report *r, struct ayak_buf *out);
int report_write_json(struct report *r, struct ayak_buf *out);
int report_write_html(struct report *r, struct ayak_buf *out);

/* ---- formatting helpers (report-out.c) ---- */

/* 1234567 -> "1,234,567" appended. */
int rfmt_thousands(struct ayak_buf *b, uint64_t v);
/* SI size: "4.6 MB", "512 B". */
int rfmt_size(struct ayak_buf *b, uint64_t v);
/* Length bin label: "0", "1-9", "10-19", ... "5M+" (with dash "-" or en dash). */
int rfmt_len_bin(struct ayak_buf *b, const struct report *r, size_t i, int unicode);
/* Short lower edge: "0", "1", "10", "1k", "2k", "1M" ... */
int rfmt_len_edge(struct ayak_buf *b, uint64_t v);
/* a / b as a percentage with one decimal ("12.5%"); "-" when b is 0. */
int rfmt_pct(struct ayak_buf *b, uint64_t a, uint64_t c);
/* Display width of UTF-8 text (code points; control characters count 1). */
size_t rfmt_width(const char *s, size_t n);
/* Text for a terminal: control characters as U+FFFD (or '?' in ascii). */
int rfmt_clean(struct ayak_buf *b, const char *s, size_t n);
/* "record" or "records", as a count of n asks */
static inline const char *rfmt_records(uint64_t n)
{
	return n == 1 ? "record" : "records";
}

#endif
