/*
 * What every ayak program's main() shares: the common options, opening
 * inputs and outputs, messages in the ayak(7) format, exit statuses,
 * --stats, --rejects and --progress.  Unlike libayak, this layer prints
 * and exits: it is the programs' side of the line.
 */
#ifndef AYAK_CLI_H
#define AYAK_CLI_H

#include <getopt.h>
#include <signal.h>
#include <sys/types.h>

#include "ayak.h"
#include "json.h"
#include "stats.h"
#include "stream.h"

/* Long-only options of programs start here, clear of the shared ones. */
#define CLI_OPT_PROGRAM 512

/* Shared options a program turns off (struct cli's shared_off, set before cli_getopt). */
enum {
	CLI_NO_COMPRESS = 1,	/* -z, --compress, --level: the program writes no compressed stream */
	CLI_NO_FIELD = 2,	/* --field: the program reads no text field */
	CLI_NO_ERRORS = 4,	/* --on-error, --max-errors, --rejects: it reads no records */
	CLI_OWN_OUTPUT = 8,	/* -o: the program's usage text documents its own meaning */
	CLI_OWN_FIELD = 16,	/* --field: likewise (its own default) */
	CLI_OWN_REJECTS = 32,	/* --rejects: likewise (what goes there) */
};

/* An output file named on the command line, to tell when two name the same file. */
struct cli_claim {
	const char *opt;
	char *canon;		/* its absolute name, through symbolic links */
	dev_t dev;
	ino_t ino;		/* 0 when the file does not exist yet */
};

struct cli {
	const char *prog;		/* "ayak-cat" */
	const char *usage;		/* synopsis and the program's own options */

	/* Shared options. */
	const char *output;
	int compress;			/* AYAK_COMPRESS_AUTO unless -z/--compress */
	int level;
	int quiet;
	const char *stats_path;
	const char *field;
	size_t field_len;
	int skip_errors;		/* --on-error skip */
	uint64_t max_errors;		/* UINT64_MAX: no limit */
	const char *rejects_path;
	int progress;
	int no_output;			/* the program writes no records (--split) */
	unsigned own_compress;		/* 1 << AYAK_COMPRESS_* of its own outputs (cli_own_output) */
	int any_level;			/* --level taken with nothing compressed (ayak-dedup's stages) */
	unsigned shared_off;		/* CLI_NO_* */
	const char *not_text;		/* -o is not text ("binary data"): no terminal */
	const char *more_libs;		/* -V: libraries of the program's own, after the shared ones */
	uint64_t too_large;		/* records skipped by cli_too_large() */
	const char *too_large_what;

	/* Run state. */
	struct ayak_reader *in;
	const struct ayak_reader *tick_in;	/* what cli_tick was last given, for --progress */
	struct ayak_writer *out;
	struct ayak_writer *rejects;
	struct ayak_writer *stats_out;	/* --stats, opened by cli_open so that a bad path shows at once */
	struct ayak_writer **pending;	/* finished, renamed by cli_finish */
	size_t npending, pending_alloc;
	int outputs_finished;		/* cli_finish_outputs() has run */
	struct cli_claim *claims;
	size_t nclaims, claims_alloc;
	struct ayak_stats stats;
	double t0, last_progress;
	uint64_t progress_bytes;	/* bytes_in when --progress last looked at the clock */
	int progress_drawn;
	struct ayak_buf scratch;
	struct ayak_err err;
};

void cli_init(struct cli *c, const char *prog, const char *usage);
/*
 * getopt_long over the shared options plus the program's own.  Handles
 * the shared ones itself (-h and -V print and exit 0; bad options exit 2)
 * and returns the program's, or -1 at the end of the options.
 */
int cli_getopt(struct cli *c, int argc, char **argv, const char *shortopts,
	       const struct option *longopts);
/* Open the inputs (the files left in argv, or stdin) and the outputs. */
void cli_open(struct cli *c, int nfiles, char **files);
/*
 * The checks of the shared options that cli_open makes before any work
 * (--max-errors without skip, --level with nothing compressed or over 9
 * for gzip), for a program that opens its outputs itself.
 */
void cli_check_options(struct cli *c);
/*
 * An output of the program's own (a shard, a report) that it will write
 * to path with c->compress (AUTO: by the name), for the --level checks.
 */
void cli_own_output(struct cli *c, const char *path);
/* cli_open with the input already opened (ayak-pack reads the first bytes of
 * standard input to tell records from a token stream); cli owns it now. */
