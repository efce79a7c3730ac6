/* Counters for --stats. */
#include <string.h>

#include "json.h"
#include "stats.h"

void ayak_stats_init(struct ayak_stats *s)
{
	memset(s, 0, sizeof(*s));
}

static void bump(struct ayak_counter *c, size_t *n, const char *name, uint64_t by)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (!strcmp(c[i].name, name)) {
			c[i].n += by;
			return;
		}
	if (*n == AYAK_STATS_MAX)
		return;	/* a program never has this many reasons */
	c[*n].name = name;
	c[*n].n = by;
	(*n)++;
}

void ayak_stats_drop(struct ayak_stats *s, const char *reason, uint64_t n)
{
	bump(s->dropped, &s->ndropped, reason, n);
}

void ayak_stats_count(struct ayak_stats *s, const char *name, uint64_t n)
{
	bump(s->counts, &s->ncounts, name, n);
}

uint64_t ayak_stats_dropped_total(const struct ayak_stats *s)
{
	uint64_t t = 0;
	size_t i;

	for (i = 0; i < s->ndropped; i++)
		t += s->dropped[i].n;
	return t;
}

static int counters_json(struct ayak_buf *out, const char *key,
			 const struct ayak_counter *c, size_t n)
{
	size_t i;

	if (ayak_buf_addf(out, ",\"%s\":{", key))
		return -1;
	for (i = 0; i < n; i++) {
		if (i && ayak_buf_add(out, ",", 1))
			return -1;
		if (ayak_json_encode_string(out, c[i].name, strlen(c[i].name)) ||
		    ayak_buf_addf(out, ":%llu", (unsigned long long)c[i].n))
			return -1;
	}
	return ayak_buf_add(out, "}", 1);
}

int ayak_stats_json(const struct ayak_stats *s, const char *program,
		    double seconds, struct ayak_buf *out)
{
	if (ayak_buf_addf(out, "{\"program\":\"%s\",\"version\":\"%s\""
			  ",\"records_in\":%llu,\"records_out\":%llu",
			  program, AYAK_VERSION,
			  (unsigned long long)s->records_in,
			  (unsigned long long)s->records_out) ||
	    counters_json(out, "dropped", s->dropped, s->ndropped) ||
	    ayak_buf_addf(out, ",\"errors\":%llu,\"bytes_in\":%llu"
			  ",\"bytes_out\":%llu,\"seconds\":%.3f",
			  (unsigned long long)s->errors,
			  (unsigned long long)s->bytes_in,
			  (unsigned long long)s->bytes_out, seconds) ||
	    counters_json(out, "counts", s->counts, s->ncounts))
		return -1;
	return ayak_buf_add(out, "}\n", 2);
}
