/*
 * ayak-filter: keep the prose, drop boilerplate, lists, spam and
 * fragments, and say why: Gopher and FineWeb quality rules with
 * FineWeb-2's Malay thresholds, line cleanup, PCRE2 pattern rules, a
 * domain blocklist and Malaysian PII redaction.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "filter.h"

static const char usage[] =
	"Usage: ayak-filter [options] [FILE...]\n"
	"Keep the prose; drop boilerplate, lists, spam and fragments, naming the reason.\n"
	"\n"
	"  -p, --profile NAME|FILE  thresholds and lexicons: zsm_Latn (default), zsm_Arab,\n"
	"                        ind_Latn, eng_Latn, none (every rule off), or a profile file\n"
	"      --rules FILE      add pattern rules: ACTION[:TARGET] NAME REGEX per line,\n"
	"                        keep or drop on text, url, domain or line; redact on text\n"
	"      --blocklist FILE  add a list of blocked domains (subdomains included)\n"
	"      --stopwords FILE  the stopword list of the stopword rule\n"
	"      --boilerplate FILE  add a boilerplate line lexicon: line, prefix or suffix,\n"
	"                        a TAB, and the text\n"
	"                        (for these four, FILE 'none' empties the list first)\n"
	"      --redact-pii[=TYPES]  replace e-mail addresses, phone numbers, MyKad numbers,\n"
	"                        IP addresses, card numbers and the user:password of URLs\n"
	"                        with <EMAIL>, <PHONE>, ...; TYPES: all (default) or a\n"
	"                        list of email,phone,mykad,ip,card,login\n"
	"      --annotate        keep every record and add a \"filter\" object: the decision,\n"
	"                        the reasons and the values the rules tested\n"
	"      --url-field NAME  the field with the page's URL (default: url)\n"
	"      --show-profile    print the thresholds and files in effect, then exit\n"
	"\n"
	"Every threshold of the profile is also an option, with a number or 'off':\n"
	"  --min-doc-words N, --max-avg-word-length X, --dup-line-frac X, --top-2-gram X,\n"
	"  --dup-5-gram X, --line-punct-thr X, --new-line-ratio X, --c4[=on|off], ...\n"
	"  (ayak-filter --show-profile lists them all; ayak-filter(1) explains each).\n";

enum {
	OPT_PROFILE = CLI_OPT_PROGRAM,
	OPT_REDACT_PII,
	OPT_ANNOTATE,
	OPT_URL_FIELD,
	OPT_SHOW_PROFILE,
	OPT_LIST,		/* + enum filter_list_id */
	OPT_PARAM = OPT_LIST + 16,	/* + enum filter_param_id */
};

struct setting {
	int opt;
	const char *value;
};

static struct option options[8 + FL_COUNT + FP_COUNT + 1];
static struct setting *settings;	/* a global: usage errors exit with it allocated */
static char option_names[FL_COUNT + FP_COUNT][48];

static void build_options(void)
{
	static const struct option fixed[] = {
		{ "profile", required_argument, NULL, OPT_PROFILE },
		{ "redact-pii", optional_argument, NULL, OPT_REDACT_PII },
		{ "annotate", no_argument, NULL, OPT_ANNOTATE },
		{ "url-field", required_argument, NULL, OPT_URL_FIELD },
		{ "show-profile", no_argument, NULL, OPT_SHOW_PROFILE },
	};
	size_t n = 0, i, k = 0;
	char *s;

	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		options[n++] = fixed[i];
	for (i = 0; i < FL_COUNT; i++, k++) {
		snprintf(option_names[k], sizeof(option_names[k]), "%s", filter_list_keys[i]);
		options[n++] = (struct option){ option_names[k], required_argument, NULL,
						(int)(OPT_LIST + i) };
	}
	for (i = 0; i < FP_COUNT; i++, k++) {
		snprintf(option_names[k], sizeof(option_names[k]), "%s", filter_params_info[i].key);
		for (s = option_names[k]; *s; s++)
			if (*s == '_')
				*s = '-';
		options[n++] = (struct option){
			option_names[k],
			filter_params_info[i].kind == FPK_BOOL ? optional_argument : required_argument,
			NULL, (int)(OPT_PARAM + i) };
	}
	options[n] = (struct option){ NULL, 0, NULL, 0 };
}

