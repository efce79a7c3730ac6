/*
 * Fuzz target for ayak-lid's text path (lid_text_prepare, the features,
 * the models and the word odds) with the shipped model,
 * $AYAK_TOP/lexicons/lid/model.bin (or ./lexicons).  The input is the text,
 * bytes as they come (ill-formed UTF-8 included): ayak-lid reads whatever
 * a crawl holds.  It is classified whole, in --sample windows (the default
 * 1024 bytes in four, 200 in three, and a tiny 7 in one) and without the
 * word odds.  Properties checked
 * (abort() when one breaks):
 *
 *  - the label is one of the model's and its score is its probability;
 *  - the probabilities are finite, in [0, 1] and add up to 1;
 *  - lid_top() gives them best first;
 *  - the same text gives the same distribution, bit for bit, when it
 *    comes again after another text (nothing carries over between texts),
 *    and from a classifier without the word cache, which also reads every
 *    line of a text read by its lines (lid_classifier_lines_all());
 *  - read by its lines, a text has the whole text's result, to the bit,
 *    or another label;
 *  - reading the text with tokens read at once (ascii_token()) gives the
 *    words, letters and counts of reading it byte by byte, whole and in
 *    windows;
 *  - the classifier without the word cache also explains (lid_why(),
 *    which must change none of its results): the odds, the prior and the
 *    items are finite, the items' texts well-formed UTF-8, the prior and
 *    the items add up to the odds, and the first five asked for alone
 *    are the first five of all.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ayak.h"
#include "lid-impl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct lid_model *model;
static struct lid_classifier *clf, *plain;
static size_t nlabels;
static float *first;

static const char other[] = "Kerajaan akan memastikan bahawa setiap rakyat menerima bantuan.";

static int classify(const char *s, size_t n, const struct lid_opts *o)
{
	const float *p;
	float score, sum = 0;
	int label = lid_classify(clf, s, n, o, &score), top[8];
	float ts[8];
	size_t i, k;

	if (label < 0 || (size_t)label >= nlabels)
		abort();
	p = lid_probs(clf);
	for (i = 0; i < nlabels; i++) {
		if (!isfinite(p[i]) || p[i] < 0 || p[i] > 1)
			abort();
		sum += p[i];
	}
	if (fabsf(sum - 1) > 1e-3f || score != p[label])
		abort();
	k = lid_top(clf, top, ts, 8);
	if (k == 0 || top[0] != label)
		abort();
	for (i = 1; i < k; i++)
		if (ts[i] > ts[i - 1])
			abort();
	return label;
}

/* The explanation of plain's last text holds together. */
static void check_why(void)
{
	struct lid_why w;
	double sum, mag;
	size_t i;
	int r = lid_why(plain, SIZE_MAX, &w);

	if (r < 0)
		abort();
	if (r > 0) {
		if (w.nitems)
			abort();
		return;
	}
	if (!isfinite(w.odds) || !isfinite(w.prior))
		abort();
	sum = w.prior;
	mag = 1 + fabs(w.odds) + fabs(w.prior);
	for (i = 0; i < w.nitems; i++) {
		const struct lid_why_item *it = &w.items[i];

		if (!isfinite(it->nats) || it->count == 0 || it->len == 0 ||
		    ayak_utf8_valid_prefix(it->text, it->len) != it->len)
			abort();
		sum += it->nats;
		mag += fabs(it->nats);
	}
	if (fabs(sum - w.odds) > 1e-4 * mag || w.nitems != w.total)
		abort();
	/* the first few asked for: the same, in the same order */
	{
		struct lid_why_item first[5];
		size_t k = w.nitems < 5 ? w.nitems : 5, total = w.total;

		memcpy(first, w.items, k * sizeof(*first));
		if (lid_why(plain, 5, &w) || w.nitems != k || w.total != total)
			abort();
		for (i = 0; i < k; i++)
			if (w.items[i].text != first[i].text || w.items[i].nats != first[i].nats ||
			    w.items[i].count != first[i].count)
				abort();
	}
}

/* t and u, read from the same text, hold the same words, letters and counts */
static void same_text(const struct lid_text *t, const struct lid_text *u)
{
	size_t i;

	if (t->nwords != u->nwords || t->ncps != u->ncps || t->letters != u->letters ||
	    t->jawi != u->jawi || t->hans != u->hans || t->hant != u->hant ||
	    t->nscripts != u->nscripts ||
	    (t->ncps && memcmp(t->cps, u->cps, t->ncps * sizeof(*t->cps))) ||
	    memcmp(t->script_letters, u->script_letters, t->nscripts * sizeof(*t->script_letters)))
		abort();
	for (i = 0; i < t->nwords; i++)
		if (t->words[i].hash != u->words[i].hash || t->words[i].start != u->words[i].start ||
		    t->words[i].len != u->words[i].len || t->words[i].script != u->words[i].script ||
		    t->words[i].upper != u->words[i].upper)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct lid_opts opts[] = {
		{ 0, 0, 0 },			/* whole text, the model's word odds */
		{ LID_SAMPLE_DEFAULT, 0, 0 },	/* ayak-lid's default */
		{ 200, 0, 0 },			/* three windows of 66 bytes */
		{ 7, 0, 0 },			/* a window smaller than a character or two */
		{ 0, 1, 0 },			/* no word odds */
		{ LID_SAMPLE_DEFAULT, 0, 0, 1 },	/* by lines too (ayak-lid without --by) */
		{ 0, 0, 0, 1 },
		{ 200, 0, 0, 1 },
	};
	const char *s = (const char *)data;
	size_t i;

	if (!model) {
		char path[4096];
		const char *top = getenv("AYAK_TOP");
		struct ayak_err err;

		snprintf(path, sizeof(path), "%s/lexicons/" LID_MODEL_FILE, top ? top : ".");
		model = lid_model_load(path, &err);
		if (!model) {
			fprintf(stderr, "fuzz-lid-text: %s (set AYAK_TOP)\n", err.msg);
			abort();
		}
		clf = lid_classifier_new(model);
		plain = lid_classifier_new(model);
		nlabels = lid_model_nlabels(model);
		first = malloc(nlabels * sizeof(*first));
		if (!clf || !plain || !first)
			abort();
		lid_classifier_cache(plain, 0);
		if (lid_classifier_explain(plain, 1))
			abort();
		lid_classifier_lines_all(plain, 1);	/* every line read: the same results */
	}
	if (size > (1 << 18))
		return 0;
	for (i = 0; i < 3; i++) {
		static struct lid_text fast, slow;

		slow.byte_by_byte = 1;
		if (lid_text_prepare(&fast, s, size, opts[i].sample, model) ||
		    lid_text_prepare(&slow, s, size, opts[i].sample, model))
			abort();
		same_text(&fast, &slow);
	}
	for (i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
		int a = classify(s, size, &opts[i]), b;

		memcpy(first, lid_probs(clf), nlabels * sizeof(*first));
		classify(other, sizeof(other) - 1, &opts[i]);
		b = classify(s, size, &opts[i]);
		if (a != b || memcmp(first, lid_probs(clf), nlabels * sizeof(*first)))
			abort();
		if (lid_classify(plain, s, size, &opts[i], NULL) != a ||
		    memcmp(first, lid_probs(plain), nlabels * sizeof(*first)))
			abort();
		check_why();
		/* by lines: the whole text's result to the bit, or another label */
		if (opts[i].lines) {
			struct lid_opts whole = opts[i];

			whole.lines = 0;
			b = classify(s, size, &whole);
			if (a == b && memcmp(first, lid_probs(clf), nlabels * sizeof(*first)))
				abort();
		}
	}
	return 0;
}
