/* Where the lexicons live: see ayak_lexicon_dir() in ayak.h. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ayak.h"

#ifndef AYAK_DATADIR
#define AYAK_DATADIR "/usr/local/share/ayak"
#endif

static char lexicon_dir[PATH_MAX];
static char lexicon_version[128];

static int is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Try dir/../rel relative to the running program; fill lexicon_dir. */
static int beside_program(const char *rel)
{
	char exe[PATH_MAX], *slash;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n <= 0)
		return 0;
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	if (!slash)
		return 0;
	*slash = '\0';
	if ((size_t)snprintf(lexicon_dir, sizeof(lexicon_dir), "%s/../%s", exe,
			     rel) >= sizeof(lexicon_dir))
		return 0;
	return is_dir(lexicon_dir);
}

const char *ayak_lexicon_dir(struct ayak_err *err)
{
	const char *env = getenv("AYAK_LEXICONS");

	if (lexicon_dir[0])
		return lexicon_dir;
	if (env && *env) {
		if (!is_dir(env)) {
			ayak_err_set(err, AYAK_E_SYS,
				     "AYAK_LEXICONS=%s: not a directory", env);
			return NULL;
		}
		snprintf(lexicon_dir, sizeof(lexicon_dir), "%s", env);
		return lexicon_dir;
	}
	if (beside_program("lexicons") || beside_program("share/ayak"))
		return lexicon_dir;
	if (is_dir(AYAK_DATADIR)) {
		snprintf(lexicon_dir, sizeof(lexicon_dir), "%s", AYAK_DATADIR);
		return lexicon_dir;
	}
	lexicon_dir[0] = '\0';
	ayak_err_set(err, AYAK_E_SYS,
		     "cannot find the lexicons: set AYAK_LEXICONS or install to %s",
		     AYAK_DATADIR);
	return NULL;
}

int ayak_lexicon_path(const char *name, struct ayak_buf *path, struct ayak_err *err)
{
	const char *dir = ayak_lexicon_dir(err);

	if (!dir)
		return -1;
	ayak_buf_reset(path);
	if (ayak_buf_addf(path, "%s/%s", dir, name))
		return ayak_err_set(err, AYAK_E_SYS, "out of memory");
	return 0;
}

const char *ayak_lexicon_version(void)
{
	struct ayak_err err;
	const char *dir;
	char path[PATH_MAX + 16];
	FILE *f;

	if (lexicon_version[0])
		return lexicon_version;
	snprintf(lexicon_version, sizeof(lexicon_version), "unknown");
	dir = ayak_lexicon_dir(&err);
	if (!dir)
		return lexicon_version;
	snprintf(path, sizeof(path), "%s/VERSION", dir);
	f = fopen(path, "r");
	if (!f)
		return lexicon_version;
	if (fgets(lexicon_version, sizeof(lexicon_version), f))
		lexicon_version[strcspn(lexicon_version, "\r\n")] = '\0';
	else
		snprintf(lexicon_version, sizeof(lexicon_version), "unknown");
	fclose(f);
	return lexicon_version;
}
