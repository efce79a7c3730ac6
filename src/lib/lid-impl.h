/*
 * Inside the ayak-lid model: shared by lid.c (loading, classifying) and
 * lid-train.c (writing).  Programs use lid.h only.
 *
 * File layout (all integers little-endian):
 *
 *   text    "ayak-lid model\n", then lines "key: value" (version, sources,
 *           settings, licenses), ended by an empty line; then NUL bytes up
 *           to a multiple of 64
 *   header  struct lid_file_head (64 bytes)
 *   payload labels      nlabels x 16 bytes, NUL-padded
 *           markers     nmarkers x struct lid_file_marker
 *           han tables  2 bitmaps of LID_HAN_BITS bits (simplified-only,
 *                       traditional-only), if flags & LID_HAS_HAN
 *           dictionary  ndict x u64: lid_word_hash of the words of a
 *                       Malaysian Malay dictionary (hashes, no text)
 *           padding     to a multiple of 64
 *           word odds   if flags & LID_HAS_NB: int8[2^nb_bits], the log-odds
 *                       Malaysian : Indonesian of the words and pairs of words
 *                       in each bucket (times nb_scale), then padding to 64
 *           submodels   nsubs x (struct lid_file_sub, labels u16[stride],
 *                       bias float[stride], padding to 64, weights
 *                       int8[2^bits][stride])
 *   The checksum is XXH64 (seed 0) of the whole file, the checksum field
 *   taken as 0: see lid_checksum().
 */
#ifndef AYAK_LID_IMPL_H
#define AYAK_LID_IMPL_H

#include "lid.h"

#define LID_MAGIC "AYAKLID\x01"
#define LID_FORMAT 1
#define LID_MAX_SUBS 8
#define LID_MAX_MARK_WEIGHT 8
#define LID_MAX_LABELS 1024
#define LID_MAX_BITS 24
#define LID_MAX_STRIDE 256
#define LID_RSQRT_N 1024
#define LID_WORD_MAX 40			/* letters: a longer word gives no features */
#define LID_HAN_LO 0x3400u
#define LID_HAN_HI 0x9fffu
#define LID_HAN_BITS (LID_HAN_HI - LID_HAN_LO + 1)
#define LID_HAS_HAN 1u
#define LID_HAS_NB 2u			/* the word odds table */
#define LID_NB_MIN_BITS 10
#define LID_MARK_KEY (~(uint64_t)0xffff)	/* the part of a marker hash the table keeps */

struct lid_file_head {
	char magic[8];
	uint32_t format;
	uint32_t flags;
	uint32_t nlabels;
	uint32_t nmarkers;
	uint32_t nsubs;
	uint32_t suffix_lens;		/* bit L set: some suffix marker has L letters */
	uint64_t payload;		/* bytes after this header */
	uint64_t checksum;
	uint32_t ndict;			/* dictionary word hashes */
	uint32_t nb_bits;		/* word odds: 2^nb_bits buckets (LID_HAS_NB) */
	float nb_scale;			/* log-odds = int8 * nb_scale */
	float nb_weight;		/* how much of them the zsm/ind decision adds */
};

struct lid_file_marker {
	uint64_t hash;			/* lid_word_hash of the word ("-" + ending for suffixes) */
	uint32_t bits;			/* LID_MARK_* */
	uint32_t reserved;
};

struct lid_file_sub {
	char name[8];
	uint32_t nclass;
	uint32_t stride;		/* nclass rounded up to a multiple of 16 */
	uint32_t bits;
	uint32_t flags;
	float scale;			/* weight = int8 * scale */
	uint32_t mark_weight;		/* each marker feature counts this many times (0: once) */
	uint32_t reserved[2];
};

struct lid_sub {
	char name[8];
	uint32_t nclass, stride, bits, flags;
	float scale;
	const uint16_t *labels;
	float bias[LID_MAX_STRIDE];	/* copied out of the file: floats need no alignment there */
	const int8_t *w;
	int script;			/* UScriptCode it serves, or -1 (msa) */
	/* its classes whose labels are in the msa group, and the others, in order */
	uint16_t grp[LID_MAX_STRIDE], out[LID_MAX_STRIDE];
	uint32_t ngrp, nout;
	uint16_t grp_label[LID_MAX_STRIDE], out_label[LID_MAX_STRIDE];	/* their labels */
	int out_once;			/* no label in out twice */
	int16_t out_at[LID_MAX_LABELS];	/* per label: its class in out, or -1 (used if out_once) */
	int grp_once;			/* no label in grp twice */
	int16_t grp_at[LID_MAX_LABELS];	/* per label: its class in grp, or -1 (used if grp_once) */
};

