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
#include <stdlib.h>
#include <string.h>

#include "norm.h"
#include "lexdir.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static const char *const files[] = { "words.txt", "slang.tsv", "jawi.tsv" };
#define NFILES (sizeof(files) / sizeof(files[0]))

static const char *const texts[] = {
	"yg ni tak boleh la, kanak2 sedappp sgt!!",
	"\xd8\xa8\xd9\x87\xd8\xa7\xd8\xb3 \xd9\x85\xd9\x84\xd8\xa7\xd9\x8a\xd9\x88 dan ",
	"Saya x tau apa2 pun. bgtu lah kot",
	"",
};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	lexdir_init("norm-lex", "norm", files, NFILES);
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
	lexdir_fill(pick, data + 1, size - 1);
	n = ayak_norm_new(AYAK_NORM_SLANG | AYAK_NORM_REDUP | AYAK_NORM_ELONG | AYAK_NORM_JAWI,
			  lexdir.dir, 1, &err);
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
