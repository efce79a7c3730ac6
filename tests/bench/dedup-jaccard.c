/*
 * dedup-jaccard: brute-force exact Jaccard similarity of every pair of
 * records in a (sample) file, for tests/bench/dedup.sh.
 *
 *	dedup-jaccard [-n NGRAM] [-c] [-m MIN] FILE > pairs.tsv
 *
 * Records are shingled exactly as ayak-dedup shingles them (word n-grams,
 * or character n-grams with -c), as sets of 32-bit shingle hashes.  Every
 * pair that shares a shingle is counted through an inverted index (the
 * same answer as comparing all n^2/2 pairs, without the pairs that share
 * nothing), and pairs with Jaccard >= MIN (default 0.5) are printed as
 * "i<TAB>j<TAB>J" with 0-based record numbers, i < j.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dedup.h"
#include "json.h"
#include "stream.h"

struct post {
	uint32_t sh, doc;
};

static int cmp_post(const void *a, const void *b)
{
	const struct post *x = a, *y = b;

	if (x->sh != y->sh)
		return x->sh < y->sh ? -1 : 1;
	return x->doc < y->doc ? -1 : x->doc > y->doc;
}

int main(int argc, char **argv)
{
	struct dedup_minhash m;
	struct ayak_reader *in;
	struct ayak_record rec;
	struct ayak_buf text = AYAK_BUF_INIT;
	struct ayak_line line;
	struct ayak_err err;
	struct post *post = NULL;
	size_t npost = 0, postcap = 0, ndocs = 0, doccap = 0, i, j;
	uint32_t *size = NULL, *cnt, *touched, *start;
	double min = 0.5;
	unsigned ngram = 5;
	int unit = DEDUP_UNIT_WORD, opt, r;
	uint64_t pairs = 0, counted = 0;

	while ((opt = getopt(argc, argv, "n:cm:")) != -1) {
		if (opt == 'n')
			ngram = (unsigned)atoi(optarg);
		else if (opt == 'c')
			unit = DEDUP_UNIT_CHAR;
		else if (opt == 'm')
			min = atof(optarg);
		else
			return 2;
	}
	if (optind + 1 != argc) {
		fprintf(stderr, "usage: dedup-jaccard [-n NGRAM] [-c] [-m MIN] FILE\n");
		return 2;
	}
	if (dedup_minhash_init(&m, unit, ngram, 1, 1, 0))
		return 3;
	in = ayak_reader_new((const char *const *)argv + optind, 1, &err);
	if (!in) {
		fprintf(stderr, "dedup-jaccard: %s\n", err.msg);
		return 3;
	}
	ayak_record_init(&rec);
	while ((r = ayak_reader_next(in, &line, &err)) > 0) {
		const struct ayak_field *f;
		uint32_t *set;
		size_t k;

		if (ayak_line_is_blank(line.data, line.len))
			continue;
		if (ayak_record_parse(&rec, line.data, line.len, 0, &err) ||
		    !(f = ayak_record_get(&rec, "text", 4)) || f->type != AYAK_JSON_STRING) {
			fprintf(stderr, "dedup-jaccard: %s:%llu: bad record\n", line.file,
				(unsigned long long)line.lineno);
			return 1;
		}
		ayak_buf_reset(&text);
		ayak_json_decode_string(line.data + f->val, f->val_len, &text, NULL, &err);
		if (dedup_shingle(&m, text.data ? text.data : "", text.len) < 0)
			return 3;
		set = malloc((m.nsh ? m.nsh : 1) * sizeof(*set));
		k = dedup_shingle_set(&m, set);
		if (ndocs == doccap) {
			doccap = doccap ? doccap * 2 : 1024;
			size = realloc(size, doccap * sizeof(*size));
		}
		size[ndocs] = (uint32_t)k;
		if (npost + k > postcap) {
			postcap = (npost + k) * 2;
			post = realloc(post, postcap * sizeof(*post));
		}
		for (i = 0; i < k; i++) {
			post[npost].sh = set[i];
			post[npost++].doc = (uint32_t)ndocs;
		}
		free(set);
		ndocs++;
	}
	if (r < 0) {
		fprintf(stderr, "dedup-jaccard: %s\n", err.msg);
		return 3;
	}
	qsort(post, npost, sizeof(*post), cmp_post);
	/* Each document's shingles, through the postings of each shingle. */
	start = malloc((npost + 1) * sizeof(*start));
	cnt = calloc(ndocs + 1, sizeof(*cnt));
	touched = malloc((ndocs + 1) * sizeof(*touched));
	{
		/* by document: (shingle run start) for each of its postings */
		struct post *bydoc = malloc((npost + 1) * sizeof(*bydoc));
		size_t *dstart = calloc(ndocs + 2, sizeof(*dstart));
		size_t run = 0;

		for (i = 0; i < npost; i++) {
			if (i && post[i].sh != post[i - 1].sh)
				run = i;
			start[i] = (uint32_t)run;
			dstart[post[i].doc + 1]++;
		}
		for (i = 0; i < ndocs; i++)
			dstart[i + 1] += dstart[i];
		{
			size_t *fill = malloc((ndocs + 1) * sizeof(*fill));

			memcpy(fill, dstart, (ndocs + 1) * sizeof(*fill));
			for (i = 0; i < npost; i++) {
				/* store the index of the posting, in sh field */
				bydoc[fill[post[i].doc]].sh = (uint32_t)i;
				bydoc[fill[post[i].doc]++].doc = post[i].doc;
			}
			free(fill);
		}
		for (i = 0; i < ndocs; i++) {
			size_t nt = 0, p;

			for (p = dstart[i]; p < dstart[i + 1]; p++) {
				size_t q = bydoc[p].sh, s = start[q];

				/* later documents with this shingle */
				for (j = q + 1; j < npost && post[j].sh == post[s].sh; j++) {
					uint32_t d = post[j].doc;

					if (!cnt[d]++)
						touched[nt++] = d;
					counted++;
				}
			}
			for (p = 0; p < nt; p++) {
				uint32_t d = touched[p];
				double jac = (double)cnt[d] / (size[i] + size[d] - cnt[d]);

				if (jac >= min) {
					printf("%zu\t%u\t%.4f\n", i, d, jac);
					pairs++;
				}
				cnt[d] = 0;
			}
		}
		free(bydoc);
		free(dstart);
	}
	fprintf(stderr, "dedup-jaccard: %zu records, %zu shingles, %llu shared-shingle counts, "
		"%llu pairs with J >= %.2f\n", ndocs, npost, (unsigned long long)counted,
		(unsigned long long)pairs, min);
	ayak_reader_free(in);
	ayak_record_release(&rec);
	dedup_minhash_release(&m);
	free(post);
	free(size);
	free(start);
	free(cnt);
	free(touched);
	ayak_buf_release(&text);
	return 0;
}
