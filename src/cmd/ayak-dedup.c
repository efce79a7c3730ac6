/*
 * ayak-dedup: exact, near-duplicate (MinHash LSH), repeated-line and URL
 * deduplication, on one node or in sharded stages.
 *
 * One node reads the input twice: the first pass computes every record's
 * keys into external sorters, clustering decides, and the second pass
 * writes the records kept.  Files are read again; standard input and
 * other non-regular inputs are spooled to a temporary file on the first
 * pass.  The sharded stages (--stage) run the same steps, with files in
 * --dir between them.
 */
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xxhash.h>

#include "cli.h"
#include "dedup.h"

static const char usage[] =
	"Usage: ayak-dedup [options] [FILE...]\n"
	"Remove exact and near-duplicate records, repeated lines and repeated URLs.\n"
	"\n"
	"      --mode LIST       what to remove, from exact, near, lines, url\n"
	"                        (default: exact,near)\n"
	"      --canon FORM      exact: none, space (default), case or punct\n"
	"      --shingle UNIT    near: word (default) or char n-grams\n"
	"      --ngram N         near: shingle length (default 5)\n"
	"      --bands B         near: LSH bands (default 14)\n"
	"      --rows R          near: rows per band (default 8)\n"
	"      --seed N          near: permutation seed (default 0)\n"
	"      --verify          near: join candidates only at exact Jaccard >= --threshold\n"
	"      --threshold T     near: Jaccard threshold of --verify (default 0.7)\n"
	"      --keep RULE       which record of a cluster stays: first (default),\n"
	"                        longest, max:FIELD or min:FIELD\n"
	"      --line-max K      lines: drop lines found in more than K records (default 10)\n"
	"      --url-field NAME  url: the URL field (default url)\n"
	"      --url-keep RULE   url: first (default), newest (max:date), max:FIELD, min:FIELD\n"
	"      --annotate        keep every record; add dedup, dedup_cluster, dedup_size\n"
	"      --memory SIZE     memory for sorting keys before spilling to disk (default 1G)\n"
	"      --tmpdir DIR      spill and spool files (default $TMPDIR or /tmp)\n"
	"\n"
	"Sharded stages (run every stage with the same options):\n"
	"      --stage STAGE     sign, bucket, cluster, merge or filter\n"
	"      --dir DIR         the stages' working directory\n"
	"      --shard I         sign, bucket, filter: this shard (0-based)\n"
	"      --shards N        cluster, merge: the number of shards\n"
	"      --part I          cluster: this partition (0-based)\n"
	"      --parts N         bucket, merge: the number of partitions\n"
	"      --force           redo a finished task (filter is always done)\n";

enum {
	OPT_MODE = CLI_OPT_PROGRAM,
	OPT_CANON,
	OPT_SHINGLE,
	OPT_NGRAM,
	OPT_BANDS,
	OPT_ROWS,
	OPT_SEED,
	OPT_VERIFY,
	OPT_THRESHOLD,
	OPT_KEEP,
	OPT_LINE_MAX,
	OPT_URL_FIELD,
	OPT_URL_KEEP,
	OPT_ANNOTATE,
	OPT_MEMORY,
	OPT_TMPDIR,
	OPT_STAGE,
	OPT_DIR,
	OPT_SHARD,
	OPT_SHARDS,
	OPT_PART,
	OPT_PARTS,
	OPT_FORCE,
};

static const struct option options[] = {
	{ "mode", required_argument, NULL, OPT_MODE },
	{ "canon", required_argument, NULL, OPT_CANON },
	{ "shingle", required_argument, NULL, OPT_SHINGLE },
	{ "ngram", required_argument, NULL, OPT_NGRAM },
	{ "bands", required_argument, NULL, OPT_BANDS },
	{ "rows", required_argument, NULL, OPT_ROWS },
	{ "seed", required_argument, NULL, OPT_SEED },
	{ "verify", no_argument, NULL, OPT_VERIFY },
	{ "threshold", required_argument, NULL, OPT_THRESHOLD },
	{ "keep", required_argument, NULL, OPT_KEEP },
	{ "line-max", required_argument, NULL, OPT_LINE_MAX },
	{ "url-field", required_argument, NULL, OPT_URL_FIELD },
	{ "url-keep", required_argument, NULL, OPT_URL_KEEP },
	{ "annotate", no_argument, NULL, OPT_ANNOTATE },
	{ "memory", required_argument, NULL, OPT_MEMORY },
	{ "tmpdir", required_argument, NULL, OPT_TMPDIR },
	{ "stage", required_argument, NULL, OPT_STAGE },
	{ "dir", required_argument, NULL, OPT_DIR },
	{ "shard", required_argument, NULL, OPT_SHARD },
	{ "shards", required_argument, NULL, OPT_SHARDS },
	{ "part", required_argument, NULL, OPT_PART },
	{ "parts", required_argument, NULL, OPT_PARTS },
	{ "force", no_argument, NULL, OPT_FORCE },
	{ NULL, 0, NULL, 0 },
};

enum { M_EXACT = 1, M_NEAR = 2, M_LINES = 4, M_URL = 8 };
enum { RANK_FIRST, RANK_LONGEST, RANK_MAX, RANK_MIN };
enum { STAGE_NONE, STAGE_SIGN, STAGE_BUCKET, STAGE_CLUSTER, STAGE_MERGE, STAGE_FILTER };
/* Sinks, one per kind of key. */
enum { S_EXACT, S_BAND, S_URL, S_LINE, S_N };

static const int sink_kind[S_N] = { DEDUP_K_EXACT, DEDUP_K_BAND, DEDUP_K_URL, DEDUP_K_LINE };
static const char *const sink_ext[S_N] = { "exact", "band", "url", "line" };
static const unsigned sink_mode[S_N] = { M_EXACT, M_NEAR, M_URL, M_LINES };

struct sink {
	struct dedup_sorter *sorter;
	struct dedup_fwriter *file;
	unsigned nw;
};

/* An input and how the second pass finds it again. */
struct input {
	const char *path;	/* as given ("-" for standard input) */
	const char *again;	/* what the second pass opens */
	FILE *spool;		/* non-regular inputs are copied here */
	char fdpath[32];
	struct stat st;		/* a regular file's, before the first pass read it */
	int regular;
};

struct dd {
	struct cli c;

	/* Parameters: they decide the result, so they make the fingerprint. */
	unsigned modes;
	int canon_form, unit;
	uint64_t ngram, bands, rows, seed;
	int keep, url_keep;
	const char *keep_field, *url_rank_field, *url_field;
	uint64_t line_max;
	int verify;
	double threshold;
	uint64_t fp;

	/* How to run. */
	int stage;
	const char *dir, *tmpdir;
	uint64_t shard, shards, part, parts, memory;
	int have_shard, have_shards, have_part, have_parts;
	int annotate, force;

	/* Work. */
	struct dedup_mem mem;
	struct dedup_minhash mh;
	struct ayak_record rec;
	struct ayak_buf text, canon, tmp, field, out, path;
	const char *text_raw;		/* the text as JSON, when not decoded */
	size_t text_raw_len;
	uint64_t *lines;
	size_t nlines, linecap;
	uint32_t *shset;
	size_t shcap;
	struct sink sink[S_N];
	struct dedup_spool *line_spool;	/* one node, lines and url: the line keys in order */
	struct dedup_recs bad;		/* [index] of malformed records */
	uint64_t ndocs, doc_bytes;
	uint64_t doc_sum;		/* XXH3-64 of the records in order, lines ended */

	/* --verify: shingle sets, in a temporary file (one node) or stage files. */
	FILE *shg_tmp;
	struct dedup_fwriter *shg_w, *shx_w;
	struct dedup_recs shx;
	uint64_t shg_n, shg_pending;
	int shg_half;

	struct input *inputs;
	size_t ninputs, cur_input;
	int spooling;
};

static int test_kill_after = -1;	/* AYAK_DEDUP_TEST_KILL_AFTER: die after N files */

static void die(struct dd *d) __attribute__((noreturn));
static void oom(struct dd *d) __attribute__((noreturn));

static void die(struct dd *d)
{
	cli_die(&d->c, &d->c.err);
}

static void oom(struct dd *d)
{
	ayak_err_set(&d->c.err, AYAK_E_SYS, "out of memory");
	die(d);
}

/* ---- options ---- */

static uint64_t num_arg(struct dd *d, const char *opt, const char *arg, uint64_t lo, uint64_t hi)
{
	uint64_t v;

	if (ayak_parse_u64(arg, &v) || v < lo || v > hi)
		cli_usage_error(&d->c, "%s wants a whole number from %llu to %llu, not '%s'", opt,
				(unsigned long long)lo, (unsigned long long)hi, arg);
	return v;
}

static void parse_modes(struct dd *d, const char *arg)
{
	const char *p = arg;

	d->modes = 0;
	for (;;) {
		size_t n = strcspn(p, ",");

		if (n == 5 && !strncmp(p, "exact", 5))
			d->modes |= M_EXACT;
		else if (n == 4 && !strncmp(p, "near", 4))
			d->modes |= M_NEAR;
		else if (n == 5 && !strncmp(p, "lines", 5))
			d->modes |= M_LINES;
		else if (n == 3 && !strncmp(p, "url", 3))
			d->modes |= M_URL;
		else
			cli_usage_error(&d->c, "--mode wants a list of exact, near, lines and url, not '%s'",
					arg);
		p += n;
		if (!*p)
			break;
		p++;	/* the comma: an item must follow */
	}
}

/* first | longest | max:FIELD | min:FIELD (and newest for URLs) */
static void parse_rule(struct dd *d, const char *opt, const char *arg, int *rule,
		       const char **field, int url)
{
	if (!strcmp(arg, "first")) {
		*rule = RANK_FIRST;
	} else if (!url && !strcmp(arg, "longest")) {
		*rule = RANK_LONGEST;
	} else if (url && !strcmp(arg, "newest")) {
		*rule = RANK_MAX;
		*field = "date";
	} else if ((!strncmp(arg, "max:", 4) || !strncmp(arg, "min:", 4)) && arg[4]) {
		*rule = arg[1] == 'a' ? RANK_MAX : RANK_MIN;
		*field = arg + 4;
	} else {
		cli_usage_error(&d->c, "%s wants %s, not '%s'", opt,
				url ? "first, newest, max:FIELD or min:FIELD"
				    : "first, longest, max:FIELD or min:FIELD", arg);
	}
}

static void fingerprint(struct dd *d)
{
	XXH3_state_t *x = XXH3_createState();
	uint64_t w[16];
	const char *names[4];
	size_t i;

	if (!x)
		oom(d);
	w[0] = DEDUP_FILE_VERSION;
	w[1] = d->modes;
	w[2] = (uint64_t)d->canon_form;
	w[3] = (uint64_t)d->unit;
	w[4] = d->ngram;
	w[5] = d->bands;
	w[6] = d->rows;
	w[7] = d->seed;
	w[8] = (uint64_t)d->keep;
	w[9] = (uint64_t)d->url_keep;
	w[10] = d->line_max;
	w[11] = (uint64_t)d->verify;
	memcpy(&w[12], &d->threshold, sizeof(double));
	w[13] = w[14] = w[15] = 0;
	XXH3_64bits_reset(x);
	XXH3_64bits_update(x, w, sizeof(w));
	names[0] = d->keep_field ? d->keep_field : "";
	names[1] = d->url_rank_field ? d->url_rank_field : "";
	names[2] = d->url_field;
	names[3] = d->c.field;
	for (i = 0; i < 4; i++)
		XXH3_64bits_update(x, names[i], strlen(names[i]) + 1);
	d->fp = XXH3_64bits_digest(x) | 1;	/* never 0: 0 means "any" when reading */
	XXH3_freeState(x);
}

