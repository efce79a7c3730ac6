/*
 * ayak-lid: language identification, with Malaysian Malay and Indonesian
 * told apart; keeps or drops records by language.  --train makes the model.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "lid.h"

static const char usage[] =
	"Usage: ayak-lid [options] [FILE...]\n"
	"       ayak-lid --train -o MODEL [training options] FILE...\n"
	"Add the language of each record (lang, lang_score); keep or drop records by it.\n"
	"\n"
	"      --keep LABELS     keep only records whose lang is one of LABELS (comma-separated)\n"
	"      --drop LABELS     drop records whose lang is one of LABELS\n"
	"      --threshold [LABEL=]X  drop records whose lang_score is below X (for LABEL,\n"
	"                        or for every label); may be repeated\n"
	"      --annotate        keep every record; add lang_keep and, if false, lang_reason\n"
	"      --top N           add lang_top: the N most probable labels with scores\n"
	"      --explain N       add lang_why: the log-odds Malaysian : Indonesian and the\n"
	"                        N words and pairs of words that add most to them (with\n"
	"                        --by line|paragraph, as \"why\" in each part)\n"
	"      --by line|paragraph|word  label each line or paragraph, or each run of\n"
	"                        words in one language (code-switching), in lang_parts; add\n"
	"                        lang_shares, and give mixed text a label like zsm_Latn+eng_Latn\n"
	"      --mixed X         with --by: a second language with a share of at least X\n"
	"                        makes the text mixed (default 0.2)\n"
	"      --switch-cost X   with --by word: what a change of language costs, in\n"
	"                        log-odds (default 2; higher: fewer, longer runs)\n"
	"      --switch-words FILE  with --by word: the English/Malay word odds (default:\n"
	"                        lid/switch.tsv in the lexicons)\n"
	"      --whole           read each text whole only, not by its lines too (faster\n"
	"                        on pages of many lines; a mostly English page with Malay\n"
	"                        lines may then be Malay)\n"
	"      --sample BYTES    read at most BYTES of each text (or part), in four windows\n"
	"                        in the middle of its quarters, fewer under 256 bytes\n"
	"                        (default 1024; 0: all; else 64 or more; --by word\n"
	"                        reads all)\n"
	"      --word-odds-weight W  weight of the model's word odds in telling zsm_Latn\n"
	"                        from ind_Latn (default: the model's; 0: none)\n"
	"      --model FILE      the model (default: lid/model.bin in the lexicons)\n"
	"      --list-labels     print the model's labels and exit\n"
	"      --model-info      print what the model is and how it was made, and exit\n"
	"\n"
	"Training (see ayak-lid(1)): --train, --label-field NAME (default label),\n"
	"  --markers FILE, --word-list SIDE=FILE, --about FILE, --epochs N, --lr X,\n"
	"  --seed N, --train-sample BYTES, --submodel NAME:BITS:FEATURES, --msa LABELS,\n"
	"  --flat-prior NAME[=F], --extra-labels LABELS, --dictionary FILE, --average,\n"
	"  --dropout P, --word-odds BITS, --word-odds-alpha A, --word-odds-weight W,\n"
	"  --verbose (report each submodel's epochs on standard error)\n";

enum {
	OPT_KEEP = CLI_OPT_PROGRAM,
	OPT_DROP,
	OPT_THRESHOLD,
	OPT_ANNOTATE,
	OPT_TOP,
	OPT_EXPLAIN,
	OPT_BY,
	OPT_MIXED,
	OPT_SWITCH_COST,
	OPT_SWITCH_WORDS,
	OPT_WHOLE,
	OPT_SAMPLE,
	OPT_MODEL,
	OPT_LIST_LABELS,
	OPT_MODEL_INFO,
	OPT_TRAIN,
	OPT_LABEL_FIELD,
	OPT_MARKERS,
	OPT_WORD_LIST,
	OPT_ABOUT,
	OPT_EPOCHS,
	OPT_LR,
	OPT_SEED,
	OPT_TRAIN_SAMPLE,
	OPT_SUBMODEL,
	OPT_FLAT_PRIOR,
	OPT_MSA,
	OPT_EXTRA_LABELS,
	OPT_DICTIONARY,
	OPT_AVERAGE,
	OPT_DROPOUT,
	OPT_WORD_ODDS,
	OPT_WORD_ODDS_ALPHA,
	OPT_WORD_ODDS_WEIGHT,
	OPT_VERBOSE,
};

static const struct option options[] = {
	{ "keep", required_argument, NULL, OPT_KEEP },
	{ "drop", required_argument, NULL, OPT_DROP },
	{ "threshold", required_argument, NULL, OPT_THRESHOLD },
	{ "annotate", no_argument, NULL, OPT_ANNOTATE },
	{ "top", required_argument, NULL, OPT_TOP },
	{ "explain", required_argument, NULL, OPT_EXPLAIN },
	{ "by", required_argument, NULL, OPT_BY },
	{ "mixed", required_argument, NULL, OPT_MIXED },
	{ "switch-cost", required_argument, NULL, OPT_SWITCH_COST },
	{ "switch-words", required_argument, NULL, OPT_SWITCH_WORDS },
	{ "sample", required_argument, NULL, OPT_SAMPLE },
	{ "whole", no_argument, NULL, OPT_WHOLE },
	{ "model", required_argument, NULL, OPT_MODEL },
	{ "list-labels", no_argument, NULL, OPT_LIST_LABELS },
	{ "model-info", no_argument, NULL, OPT_MODEL_INFO },
	{ "train", no_argument, NULL, OPT_TRAIN },
	{ "label-field", required_argument, NULL, OPT_LABEL_FIELD },
	{ "markers", required_argument, NULL, OPT_MARKERS },
	{ "word-list", required_argument, NULL, OPT_WORD_LIST },
	{ "about", required_argument, NULL, OPT_ABOUT },
	{ "epochs", required_argument, NULL, OPT_EPOCHS },
	{ "lr", required_argument, NULL, OPT_LR },
	{ "seed", required_argument, NULL, OPT_SEED },
	{ "train-sample", required_argument, NULL, OPT_TRAIN_SAMPLE },
	{ "submodel", required_argument, NULL, OPT_SUBMODEL },
	{ "flat-prior", required_argument, NULL, OPT_FLAT_PRIOR },
	{ "msa", required_argument, NULL, OPT_MSA },
	{ "extra-labels", required_argument, NULL, OPT_EXTRA_LABELS },
	{ "dictionary", required_argument, NULL, OPT_DICTIONARY },
	{ "average", no_argument, NULL, OPT_AVERAGE },
	{ "dropout", required_argument, NULL, OPT_DROPOUT },
	{ "word-odds", required_argument, NULL, OPT_WORD_ODDS },
	{ "word-odds-alpha", required_argument, NULL, OPT_WORD_ODDS_ALPHA },
	{ "word-odds-weight", required_argument, NULL, OPT_WORD_ODDS_WEIGHT },
	{ "verbose", no_argument, NULL, OPT_VERBOSE },
	{ NULL, 0, NULL, 0 },
};

enum { BY_NONE, BY_LINE, BY_PARAGRAPH, BY_WORD };

#define SWITCH_COST_DEFAULT 2.0

#define BIG_BUF ((size_t)4 << 20)	/* a text buffer past this is freed after its record */

#define LABEL_FORM "ISO 639-3 and ISO 15924 codes such as zsm_Latn, or und"
#define MAX_TOP 32
#define MAX_EXPLAIN 1000
#define MAX_LIST 64		/* --msa, --extra-labels */
#define LID_STATS_COUNTERS 64	/* ayak-lid(1): the --stats file holds 64 counters */

struct conf {
	const char *model_path, *switch_words;
	/* --keep, --drop and --threshold: as many as given, a label given twice once */
	const char **keep, **drop;
	size_t nkeep, ndrop, keep_cap, drop_cap;
	struct threshold {
		const char *label;	/* NULL: every label */
		double x;
	} *thr;
	size_t nthr, thr_cap;
	int annotate, top, explain, by, list_labels, model_info;
	/* the first option given of each kind, for the usage errors of main() */
	int train_only, classify_only, select_opt;
	double mixed, switch_cost;
	int mixed_set, switch_cost_set, sample_set, whole;
	struct lid_opts lo;
	/* training */
	int train, verbose;
	const char *label_field, *markers, *about;
	const char *word_lists[8];
	size_t nword_lists;
	const char *dicts[16];
	size_t ndicts;
	struct lid_train_opts to;
	const char *msa[MAX_LIST];	/* NULL-terminated */
	size_t nmsa;
	const char *extra[MAX_LIST];
	size_t nextra;
	struct { char name[32]; double f; } flat[8];	/* --flat-prior, matched to the submodels later */
	size_t nflat;
};

static double number(struct cli *c, const char *opt, const char *arg, double lo, double hi)
{
	char a[AYAK_DECIMAL_MAX], b[AYAK_DECIMAL_MAX];
	double v;

	if (ayak_parse_decimal(arg, &v) || !(v >= lo && v <= hi)) {
		/* the bounds as the number is to be written: 0.000001, not 1e-06 */
		ayak_fmt_decimal(a, lo);
		ayak_fmt_decimal(b, hi);
		cli_usage_error(c, "%s wants a number from %s to %s, not '%s'", opt, a, b, arg);
	}
	return v;
}

/* --sample, --train-sample: 0 or a size of at least 64 bytes; a message that says what is wrong. */
static size_t sample_arg(struct cli *c, const char *opt, const char *arg)
{
	uint64_t u;
	int r = ayak_parse_size(arg, &u);

	if (r == AYAK_SIZE_SYNTAX)
		cli_usage_error(c, "%s wants a size in bytes such as 1024 or 4K, not '%s'", opt, arg);
	if (r == AYAK_SIZE_UNIT)
		cli_usage_error(c, "%s: '%s' has an unknown unit (K, M, G or T, and B if wanted)", opt,
				arg);
	if (r == AYAK_SIZE_FRACTION)
		cli_usage_error(c, "%s: '%s' is a fraction of a byte (a fraction goes with K, M, G or "
				"T: 1.5K)", opt, arg);
	if (r || u > SIZE_MAX)
		cli_usage_error(c, "%s: '%s' is too large (0 reads everything)", opt, arg);
	if (u && u < 64)
		cli_usage_error(c, "%s wants 0 or a size of at least 64, not '%s'", opt, arg);
	return (size_t)u;
}

