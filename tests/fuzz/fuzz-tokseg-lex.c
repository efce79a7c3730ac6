/*
 * Fuzz target for ayak-tok's lexicon loader (src/lib/tokseg.c):
 * tok-abbreviations.tsv, tok-clitics.tsv and tok-words.tsv.  The first byte
 * of the input picks the file the rest of the input replaces; the other two
 * are the shipped ones ($AYAK_TOP/lexicons or ./lexicons), or empty when
 * those are missing.  The files go to a private temporary lexicon
 * directory, and tokseg_new loads them with --split-clitics on.
 *
 * Properties checked (abort() when one breaks): loading either succeeds or
 * fails with a message that names the file and, for a bad line, the line,
 * as valid UTF-8 without control characters (the field is quoted safely);
 * when it succeeds, segmenting a few texts succeeds.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tokseg.h"
#include "lexdir.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static const char *const files[] = { "tok-abbreviations.tsv", "tok-clitics.tsv", "tok-words.tsv" };
#define NFILES (sizeof(files) / sizeof(files[0]))

static const char *const texts[] = {
	"Dr. Ali datang ke K.L. semalam. Bukunya hilang, katanya.",
	"anak-anak bermain-main dll. lalu pulang\nRM10.50 sahaja!",
	"",
};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	lexdir_init("tokseg-lex", "", files, NFILES);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tokseg_opts o = { 0 };
	struct tokseg *s;
	struct tokseg_result r;
	struct ayak_err err = { 0 };
	size_t pick, i, n;

	if (size < 1)
		return 0;
	pick = data[0] % NFILES;
	lexdir_fill(pick, data + 1, size - 1);
	o.lexicon_dir = lexdir.dir;
	o.split_clitics = 1;
	s = tokseg_new(&o, &err);
	if (!s) {
		n = strlen(err.msg);
		/* a failure always says why, in valid UTF-8 without control characters */
		if (!n || ayak_utf8_valid_prefix(err.msg, n) != n)
			abort();
		for (i = 0; i < n; i++)
			if ((unsigned char)err.msg[i] < 0x20 || err.msg[i] == 0x7F)
				abort();
		return 0;
	}
	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		if (tokseg_run(s, texts[i], strlen(texts[i]), 1, 1, &r, &err))
			abort();
	tokseg_free(s);
	return 0;
}