static const char *stage_names[] = { "", "sign", "bucket", "cluster", "merge", "filter" };

/* Options that only some modes use: given without them, they would do nothing. */
static const struct {
	int opt;
	const char *name;
	unsigned modes;
	const char *mode_names;
} mode_opts[] = {
	{ OPT_CANON, "--canon", M_EXACT, "exact" },
	{ OPT_SHINGLE, "--shingle", M_NEAR, "near" },
	{ OPT_NGRAM, "--ngram", M_NEAR, "near" },
	{ OPT_BANDS, "--bands", M_NEAR, "near" },
	{ OPT_ROWS, "--rows", M_NEAR, "near" },
	{ OPT_SEED, "--seed", M_NEAR, "near" },
	{ OPT_KEEP, "--keep", M_EXACT | M_NEAR, "exact or near" },
	{ OPT_LINE_MAX, "--line-max", M_LINES, "lines" },
	{ OPT_URL_FIELD, "--url-field", M_URL, "url" },
	{ OPT_URL_KEEP, "--url-keep", M_URL, "url" },
};

static void parse_options(struct dd *d, int argc, char **argv)
{
	int opt, have_threshold = 0;
	unsigned given = 0;
	double t;
	size_t i;

	d->modes = M_EXACT | M_NEAR;
	d->canon_form = DEDUP_CANON_SPACE;
	d->unit = DEDUP_UNIT_WORD;
	d->ngram = 5;
	d->bands = 14;
	d->rows = 8;
	d->threshold = 0.7;
	d->line_max = 10;
	d->url_field = "url";
	d->memory = UINT64_C(1) << 30;
	d->tmpdir = getenv("TMPDIR");
	if (!d->tmpdir || !*d->tmpdir)
		d->tmpdir = "/tmp";
	while ((opt = cli_getopt(&d->c, argc, argv, "", options)) != -1) {
		for (i = 0; i < sizeof(mode_opts) / sizeof(mode_opts[0]); i++)
			if (opt == mode_opts[i].opt)
				given |= 1u << i;
		switch (opt) {
		case OPT_MODE:
			parse_modes(d, optarg);
			break;
		case OPT_CANON:
			if (!strcmp(optarg, "none"))
				d->canon_form = DEDUP_CANON_NONE;
			else if (!strcmp(optarg, "space"))
				d->canon_form = DEDUP_CANON_SPACE;
			else if (!strcmp(optarg, "case"))
				d->canon_form = DEDUP_CANON_CASE;
			else if (!strcmp(optarg, "punct"))
				d->canon_form = DEDUP_CANON_PUNCT;
			else
				cli_usage_error(&d->c, "--canon wants none, space, case or punct, not '%s'",
						optarg);
			break;
		case OPT_SHINGLE:
			if (!strcmp(optarg, "word"))
				d->unit = DEDUP_UNIT_WORD;
			else if (!strcmp(optarg, "char"))
				d->unit = DEDUP_UNIT_CHAR;
			else
				cli_usage_error(&d->c, "--shingle wants word or char, not '%s'", optarg);
			break;
		case OPT_NGRAM:
			d->ngram = num_arg(d, "--ngram", optarg, 1, 64);
			break;
		case OPT_BANDS:
			d->bands = num_arg(d, "--bands", optarg, 1, 1024);
			break;
		case OPT_ROWS:
			d->rows = num_arg(d, "--rows", optarg, 1, 1024);
			break;
		case OPT_SEED:
			d->seed = num_arg(d, "--seed", optarg, 0, UINT64_MAX);
			break;
		case OPT_VERIFY:
			d->verify = 1;
			break;
		case OPT_THRESHOLD:
			if (ayak_parse_decimal(optarg, &t) || t > 1)
				cli_usage_error(&d->c, "--threshold wants a number from 0 to 1, not '%s'",
						optarg);
			d->threshold = t;
			have_threshold = 1;
			break;
		case OPT_KEEP:
			parse_rule(d, "--keep", optarg, &d->keep, &d->keep_field, 0);
			break;
		case OPT_LINE_MAX:
			d->line_max = num_arg(d, "--line-max", optarg, 1, UINT64_MAX);
			break;
		case OPT_URL_FIELD:
			d->url_field = cli_field_name(&d->c, "--url-field", optarg);
			break;
		case OPT_URL_KEEP:
			parse_rule(d, "--url-keep", optarg, &d->url_keep, &d->url_rank_field, 1);
			break;
		case OPT_ANNOTATE:
			d->annotate = 1;
			break;
		case OPT_MEMORY:
			if (ayak_parse_size(optarg, &d->memory) || d->memory < (1u << 20))
				cli_usage_error(&d->c, "--memory wants a size of at least 1M, like 8G, not '%s'",
						optarg);
			break;
		case OPT_TMPDIR:
			d->tmpdir = optarg;
			break;
		case OPT_STAGE:
			for (d->stage = STAGE_SIGN; d->stage <= STAGE_FILTER; d->stage++)
				if (!strcmp(optarg, stage_names[d->stage]))
					break;
			if (d->stage > STAGE_FILTER)
				cli_usage_error(&d->c,
						"--stage wants sign, bucket, cluster, merge or filter, not '%s'",
						optarg);
			break;
		case OPT_DIR:
			d->dir = optarg;
			break;
		case OPT_SHARD:
			d->shard = num_arg(d, "--shard", optarg, 0, (1u << 23) - 1);
			d->have_shard = 1;
			break;
		case OPT_SHARDS:
			d->shards = num_arg(d, "--shards", optarg, 1, 1u << 23);
			d->have_shards = 1;
			break;
		case OPT_PART:
			d->part = num_arg(d, "--part", optarg, 0, 99999);
			d->have_part = 1;
			break;
		case OPT_PARTS:
			d->parts = num_arg(d, "--parts", optarg, 1, 100000);
			d->have_parts = 1;
			break;
		case OPT_FORCE:
			d->force = 1;
			break;
		default:
			cli_usage_error(&d->c, "unexpected option");
		}
	}
	if (d->bands * d->rows > DEDUP_MAX_HASHES)
		cli_usage_error(&d->c, "--bands times --rows must be at most %d", DEDUP_MAX_HASHES);
	if (d->verify && !(d->modes & M_NEAR))
		cli_usage_error(&d->c, "--verify goes with --mode near");
	for (i = 0; i < sizeof(mode_opts) / sizeof(mode_opts[0]); i++)
		if ((given & 1u << i) && !(d->modes & mode_opts[i].modes))
			cli_usage_error(&d->c, "%s goes with --mode %s", mode_opts[i].name,
					mode_opts[i].mode_names);
	if (have_threshold && !d->verify)
		cli_usage_error(&d->c, "--threshold goes with --verify");
	if (d->stage != STAGE_NONE) {
		const char *name = stage_names[d->stage];

		if (!d->dir)
			cli_usage_error(&d->c, "--stage %s needs --dir", name);
		if ((d->stage == STAGE_SIGN || d->stage == STAGE_BUCKET || d->stage == STAGE_FILTER) &&
		    !d->have_shard)
			cli_usage_error(&d->c, "--stage %s needs --shard", name);
		if ((d->stage == STAGE_CLUSTER || d->stage == STAGE_MERGE) && !d->have_shards)
			cli_usage_error(&d->c, "--stage %s needs --shards", name);
		if ((d->stage == STAGE_BUCKET || d->stage == STAGE_MERGE) && !d->have_parts)
			cli_usage_error(&d->c, "--stage %s needs --parts", name);
		if (d->stage == STAGE_CLUSTER && !d->have_part)
			cli_usage_error(&d->c, "--stage cluster needs --part");
		if (d->annotate && d->stage != STAGE_FILTER)
			cli_usage_error(&d->c, "--annotate goes with --stage filter");
		if (d->stage != STAGE_SIGN && d->stage != STAGE_FILTER && optind < argc)
			cli_usage_error(&d->c, "--stage %s reads no input files", name);
		/* What a stage would not use is a mistake, not to be ignored. */
		if (d->have_shard && d->stage != STAGE_SIGN && d->stage != STAGE_BUCKET &&
		    d->stage != STAGE_FILTER)
			cli_usage_error(&d->c, "--stage %s takes no --shard", name);
		if (d->have_shards && d->stage != STAGE_CLUSTER && d->stage != STAGE_MERGE)
			cli_usage_error(&d->c, "--stage %s takes no --shards", name);
		if (d->have_part && d->stage != STAGE_CLUSTER)
			cli_usage_error(&d->c, "--stage %s takes no --part", name);
		if (d->have_parts && d->stage != STAGE_BUCKET && d->stage != STAGE_MERGE)
			cli_usage_error(&d->c, "--stage %s takes no --parts", name);
		if (d->force && d->stage == STAGE_FILTER)
			cli_usage_error(&d->c, "--stage filter takes no --force: it has no marker and is always done");
		if (d->c.output && d->stage != STAGE_FILTER)
			cli_usage_error(&d->c, "--stage %s writes no records: -o goes with --stage filter",
					name);
		/* filter writes the malformed records sign skipped, as one node does. */
		if (d->c.rejects_path && d->stage != STAGE_FILTER)
			cli_usage_error(&d->c,
					"--stage %s writes no records: --rejects goes with --stage filter",
					name);
		/* one set of options serves every stage: -o x.zst --level 19 goes to filter */
		d->c.any_level = d->stage != STAGE_FILTER;
	} else if (d->dir || d->have_shard || d->have_shards || d->have_part || d->have_parts ||
		   d->force) {
		cli_usage_error(&d->c, "--dir, --shard, --shards, --part, --parts and --force go with --stage");
	}
	if (d->annotate)
		cli_rejects_need_skip(&d->c, "--annotate", "--annotate drops no record");
	fingerprint(d);
}

/* ---- keys of one record ---- */

static int has_rank(const struct dd *d)
{
	return d->keep != RANK_FIRST;
}

/* A number, or a string holding an ISO 8601 date or a number: its rank. */
static uint64_t field_rank(struct dd *d, const char *name, int rule)
{
	const struct ayak_field *f = ayak_record_get(&d->rec, name, strlen(name));
	double v;
	char *end;
	uint64_t r;

	if (!f)
		return 0;
	ayak_buf_reset(&d->field);
	if (f->type == AYAK_JSON_NUMBER) {
		if (ayak_buf_add(&d->field, d->rec.line + f->val, f->val_len))
			oom(d);
	} else if (f->type == AYAK_JSON_STRING) {
		if (ayak_json_decode_string(d->rec.line + f->val, f->val_len, &d->field, NULL,
					    &d->c.err))
			die(d);
		if (!dedup_parse_date(d->field.data, d->field.len, &v))
			goto have;
	} else {
		return 0;
	}
	if (ayak_buf_add(&d->field, "", 1))
		oom(d);
	/* A decimal number only: strtod would take "0x10", " 5" and "nan" too. */
	if (d->field.data[strspn(d->field.data, "0123456789.eE+-")])
		return 0;
	errno = 0;
	v = strtod(d->field.data, &end);
	if (end == d->field.data || *end || !isfinite(v))
		return 0;
have:
	r = dedup_rank_of_double(v);
	return rule == RANK_MIN ? ~r : r;
}

static uint64_t doc_rank(struct dd *d)
{
	switch (d->keep) {
	case RANK_LONGEST:
		return dedup_chars(d->text.data, d->text.len);
	case RANK_MAX:
	case RANK_MIN:
		return field_rank(d, d->keep_field, d->keep);
	}
	return 0;
}

static void maybe_test_kill(void)
{
	if (test_kill_after >= 0 && test_kill_after-- == 0)
		raise(SIGKILL);
}