/* A file name of an option: '' is a slip, not a file that is not there. */
static const char *file_arg(struct cli *c, const char *opt, const char *arg)
{
	if (!*arg)
		cli_usage_error(c, "%s wants a file name, not ''", opt);
	return arg;
}

/* Split a comma-separated list in place into out[used..max); returns how many. */
static size_t split_list(struct cli *c, const char *opt, char *s, const char **out, size_t used,
			 size_t max)
{
	size_t n = used;
	char *tok;

	if (!*s)
		cli_usage_error(c, "%s wants a comma-separated list of labels", opt);
	/* strsep, not strtok: "a,,b" is a slip to report, not two labels. */
	while ((tok = strsep(&s, ",")) != NULL) {
		if (!*tok)
			cli_usage_error(c, "%s: an empty label in the list (two commas, or one at an end)",
					opt);
		if (n == max)
			cli_usage_error(c, "%s: too many labels (at most %zu in all)", opt, max);
		out[n++] = tok;
	}
	return n - used;
}

/* Is a the label b?  A mixed label A+B is also B+A. */
static int same_label(const char *a, const char *b)
{
	const char *pa = strchr(a, '+'), *pb = strchr(b, '+');
	size_t la, lb;

	if (!strcmp(a, b))
		return 1;
	if (!pa || !pb)
		return 0;
	la = (size_t)(pa - a);
	lb = (size_t)(pb - b);
	/* what is before a's + is after b's, and the other way round */
	return strlen(pb + 1) == la && !strncmp(a, pb + 1, la) &&
	       strlen(pa + 1) == lb && !strncmp(pa + 1, b, lb);
}

static int in_list(const char *const *list, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (same_label(list[i], name))
			return 1;
	return 0;
}

/*
 * --keep, --drop: the labels of s added to *list (grown as needed); a label
 * already there is not added again.
 */
static void add_labels(struct cli *c, const char *opt, char *s, const char ***list, size_t *n,
		       size_t *cap)
{
	size_t room = *n + 1, end, i;
	const char *p;

	for (p = s; *p; p++)
		room += *p == ',';
	*list = ayak_grow(*list, cap, room, sizeof(**list), 16);
	if (!*list)
		cli_die_nomem(c);
	end = *n + split_list(c, opt, s, *list, *n, room);
	for (i = *n; i < end; i++)
		if (!in_list(*list, *n, (*list)[i]))
			(*list)[(*n)++] = (*list)[i];
}

/* One feature of --submodel: its flags, or 0 when it is none (m's weight to *mark_weight). */
static unsigned submodel_feature(const char *tok, unsigned *mark_weight)
{
	static const struct { const char *name; unsigned flag; } kinds[] = {
		{ "w", LID_F_WORD }, { "b", LID_F_BIGRAM }, { "x", LID_F_CROSS }, { "d", LID_F_DICT },
		{ "mean", LID_F_MEAN },
	};
	size_t i;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (!strcmp(tok, kinds[i].name))
			return kinds[i].flag;
	if (tok[0] == 'm' && (!tok[1] || (tok[1] >= '1' && tok[1] <= '8' && !tok[2]))) {
		/* mN: each marker feature counts N times; m and m1 once */
		*mark_weight = tok[1] > '1' ? (unsigned)(tok[1] - '0') : 0;
		return LID_F_MARK;
	}
	if (tok[0] == 'c' && tok[1] >= '1' && tok[1] <= '5' && !tok[2])
		return 1u << (tok[1] - '1');
	if (tok[0] == 'c' && tok[1] >= '1' && tok[1] <= '5' && tok[2] == '-' && tok[3] >= tok[1] &&
	    tok[3] <= '5' && !tok[4])
		return (2u << (tok[3] - '1')) - (1u << (tok[1] - '1'));
	return 0;
}

/* --submodel NAME:BITS:FEATURES into s: a usage error when it is not one. */
static void parse_submodel(struct cli *c, const char *arg, struct lid_train_sub *s)
{
	char buf[128], *name, *bits, *feats, *tok;
	uint64_t b;

	memset(s, 0, sizeof(*s));
	if (strlen(arg) >= sizeof(buf))
		goto bad;
	strcpy(buf, arg);
	name = buf;
	bits = strchr(name, ':');
	if (!bits)
		goto bad;
	*bits++ = '\0';
	feats = strchr(bits, ':');
	if (!feats)
		goto bad;
	*feats++ = '\0';
	/* digits only: no sign, no space (ayak(7)) */
	if (!*name || strlen(name) >= sizeof(s->name) || ayak_parse_u64(bits, &b) || b < 8 || b > 22)
		goto bad;
	snprintf(s->name, sizeof(s->name), "%s", name);
	s->bits = (unsigned)b;
	/* strsep, not strtok: "c3,,w" is a slip to report, as in --msa */
	while ((tok = strsep(&feats, ",")) != NULL) {
		unsigned f = submodel_feature(tok, &s->mark_weight);

		if (!*tok)
			cli_usage_error(c, "--submodel '%s': an empty feature (two commas, or one at an "
					"end)", arg);
		if (!f)
			goto bad;
		if (s->flags & f)
			cli_usage_error(c, "--submodel '%s': %s repeats a feature", arg, tok);
		s->flags |= f;
	}
	return;
bad:
	cli_usage_error(c, "--submodel wants NAME:BITS:FEATURES (BITS 8-22; features c1-c5, w, b, "
			"m or m2-m8, x, d, mean), not '%s'", arg);
}

/* --flat-prior NAME[=F] (F 1 when not given): kept until the submodels are known. */
static void flat_prior_arg(struct cli *c, struct conf *k, const char *arg)
{
	const char *eq = strchr(arg, '=');
	size_t n = eq ? (size_t)(eq - arg) : strlen(arg);

	if (k->nflat == sizeof(k->flat) / sizeof(k->flat[0]))
		cli_usage_error(c, "too many --flat-prior options");
	if (!n || n >= sizeof(k->flat[0].name))
		cli_usage_error(c, "--flat-prior wants NAME or NAME=F (a submodel, F from 0.01 to 1), "
				"not '%s'", arg);
	memcpy(k->flat[k->nflat].name, arg, n);
	k->flat[k->nflat].name[n] = '\0';
	k->flat[k->nflat++].f = eq ? number(c, "--flat-prior", eq + 1, 0.01, 1) : 1;
}

/* Each --flat-prior to its submodel: a usage error when none has its name. */
static void match_flat_priors(struct cli *c, struct conf *k)
{
	size_t i, j;

	for (i = 0; i < k->nflat; i++) {
		for (j = 0; j < k->to.nsubs && strcmp(k->to.subs[j].name, k->flat[i].name); j++)
			;
		if (j == k->to.nsubs)
			cli_usage_error(c, "--flat-prior %s: no submodel of that name (as --submodel "
					"names it)", k->flat[i].name);
		k->to.subs[j].flat_prior = k->flat[i].f;
	}
}

/* --threshold [LABEL=]X: of two for the same label (or for every label), the later counts. */
static void add_threshold(struct cli *c, struct conf *k, char *arg)
{
	char *eq = strchr(arg, '=');
	const char *label = NULL;
	double x;
	size_t i;

	if (eq) {
		*eq = '\0';
		label = arg;
	}
	x = number(c, "--threshold", eq ? eq + 1 : arg, 0, 1);
	for (i = 0; i < k->nthr; i++)
		if (label ? k->thr[i].label && !strcmp(k->thr[i].label, label) : !k->thr[i].label)
			break;
	if (i == k->nthr) {
		k->thr = ayak_grow(k->thr, &k->thr_cap, i + 1, sizeof(*k->thr), 8);
		if (!k->thr)
			cli_die_nomem(c);
		k->thr[k->nthr++].label = label;
	}
	k->thr[i].x = x;
}

/* The name of a long option of ours, without its "--". */
static const char *option_name(int opt)
{
	size_t i;

	for (i = 0; options[i].name; i++)
		if (options[i].val == opt)
			return options[i].name;
	return "?";
}

/* Note the first option of each kind: training only, classifying only, selecting. */
static void note_option(struct conf *k, int opt)
{
	if (((opt > OPT_TRAIN && opt < OPT_WORD_ODDS_WEIGHT) || opt == OPT_VERBOSE) && !k->train_only)
		k->train_only = opt;
	if (opt >= OPT_KEEP && opt <= OPT_MODEL_INFO && !k->classify_only)
		k->classify_only = opt;
	/* what --list-labels and --model-info do not read */
	if (opt >= OPT_KEEP && opt <= OPT_SAMPLE && !k->select_opt)
		k->select_opt = opt;
}

