/*
 * ayak: run an ayak program by its short name, as git runs its commands.
 * `ayak cat -z x.jsonl` runs ayak-cat from the directory this program is
 * in, or else from PATH.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
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

static int usage(FILE *f, int code)
{
	char dir[PATH_MAX], path[PATH_MAX + 32];
	size_t i;

	own_dir(dir, sizeof(dir));
	fprintf(f, "Usage: ayak COMMAND [ARGS...]\n"
		"       ayak --version | --help\n\nCommands:\n");
	for (i = 0; i < sizeof(programs) / sizeof(programs[0]); i++) {
		snprintf(path, sizeof(path), "%s/ayak-%s", dir, programs[i][0]);
		fprintf(f, "  %-8s %s%s\n", programs[i][0], programs[i][1],
			access(path, X_OK) ? " (not installed)" : "");
	}
	fprintf(f, "\n'ayak COMMAND --help' and ayak-COMMAND(1) describe each command.\n");
	return code;
}

int main(int argc, char **argv)
{
	char dir[PATH_MAX], path[PATH_MAX + 160], name[128], libs[256];

	if (argc < 2)
		return usage(stderr, AYAK_E_USAGE);
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help"))
		return usage(stdout, 0);
	if (!strcmp(argv[1], "-V") || !strcmp(argv[1], "--version")) {
		ayak_library_versions(libs, sizeof(libs));
		printf("ayak %s\n%s\n", AYAK_VERSION, libs);
		return 0;
	}
	if (argv[1][0] == '-' || strchr(argv[1], '/') ||
	    (size_t)snprintf(name, sizeof(name), "ayak-%s", argv[1]) >= sizeof(name)) {
		fprintf(stderr, "ayak: '%s' is not an ayak command\nTry 'ayak --help'.\n", argv[1]);
		return AYAK_E_USAGE;
	}
	argv[1] = name;
	own_dir(dir, sizeof(dir));
	if (dir[0]) {
		snprintf(path, sizeof(path), "%s/%s", dir, name);
		execv(path, argv + 1);
	}
	execvp(name, argv + 1);
	if (errno == ENOENT) {
		fprintf(stderr, "ayak: '%s' is not an ayak command\nTry 'ayak --help'.\n",
			name + 5);
		return AYAK_E_USAGE;
	}
	fprintf(stderr, "ayak: %s: %s\n", name, strerror(errno));
	return AYAK_E_SYS;
}
