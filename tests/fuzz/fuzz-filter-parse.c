/*
 * Fuzz target for ayak-filter's file parsers: profiles, rule files and
 * boilerplate lexicons.  The first byte of the input chooses the parser
 * (its value mod 3), the rest is the file.  Properties checked (abort()
 * when one breaks):
 *
 *  - a parse either succeeds or fails with a message, a file name and a
 *    line within the input (usage errors) or a system error;
 *  - a profile that parses leaves every parameter off or a finite,
 *    non-negative number (switches 1), and file lists of at most
 *    FILTER_MAX_FILES names;
 *  - a rule file that parses again from its own text fails (every name
 *    is then defined twice), unless it had no rules;
 *  - a lexicon that parses matches each of its own "line" entries.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "filter-int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned lines_in(const char *s, size_t n)
{
	unsigned k = 1;
	size_t i;

	for (i = 0; i < n; i++)
		k += s[i] == '\n';
	return k;
}

static void check_err(const struct ayak_err *err, const char *name, const char *text, size_t n)
{
	if (!err->msg[0])
		abort();
	if (err->code == AYAK_E_USAGE) {
		if (!err->file || strcmp(err->file, name) || err->line < 1 ||
		    err->line > lines_in(text, n))
			abort();
	} else if (err->code != AYAK_E_SYS) {
		abort();
	}
}

static void fuzz_profile(const char *text, size_t n)
{
	struct filter_params p;
	struct ayak_err err;
	int i;

	ayak_err_clear(&err);
	filter_params_init(&p);
	if (filter_profile_parse(&p, text, n, "fuzz.profile", "dir", &err)) {
		check_err(&err, "fuzz.profile", text, n);
	} else {
		for (i = 0; i < FP_COUNT; i++) {
			double v = p.v[i];

			if (!isnan(v) && (!isfinite(v) || v < 0))
				abort();
			if (filter_params_info[i].kind == FPK_BOOL && !isnan(v) && v != 1)
				abort();
			if (filter_params_info[i].kind == FPK_COUNT && !isnan(v) && v != floor(v))
				abort();
		}
		for (i = 0; i < FL_COUNT; i++)
			if (p.nfiles[i] < 0 || p.nfiles[i] > FILTER_MAX_FILES)
				abort();
	}
	filter_params_release(&p);
}

static void fuzz_rules(const char *text, size_t n)
{
	struct filter_rules *r = filter_rules_new();
	struct ayak_err err;

	ayak_err_clear(&err);
	if (filter_rules_parse(r, text, n, "fuzz.rules", 0, &err)) {
		check_err(&err, "fuzz.rules", text, n);
	} else if (filter_rules_count(r)) {
		ayak_err_clear(&err);
		if (!filter_rules_parse(r, text, n, "fuzz.rules", 0, &err))
			abort();
		check_err(&err, "fuzz.rules", text, n);
	}
	filter_rules_free(r);
}

static void fuzz_lexicon(const char *text, size_t n)
{
	struct fl_lexicon lx;
	struct ayak_buf norm = AYAK_BUF_INIT;
	struct ayak_err err;
	size_t pos = 0, len;
	const char *line;

	memset(&lx, 0, sizeof(lx));
	ayak_err_clear(&err);
	if (fl_lexicon_parse(&lx, text, n, "fuzz.tsv", &err)) {
		check_err(&err, "fuzz.tsv", text, n);
	} else {
		while (ayak_next_line(text, n, &pos, &line, &len)) {
			while (len && (line[len - 1] == ' ' || line[len - 1] == '\t' ||
				       line[len - 1] == '\r'))
				len--;
			if (len > 5 && !memcmp(line, "line\t", 5) &&
			    !fl_lexicon_match(&lx, line + 5, len - 5, &norm))
				abort();
		}
	}
	fl_lexicon_release(&lx);
	ayak_buf_release(&norm);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text;

	if (!size)
		return 0;
	text = (const char *)data + 1;
	switch (data[0] % 3) {
	case 0:
		fuzz_profile(text, size - 1);
		break;
	case 1:
		fuzz_rules(text, size - 1);
		break;
	default:
		fuzz_lexicon(text, size - 1);
	}
	return 0;
}