static void options_parse(struct cli *c, struct conf *k, int argc, char **argv)
{
	int opt;
	uint64_t u;

	while ((opt = cli_getopt(c, argc, argv, "", options)) != -1) {
		note_option(k, opt);
		switch (opt) {
		case OPT_KEEP:
			add_labels(c, "--keep", optarg, &k->keep, &k->nkeep, &k->keep_cap);
			break;
		case OPT_DROP:
			add_labels(c, "--drop", optarg, &k->drop, &k->ndrop, &k->drop_cap);
			break;
		case OPT_THRESHOLD:
			add_threshold(c, k, optarg);
			break;
		case OPT_ANNOTATE:
			k->annotate = 1;
			break;
		case OPT_TOP:
			if (ayak_parse_u64(optarg, &u) || u < 1 || u > MAX_TOP)
				cli_usage_error(c, "--top wants a number from 1 to %d, not '%s'", MAX_TOP, optarg);
			k->top = (int)u;
			break;
		case OPT_EXPLAIN:
			if (ayak_parse_u64(optarg, &u) || u < 1 || u > MAX_EXPLAIN)
				cli_usage_error(c, "--explain wants a number from 1 to %d, not '%s'",
						MAX_EXPLAIN, optarg);
			k->explain = (int)u;
			break;
		case OPT_BY:
			if (!strcmp(optarg, "line"))
				k->by = BY_LINE;
			else if (!strcmp(optarg, "paragraph"))
				k->by = BY_PARAGRAPH;
			else if (!strcmp(optarg, "word"))
				k->by = BY_WORD;
			else
				cli_usage_error(c, "--by wants line, paragraph or word, not '%s'", optarg);
			break;
		case OPT_MIXED:
			k->mixed = number(c, "--mixed", optarg, 0, 0.5);
			k->mixed_set = 1;
			break;
		case OPT_SWITCH_COST:
			k->switch_cost = number(c, "--switch-cost", optarg, 0, 50);
			k->switch_cost_set = 1;
			break;
		case OPT_WHOLE:
			k->whole = 1;
			break;
		case OPT_SAMPLE:
			k->lo.sample = sample_arg(c, "--sample", optarg);
			k->sample_set = 1;
			break;
		case OPT_SWITCH_WORDS:
			k->switch_words = file_arg(c, "--switch-words", optarg);
			break;
		case OPT_MODEL:
			k->model_path = file_arg(c, "--model", optarg);
			break;
		case OPT_LIST_LABELS:
			k->list_labels = 1;
			break;
		case OPT_MODEL_INFO:
			k->model_info = 1;
			break;
		case OPT_TRAIN:
			k->train = 1;
			break;
		case OPT_VERBOSE:
			k->verbose = 1;
			break;
		case OPT_LABEL_FIELD:
			k->label_field = cli_field_name(c, "--label-field", optarg);
			break;
		case OPT_MARKERS:
			/* one file: a second would have replaced the first, unseen */
			if (k->markers)
				cli_usage_error(c, "--markers given twice (one file; more words go in "
						"--word-list files)");
			k->markers = file_arg(c, "--markers", optarg);
			break;
		case OPT_WORD_LIST:
			if (k->nword_lists == 8)
				cli_usage_error(c, "too many --word-list options");
			if (strncmp(optarg, "zsm=", 4) && strncmp(optarg, "ind=", 4) &&
			    strncmp(optarg, "zsm-data=", 9) && strncmp(optarg, "ind-data=", 9))
				cli_usage_error(c, "--word-list wants zsm=FILE, ind=FILE, zsm-data=FILE or "
						"ind-data=FILE, not '%s'", optarg);
			if (!optarg[strcspn(optarg, "=") + 1])
				cli_usage_error(c, "--word-list wants a file name after '=', not '%s'", optarg);
			k->word_lists[k->nword_lists++] = optarg;
			break;
		case OPT_DICTIONARY:
			if (k->ndicts == 16)
				cli_usage_error(c, "too many --dictionary options");
			k->dicts[k->ndicts++] = file_arg(c, "--dictionary", optarg);
			break;
		case OPT_AVERAGE:
			k->to.average = 1;
			break;
		case OPT_ABOUT:
			if (k->about)
				cli_usage_error(c, "--about given twice (one file)");
			k->about = file_arg(c, "--about", optarg);
			break;
		case OPT_EPOCHS:
			if (ayak_parse_u64(optarg, &u) || u < 1 || u > 100)
				cli_usage_error(c, "--epochs wants a number from 1 to 100, not '%s'", optarg);
			k->to.epochs = (unsigned)u;
			break;
		case OPT_LR:
			k->to.lr = number(c, "--lr", optarg, 1e-6, 100);
			break;
		case OPT_DROPOUT:
			k->to.dropout = number(c, "--dropout", optarg, 0, 0.9);
			break;
		case OPT_WORD_ODDS:
			if (ayak_parse_u64(optarg, &u) || (u && (u < 10 || u > 24)))
				cli_usage_error(c, "--word-odds wants 0 or a number of bits from 10 to 24, "
						"not '%s'", optarg);
			k->to.nb_bits = (unsigned)u;
			break;
		case OPT_WORD_ODDS_ALPHA:
			k->to.nb_alpha = number(c, "--word-odds-alpha", optarg, 0.001, 100);
			break;
		case OPT_WORD_ODDS_WEIGHT:
			k->to.nb_weight = number(c, "--word-odds-weight", optarg, 0, 100);
			k->lo.nb_weight = (float)k->to.nb_weight;
			k->lo.nb_weight_set = 1;
			break;
		case OPT_SEED:
			if (ayak_parse_u64(optarg, &u))
				cli_usage_error(c, "--seed wants a whole number, not '%s'", optarg);
			k->to.seed = u;
			break;
		case OPT_TRAIN_SAMPLE:
			k->to.sample = sample_arg(c, "--train-sample", optarg);
			break;
		case OPT_SUBMODEL:
			if (k->to.nsubs == sizeof(k->to.subs) / sizeof(k->to.subs[0]))
				cli_usage_error(c, "too many --submodel options");
			parse_submodel(c, optarg, &k->to.subs[k->to.nsubs++]);
			break;
		case OPT_FLAT_PRIOR:
			flat_prior_arg(c, k, optarg);
			break;
		case OPT_MSA:
			k->nmsa += split_list(c, "--msa", optarg, k->msa, k->nmsa, MAX_LIST - 1);
			break;
		case OPT_EXTRA_LABELS:
			k->nextra += split_list(c, "--extra-labels", optarg, k->extra, k->nextra,
						MAX_LIST - 1);
			break;
		default:
			cli_usage_error(c, "unexpected option");
		}
	}
}

/* ---- training ---- */