struct lid_model {
	unsigned char *buf;		/* the whole file, 64-byte aligned */
	size_t size;
	char *about;			/* text part, NUL-terminated (own copy) */
	char version[64];
	uint32_t nlabels;
	const char (*labels)[LID_LABEL_MAX];
	/* markers: open addressing table of hashes */
	uint64_t *mkeys;		/* (hash & LID_MARK_KEY) | LID_MARK_* bits; 0: empty */
	size_t mmask;
	uint64_t mbloom[8192];		/* one bit per marker hash (its top 19 bits): most words skip the table */
	uint32_t suffix_lens;
	const uint8_t *hans, *hant;	/* bitmaps, or NULL */
	/* dictionary: open addressing table of word hashes */
	uint64_t *dkeys;
	size_t dmask;
	unsigned mark_weight;		/* of the submodels with markers (they agree); 0: once */
	/* word odds Malaysian : Indonesian, or nb NULL */
	const int8_t *nb;
	unsigned nb_bits;
	float nb_scale, nb_weight;
	int msa_zsm, msa_ind;		/* classes of zsm_Latn and ind_Latn in the msa submodel, or -1 */
	struct lid_sub subs[LID_MAX_SUBS];
	size_t nsubs;
	int msa;			/* index of the "msa" submodel, or -1 */
	unsigned char *in_msa;		/* per label: in the msa group */
	float rsqrt[LID_RSQRT_N];	/* lid_rsqrt(n), n < LID_RSQRT_N: a short text's, looked up */
	/* labels the rules use, or -1 */
	int und, zsm_arab, jpn, zho_hans, zho_hant;
	/* route per UScriptCode: label >= 0, submodel -(i + 2), or -1 none */
	int *route;
	int nroute;
};

/*
 * Arithmetic without libm (the build does not link it), and the same on
 * every C library: exp for x <= 88, 1/sqrt(n), log for x > 0.
 */
static inline float lid_expf(float x)
{
	union { float f; uint32_t u; } s;
	float kf, r, p;
	int k;

	if (x < -87.0f)
		return 0;
	if (x > 88.0f)
		x = 88.0f;
	kf = x * 1.44269504f;
	k = (int)(kf + (kf >= 0 ? 0.5f : -0.5f));
	r = x - (float)k * 0.693145752f - (float)k * 1.42860677e-6f;
	p = 1 + r * (1 + r * (0.5f + r * (1.0f / 6 + r * (1.0f / 24 + r * (1.0f / 120 +
		r * (1.0f / 720))))));
	s.u = (uint32_t)(k + 127) << 23;
	return p * s.f;
}

static inline float lid_rsqrt(size_t n)
{
	double x = (double)n, y = 1;
	int i;

	if (n == 0)
		return 0;
	/* Newton's iteration for sqrt from a power of two near it */
	while (y * y * 4 < x)
		y *= 2;
	for (i = 0; i < 6; i++)
		y = 0.5 * (y + x / y);
	return (float)(1.0 / y);
}

static inline double lid_log(double x)
{
	union { double d; uint64_t u; } v;
	double m, s, s2;
	int e;

	if (!(x > 0))
		return -745;
	v.d = x;
	e = (int)((v.u >> 52) & 0x7ff) - 1023;
	v.u = (v.u & ~(0x7ffULL << 52)) | (1023ULL << 52);
	m = v.d;
	s = (m - 1) / (m + 1);
	s2 = s * s;
	return e * 0.6931471805599453 +
	       2 * s * (1 + s2 * (1.0 / 3 + s2 * (1.0 / 5 + s2 * (1.0 / 7 + s2 * (1.0 / 9 +
		s2 * (1.0 / 11 + s2 / 13))))));
}

/* XXH64 of the text part, the header (its checksum field as 0) and the payload. */
uint64_t lid_checksum(const void *text, size_t ntext, const struct lid_file_head *head,
		      const void *payload, size_t npayload);