static void show_profile(struct cli *c, const struct filter_params *p)
{
	struct ayak_buf num = AYAK_BUF_INIT;
	int i, j;

	printf("# profile: %s\n", p->profile ? p->profile : "none");
	for (i = 0; i < FP_COUNT; i++) {
		double v = p->v[i];

		if (isnan(v)) {
			printf("%s = off\n", filter_params_info[i].key);
		} else if (filter_params_info[i].kind == FPK_BOOL) {
			printf("%s = on\n", filter_params_info[i].key);
		} else {
			/* the threshold in effect: digits that read back as it, as --annotate's values */
			ayak_buf_reset(&num);
			if (filter_value_add(&num, v))
				cli_die_nomem(c);
			printf("%s = %.*s\n", filter_params_info[i].key, (int)num.len, num.data);
		}
	}
	ayak_buf_release(&num);
	for (i = 0; i < FL_COUNT; i++) {
		printf("%s =", filter_list_keys[i]);
		for (j = 0; j < p->nfiles[i]; j++)
			printf(" %s", p->files[i][j]);
		putchar('\n');
	}
}

/*
 * A switch's value goes after '=': "--c4 off" leaves "off" an input file.
 * An operand that follows a switch (or --redact-pii), is one of its
 * values and is not a file is a usage error that says so.  Before
 * getopt, which moves the operands to the end.
 */
static void check_detached_values(struct cli *c, int argc, char **argv)
{
	struct stat st;
	int i, id;

	for (i = 1; i + 1 < argc && strcmp(argv[i], "--"); i++) {
		const char *o = argv[i], *v = argv[i + 1];
		unsigned mask;

		if (strncmp(o, "--", 2) || strchr(o, '=') || !stat(v, &st))
			continue;
		if (!strcmp(o, "--redact-pii") ? !filter_pii_mask(v, &mask) :
		    (id = filter_param_lookup(o + 2, strlen(o + 2))) >= 0 &&
		    filter_params_info[id].kind == FPK_BOOL && (!strcmp(v, "on") || !strcmp(v, "off")))
			cli_usage_error(c, "%s takes its value after '=': use %s=%s", o, o, v);
	}
}

/* The program's settings, from its command line. */
struct conf {
	const char *profile, *url_field;
	struct filter_opts fo;
	size_t nsettings;	/* settings[0..nsettings): lists and thresholds, in their order */
	int show;		/* --show-profile */
};

static void parse_options(struct cli *c, struct conf *k, int argc, char **argv)
{
	int opt;

	memset(k, 0, sizeof(*k));
	k->profile = "zsm_Latn";
	k->url_field = "url";
	build_options();
	check_detached_values(c, argc, argv);
	settings = calloc((size_t)argc + 1, sizeof(*settings));
	if (!settings)
		cli_die_nomem(c);
	while ((opt = cli_getopt(c, argc, argv, "p:", options)) != -1) {
		switch (opt) {
		case 'p':
		case OPT_PROFILE:
			k->profile = optarg;
			break;
		case OPT_REDACT_PII:
			k->fo.redact = 1;
			if (filter_pii_mask(optarg ? optarg : "all", &k->fo.pii_mask))
				cli_usage_error(c, "--redact-pii wants all or a list of email, phone, mykad, ip, card, login, not '%s'",
						optarg);
			break;
		case OPT_ANNOTATE:
			k->fo.annotate = 1;
			break;
		case OPT_URL_FIELD:
			k->url_field = cli_field_name(c, "--url-field", optarg);
			break;
		case OPT_SHOW_PROFILE:
			k->show = 1;
			break;
		default:
			if (opt >= OPT_LIST && opt < OPT_PARAM + FP_COUNT) {
				settings[k->nsettings].opt = opt;
				settings[k->nsettings].value = optarg;
				k->nsettings++;
				break;
			}
			cli_usage_error(c, "unexpected option");
		}
	}
}

/* The profile, then the options on top, in their order. */
static void load_params(struct cli *c, const struct conf *k, struct filter_params *params)
{
	size_t i;
	int boilerplate = 0;	/* a --boilerplate file is in the list */

	filter_params_init(params);
	if (filter_profile_load(params, k->profile, &c->err))
		cli_die(c, &c->err);
	for (i = 0; i < k->nsettings; i++) {
		int o = settings[i].opt, ret;

		if (o >= OPT_PARAM)
			ret = filter_param_set(params, o - OPT_PARAM,
					       settings[i].value ? settings[i].value : "on", &c->err);
		else
			ret = filter_list_add(params, o - OPT_LIST, settings[i].value, &c->err);
		if (ret && c->err.code == AYAK_E_USAGE)
			cli_usage_error(c, "%s", c->err.msg);
		if (ret)
			cli_die(c, &c->err);
		if (o == OPT_LIST + FL_BOILERPLATE)
			boilerplate = strcmp(settings[i].value, "none") != 0;
	}
	free(settings);
	/* ayak(7): an option that is not read is a usage error; a profile's list may wait unused */
	if (boilerplate) {
		int cleanup = params->v[FP_LINE_CLEANUP] == 1;
		int max_chars = !isnan(params->v[FP_BOILERPLATE_MAX_CHARS]);

		if (!cleanup && !max_chars)
			cli_usage_error(c, "--boilerplate needs --line-cleanup and --boilerplate-max-chars "
					"too (line_cleanup and boilerplate_max_chars are off)");
		if (!cleanup)
			cli_usage_error(c, "--boilerplate needs --line-cleanup too (line_cleanup is off)");
		if (!max_chars)
			cli_usage_error(c, "--boilerplate needs --boilerplate-max-chars too "
					"(boilerplate_max_chars is off)");
	}
}

