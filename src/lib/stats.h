/*
 * Counters for --stats: records in and out, drops by reason, and named
 * counters a program adds (changes per rule, say).  Serialised as one JSON
 * object.
 */
#ifndef AYAK_STATS_H
#define AYAK_STATS_H

#include "ayak.h"

/*
 * Names per table.  A program keeps its own names fewer (ayak-lid: 64
 * counters; ayak-filter: 63 rule reasons and 63 redact rules, and its
 * fixed counters and reasons besides).
 */
#define AYAK_STATS_MAX 256

struct ayak_counter {
	const char *name;	/* not copied: use string literals or long-lived names */
	uint64_t n;
};

struct ayak_stats {
	uint64_t records_in;
	uint64_t records_out;
	uint64_t bytes_in;	/* uncompressed bytes read, newlines, CRs and a BOM included */
	uint64_t bytes_out;	/* uncompressed bytes written */
	uint64_t errors;	/* malformed records skipped */
	struct ayak_counter dropped[AYAK_STATS_MAX];
	size_t ndropped;
	struct ayak_counter counts[AYAK_STATS_MAX];
	size_t ncounts;
};

void ayak_stats_init(struct ayak_stats *s);
/* Add n to the drop reason (or named counter) name. */
void ayak_stats_drop(struct ayak_stats *s, const char *reason, uint64_t n);
void ayak_stats_count(struct ayak_stats *s, const char *name, uint64_t n);
uint64_t ayak_stats_dropped_total(const struct ayak_stats *s);

/*
 * {"program":"ayak-cat","version":"0.1.0","records_in":..,"records_out":..,
 *  "dropped":{..},"errors":..,"bytes_in":..,"bytes_out":..,"seconds":..,
 *  "counts":{..}}
 */
int ayak_stats_json(const struct ayak_stats *s, const char *program,
		    double seconds, struct ayak_buf *out);

#endif
