/*
 * Fuzz target for ayak-norm's lexicon loaders (src/lib/norm_lex.c,
 * norm_jawi.c): norm/words.txt, norm/slang.tsv and norm/jawi.tsv.  The
 * first byte of the input picks the file the rest of the input replaces;
 * the other two are the shipped ones ($AYAK_TOP/lexicons or ./lexicons),
 * or empty when those are missing.  The files go to a private temporary
 * lexicon directory, and ayak_norm_new loads them with every Malay rule on.
 *
 * Properties checked (abort() when one breaks): loading either succeeds or
 * fails with a message, never crashes; when it succeeds, normalizing a few
 * texts succeeds and gives well-formed UTF-8.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "norm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static const char *const files[] = { "words.txt", "slang.tsv", "jawi.tsv" };
#define NFILES (sizeof(files) / sizeof(files[0]))
static struct ayak_buf shipped[NFILES];
static char dir[64];

static const char *const texts[] = {
	"yg ni tak boleh la, kanak2 sedappp sgt!!",
	"\xd8\xa8\xd9\x87\xd8\xa7\xd8\xb3 \xd9\x85\xd9\x84\xd8\xa7\xd9\x8a\xd9\x88 dan ",
	"Saya x tau apa2 pun. bgtu lah kot",
	"",
};

static void write_file(const char *name, const void *p, size_t n)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/norm/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || (n && fwrite(p, 1, n, f) != n) || fclose(f))
		abort();
}

static void cleanup(void)
{
	char path[128];
	size_t i;

	for (i = 0; i < NFILES; i++) {
		snprintf(path, sizeof(path), "%s/norm/%s", dir, files[i]);
		unlink(path);
	}
	snprintf(path, sizeof(path), "%s/norm", dir);
	rmdir(path);
	rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *top = getenv("AYAK_TOP");
	char path[4096], sub[96];
	size_t i;

	(void)argc;
	(void)argv;
	strcpy(dir, "/tmp/ayak-fuzz-norm-lex-XXXXXX");
	if (!mkdtemp(dir))
		abort();
	snprintf(sub, sizeof(sub), "%s/norm", dir);
	if (mkdir(sub, 0700))
		abort();
	atexit(cleanup);
	for (i = 0; i < NFILES; i++) {
		FILE *f;
		char chunk[65536];
		size_t n;

		snprintf(path, sizeof(path), "%s/lexicons/norm/%s", top ? top : ".", files[i]);
		f = fopen(path, "rb");
		if (!f)
			continue;
		while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
			if (ayak_buf_add(&shipped[i], chunk, n))
				abort();
		fclose(f);
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ayak_norm *n;
	struct ayak_err err = { 0 };
	struct ayak_buf out = AYAK_BUF_INIT;
	size_t pick, i;
	int changed;

	if (size < 1)
		return 0;
	pick = data[0] % NFILES;
	for (i = 0; i < NFILES; i++) {
		if (i == pick)
			write_file(files[i], data + 1, size - 1);
		else
			write_file(files[i], shipped[i].data, shipped[i].len);
	}
	n = ayak_norm_new(AYAK_NORM_SLANG | AYAK_NORM_REDUP | AYAK_NORM_ELONG | AYAK_NORM_JAWI,
			  dir, 1, &err);
	if (!n) {
		if (!err.msg[0])
			abort();	/* a failure always says why */
		return 0;
	}
	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		out.len = 0;
		if (ayak_norm_text(n, texts[i], strlen(texts[i]), &out, &changed, &err))
			abort();
		if (changed && ayak_utf8_valid_prefix(out.data, out.len) != out.len)
			abort();
	}
	ayak_buf_release(&out);
	ayak_norm_free(n);
	return 0;
}