/* --show-profile reads no records: an option only records use is a usage error, or NULL. */
static const char *show_unread(const struct cli *c, const struct conf *k)
{
	if (c->stats_path)
		return "--stats";
	if (k->fo.annotate)
		return "--annotate";
	if (k->fo.redact)
		return "--redact-pii";
	if (strcmp(k->url_field, "url"))
		return "--url-field";
	return cli_record_option(c, "text");
}

static void check_show_options(struct cli *c, const struct conf *k, int argc, char **argv)
{
	if (show_unread(c, k))
		cli_usage_error(c, "%s does not go with --show-profile (it reads no records)",
				show_unread(c, k));
	if (c->compress != AYAK_COMPRESS_AUTO || c->level)
		cli_usage_error(c, "-z, --compress and --level do not go with --show-profile");
	if (optind < argc)
		cli_usage_error(c, "--show-profile reads no files, not '%s'", argv[optind]);
}

/* --show-profile: the thresholds and files in effect, then exit without reading a record. */
static void run_show_profile(struct cli *c, struct filter *f, struct filter_params *params)
	__attribute__((noreturn));

static void run_show_profile(struct cli *c, struct filter *f, struct filter_params *params)
{
	show_profile(c, params);
	filter_free(f);
	filter_params_release(params);
	cli_finish_stdout(c);
}

/* A string field's decoded value, or NULL when absent or not a string. */
static const char *string_field(struct cli *c, struct ayak_record *rec, const char *name,
				struct ayak_buf *buf, size_t *len)
{
	const struct ayak_field *f = ayak_record_get(rec, name, strlen(name));
	const char *s;

	if (!f || f->type != AYAK_JSON_STRING)
		return NULL;
	if (ayak_record_string(rec, f, buf, &s, len, &c->err))
		cli_die(c, &c->err);
	return s;
}

static void write_reject(struct cli *c, const struct ayak_line *line,
			 const struct filter_result *res, struct ayak_buf *b)
{
	/* the value as --annotate writes it, the threshold as --show-profile does */
	ayak_buf_reset(b);
	if (res->has_value && (ayak_buf_addstr(b, ",\"value\":") ||
			       filter_value_add(b, res->value) ||
			       ayak_buf_addstr(b, ",\"threshold\":") ||
			       filter_value_add(b, res->threshold)))
		cli_die_nomem(c);
	cli_reject(c, line, NULL, res->reason, res->has_value ? b : NULL);
}

/*
 * --stats names 63 rule reasons and 63 redact rules per table, each kind
 * on its own: past that, they share one name ("rule:other",
 * "redact:other"), so that the other counters always have room.
 */
#define STATS_RULE_NAMES 63

/*
 * A table holds the fixed counters, the reasons that are not rules (34:
 * the quality rules' 28, blocklist, empty, c4_lorem_ipsum,
 * c4_curly_bracket, too_large, malformed), and both kinds with "other".
 */
_Static_assert(1 + FLR_COUNT + PII_NTYPES + 2 + 34 + 2 * (STATS_RULE_NAMES + 1) <= AYAK_STATS_MAX,
	       "--stats tables too small for ayak-filter's names");

static const char *stats_name(const struct ayak_counter *table, size_t n, const char *name,
			      const char *prefix, const char *other)
{
	size_t i, named = 0, plen = strlen(prefix);

	/* fewer names in all than the limit: no need to count them (a rule's hit on every record) */
	if (n < STATS_RULE_NAMES || strncmp(name, prefix, plen))
		return name;
	for (i = 0; i < n; i++) {
		if (!strcmp(table[i].name, name))
			return name;
		named += !strncmp(table[i].name, prefix, plen) && strcmp(table[i].name, other);
	}
	return named < STATS_RULE_NAMES ? name : other;
}

