/*
 * dedup-perm: how to permute shingle hashes for MinHash, measured
 * (tests/bench/dedup.sh).
 *
 *	dedup-perm FILE
 *
 * Shingles the first 2000 records of FILE as ayak-dedup does, then
 *  - times 112 permutations per shingle: (a*h+b) mod 2^61-1 (the usual
 *    choice, as in datatrove and text-dedup) against ayak's
 *    (h ^ x) * m mod 2^64 in its portable, AVX2 and AVX-512 code paths;
 *  - checks how well each estimates Jaccard similarity: pairs made from
 *    real records by replacing a share of their shingles, so the exact
 *    similarity is known; bias and spread against the binomial's
 *    sqrt(J(1-J)/112).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dedup.h"
#include "json.h"
#include "stream.h"

#define K 112
#define P61 ((UINT64_C(1) << 61) - 1)
#define NDOCS 2000

static uint64_t A[K], B[K];

static uint64_t splitmix(uint64_t *s)
{
	uint64_t z = (*s += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static double now(void)
{
	struct timespec t;

	/* CPU time: the machine may be shared. */
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static inline uint64_t mod61(unsigned __int128 x)
{
	uint64_t r = (uint64_t)(x & P61) + (uint64_t)(x >> 61);

	return (r & P61) + (r >> 61);
}

static void mersenne(const uint64_t *h, size_t n, uint32_t *sig)
{
	uint64_t m[K];
	size_t i, j;

	for (i = 0; i < K; i++)
		m[i] = UINT64_MAX;
	for (j = 0; j < n; j++) {
		uint64_t x = h[j] & P61;

		for (i = 0; i < K; i++) {
			uint64_t v = mod61((unsigned __int128)A[i] * x + B[i]);

			m[i] = v < m[i] ? v : m[i];
		}
	}
	for (i = 0; i < K; i++)
		sig[i] = (uint32_t)(m[i] >> 29);
}

struct doc {
	uint64_t *sh;
	size_t n;
};

static void sign(struct dedup_minhash *m, const struct doc *d, uint32_t *sig, int scheme)
{
	if (scheme == 0) {
		mersenne(d->sh, d->n, sig);
		return;
	}
	m->sh = d->sh;
	m->nsh = d->n;
	dedup_minhash_sign(m, NULL);
	memcpy(sig, m->sig, K * sizeof(*sig));
}

