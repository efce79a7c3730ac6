/*
 * ayak-stats: a report on record files and on a pipeline's --stats files,
 * as text, JSON or a self-contained HTML page with plots.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "report.h"
#include "tok.h"

static const char usage[] =
	"Usage: ayak-stats [options] [FILE...]\n"
	"       ayak-stats --stages-only --stage-stats DIR [options]\n"
	"Report on records: counts, bytes, characters, words and tokens, languages,\n"
	"lengths and top domains, and the stages of a pipeline from their --stats files.\n"
	"\n"
	"  -f, --format FMT      text (default), json or html (a self-contained page with plots)\n"
	"      --output-text FILE, --output-json FILE, --output-html FILE\n"
	"                        write the report in that format to FILE too, from the same\n"
	"                        pass over the records; repeatable per format, any combination\n"
	"                        (standard output then gets nothing unless -f or -o is given)\n"
	"  -t, --tokenizer FILE  count tokens with a Hugging Face tokenizer.json\n"
	"      --no-special      do not count the post-processor's special tokens (BOS, EOS)\n"
	"      --stage-stats PATH  a --stats file of a pipeline stage, or a directory of them\n"
	"                        (every *.json below it); repeatable\n"
	"      --stage-order LIST  stage order: programs separated by commas, before the\n"
	"                        default fetch,warc,cat,norm,lid,filter,dedup,tok,pack,stats\n"
	"      --stages-only     read no records: report the --stage-stats files only\n"
	"      --top N           domains to list (default 20)\n"
	"      --max-domains N   domains counted exactly (default 100000); past that the\n"
	"                        counts are Space-Saving estimates with error bounds\n"
	"      --lang-field NAME the language field (default: lang; its score: NAME_score)\n"
	"      --url-field NAME  the URL field (default: url)\n"
	"      --title TEXT      title of the report (default: ayak-stats report)\n"
	"      --timestamp       put the date in the report (UTC; SOURCE_DATE_EPOCH if set)\n";

enum {
	OPT_NO_SPECIAL = CLI_OPT_PROGRAM,
	OPT_STAGE_STATS,
	OPT_STAGE_ORDER,
	OPT_STAGES_ONLY,
	OPT_TOP,
	OPT_MAX_DOMAINS,
	OPT_LANG_FIELD,
	OPT_URL_FIELD,
	OPT_TITLE,
	OPT_TIMESTAMP,
	OPT_OUTPUT_TEXT,
	OPT_OUTPUT_JSON,
	OPT_OUTPUT_HTML,
};

static const struct option options[] = {
	{ "format", required_argument, NULL, 'f' },
	{ "tokenizer", required_argument, NULL, 't' },
	{ "no-special", no_argument, NULL, OPT_NO_SPECIAL },
	{ "stage-stats", required_argument, NULL, OPT_STAGE_STATS },
	{ "stage-order", required_argument, NULL, OPT_STAGE_ORDER },
	{ "stages-only", no_argument, NULL, OPT_STAGES_ONLY },
	{ "top", required_argument, NULL, OPT_TOP },
	{ "max-domains", required_argument, NULL, OPT_MAX_DOMAINS },
	{ "lang-field", required_argument, NULL, OPT_LANG_FIELD },
	{ "url-field", required_argument, NULL, OPT_URL_FIELD },
	{ "title", required_argument, NULL, OPT_TITLE },
	{ "timestamp", no_argument, NULL, OPT_TIMESTAMP },
	{ "output-text", required_argument, NULL, OPT_OUTPUT_TEXT },
	{ "output-json", required_argument, NULL, OPT_OUTPUT_JSON },
	{ "output-html", required_argument, NULL, OPT_OUTPUT_HTML },
	{ NULL, 0, NULL, 0 },
};

struct counter {
	struct tok_enc *enc;
	struct bpe_ids ids;
	struct tok_counts counts;
};

static int count_tokens(void *ctx, const char *text, size_t n, uint64_t *ntokens,
			struct ayak_err *err)
{
	struct counter *k = ctx;

	k->ids.n = 0;
	if (tok_encode(k->enc, text, n, &k->ids, &k->counts, err))
		return -1;
	*ntokens = k->ids.n;
	return 0;
}

/* An extra output: --output-text, --output-json or --output-html. */
struct output {
	int format;
	const char *path;
	const char *opt;
	struct ayak_writer *w;
};