static const char *const line_counts[FLR_COUNT] = {
	"lines_dropped_pattern", "lines_dropped_boilerplate", "lines_dropped_short",
	"lines_dropped_c4",
};
static const char *const pii_counts[PII_NTYPES] = {
	"pii_email", "pii_phone", "pii_mykad", "pii_ip", "pii_card", "pii_login",
};

/* A run over the records: the filter, its options, and what every record reuses. */
struct run {
	struct cli *c;
	struct filter *f;
	struct filter_opts fo;
	const char *url_field;
	struct ayak_record rec;
	struct filter_result res;
	struct ayak_buf text, url, out, enc, ann;
	char **redact_stats;		/* "redact:NAME" of each redact rule */
	const uint64_t *rcounts;	/* each redact rule's matches in the last record */
	size_t nredact;
	uint64_t match_errors;
};

/* The run's state, and each redact rule's name in --stats (a redact rule turns redaction on). */
static void start_run(struct run *r, struct cli *c, const struct conf *k, struct filter *f)
{
	const char *const *rnames;
	size_t i;

	*r = (struct run){ .c = c, .f = f, .fo = k->fo, .url_field = k->url_field,
			   .text = AYAK_BUF_INIT, .url = AYAK_BUF_INIT, .out = AYAK_BUF_INIT,
			   .enc = AYAK_BUF_INIT, .ann = AYAK_BUF_INIT };
	/* for the tests, which cannot give 4 GiB: AYAK_FILTER_TEST_MAX_TEXT=N, the longest text */
	r->fo.max_text = cli_test_limit("AYAK_FILTER_TEST_MAX_TEXT", FILTER_MAX_TEXT);
	r->nredact = filter_redact_rules(f, &rnames, &r->rcounts);
	if (!r->nredact)
		return;
	r->fo.redact = 1;
	r->redact_stats = calloc(r->nredact, sizeof(*r->redact_stats));
	for (i = 0; r->redact_stats && i < r->nredact; i++) {
		r->redact_stats[i] = malloc(strlen(rnames[i]) + 8);
		if (!r->redact_stats[i])
			break;
		sprintf(r->redact_stats[i], "redact:%s", rnames[i]);
	}
	if (!r->redact_stats || i < r->nredact)
		cli_die_nomem(c);
}

/* every counter of ayak-filter(1) STATISTICS, in its order, 0 or not */
static void register_counters(struct run *r)
{
	struct ayak_stats *s = &r->c->stats;
	size_t i;
	int t;

	ayak_stats_count(s, "lines_dropped", 0);
	for (t = 0; t < FLR_COUNT; t++)
		ayak_stats_count(s, line_counts[t], 0);
	for (t = 0; t < PII_NTYPES; t++)
		ayak_stats_count(s, pii_counts[t], 0);
	for (i = 0; i < r->nredact; i++)
		ayak_stats_count(s, stats_name(s->counts, s->ncounts, r->redact_stats[i],
					       "redact:", "redact:other"), 0);
	ayak_stats_count(s, "kept_by_rule", 0);
	ayak_stats_count(s, "regex_errors", 0);
}

/* The lines, PII and redact rule matches a kept record's text lost, and its keep rule. */
static void count_changes(struct run *r)
{
	struct ayak_stats *s = &r->c->stats;
	const struct filter_result *res = &r->res;
	size_t i;
	int t;

	for (t = 0; t < FLR_COUNT; t++)
		if (res->lines_dropped[t]) {
			ayak_stats_count(s, "lines_dropped", res->lines_dropped[t]);
			ayak_stats_count(s, line_counts[t], res->lines_dropped[t]);
		}
	for (t = 0; t < PII_NTYPES; t++)
		if (res->pii[t])
			ayak_stats_count(s, pii_counts[t], res->pii[t]);
	for (i = 0; i < r->nredact; i++)
		if (r->rcounts[i])
			ayak_stats_count(s, stats_name(s->counts, s->ncounts, r->redact_stats[i],
						       "redact:", "redact:other"), r->rcounts[i]);
	if (res->kept_by && !res->drop)
		ayak_stats_count(s, "kept_by_rule", 1);
}