int main(int argc, char **argv)
{
	static const char *const names[] = { "(a*h+b) mod 2^61-1, C", "(h^x)*m, portable C",
					     "(h^x)*m, AVX2", "(h^x)*m, AVX-512" };
	static const char *const impl[] = { NULL, "portable", "avx2", "avx512" };
	struct dedup_minhash m;
	struct ayak_reader *in;
	struct ayak_record rec;
	struct ayak_buf text = AYAK_BUF_INIT;
	struct ayak_line line;
	struct ayak_err err;
	struct doc docs[NDOCS];
	size_t nd = 0, total = 0, i;
	uint64_t seed = 1, *saved;
	uint64_t bytes = 0;
	int scheme;

	if (argc != 2) {
		fprintf(stderr, "usage: dedup-perm FILE\n");
		return 2;
	}
	for (i = 0; i < K; i++) {
		A[i] = splitmix(&seed) % (P61 - 1) + 1;
		B[i] = splitmix(&seed) % P61;
	}
	if (dedup_minhash_init(&m, DEDUP_UNIT_WORD, 5, 14, 8, 0))
		return 3;
	saved = m.sh;
	in = ayak_reader_new((const char *const *)argv + 1, 1, &err);
	if (!in) {
		fprintf(stderr, "dedup-perm: %s\n", err.msg);
		return 3;
	}
	ayak_record_init(&rec);
	while (nd < NDOCS && ayak_reader_next(in, &line, &err) > 0) {
		const struct ayak_field *f;

		if (ayak_record_parse(&rec, line.data, line.len, 0, &err) ||
		    !(f = ayak_record_get(&rec, "text", 4)))
			continue;
		ayak_buf_reset(&text);
		ayak_json_decode_string(line.data + f->val, f->val_len, &text, NULL, &err);
		m.sh = saved;
		if (dedup_shingle(&m, text.data ? text.data : "", text.len) < 8)
			continue;
		saved = m.sh;
		docs[nd].n = m.nsh;
		docs[nd].sh = malloc(m.nsh * sizeof(uint64_t));
		memcpy(docs[nd].sh, m.sh, m.nsh * sizeof(uint64_t));
		total += m.nsh;
		bytes += text.len;
		nd++;
	}
	printf("%zu records, %zu shingles (%.1f bytes of text per shingle)\n", nd, total,
	       (double)bytes / (double)total);
	printf("\n%-26s %12s %16s\n", "112 permutations", "ns/shingle", "MB/cpu-s of text");
	for (scheme = 0; scheme < 4; scheme++) {
		uint32_t sig[K];
		double t0, t;
		int reps = 0;

		if (impl[scheme] && dedup_minhash_set_impl(&m, impl[scheme])) {
			printf("%-26s %12s\n", names[scheme], "n/a (CPU)");
			continue;
		}
		t0 = now();
		do {
			for (i = 0; i < nd; i++)
				sign(&m, &docs[i], sig, scheme);
			reps++;
		} while ((t = now() - t0) < 0.5);
		printf("%-26s %12.1f %16.0f\n", names[scheme], t * 1e9 / ((double)total * reps),
		       (double)bytes * reps / t / 1e6);
	}
	/* Accuracy: B = A with a share of its shingles replaced. */
	printf("\n%-26s %6s %8s %8s %8s\n", "estimates of J", "J", "bias", "rms", "binomial");
	for (scheme = 0; scheme < 2; scheme++) {
		static const double want[] = { 0.5, 0.7, 0.8, 0.9 };
		size_t w;

		if (scheme == 1)
			dedup_minhash_set_impl(&m, "portable");
		for (w = 0; w < sizeof(want) / sizeof(want[0]); w++) {
			double sum = 0, sum2 = 0, jsum = 0, rms = 0, sd;
			uint64_t s2 = 99 + w;
			size_t used = 0;

			for (i = 0; i < nd; i++) {
				struct doc a = docs[i], b;
				uint32_t sa[K], sb[K];
				size_t k, eq = 0, u;
				double jac, est;

				/* Distinct shingles only, so J is exact. */
				b.n = a.n;
				b.sh = malloc(a.n * sizeof(uint64_t));
				/* replace r of n: J = (n-r)/(n+r) -> r = n(1-J)/(1+J) */
				u = (size_t)((double)a.n * (1 - want[w]) / (1 + want[w]) + 0.5);
				for (k = 0; k < a.n; k++)
					b.sh[k] = k < u ? splitmix(&s2) : a.sh[k];
				{
					/* exact J of the two multisets' distinct values */
					size_t same = 0, x, y, dup = 0;

					for (x = 0; x < a.n; x++)
						for (y = 0; y < x; y++)
							if (a.sh[x] == a.sh[y]) {
								dup = 1;
								break;
							}
					if (dup || a.n > 600) {
						free(b.sh);
						continue;
					}
					same = a.n - u;
					jac = (double)same / (double)(a.n + u);
				}
				sign(&m, &a, sa, scheme);
				sign(&m, &b, sb, scheme);
				for (k = 0; k < K; k++)
					eq += sa[k] == sb[k];
				est = (double)eq / K;
				sum += est - jac;
				sum2 += (est - jac) * (est - jac);
				jsum += jac;
				used++;
				free(b.sh);
			}
			if (!used)
				continue;
			jsum /= (double)used;
			/* rms and binomial sd without libm */
			rms = sum2 / (double)used;
			sd = jsum * (1 - jsum) / K;
			{
				double r = rms, s = sd;
				int it;

				for (it = 0, rms = r > 0 ? r : 1; it < 40; it++)
					rms = 0.5 * (rms + r / rms);
				for (it = 0, sd = s > 0 ? s : 1; it < 40; it++)
					sd = 0.5 * (sd + s / sd);
			}
			printf("%-26s %6.3f %+8.4f %8.4f %8.4f   (%zu pairs)\n", names[scheme], jsum,
			       sum / (double)used, rms, sd, used);
		}
	}
	m.sh = saved;
	for (i = 0; i < nd; i++)
		free(docs[i].sh);
	dedup_minhash_release(&m);
	ayak_record_release(&rec);
	ayak_reader_free(in);
	ayak_buf_release(&text);
	return 0;
}