void cli_open_reader(struct cli *c, struct ayak_reader *in);
/* Open an extra output (a shard) with the shared compression settings. */
struct ayak_writer *cli_open_writer(struct cli *c, const char *path, int compress);
/*
 * An output file named by option opt: a usage error (exit 2) when an
 * output claimed before names the same file, by another name too
 * ("./x", a link).  cli_open claims -o, --rejects and --stats; a program
 * claims its other outputs.  Devices are not checked.
 */
void cli_claim_output(struct cli *c, const char *opt, const char *path);
/*
 * Claim where the records go, as cli_open does: -o, or the standard
 * output when it is a regular file (prog >x); --rejects to the standard
 * output then is a usage error.  For a program that opens its outputs.
 */
void cli_claim_records_output(struct cli *c);
/* Does path name the standard output ("-", /dev/stdout, /dev/fd/1)? */
int cli_names_stdout(const char *path);
/*
 * Usage errors for an input that an output would spoil: the regular file
 * the records go to on the standard output (prog x >>x), read back as it
 * grows; a file claimed by --stats, --rejects and the like (not -o, which
 * replaces its file only at the end).  nfiles 0 means the standard input.
 * cli_open checks, after its claims; a program that opens its inputs
 * calls this after its own.
 */
void cli_check_inputs(struct cli *c, int nfiles, char **files);
/*
 * A file the program reads besides its records (a lexicon, a model),
 * named path by option opt (NULL: none): a usage error when an output
 * claimed names it, -o included, since none is a new version of it.
 * Call after the outputs are claimed (cli_open).
 */
void cli_check_read_file(struct cli *c, const char *opt, const char *path);
/*
 * Exit after writing standard output with stdio (--help, --list-labels):
 * 0, or 3 with "write error on standard output: REASON" when a write or
 * the close failed.
 */
void cli_finish_stdout(struct cli *c) __attribute__((noreturn));
/*
 * An absolute name for path, through the symbolic links of its directory
 * and of itself (a dangling link names the file that writing creates);
 * malloc'd, NULL when memory runs out.
 */
char *cli_canonical_name(const char *path);
/*
 * A --stats or --rejects file (path; NULL: none) named like one of a
 * program's numbered outputs, PREFIX-NNNNN followed by one of the nsuffix
 * suffixes, by its last part or through its symbolic links, is claimed as
 * that output of prefix under the name what: the claims then find it the
 * same file, by any name, when it would replace one or be replaced.
 */
void cli_claim_like_numbered(struct cli *c, const char *what, const char *path,
			     const char *prefix, const char *const *suffix, int nsuffix);
/*
 * Finish w (exit on failure) and leave it to cli_finish, which renames it
 * into place with -o, --rejects and --stats only when every one is whole.
 */
void cli_finish_later(struct cli *c, struct ayak_writer *w);

/* Next input line; 0 at the end.  Exits on input errors. */
int cli_next(struct cli *c, struct ayak_line *line);
/*
 * For input read without cli_next (ayak-pack's token streams): once
 * stats.records_in and stats.bytes_in count the unit just read, draws
 * --progress as cli_next does, the share done and ETA from r (may be NULL).
 */
void cli_tick(struct cli *c, const struct ayak_reader *r);
/*
 * Next record: the next line that is not blank, parsed into rec with the
 * ayak_record_parse flags.  Malformed records go to cli_bad_record and are
 * passed over.  0 at the end.
 */
int cli_next_record(struct cli *c, struct ayak_line *line, struct ayak_record *rec,
		    unsigned flags);
/*
 * Write a dropped record to --rejects: {"reject":{"program":..,"reason":..
 * EXTRA,"file":..,"line":..},"raw":"the line"}.  extra is NULL or holds
 * more members, each with its leading comma; file NULL means line->file.
 */
void cli_reject(struct cli *c, const struct ayak_line *line, const char *file,
		const char *reason, const struct ayak_buf *extra);
/* Write one record (without its newline) to the output. */
void cli_emit(struct cli *c, const char *p, size_t n);
/*
 * Write one record in parts (a long one, not copied into one buffer):
 * cli_emit_part() for each part, then cli_emit_end() for its newline.
 */