/* One record: dropped (to --rejects), or written as it is, cleaned or annotated. */
static void filter_record(struct run *r, const struct ayak_line *line)
{
	struct cli *c = r->c;
	struct filter_result *res = &r->res;
	const struct ayak_field *tf;
	const char *tx, *u;
	size_t tlen = 0, ulen = 0;
	struct ayak_edit edits[2];
	size_t nedits = 0;

	tf = cli_string_field(c, line, &r->rec, c->field, c->field_len);
	if (!tf)
		return;
	tx = string_field(c, &r->rec, c->field, &r->text, &tlen);
	u = string_field(c, &r->rec, r->url_field, &r->url, &ulen);
	if (filter_run(r->f, tx, tlen, u, ulen, &r->fo, res, &c->err)) {
		if (c->err.code != AYAK_E_DATA)
			cli_die(c, &c->err);
		cli_too_large(c, line, "filter");
		return;
	}
	r->match_errors += res->match_errors;
	/* with --annotate nothing goes: counts says what would */
	if (res->drop && !r->fo.annotate)
		ayak_stats_drop(&c->stats, stats_name(c->stats.dropped, c->stats.ndropped,
						      res->reason, "rule:", "rule:other"), 1);
	else if (res->drop)
		ayak_stats_count(&c->stats, stats_name(c->stats.counts, c->stats.ncounts,
						       res->reason, "rule:", "rule:other"), 1);
	if (res->drop && !r->fo.annotate) {
		if (c->rejects)
			write_reject(c, line, res, &r->out);
		return;
	}
	if (res->changed) {
		ayak_buf_reset(&r->enc);
		if (ayak_json_encode_string(&r->enc, res->text, res->len))
			cli_die_nomem(c);
		edits[nedits++] = (struct ayak_edit){ c->field, c->field_len, r->enc.data,
						      r->enc.len };
	}
	if (r->fo.annotate) {
		ayak_buf_reset(&r->ann);
		if (filter_annotation(res, &r->ann))
			cli_die_nomem(c);
		edits[nedits++] = (struct ayak_edit){ "filter", 6, r->ann.data, r->ann.len };
	}
	if (nedits) {
		ayak_buf_reset(&r->out);
		if (ayak_record_emit(&r->rec, edits, nedits, &r->out))
			cli_die_nomem(c);
		cli_emit(c, r->out.data, r->out.len);
	} else {
		cli_emit(c, line->data, line->len);
	}
	count_changes(r);
}

/* The failed matches counted and said, the outputs finished, and everything freed. */
static int finish_run(struct run *r)
{
	struct cli *c = r->c;
	size_t i;
	int ret;

	ayak_stats_count(&c->stats, "regex_errors", r->match_errors);
	if (r->match_errors) {
		cli_warn(c, "%llu regular expression matches failed (resource limits); counted as no match",
			 (unsigned long long)r->match_errors);
	}
	ayak_record_release(&r->rec);
	ret = cli_finish(c);
	filter_free(r->f);
	for (i = 0; i < r->nredact; i++)
		free(r->redact_stats[i]);
	free(r->redact_stats);
	ayak_buf_release(&r->text);
	ayak_buf_release(&r->url);
	ayak_buf_release(&r->out);
	ayak_buf_release(&r->enc);
	ayak_buf_release(&r->ann);
	return ret;
}

int main(int argc, char **argv)
{
	struct cli c;
	struct conf k;
	struct filter_params params;
	struct filter *f;
	struct run r;
	struct ayak_line line;

	cli_init(&c, "ayak-filter", usage);
	parse_options(&c, &k, argc, argv);
	/* as ayak-lid: the field --annotate writes would take the place of the text or the URL */
	if (k.fo.annotate && !strcmp(c.field, "filter"))
		cli_usage_error(&c, "--field filter: ayak-filter --annotate writes that field");
	if (k.fo.annotate && !strcmp(k.url_field, "filter"))
		cli_usage_error(&c, "--url-field filter: ayak-filter --annotate writes that field");
	if (k.fo.annotate)
		cli_rejects_need_skip(&c, "--annotate", "--annotate drops no record");
	/* a set AYAK_LEXICONS that is no directory is an error, lexicons read or not (ayak(7)) */
	if (getenv("AYAK_LEXICONS") && *getenv("AYAK_LEXICONS") && !ayak_lexicon_dir(&c.err))
		cli_die(&c, &c.err);
	load_params(&c, &k, &params);
	/* As ayak-lid --list-labels: what it prints goes to standard output, and no record is read. */
	if (k.show && c.output)
		cli_usage_error(&c, "-o does not go with --show-profile (it writes to standard output)");
	if (k.show)
		check_show_options(&c, &k, argc, argv);
	/* built before --show-profile too, so that it fails where a run would */
	f = filter_new(&params, &c.err);
	if (!f)
		cli_die(&c, &c.err);
	if (k.show)
		run_show_profile(&c, f, &params);
	filter_params_release(&params);
	start_run(&r, &c, &k, f);
	register_counters(&r);
	cli_open(&c, argc - optind, argv + optind);
	ayak_record_init(&r.rec);
	while (cli_next_record(&c, &line, &r.rec, 0))
		filter_record(&r, &line);
	return finish_run(&r);
}
