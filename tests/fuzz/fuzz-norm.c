/*
 * Fuzz target for ayak-norm's engine (src/lib/norm*.c).  The first byte
 * of the input picks one of the engines below; the rest is the text.
 * Properties checked (abort() when one breaks):
 *
 *  - ayak_norm_text never fails on any bytes (no text here is too long);
 *  - the result is well-formed UTF-8 and in NFC (or NFKC);
 *  - the cleanup holds: no control characters but tab and line feed, no
 *    carriage return, no two spaces in a row, no space or line feed at
 *    either end, no line starting or ending with a space, no more blank
 *    lines in a row than allowed;
 *  - normalizing the result again changes nothing (idempotence).
 *
 * The engines with Malay rules read lexicons from $AYAK_TOP/lexicons (or
 * ./lexicons); without them only the others run.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/unorm2.h>

#include "icu.h"
#include "norm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static const unsigned engine_flags[] = {
	0,
	AYAK_NORM_NFKC | AYAK_NORM_PUNCT,
	AYAK_NORM_CASE_FOLD | AYAK_NORM_STRIP_ACCENTS,
	AYAK_NORM_SLANG | AYAK_NORM_REDUP | AYAK_NORM_ELONG,
	AYAK_NORM_SLANG | AYAK_NORM_KEEP_INFORMAL | AYAK_NORM_PUNCT,
	AYAK_NORM_JAWI | AYAK_NORM_SLANG | AYAK_NORM_CASE_FOLD,
	AYAK_NORM_NFKC | AYAK_NORM_PUNCT | AYAK_NORM_SLANG | AYAK_NORM_REDUP | AYAK_NORM_ELONG |
		AYAK_NORM_JAWI | AYAK_NORM_CASE_FOLD | AYAK_NORM_STRIP_ACCENTS,
};
#define NENGINES (sizeof(engine_flags) / sizeof(engine_flags[0]))

static struct engine {
	struct ayak_norm *e;
	unsigned flags, max_blank;
} engines[NENGINES];
static size_t nengines;
static struct ayak_buf out, again;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *top = getenv("AYAK_TOP");
	char lexdir[4096];
	struct ayak_err err;
	size_t i;

	(void)argc;
	(void)argv;
	snprintf(lexdir, sizeof(lexdir), "%s/lexicons", top ? top : ".");
	for (i = 0; i < NENGINES; i++) {
		struct engine *g = &engines[nengines];

		g->flags = engine_flags[i];
		g->max_blank = (unsigned)(i % 3);
		g->e = ayak_norm_new(g->flags, lexdir, g->max_blank, &err);
		if (g->e)
			nengines++;
		else if (!engine_flags[i])
			abort();	/* the default engine needs no lexicon */
	}
	return 0;
}

static void check_clean(const char *s, size_t n, unsigned max_blank, int nfkc)
{
	UErrorCode st = U_ZERO_ERROR;
	const UNormalizer2 *nf = nfkc ? unorm2_getNFKCInstance(&st) : unorm2_getNFCInstance(&st);
	struct ayak_ustr u = AYAK_USTR_INIT;
	struct ayak_err err;
	size_t i, nl = 0;

	if (ayak_utf8_valid_prefix(s, n) != n)
		abort();
	if (n && (s[0] == ' ' || s[0] == '\n' || s[n - 1] == ' ' || s[n - 1] == '\n'))
		abort();
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7F)
			abort();
		if (c == ' ' && i + 1 < n && (s[i + 1] == ' ' || s[i + 1] == '\n'))
			abort();
		if (c == '\n' && i + 1 < n && s[i + 1] == ' ')
			abort();
		nl = c == '\n' ? nl + 1 : 0;
		if (nl > max_blank + 1)
			abort();
	}
	if (ayak_utf8_to_utf16(s, n, &u, NULL, &err) ||
	    !unorm2_isNormalized(nf, u.data, u.len, &st) || U_FAILURE(st))
		abort();
	ayak_ustr_release(&u);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct engine *g;
	struct ayak_err err;
	int changed, changed2;
	const char *res;
	size_t reslen;

	if (!nengines)
		LLVMFuzzerInitialize(NULL, NULL);
	if (size == 0)
		return 0;
	g = &engines[data[0] % nengines];
	ayak_buf_reset(&out);
	if (ayak_norm_text(g->e, (const char *)data + 1, size - 1, &out, &changed, &err))
		abort();
	res = changed ? out.data : (const char *)data + 1;
	reslen = changed ? out.len : size - 1;
	if (!changed && ayak_utf8_valid_prefix(res, reslen) != reslen)
		abort();	/* unchanged must mean already valid */
	check_clean(res, reslen, g->max_blank, (g->flags & AYAK_NORM_NFKC) != 0);
	ayak_buf_reset(&again);
	if (ayak_norm_text(g->e, res, reslen, &again, &changed2, &err) || changed2)
		abort();
	return 0;
}