/*
 * No two outputs may name the same file: "-" is the standard output; files
 * by any name are claimed here, before cli_open claims -o, --rejects and --stats.
 */
static void check_paths(struct cli *c, const struct output *outs, size_t n)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		if (!strcmp(outs[i].path, "-")) {
			if (!c->no_output && (!c->output || !strcmp(c->output, "-")))
				cli_usage_error(c, "%s and the standard output name the same file",
						outs[i].opt);
			for (j = 0; j < i; j++)
				if (!strcmp(outs[j].path, "-"))
					cli_usage_error(c, "%s and %s name the same file",
							outs[j].opt, outs[i].opt);
		}
		cli_claim_output(c, outs[i].opt, outs[i].path);
		cli_own_output(c, outs[i].path);	/* for --level */
	}
}

static uint64_t positive(struct cli *c, const char *opt, const char *arg)
{
	uint64_t v;

	if (ayak_parse_u64(arg, &v) || !v || v > UINT32_MAX)
		cli_usage_error(c, "%s wants a positive number, not '%s'", opt, arg);
	return v;
}

/* "2026-11-22T10:00:00Z", from SOURCE_DATE_EPOCH when it is set. */
static const char *timestamp(struct cli *c, char *buf, size_t n)
{
	const char *env = getenv("SOURCE_DATE_EPOCH");
	uint64_t secs;
	time_t t;
	struct tm tm;

	if (env && *env) {
		if (ayak_parse_u64(env, &secs) || secs > (uint64_t)253402300799)
			cli_usage_error(c, "SOURCE_DATE_EPOCH wants seconds since 1970, not '%s'", env);
		t = (time_t)secs;
	} else {
		t = time(NULL);
	}
	if (!gmtime_r(&t, &tm) || !strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm))
		cli_usage_error(c, "cannot format the date");
	return buf;
}

/* What the command line asks for. */
struct settings {
	struct report_opts ro;
	struct tok_opts topts;
	const char *tokenizer;
	const char **stage_paths;	/* --stage-stats, in the order given */
	size_t nstage;
	struct output *outs;		/* --output-text, --output-json, --output-html */
	size_t nouts;
	int format;			/* -f: the report's format on standard output or -o */
	int format_given;
	int stamp;			/* --timestamp */
	char stampbuf[64];		/* ro.timestamp points here */
};

static void parse_options(struct cli *c, struct settings *s, int argc, char **argv)
{
	struct output *o;
	int opt;

	memset(s, 0, sizeof(*s));
	s->format = REPORT_TEXT;
	/* room for one per argument */
	s->stage_paths = calloc((size_t)argc + 1, sizeof(*s->stage_paths));
	s->outs = calloc((size_t)argc + 1, sizeof(*s->outs));
	if (!s->stage_paths || !s->outs)
		cli_die_nomem(c);
	while ((opt = cli_getopt(c, argc, argv, "f:t:", options)) != -1) {
		switch (opt) {
		case 'f':
			s->format = report_format_from_name(optarg);
			if (s->format < 0)
				cli_usage_error(c, "--format wants text, json or html, not '%s'", optarg);
			s->format_given = 1;
			break;
		case OPT_OUTPUT_TEXT:
		case OPT_OUTPUT_JSON:
		case OPT_OUTPUT_HTML:
			if (!*optarg)
				cli_usage_error(c, "--output-%s wants a file name",
						opt == OPT_OUTPUT_TEXT ? "text" :
						opt == OPT_OUTPUT_JSON ? "json" : "html");
			o = &s->outs[s->nouts++];
			o->format = opt == OPT_OUTPUT_TEXT ? REPORT_TEXT :
				    opt == OPT_OUTPUT_JSON ? REPORT_JSON : REPORT_HTML;
			o->opt = opt == OPT_OUTPUT_TEXT ? "--output-text" :
				 opt == OPT_OUTPUT_JSON ? "--output-json" : "--output-html";
			o->path = optarg;
			break;
		case 't':
			s->tokenizer = optarg;
			break;
		case OPT_NO_SPECIAL:
			s->topts.no_post = 1;
			break;
		case OPT_STAGE_STATS:
			s->stage_paths[s->nstage++] = optarg;
			break;
		case OPT_STAGE_ORDER:
			s->ro.stage_order = optarg;
			break;
		case OPT_STAGES_ONLY:
			s->ro.no_records = 1;
			break;
		case OPT_TOP:
			s->ro.top = positive(c, "--top", optarg);
			break;
		case OPT_MAX_DOMAINS:
			s->ro.max_domains = positive(c, "--max-domains", optarg);
			break;
		case OPT_LANG_FIELD:
		case OPT_URL_FIELD:
			if (opt == OPT_LANG_FIELD)
				s->ro.lang_field = cli_field_name(c, "--lang-field", optarg);
			else
				s->ro.url_field = cli_field_name(c, "--url-field", optarg);
			break;
		case OPT_TITLE:
			s->ro.title = optarg;
			break;
		case OPT_TIMESTAMP:
			s->stamp = 1;
			break;
		default:
			cli_usage_error(c, "unexpected option");
		}
	}
}