static void sink_add(struct dd *d, int k, const uint64_t *rec)
{
	struct sink *s = &d->sink[k];
	int r = s->sorter ? dedup_sorter_add(s->sorter, rec, &d->c.err)
			  : dedup_fwriter_add(s->file, rec, &d->c.err);

	if (r)
		die(d);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Append 32-bit shingle hashes, two to a 64-bit word in stage files. */
static void shg_put(struct dd *d, const uint32_t *v, size_t n)
{
	size_t i;

	if (d->shg_tmp) {
		if (n && fwrite(v, sizeof(*v), n, d->shg_tmp) != n) {
			ayak_err_sys(&d->c.err, errno, "cannot write to %s", d->tmpdir);
			die(d);
		}
	} else {
		for (i = 0; i < n; i++) {
			if (d->shg_half) {
				uint64_t w = d->shg_pending | (uint64_t)v[i] << 32;

				if (dedup_fwriter_add(d->shg_w, &w, &d->c.err))
					die(d);
			} else {
				d->shg_pending = v[i];
			}
			d->shg_half ^= 1;
		}
	}
	d->shg_n += n;
}

static void shx_put(struct dd *d)
{
	if (d->shx_w) {
		if (dedup_fwriter_add(d->shx_w, &d->shg_n, &d->c.err))
			die(d);
	} else if (dedup_recs_add(&d->shx, &d->shg_n)) {
		oom(d);
	}
}

static void sign_text(struct dd *d, uint64_t doc)
{
	uint64_t rank = has_rank(d) ? doc_rank(d) : 0, rec[4];

	if (d->modes & M_EXACT) {
		if (d->text_raw) {
			XXH128_hash_t h;

			if (dedup_canon_json(d->text_raw, d->text_raw_len, d->canon_form, &d->canon,
					     &d->tmp))
				oom(d);
			h = XXH3_128bits(d->canon.data, d->canon.len);
			rec[0] = h.high64;
			rec[1] = h.low64;
		} else if (dedup_canon_hash(d->text.data, d->text.len, d->canon_form, &d->canon, rec)) {
			oom(d);
		}
		rec[2] = doc;
		rec[3] = rank;
		sink_add(d, S_EXACT, rec);
	}
	if (d->modes & M_NEAR) {
		uint64_t keys[DEDUP_MAX_HASHES];
		/* Without --verify no shingle is kept: a block at a time, whatever the text. */
		ssize_t n = d->verify ? dedup_shingle(&d->mh, d->text.data, d->text.len)
				      : dedup_shingle_sign(&d->mh, d->text.data, d->text.len, keys);
		uint64_t b;

		if (n < 0)
			oom(d);
		if (n > 0) {
			if (d->verify)
				dedup_minhash_sign(&d->mh, keys);
			for (b = 0; b < d->bands; b++) {
				rec[0] = keys[b];
				rec[1] = doc;
				rec[2] = rank;
				sink_add(d, S_BAND, rec);
			}
		}
		if (d->verify) {
			size_t k = 0;

			if (n > 0) {
				if ((size_t)n > d->shcap) {
					free(d->shset);
					d->shcap = (size_t)n * 2;
					d->shset = malloc(d->shcap * sizeof(*d->shset));
					if (!d->shset)
						oom(d);
				}
				k = dedup_shingle_set(&d->mh, d->shset);
			}
			shg_put(d, d->shset, k);
			shx_put(d);
		}
	}
	if (d->modes & M_URL) {
		const struct ayak_field *f = ayak_record_get(&d->rec, d->url_field, strlen(d->url_field));

		if (f && f->type == AYAK_JSON_STRING) {
			XXH128_hash_t h;
			int r;

			ayak_buf_reset(&d->tmp);
			if (ayak_json_decode_string(d->rec.line + f->val, f->val_len, &d->tmp, NULL,
						    &d->c.err))
				die(d);
			r = dedup_url_key(d->tmp.data, d->tmp.len, &d->canon);
			if (r < 0)
				oom(d);
			if (d->canon.len) {
				h = XXH3_128bits(d->canon.data, d->canon.len);
				rec[0] = h.high64;
				rec[1] = h.low64;
				rec[2] = doc;
				rec[3] = d->url_keep == RANK_FIRST ? 0
					 : field_rank(d, d->url_rank_field, d->url_keep);
				sink_add(d, S_URL, rec);
			}
		}
	}
	if (d->modes & M_LINES) {
		const char *p = d->text.data, *end = p + d->text.len;
		size_t i;

		d->nlines = 0;
		while (p < end) {
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			const char *stop = nl ? nl : end;

			if (dedup_line_norm(p, (size_t)(stop - p), &d->canon))
				oom(d);
			if (d->canon.len) {
				if (d->nlines == d->linecap) {
					d->linecap = d->linecap ? d->linecap * 2 : 64;
					d->lines = realloc(d->lines, d->linecap * sizeof(*d->lines));
					if (!d->lines)
						oom(d);
				}
				d->lines[d->nlines++] = XXH3_64bits(d->canon.data, d->canon.len);
			}
			p = nl ? nl + 1 : end;
		}
		if (d->nlines)	/* lines is NULL until a text has one */
			qsort(d->lines, d->nlines, sizeof(*d->lines), cmp_u64);
		for (i = 0; i < d->nlines; i++) {
			if (i && d->lines[i] == d->lines[i - 1])
				continue;
			rec[0] = d->lines[i];
			rec[1] = doc;
			sink_add(d, S_LINE, rec);
			if (d->line_spool && dedup_spool_add(d->line_spool, rec, &d->c.err))
				die(d);
		}
	}
}

/*
 * The text field of the parsed record, decoded into d->text, or with
 * !decode only found (d->text_raw); 0 if the record is bad.
 */
static int get_text(struct dd *d, const struct ayak_line *line, int report, int decode)
{
	const struct ayak_field *f;

	if (ayak_record_parse(&d->rec, line->data, line->len, 0, &d->c.err)) {
		if (d->c.err.code == AYAK_E_SYS)	/* out of memory: not a bad record */
			die(d);
		if (report)
			cli_parse_failed(&d->c, line);
		return 0;
	}
	f = ayak_record_get(&d->rec, d->c.field, d->c.field_len);
	if (!f || f->type != AYAK_JSON_STRING) {
		if (report)
			cli_bad_record(&d->c, line, "", f ? "field \"%s\" is not a string"
						: "missing field \"%s\"", d->c.field);
		return 0;
	}
	d->text_raw = NULL;
	if (!decode) {
		d->text_raw = d->rec.line + f->val;
		d->text_raw_len = f->val_len;
		return 1;
	}
	ayak_buf_reset(&d->text);
	if (ayak_json_decode_string(d->rec.line + f->val, f->val_len, &d->text, NULL, &d->c.err))
		die(d);
	return 1;
}

static void sign_record(struct dd *d, const struct ayak_line *line)
{
	uint64_t idx = d->ndocs;

	int decode = (d->modes & (M_NEAR | M_LINES)) || d->keep == RANK_LONGEST;

	if (!get_text(d, line, 1, decode)) {
		/* Skipped (--on-error skip): the second pass leaves it out too. */
		if (dedup_recs_add(&d->bad, &idx))
			oom(d);
		if (d->verify)
			shx_put(d);
		return;
	}
	sign_text(d, DEDUP_DOC(d->stage == STAGE_NONE ? 0 : d->shard, idx));
}

/* ---- inputs, spooling, the first pass ---- */

/* A temporary file in --tmpdir, unlinked at once; *fd gets its descriptor. */
static FILE *temp_file(struct dd *d, const char *what, int *fdp)
{
	struct ayak_buf p = AYAK_BUF_INIT;
	FILE *f;
	int fd;

	if (ayak_buf_addf(&p, "%s/ayak-dedup-%s.XXXXXX", d->tmpdir, what))
		oom(d);
	fd = mkstemp(p.data);
	if (fd < 0) {
		ayak_err_sys(&d->c.err, errno, "cannot create a temporary file in %s", d->tmpdir);
		die(d);
	}
	unlink(p.data);
	ayak_buf_release(&p);
	f = fdopen(fd, "w+b");
	if (!f) {
		ayak_err_sys(&d->c.err, errno, "cannot create a temporary file in %s", d->tmpdir);
		die(d);
	}
	if (fdp)
		*fdp = fd;
	return f;
}

static void setup_inputs(struct dd *d, int nfiles, char **files, int spool)
{
	static char dash[] = "-";
	static char *stdin_only[] = { dash };
	size_t i;

	if (nfiles == 0) {
		nfiles = 1;
		files = stdin_only;
	}
	d->ninputs = (size_t)nfiles;
	d->inputs = calloc(d->ninputs, sizeof(*d->inputs));
	if (!d->inputs)
		oom(d);
	for (i = 0; i < d->ninputs; i++) {
		struct input *in = &d->inputs[i];
		struct stat st;

		in->path = files[i];
		in->again = files[i];
		if (!spool)
			continue;
		if (strcmp(files[i], "-") && !stat(files[i], &st) && S_ISREG(st.st_mode)) {
			in->st = st;
			in->regular = 1;
			continue;
		}
		/* Standard input, a pipe or a device: copy it for the second pass. */
		{
			int fd;

			in->spool = temp_file(d, "spool", &fd);
			snprintf(in->fdpath, sizeof(in->fdpath), "/dev/fd/%d", fd);
			in->again = in->fdpath;
			d->spooling = 1;
		}
	}
	d->cur_input = (size_t)-1;
}

/*
 * The first regular input whose size, time of writing or inode differ
 * from what they were when the first pass began (its new size in *now),
 * or NULL.
 */
static const struct input *changed_input(struct dd *d, off_t *now)
{
	size_t i;

	for (i = 0; i < d->ninputs; i++) {
		const struct input *in = &d->inputs[i];
		struct stat st;

		if (!in->regular)
			continue;
		if (stat(in->path, &st)) {
			ayak_err_sys(&d->c.err, errno, "%s", in->path);
			die(d);
		}
		if (st.st_size != in->st.st_size || st.st_ino != in->st.st_ino ||
		    st.st_dev != in->st.st_dev || st.st_mtim.tv_sec != in->st.st_mtim.tv_sec ||
		    st.st_mtim.tv_nsec != in->st.st_mtim.tv_nsec) {
			*now = st.st_size;
			return in;
		}
	}
	return NULL;
}

/* A file written to during the first pass ends the run before the second writes a record. */
static void check_unchanged(struct dd *d)
{
	off_t now;
	const struct input *in = changed_input(d, &now);

	if (in) {
		ayak_err_set(&d->c.err, AYAK_E_SYS, "%s: changed since the first pass "
			     "(%lld bytes, %lld before): nothing written", in->path,
			     (long long)now, (long long)in->st.st_size);
		die(d);
	}
}

/* Which input a line comes from: a new input starts at its line 1. */
static struct input *line_input(struct dd *d, const struct ayak_line *line)
{
	if (line->lineno == 1) {
		size_t j;

		for (j = d->cur_input + 1; j < d->ninputs; j++) {
			const char *p = d->inputs[j].path;

			if (p == line->file || (!strcmp(p, "-") && !strcmp(line->file, "(stdin)")))
				break;
		}
		if (j < d->ninputs)
			d->cur_input = j;
	}
	return d->cur_input < d->ninputs ? &d->inputs[d->cur_input] : NULL;
}

/* The records, each with its line feed, in order: the second pass must see the same. */
static XXH3_state_t *sum_new(struct dd *d)
{
	XXH3_state_t *x = XXH3_createState();

	if (!x)
		oom(d);
	XXH3_64bits_reset(x);
	return x;
}

static void sum_add(XXH3_state_t *x, const struct ayak_line *line)
{
	XXH3_64bits_update(x, line->data, line->len);
	XXH3_64bits_update(x, "\n", 1);
}

/*
 * What the records of the first pass made grow, freed before the second:
 * one long record would otherwise be held twice, once from each pass.
 */
static void release_first_pass(struct dd *d)
{
	ayak_reader_free(d->c.in);
	d->c.in = NULL;
	ayak_buf_release(&d->text);
	ayak_buf_release(&d->canon);
	ayak_buf_release(&d->tmp);
	dedup_minhash_trim(&d->mh);
	free(d->shset);
	d->shset = NULL;
	d->shcap = 0;
	free(d->lines);
	d->lines = NULL;
	d->nlines = d->linecap = 0;
}

static void first_pass(struct dd *d)
{
	struct ayak_line line;
	XXH3_state_t *sum = sum_new(d);

	while (cli_next(&d->c, &line)) {
		if (d->spooling) {
			struct input *in = line_input(d, &line);

			if (in && in->spool && (fwrite(line.data, 1, line.len, in->spool) != line.len ||
						putc('\n', in->spool) == EOF)) {
				ayak_err_sys(&d->c.err, errno, "cannot write the spool file in %s",
					     d->tmpdir);
				die(d);
			}
		}
		if (ayak_line_is_blank(line.data, line.len)) {
			d->c.stats.records_in--;	/* not a record */
			continue;
		}
		sign_record(d, &line);
		sum_add(sum, &line);
		d->ndocs++;
		d->doc_bytes += line.len + 1;
	}
	if (d->verify)
		shg_put(d, NULL, 0);
	d->doc_sum = XXH3_64bits_digest(sum);
	XXH3_freeState(sum);
}

/* ---- the second pass ---- */

struct decisions {
	struct dedup_stream *dec;	/* [index, cluster, size, reason] by index */
	const uint64_t *cur;
	int more;
	const uint64_t *bad;
	size_t nbad, ibad;
	struct dedup_set *freq;		/* frequent lines, or NULL */
	uint64_t base;			/* global index of this shard's first record */
	uint64_t ndocs, bytes, sum;	/* what the first pass saw */
};

static void dec_advance(struct dd *d, struct decisions *x)
{
	x->more = dedup_stream_next(x->dec, &x->cur, &d->c.err);
	if (x->more < 0)
		die(d);
}

static const char *display_name(struct dd *d, const char *file)
{
	size_t i;

	for (i = 0; i < d->ninputs; i++)
		if (d->inputs[i].again == file && d->inputs[i].spool)
			return strcmp(d->inputs[i].path, "-") ? d->inputs[i].path : "(stdin)";
	return file;
}

static void write_reject(struct dd *d, const struct ayak_line *line, int reason,
			 uint64_t cluster, uint64_t size)
{
	struct ayak_buf *b = &d->out;

	ayak_buf_reset(b);
	if (ayak_buf_addf(b, ",\"cluster\":%llu,\"size\":%llu", (unsigned long long)cluster,
			  (unsigned long long)size))
		oom(d);
	cli_reject(&d->c, line, display_name(d, line->file),
		   reason < 0 ? "lines" : dedup_reason_name(reason), b);
}

/*
 * Drop the frequent lines of d->text into d->tmp.  Returns the number of
 * lines dropped; *empty is set when no line with words is left.
 */
static uint64_t strip_lines(struct dd *d, struct dedup_set *freq, int *empty)
{
	const char *p = d->text.data, *end = p + d->text.len;
	uint64_t dropped = 0;
	int kept = 0;

	*empty = 1;
	ayak_buf_reset(&d->tmp);
	for (;;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *stop = nl ? nl : end;

		if (dedup_line_norm(p, (size_t)(stop - p), &d->canon))
			oom(d);
		if (d->canon.len && dedup_set_has(freq, XXH3_64bits(d->canon.data, d->canon.len))) {
			dropped++;
		} else {
			if ((kept && ayak_buf_add(&d->tmp, "\n", 1)) ||
			    ayak_buf_add(&d->tmp, p, (size_t)(stop - p)))
				oom(d);
			kept = 1;
			if (d->canon.len)
				*empty = 0;
		}
		if (!nl)
			break;
		p = nl + 1;
	}
	return dropped;
}

static void second_pass(struct dd *d, struct ayak_reader *in, struct decisions *x)
{
	struct ayak_line line;
	uint64_t idx = 0, bytes = 0, lines_removed = 0;
	XXH3_state_t *sum = sum_new(d);
	char num[3][32], v[16];
	int r, same_counts, same_sum;

	dec_advance(d, x);
	while ((r = ayak_reader_next(in, &line, &d->c.err)) > 0) {
		uint64_t cluster, size, nlines = 0;
		int reason = DEDUP_KEEP, edit_text = 0, empty = 0;
		struct ayak_edit ed[5];
		size_t ned = 0;

		if (ayak_line_is_blank(line.data, line.len))
			continue;
		idx++;
		bytes += line.len + 1;
		if (idx > x->ndocs)
			break;
		sum_add(sum, &line);
		if (x->ibad < x->nbad && x->bad[x->ibad] == idx - 1) {
			x->ibad++;
			/*
			 * Malformed: reported (and counted) by the first pass; the
			 * filter stage reports it again, as one node would, in its
			 * own --stats and --rejects (and fails without --on-error skip).
			 */
			if (d->stage == STAGE_FILTER && get_text(d, &line, 1, 0)) {
				ayak_err_set(&d->c.err, AYAK_E_SYS, "%s: changed since the first pass",
					     display_name(d, line.file));
				die(d);
			}
			continue;
		}
		while (x->more && x->cur[0] < idx - 1)
			dec_advance(d, x);
		cluster = x->base + idx - 1;
		size = 1;
		if (x->more && x->cur[0] == idx - 1) {
			cluster = x->cur[1];
			size = x->cur[2];
			reason = (int)x->cur[3];
		}
		if (x->freq && (reason == DEDUP_KEEP || d->annotate)) {
			if (!get_text(d, &line, 0, 1)) {
				ayak_err_set(&d->c.err, AYAK_E_SYS,
					     "%s: changed since the first pass",
					     display_name(d, line.file));
				die(d);
			}
			nlines = strip_lines(d, x->freq, &empty);
			lines_removed += nlines;
			edit_text = nlines > 0;
		}
		if (!d->annotate && (reason != DEDUP_KEEP || (edit_text && empty))) {
			const char *why = reason != DEDUP_KEEP ? dedup_reason_name(reason) : "lines";

			ayak_stats_drop(&d->c.stats, why, 1);
			if (d->c.rejects)
				write_reject(d, &line, reason != DEDUP_KEEP ? reason : -1, cluster, size);
			continue;
		}
		if (!d->annotate && !edit_text) {
			cli_emit(&d->c, line.data, line.len);
			continue;
		}
		if (!x->freq && ayak_record_parse(&d->rec, line.data, line.len, 0, &d->c.err)) {
			if (d->c.err.code != AYAK_E_SYS)	/* not out of memory */
				ayak_err_set(&d->c.err, AYAK_E_SYS, "%s: changed since the first pass",
					     display_name(d, line.file));
			die(d);
		}
		ayak_buf_reset(&d->out);
		if (d->annotate) {
			/* A record left without a line with words would go, as without --annotate. */
			const char *why = reason == DEDUP_KEEP && edit_text && empty ? "lines"
					  : dedup_reason_name(reason);

			snprintf(v, sizeof(v), "\"%s\"", why);
			if (strcmp(why, "keep"))
				ayak_stats_count(&d->c.stats, why, 1);
			snprintf(num[0], sizeof(num[0]), "%llu", (unsigned long long)cluster);
			snprintf(num[1], sizeof(num[1]), "%llu", (unsigned long long)size);
			ed[ned++] = (struct ayak_edit){ "dedup", 5, v, strlen(v) };
			ed[ned++] = (struct ayak_edit){ "dedup_cluster", 13, num[0], strlen(num[0]) };
			ed[ned++] = (struct ayak_edit){ "dedup_size", 10, num[1], strlen(num[1]) };
			if (x->freq) {
				snprintf(num[2], sizeof(num[2]), "%llu", (unsigned long long)nlines);
				ed[ned++] = (struct ayak_edit){ "dedup_lines", 11, num[2], strlen(num[2]) };
			}
		} else {
			struct ayak_buf *enc = &d->field;

			ayak_buf_reset(enc);
			if (ayak_json_encode_string(enc, d->tmp.data, d->tmp.len))
				oom(d);
			ed[ned++] = (struct ayak_edit){ d->c.field, d->c.field_len, enc->data, enc->len };
		}
		if (ayak_record_emit(&d->rec, ed, ned, &d->out))
			oom(d);
		cli_emit(&d->c, d->out.data, d->out.len);
	}
	if (r < 0)
		die(d);
	same_counts = idx == x->ndocs && bytes == x->bytes;
	same_sum = XXH3_64bits_digest(sum) == x->sum;
	if (!same_counts || !same_sum) {
		off_t now;
		const struct input *ch = changed_input(d, &now);

		/* the file, when it is one that was written to, rather than only counts */
		if (ch)
			ayak_err_set(&d->c.err, AYAK_E_SYS, "%s: changed while the second pass "
				     "read it (%lld bytes, %lld before)", ch->path,
				     (long long)now, (long long)ch->st.st_size);
		else if (!same_counts)
			ayak_err_set(&d->c.err, AYAK_E_SYS,
				     "the input changed between the passes (%llu records of %llu "
				     "bytes, %llu of %llu before)", (unsigned long long)idx,
				     (unsigned long long)bytes, (unsigned long long)x->ndocs,
				     (unsigned long long)x->bytes);
		else	/* same counts, but other records or another order (a shard reordered since sign) */
			ayak_err_set(&d->c.err, AYAK_E_SYS,
				     "the input changed between the passes (the same %llu records of "
				     "%llu bytes, but other records or in another order)",
				     (unsigned long long)idx, (unsigned long long)bytes);
		die(d);
	}
	XXH3_freeState(sum);
	if (x->freq)
		ayak_stats_count(&d->c.stats, "lines_removed", lines_removed);
	if (d->stage == STAGE_FILTER) {
		d->c.stats.records_in = idx;
		d->c.stats.bytes_in = bytes;
	}
}

/* ---- --verify: shingle sets ---- */

struct shingles_mem {
	struct dedup_shingles s;
	const uint32_t *data;
	size_t ndata;
	const uint64_t *off;		/* per index, and one more */
	uint64_t ndocs;
	/* sharded: per shard */
	struct shard_shg *shards;
	size_t nshards;
};

struct shard_shg {
	void *map, *off_map;	/* the shingles and their offsets, mapped */
	size_t maplen, off_maplen;
	const uint32_t *data;
	uint64_t ndata;
	const uint64_t *off;
	uint64_t noff;
};

static int shingles_slice(const uint32_t *data, uint64_t ndata, const uint64_t *off,
			  uint64_t noff, uint64_t idx, const uint32_t **set, size_t *n,
			  struct ayak_err *err)
{
	if (idx + 1 >= noff || off[idx] > off[idx + 1] || off[idx + 1] > ndata)
		return ayak_err_set(err, AYAK_E_DATA, "corrupt shingle data for record %llu",
				    (unsigned long long)idx);
	*set = data + off[idx];
	*n = (size_t)(off[idx + 1] - off[idx]);
	return 0;
}

static int shingles_get(struct dedup_shingles *s, uint64_t doc, const uint32_t **set,
			size_t *n, struct ayak_err *err)
{
	struct shingles_mem *m = (struct shingles_mem *)s;
	uint64_t shard = DEDUP_DOC_SHARD(doc), idx = DEDUP_DOC_INDEX(doc);

	if (!m->shards)
		return shingles_slice(m->data, m->ndata, m->off, m->ndocs + 1, idx, set, n, err);
	if (shard >= m->nshards)
		return ayak_err_set(err, AYAK_E_DATA, "corrupt stage data: shard %llu",
				    (unsigned long long)shard);
	return shingles_slice(m->shards[shard].data, m->shards[shard].ndata, m->shards[shard].off,
			      m->shards[shard].noff, idx, set, n, err);
}

/* ---- stage paths and markers ---- */

static const char *spath(struct dd *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static const char *spath(struct dd *d, const char *fmt, ...)
{
	va_list ap;
	int n;

	ayak_buf_reset(&d->path);
	if (ayak_buf_addstr(&d->path, d->dir) || ayak_buf_add(&d->path, "/", 1))
		oom(d);
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || ayak_buf_grow(&d->path, (size_t)n + 1))
		oom(d);
	va_start(ap, fmt);
	vsnprintf(d->path.data + d->path.len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	d->path.len += (size_t)n;
	return d->path.data;
}

static void make_dir(struct dd *d, const char *sub)
{
	if (mkdir(d->dir, 0777) && errno != EEXIST) {
		ayak_err_sys(&d->c.err, errno, "%s", d->dir);
		die(d);
	}
	spath(d, "%s", sub);
	if (mkdir(d->path.data, 0777) && errno != EEXIST) {
		ayak_err_sys(&d->c.err, errno, "%s", d->path.data);
		die(d);
	}
}

/* Remove temporary files a killed run of this task left in DIR/sub. */
static void clean_temps(struct dd *d, const char *sub, const char *prefix)
{
	DIR *dir;
	struct dirent *e;
	struct ayak_buf p = AYAK_BUF_INIT;

	spath(d, "%s", sub);
	dir = opendir(d->path.data);
	if (!dir)
		return;
	while ((e = readdir(dir))) {
		if (strncmp(e->d_name, prefix, strlen(prefix)) || !strstr(e->d_name, ".tmp."))
			continue;
		ayak_buf_reset(&p);
		if (!ayak_buf_addf(&p, "%s/%s/%s", d->dir, sub, e->d_name))
			unlink(p.data);
	}
	closedir(dir);
	ayak_buf_release(&p);
}

static struct dedup_fwriter *writer(struct dd *d, const char *path, int kind, uint64_t nw,
				    uint64_t id, uint64_t aux)
{
	struct dedup_header h = { (uint32_t)kind, d->fp, nw, id, aux };
	struct dedup_fwriter *w = dedup_fwriter_new(path, &h, &d->c.err);

	if (!w)
		die(d);
	return w;
}

static void writer_close(struct dd *d, struct dedup_fwriter *w)
{
	if (dedup_fwriter_close(w, &d->c.err))
		die(d);
	maybe_test_kill();
}

/* Write a one-record stage file. */
static void write_one(struct dd *d, const char *path, int kind, const uint64_t *rec,
		      uint64_t nw, uint64_t id, uint64_t aux)
{
	struct dedup_fwriter *w = writer(d, path, kind, nw, id, aux);

	if (dedup_fwriter_add(w, rec, &d->c.err))
		die(d);
	writer_close(d, w);
}

/* A marker or meta file: its record, or die with a hint. */
static void read_one(struct dd *d, const char *path, int kind, uint64_t *rec, uint64_t nw,
		     struct dedup_header *h, const char *hint)
{
	uint64_t *a, n;

	if (dedup_fload(path, kind, d->fp, h, &a, &n, &d->c.err)) {
		if (hint && d->c.err.code == AYAK_E_SYS && access(path, F_OK) && errno == ENOENT) {
			size_t len = strlen(d->c.err.msg);

			snprintf(d->c.err.msg + len, sizeof(d->c.err.msg) - len, " (%s)", hint);
		}
		die(d);
	}
	if (n != 1 || h->nw != nw) {
		free(a);
		ayak_err_set(&d->c.err, AYAK_E_DATA, "%s: corrupt stage file", path);
		die(d);
	}
	memcpy(rec, a, nw * sizeof(uint64_t));
	free(a);
}

/*
 * A finished task's marker: 1 if it is there, valid, of these options and
 * one record of nw words, with its header in h and its record in rec;
 * else 0, and the task is run (so also with --force).  The caller checks
 * the parameters it records (--parts, --shards) before it skips the task
 * or removes anything: a finished task given others is refused, not
 * quietly redone or skipped.
 */
static int read_marker(struct dd *d, const char *path, int kind, struct dedup_header *h,
		       uint64_t *rec, uint64_t nw)
{
	struct ayak_err err;
	uint64_t *a = NULL, n;
	int there;

	if (d->force || access(path, F_OK))
		return 0;
	if (dedup_fload(path, kind, d->fp, h, &a, &n, &err))
		return 0;
	there = n == 1 && h->nw == nw;
	if (there)
		memcpy(rec, a, nw * sizeof(*rec));
	free(a);
	return there;
}

/* A task that runs removes its marker first: killed half-way, it is not done. */
static void unmark(struct dd *d, const char *path)
{
	if (unlink(path) && errno != ENOENT) {
		ayak_err_sys(&d->c.err, errno, "%s", path);
		die(d);
	}
}

static struct dedup_stream *open_stage(struct dd *d, const char *path, int kind,
				       uint64_t nw, struct dedup_header *h, uint64_t *n)
{
	struct dedup_stream *s = dedup_fopen(path, kind, d->fp, h, n, &d->c.err);
	struct rlimit r;

	if (!s && errno == EMFILE && !getrlimit(RLIMIT_NOFILE, &r) && r.rlim_cur != RLIM_INFINITY)
		ayak_err_set(&d->c.err, AYAK_E_SYS, "%s: too many open files (a cluster or merge task "
			     "holds one of every shard and part; the limit, ulimit -n, is %llu)",
			     path, (unsigned long long)r.rlim_cur);
	if (!s)
		die(d);
	if (nw && h->nw != nw) {
		ayak_err_set(&d->c.err, AYAK_E_DATA, "%s: corrupt stage file: %llu words per record",
			     path, (unsigned long long)h->nw);
		die(d);
	}
	return s;
}

static unsigned sink_nw(const struct dd *d, int k)
{
	switch (k) {
	case S_EXACT: return 3 + has_rank(d);
	case S_BAND: return 2 + has_rank(d);
	case S_URL: return 4;
	default: return 2;
	}
}

/* ---- stages ---- */

/*
 * Meta record of a signed shard: [records, bytes of records, malformed,
 * XXH3-64 of the records in order, XXH3-64 of the input names].
 */
enum { META_DOCS, META_BYTES, META_BAD, META_SUM, META_INPUTS, META_NW };

/* The input names as given: a rerun of sign with others is not the same task. */
static uint64_t inputs_hash(int nfiles, char **files)
{
	uint64_t h = XXH3_64bits("-", 2);
	int i;

	for (i = 0; i < nfiles; i++)
		h = XXH3_64bits_withSeed(files[i], strlen(files[i]) + 1, h);
	return nfiles ? h : XXH3_64bits_withSeed("-", 2, h);
}

/*
 * Whether every file a finished task wrote is still there: a task whose
 * marker is there but one of whose files was deleted (by hand, or by a
 * clean-up) is done again when run, not skipped.  Done again from the same
 * inputs, it writes the same files, so the later tasks stay done.
 */
static int task_files_present(struct dd *d)
{
	unsigned long long i;
	int k;

	switch (d->stage) {
	case STAGE_SIGN:
		for (k = 0; k < S_N; k++)
			if ((d->modes & sink_mode[k]) &&
			    access(spath(d, "sign/%05llu.%s", (unsigned long long)d->shard, sink_ext[k]),
				   F_OK))
				return 0;
		if (d->verify &&
		    (access(spath(d, "sign/%05llu.shg", (unsigned long long)d->shard), F_OK) ||
		     access(spath(d, "sign/%05llu.shx", (unsigned long long)d->shard), F_OK)))
			return 0;
		return !access(spath(d, "sign/%05llu.bad", (unsigned long long)d->shard), F_OK);
	case STAGE_BUCKET:
		for (k = 0; k < S_N; k++)
			for (i = 0; (d->modes & sink_mode[k]) && i < d->parts; i++)
				if (access(spath(d, "bucket/%05llu-%05llu.%s", (unsigned long long)d->shard,
						 i, sink_ext[k]), F_OK))
					return 0;
		return 1;
	case STAGE_CLUSTER:
		return !access(spath(d, "cluster/%05llu.pair", (unsigned long long)d->part), F_OK) &&
		       !access(spath(d, "cluster/%05llu.ugrp", (unsigned long long)d->part), F_OK) &&
		       !access(spath(d, "cluster/%05llu.freq", (unsigned long long)d->part), F_OK);
	case STAGE_MERGE:
		for (i = 0; i < d->shards; i++)
			if (access(spath(d, "merge/%05llu.dec", i), F_OK))
				return 0;
		return !access(spath(d, "merge/freq"), F_OK);
	}
	return 1;
}

static void stage_sign(struct dd *d, int nfiles, char **files)
{
	uint64_t meta[META_NW];
	struct dedup_header h;
	const char *meta_path;
	char prefix[32];
	int k;

	meta_path = spath(d, "sign/%05llu.meta", (unsigned long long)d->shard);
	if (read_marker(d, meta_path, DEDUP_K_META, &h, meta, META_NW)) {
		if (meta[META_INPUTS] != inputs_hash(nfiles, files)) {
			ayak_err_set(&d->c.err, AYAK_E_USAGE,
				     "%s: shard %llu was signed from other input files (--force signs "
				     "it again; then run the later stages again)",
				     d->path.data, (unsigned long long)d->shard);
			die(d);
		}
		if (task_files_present(d))
			return;
		/* A file of it was deleted: signed again, the same records give the same files. */
	}
	/* The inputs opened before the marker goes: a missing one changes nothing. */
	d->c.no_output = 1;
	cli_open(&d->c, nfiles, files);
	unmark(d, spath(d, "sign/%05llu.meta", (unsigned long long)d->shard));
	make_dir(d, "sign");
	snprintf(prefix, sizeof(prefix), "%05llu.", (unsigned long long)d->shard);
	clean_temps(d, "sign", prefix);
	setup_inputs(d, nfiles, files, 0);
	for (k = 0; k < S_N; k++) {
		if (!(d->modes & sink_mode[k]))
			continue;
		d->sink[k].nw = sink_nw(d, k);
		d->sink[k].file = writer(d, spath(d, "sign/%05llu.%s", (unsigned long long)d->shard,
						  sink_ext[k]), sink_kind[k], d->sink[k].nw, d->shard, 0);
	}
	if (d->verify) {
		d->shg_w = writer(d, spath(d, "sign/%05llu.shg", (unsigned long long)d->shard),
				  DEDUP_K_SHG, 1, d->shard, 0);
		d->shx_w = writer(d, spath(d, "sign/%05llu.shx", (unsigned long long)d->shard),
				  DEDUP_K_SHX, 1, d->shard, 0);
		shx_put(d);	/* offsets start at 0 */
	}
	first_pass(d);
	if (d->verify) {
		if (d->shg_half) {
			uint64_t w = d->shg_pending;

			if (dedup_fwriter_add(d->shg_w, &w, &d->c.err))
				die(d);
		}
		writer_close(d, d->shg_w);
		writer_close(d, d->shx_w);
	}
	for (k = 0; k < S_N; k++)
		if (d->sink[k].file) {
			writer_close(d, d->sink[k].file);
			d->sink[k].file = NULL;
		}
	{
		struct dedup_fwriter *w = writer(d, spath(d, "sign/%05llu.bad",
							  (unsigned long long)d->shard),
						 DEDUP_K_BAD, 1, d->shard, 0);
		size_t i;

		for (i = 0; i < d->bad.n; i++)
			if (dedup_fwriter_add(w, &d->bad.a[i], &d->c.err))
				die(d);
		writer_close(d, w);
	}
	meta[META_DOCS] = d->ndocs;
	meta[META_BYTES] = d->doc_bytes;
	meta[META_BAD] = d->bad.n;
	meta[META_SUM] = d->doc_sum;
	meta[META_INPUTS] = inputs_hash(nfiles, files);
	write_one(d, spath(d, "sign/%05llu.meta", (unsigned long long)d->shard), DEDUP_K_META,
		  meta, META_NW, d->shard, 0);
	/*
	 * filter reads the shard again and counts its records, bytes and malformed
	 * ones in its --stats: counted here too, they would be twice in the sum of
	 * the tasks' stats files.  The summary line stays.
	 */
	if (d->c.stats.errors)
		cli_warn(&d->c, "skipped %llu malformed record%s",
			 (unsigned long long)d->c.stats.errors, d->c.stats.errors == 1 ? "" : "s");
	d->c.stats.records_in = d->c.stats.bytes_in = d->c.stats.errors = 0;
	d->c.stats.ndropped = 0;
}

static char *hint_of(const char *stage, const char *what, uint64_t n)
{
	static char hint[96];

	snprintf(hint, sizeof(hint), "run --stage %s --%s %llu first", stage, what,
		 (unsigned long long)n);
	return hint;
}

static void read_meta(struct dd *d, uint64_t shard, uint64_t *meta)
{
	struct dedup_header h;

	read_one(d, spath(d, "sign/%05llu.meta", (unsigned long long)shard), DEDUP_K_META, meta,
		 META_NW, &h, hint_of("sign", "shard", shard));
}

/*
 * What a signed shard's later files are made from: a hash of its records
 * as sign counted them.  The markers of bucket, cluster and merge record
 * it (chained over the shards for the last two), and merge puts it in the
 * header of each shard's decisions: a shard signed again (--force) makes
 * the tasks that used its old files stale, so they are redone when run
 * rather than skipped, and a stage refuses files made from the old ones.
 */
static uint64_t shard_ident(const uint64_t *meta)
{
	return XXH3_64bits(meta, META_INPUTS * sizeof(*meta));
}

/* The idents of every shard chained in order; each one's in ids, its base in base. */
static uint64_t shards_ident(struct dd *d, uint64_t *ids, uint64_t *base)
{
	uint64_t meta[META_NW], h = 0, total = 0, s, id;

	for (s = 0; s < d->shards; s++) {
		read_meta(d, s, meta);
		id = shard_ident(meta);
		h = XXH3_64bits_withSeed(&id, sizeof(id), h);
		if (ids)
			ids[s] = id;
		if (base)
			base[s] = total;
		total += meta[META_DOCS];
	}
	return h;
}

static inline uint64_t part_of(uint64_t key, uint64_t parts)
{
	return (uint64_t)(((unsigned __int128)key * parts) >> 64);
}

static void stage_bucket(struct dd *d)
{
	uint64_t meta[META_NW], done[2];	/* [shard ident, spilled runs] */
	struct dedup_header mh;
	const char *mark;
	char prefix[32];
	int k, finished;

	mark = spath(d, "bucket/%05llu.done", (unsigned long long)d->shard);
	finished = read_marker(d, mark, DEDUP_K_DONE, &mh, done, 2);
	if (finished && mh.aux != d->parts) {
		ayak_err_set(&d->c.err, AYAK_E_USAGE,
			     "%s: made with --parts %llu, not %llu (--force buckets shard %llu again; "
			     "then run the later stages again with --force)", mark,
			     (unsigned long long)mh.aux, (unsigned long long)d->parts,
			     (unsigned long long)d->shard);
		die(d);
	}
	read_meta(d, d->shard, meta);
	/* Skipped if made from the shard as it is signed now (else stale), and whole. */
	if (finished && done[0] == shard_ident(meta) && task_files_present(d)) {
		/* Its --stats are those of the run that did it. */
		ayak_stats_count(&d->c.stats, "spilled_runs", done[1]);
		return;
	}
	done[0] = shard_ident(meta);
	unmark(d, spath(d, "bucket/%05llu.done", (unsigned long long)d->shard));
	make_dir(d, "bucket");
	/* Its own files only: shard 10000's names start as shard 100000's do. */
	snprintf(prefix, sizeof(prefix), "%05llu-", (unsigned long long)d->shard);
	clean_temps(d, "bucket", prefix);
	snprintf(prefix, sizeof(prefix), "%05llu.", (unsigned long long)d->shard);
	clean_temps(d, "bucket", prefix);
	for (k = 0; k < S_N; k++) {
		struct dedup_header h;
		struct dedup_stream *in, *sorted;
		struct dedup_sorter *s;
		const uint64_t *rec;
		uint64_t n, p = 0;
		struct dedup_fwriter *w = NULL;
		int r, more;

		if (!(d->modes & sink_mode[k]))
			continue;
		in = open_stage(d, spath(d, "sign/%05llu.%s", (unsigned long long)d->shard,
					 sink_ext[k]), sink_kind[k], sink_nw(d, k), &h, &n);
		s = dedup_sorter_new(&d->mem, (unsigned)h.nw);
		if (!s)
			oom(d);
		while ((r = dedup_stream_next(in, &rec, &d->c.err)) > 0)
			if (dedup_sorter_add(s, rec, &d->c.err))
				die(d);
		if (r < 0)
			die(d);
		dedup_stream_free(in);
		sorted = dedup_sorter_finish(s, &d->c.err);
		if (!sorted)
			die(d);
		more = dedup_stream_next(sorted, &rec, &d->c.err);
		for (p = 0; p < d->parts; p++) {
			w = writer(d, spath(d, "bucket/%05llu-%05llu.%s", (unsigned long long)d->shard,
					    (unsigned long long)p, sink_ext[k]),
				   sink_kind[k], h.nw, d->shard, p);
			while (more > 0 && part_of(rec[0], d->parts) == p) {
				if (dedup_fwriter_add(w, rec, &d->c.err))
					die(d);
				more = dedup_stream_next(sorted, &rec, &d->c.err);
			}
			if (more < 0)
				die(d);
			writer_close(d, w);
		}
		dedup_sorter_free(s);
	}
	ayak_stats_count(&d->c.stats, "spilled_runs", d->mem.runs);
	done[1] = d->mem.runs;
	write_one(d, spath(d, "bucket/%05llu.done", (unsigned long long)d->shard), DEDUP_K_DONE,
		  done, 2, d->shard, d->parts);
}

/*
 * Every shard's buckets are there with the same --parts, made from the
 * shard as it is signed now (ids): the number of parts.
 */
static uint64_t check_buckets(struct dd *d, const uint64_t *ids)
{
	uint64_t s, parts = 0, rec[2];
	struct dedup_header h;

	for (s = 0; s < d->shards; s++) {
		read_one(d, spath(d, "bucket/%05llu.done", (unsigned long long)s), DEDUP_K_DONE,
			 rec, 2, &h, hint_of("bucket", "shard", s));
		if (s && h.aux != parts) {
			ayak_err_set(&d->c.err, AYAK_E_USAGE,
				     "%s: made with --parts %llu, shard 0 with --parts %llu",
				     d->path.data, (unsigned long long)h.aux, (unsigned long long)parts);
			die(d);
		}
		if (rec[0] != ids[s]) {
			ayak_err_set(&d->c.err, AYAK_E_USAGE,
				     "%s: made before shard %llu was signed again (run --stage bucket "
				     "--shard %llu again)", d->path.data, (unsigned long long)s,
				     (unsigned long long)s);
			die(d);
		}
		parts = h.aux;
	}
	return parts;
}

/*
 * A stage file of one word per record, mapped rather than read into memory
 * (its checksum is checked first): a cluster task with --verify looks into
 * every shard's shingles and offsets, but only at its candidates', so its
 * memory does not grow with the corpus.  Returns the first record; *n gets
 * their number.
 */
static const uint64_t *map_stage_file(struct dd *d, const char *path, int kind, void **map,
				      size_t *maplen, uint64_t *n)
{
	struct dedup_header h;
	int fd;

	if (dedup_fcheck(path, kind, d->fp, &h, n, &d->c.err))
		die(d);
	if (h.nw != 1) {
		ayak_err_set(&d->c.err, AYAK_E_DATA, "%s: corrupt stage file", path);
		die(d);
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ayak_err_sys(&d->c.err, errno, "%s", path);
		die(d);
	}
	*maplen = DEDUP_HEADER_SIZE + *n * 8 + DEDUP_TRAILER_SIZE;
	*map = mmap(NULL, *maplen, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (*map == MAP_FAILED) {
		ayak_err_sys(&d->c.err, errno, "%s", path);
		die(d);
	}
	/* The records are little-endian 64-bit words, as this machine's. */
	return (const uint64_t *)((const char *)*map + DEDUP_HEADER_SIZE);
}

static void load_shard_shingles(struct dd *d, uint64_t s, struct shard_shg *g)
{
	uint64_t n;

	g->off = map_stage_file(d, spath(d, "sign/%05llu.shx", (unsigned long long)s), DEDUP_K_SHX,
				&g->off_map, &g->off_maplen, &g->noff);
	/* The shingles are 32-bit values, two to a word. */
	g->data = (const uint32_t *)map_stage_file(d, spath(d, "sign/%05llu.shg",
							    (unsigned long long)s),
						   DEDUP_K_SHG, &g->map, &g->maplen, &n);
	g->ndata = n * 2;
}

/* A cluster task's marker: [shards ident, parts, struct dedup_cluster_stats]. */
#define CLUSTER_DONE_NW (2 + sizeof(struct dedup_cluster_stats) / sizeof(uint64_t))

static void cluster_stats(struct dd *d, const struct dedup_cluster_stats *st)
{
	if (d->modes & M_EXACT)
		ayak_stats_count(&d->c.stats, "exact_groups", st->exact_groups);
	if (d->modes & M_NEAR) {
		ayak_stats_count(&d->c.stats, "buckets", st->buckets);
		ayak_stats_count(&d->c.stats, "candidates", st->candidates);
		if (d->verify) {
			ayak_stats_count(&d->c.stats, "pairs_verified", st->verified);
			ayak_stats_count(&d->c.stats, "pairs_rejected", st->rejected);
		}
	}
	if (d->modes & M_URL)
		ayak_stats_count(&d->c.stats, "url_groups", st->url_groups);
	if (d->modes & M_LINES)
		ayak_stats_count(&d->c.stats, "frequent_lines", st->freq_lines);
}

/*
 * Clusters from the sorted keys in[]: the links (pairs), the URL groups
 * (decided with the clusters, by dedup_resolve) and frequent lines.
 */
static void find_clusters(struct dd *d, struct dedup_cluster_opts *o, struct dedup_stream **in,
			  struct dedup_recs *pairs, struct dedup_recs *urlg, struct dedup_recs *freq,
			  struct dedup_cluster_stats *out)
{
	struct dedup_cluster_stats st = { 0 };

	o->has_rank = has_rank(d);
	o->line_max = d->line_max;
	o->verify = d->verify;
	o->threshold = d->threshold;
	dedup_recs_init(pairs, 4);
	dedup_recs_init(urlg, 3);
	dedup_recs_init(freq, 1);
	if (dedup_cluster(o, in[S_EXACT], in[S_BAND], in[S_URL], in[S_LINE], pairs, urlg, freq,
			  &st, &d->c.err))
		die(d);
	cluster_stats(d, &st);
	if (out)
		*out = st;
}

static void stage_cluster(struct dd *d)
{
	struct dedup_stream *in[S_N] = { NULL };
	struct dedup_recs pairs, urlg, freq;
	struct dedup_cluster_opts o = { 0 };
	struct shingles_mem sm;
	struct dedup_cluster_stats st;
	/* [shards ident, parts, then the counts of st] */
	uint64_t parts, s, done[CLUSTER_DONE_NW], i, *ids, ident;
	struct dedup_header mh;
	const char *mark;
	char prefix[32];
	int k, finished;

	mark = spath(d, "cluster/%05llu.done", (unsigned long long)d->part);
	finished = read_marker(d, mark, DEDUP_K_DONE, &mh, done, CLUSTER_DONE_NW);
	if (finished && mh.aux != d->shards) {
		ayak_err_set(&d->c.err, AYAK_E_USAGE,
			     "%s: made from %llu shards, not %llu (--force clusters part %llu again)",
			     mark, (unsigned long long)mh.aux, (unsigned long long)d->shards,
			     (unsigned long long)d->part);
		die(d);
	}
	ids = malloc(d->shards * sizeof(*ids));
	if (!ids)
		oom(d);
	ident = shards_ident(d, ids, NULL);
	if (finished && done[0] == ident && task_files_present(d)) {
		/* Its --stats are those of the run that did it. */
		memcpy(&st, done + 2, sizeof(st));
		cluster_stats(d, &st);
		free(ids);
		return;
	}
	/* Its inputs checked before its marker goes: a refused run changes nothing. */
	parts = check_buckets(d, ids);
	free(ids);
	if (d->part >= parts) {
		ayak_err_set(&d->c.err, AYAK_E_USAGE, "--part %llu, but the buckets have %llu parts",
			     (unsigned long long)d->part, (unsigned long long)parts);
		die(d);
	}
	unmark(d, spath(d, "cluster/%05llu.done", (unsigned long long)d->part));
	make_dir(d, "cluster");
	snprintf(prefix, sizeof(prefix), "%05llu.", (unsigned long long)d->part);
	clean_temps(d, "cluster", prefix);
	for (k = 0; k < S_N; k++) {
		struct dedup_stream **v;

		if (!(d->modes & sink_mode[k]))
			continue;
		v = malloc(d->shards * sizeof(*v));
		if (!v)
			oom(d);
		for (s = 0; s < d->shards; s++) {
			struct dedup_header h;
			uint64_t n;

			v[s] = open_stage(d, spath(d, "bucket/%05llu-%05llu.%s", (unsigned long long)s,
						   (unsigned long long)d->part, sink_ext[k]),
					  sink_kind[k], sink_nw(d, k), &h, &n);
		}
		in[k] = dedup_stream_merge(v, d->shards, &d->c.err);
		free(v);
		if (!in[k])
			die(d);
	}
	memset(&sm, 0, sizeof(sm));
	if (d->verify) {
		sm.s.get = shingles_get;
		sm.nshards = d->shards;
		sm.shards = calloc(d->shards, sizeof(*sm.shards));
		if (!sm.shards)
			oom(d);
		for (s = 0; s < d->shards; s++)
			load_shard_shingles(d, s, &sm.shards[s]);
		o.shingles = &sm.s;
	}
	find_clusters(d, &o, in, &pairs, &urlg, &freq, &st);
	{
		struct dedup_fwriter *w = writer(d, spath(d, "cluster/%05llu.pair",
							  (unsigned long long)d->part),
						 DEDUP_K_PAIR, 4, d->part, 0);

		for (i = 0; i < pairs.n; i++)
			if (dedup_fwriter_add(w, pairs.a + 4 * i, &d->c.err))
				die(d);
		writer_close(d, w);
		w = writer(d, spath(d, "cluster/%05llu.ugrp", (unsigned long long)d->part),
			   DEDUP_K_UGRP, 3, d->part, 0);
		for (i = 0; i < urlg.n; i++)
			if (dedup_fwriter_add(w, urlg.a + 3 * i, &d->c.err))
				die(d);
		writer_close(d, w);
		w = writer(d, spath(d, "cluster/%05llu.freq", (unsigned long long)d->part),
			   DEDUP_K_FREQ, 1, d->part, 0);
		for (i = 0; i < freq.n; i++)
			if (dedup_fwriter_add(w, freq.a + i, &d->c.err))
				die(d);
		writer_close(d, w);
	}
	done[0] = ident;
	done[1] = parts;
	memcpy(done + 2, &st, sizeof(st));
	write_one(d, spath(d, "cluster/%05llu.done", (unsigned long long)d->part), DEDUP_K_DONE,
		  done, CLUSTER_DONE_NW, d->part, d->shards);
	for (k = 0; k < S_N; k++)
		dedup_stream_free(in[k]);
	for (s = 0; s < sm.nshards; s++) {
		munmap(sm.shards[s].map, sm.shards[s].maplen);
		munmap(sm.shards[s].off_map, sm.shards[s].off_maplen);
	}
	free(sm.shards);
	dedup_recs_release(&pairs);
	dedup_recs_release(&urlg);
	dedup_recs_release(&freq);
}

/* Merge the same file of every part into one stream. */
static struct dedup_stream *parts_stream(struct dd *d, const char *ext, int kind, uint64_t nw)
{
	struct dedup_stream **v = malloc(d->parts * sizeof(*v)), *m;
	uint64_t p;

	if (!v)
		oom(d);
	for (p = 0; p < d->parts; p++) {
		struct dedup_header h;
		uint64_t n;

		v[p] = open_stage(d, spath(d, "cluster/%05llu.%s", (unsigned long long)p, ext), kind,
				  nw, &h, &n);
	}
	m = dedup_stream_merge(v, d->parts, &d->c.err);
	free(v);
	if (!m)
		die(d);
	return m;
}

/* The merge marker: [shards ident, clusters, parts]; its header's aux is the shards. */
enum { MERGE_IDENT, MERGE_CLUSTERS, MERGE_PARTS, MERGE_DONE_NW };

static void stage_merge(struct dd *d)
{
	struct dedup_stream *pairs, *urlg, *freq, *empty = NULL;
	struct dedup_recs dec;
	struct dedup_set fset;
	struct dedup_header mh;
	uint64_t *base, *ids, s, p, nclusters, done[MERGE_DONE_NW], ident;
	const uint64_t *rec;
	const char *mark;
	size_t i = 0;
	int r, finished;

	mark = spath(d, "merge/done");
	finished = read_marker(d, mark, DEDUP_K_DONE, &mh, done, MERGE_DONE_NW);
	if (finished && (mh.aux != d->shards || done[MERGE_PARTS] != d->parts)) {
		ayak_err_set(&d->c.err, AYAK_E_USAGE,
			     "%s: made from %llu shards in %llu parts, not %llu in %llu "
			     "(--force merges again)", mark, (unsigned long long)mh.aux,
			     (unsigned long long)done[MERGE_PARTS], (unsigned long long)d->shards,
			     (unsigned long long)d->parts);
		die(d);
	}
	base = malloc(d->shards * sizeof(*base));
	ids = malloc(d->shards * sizeof(*ids));
	if (!base || !ids)
		oom(d);
	ident = shards_ident(d, ids, base);
	if (finished && done[MERGE_IDENT] == ident && task_files_present(d)) {
		/* Its --stats are those of the run that did it. */
		ayak_stats_count(&d->c.stats, "clusters", done[MERGE_CLUSTERS]);
		free(base);
		free(ids);
		return;
	}
	done[MERGE_IDENT] = ident;
	/* Its inputs checked before its marker goes: a refused run changes nothing. */
	for (p = 0; p < d->parts; p++) {
		struct dedup_header h;
		uint64_t rec2[CLUSTER_DONE_NW];

		read_one(d, spath(d, "cluster/%05llu.done", (unsigned long long)p), DEDUP_K_DONE,
			 rec2, CLUSTER_DONE_NW, &h, hint_of("cluster", "part", p));
		if (h.aux != d->shards || rec2[1] != d->parts) {
			ayak_err_set(&d->c.err, AYAK_E_USAGE,
				     "%s: made from %llu shards in %llu parts, not %llu in %llu",
				     d->path.data, (unsigned long long)h.aux, (unsigned long long)rec2[1],
				     (unsigned long long)d->shards, (unsigned long long)d->parts);
			die(d);
		}
		if (rec2[0] != done[MERGE_IDENT]) {
			ayak_err_set(&d->c.err, AYAK_E_USAGE,
				     "%s: made before a shard was signed again (run --stage cluster "
				     "--part %llu again)", d->path.data, (unsigned long long)p);
			die(d);
		}
	}
	unmark(d, spath(d, "merge/done"));
	make_dir(d, "merge");
	clean_temps(d, "merge", "");
	/* The frequent lines first: with URLs, they decide which records keep no URL. */
	dedup_set_init(&fset);
	{
		struct dedup_fwriter *w = writer(d, spath(d, "merge/freq"), DEDUP_K_FREQ, 1, 0, 0);
		uint64_t last = 0;
		int any = 0;

		freq = parts_stream(d, "freq", DEDUP_K_FREQ, 1);
		while ((r = dedup_stream_next(freq, &rec, &d->c.err)) > 0) {
			if (any && rec[0] == last)
				continue;
			if (dedup_fwriter_add(w, rec, &d->c.err))
				die(d);
			if ((d->modes & M_URL) && dedup_set_add(&fset, rec[0]))
				oom(d);
			last = rec[0];
			any = 1;
		}
		if (r < 0)
			die(d);
		dedup_stream_free(freq);
		writer_close(d, w);
	}
	if ((d->modes & (M_LINES | M_URL)) == (M_LINES | M_URL)) {
		/* Each shard's line keys as sign wrote them, a document's together. */
		struct dedup_stream **v = malloc(d->shards * sizeof(*v));

		if (!v)
			oom(d);
		for (s = 0; s < d->shards; s++) {
			struct dedup_header h;
			uint64_t n;

			v[s] = dedup_stream_empty(open_stage(d, spath(d, "sign/%05llu.line",
								      (unsigned long long)s),
							     DEDUP_K_LINE, 2, &h, &n), &fset, &d->c.err);
			if (!v[s])
				die(d);
		}
		empty = dedup_stream_merge(v, d->shards, &d->c.err);
		free(v);
		if (!empty)
			die(d);
	}
	pairs = parts_stream(d, "pair", DEDUP_K_PAIR, 4);
	urlg = parts_stream(d, "ugrp", DEDUP_K_UGRP, 3);
	dedup_recs_init(&dec, 4);
	if (dedup_resolve(pairs, urlg, empty, base, d->shards, &dec, &nclusters, &d->c.err))
		die(d);
	dedup_stream_free(pairs);
	dedup_stream_free(urlg);
	dedup_stream_free(empty);
	dedup_set_release(&fset);
	ayak_stats_count(&d->c.stats, "clusters", nclusters);
	for (s = 0; s < d->shards; s++) {
		struct dedup_fwriter *w = writer(d, spath(d, "merge/%05llu.dec", (unsigned long long)s),
						 DEDUP_K_DEC, 4, ids[s], base[s]);

		for (; i < dec.n && DEDUP_DOC_SHARD(dec.a[4 * i]) == s; i++) {
			uint64_t out[4] = { DEDUP_DOC_INDEX(dec.a[4 * i]), dec.a[4 * i + 1],
					    dec.a[4 * i + 2], dec.a[4 * i + 3] };

			if (dedup_fwriter_add(w, out, &d->c.err))
				die(d);
		}
		writer_close(d, w);
	}
	dedup_recs_release(&dec);
	done[MERGE_CLUSTERS] = nclusters;
	done[MERGE_PARTS] = d->parts;
	write_one(d, spath(d, "merge/done"), DEDUP_K_DONE, done, MERGE_DONE_NW, 0, d->shards);
	free(base);
	free(ids);
}

static void load_freq(struct dd *d, struct dedup_stream *s, struct dedup_set *set)
{
	const uint64_t *rec;
	int r;

	while ((r = dedup_stream_next(s, &rec, &d->c.err)) > 0)
		if (dedup_set_add(set, rec[0]))
			oom(d);
	if (r < 0)
		die(d);
}

static void stage_filter(struct dd *d, int nfiles, char **files)
{
	uint64_t meta[META_NW], n, *bad = NULL, rec2[MERGE_DONE_NW];
	struct dedup_header h;
	struct decisions x;
	struct dedup_set freq;

	read_meta(d, d->shard, meta);
	read_one(d, spath(d, "merge/done"), DEDUP_K_DONE, rec2, MERGE_DONE_NW, &h,
		 "run --stage merge first");
	if (d->shard >= h.aux) {
		ayak_err_set(&d->c.err, AYAK_E_USAGE, "--shard %llu, but merge was run with --shards %llu",
			     (unsigned long long)d->shard, (unsigned long long)h.aux);
		die(d);
	}
	memset(&x, 0, sizeof(x));
	dedup_set_init(&freq);
	if (dedup_fload(spath(d, "sign/%05llu.bad", (unsigned long long)d->shard), DEDUP_K_BAD,
			d->fp, &h, &bad, &n, &d->c.err))
		die(d);
	if (h.nw != 1) {
		ayak_err_set(&d->c.err, AYAK_E_DATA, "%s: corrupt stage file", d->path.data);
		die(d);
	}
	x.bad = bad;
	x.nbad = n;
	/* Streamed as the records go out, so checked whole first: a bad one is no decision. */
	if (dedup_fcheck(spath(d, "merge/%05llu.dec", (unsigned long long)d->shard), DEDUP_K_DEC,
			 d->fp, &h, &n, &d->c.err))
		die(d);
	x.dec = open_stage(d, spath(d, "merge/%05llu.dec", (unsigned long long)d->shard),
			   DEDUP_K_DEC, 4, &h, &n);
	if (h.id != shard_ident(meta)) {
		ayak_err_set(&d->c.err, AYAK_E_USAGE,
			     "%s: made before shard %llu was signed again (run --stage merge again)",
			     d->path.data, (unsigned long long)d->shard);
		die(d);
	}
	x.base = h.aux;
	x.ndocs = meta[META_DOCS];
	x.bytes = meta[META_BYTES];
	x.sum = meta[META_SUM];
	if (d->modes & M_LINES) {
		struct dedup_stream *s = open_stage(d, spath(d, "merge/freq"), DEDUP_K_FREQ, 1, &h,
						    &n);

		load_freq(d, s, &freq);
		dedup_stream_free(s);
		x.freq = &freq;
	}
	cli_open(&d->c, nfiles, files);
	setup_inputs(d, nfiles, files, 0);
	/* The first pass was the sign stage: this reader is the only one. */
	second_pass(d, d->c.in, &x);
	free(bad);
	dedup_stream_free(x.dec);
	dedup_set_release(&freq);
}

/* ---- one node ---- */

static void run_local(struct dd *d, int nfiles, char **files)
{
	struct dedup_stream *in[S_N] = { NULL }, *pairs_s, *urlg_s, *freq_s, *empty = NULL;
	struct dedup_recs pairs, urlg, freq, dec;
	struct dedup_cluster_opts o = { 0 };
	struct shingles_mem sm;
	struct decisions x;
	struct dedup_set fset;
	struct ayak_reader *again;
	const char **paths;
	uint64_t base = 0, nclusters;
	void *map = NULL;
	size_t maplen = 0, i;
	int k;

	cli_open(&d->c, nfiles, files);
	setup_inputs(d, nfiles, files, 1);
	for (k = 0; k < S_N; k++) {
		if (!(d->modes & sink_mode[k]))
			continue;
		d->sink[k].nw = sink_nw(d, k);
		d->sink[k].sorter = dedup_sorter_new(&d->mem, d->sink[k].nw);
		if (!d->sink[k].sorter)
			oom(d);
	}
	if (d->verify) {
		d->shg_tmp = temp_file(d, "shingles", NULL);
		dedup_recs_init(&d->shx, 1);
		shx_put(d);
	}
	/* The sorter gives the line keys by line; which records lose every line needs them again. */
	if ((d->modes & (M_LINES | M_URL)) == (M_LINES | M_URL) &&
	    !(d->line_spool = dedup_spool_new(d->tmpdir, 2, &d->c.err)))
		die(d);

	first_pass(d);
	release_first_pass(d);

	for (k = 0; k < S_N; k++)
		if (d->sink[k].sorter && !(in[k] = dedup_sorter_finish(d->sink[k].sorter, &d->c.err)))
			die(d);
	memset(&sm, 0, sizeof(sm));
	if (d->verify) {
		if (fflush(d->shg_tmp)) {
			ayak_err_sys(&d->c.err, errno, "cannot write to %s", d->tmpdir);
			die(d);
		}
		maplen = d->shg_n * sizeof(uint32_t);
		if (maplen) {
			map = mmap(NULL, maplen, PROT_READ, MAP_PRIVATE, fileno(d->shg_tmp), 0);
			if (map == MAP_FAILED) {
				ayak_err_sys(&d->c.err, errno, "cannot map the shingle file");
				die(d);
			}
		}
		sm.s.get = shingles_get;
		sm.data = map;
		sm.ndata = d->shg_n;
		sm.off = d->shx.a;
		sm.ndocs = d->ndocs;
		o.shingles = &sm.s;
	}
	find_clusters(d, &o, in, &pairs, &urlg, &freq, NULL);
	for (k = 0; k < S_N; k++) {
		dedup_sorter_free(d->sink[k].sorter);
		d->sink[k].sorter = NULL;
	}
	ayak_stats_count(&d->c.stats, "spilled_runs", d->mem.runs);
	if (map)
		munmap(map, maplen);
	if (d->shg_tmp) {
		fclose(d->shg_tmp);
		d->shg_tmp = NULL;
	}
	dedup_recs_release(&d->shx);

	memset(&x, 0, sizeof(x));
	dedup_set_init(&fset);
	if (d->modes & M_LINES) {
		freq_s = dedup_stream_mem(freq.a, freq.n, 1);
		if (!freq_s)
			oom(d);
		load_freq(d, freq_s, &fset);
		dedup_stream_free(freq_s);
		x.freq = &fset;
	}
	dedup_recs_release(&freq);
	if (d->line_spool) {
		struct dedup_stream *lines = dedup_spool_finish(d->line_spool, &d->c.err);

		d->line_spool = NULL;
		if (!lines || !(empty = dedup_stream_empty(lines, &fset, &d->c.err)))
			die(d);
	}

	pairs_s = dedup_stream_mem(pairs.a, pairs.n, 4);
	urlg_s = dedup_stream_mem(urlg.a, urlg.n, 3);
	if (!pairs_s || !urlg_s)
		oom(d);
	dedup_recs_init(&dec, 4);
	if (dedup_resolve(pairs_s, urlg_s, empty, &base, 1, &dec, &nclusters, &d->c.err))
		die(d);
	ayak_stats_count(&d->c.stats, "clusters", nclusters);
	dedup_stream_free(pairs_s);
	dedup_stream_free(urlg_s);
	dedup_stream_free(empty);
	dedup_recs_release(&pairs);
	dedup_recs_release(&urlg);
	x.dec = dedup_stream_mem(dec.a, dec.n, 4);
	if (!x.dec)
		oom(d);
	x.bad = d->bad.a;
	x.nbad = d->bad.n;
	x.ndocs = d->ndocs;
	x.bytes = d->doc_bytes;
	x.sum = d->doc_sum;

	check_unchanged(d);
	paths = malloc(d->ninputs * sizeof(*paths));
	if (!paths)
		oom(d);
	for (i = 0; i < d->ninputs; i++) {
		paths[i] = d->inputs[i].again;
		if (d->inputs[i].spool && fflush(d->inputs[i].spool)) {
			ayak_err_sys(&d->c.err, errno, "cannot write the spool file in %s", d->tmpdir);
			die(d);
		}
	}
	again = ayak_reader_new(paths, d->ninputs, &d->c.err);
	if (!again)
		die(d);
	second_pass(d, again, &x);
	ayak_reader_free(again);
	free(paths);
	dedup_stream_free(x.dec);
	dedup_recs_release(&dec);
	dedup_set_release(&fset);
	for (i = 0; i < d->ninputs; i++)
		if (d->inputs[i].spool)
			fclose(d->inputs[i].spool);
}

/*
 * The cluster and merge stages read a file of every shard (or partition) at
 * once: with more shards than the soft limit of open files (often 1024,
 * and not the same on every node of a cluster) they failed with "Too many
 * open files".  The soft limit goes up to the hard one, as far as it can.
 */
static void raise_open_files(void)
{
	struct rlimit r;

	if (getrlimit(RLIMIT_NOFILE, &r) || r.rlim_cur == r.rlim_max)
		return;
	r.rlim_cur = r.rlim_max;
	setrlimit(RLIMIT_NOFILE, &r);
}

int main(int argc, char **argv)
{
	struct dd *d = calloc(1, sizeof(*d));
	const char *kill_after = getenv("AYAK_DEDUP_TEST_KILL_AFTER");
	int ret;

	if (!d) {
		fputs("ayak-dedup: out of memory\n", stderr);
		return AYAK_E_SYS;
	}
	if (kill_after)
		test_kill_after = atoi(kill_after);
	cli_init(&d->c, "ayak-dedup", usage);
	parse_options(d, argc, argv);
	raise_open_files();
	if ((d->modes & M_NEAR) &&
	    dedup_minhash_init(&d->mh, d->unit, (unsigned)d->ngram, (unsigned)d->bands,
			       (unsigned)d->rows, d->seed))
		oom(d);
	/* For benchmarks: AYAK_DEDUP_SIMD=portable|avx2|avx512 (same results); empty: unset. */
	if ((d->modes & M_NEAR) && getenv("AYAK_DEDUP_SIMD") && *getenv("AYAK_DEDUP_SIMD") &&
	    dedup_minhash_set_impl(&d->mh, getenv("AYAK_DEDUP_SIMD"))) {
		ayak_err_set(&d->c.err, AYAK_E_USAGE, "AYAK_DEDUP_SIMD=%s: not available here",
			     getenv("AYAK_DEDUP_SIMD"));
		die(d);
	}
	dedup_mem_init(&d->mem, d->memory, d->tmpdir);
	ayak_record_init(&d->rec);
	dedup_recs_init(&d->bad, 1);
	switch (d->stage) {
	case STAGE_NONE:
		run_local(d, argc - optind, argv + optind);
		break;
	case STAGE_SIGN:
		stage_sign(d, argc - optind, argv + optind);
		break;
	case STAGE_BUCKET:
		stage_bucket(d);
		break;
	case STAGE_CLUSTER:
		stage_cluster(d);
		break;
	case STAGE_MERGE:
		stage_merge(d);
		break;
	case STAGE_FILTER:
		stage_filter(d, argc - optind, argv + optind);
		break;
	}
	ret = cli_finish(&d->c);
	ayak_record_release(&d->rec);
	dedup_minhash_release(&d->mh);
	dedup_mem_release(&d->mem);
	dedup_recs_release(&d->bad);
	ayak_buf_release(&d->text);
	ayak_buf_release(&d->canon);
	ayak_buf_release(&d->tmp);
	ayak_buf_release(&d->field);
	ayak_buf_release(&d->out);
	ayak_buf_release(&d->path);
	free(d->lines);
	free(d->shset);
	free(d->inputs);
	free(d);
	return ret;
}
