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

int main(int argc, char **argv)
{
	struct cli c;
	struct report_opts ro = { 0 };
	struct report *rep;
	struct ayak_record rec;
	struct ayak_line line;
	struct ayak_buf out = AYAK_BUF_INIT, desc = AYAK_BUF_INIT;
	struct tok_opts topts = { 0 };
	struct counter counter = { 0 };
	struct tok *tok = NULL;
	const char *tokenizer = NULL, **stage_paths = NULL;
	struct output *outs = NULL;
	size_t nstage = 0, nouts = 0, i;
	uint64_t bytes_out = 0;
	int format = REPORT_TEXT, format_given = 0, stamp = 0, opt;
	char stampbuf[64];

	cli_init(&c, "ayak-stats", usage);
	stage_paths = calloc((size_t)argc + 1, sizeof(*stage_paths));
	outs = calloc((size_t)argc + 1, sizeof(*outs));
	if (!stage_paths || !outs)
		cli_die_nomem(&c);
	while ((opt = cli_getopt(&c, argc, argv, "f:t:", options)) != -1) {
		switch (opt) {
		case 'f':
			format = report_format_from_name(optarg);
			if (format < 0)
				cli_usage_error(&c, "--format wants text, json or html, not '%s'", optarg);
			format_given = 1;
			break;
		case OPT_OUTPUT_TEXT:
		case OPT_OUTPUT_JSON:
		case OPT_OUTPUT_HTML:
			if (!*optarg)
				cli_usage_error(&c, "--output-%s wants a file name",
						opt == OPT_OUTPUT_TEXT ? "text" :
						opt == OPT_OUTPUT_JSON ? "json" : "html");
			outs[nouts].format = opt == OPT_OUTPUT_TEXT ? REPORT_TEXT :
					     opt == OPT_OUTPUT_JSON ? REPORT_JSON : REPORT_HTML;
			outs[nouts].opt = opt == OPT_OUTPUT_TEXT ? "--output-text" :
					  opt == OPT_OUTPUT_JSON ? "--output-json" : "--output-html";
			outs[nouts++].path = optarg;
			break;
		case 't':
			tokenizer = optarg;
			break;
		case OPT_NO_SPECIAL:
			topts.no_post = 1;
			break;
		case OPT_STAGE_STATS:
			stage_paths[nstage++] = optarg;
			break;
		case OPT_STAGE_ORDER:
			ro.stage_order = optarg;
			break;
		case OPT_STAGES_ONLY:
			ro.no_records = 1;
			break;
		case OPT_TOP:
			ro.top = positive(&c, "--top", optarg);
			break;
		case OPT_MAX_DOMAINS:
			ro.max_domains = positive(&c, "--max-domains", optarg);
			break;
		case OPT_LANG_FIELD:
		case OPT_URL_FIELD:
			if (opt == OPT_LANG_FIELD)
				ro.lang_field = cli_field_name(&c, "--lang-field", optarg);
			else
				ro.url_field = cli_field_name(&c, "--url-field", optarg);
			break;
		case OPT_TITLE:
			ro.title = optarg;
			break;
		case OPT_TIMESTAMP:
			stamp = 1;
			break;
		default:
			cli_usage_error(&c, "unexpected option");
		}
	}
	if (ro.no_records && optind < argc)
		cli_usage_error(&c, "--stages-only reads no records, but files were named");
	if (ro.no_records && !nstage)
		cli_usage_error(&c, "--stages-only needs --stage-stats");
	if (ro.no_records && tokenizer)
		cli_usage_error(&c, "--tokenizer does not go with --stages-only");
	if (topts.no_post && !tokenizer)
		cli_usage_error(&c, "--no-special goes with --tokenizer");
	/* With --output-FORMAT, standard output gets a report only when asked. */
	if (nouts && !c.output && !format_given)
		c.no_output = 1;
	check_paths(&c, outs, nouts);
	if (stamp)
		ro.timestamp = timestamp(&c, stampbuf, sizeof(stampbuf));
	ro.field = c.field;

	if (tokenizer) {
		tok = tok_load(tokenizer, &topts, &c.err);
		if (!tok)
			cli_die(&c, &c.err);
		counter.enc = tok_enc_new(tok, &c.err);
		if (!counter.enc)
			cli_die(&c, &c.err);
		/* its last name only: the report does not depend on where the file is */
		if (ayak_buf_addf(&desc, "%s: %s",
				  strrchr(tokenizer, '/') ? strrchr(tokenizer, '/') + 1 : tokenizer,
				  tok_describe(tok)))
			cli_die_nomem(&c);
		ro.tokens = count_tokens;
		ro.tokens_ctx = &counter;
		ro.tokenizer = desc.data;
	}
	rep = report_new(&ro, &c.err);
	if (!rep) {
		if (c.err.code == AYAK_E_USAGE)
			cli_usage_error(&c, "%s", c.err.msg);
		cli_die(&c, &c.err);
	}
	/* After report_new: a malformed list is the first thing to say. */
	if (ro.stage_order && !nstage)
		cli_usage_error(&c, "--stage-order goes with --stage-stats");
	for (i = 0; i < nstage; i++)
		if (report_stage_path(rep, stage_paths[i], &c.err))
			cli_die(&c, &c.err);
	if (report_check_order(rep, &c.err))
		cli_usage_error(&c, "%s", c.err.msg);

	cli_open(&c, ro.no_records ? 0 : argc - optind, argv + optind);
	ayak_record_init(&rec);
	while (!ro.no_records && cli_next_record(&c, &line, &rec, 0)) {
		if (report_record(rep, &rec, &c.err)) {
			if (c.err.code != AYAK_E_DATA)
				cli_die(&c, &c.err);
			cli_bad_record(&c, &line, "", "%s", c.err.msg);
			continue;
		}
		c.stats.records_out++;
	}
	report_set_malformed(rep, c.stats.errors);
	/*
	 * Every report from the same counts: the extra outputs are written
	 * under temporary names and renamed into place only when all of them
	 * and the main output are written.
	 */
	for (i = 0; i < nouts; i++) {
		struct ayak_writer_opts wo = { outs[i].path, c.compress, c.level, 0, 0 };

		/* As cli_open_writer does for -o: the same bytes. */
		if (wo.compress == AYAK_COMPRESS_ZSTD || (wo.compress == AYAK_COMPRESS_AUTO &&
		    ayak_compress_from_path(wo.path) == AYAK_COMPRESS_ZSTD))
			wo.threads = 1;

		ayak_buf_reset(&out);
		if (report_write(rep, outs[i].format, &out))
			cli_die_nomem(&c);
		outs[i].w = ayak_writer_new(&wo, &c.err);
		if (!outs[i].w || ayak_writer_write(outs[i].w, out.data, out.len, &c.err))
			cli_die(&c, &c.err);
		bytes_out += out.len;
	}
	if (!c.no_output) {
		ayak_buf_reset(&out);
		if (report_write(rep, format, &out))
			cli_die_nomem(&c);
		if (ayak_writer_write(c.out, out.data, out.len, &c.err))
			cli_die(&c, &c.err);
		bytes_out += out.len;
	}
	/* Renamed into place by cli_finish, with -o and --stats, once every one is whole. */
	for (i = 0; i < nouts; i++) {
		struct ayak_writer *w = outs[i].w;

		outs[i].w = NULL;
		cli_finish_later(&c, w);
	}
	c.stats.bytes_out = bytes_out;

	report_free(rep);
	ayak_record_release(&rec);
	ayak_buf_release(&out);
	ayak_buf_release(&desc);
	bpe_ids_release(&counter.ids);
	tok_enc_free(counter.enc);
	tok_free(tok);
	free(stage_paths);
	free(outs);
	return cli_finish(&c);
}
