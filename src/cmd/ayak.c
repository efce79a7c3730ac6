/*
 * ayak: run an ayak program by its short name, as git runs its commands.
 * `ayak cat -z x.jsonl` runs ayak-cat from the directory this program is
 * in, or else from PATH; `ayak --help` marks the programs it would not
 * find that way.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ayak.h"

static const char *const programs[][2] = {
	{ "fetch", "download crawl files and byte ranges" },
	{ "warc", "WARC, WET and ARC to records, HTML to text" },
	{ "norm", "Unicode repair and Malay normalization" },
	{ "lid", "language identification" },
	{ "filter", "quality rules, pattern rules, PII redaction" },
	{ "dedup", "exact and near-duplicate removal" },
	{ "tok", "words, sentences and token IDs" },
	{ "pack", "token IDs to training shards" },
	{ "stats", "reports on records" },
	{ "cat", "concatenate, recompress, validate and split records" },
};

/* Whether path's first line holds no NUL byte (as bash tells a script from a binary). */
static int is_text_file(const char *path)
{
	char head[256];
	FILE *f = fopen(path, "rb");
	size_t n, i;

	if (!f)
		return 0;
	n = fread(head, 1, sizeof(head), f);
	fclose(f);
	for (i = 0; i < n && head[i] != '\n'; i++)
		if (head[i] == '\0')
			return 0;
	return 1;
}

/* Directory of this executable, or "" if it cannot be found. */
static void own_dir(char *dir, size_t n)
{
	ssize_t len = readlink("/proc/self/exe", dir, n - 1);
	char *slash;

	dir[len > 0 ? len : 0] = '\0';
	slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	else
		dir[0] = '\0';
}

/* dir/name in path; 0 if it is a regular file, executable (2) or not (1). */
static int candidate(const char *dir, size_t dlen, const char *name, char *path, size_t n)
{
	struct stat st;

	if ((size_t)snprintf(path, n, "%.*s%s%s", (int)dlen, dir, dlen ? "/" : "", name) >= n ||
	    stat(path, &st) || !S_ISREG(st.st_mode))
		return 0;
	return access(path, X_OK) ? 1 : 2;
}

/*
 * Find the program name, as running it and the list of --help both do:
 * next to this executable, then in PATH (an empty entry is the current
 * directory).  The first executable file wins; failing that, the first
 * file that is there but cannot be run, so that the error says why.
 * Returns 0 when there is neither, 1 for a file that cannot be run, 2 for
 * an executable one; its path is in path.
 */
static int find_program(const char *name, char *path, size_t n)
{
	char dir[PATH_MAX], first[PATH_MAX + 160] = "";
	const char *p = getenv("PATH");
	int found;

	if (!p)
		p = "/bin:/usr/bin";	/* as execvp() */
	own_dir(dir, sizeof(dir));
	if (dir[0]) {
		found = candidate(dir, strlen(dir), name, path, n);
		if (found == 2)
			return 2;
		if (found)
			snprintf(first, sizeof(first), "%s", path);
	}
	for (;;) {
		size_t len = strcspn(p, ":");

		found = candidate(len ? p : ".", len ? len : 1, name, path, n);
		if (found == 2)
			return 2;
		if (found && !first[0])
			snprintf(first, sizeof(first), "%s", path);
		if (!p[len])
			break;
		p += len + 1;
	}
	snprintf(path, n, "%s", first);
	return first[0] ? 1 : 0;
}

/* Flush and close standard output: 0, or exit status 3 after a message. */
static int close_stdout(void)
{
	int e = 0;

	if (fflush(stdout))
		e = errno;
	else if (ferror(stdout))
		e = EIO;
	if (fclose(stdout) && !e)
		e = errno;
	if (!e)
		return 0;
	fprintf(stderr, "ayak: write error on standard output: %s\n", strerror(e));
	return AYAK_E_SYS;
}

/*
 * The list marks a program without execute permission, not one the system
 * cannot run: that only running it tells (binfmt_misc may run any format).
 */
static int usage(FILE *f, int code)
{
	static const char *const marks[] = { " (not installed)", " (cannot be run)", "" };
	char name[32], path[PATH_MAX + 160];
	size_t i;

	fprintf(f, "Usage: ayak COMMAND [ARGS...]\n"
		"       ayak help [COMMAND]\n"
		"       ayak --version | --help\n\nCommands:\n");
	for (i = 0; i < sizeof(programs) / sizeof(programs[0]); i++) {
		snprintf(name, sizeof(name), "ayak-%s", programs[i][0]);
		fprintf(f, "  %-8s %s%s\n", programs[i][0], programs[i][1],
			marks[find_program(name, path, sizeof(path))]);
	}
	fprintf(f, "\n'ayak COMMAND --help' and ayak-COMMAND(1) describe each command.\n");
	return code;
}

int main(int argc, char **argv)
{
	char path[PATH_MAX + 160], name[128], libs[256];
	char help_opt[] = "--help", *help_argv[4];

	if (argc < 2)
		return usage(stderr, AYAK_E_USAGE);
	/* "ayak help COMMAND" is "ayak COMMAND --help", as git's; it printed the list. */
	if (!strcmp(argv[1], "help") && argc > 2) {
		if (argc > 3 || argv[2][0] == '-') {
			fprintf(stderr, "ayak: help takes one command, not '%s'\nTry 'ayak --help'.\n",
				argv[argc > 3 ? 3 : 2]);
			return AYAK_E_USAGE;
		}
		help_argv[0] = argv[0];
		help_argv[1] = argv[2];
		help_argv[2] = help_opt;
		help_argv[3] = NULL;
		argv = help_argv;
		argc = 3;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
		usage(stdout, 0);
		return close_stdout();
	}
	if (!strcmp(argv[1], "-V") || !strcmp(argv[1], "--version")) {
		ayak_library_versions(libs, sizeof(libs));
		printf("ayak %s\n%s\n", AYAK_VERSION, libs);
		return close_stdout();
	}
	if (argv[1][0] == '-' || strchr(argv[1], '/') ||
	    (size_t)snprintf(name, sizeof(name), "ayak-%s", argv[1]) >= sizeof(name) ||
	    !find_program(name, path, sizeof(path))) {
		fprintf(stderr, "ayak: '%s' is not an ayak command\nTry 'ayak --help'.\n", argv[1]);
		return AYAK_E_USAGE;
	}
	argv[1] = name;
	execv(path, argv + 1);
	if (errno == ENOEXEC && is_text_file(path)) {
		/* as execvp() and the shells: an executable text file without #! is a shell script */
		char **sh_argv = malloc(((size_t)argc + 1) * sizeof(*sh_argv));

		if (sh_argv) {
			sh_argv[0] = "sh";
			sh_argv[1] = path;
			memcpy(sh_argv + 2, argv + 2, (size_t)(argc - 1) * sizeof(*sh_argv));
			execv("/bin/sh", sh_argv);
		}
		errno = ENOEXEC;
	}
	fprintf(stderr, "ayak: %s: %s\n", path, strerror(errno));
	return AYAK_E_SYS;
}