static void train_progress(void *arg, const char *fmt, ...)
{
	struct cli *c = arg;
	va_list ap;

	if (c->quiet)
		return;
	fprintf(stderr, "%s: ", c->prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* A whole file into b, NUL-terminated, so that its lines can be cut in place. */
/*
 * A text file of the training options (markers, word lists, a dictionary,
 * --about), NUL-terminated; a NUL byte in it or bytes that are not UTF-8
 * are an error at their line (exit 1), not a line cut short or a word left out.
 */
static void read_text(struct cli *c, const char *path, struct ayak_buf *b)
{
	if (ayak_read_file(path, b, &c->err) ||
	    ayak_text_check(path, b->data, b->len, AYAK_E_DATA, &c->err))
		cli_die(c, &c->err);
	if (ayak_buf_add(b, "", 1))
		cli_die_nomem(c);
	b->len--;
}

/* The next line of b as a C string (cut in place); 0 at the end. */
static int next_line(struct ayak_buf *b, size_t *pos, char **line, size_t *lineno)
{
	const char *l;
	size_t n;

	if (!ayak_next_line(b->data, b->len, pos, &l, &n))
		return 0;
	*line = b->data + (l - b->data);
	(*line)[n] = '\0';
	(*lineno)++;
	return 1;
}

/* Exit with c->err's message (or msg) after path:lineno. */
__attribute__((noreturn))
static void die_at(struct cli *c, const char *path, size_t lineno, const char *msg)
{
	char m[sizeof(c->err.msg)];

	snprintf(m, sizeof(m), "%s", msg ? msg : c->err.msg);
	ayak_err_set(&c->err, msg ? AYAK_E_DATA : c->err.code, "%s:%zu: %s", path, lineno, m);
	cli_die(c, &c->err);
}

/* s (its first max bytes) as a JSON string, control characters escaped: for messages. */
static const char *quoted(struct cli *c, struct ayak_buf *b, const char *s, size_t max)
{
	const char *q = ayak_json_quote(b, s, max);

	if (!q)
		cli_die_nomem(c);
	return q;
}

/* Cut s at the first of the bytes of cut, and spaces and tabs off both ends. */
static char *trim(char *s, const char *cut)
{
	size_t n;

	s[strcspn(s, cut)] = '\0';
	s += strspn(s, " \t");
	for (n = strlen(s); n && (s[n - 1] == ' ' || s[n - 1] == '\t'); n--)
		s[n - 1] = '\0';
	return s;
}

/*
 * A marker of a file: stored, or an error at path:lineno.  A word that is
 * not letters only never matches (a text's words are runs of letters):
 * a mistake in a list made by hand, refused when strict, else counted in
 * *never (a list drawn from data, FineWeb-2's, has 1Malaysia).
 */
static void add_marker(struct cli *c, struct lid_trainer *t, const char *word, unsigned bits,
		       const char *path, size_t lineno, int strict, size_t *never)
{
	int r = lid_trainer_add_marker(t, word, bits, &c->err);

	if (r < 0)
		die_at(c, path, lineno, NULL);
	if (r > 0 && strict) {
		struct ayak_buf q = AYAK_BUF_INIT;
		char msg[256];

		snprintf(msg, sizeof(msg), "bad marker %s: a character that is not a letter (the "
			 "words of a text are runs of letters: it would never match)",
			 quoted(c, &q, word, 80));
		die_at(c, path, lineno, msg);
	}
	*never += r > 0;
}

/* markers.tsv: WORD<TAB>zsm|ind<TAB>strong|weak; '#' starts a comment. */
static void load_markers(struct cli *c, struct lid_trainer *t, const char *path)
{
	struct ayak_buf text = AYAK_BUF_INIT, q = AYAK_BUF_INIT;
	char *line, msg[256];
	size_t pos = 0, lineno = 0, never = 0;

	read_text(c, path, &text);
	while (next_line(&text, &pos, &line, &lineno)) {
		char *side, *strength;
		unsigned bits;

		line = trim(line, "#");
		if (!line[0])
			continue;
		side = strchr(line, '\t');
		strength = side ? strchr(side + 1, '\t') : NULL;
		if (!side || !strength) {
			snprintf(msg, sizeof(msg), "bad marker line %s (WORD<TAB>zsm|ind<TAB>strong|weak)",
				 quoted(c, &q, line, 100));
			die_at(c, path, lineno, msg);
		}
		*side++ = '\0';
		*strength++ = '\0';
		line = trim(line, "");
		side = trim(side, "");
		strength = trim(strength, "");
		if (strcmp(strength, "strong") && strcmp(strength, "weak")) {
			snprintf(msg, sizeof(msg), "bad strength %s (strong or weak)",
				 quoted(c, &q, strength, 100));
			die_at(c, path, lineno, msg);
		}
		if (!strcmp(side, "zsm"))
			bits = !strcmp(strength, "weak") ? LID_MARK_ZSM_WEAK : LID_MARK_ZSM;
		else if (!strcmp(side, "ind"))
			bits = !strcmp(strength, "weak") ? LID_MARK_IND_WEAK : LID_MARK_IND;
		else {
			snprintf(msg, sizeof(msg), "bad side %s (zsm or ind)", quoted(c, &q, side, 100));
			die_at(c, path, lineno, msg);
		}
		add_marker(c, t, line, bits, path, lineno, 1, &never);
	}
	ayak_buf_release(&text);
	ayak_buf_release(&q);
}

/* A word list: one word per line, anything after a tab cut; every word gets bits. */
static void load_word_list(struct cli *c, struct lid_trainer *t, const char *arg, int verbose)
{
	static const struct { const char *side; unsigned bits; } sides[] = {
		{ "zsm=", LID_MARK_FW2_ZSM }, { "ind=", LID_MARK_FW2_IND },
		{ "zsm-data=", LID_MARK_DATA_ZSM }, { "ind-data=", LID_MARK_DATA_IND },
	};
	unsigned bits = 0;
	struct ayak_buf text = AYAK_BUF_INIT;
	char *line;
	size_t i, pos = 0, lineno = 0, words = 0, never = 0;

	for (i = 0; i < sizeof(sides) / sizeof(sides[0]); i++)
		if (!strncmp(arg, sides[i].side, strlen(sides[i].side))) {
			bits = sides[i].bits;
			arg += strlen(sides[i].side);
			break;
		}
	read_text(c, arg, &text);
	while (next_line(&text, &pos, &line, &lineno)) {
		line = trim(line, "\t#");
		if (!line[0])
			continue;
		/* the data lists may hold pairs of words ("akhir pekan"); none holds endings */
		if (line[0] == '-')
			die_at(c, arg, lineno, "an ending: word lists hold words (endings go in --markers)");
		if (strchr(line, ' ') && !(bits & (LID_MARK_DATA_ZSM | LID_MARK_DATA_IND)))
			die_at(c, arg, lineno, "two words: only zsm-data and ind-data lists hold pairs");
		add_marker(c, t, line, bits, arg, lineno, 0, &never);
		words++;
	}
	if (verbose)
		train_progress(c, "word list %s: %zu entries, %zu of them with a character that is "
			       "not a letter (they never match)", arg, words, never);
	ayak_buf_release(&text);
}

/*
 * --about: lines "key: value" (a key of letters, digits, '-' and '_'), the
 * head of the model file, which --model-info prints and an empty line ends.
 * Line ends of CRLF are made LF.  --model-info writes the labels line
 * itself, and a repeated key, an empty value or a control character (an
 * escape sequence, a CR that moves the cursor) would mislead its reader.
 */
static void check_about(struct cli *c, const char *path, struct ayak_buf *text)
{
	size_t lineno = 0, n, k, i, j;
	const char *l, *end;
	char msg[160];

	for (i = j = 0; i < text->len; i++)
		if (!(text->data[i] == '\r' && (i + 1 == text->len || text->data[i + 1] == '\n')))
			text->data[j++] = text->data[i];
	text->len = j;
	text->data[j] = '\0';

	/* lines split at LF alone: a CR left is a character of the line */
	for (l = text->data; l < text->data + text->len; l = end + 1) {
		end = l + strcspn(l, "\n");
		n = (size_t)(end - l);
		lineno++;
		for (k = 0; k < n && (isalnum((unsigned char)l[k]) || l[k] == '-' || l[k] == '_'); k++)
			;
		if (n == 0)
			die_at(c, path, lineno, "an empty line (it would end the model's text)");
		for (i = 0; i < n; i++) {
			unsigned char b = (unsigned char)l[i];

			/* C0 and DEL, and C1 (U+0080 to U+009F: 0xC2 0x80 to 0xC2 0x9F) */
			if (b < 0x20 || b == 0x7f || (b == 0xc2 && i + 1 < n && (unsigned char)l[i + 1] < 0xa0)) {
				snprintf(msg, sizeof(msg), "a control character (\\u%04x)",
					 b == 0xc2 ? (unsigned char)l[i + 1] : b);
				die_at(c, path, lineno, msg);
			}
		}
		if (k == 0 || k == n || l[k] != ':' || (k + 1 < n && l[k + 1] != ' '))
			die_at(c, path, lineno, "not 'key: value'");
		for (i = k + 1; i < n && l[i] == ' '; i++)
			;
		if (i == n)
			die_at(c, path, lineno, "an empty value");
		if (k == 6 && !strncasecmp(l, "labels", 6))
			die_at(c, path, lineno, "the key 'labels' (--model-info writes the model's labels "
			       "itself)");
		/* the lines before, which are "key: value" */
		for (j = 0; j < (size_t)(l - text->data); j = i + 1) {
			i = j + strcspn(text->data + j, "\n");
			if (text->data[j + k] == ':' && !strncasecmp(text->data + j, l, k)) {
				snprintf(msg, sizeof(msg), "the key '%.*s' a second time", (int)k, l);
				die_at(c, path, lineno, msg);
			}
		}
	}
}

/*
 * A dictionary: one word per line (hunspell's /FLAGS and anything after a
 * tab or space cut off); '#' starts a comment.
 */
static void load_dictionary(struct cli *c, struct lid_trainer *t, const char *path)
{
	struct ayak_buf text = AYAK_BUF_INIT;
	char *line;
	size_t pos = 0, lineno = 0;

	read_text(c, path, &text);
	while (next_line(&text, &pos, &line, &lineno)) {
		line = trim(line, "#");
		line[strcspn(line, "\t /")] = '\0';
		if (!line[0])
			continue;
		if (lid_trainer_add_dict_word(t, line, &c->err))
			die_at(c, path, lineno, NULL);
	}
	ayak_buf_release(&text);
}

/*
 * The --stats counts of labels: PREFIX.LABEL for each label counted, most
 * frequent first.  The file holds room counters: when more labels are
 * left than room, the last counter is the rest of them together
 * (PREFIX.others), so that every record is counted.  count[] is used up;
 * names[i] gets the name of label i (malloc'd: the caller frees them once
 * the stats are written).
 */
static void count_labels(struct cli *c, const char *prefix, const char *const *label,
			 uint64_t *count, size_t n, size_t room, char **names)
{
	size_t i, size = strlen(prefix) + LID_LABEL_MAX;

	for (;;) {
		size_t best = n, left = 0;

		for (i = 0; i < n; i++)
			if (count[i]) {
				left++;
				if (best == n || count[i] > count[best])
					best = i;
			}
		if (best == n)
			break;
		if (left > 1 && c->stats.ncounts + 1 >= room) {
			uint64_t rest = 0;

			for (i = 0; i < n; i++)
				rest += count[i];
			names[best] = malloc(size);
			if (!names[best])
				cli_die_nomem(c);
			snprintf(names[best], size, "%sothers", prefix);
			ayak_stats_count(&c->stats, names[best], rest);
			break;
		}
		names[best] = malloc(size);
		if (!names[best])
			cli_die_nomem(c);
		snprintf(names[best], size, "%s%s", prefix, label[best]);
		ayak_stats_count(&c->stats, names[best], count[best]);
		count[best] = 0;
	}
}

/* Is label in the NULL-terminated list? */
static int listed(const char *const *list, const char *label)
{
	for (; *list; list++)
		if (!strcmp(*list, label))
			return 1;
	return 0;
}

/*
 * What the submodels read and what the options give them: a feature fed by
 * no file (m without markers, d without a dictionary) and a file or an
 * option that no submodel reads are usage errors, not a model that
 * silently lacks them.
 */
static void check_feeds(struct cli *c, const struct conf *k)
{
	const struct lid_train_sub *msa = NULL;
	unsigned all = 0;
	size_t i;

	for (i = 0; i < k->to.nsubs; i++) {
		const struct lid_train_sub *s = &k->to.subs[i];

		all |= s->flags;
		if (!strcmp(s->name, "msa"))
			msa = s;
		if ((s->flags & LID_F_MARK) && !k->markers && !k->nword_lists)
			cli_usage_error(c, "submodel \"%s\": m reads the words of --markers and "
					"--word-list, and neither is given", s->name);
		if ((s->flags & LID_F_DICT) && !k->ndicts)
			cli_usage_error(c, "submodel \"%s\": d reads a --dictionary, and none is given",
					s->name);
	}
	if ((k->markers || k->nword_lists) && !(all & LID_F_MARK))
		cli_usage_error(c, "%s: no submodel reads markers (feature m)",
				k->markers ? "--markers" : "--word-list");
	if (k->ndicts && !(all & LID_F_DICT))
		cli_usage_error(c, "--dictionary: no submodel reads a dictionary (feature d)");
	if (k->nmsa && !msa)
		cli_usage_error(c, "--msa: there is no msa submodel to read it (--submodel msa:BITS:FEATURES)");
	/* the classifier weighs them in the msa submodel's choice between the two */
	if (k->to.nb_bits && !(msa && listed(k->to.msa, "zsm_Latn") && listed(k->to.msa, "ind_Latn")))
		cli_usage_error(c, "--word-odds: no msa submodel with zsm_Latn and ind_Latn in its "
				"group to read them");
}

static int run_train(struct cli *c, struct conf *k, int nfiles, char **files)
{
	static const char *const msa_default[] = {
		"zsm_Latn", "ind_Latn", "jav_Latn", "sun_Latn", "min_Latn", "bjn_Latn", "ace_Latn",
		"ban_Latn", "bbc_Latn", "bug_Latn", "mad_Latn", "nij_Latn", NULL,
	};
	static const struct lid_train_sub subs_default[] = {
		{ "Latn", LID_F_CHAR1 | LID_F_CHAR2 | LID_F_CHAR3 | LID_F_CHAR4 | LID_F_WORD, 16 },
		{ "msa", 0x1f | LID_F_WORD | LID_F_BIGRAM | LID_F_MARK, 17 },
		{ "Cyrl", 0x1f | LID_F_WORD, 14 },
		{ "Arab", 0x1f | LID_F_WORD, 14 },
		{ "Deva", 0x1f | LID_F_WORD, 13 },
	};
	struct lid_trainer *t;
	struct ayak_record rec;
	struct ayak_line line;
	struct ayak_buf text = AYAK_BUF_INIT, label = AYAK_BUF_INIT;
	const char *lf = k->label_field ? k->label_field : "label";
	struct ayak_buf about = AYAK_BUF_INIT;
	const char **labels;
	uint64_t *count;
	char **names;
	size_t i, n;
	int ret;
	unsigned long long off_script = 0;
	char first_off[PATH_MAX + 32] = "";

	if (!c->output)
		cli_usage_error(c, "--train needs -o MODEL");
	if (!strcmp(c->output, "-"))
		cli_usage_error(c, "--train writes a model file: -o - (standard output) does not go with it");
	if (nfiles == 0)
		cli_usage_error(c, "--train needs training files (records with text and label)");
	/* the model file is read as it is: no compressed stream */
	if (c->compress != AYAK_COMPRESS_AUTO)
		cli_usage_error(c, "--train writes the model plain: -z and --compress do not go with it");
	if (c->level)
		cli_usage_error(c, "--train writes the model plain: --level does not go with it");
	/* without word odds (--word-odds 0, the default) there is nothing for them to set */
	if (!k->to.nb_bits && (k->to.nb_alpha || k->lo.nb_weight_set))
		cli_usage_error(c, "%s goes with --word-odds BITS",
				k->to.nb_alpha ? "--word-odds-alpha" : "--word-odds-weight");
	if (k->verbose && c->quiet)
		cli_usage_error(c, "-q and --verbose do not go together");
	if (!strcmp(c->field, lf))
		cli_usage_error(c, "--field and --label-field both name '%s': the text would be the label",
				lf);
	if (!k->to.epochs)
		k->to.epochs = 5;
	/* the weights are averaged over the epochs that end past the middle: two at least */
	if (k->to.average && k->to.epochs < 3)
		cli_usage_error(c, "--average needs --epochs 3 or more (it averages the weights of "
				"the epochs after the first half)");
	if (!k->to.lr)
		k->to.lr = 0.5;
	if (!k->to.nb_alpha)
		k->to.nb_alpha = 0.1;
	if (!k->lo.nb_weight_set)
		k->to.nb_weight = 0.2;
	if (!k->to.nsubs) {
		memcpy(k->to.subs, subs_default, sizeof(subs_default));
		k->to.nsubs = sizeof(subs_default) / sizeof(subs_default[0]);
		/* markers only when there are some */
		if (!k->markers && !k->nword_lists)
			k->to.subs[1].flags &= ~(unsigned)LID_F_MARK;
	}
	match_flat_priors(c, k);
	k->to.msa = k->msa[0] ? k->msa : msa_default;
	check_feeds(c, k);
	for (i = 0; k->msa[i]; i++)
		if (!lid_label_valid(k->msa[i]))
			cli_usage_error(c, "--msa: bad label '%s' (%s)", k->msa[i], LABEL_FORM);
	for (i = 0; i < k->nextra; i++)
		if (!lid_label_valid(k->extra[i]))
			cli_usage_error(c, "--extra-labels: bad label '%s' (%s)", k->extra[i], LABEL_FORM);
	if (k->about) {
		read_text(c, k->about, &about);
		check_about(c, k->about, &about);
	}
	k->to.about = about.data;
	/* a program that succeeds is silent on standard error (ayak(7)) unless asked */
	k->to.progress = k->verbose ? train_progress : NULL;
	k->to.progress_arg = c;
	t = lid_trainer_new(&k->to, &c->err);
	if (!t)
		cli_die(c, &c->err);
	for (i = 0; i < k->nextra; i++)
		if (lid_trainer_add_label(t, k->extra[i], &c->err)) {
			if (c->err.code == AYAK_E_USAGE)
				cli_usage_error(c, "--extra-labels: %s", c->err.msg);
			cli_die(c, &c->err);
		}
	/* -o is claimed and opened now, so that a directory missing shows before training */
	c->compress = AYAK_COMPRESS_NONE;
	c->not_text = "a model";
	cli_open(c, nfiles, files);
	/* the files read besides the records, which no output may replace */
	cli_check_read_file(c, "--about", k->about);
	cli_check_read_file(c, "--markers", k->markers);
	for (i = 0; i < k->nword_lists; i++)
		cli_check_read_file(c, "--word-list", strchr(k->word_lists[i], '=') + 1);
	for (i = 0; i < k->ndicts; i++)
		cli_check_read_file(c, "--dictionary", k->dicts[i]);
	if (k->markers)
		load_markers(c, t, k->markers);
	for (i = 0; i < k->nword_lists; i++)
		load_word_list(c, t, k->word_lists[i], k->verbose);
	for (i = 0; i < k->ndicts; i++)
		load_dictionary(c, t, k->dicts[i]);
	ayak_record_init(&rec);
	while (cli_next_record(c, &line, &rec, 0)) {
		const struct ayak_field *ft, *fl;
		const char *tx;
		size_t tx_len;

		ft = cli_string_field(c, &line, &rec, c->field, c->field_len);
		if (!ft)
			continue;
		fl = cli_string_field(c, &line, &rec, lf, strlen(lf));
		if (!fl)
			continue;
		ayak_buf_reset(&label);
		/* the label decoded, for its NUL; the text where it is when it has no escapes */
		if (ayak_record_string(&rec, ft, &text, &tx, &tx_len, &c->err) ||
		    ayak_json_decode_string(line.data + fl->val, fl->val_len, &label, NULL, &c->err) ||
		    ayak_buf_add(&label, "", 1))
			cli_die(c, &c->err);
		/* "zsm_Latn\u0000x" is no label, not zsm_Latn */
		if (strlen(label.data) + 1 != label.len) {
			cli_bad_record(c, &line, "", "bad label (it holds \\u0000)");
			continue;
		}
		switch (lid_trainer_add(t, label.data, tx, tx_len, &c->err)) {
		case LID_ADD_TRAINED:
			c->stats.records_out++;
			break;
		case LID_ADD_UND:
			ayak_stats_drop(&c->stats, "und", 1);
			break;
		case LID_ADD_NO_LETTERS:
			ayak_stats_drop(&c->stats, "no_letters", 1);
			break;
		case LID_ADD_NO_SCRIPT:
			/* label noise, not a broken record: counted, and said once at the end */
			if (!off_script++)
				snprintf(first_off, sizeof(first_off), "%s:%llu", line.file,
					 (unsigned long long)line.lineno);
			ayak_stats_drop(&c->stats, "no_script", 1);
			break;
		default:
			if (c->err.code != AYAK_E_DATA)
				cli_die(c, &c->err);
			cli_bad_record(c, &line, "", "%s", c->err.msg);
		}
	}
	ayak_record_release(&rec);
	ayak_buf_release(&text);
	ayak_buf_release(&label);
	if (off_script)
		cli_warn(c, "%llu text%s with no letters of %s label's script left out (the first "
			 "at %s)", (unsigned long long)off_script, off_script == 1 ? "" : "s",
			 off_script == 1 ? "its" : "their", first_off);
	/* the model is put in place by cli_finish, with --stats and --rejects, once all are whole */
	if (lid_trainer_write(t, c->out, c->output, &c->err))
		cli_die(c, &c->err);
	c->stats.bytes_out += ayak_writer_bytes(c->out);	/* the model's size */
	/* the texts trained on, per label */
	n = lid_trainer_nlabels(t);
	labels = calloc(n, sizeof(*labels));
	count = calloc(n, sizeof(*count));
	names = calloc(n, sizeof(*names));
	if (!labels || !count || !names)
		cli_die_nomem(c);
	for (i = 0; i < n; i++) {
		size_t texts;

		labels[i] = lid_trainer_label(t, i, &texts);
		count[i] = texts;
	}
	count_labels(c, "label.", labels, count, n, LID_STATS_COUNTERS, names);
	ret = cli_finish(c);
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	free(labels);
	free(count);
	lid_trainer_free(t);
	ayak_buf_release(&about);
	return ret;
}

/* ---- classifying ---- */

struct run {
	struct cli *c;
	struct conf *k;
	struct lid_model *m;
	struct ayak_buf model_path;	/* for the messages */
	struct lid_classifier *cl;
	size_t nlabels;
	double *thr;			/* per label */
	uint64_t *count;		/* records per label */
	uint64_t mixed_count;
	struct ayak_buf text, vals, doc_label, out;
	const char *tx;			/* the record's text: in its line, or decoded into text */
	size_t tx_len;
	struct ayak_edit edits[12];	/* 7 fields written, 5 removed at most */
	size_t nedits;
	/* --by */
	double *share;			/* per label: letters */
	double *conf;			/* per label: letters x score */
	struct lid_switch_words *words;	/* --by word */
	struct lid_switch *sw;
	struct lid_run *runs;
	size_t runs_alloc;
};

/*
 * The values are built with appends whose failures are not checked one by
 * one: the buffer's failed flag is, before the record or the label is used.
 */

/* A probability as a short JSON number: 4 decimals, no trailing zeros. */
static void add_score(struct ayak_buf *b, double x)
{
	char tmp[8];
	size_t n = ayak_fmt_unit4(tmp, x);

	while (n > 1 && tmp[n - 1] == '0')
		n--;
	if (tmp[n - 1] == '.')
		n--;
	ayak_buf_add(b, tmp, n);
}

/* "s": labels (letters and '_', checked when the model loads) and reasons need no escaping */
static void add_quoted(struct ayak_buf *b, const char *s)
{
	ayak_buf_add(b, "\"", 1);
	ayak_buf_addstr(b, s);
	ayak_buf_add(b, "\"", 1);
}

/* {"lang":"label","score":x, without the closing brace: a part may say more */
static void open_lang_score(struct ayak_buf *b, const char *label, double x)
{
	ayak_buf_addstr(b, "{\"lang\":");
	add_quoted(b, label);
	ayak_buf_addstr(b, ",\"score\":");
	add_score(b, x);
}

/* {"lang":"label","score":x} */
static void add_lang_score(struct ayak_buf *b, const char *label, double x)
{
	open_lang_score(b, label, x);
	ayak_buf_add(b, "}", 1);
}

static int find_label(struct run *r, const char *name)
{
	int i = lid_model_find(r->m, name);

	return i;
}

/* A label of an option, name[0..n) (a part of a mixed one, perhaps): the model must have it. */
static void check_one(struct run *r, const char *opt, const char *name, size_t n)
{
	char buf[LID_LABEL_MAX];

	if (n < sizeof(buf)) {
		memcpy(buf, name, n);
		buf[n] = '\0';
		if (find_label(r, buf) >= 0)
			return;
		if (lid_label_valid(buf))
			cli_usage_error(r->c, "%s: the model %s has no label '%s' (see --list-labels)",
					opt, r->model_path.data, buf);
	}
	cli_usage_error(r->c, "%s: '%.*s' is not a label (%s)", opt, (int)n, name, LABEL_FORM);
}

/* Check a label given on the command line: a model label, or A+B of two. */
static void check_label(struct run *r, const char *opt, const char *name)
{
	const char *plus = strchr(name, '+');
	size_t n = plus ? (size_t)(plus - name) : strlen(name);

	check_one(r, opt, name, n);
	if (!plus)
		return;
	if (strchr(plus + 1, '+'))
		cli_usage_error(r->c, "%s: '%s' is not a label (a mixed label is two labels joined by +)",
				opt, name);
	check_one(r, opt, plus + 1, strlen(plus + 1));
	if (strlen(plus + 1) == n && !strncmp(name, plus + 1, n))
		cli_usage_error(r->c, "%s: a mixed label joins two different labels, not '%s'", opt,
				name);
	if (!r->k->by)	/* only --by gives mixed labels */
		cli_usage_error(r->c, "%s: the mixed label '%s' goes only with --by", opt, name);
}

static void add_edit(struct run *r, const char *key, size_t voff, size_t vlen)
{
	struct ayak_edit *e = &r->edits[r->nedits++];

	e->key = key;
	e->key_len = strlen(key);
	/* the value's offset into r->vals; made a pointer once vals stops growing */
	e->value = (const char *)(uintptr_t)voff;
	e->value_len = vlen;
}

/* the value_len of an edit that removes its key */
#define REMOVE SIZE_MAX

/*
 * The fields ayak-lid writes only with some options: those this run does
 * not write are removed, so that a record never holds an earlier run's
 * lang_reason or lang_top beside this run's lang.  Not the text field
 * (--field lang_top without --top reads it).
 */
static void remove_stale(struct run *r, const struct ayak_record *rec, const char *field)
{
	static const char *const optional[] = {
		"lang_top", "lang_parts", "lang_shares", "lang_keep", "lang_reason", "lang_why",
	};
	size_t i, j, n = r->nedits;

	/* most records have none: look no further (a key with escapes may be one) */
	for (i = 0; i < rec->nfields; i++) {
		const struct ayak_field *f = &rec->fields[i];

		if (!f->key_raw || (f->key_len > 5 && !memcmp(rec->line + f->key, "lang_", 5)))
			break;
	}
	if (i == rec->nfields)
		return;
	for (i = 0; i < sizeof(optional) / sizeof(optional[0]); i++) {
		for (j = 0; j < n && strcmp(r->edits[j].key, optional[i]); j++)
			;
		if (j == n && strcmp(field, optional[i]))
			add_edit(r, optional[i], 0, REMOVE);
	}
}

static void top_json(struct run *r, struct ayak_buf *b, int n)
{
	int labels[MAX_TOP];
	float scores[MAX_TOP];
	size_t got = lid_top(r->cl, labels, scores, (size_t)n), i;

	ayak_buf_add(b, "[", 1);
	for (i = 0; i < got; i++) {
		if (i && scores[i] < 0.00005f)
			break;	/* would print as 0 */
		if (i)
			ayak_buf_add(b, ",", 1);
		add_lang_score(b, lid_model_label(r->m, (size_t)labels[i]), scores[i]);
	}
	ayak_buf_add(b, "]", 1);
}

/* v in decimal, written backwards to end at end; returns where it starts. */
static char *digits_before(char *end, uint64_t v)
{
	do
		*--end = (char)('0' + v % 10);
	while (v /= 10);
	return end;
}

/*
 * A log-odds as a short JSON number: rounded to 4 decimals (half away from
 * 0), no trailing zeros, never -0.  Without printf, which took a tenth of
 * --explain's time.
 */
static void add_nats(struct ayak_buf *b, double x)
{
	char tmp[32], *end = tmp + sizeof(tmp), *p = end;
	uint64_t r, frac;
	int d = 4;

	if (!(fabs(x) < 1e14)) {	/* from no model: every sum of int8 weights is far less */
		ayak_buf_add(b, tmp, (size_t)snprintf(tmp, sizeof(tmp), "%.0f", x));
		return;
	}
	r = (uint64_t)(fabs(x) * 10000 + 0.5);
	frac = r % 10000;
	if (frac) {
		while (frac % 10 == 0) {
			frac /= 10;
			d--;
		}
		while (d-- > 0) {
			*--p = (char)('0' + frac % 10);
			frac /= 10;
		}
		*--p = '.';
	}
	p = digits_before(p, r / 10000);
	if (x < 0 && r)
		*--p = '-';
	ayak_buf_add(b, p, (size_t)(end - p));
}

/*
 * lang_why: {"zsm_ind":odds,"prior":x,"words":[["word",nats,count],...]},
 * the n items that add most; null when there is nothing to explain.
 */
static void why_json(struct run *r, struct ayak_buf *b, int n)
{
	struct lid_why why;
	size_t i;
	int got = lid_why(r->cl, (size_t)n, &why);

	if (got < 0)
		cli_die_nomem(r->c);
	if (got > 0) {
		ayak_buf_addstr(b, "null");
		return;
	}
	ayak_buf_addstr(b, "{\"zsm_ind\":");
	add_nats(b, why.odds);
	ayak_buf_addstr(b, ",\"prior\":");
	add_nats(b, why.prior);
	ayak_buf_addstr(b, ",\"words\":[");
	for (i = 0; i < why.nitems; i++) {
		char count[24], *end = count + sizeof(count) - 1, *p;

		ayak_buf_addstr(b, i ? ",[" : "[");
		ayak_json_encode_string(b, why.items[i].text, why.items[i].len);
		ayak_buf_add(b, ",", 1);
		add_nats(b, why.items[i].nats);
		*end = ']';
		p = digits_before(end, why.items[i].count);
		*--p = ',';
		ayak_buf_add(b, p, (size_t)(end + 1 - p));
	}
	ayak_buf_addstr(b, "]}");
}

/* NUL after the bytes (buffers keep room for it); exits if an append to b failed. */
static void terminate(struct cli *c, struct ayak_buf *b)
{
	if (b->failed || ayak_buf_grow(b, 0))
		cli_die_nomem(c);
	b->data[b->len] = '\0';
}

static int blank(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r' && p[i] != '\f' && p[i] != '\v')
			return 0;
	return 1;
}

/*
 * --by word: the runs of words of one language into r->vals (the parts,
 * with where they are) and their letters into the shares; returns the letters.
 */
static double word_runs(struct run *r)
{
	ssize_t n = lid_switch_runs(r->sw, r->cl, r->tx, r->tx_len, &r->k->lo,
				    r->k->switch_cost, &r->runs, &r->runs_alloc);
	double total = 0;
	ssize_t i;

	if (n < 0)
		cli_die_nomem(r->c);
	for (i = 0; i < n; i++) {
		const struct lid_run *u = &r->runs[i];

		if (i)
			ayak_buf_add(&r->vals, ",", 1);
		open_lang_score(&r->vals, lid_model_label(r->m, (size_t)u->label), u->score);
		ayak_buf_addf(&r->vals, ",\"start\":%zu,\"end\":%zu}", u->start, u->end);
		r->share[u->label] += (double)u->letters;
		r->conf[u->label] += (double)u->letters * u->score;
		total += (double)u->letters;
	}
	return total;
}

/*
 * A score as written, rounded to 4 decimals: a record shown with
 * "lang_score":0.95 is not dropped by --threshold 0.95 (the float under it
 * may be 0.94999999); so are the shares --mixed compares.
 */
static double written_score(double x)
{
	char tmp[8];

	ayak_fmt_unit4(tmp, x);
	return strtod(tmp, NULL);
}

/*
 * --by: classify each part, fill r->vals with lang_parts and lang_shares,
 * and r->doc_label with the document's label; returns its score.
 */
static double classify_parts(struct run *r)
{
	const char *p = r->tx, *end = p + r->tx_len;
	struct ayak_buf *v = &r->vals;
	size_t i, nparts = 0, a = 0, b2 = 0, parts_off;
	double total = 0, sb = 0, score;
	int first = 1;

	memset(r->share, 0, r->nlabels * sizeof(*r->share));
	memset(r->conf, 0, r->nlabels * sizeof(*r->conf));
	parts_off = v->len;
	ayak_buf_add(v, "[", 1);
	if (r->k->by == BY_WORD)
		total = word_runs(r);
	while (r->k->by != BY_WORD && p <= end) {
		const char *q = memchr(p, '\n', (size_t)(end - p));
		const char *stop = q ? q : end;
		float s;
		int lab;

		if (r->k->by == BY_PARAGRAPH) {
			/* a paragraph: lines up to a blank one */
			if (blank(p, (size_t)(stop - p))) {
				if (!q)
					break;
				p = q + 1;
				continue;
			}
			while (q) {
				const char *n2 = memchr(q + 1, '\n', (size_t)(end - q - 1));
				const char *s2 = n2 ? n2 : end;

				if (blank(q + 1, (size_t)(s2 - q - 1)))
					break;
				q = n2;
				stop = s2;
			}
			stop = q ? q : end;
		}
		lab = lid_classify(r->cl, p, (size_t)(stop - p), &r->k->lo, &s);
		if (lab < 0)
			cli_die_nomem(r->c);
		{
			size_t letters = lid_letters(r->cl);
			double wgt = (double)letters;

			if (r->k->lo.sample && (size_t)(stop - p) > r->k->lo.sample)
				wgt *= (double)(stop - p) / (double)r->k->lo.sample;
			/* und too: letters of a script the model has no label for */
			if (letters) {
				r->share[lab] += wgt;
				r->conf[lab] += wgt * s;
				total += wgt;
			}
		}
		if (!first)
			ayak_buf_add(v, ",", 1);
		open_lang_score(v, lid_model_label(r->m, (size_t)lab), s);
		if (r->k->explain) {
			ayak_buf_addstr(v, ",\"why\":");
			why_json(r, v, r->k->explain);
		}
		ayak_buf_add(v, "}", 1);
		first = 0;
		nparts++;
		/* a final newline ends the last line: no empty one after it */
		if (!q || q + 1 == end)
			break;
		p = q + 1;
	}
	ayak_buf_add(v, "]", 1);
	add_edit(r, "lang_parts", parts_off, v->len - parts_off);
	/* shares, largest first */
	{
		size_t off = v->len, done = 0;
		unsigned char *used = calloc(r->nlabels, 1);

		if (!used)
			cli_die_nomem(r->c);
		ayak_buf_add(v, "{", 1);
		while (total > 0) {
			size_t best = r->nlabels;

			for (i = 0; i < r->nlabels; i++)
				if (!used[i] && r->share[i] > 0 &&
				    (best == r->nlabels || r->share[i] > r->share[best]))
					best = i;
			if (best == r->nlabels)
				break;
			used[best] = 1;
			if (done == 0)
				a = best;
			else if (done == 1)
				b2 = best;
			if (done)
				ayak_buf_add(v, ",", 1);
			add_quoted(v, lid_model_label(r->m, best));
			ayak_buf_add(v, ":", 1);
			add_score(v, r->share[best] / total);
			done++;
		}
		ayak_buf_add(v, "}", 1);
		free(used);
		add_edit(r, "lang_shares", off, v->len - off);
		ayak_buf_reset(&r->doc_label);
		if (done == 0) {
			ayak_buf_addstr(&r->doc_label, "und");
			terminate(r->c, &r->doc_label);
			return 1;
		}
		sb = done > 1 ? written_score(r->share[b2] / total) : 0;
		ayak_buf_addstr(&r->doc_label, lid_model_label(r->m, a));
		score = r->conf[a] / total;
		if (sb > 0 && sb >= r->k->mixed) {
			ayak_buf_add(&r->doc_label, "+", 1);
			ayak_buf_addstr(&r->doc_label, lid_model_label(r->m, b2));
			score += r->conf[b2] / total;
			r->mixed_count++;
		}
		terminate(r->c, &r->doc_label);
		return score;
	}
}

/*
 * The threshold of a label: r->thr holds each label's own, or the one for
 * every label.  A mixed label A+B takes the higher of A's and B's.
 */
static double threshold_of(struct run *r, const char *label)
{
	char buf[LID_LABEL_MAX];
	const char *plus = strchr(label, '+');
	int a, b;

	if (!plus)
		return r->thr[find_label(r, label)];
	/* only --by makes mixed labels, of two model labels */
	if ((size_t)(plus - label) >= sizeof(buf))
		return 0;
	memcpy(buf, label, (size_t)(plus - label));
	buf[plus - label] = '\0';
	a = find_label(r, buf);
	b = find_label(r, plus + 1);
	if (a < 0 || b < 0)
		return 0;
	return r->thr[a] > r->thr[b] ? r->thr[a] : r->thr[b];
}

static void write_reject(struct run *r, const struct ayak_line *line, const char *reason,
			 const char *label, double score)
{
	struct ayak_buf *b = &r->out;

	ayak_buf_reset(b);
	ayak_buf_addstr(b, ",\"lang\":");
	add_quoted(b, label);
	ayak_buf_addstr(b, ",\"lang_score\":");
	add_score(b, score);
	if (b->failed)
		cli_die_nomem(r->c);
	cli_reject(r->c, line, NULL, reason, b);
}

static void classify_record(struct run *r, struct ayak_record *rec, const struct ayak_line *line)
{
	struct cli *c = r->c;
	struct conf *k = r->k;
	const struct ayak_field *f;
	const char *label, *reason = NULL;
	double score;
	size_t i, off;
	int lab = -1;

	if (ayak_record_parse(rec, line->data, line->len, 0, &c->err)) {
		cli_parse_failed(c, line);
		return;
	}
	f = cli_string_field(c, line, rec, c->field, c->field_len);
	if (!f)
		return;
	ayak_buf_reset(&r->vals);
	r->nedits = 0;
	if (ayak_record_string(rec, f, &r->text, &r->tx, &r->tx_len, &c->err))
		cli_die(c, &c->err);
	if (k->by) {
		/* parts first: the edits keep the order lang, lang_score, parts, shares */
		size_t mark;

		add_edit(r, "lang", 0, 0);
		add_edit(r, "lang_score", 0, 0);
		score = classify_parts(r);
		label = r->doc_label.data;
		lab = find_label(r, label);
		mark = r->vals.len;
		ayak_json_encode_string(&r->vals, label, r->doc_label.len);
		r->edits[0].value = (const char *)(uintptr_t)mark;
		r->edits[0].value_len = r->vals.len - mark;
		mark = r->vals.len;
		add_score(&r->vals, score);
		r->edits[1].value = (const char *)(uintptr_t)mark;
		r->edits[1].value_len = r->vals.len - mark;
	} else {
		float s;

		lab = lid_classify(r->cl, r->tx, r->tx_len, &k->lo, &s);
		if (lab < 0)
			cli_die_nomem(c);
		score = s;
		label = lid_model_label(r->m, (size_t)lab);
		off = r->vals.len;
		add_quoted(&r->vals, label);
		add_edit(r, "lang", off, r->vals.len - off);
		off = r->vals.len;
		add_score(&r->vals, score);
		add_edit(r, "lang_score", off, r->vals.len - off);
		if (k->top) {
			off = r->vals.len;
			top_json(r, &r->vals, k->top);
			add_edit(r, "lang_top", off, r->vals.len - off);
		}
		if (k->explain) {
			off = r->vals.len;
			why_json(r, &r->vals, k->explain);
			add_edit(r, "lang_why", off, r->vals.len - off);
		}
	}
	if (lab >= 0)
		r->count[lab]++;
	/* the decision */
	if (k->nkeep && !in_list(k->keep, k->nkeep, label))
		reason = "lang";
	else if (k->ndrop && in_list(k->drop, k->ndrop, label))
		reason = "lang";
	else if (k->nthr && written_score(score) < threshold_of(r, label))
		reason = "lang_score";
	if (k->annotate) {
		off = r->vals.len;
		ayak_buf_addstr(&r->vals, reason ? "false" : "true");
		add_edit(r, "lang_keep", off, r->vals.len - off);
		if (reason) {
			off = r->vals.len;
			add_quoted(&r->vals, reason);
			add_edit(r, "lang_reason", off, r->vals.len - off);
		}
	}
	if (reason && !k->annotate) {
		ayak_stats_drop(&c->stats, reason, 1);
		if (c->rejects)
			write_reject(r, line, reason, label, score);
		return;
	}
	if (r->vals.failed)	/* a value half written */
		cli_die_nomem(c);
	remove_stale(r, rec, c->field);
	for (i = 0; i < r->nedits; i++)
		if (r->edits[i].value_len == REMOVE) {
			r->edits[i].value = NULL;
			r->edits[i].value_len = 0;
		} else {
			r->edits[i].value = r->vals.data + (uintptr_t)r->edits[i].value;
		}
	/*
	 * A huge text's buffers are let go once used, so that the record is
	 * held twice at once (the line read, then the text or the record
	 * written), not three times.
	 */
	if (r->text.cap > BIG_BUF)
		ayak_buf_release(&r->text);
	ayak_buf_reset(&r->out);
	if (ayak_record_emit(rec, r->edits, r->nedits, &r->out))
		cli_die_nomem(c);
	cli_emit(c, r->out.data, r->out.len);
	if (r->out.cap > BIG_BUF)
		ayak_buf_release(&r->out);
}

/* The file given on the command line, else lexicon name in the lexicon directory. */
static void data_path(struct cli *c, const char *given, const char *name, struct ayak_buf *path)
{
	if (!given) {
		if (ayak_lexicon_path(name, path, &c->err))
			cli_die(c, &c->err);
	} else if (ayak_buf_addf(path, "%s", given)) {
		cli_die_nomem(c);
	}
}

/* The model, its path (to name it in messages) into path. */
static struct lid_model *open_model(struct cli *c, struct conf *k, struct ayak_buf *path)
{
	struct lid_model *m;

	data_path(c, k->model_path, LID_MODEL_FILE, path);
	m = lid_model_load(path->data, &c->err);
	if (!m)
		cli_die(c, &c->err);
	return m;
}

static struct lid_switch_words *open_switch_words(struct cli *c, struct conf *k)
{
	struct ayak_buf path = AYAK_BUF_INIT;
	struct lid_switch_words *t;

	data_path(c, k->switch_words, LID_SWITCH_FILE, &path);
	t = lid_switch_words_load(path.data, &c->err);
	if (!t)
		cli_die(c, &c->err);
	ayak_buf_release(&path);
	return t;
}

static int run_classify(struct cli *c, struct conf *k, int nfiles, char **files)
{
	struct run r;
	struct ayak_record rec;
	struct ayak_line line;
	size_t i;
	char **names;

	memset(&r, 0, sizeof(r));
	r.c = c;
	r.k = k;
	r.m = open_model(c, k, &r.model_path);
	r.nlabels = lid_model_nlabels(r.m);
	if (k->list_labels) {
		for (i = 0; i < r.nlabels; i++)
			printf("%s\n", lid_model_label(r.m, i));
		cli_finish_stdout(c);
	}
	if (k->model_info) {
		fputs(lid_model_about(r.m), stdout);
		printf("labels: %zu:", r.nlabels);
		for (i = 0; i < r.nlabels; i++)
			printf(" %s", lid_model_label(r.m, i));
		printf("\n");
		{
			unsigned bits;
			float w;

			if (lid_model_word_odds(r.m, &bits, &w))
				printf("word odds: 2^%u buckets, weight %g\n", bits, (double)w);
			else
				printf("word odds: none\n");
		}
		cli_finish_stdout(c);
	}
	if (k->top && k->by)
		cli_usage_error(c, "--top does not go with --by (see lang_shares)");
	if (k->explain && k->by == BY_WORD)
		cli_usage_error(c, "--explain does not go with --by word (its runs come from the switch words, not the model)");
	/* the text would be written over by a label or a score */
	{
		const char *const written[] = {
			"lang", "lang_score", k->top ? "lang_top" : NULL,
			k->explain && !k->by ? "lang_why" : NULL,
			k->by ? "lang_parts" : NULL, k->by ? "lang_shares" : NULL,
			k->annotate ? "lang_keep" : NULL, k->annotate ? "lang_reason" : NULL,
		};

		for (i = 0; i < sizeof(written) / sizeof(written[0]); i++)
			if (written[i] && !strcmp(c->field, written[i]))
				cli_usage_error(c, "--field %s: ayak-lid writes that field", c->field);
	}
	if (k->nkeep && k->ndrop)
		cli_usage_error(c, "--keep and --drop do not go together");
	for (i = 0; i < k->nkeep; i++)
		check_label(&r, "--keep", k->keep[i]);
	for (i = 0; i < k->ndrop; i++)
		check_label(&r, "--drop", k->drop[i]);
	for (i = 0; i < k->nthr; i++)
		if (k->thr[i].label) {
			if (strchr(k->thr[i].label, '+'))
				cli_usage_error(c, "--threshold is for one label, not '%s' (a mixed label "
						"takes the higher threshold of its two)", k->thr[i].label);
			check_one(&r, "--threshold", k->thr[i].label, strlen(k->thr[i].label));
		}
	/* 0 asks for no word odds, which such a model has none of */
	{
		unsigned bits;
		float w;

		if (k->lo.nb_weight_set && k->lo.nb_weight > 0 && !lid_model_word_odds(r.m, &bits, &w))
			cli_usage_error(c, "--word-odds-weight: the model %s has no word odds",
					r.model_path.data);
	}
	r.thr = calloc(r.nlabels, sizeof(*r.thr));
	r.count = calloc(r.nlabels, sizeof(*r.count));
	r.share = calloc(r.nlabels, sizeof(*r.share));
	r.conf = calloc(r.nlabels, sizeof(*r.conf));
	names = calloc(r.nlabels, sizeof(*names));
	r.cl = lid_classifier_new(r.m);
	if (k->by == BY_WORD) {
		r.words = open_switch_words(c, k);
		r.sw = lid_switch_new(r.words);
	}
	if (!r.thr || !r.count || !r.share || !r.conf || !names || !r.cl ||
	    (k->by == BY_WORD && !r.sw))
		cli_die_nomem(c);
	if (k->explain) {
		int e = lid_classifier_explain(r.cl, 1);

		if (e < 0)
			cli_die_nomem(c);
		if (e > 0)
			cli_usage_error(c, "--explain: %s has no msa submodel with zsm_Latn and "
					"ind_Latn: nothing to explain", r.model_path.data);
	}
	/* thresholds for every label first, then a label's own */
	for (i = 0; i < k->nthr; i++) {
		size_t j;

		if (!k->thr[i].label)
			for (j = 0; j < r.nlabels; j++)
				r.thr[j] = k->thr[i].x;
	}
	for (i = 0; i < k->nthr; i++)
		if (k->thr[i].label)
			r.thr[find_label(&r, k->thr[i].label)] = k->thr[i].x;
	cli_open(c, nfiles, files);
	cli_check_read_file(c, "--model", k->model_path);
	cli_check_read_file(c, "--switch-words", k->switch_words);
	ayak_record_init(&rec);
	while (cli_next(c, &line)) {
		if (ayak_line_is_blank(line.data, line.len)) {
			c->stats.records_in--;
			continue;
		}
		classify_record(&r, &rec, &line);
	}
	{
		const char **labels = calloc(r.nlabels, sizeof(*labels));

		if (!labels)
			cli_die_nomem(c);
		for (i = 0; i < r.nlabels; i++)
			labels[i] = lid_model_label(r.m, i);
		count_labels(c, "lang.", labels, r.count, r.nlabels,
			     LID_STATS_COUNTERS - (r.mixed_count > 0), names);
		free(labels);
	}
	if (r.mixed_count)
		ayak_stats_count(&c->stats, "lang.mixed", r.mixed_count);
	ayak_record_release(&rec);
	{
		int ret = cli_finish(c);

		for (i = 0; i < r.nlabels; i++)
			free(names[i]);
		free(names);
		free(k->keep);
		free(k->drop);
		free(k->thr);
		free(r.thr);
		free(r.count);
		free(r.share);
		free(r.conf);
		ayak_buf_release(&r.text);
		ayak_buf_release(&r.vals);
		ayak_buf_release(&r.doc_label);
		ayak_buf_release(&r.out);
		lid_classifier_free(r.cl);
		lid_switch_free(r.sw);
		lid_switch_words_free(r.words);
		free(r.runs);
		lid_model_free(r.m);
		ayak_buf_release(&r.model_path);
		return ret;
	}
}

int main(int argc, char **argv)
{
	struct cli c;
	struct conf k;

	memset(&k, 0, sizeof(k));
	k.lo.sample = LID_SAMPLE_DEFAULT;
	k.mixed = 0.2;
	k.switch_cost = SWITCH_COST_DEFAULT;
	cli_init(&c, "ayak-lid", usage);
	options_parse(&c, &k, argc, argv);
	/* an option the mode does not read is an error, not ignored */
	if (!k.train && k.train_only)
		cli_usage_error(&c, "--%s goes only with --train", option_name(k.train_only));
	if (k.train && k.classify_only)
		cli_usage_error(&c, "--%s does not go with --train", option_name(k.classify_only));
	if (k.mixed_set && !k.by)
		cli_usage_error(&c, "--mixed goes only with --by");
	if (k.switch_cost_set && k.by != BY_WORD)
		cli_usage_error(&c, "--switch-cost goes only with --by word");
	if (k.switch_words && k.by != BY_WORD)
		cli_usage_error(&c, "--switch-words goes only with --by word");
	if (k.whole && k.by)
		cli_usage_error(&c, "--whole goes only without --by");
	/* one label for the text: its lines may say that most of it is another language */
	k.lo.lines = k.by == BY_NONE && !k.whole;
	/* word mode reads every word: --sample 0 says so, any other is an error */
	if (k.sample_set && k.lo.sample && k.by == BY_WORD)
		cli_usage_error(&c, "--sample does not go with --by word (it reads every word)");
	if (k.list_labels || k.model_info) {
		const char *info = k.list_labels ? "--list-labels" : "--model-info";

		if (k.list_labels && k.model_info)
			cli_usage_error(&c, "--list-labels and --model-info do not go together");
		if (k.select_opt)
			cli_usage_error(&c, "--%s does not go with %s", option_name(k.select_opt), info);
		if (c.output)
			cli_usage_error(&c, "-o does not go with %s (it writes to standard output)", info);
		/* They read no records: no --stats or --rejects file would be written. */
		if (c.stats_path)
			cli_usage_error(&c, "--stats does not go with %s (it reads no records)", info);
		if (cli_record_option(&c, "text"))
			cli_usage_error(&c, "%s does not go with %s (it reads no records)",
					cli_record_option(&c, "text"), info);
		if (c.compress != AYAK_COMPRESS_AUTO || c.level)
			cli_usage_error(&c, "-z, --compress and --level do not go with %s", info);
		if (k.lo.nb_weight_set)
			cli_usage_error(&c, "--word-odds-weight does not go with %s", info);
		if (optind < argc)
			cli_usage_error(&c, "%s reads no files, not '%s'", info, argv[optind]);
	}
	/* --rejects where no record is dropped would stay empty but for malformed ones */
	if (k.train)
		cli_rejects_need_skip(&c, "--train", "--train drops no record");
	else if (k.annotate)
		cli_rejects_need_skip(&c, "--annotate", "--annotate drops no record");
	else if (!k.nkeep && !k.ndrop && !k.nthr)
		cli_rejects_need_skip(&c, NULL,
				      "ayak-lid drops no record without --keep, --drop or --threshold");
	if (k.train)
		return run_train(&c, &k, argc - optind, argv + optind);
	return run_classify(&c, &k, argc - optind, argv + optind);
}
