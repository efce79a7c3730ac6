/* The programs' shared command line; see cli.h. */
#define _GNU_SOURCE	/* O_PATH */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

#define REPORT_FIRST 10		/* malformed records reported one by one */

enum {
	OPT_COMPRESS = 256,
	OPT_LEVEL,
	OPT_STATS,
	OPT_FIELD,
	OPT_ON_ERROR,
	OPT_MAX_ERRORS,
	OPT_REJECTS,
	OPT_PROGRESS,
};

static const char shared_short[] = "hVo:qz";
static const struct option shared_long[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ "output", required_argument, NULL, 'o' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "zstd", no_argument, NULL, 'z' },
	{ "compress", required_argument, NULL, OPT_COMPRESS },
	{ "level", required_argument, NULL, OPT_LEVEL },
	{ "stats", required_argument, NULL, OPT_STATS },
	{ "field", required_argument, NULL, OPT_FIELD },
	{ "on-error", required_argument, NULL, OPT_ON_ERROR },
	{ "max-errors", required_argument, NULL, OPT_MAX_ERRORS },
	{ "rejects", required_argument, NULL, OPT_REJECTS },
	{ "progress", no_argument, NULL, OPT_PROGRESS },
};

/* The shared options' help, a line each, with the CLI_NO_* bit that leaves the line out. */
static const struct {
	unsigned off;
	const char *text;
} shared_help[] = {
	{ CLI_OWN_OUTPUT, "  -o, --output FILE     write to FILE (atomically: temporary name, then rename)\n" },
	{ CLI_NO_COMPRESS, "  -z, --zstd            compress the output with zstd (same as --compress zst)\n" },
	{ CLI_NO_COMPRESS, "      --compress FMT    output compression: zst, gz or none (default: by -o suffix)\n" },
	{ CLI_NO_COMPRESS, "      --level N         level of the compressed output (zstd 1-19, default 3; gzip 1-9,\n                        default 6); an error where nothing is compressed\n" },
	{ CLI_NO_FIELD | CLI_OWN_FIELD, "      --field NAME      the text field (default: text)\n" },
	{ CLI_NO_ERRORS, "      --on-error MODE   fail (default) or skip malformed records\n" },
	{ CLI_NO_ERRORS, "      --max-errors N    with skip: fail after more than N malformed records\n" },
	{ CLI_NO_ERRORS | CLI_OWN_REJECTS, "      --rejects FILE    write skipped or dropped records to FILE\n" },
	{ 0, "      --stats FILE      write counts and timings as one JSON object to FILE\n" },
	{ 0, "      --progress        show records, MB/s and ETA on a terminal\n" },
	{ 0, "  -q, --quiet           no warnings or summaries\n" },
	{ 0, "  -h, --help            show this help\n" },
	{ 0, "  -V, --version         show versions of ayak and its libraries\n" },
};

/* The CLI_NO_* bit that turns a shared option off (0: always on). */
static unsigned shared_bit(int val)
{
	switch (val) {
	case 'z': case OPT_COMPRESS: case OPT_LEVEL:
		return CLI_NO_COMPRESS;
	case OPT_FIELD:
		return CLI_NO_FIELD;
	case OPT_ON_ERROR: case OPT_MAX_ERRORS: case OPT_REJECTS:
		return CLI_NO_ERRORS;
	}
	return 0;
}

static void print_help(struct cli *c)
{
	size_t i;

	printf("%s\nShared options:\n", c->usage);
	for (i = 0; i < sizeof(shared_help) / sizeof(shared_help[0]); i++)
		if (!(shared_help[i].off & c->shared_off))
			fputs(shared_help[i].text, stdout);
	printf("\nExit status: 0 success, 1 bad input data, 2 usage, 3 system or I/O error.\n"
	       "See ayak(7) for the record format.\n");
}

/* A signal that ends the program (Slurm's SIGTERM at the time limit) leaves no temporary file. */
static void on_fatal_signal(int sig)
{
	ayak_tmp_remove_all();
	signal(sig, SIG_DFL);
	raise(sig);	/* blocked until we return: then the default action */
}

static void catch_fatal_signals(void)
{
	static const int sigs[] = { SIGHUP, SIGINT, SIGTERM, SIGPIPE, SIGXCPU, SIGXFSZ };
	size_t i;

	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		struct sigaction sa, old;

		/* One ignored when we start (nohup) stays ignored. */
		if (sigaction(sigs[i], NULL, &old) || old.sa_handler == SIG_IGN)
			continue;
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_fatal_signal;
		sigfillset(&sa.sa_mask);
		sigaction(sigs[i], &sa, NULL);
	}
}

/*
 * A standard descriptor the caller closed (prog <&-) is held by an O_PATH
 * descriptor of /dev/null, so that no file opened later takes its number:
 * ayak-dedup's copy of standard input became descriptor 0 and was read
 * back as the input.  Reads and writes of an O_PATH descriptor fail with
 * EBADF, as they did on the closed one.
 */