/*
 * Build the derived tables (markers, routes) of m once its fields are set:
 * AYAK_E_DATA when the fields do not hold together, AYAK_E_SYS when out
 * of memory.
 */
int lid_model_index(struct lid_model *m, const struct lid_file_marker *marks, size_t nmarks,
		    const uint64_t *dict, size_t ndict, struct ayak_err *err);
/*
 * Tests: words with more than max_feats features are no longer kept in the
 * classifier's word cache (0: no cache; SIZE_MAX: as it is; see lid.c).
 * Returns how many words it has found there so far.
 */
struct lid_classifier;
size_t lid_classifier_cache(struct lid_classifier *c, size_t max_feats);
/*
 * Tests: with all, a text read by its lines has every line's distribution
 * computed, none left out once the text's own label is sure to stand (see
 * lines_decide() in lid.c): the same results, slower.
 */
void lid_classifier_lines_all(struct lid_classifier *c, int all);
/*
 * acc[0..stride) = the sum of the int8 rows w + f[i] * stride, i < nf (rows
 * 16-byte aligned, stride a multiple of 16).  LID_PATH_BEST takes the
 * fastest code the CPU runs; the others are there so that the tests can
 * check that every path gives the same sums.
 */
enum lid_path { LID_PATH_BEST, LID_PATH_SSE2, LID_PATH_C };
void lid_accumulate(const int8_t *w, size_t stride, const uint32_t *f, size_t nf, int32_t *acc,
		    enum lid_path path);
/* out[0..stride) = the sum of the same rows, nf <= 256. */
void lid_row_sums16(const int8_t *w, size_t stride, const uint32_t *f, size_t nf, int16_t *out,
		    enum lid_path path);
/*
 * logit[k] = bias[k] + norm * acc[k] and sp[0..n) their softmax; logit and
 * sp have room for n rounded up to 8.  Every path gives the same bits.
 */
void lid_softmax(const float *bias, float norm, const int64_t *acc, size_t n, float *logit,
		 float *sp, enum lid_path path);
/*
 * p[k] = 1 where p[k] > 1, k < n; returns the first k of their maximum (0
 * when none is above -1).  Every path gives the same.
 */
size_t lid_clamp_argmax(float *p, size_t n, enum lid_path path);
/* acc[k] += v[k], k < n.  Every path gives the same. */
void lid_add_wide(int64_t *acc, const int32_t *v, size_t n, enum lid_path path);
/*
 * For each label l < n with a class at[l] >= 0: probs[l] += a * sp[at[l]],
 * then, unless d is 0, probs[l] += b * sp[at[l]] / d.  Every path gives
 * the same bits.
 */
void lid_add_shares(float *probs, const int16_t *at, size_t n, const float *sp, float a, float b,
		    float d, enum lid_path path);
/*
 * The buckets (bits wide) of the features key[0..n) whose type flags keeps,
 * into v, in order; returns how many.  A key is a feature's hash times the
 * golden ratio, its type in the low 4 bits.  v has room for n.
 */
size_t lid_bucket_keys(const uint64_t *key, size_t n, unsigned flags, unsigned bits, uint32_t *v,
		       enum lid_path path);
/*
 * What reading a text asks ICU of code point cp: kept in t a page of 256
 * at a time for the BMP, else (or out of memory) asked into *tmp.
 */
enum { LID_CP_OTHER, LID_CP_LETTER, LID_CP_MARK };
struct lid_cpinfo {
	uint32_t lower;			/* u_tolower() */
	int16_t script;			/* uscript_getScript(), -1 when it fails */
	uint8_t kind;			/* LID_CP_LETTER, _MARK or _OTHER, by u_charType() */
	uint8_t upper;			/* u_isupper() || u_istitle() */
};
const struct lid_cpinfo *lid_cp_info(struct lid_text *t, uint32_t cp, struct lid_cpinfo *tmp);

/* The UScriptCode of a label's script suffix ("zsm_Latn" -> Latin), or -1. */
int lid_label_script(const char *label);
/* A space, tab or line end, as words are split at (lid.c's rule, shared with lid-switch.c). */
int lid_is_space(unsigned char c);
/* Is the space-delimited token p[0..n) a URL, an e-mail address or a @handle? */
int lid_skip_token(const unsigned char *p, size_t n);

#endif