/* An option given that only reading records uses, or NULL. */
static const char *record_option(const struct cli *c, const struct settings *s)
{
	if (s->ro.top)
		return "--top";
	if (s->ro.max_domains)
		return "--max-domains";
	if (s->ro.lang_field)
		return "--lang-field";
	if (s->ro.url_field)
		return "--url-field";
	return cli_record_option(c, "text");
}

/* Options that do not go together, and files named with --stages-only. */
static void check_options(struct cli *c, const struct settings *s, int argc)
{
	if (s->ro.no_records && optind < argc)
		cli_usage_error(c, "--stages-only reads no records, but files were named");
	if (s->ro.no_records && !s->nstage)
		cli_usage_error(c, "--stages-only needs --stage-stats");
	if (s->ro.no_records && s->tokenizer)
		cli_usage_error(c, "--tokenizer does not go with --stages-only");
	/* an option the run would not use is an error, not ignored (as ayak-lid's) */
	if (s->ro.no_records && record_option(c, s))
		cli_usage_error(c, "%s does not go with --stages-only (it reads no records)",
				record_option(c, s));
	if (s->topts.no_post && !s->tokenizer)
		cli_usage_error(c, "--no-special goes with --tokenizer");
}

/* -t: the tokenizer, its encoder for count_tokens, and how the report names it. */
struct tokenizer {
	struct tok *tok;
	struct counter counter;
	struct ayak_buf desc;
};

/* Load -t and have the report count tokens with it. */
static void load_tokenizer(struct cli *c, struct settings *s, struct tokenizer *tk)
{
	const char *name = s->tokenizer;

	tk->tok = tok_load(name, &s->topts, &c->err);
	if (!tk->tok)
		cli_die(c, &c->err);
	tk->counter.enc = tok_enc_new(tk->tok, &c->err);
	if (!tk->counter.enc)
		cli_die(c, &c->err);
	/* its last name only: the report does not depend on where the file is */
	if (ayak_buf_addf(&tk->desc, "%s: %s", strrchr(name, '/') ? strrchr(name, '/') + 1 : name,
			  tok_describe(tk->tok)))
		cli_die_nomem(c);
	s->ro.tokens = count_tokens;
	s->ro.tokens_ctx = &tk->counter;
	s->ro.tokenizer = tk->desc.data;
}

static void release_tokenizer(struct tokenizer *tk)
{
	ayak_buf_release(&tk->desc);
	bpe_ids_release(&tk->counter.ids);
	tok_enc_free(tk->counter.enc);
	tok_free(tk->tok);
}

/* report_new(), whose only usage error is a malformed --stage-order. */
static struct report *new_report(struct cli *c, const struct report_opts *ro)
{
	struct report *rep = report_new(ro, &c->err);

	if (!rep) {
		if (c->err.code == AYAK_E_USAGE)
			cli_usage_error(c, "%s", c->err.msg);
		cli_die(c, &c->err);
	}
	return rep;
}