static void hold_closed_std_fds(void)
{
	int fd;

	for (fd = 0; fd <= 2; fd++)
		if (fcntl(fd, F_GETFD) < 0 && errno == EBADF)
			open("/dev/null", O_PATH);	/* the lowest free number: fd */
}

void cli_init(struct cli *c, const char *prog, const char *usage)
{
	hold_closed_std_fds();
	catch_fatal_signals();
	memset(c, 0, sizeof(*c));
	c->prog = prog;
	c->usage = usage;
	c->compress = AYAK_COMPRESS_AUTO;
	c->field = "text";
	c->field_len = 4;
	c->max_errors = UINT64_MAX;
	ayak_stats_init(&c->stats);
	c->t0 = ayak_now();
}

static void vmessage(struct cli *c, const char *fmt, va_list ap)
{
	fprintf(stderr, "%s: ", c->prog);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

static void message(struct cli *c, const char *fmt, ...)
{
	va_list ap;

	if (c->progress_drawn) {
		fputs("\r\033[K", stderr);
		c->progress_drawn = 0;
	}
	va_start(ap, fmt);
	vmessage(c, fmt, ap);
	va_end(ap);
}

void cli_warn(struct cli *c, const char *fmt, ...)
{
	va_list ap;

	if (c->quiet)
		return;
	va_start(ap, fmt);
	vmessage(c, fmt, ap);
	va_end(ap);
}

static void print_err(struct cli *c, const struct ayak_err *e)
{
	if (e->file && e->line)
		message(c, "%s:%llu: %s", e->file, (unsigned long long)e->line, e->msg);
	else if (e->file)
		message(c, "%s: %s", e->file, e->msg);
	else
		message(c, "%s", e->msg);
}

/* Before an error exit: nothing half-written is left. */
static void discard_outputs(struct cli *c)
{
	struct ayak_err ignored;

	ayak_tmp_remove_all();	/* every output not finished: -o, --rejects, shards, stage files */
	/* Standard output keeps what was written, as a complete stream. */
	if (c->out && (!c->output || !strcmp(c->output, "-")))
		ayak_writer_close(c->out, &ignored);
	else
		ayak_writer_abort(c->out);
	ayak_writer_abort(c->rejects);
}

void cli_die(struct cli *c, const struct ayak_err *e)
{
	print_err(c, e);
	discard_outputs(c);
	if (e->code == AYAK_E_USAGE)
		fprintf(stderr, "Try '%s --help'.\n", c->prog);
	exit(e->code ? e->code : AYAK_E_SYS);
}

void cli_usage_error(struct cli *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage(c, fmt, ap);
	va_end(ap);
	discard_outputs(c);	/* some are found wrong only once the work has begun */
	fprintf(stderr, "Try '%s --help'.\n", c->prog);
	exit(AYAK_E_USAGE);
}

const char *cli_field_name(struct cli *c, const char *opt, const char *arg)
{
	size_t n = strlen(arg), ok = ayak_utf8_valid_prefix(arg, n);

	if (!*arg)
		cli_usage_error(c, "%s wants a name, not an empty string", opt);
	/* a record's keys are UTF-8: another name would match none of them */
	if (ok < n)
		cli_usage_error(c, "%s wants a name in UTF-8: byte %zu (\\x%02x) is not", opt, ok + 1,
				(unsigned char)arg[ok]);
	return arg;
}

static void version(struct cli *c)
{
	struct ayak_err err;
	char libs[256];
	const char *dir = ayak_lexicon_dir(&err);

	ayak_library_versions(libs, sizeof(libs));
	printf("%s (ayak) %s\n%s%s%s\nlexicons %s (%s)\n", c->prog, AYAK_VERSION, libs,
	       c->more_libs ? ", " : "", c->more_libs ? c->more_libs : "", ayak_lexicon_version(),
	       dir ? dir : "not found");
}

void cli_finish_stdout(struct cli *c)
{
	int e = 0;

	/* errno is set by the call that failed: stdio sets it on success too (ENOTTY) */
	errno = 0;
	if (fflush(stdout))
		e = errno ? errno : EIO;
	else if (ferror(stdout))
		e = EIO;	/* an earlier write failed; its errno is gone */
	if (fclose(stdout) && !e)
		e = errno ? errno : EIO;
	if (e) {
		message(c, "write error on standard output: %s", strerror(e));
		exit(AYAK_E_SYS);
	}
	exit(0);
}

static uint64_t number_arg(struct cli *c, const char *opt, const char *arg)
{
	uint64_t v;

	if (ayak_parse_u64(arg, &v))
		cli_usage_error(c, "%s wants a whole number, not '%s'", opt, arg);
	return v;
}

/*
 * getopt_long's '?' for a long option: say which of its three reasons it
 * was (getopt itself would, but ayak prints its own messages).
 */
static void bad_long_option(struct cli *c, const struct option *opts, const char *arg)
{
	const char *name = arg + (arg[0] == '-' && arg[1] == '-' ? 2 : 0);
	size_t len = strcspn(name, "="), i, matches = 0, exact = SIZE_MAX, first = 0;
	char list[512] = "";

	for (i = 0; opts[i].name; i++) {
		if (strncmp(opts[i].name, name, len))
			continue;
		if (strlen(opts[i].name) == len)
			exact = i;
		if (!matches++)
			first = i;
		if (strlen(list) + strlen(opts[i].name) + 4 < sizeof(list)) {
			strcat(list, " --");
			strcat(list, opts[i].name);
		}
	}
	if (exact == SIZE_MAX && matches == 1)
		exact = first;
	if (exact != SIZE_MAX && name[len] == '=' && opts[exact].has_arg == no_argument)
		cli_usage_error(c, "option '--%s' takes no value", opts[exact].name);
	if (exact == SIZE_MAX && matches > 1)
		cli_usage_error(c, "option '--%.*s' is ambiguous; possibilities:%s", (int)len, name,
				list);
	cli_usage_error(c, "unrecognized option '%s'", arg);
}

int cli_getopt(struct cli *c, int argc, char **argv, const char *shortopts,
	       const struct option *longopts)
{
	static struct option merged[128];
	static char merged_short[128];
	int opt, idx = -1;

	if (!merged[0].name) {
		size_t n = 0, i;

		for (i = 0; i < sizeof(shared_long) / sizeof(shared_long[0]); i++)
			if (!(shared_bit(shared_long[i].val) & c->shared_off))
				merged[n++] = shared_long[i];
		for (i = 0; longopts && longopts[i].name && n < 127; i++)
			merged[n++] = longopts[i];
		snprintf(merged_short, sizeof(merged_short), ":%s%s",
			 c->shared_off & CLI_NO_COMPRESS ? "hVo:q" : shared_short,
			 shortopts ? shortopts : "");
		opterr = 0;
	}
	for (;;) {
		opt = getopt_long(argc, argv, merged_short, merged, &idx);
		switch (opt) {
		case 'h':
			print_help(c);
			cli_finish_stdout(c);
			break;
		case 'V':
			version(c);
			cli_finish_stdout(c);
			break;
		case 'o':
			if (!*optarg)
				cli_usage_error(c, "-o wants a file name, not ''");
			c->output = optarg;
			break;
		case 'q':
			c->quiet = 1;
			break;
		case 'z':
			c->compress = AYAK_COMPRESS_ZSTD;
			break;
		case OPT_COMPRESS:
			c->compress = ayak_compress_from_name(optarg);
			if (c->compress < 0)
				cli_usage_error(c, "--compress wants zst, gz or none, not '%s'", optarg);
			break;
		case OPT_LEVEL:
			c->level = (int)number_arg(c, "--level", optarg);
			if (c->level < 1 || c->level > 19)
				cli_usage_error(c, "--level wants 1 to 19, not '%s'", optarg);
			break;
		case OPT_STATS:
			if (!*optarg)
				cli_usage_error(c, "--stats wants a file name, not ''");
			c->stats_path = optarg;
			break;
		case OPT_FIELD:
			c->field = cli_field_name(c, "--field", optarg);
			c->field_len = strlen(optarg);
			break;
		case OPT_ON_ERROR:
			if (!strcmp(optarg, "fail"))
				c->skip_errors = 0;
			else if (!strcmp(optarg, "skip"))
				c->skip_errors = 1;
			else
				cli_usage_error(c, "--on-error wants fail or skip, not '%s'", optarg);
			break;
		case OPT_MAX_ERRORS:
			c->max_errors = number_arg(c, "--max-errors", optarg);
			break;
		case OPT_REJECTS:
			if (!*optarg)
				cli_usage_error(c, "--rejects wants a file name, not ''");
			c->rejects_path = optarg;
			break;
		case OPT_PROGRESS:
			c->progress = 1;
			break;
		case ':':
			if (optopt && optopt < 256)
				cli_usage_error(c, "option requires an argument -- '%c'", optopt);
			cli_usage_error(c, "option '%s' requires an argument", argv[optind - 1]);
			break;
		case '?':
			if (optopt && optopt < 256)
				cli_usage_error(c, "invalid option -- '%c'", optopt);
			bad_long_option(c, merged, argv[optind - 1]);
			break;
		default:
			return opt;
		}
	}
}

static struct ayak_writer *open_writer(struct cli *c, const char *path, int compress,
				       const char *not_text)
{
	struct ayak_writer_opts o = { path, compress, c->level, 0, 0, not_text };
	struct ayak_writer *w;

	/* One zstd worker lets compression overlap reading and parsing. */
	if (o.compress == AYAK_COMPRESS_ZSTD ||
	    (o.compress == AYAK_COMPRESS_AUTO && ayak_compress_from_path(path) == AYAK_COMPRESS_ZSTD))
		o.threads = 1;
	w = ayak_writer_new(&o, &c->err);
	if (!w)
		cli_die(c, &c->err);
	return w;
}

struct ayak_writer *cli_open_writer(struct cli *c, const char *path, int compress)
{
	return open_writer(c, path, compress, NULL);
}

char *cli_canonical_name(const char *path)
{
	char *target, *dir, *real, *out;
	const char *slash, *base;
	size_t n;

	out = realpath(path, NULL);
	if (out)
		return out;
	/* Not there yet: the directory's real name and the last part, through links. */
	target = ayak_link_target(path);
	if (!target)
		target = strdup(path);	/* a loop: the name itself, which cannot be written */
	if (!target)
		return NULL;
	slash = strrchr(target, '/');
	base = slash ? slash + 1 : target;
	dir = slash ? strndup(target, (size_t)(slash - target) + (slash == target)) : strdup(".");
	real = dir ? realpath(dir, NULL) : NULL;
	n = (real ? strlen(real) : dir ? strlen(dir) : 0) + strlen(base) + 2;
	out = dir ? malloc(n) : NULL;
	if (out)
		snprintf(out, n, "%s/%s", real ? real : dir, base);
	free(real);
	free(dir);
	free(target);
	return out;
}

/* The numbered output of prefix that path is named like, by its last part (malloc'd), or NULL. */
static char *numbered_name(struct cli *c, const char *path, const char *prefix,
			   const char *const *suffix, int nsuffix)
{
	const char *pb = strrchr(prefix, '/'), *fb = strrchr(path, '/');
	struct ayak_buf name = AYAK_BUF_INIT;
	size_t pl, i;
	int k;

	pb = pb ? pb + 1 : prefix;
	fb = fb ? fb + 1 : path;
	pl = strlen(pb);
	if (strncmp(fb, pb, pl) || fb[pl] != '-')
		return NULL;
	for (i = 1; i <= 5; i++)
		if (fb[pl + i] < '0' || fb[pl + i] > '9')
			return NULL;
	for (k = 0; k < nsuffix && strcmp(fb + pl + 6, suffix[k]); k++)
		;
	if (k == nsuffix)
		return NULL;
	if (ayak_buf_addf(&name, "%s%s", prefix, fb + pl))
		cli_die_nomem(c);
	return name.data;
}

void cli_claim_like_numbered(struct cli *c, const char *what, const char *path,
			     const char *prefix, const char *const *suffix, int nsuffix)
{
	char *real, *as_named, *as_linked;

	if (!path)
		return;
	/* both the name and what it links to: a link named like one output may point at another */
	real = cli_canonical_name(path);
	if (!real)
		cli_die_nomem(c);
	as_named = numbered_name(c, path, prefix, suffix, nsuffix);
	as_linked = numbered_name(c, real, prefix, suffix, nsuffix);
	if (as_named)
		cli_claim_output(c, what, as_named);
	if (as_linked && (!as_named || strcmp(as_named, as_linked)))
		cli_claim_output(c, what, as_linked);
	free(as_linked);
	free(as_named);
	free(real);
}

/* Claim the file canon (malloc'd; "" names none), dev and ino (0: not there yet) for opt. */
static void add_claim(struct cli *c, const char *opt, char *canon, dev_t dev, ino_t ino)
{
	struct cli_claim *k;
	size_t i;

	if (!canon)
		cli_die_nomem(c);
	for (i = 0; i < c->nclaims; i++) {
		const struct cli_claim *o = &c->claims[i];

		if ((*canon && !strcmp(o->canon, canon)) || (ino && o->ino == ino && o->dev == dev))
			cli_usage_error(c, "%s and %s name the same file", o->opt, opt);
	}
	k = ayak_grow(c->claims, &c->claims_alloc, c->nclaims + 1, sizeof(*k), 8);
	if (!k)
		cli_die_nomem(c);
	c->claims = k;
	k += c->nclaims++;
	k->opt = opt;
	k->canon = canon;
	k->dev = dev;
	k->ino = ino;
}

void cli_claim_output(struct cli *c, const char *opt, const char *path)
{
	struct stat st;
	int there;

	if (!path || !strcmp(path, "-") || !strncmp(path, "/dev/", 5) ||
	    !strncmp(path, "/proc/", 6))
		return;
	there = !stat(path, &st);
	if (there && !S_ISREG(st.st_mode))
		return;		/* a pipe or a device: writing to it twice is the user's choice */
	add_claim(c, opt, cli_canonical_name(path), there ? st.st_dev : 0, there ? st.st_ino : 0);
}

int cli_names_stdout(const char *path)
{
	return !strcmp(path, "-") || !strcmp(path, "/dev/stdout") || !strcmp(path, "/dev/fd/1") ||
	       !strcmp(path, "/proc/self/fd/1");
}

/*
 * The records go to the standard output: a regular file there (prog >x) is
 * claimed like -o x, or --rejects x would replace it and the records be
 * lost; and --rejects to the standard output would put the rejects among
 * the records, which the next program reads.
 */
static void claim_stdout(struct cli *c)
{
	struct stat st;

	if (c->rejects_path && cli_names_stdout(c->rejects_path))
		cli_usage_error(c, "--rejects %s: the rejects and the records would both go to the "
				"standard output", c->rejects_path);
	/* plain counters after a compressed stream would make it corrupt */
	if (c->stats_path && cli_names_stdout(c->stats_path) && c->compress != AYAK_COMPRESS_AUTO &&
	    c->compress != AYAK_COMPRESS_NONE)
		cli_usage_error(c, "--stats %s: the counters would follow the compressed records on "
				"the standard output", c->stats_path);
	if (fstat(STDOUT_FILENO, &st) || !S_ISREG(st.st_mode))
		return;
	/* names no file: only the inode can match */
	add_claim(c, "the standard output", strdup(""), st.st_dev, st.st_ino);
}

void cli_claim_records_output(struct cli *c)
{
	if (!c->output || cli_names_stdout(c->output))
		claim_stdout(c);
	else
		cli_claim_output(c, "--output", c->output);
}

/*
 * Outputs that may be an input: -o, replaced only when the run is done
 * (prog -o x x, as sort -o), and what holds the records or lines of the
 * inputs (the shards, ayak-fetch --failed).
 */
static int may_be_input(const char *opt)
{
	return !strcmp(opt, "--output") || !strcmp(opt, "--failed") || !strncmp(opt, "the shards", 10);
}

/*
 * The output claimed that names the regular file st, or NULL.  -o and the
 * like may name an input of records, which they replace only at the end
 * (records 1), not another file the program reads.
 */
static const char *claimed(const struct cli *c, const struct stat *st, int records)
{
	size_t k;

	if (!S_ISREG(st->st_mode))
		return NULL;
	for (k = 0; k < c->nclaims; k++)
		if (c->claims[k].ino == st->st_ino && c->claims[k].dev == st->st_dev &&
		    !(records && may_be_input(c->claims[k].opt)))
			return c->claims[k].opt;
	return NULL;
}

/*
 * An input that is the regular file the records go to on the standard
 * output (prog x >>x) would be read back as it grows, until the disk is
 * full; one that --stats, --rejects or the like names would be replaced by
 * what the run writes there.
 */
void cli_check_inputs(struct cli *c, int nfiles, char **files)
{
	struct stat out, st;
	const char *by;
	int i, to_file;

	to_file = !c->no_output && (!c->output || cli_names_stdout(c->output)) &&
		  !fstat(STDOUT_FILENO, &out) && S_ISREG(out.st_mode);
	for (i = 0; i < (nfiles ? nfiles : 1); i++) {
		const char *name = nfiles ? files[i] : "-";
		const char *shown = strcmp(name, "-") ? name : "the standard input";

		if (strcmp(name, "-") ? stat(name, &st) : fstat(STDIN_FILENO, &st))
			continue;
		if (to_file && st.st_dev == out.st_dev && st.st_ino == out.st_ino)
			cli_usage_error(c, "%s is also the standard output", shown);
		by = claimed(c, &st, 1);
		if (by)
			cli_usage_error(c, "%s and %s%s name the same file", by,
					strcmp(name, "-") ? "the input " : "", shown);
	}
}

void cli_check_read_file(struct cli *c, const char *opt, const char *path)
{
	struct stat st;
	const char *by;

	if (!path || stat(path, &st))
		return;
	by = claimed(c, &st, 0);
	if (by)
		cli_usage_error(c, "%s and %s %s name the same file", by, opt, path);
}

/* The compression a writer for path will use, as ayak_writer_new decides it. */
static int output_compression(const struct cli *c, const char *path)
{
	if (c->compress != AYAK_COMPRESS_AUTO)
		return c->compress;
	return !path || !strcmp(path, "-") ? AYAK_COMPRESS_NONE : ayak_compress_from_path(path);
}

void cli_own_output(struct cli *c, const char *path)
{
	c->own_compress |= 1u << output_compression(c, path);
}

/* The compressions of the run's outputs, 1 << AYAK_COMPRESS_* each. */
static unsigned compressions(const struct cli *c)
{
	unsigned used = c->own_compress;

	/* -z and --compress name the records' compression, written here or not (ayak-dedup's stages) */
	if (c->compress > 0)
		used |= 1u << c->compress;
	if (!c->no_output)
		used |= 1u << output_compression(c, c->output);
	if (c->rejects_path)
		used |= 1u << ayak_compress_from_path(c->rejects_path);
	return used;
}

void cli_check_options(struct cli *c)
{
	unsigned used = compressions(c);

	if (c->max_errors != UINT64_MAX && !c->skip_errors)
		cli_usage_error(c, "--max-errors goes with --on-error skip");
	/* --level with nothing to compress would be ignored: a mistake, as ayak(7) has it */
	if (c->level && !c->any_level && !(used & ~(1u << AYAK_COMPRESS_NONE))) {
		if (c->compress == AYAK_COMPRESS_NONE)
			cli_usage_error(c, "--level does not go with --compress none");
		cli_usage_error(c, "--level needs compressed output (-z, --compress, or an output "
				"name ending .zst or .gz)");
	}
	/* before any work, whether or not the gzip output is ever opened (--split) */
	if (c->level > 9 && (used & 1u << AYAK_COMPRESS_GZIP))
		cli_usage_error(c, "gzip --level must be 1 to 9, not %d", c->level);
}

static void open_all(struct cli *c, struct ayak_reader *in, int nfiles, char **files)
{
	cli_check_options(c);
	if (!c->no_output)
		cli_claim_records_output(c);
	cli_claim_output(c, "--rejects", c->rejects_path);
	cli_claim_output(c, "--stats", c->stats_path);
	if (!in)
		cli_check_inputs(c, nfiles, files);
	c->in = in ? in : ayak_reader_new((const char *const *)files, (size_t)nfiles, &c->err);
	if (!c->in)
		cli_die(c, &c->err);
	if (!c->no_output)
		c->out = open_writer(c, c->output, c->compress, c->not_text);
	if (c->rejects_path)
		c->rejects = cli_open_writer(c, c->rejects_path, AYAK_COMPRESS_AUTO);
	if (c->stats_path && !c->stats_out)
		c->stats_out = cli_open_writer(c, c->stats_path, AYAK_COMPRESS_NONE);
	c->last_progress = c->t0;
}

void cli_open(struct cli *c, int nfiles, char **files)
{
	open_all(c, NULL, nfiles, files);
}

void cli_open_reader(struct cli *c, struct ayak_reader *in)
{
	open_all(c, in, 0, NULL);
}

void cli_finish_later(struct cli *c, struct ayak_writer *w)
{
	struct ayak_writer **p;

	if (!w)
		return;
	p = ayak_grow(c->pending, &c->pending_alloc, c->npending + 1, sizeof(*p), 8);
	if (!p) {
		ayak_writer_abort(w);
		cli_die_nomem(c);
	}
	c->pending = p;
	if (ayak_writer_finish(w, &c->err))
		cli_die(c, &c->err);
	c->pending[c->npending++] = w;
}

static void draw_progress(struct cli *c, int final)
{
	double now = ayak_now(), secs = now - c->t0;
	const struct ayak_reader *in = c->in ? c->in : c->tick_in;
	uint64_t done = 0, total = 0;
	double mb = (double)c->stats.bytes_in / 1e6;

	if (!final && now - c->last_progress < 0.25)
		return;
	c->last_progress = now;
	if (in && !final) {
		done = ayak_reader_bytes_read(in);
		total = ayak_reader_bytes_total(in);
	}
	fprintf(stderr, "\r\033[K%s: %llu records, %.1f MB, %.0f MB/s", c->prog,
		(unsigned long long)c->stats.records_in, mb, secs > 0 ? mb / secs : 0.0);
	if (total && done <= total && done && !final) {
		double eta = secs * (double)(total - done) / (double)done;

		fprintf(stderr, ", %.0f%%, ETA %d:%02d", 100.0 * (double)done / (double)total,
			(int)eta / 60, (int)eta % 60);
	}
	c->progress_drawn = 1;
}

/* Bytes read between two looks at the clock for --progress. */
#define PROGRESS_BYTES (1u << 20)

/*
 * --progress looks at the clock (draw_progress draws at most 4 times a
 * second) every 1024 records or every MB read, whichever comes first: not
 * for each small record, yet a run over a few huge records shows too.
 */
static void tick(struct cli *c)
{
	if (!c->progress || ((c->stats.records_in & 1023) &&
			     c->stats.bytes_in - c->progress_bytes < PROGRESS_BYTES))
		return;
	c->progress_bytes = c->stats.bytes_in;
	if (isatty(2))
		draw_progress(c, 0);
}

int cli_next(struct cli *c, struct ayak_line *line)
{
	int ret = ayak_reader_next(c->in, line, &c->err);

	if (ret < 0)
		cli_die(c, &c->err);
	if (ret == 0)
		return 0;
	c->stats.records_in++;
	c->stats.bytes_in += line->raw;
	tick(c);
	return 1;
}

void cli_tick(struct cli *c, const struct ayak_reader *r)
{
	c->tick_in = r;
	tick(c);
}

int cli_next_record(struct cli *c, struct ayak_line *line, struct ayak_record *rec,
		    unsigned flags)
{
	while (cli_next(c, line)) {
		if (ayak_line_is_blank(line->data, line->len)) {
			c->stats.records_in--;	/* not a record */
			continue;
		}
		if (ayak_record_parse(rec, line->data, line->len, flags, &c->err)) {
			cli_parse_failed(c, line);
			continue;
		}
		return 1;
	}
	return 0;
}

void cli_write(struct cli *c, struct ayak_writer *w, const char *p, size_t n)
{
	if (ayak_writer_line(w, p, n, &c->err))
		cli_die(c, &c->err);
}

void cli_emit(struct cli *c, const char *p, size_t n)
{
	c->stats.records_out++;
	c->stats.bytes_out += n + 1;
	cli_write(c, c->out, p, n);
}

void cli_emit_part(struct cli *c, const char *p, size_t n)
{
	c->stats.bytes_out += n;
	if (n && ayak_writer_write(c->out, p, n, &c->err))
		cli_die(c, &c->err);
}

void cli_emit_end(struct cli *c)
{
	c->stats.records_out++;
	cli_emit_part(c, "\n", 1);
}

size_t cli_emit_value_start(struct cli *c, struct ayak_record *rec, const char *key,
			    size_t key_len, struct ayak_buf *scratch)
{
	size_t head, tail;

	ayak_buf_reset(scratch);
	if (ayak_record_splice(rec, key, key_len, scratch, &head, &tail))
		cli_die_nomem(c);
	cli_emit_part(c, rec->line, head);
	cli_emit_part(c, scratch->data, scratch->len);
	return tail;
}

void cli_emit_value_end(struct cli *c, const struct ayak_record *rec, size_t tail)
{
	cli_emit_part(c, rec->line + tail, rec->len - tail);
	cli_emit_end(c);
}

void cli_reject(struct cli *c, const struct ayak_line *line, const char *file,
		const char *reason, const struct ayak_buf *extra)
{
	struct ayak_buf *b = &c->scratch;

	if (!file)
		file = line->file;
	ayak_buf_reset(b);
	if (ayak_buf_addf(b, "{\"reject\":{\"program\":\"%s\",\"reason\":", c->prog) ||
	    ayak_json_encode_string(b, reason, strlen(reason)) ||
	    (extra && ayak_buf_add(b, extra->data, extra->len)) || ayak_buf_addstr(b, ",\"file\":") ||
	    ayak_json_encode_string(b, file, strlen(file)) ||
	    ayak_buf_addf(b, ",\"line\":%llu},\"raw\":", (unsigned long long)line->lineno) ||
	    ayak_json_encode_string(b, line->data, line->len) || ayak_buf_add(b, "}", 1)) {
		cli_die_nomem(c);
	}
	cli_write(c, c->rejects, b->data, b->len);
}

static void write_reject(struct cli *c, const struct ayak_line *line, const char *reason,
			 const char *msg)
{
	struct ayak_buf extra = AYAK_BUF_INIT;

	if (ayak_buf_addstr(&extra, ",\"error\":") ||
	    ayak_json_encode_string(&extra, msg, strlen(msg))) {
		cli_die_nomem(c);
	}
	cli_reject(c, line, NULL, reason, &extra);
	ayak_buf_release(&extra);
}

void cli_too_large(struct cli *c, const struct ayak_line *line, const char *what)
{
	struct ayak_err e = c->err;	/* c->err keeps no file and line for later messages */

	e.code = AYAK_E_DATA;
	e.file = line->file;
	e.line = line->lineno;
	if (!c->skip_errors)
		cli_die(c, &e);
	c->too_large++;
	c->too_large_what = what;
	ayak_stats_drop(&c->stats, "too_large", 1);
	if (c->too_large <= REPORT_FIRST && !c->quiet)
		print_err(c, &e);
	if (c->rejects)
		write_reject(c, line, "too_large", e.msg);
}

void cli_die_nomem(struct cli *c)
{
	ayak_err_set(&c->err, AYAK_E_SYS, "out of memory");
	cli_die(c, &c->err);
}

void cli_parse_failed(struct cli *c, const struct ayak_line *line)
{
	if (c->err.code == AYAK_E_SYS)
		cli_die(c, &c->err);
	cli_bad_record(c, line, "malformed record: ", "%s", c->err.msg);
}

const struct ayak_field *cli_string_field(struct cli *c, const struct ayak_line *line,
					  struct ayak_record *rec, const char *name,
					  size_t len)
{
	const struct ayak_field *f = ayak_record_get(rec, name, len);

	if (f && f->type == AYAK_JSON_STRING)
		return f;
	cli_bad_record(c, line, "", f ? "field \"%s\" is not a string" : "missing field \"%s\"",
		       name);
	return NULL;
}

void cli_rejects_need_skip(struct cli *c, const char *with, const char *why)
{
	if (c->rejects_path && !c->skip_errors)
		cli_usage_error(c, "--rejects%s%s goes with --on-error skip (%s)", with ? " with " : "",
				with ? with : "", why);
}

size_t cli_test_limit(const char *name, size_t limit)
{
	const char *env = getenv(name);
	uint64_t v;

	if (env && !ayak_parse_u64(env, &v) && v && (!limit || v < limit) && v <= SIZE_MAX)
		return (size_t)v;
	return limit;
}

const char *cli_record_option(const struct cli *c, const char *dflt)
{
	if (strcmp(c->field, dflt))
		return "--field";
	if (c->skip_errors)
		return "--on-error";
	if (c->max_errors != UINT64_MAX)
		return "--max-errors";
	if (c->rejects_path)
		return "--rejects";
	return NULL;
}

void cli_bad_record(struct cli *c, const struct ayak_line *line, const char *prefix,
		    const char *fmt, ...)
{
	struct ayak_err e;
	size_t skip = strlen(prefix);
	va_list ap;

	ayak_err_clear(&e);
	e.code = AYAK_E_DATA;
	e.file = line->file;
	e.line = line->lineno;
	snprintf(e.msg, sizeof(e.msg), "%s", prefix);
	va_start(ap, fmt);
	vsnprintf(e.msg + skip, sizeof(e.msg) - skip, fmt, ap);
	va_end(ap);
	if (!c->skip_errors)
		cli_die(c, &e);
	c->stats.errors++;
	ayak_stats_drop(&c->stats, "malformed", 1);
	if (c->stats.errors <= REPORT_FIRST && !c->quiet)
		print_err(c, &e);
	if (c->rejects)
		write_reject(c, line, "malformed", e.msg + skip);
	if (c->stats.errors > c->max_errors) {
		ayak_err_set(&e, AYAK_E_DATA, "too many malformed records (more than %llu)",
			     (unsigned long long)c->max_errors);
		e.file = NULL;
		cli_die(c, &e);
	}
}

static void write_stats(struct cli *c)
{
	struct ayak_writer *w = c->stats_out;

	if (!w)
		w = cli_open_writer(c, c->stats_path, AYAK_COMPRESS_NONE);
	c->stats_out = NULL;
	ayak_buf_reset(&c->scratch);
	if (ayak_stats_json(&c->stats, c->prog, ayak_now() - c->t0, &c->scratch))
		cli_die_nomem(c);
	if (ayak_writer_write(w, c->scratch.data, c->scratch.len, &c->err))
		cli_die(c, &c->err);
	cli_finish_later(c, w);
}

/*
 * Rename the finished outputs into place, with the signals that end a
 * run held off: one coming between two renames would leave some of the
 * new outputs beside the old others.
 */
void cli_hold_signals(sigset_t *old)
{
	sigset_t stop;

	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGHUP);
	sigprocmask(SIG_BLOCK, &stop, old);
}

