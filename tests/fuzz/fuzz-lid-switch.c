/*
 * Fuzz target for ayak-lid --by word: the switch-words parser
 * (lid_switch_words_parse) and the split (lid_switch_runs), with the
 * shipped model and table, $AYAK_TOP/lexicons/lid/ (or ./lexicons).  The
 * input is parsed as a table, and split as a text, bytes as they come
 * (ill-formed UTF-8 included).  Properties checked (abort() when one breaks):
 *
 *  - a table that fails to load says why: AYAK_E_SYS and a message that
 *    starts with the file's name; one that loads has no more entries than
 *    lines, and splits a Manglish line (its lookups run);
 *  - the runs of a text are in order, not empty, do not overlap and end
 *    within the text; their labels are the model's, their scores finite
 *    and in [0, 1], their letters no more than the text's bytes;
 *  - the same text gives the same runs when it comes again after another
 *    (nothing carries over between texts).
 *
 * Seeds: tests/fuzz/corpus/lid-switch/ (tables good and bad, code-switched
 * lines in several scripts).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lid.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct lid_model *model;
static struct lid_switch_words *words;
static struct lid_classifier *clf;
static struct lid_switch *sw;

static const char manglish[] = "Aku rasa this movie is so good lah, tapi tiket mahal sangat";

static size_t split(struct lid_switch *s, const char *text, size_t n, struct lid_run **runs,
		    size_t *alloc)
{
	ssize_t k = lid_switch_runs(s, clf, text, n, NULL, 2.0, runs, alloc);
	size_t i, letters = 0;

	if (k < 0)
		abort();
	for (i = 0; i < (size_t)k; i++) {
		const struct lid_run *r = &(*runs)[i];

		if (r->start >= r->end || r->end > n || (i && r->start < (*runs)[i - 1].end))
			abort();
		if (r->label < 0 || (size_t)r->label >= lid_model_nlabels(model))
			abort();
		if (!isfinite(r->score) || r->score < 0 || r->score > 1 || !r->words)
			abort();
		letters += r->letters;
	}
	if (letters > n)
		abort();
	return (size_t)k;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct lid_run *runs, *again;
	static size_t nruns, nagain;
	const char *s = (const char *)data;
	struct lid_switch_words *t;
	struct ayak_err err;
	size_t k, i, lines = 1;

	if (!model) {
		char path[4096];
		const char *top = getenv("AYAK_TOP");

		snprintf(path, sizeof(path), "%s/lexicons/" LID_MODEL_FILE, top ? top : ".");
		model = lid_model_load(path, &err);
		snprintf(path, sizeof(path), "%s/lexicons/" LID_SWITCH_FILE, top ? top : ".");
		words = model ? lid_switch_words_load(path, &err) : NULL;
		if (!words) {
			fprintf(stderr, "fuzz-lid-switch: %s (set AYAK_TOP)\n", err.msg);
			abort();
		}
		clf = lid_classifier_new(model);
		sw = lid_switch_new(words);
		if (!clf || !sw)
			abort();
	}
	if (size > (1 << 18))
		return 0;

	t = lid_switch_words_parse("fuzz", s, size, &err);
	if (!t) {
		if (err.code != AYAK_E_SYS || strncmp(err.msg, "fuzz", 4))
			abort();
	} else {
		struct lid_switch *mine = lid_switch_new(t);

		for (i = 0; i < size; i++)
			lines += s[i] == '\n';
		if (!mine || lid_switch_words_count(t) > lines)
			abort();
		split(mine, manglish, sizeof(manglish) - 1, &runs, &nruns);
		lid_switch_free(mine);
		lid_switch_words_free(t);
	}

	k = split(sw, s, size, &runs, &nruns);
	split(sw, manglish, sizeof(manglish) - 1, &again, &nagain);
	if (split(sw, s, size, &again, &nagain) != k)
		abort();
	for (i = 0; i < k; i++)
		if (runs[i].start != again[i].start || runs[i].end != again[i].end ||
		    runs[i].label != again[i].label || runs[i].score != again[i].score)
			abort();
	return 0;
}
