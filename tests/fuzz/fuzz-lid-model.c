/*
 * Fuzz target for ayak-lid's model loader (lid_model_parse).  The input is
 * a model file.  It is parsed twice: with the checksum (as ayak-lid reads
 * it) and without (so that mutations get past the checksum and reach the
 * structure checks).  Properties checked (abort() when one breaks):
 *
 *  - a model that fails to load says why: AYAK_E_SYS and a message that
 *    starts with the file's name;
 *  - a model that loads has "und" and labels it can name;
 *  - classifying sample texts in Latin, Arabic (Jawi and not), Han, kana,
 *    Tamil and Cyrillic script, with and without sampling, gives a label
 *    of the model, probabilities that are finite, in [0, 1] and add up to
 *    1, and lid_top() in order;
 *  - whatever loads with the checksum also loads without it.
 *
 * Seeds: tests/fuzz/corpus/lid-model/ (small models trained on sentences
 * written for them, one with marker weight 3 and one with word odds, and
 * cut or damaged copies).
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lid.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const texts[] = {
	"",
	"Kerajaan akan memastikan bahawa semua rakyat mendapat bantuan kerana keadaan ekonomi.",
	"Pemerintah akan memastikan bahwa semua warga mendapat bantuan karena kondisi ekonomi.",
	"The government will make sure that every citizen gets help. https://example.com @user",
	"\xda\xa4\xd8\xb1\xd8\xa7\xd8\xb4\xd8\xaa\xd9\x87\xd8\xa7\xd8\xb1\xd9\x86 \xd8\xad\xd9\x82",
	"\xd9\x84\xd8\xa7 \xd9\x8a\xd8\xb9\xd8\xb1\xd8\xb6 \xd8\xa3\xd9\x8a \xd8\xa5\xd9\x86\xd8\xb3\xd8\xa7\xd9\x86",
	"\xe6\x88\x91\xe4\xbb\xac\xe7\x9a\x84\xe6\x94\xbf\xe5\xba\x9c \xe6\x88\x91\xe5\x80\x91\xe7\x9a\x84",
	"\xe3\x81\x93\xe3\x82\x93\xe3\x81\xab\xe3\x81\xa1\xe3\x81\xaf\xe5\x85\x83\xe6\xb0\x97",
	"\xe0\xae\x85\xe0\xae\xb0\xe0\xae\x9a\xe0\xae\xbe\xe0\xae\x99\xe0\xaf\x8d \xd0\x9f\xd1\x80\xd0\xb8",
	"\xff\xfe universiti kualitas \xc3 nak gak \xed\xa0\x80 aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
};

static void check(struct lid_model *m)
{
	struct lid_classifier *c = lid_classifier_new(m);
	size_t nl = lid_model_nlabels(m), t, k;

	if (!c)
		abort();
	if (lid_model_find(m, "und") < 0 || !lid_model_about(m) || !lid_model_version(m))
		abort();
	for (k = 0; k < nl; k++)
		if (!lid_model_label(m, k)[0])
			abort();
	for (t = 0; t < sizeof(texts) / sizeof(texts[0]); t++) {
		size_t samples[] = { 0, 64, 4096 }, si;

		for (si = 0; si < 3; si++) {
			struct lid_opts o = { samples[si] };
			float score = -1, sum = 0, scores[4];
			int labels[4];
			int l = lid_classify(c, texts[t], strlen(texts[t]), &o, &score);
			const float *p = lid_probs(c);
			size_t got;

			if (l < 0 || (size_t)l >= nl || !(score >= 0 && score <= 1.0001f))
				abort();
			for (k = 0; k < nl; k++) {
				if (!(p[k] >= 0 && p[k] <= 1.0001f))
					abort();
				sum += p[k];
			}
			if (fabsf(sum - 1.0f) > 1e-3f)
				abort();
			got = lid_top(c, labels, scores, 4);
			if (got == 0 || labels[0] != l)
				abort();
			for (k = 1; k < got; k++)
				if (scores[k] > scores[k - 1])
					abort();
		}
	}
	lid_classifier_free(c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ayak_err err;
	struct lid_model *m;
	int with_checksum = 0;

	m = lid_model_parse(data, size, "fuzz.bin", 0, &err);
	if (m) {
		with_checksum = 1;
		check(m);
		lid_model_free(m);
	} else if (err.code != AYAK_E_SYS || strncmp(err.msg, "fuzz.bin: ", 10)) {
		abort();
	}
	m = lid_model_parse(data, size, "fuzz.bin", LID_LOAD_NO_CHECKSUM, &err);
	if (!m) {
		if (with_checksum || err.code != AYAK_E_SYS || strncmp(err.msg, "fuzz.bin: ", 10))
			abort();
		return 0;
	}
	check(m);
	lid_model_free(m);
	return 0;
}
