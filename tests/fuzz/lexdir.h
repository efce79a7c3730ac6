/*
 * For the fuzz targets of lexicon loaders: a private temporary lexicon
 * directory holding the files of a list, each either the shipped one
 * ($AYAK_TOP/lexicons/SUB/NAME, or ./lexicons; empty when missing) or the
 * fuzz input.  Static functions: each target includes this once.
 */
#ifndef AYAK_FUZZ_LEXDIR_H
#define AYAK_FUZZ_LEXDIR_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ayak.h"

#define LEXDIR_MAX 4

static struct {
	char dir[64];		/* the lexicon directory given to the loader */
	char files_dir[96];	/* dir, or dir/SUB, where the files go */
	const char *const *names;
	size_t n;
	struct ayak_buf shipped[LEXDIR_MAX];
} lexdir;

static void lexdir_write(size_t i, const void *p, size_t n)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", lexdir.files_dir, lexdir.names[i]);
	f = fopen(path, "wb");
	if (!f || (n && fwrite(p, 1, n, f) != n) || fclose(f))
		abort();
}

/* Every file the shipped one but file pick, which is p[0..n). */
static void lexdir_fill(size_t pick, const void *p, size_t n)
{
	size_t i;

	for (i = 0; i < lexdir.n; i++) {
		if (i == pick)
			lexdir_write(i, p, n);
		else
			lexdir_write(i, lexdir.shipped[i].data, lexdir.shipped[i].len);
	}
}

static void lexdir_cleanup(void)
{
	char path[256];
	size_t i;

	for (i = 0; i < lexdir.n; i++) {
		snprintf(path, sizeof(path), "%s/%s", lexdir.files_dir, lexdir.names[i]);
		unlink(path);
	}
	if (strcmp(lexdir.files_dir, lexdir.dir))
		rmdir(lexdir.files_dir);
	rmdir(lexdir.dir);
}

/* Make the directory (tag names it) and read the shipped files of sub ("" for none). */
static void lexdir_init(const char *tag, const char *sub, const char *const *names, size_t n)
{
	const char *top = getenv("AYAK_TOP");
	char path[4096];
	size_t i;

	if (n > LEXDIR_MAX)
		abort();
	lexdir.names = names;
	lexdir.n = n;
	snprintf(lexdir.dir, sizeof(lexdir.dir), "/tmp/ayak-fuzz-%s-XXXXXX", tag);
	if (!mkdtemp(lexdir.dir))
		abort();
	if (*sub) {
		snprintf(lexdir.files_dir, sizeof(lexdir.files_dir), "%s/%s", lexdir.dir, sub);
		if (mkdir(lexdir.files_dir, 0700))
			abort();
	} else {
		snprintf(lexdir.files_dir, sizeof(lexdir.files_dir), "%s", lexdir.dir);
	}
	atexit(lexdir_cleanup);
	for (i = 0; i < n; i++) {
		FILE *f;
		char chunk[65536];
		size_t got;

		snprintf(path, sizeof(path), "%s/lexicons/%s%s%s", top ? top : ".", sub,
			 *sub ? "/" : "", names[i]);
		f = fopen(path, "rb");
		if (!f)
			continue;
		while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0)
			if (ayak_buf_add(&lexdir.shipped[i], chunk, got))
				abort();
		fclose(f);
	}
}

#endif