/* Read the --stage-stats files into the report. */
static void add_stage_stats(struct cli *c, struct report *rep, const struct settings *s)
{
	size_t i;

	/* After report_new: a malformed list is the first thing to say. */
	if (s->ro.stage_order && !s->nstage)
		cli_usage_error(c, "--stage-order goes with --stage-stats");
	for (i = 0; i < s->nstage; i++)
		if (report_stage_path(rep, s->stage_paths[i], &c->err))
			cli_die(c, &c->err);
	if (report_check_order(rep, &c->err))
		cli_usage_error(c, "%s", c->err.msg);
}

/* Count every record of the inputs cli_open opened (none with --stages-only). */
static void count_records(struct cli *c, struct report *rep, int no_records)
{
	struct ayak_record rec;
	struct ayak_line line;

	ayak_record_init(&rec);
	while (!no_records && cli_next_record(c, &line, &rec, 0)) {
		if (report_record(rep, &rec, &c->err)) {
			if (c->err.code != AYAK_E_DATA)
				cli_die(c, &c->err);
			cli_bad_record(c, &line, "", "%s", c->err.msg);
			continue;
		}
		c->stats.records_out++;
	}
	report_set_malformed(rep, c->stats.errors);
	ayak_record_release(&rec);
}

/*
 * Every report from the same counts: the extra outputs are written
 * under temporary names and renamed into place only when all of them
 * and the main output are written.
 */
static void write_reports(struct cli *c, struct report *rep, struct settings *s)
{
	struct ayak_buf out = AYAK_BUF_INIT;
	uint64_t bytes_out = 0;
	size_t i;

	for (i = 0; i < s->nouts; i++) {
		struct ayak_writer_opts wo = { s->outs[i].path, c->compress, c->level, 0, 0 };

		/* As cli_open_writer does for -o: the same bytes. */
		if (wo.compress == AYAK_COMPRESS_ZSTD || (wo.compress == AYAK_COMPRESS_AUTO &&
		    ayak_compress_from_path(wo.path) == AYAK_COMPRESS_ZSTD))
			wo.threads = 1;

		ayak_buf_reset(&out);
		if (report_write(rep, s->outs[i].format, &out))
			cli_die_nomem(c);
		s->outs[i].w = ayak_writer_new(&wo, &c->err);
		if (!s->outs[i].w || ayak_writer_write(s->outs[i].w, out.data, out.len, &c->err))
			cli_die(c, &c->err);
		bytes_out += out.len;
	}
	if (!c->no_output) {
		ayak_buf_reset(&out);
		if (report_write(rep, s->format, &out))
			cli_die_nomem(c);
		if (ayak_writer_write(c->out, out.data, out.len, &c->err))
			cli_die(c, &c->err);
		bytes_out += out.len;
	}
	/* Renamed into place by cli_finish, with -o and --stats, once every one is whole. */
	for (i = 0; i < s->nouts; i++) {
		struct ayak_writer *w = s->outs[i].w;

		s->outs[i].w = NULL;
		cli_finish_later(c, w);
	}
	c->stats.bytes_out = bytes_out;
	ayak_buf_release(&out);
}

int main(int argc, char **argv)
{
	struct cli c;
	struct settings s;
	struct tokenizer tk = { NULL, { 0 }, AYAK_BUF_INIT };
	struct report *rep;

	cli_init(&c, "ayak-stats", usage);
	parse_options(&c, &s, argc, argv);
	check_options(&c, &s, argc);
	cli_rejects_need_skip(&c, NULL, "ayak-stats drops no record without it");
	/* With --output-FORMAT, standard output gets a report only when asked. */
	if (s.nouts && !c.output && !s.format_given)
		c.no_output = 1;
	check_paths(&c, s.outs, s.nouts);
	if (s.stamp)
		s.ro.timestamp = timestamp(&c, s.stampbuf, sizeof(s.stampbuf));
	s.ro.field = c.field;

	if (s.tokenizer)
		load_tokenizer(&c, &s, &tk);
	rep = new_report(&c, &s.ro);
	add_stage_stats(&c, rep, &s);

	cli_open(&c, s.ro.no_records ? 0 : argc - optind, argv + optind);
	count_records(&c, rep, s.ro.no_records);
	write_reports(&c, rep, &s);

	report_free(rep);
	release_tokenizer(&tk);
	free(s.stage_paths);
	free(s.outs);
	return cli_finish(&c);
}