static void commit_pending(struct cli *c)
{
	sigset_t old;
	size_t i;

	cli_hold_signals(&old);
	for (i = 0; i < c->npending; i++) {
		struct ayak_writer *w = c->pending[i];

		c->pending[i] = NULL;
		if (ayak_writer_commit(w, &c->err))
			cli_die(c, &c->err);
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	free(c->pending);
	c->pending = NULL;
	c->npending = c->pending_alloc = 0;
}

void cli_finish_outputs(struct cli *c)
{
	struct ayak_writer *out;

	if (c->outputs_finished)
		return;
	c->outputs_finished = 1;
	if (c->progress && c->progress_drawn) {
		draw_progress(c, 1);
		fputc('\n', stderr);
		c->progress_drawn = 0;
	}
	/* Every output whole first (a failure removes them all), then all renamed into place. */
	out = c->out;
	c->out = NULL;		/* cli_die must not close it again if finishing fails */
	cli_finish_later(c, out);
	out = c->rejects;
	c->rejects = NULL;
	cli_finish_later(c, out);
	if (c->stats_path)
		write_stats(c);
}

int cli_finish(struct cli *c)
{
	size_t i;

	cli_finish_outputs(c);
	commit_pending(c);
	for (i = 0; i < c->nclaims; i++)
		free(c->claims[i].canon);
	free(c->claims);
	c->claims = NULL;
	c->nclaims = c->claims_alloc = 0;
	if (c->stats.errors)
		cli_warn(c, "skipped %llu malformed record%s",
			 (unsigned long long)c->stats.errors, c->stats.errors == 1 ? "" : "s");
	if (c->too_large)
		cli_warn(c, "skipped %llu record%s too long to %s", (unsigned long long)c->too_large,
			 c->too_large == 1 ? "" : "s", c->too_large_what);
	ayak_reader_free(c->in);
	ayak_buf_release(&c->scratch);
	return 0;
}