void cli_emit_part(struct cli *c, const char *p, size_t n);
void cli_emit_end(struct cli *c);
/*
 * A record written in parts with the value of key set (added when rec
 * lacks it): cli_emit_value_start() writes it up to the value and returns
 * where its rest starts; the caller writes the value with cli_emit_part(),
 * then cli_emit_value_end().  Memory runs out (exit 3) before the first
 * byte or not at all here; the caller takes what it needs before the start,
 * so that only whole records are ever written.  scratch is the caller's.
 */
size_t cli_emit_value_start(struct cli *c, struct ayak_record *rec, const char *key,
			    size_t key_len, struct ayak_buf *scratch);
void cli_emit_value_end(struct cli *c, const struct ayak_record *rec, size_t tail);
void cli_write(struct cli *c, struct ayak_writer *w, const char *p, size_t n);
/*
 * A valid record the program cannot take, too long for it (c->err says
 * why; what is "tokenize", say): with --on-error fail an error that names
 * the file and line, as a malformed record is; with skip, dropped as
 * too_large (not an error: --max-errors does not count it), the first few
 * reported, written to --rejects, and a summary at the end.
 */
void cli_too_large(struct cli *c, const struct ayak_line *line, const char *what);
/*
 * A malformed record: with --on-error fail, report and exit 1; with skip,
 * count it, report the first few, and write it to --rejects.  The message
 * is printed after prefix (say "malformed record: "); --rejects keeps it
 * without.
 */
void cli_bad_record(struct cli *c, const struct ayak_line *line, const char *prefix,
		    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/*
 * ayak_record_parse() failed on line with c->err: a malformed record
 * (cli_bad_record), or, when memory ran out, exit 3: the record is not
 * to blame and must not be skipped.
 */
void cli_parse_failed(struct cli *c, const struct ayak_line *line);
/*
 * The string field name (len bytes) of rec, parsed from line; NULL when
 * it is missing or not a string, the record then reported bad
 * (cli_bad_record: "missing field" or "field is not a string").
 */
const struct ayak_field *cli_string_field(struct cli *c, const struct ayak_line *line,
					  struct ayak_record *rec, const char *name,
					  size_t len);
/*
 * The first of --field (when not dflt), --on-error skip, --max-errors and
 * --rejects given, or NULL: for a mode that reads no records, to which
 * they are a usage error.
 */
const char *cli_record_option(const struct cli *c, const char *dflt);
/*
 * Finish the outputs, write --stats, then rename them all into place;
 * print the skip summary.  Returns the exit status.
 */
int cli_finish(struct cli *c);
/*
 * The first half of cli_finish, for a program with outputs of its own to
 * put in place between the two (ayak-pack's shards): every output whole,
 * --stats written, none renamed yet.
 */
void cli_finish_outputs(struct cli *c);
/*
 * Hold off the signals that end a run (SIGTERM, SIGINT, SIGHUP) while
 * outputs are renamed into place, one coming between two renames would
 * leave some new outputs beside old others; *old gets the mask to give
 * back with sigprocmask(SIG_SETMASK, old, NULL).
 */
void cli_hold_signals(sigset_t *old);
/*
 * --rejects in a run that drops no record: only malformed records skipped
 * could go there, so without --on-error skip it is a usage error, not an
 * empty file.  with names the option that keeps them all ("--annotate";
 * NULL: the program drops none), why says so in the message.
 */
void cli_rejects_need_skip(struct cli *c, const char *with, const char *why);

/* Report err and exit with its code, closing stdout cleanly and removing temporary files. */
void cli_die(struct cli *c, const struct ayak_err *err) __attribute__((noreturn));
/* cli_die() with "out of memory" (exit 3). */
void cli_die_nomem(struct cli *c) __attribute__((noreturn));
/*
 * The value of an option that names a record field (--field, --url-field,
 * ...): an empty one, as from an unset shell variable, or one that is
 * not UTF-8 would match no field and count nothing, silently, so it is a
 * usage error.
 */
const char *cli_field_name(struct cli *c, const char *opt, const char *arg);
void cli_usage_error(struct cli *c, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 2, 3)));
/* A warning (suppressed by -q). */
void cli_warn(struct cli *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * For the tests, which cannot give gigabytes: the positive decimal N in the
 * environment variable name when it is below limit (any N when limit is 0),
 * else limit.  AYAK_TOK_TEST_MAX_TEXT, say, lowers ayak-tok's longest text.
 */
size_t cli_test_limit(const char *name, size_t limit);

#endif
