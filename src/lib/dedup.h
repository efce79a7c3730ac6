/*
 * Deduplication for ayak-dedup: text keys, MinHash signatures, an external
 * sorter, the stage files of the sharded mode, and clustering.
 *
 * Every kind of duplicate is found the same way: each document gives keys
 * (an exact hash, 14 LSH band keys, a URL hash, line hashes), every key
 * becomes a record [key..., doc, (rank)] of 64-bit words, the records are
 * sorted (in memory, spilling sorted runs to disk beyond a memory bound),
 * and runs of equal keys are groups.  Groups of exact keys and LSH buckets
 * link documents into clusters (union-find); one document per cluster is
 * kept.  Nothing here depends on how the documents are split into shards,
 * so a sharded run gives what one node gives.
 *
 * Documents are named by a 64-bit doc id, shard << 40 | index in the
 * shard, which sorts in input order.  One node uses shard 0.
 */
#ifndef AYAK_DEDUP_H
#define AYAK_DEDUP_H

#include <stdio.h>

#include "ayak.h"

#define DEDUP_SHARD_SHIFT 40
#define DEDUP_DOC(shard, idx) (((uint64_t)(shard) << DEDUP_SHARD_SHIFT) | (uint64_t)(idx))
#define DEDUP_DOC_SHARD(doc) ((doc) >> DEDUP_SHARD_SHIFT)
#define DEDUP_DOC_INDEX(doc) ((doc) & ((UINT64_C(1) << DEDUP_SHARD_SHIFT) - 1))

/* ---- text ---- */

enum dedup_canon {
	DEDUP_CANON_NONE = 0,	/* the text as it is */
	DEDUP_CANON_SPACE,	/* white space collapsed to one space, ends trimmed */
	DEDUP_CANON_CASE,	/* SPACE, and case folded */
	DEDUP_CANON_PUNCT,	/* words only (letters, digits, marks), case folded */
};

/* Canonical form of s[0..n) (valid UTF-8); replaces out's contents. */
int dedup_canon(const char *s, size_t n, int canon, struct ayak_buf *out);
/*
 * XXH3-128 of dedup_canon(s, n, canon) (h[0] its high half), the form made
 * a part at a time where it can be (not PUNCT), so that a long text is not
 * held twice; out is scratch.  0, or -1 when out of memory.
 */
int dedup_canon_hash(const char *s, size_t n, int canon, struct ayak_buf *out, uint64_t h[2]);
/*
 * The same of a JSON string s[0..n), quotes included, without decoding it
 * first for the SPACE and CASE forms (scratch is used for the others).
 */
int dedup_canon_json(const char *s, size_t n, int canon, struct ayak_buf *out,
		     struct ayak_buf *scratch);

/*
 * Words: runs of letters, digits and marks, case folded; every other
 * character separates words.  A character of a script written without
 * spaces (Han, kana, Thai, Lao, Khmer, Myanmar) is a word by itself.
 * Calls fn for each word (folded UTF-8 bytes); stops when fn returns
 * non-zero and returns that.
 */
int dedup_words(const char *s, size_t n,
		int (*fn)(void *ctx, const char *w, size_t len), void *ctx,
		struct ayak_buf *scratch);

/* Length of s in Unicode scalar values. */
uint64_t dedup_chars(const char *s, size_t n);

/*
 * URL key: scheme dropped (http and https alike), host lower-cased without
 * a leading "www." and a default port, user name dropped, fragment
 * dropped, an empty query dropped, trailing slashes of the path dropped.
 * Returns 0 with the key in out, 1 when s is not an absolute http(s) URL
 * (out then holds s without surrounding white space), -1 when out of
 * memory.
 */
int dedup_url_key(const char *s, size_t n, struct ayak_buf *out);

/*
 * A line as repeated-line removal compares it: case folded, digits made
 * 0, punctuation and symbols dropped, white space collapsed.  Empty when
 * nothing is left.
 */
int dedup_line_norm(const char *s, size_t n, struct ayak_buf *out);

/*
 * ISO 8601 date or date-time (2024-06-01, 2024-06-01T12:00:00Z,
 * 2024-06-01 12:00:00+08:00, fractions of a second) to seconds since the
 * epoch.  -1 if s is not one.
 */
int dedup_parse_date(const char *s, size_t n, double *out);

/* A rank that sorts as the double x does, above 0 (0 means no value). */
uint64_t dedup_rank_of_double(double x);

/* ---- MinHash ---- */

enum { DEDUP_UNIT_WORD = 0, DEDUP_UNIT_CHAR = 1 };

#define DEDUP_MAX_HASHES 1024

struct dedup_minhash {
	int unit;
	unsigned ngram, bands, rows;
	uint64_t seed;
	uint64_t *xr, *mul;	/* bands*rows permutations: (h ^ xr) * mul */
	uint64_t *mins;		/* bands*rows running minima */
	uint32_t *sig;		/* the signature: top 32 bits of each minimum */
	uint64_t *tok;		/* token hashes of the document */
	size_t ntok, tokcap;
	uint64_t *sh;		/* shingle hashes: tok's array, made in place */
	size_t nsh;
	uint32_t *set_tmp;	/* dedup_shingle_set's sort */
	size_t set_tmpcap;
	size_t flush_at;	/* tokens that make a block (dedup_shingle_sign), else SIZE_MAX */
	struct ayak_buf scratch;
	int simd;		/* 2: AVX-512, 1: AVX2, 0: portable C */
};

int dedup_minhash_init(struct dedup_minhash *m, int unit, unsigned ngram,
		       unsigned bands, unsigned rows, uint64_t seed);
void dedup_minhash_release(struct dedup_minhash *m);
/* Force the portable code (tests compare it with the SIMD code). */
void dedup_minhash_force_portable(struct dedup_minhash *m);
/* Use the code path "avx512", "avx2" or "portable"; -1 if this CPU has not got it. */
int dedup_minhash_set_impl(struct dedup_minhash *m, const char *name);
/* Name of the code path in use: "avx512", "avx2" or "portable". */
const char *dedup_minhash_impl(const struct dedup_minhash *m);

/*
 * Shingle s[0..n): word n-grams (or character n-grams), each hashed to 64
 * bits, into m->sh[0..m->nsh).  A text with fewer tokens than ngram gives
 * one shingle of all of them; a text with none gives none.  Returns nsh,
 * or -1 when out of memory.
 */
ssize_t dedup_shingle(struct dedup_minhash *m, const char *s, size_t n);
/* The signature (m->sig) of the shingles in m->sh, and its band keys. */
void dedup_minhash_sign(struct dedup_minhash *m, uint64_t *band_keys);
/*
 * dedup_shingle() and dedup_minhash_sign() in one, a block of shingles at a
 * time, so that memory does not grow with the text; m->sh is not kept.
 * Returns the number of shingles (none: no signature), or -1 when out of
 * memory.
 */
ssize_t dedup_shingle_sign(struct dedup_minhash *m, const char *s, size_t n,
			   uint64_t *band_keys);
/* Free what one long text made the per-text arrays grow to (they grow back as needed). */
void dedup_minhash_trim(struct dedup_minhash *m);
/*
 * The sorted, distinct 32-bit shingle hashes, for exact Jaccard (--verify):
 * reorders m->sh and returns the count written to out (room for m->nsh).
 */
size_t dedup_shingle_set(struct dedup_minhash *m, uint32_t *out);
double dedup_jaccard(const uint32_t *a, size_t na, const uint32_t *b, size_t nb);
/* Probability that a pair of Jaccard similarity s shares a band: 1-(1-s^r)^b. */
double dedup_lsh_prob(double s, unsigned bands, unsigned rows);

/* ---- sorted record streams ---- */

#define DEDUP_MAX_WORDS 16	/* a cluster task's marker has 9 */

/* A stream of records of nw 64-bit words, in ascending order. */
struct dedup_stream {
	unsigned nw;
	/* 1 and *rec set, 0 at the end, -1 with err set. */
	int (*next)(struct dedup_stream *s, const uint64_t **rec, struct ayak_err *err);
	void (*free)(struct dedup_stream *s);
};

static inline int dedup_stream_next(struct dedup_stream *s, const uint64_t **rec,
				    struct ayak_err *err)
{
	return s->next(s, rec, err);
}
void dedup_stream_free(struct dedup_stream *s);

/* Records compare word by word, word 0 first. */
static inline int dedup_rec_cmp(const uint64_t *a, const uint64_t *b, unsigned nw)
{
	unsigned i;

	for (i = 0; i < nw; i++)
		if (a[i] != b[i])
			return a[i] < b[i] ? -1 : 1;
	return 0;
}

/* Sort n records of nw words in place (MSD radix sort). */
void dedup_sort_records(uint64_t *a, size_t n, unsigned nw);

/* A stream over n sorted records in memory (not copied, not freed). */
struct dedup_stream *dedup_stream_mem(const uint64_t *a, size_t n, unsigned nw);
/* Merge sorted streams into one; takes ownership of them. */
struct dedup_stream *dedup_stream_merge(struct dedup_stream **in, size_t n,
					struct ayak_err *err);

/*
 * A spool: records kept in the order added, in an unlinked temporary file
 * in tmpdir, read back once as a stream (which owns the file; s is freed).
 */
struct dedup_spool;
struct dedup_spool *dedup_spool_new(const char *tmpdir, unsigned nw, struct ayak_err *err);
int dedup_spool_add(struct dedup_spool *s, const uint64_t *rec, struct ayak_err *err);
struct dedup_stream *dedup_spool_finish(struct dedup_spool *s, struct ayak_err *err);
void dedup_spool_free(struct dedup_spool *s);

/* ---- external sorter ---- */

/* A memory budget shared by sorters; beyond it they spill sorted runs. */
struct dedup_mem {
	uint64_t limit;		/* bytes for sort buffers */
	uint64_t used;
	const char *tmpdir;
	struct dedup_sorter **sorters;
	size_t nsorters;
	uint64_t runs;		/* runs spilled, for --stats */
	uint64_t spilled;	/* bytes spilled */
	uint64_t peak;		/* most bytes of buffers at once */
};

struct dedup_sorter;

void dedup_mem_init(struct dedup_mem *mem, uint64_t limit, const char *tmpdir);
void dedup_mem_release(struct dedup_mem *mem);
struct dedup_sorter *dedup_sorter_new(struct dedup_mem *mem, unsigned nw);
int dedup_sorter_add(struct dedup_sorter *s, const uint64_t *rec, struct ayak_err *err);
uint64_t dedup_sorter_count(const struct dedup_sorter *s);
/*
 * All records added, sorted, as one stream (a merge of the spilled runs
 * and what is still in memory).  The sorter must outlive the stream.
 */
struct dedup_stream *dedup_sorter_finish(struct dedup_sorter *s, struct ayak_err *err);
void dedup_sorter_free(struct dedup_sorter *s);

/* ---- stage files ---- */

/*
 * A stage file: a 48-byte header, records of nw little-endian 64-bit
 * words, and a 24-byte trailer with the record count and an XXH3-64
 * checksum of the records.  Written under a temporary name and renamed.
 *
 *   header:  "AYAKDDUP" u32 version u32 kind u64 fingerprint u64 nw
 *            u64 id u64 aux
 *   trailer: u64 nrecords u64 checksum "AYAKEND\n"
 */
/*
 * 2: the sign meta record holds the hash of the records; 3: the markers
 * and decisions say which signing of the shards they were made from.
 */
#define DEDUP_FILE_VERSION 3
#define DEDUP_HEADER_SIZE 48
#define DEDUP_TRAILER_SIZE 24

enum dedup_kind {
	DEDUP_K_PARAMS = 1,	/* one record: the parameters */
	DEDUP_K_META,		/* one record: a shard's counts (sign done) */
	DEDUP_K_EXACT,		/* [hash hi, hash lo, doc, (rank)] */
	DEDUP_K_BAND,		/* [band key, doc, (rank)] */
	DEDUP_K_URL,		/* [hash hi, hash lo, doc, url rank] */
	DEDUP_K_LINE,		/* [line hash, doc] */
	DEDUP_K_BAD,		/* [index]: malformed records skipped */
	DEDUP_K_SHX,		/* [offset]: where each document's shingles start */
	DEDUP_K_SHG,		/* [two 32-bit shingle hashes]... */
	DEDUP_K_DONE,		/* a stage task's marker */
	DEDUP_K_PAIR,		/* [doc, link, rank, kind] from clustering */
	DEDUP_K_DROP,		/* [doc]: URL duplicates */
	DEDUP_K_FREQ,		/* [line hash]: lines over the limit */
	DEDUP_K_DEC,		/* [index, cluster, size, reason]: decisions */
	DEDUP_K_UGRP,		/* [first doc, doc, url rank]: URL groups */
	DEDUP_K_MAX
};

const char *dedup_kind_name(int kind);

struct dedup_header {
	uint32_t kind;
	uint64_t fp;		/* parameters' fingerprint */
	uint64_t nw;
	uint64_t id;		/* shard or part (a decision file: what its shard was signed as) */
	uint64_t aux;
};

struct dedup_fwriter;

struct dedup_fwriter *dedup_fwriter_new(const char *path, const struct dedup_header *h,
					struct ayak_err *err);
int dedup_fwriter_add(struct dedup_fwriter *w, const uint64_t *rec, struct ayak_err *err);
/* Flush, fsync, rename into place; frees w. */
int dedup_fwriter_close(struct dedup_fwriter *w, struct ayak_err *err);
void dedup_fwriter_abort(struct dedup_fwriter *w);

/*
 * Open a stage file and check its header and trailer: its kind must be
 * want_kind, and its fingerprint fp unless fp is 0.  *h and *nrec are
 * filled.  The checksum is checked when the stream reaches the end, so
 * a reader that stops early or acts before the end must check the file
 * first (dedup_fcheck).  Errors: AYAK_E_SYS when it cannot be read,
 * AYAK_E_USAGE when it was made with another fingerprint, AYAK_E_DATA
 * when it is not a valid stage file of that kind (messages name path).
 */
struct dedup_stream *dedup_fopen(const char *path, int want_kind, uint64_t fp,
				 struct dedup_header *h, uint64_t *nrec, struct ayak_err *err);
/* The same over an open stdio stream of size bytes (for the fuzz target). */
struct dedup_stream *dedup_fopen_stream(FILE *f, const char *name, uint64_t size,
					int want_kind, uint64_t fp, struct dedup_header *h,
					uint64_t *nrec, struct ayak_err *err);
/* Read a stage file through, checking it as dedup_fopen does, checksum included. */
int dedup_fcheck(const char *path, int want_kind, uint64_t fp, struct dedup_header *h,
		 uint64_t *nrec, struct ayak_err *err);
/* Read a whole stage file into memory (*recs malloc'd, *nrec records). */
int dedup_fload(const char *path, int want_kind, uint64_t fp, struct dedup_header *h,
		uint64_t **recs, uint64_t *nrec, struct ayak_err *err);

/* ---- clustering ---- */

/* Pair kinds (word 3 of a PAIR record) and decisions (word 3 of DEC). */
enum { DEDUP_LINK_EXACT = 1, DEDUP_LINK_NEAR = 2 };
enum dedup_reason {
	DEDUP_KEEP = 0,
	DEDUP_DROP_EXACT = 1,
	DEDUP_DROP_NEAR = 2,
	DEDUP_DROP_URL = 3,
};
const char *dedup_reason_name(int reason);

/* A growable array of records. */
struct dedup_recs {
	uint64_t *a;
	size_t n, cap;
	unsigned nw;
};
void dedup_recs_init(struct dedup_recs *r, unsigned nw);
void dedup_recs_release(struct dedup_recs *r);
int dedup_recs_add(struct dedup_recs *r, const uint64_t *rec);

/*
 * Shingle sets for --verify: a document's sorted 32-bit shingle hashes,
 * or 0 with *n = 0 when there are none.
 */
struct dedup_shingles {
	int (*get)(struct dedup_shingles *s, uint64_t doc, const uint32_t **set,
		   size_t *n, struct ayak_err *err);
};

struct dedup_cluster_opts {
	int has_rank;		/* EXACT and BAND records carry a rank word */
	uint64_t line_max;	/* lines in more than this many documents are frequent */
	int verify;		/* check band candidates by exact Jaccard */
	double threshold;
	struct dedup_shingles *shingles;
};

struct dedup_cluster_stats {
	uint64_t exact_groups, buckets, candidates, verified, rejected;
	uint64_t url_groups, freq_lines;
};

/*
 * One partition's clustering: the sorted EXACT, BAND, URL and LINE
 * streams (any may be NULL) give PAIR records [doc, link, rank, kind] to
 * pairs, each URL group of two or more whole, as records [first doc, doc,
 * url rank], to url_groups (dedup_resolve decides them after the text
 * clusters), and FREQ records [line hash] to freq.  Each output comes out
 * in ascending order.
 * Uses memory in proportion to the documents that have a duplicate
 * candidate in this partition.
 */
int dedup_cluster(const struct dedup_cluster_opts *o, struct dedup_stream *exact,
		  struct dedup_stream *band, struct dedup_stream *url,
		  struct dedup_stream *line, struct dedup_recs *pairs,
		  struct dedup_recs *url_groups, struct dedup_recs *freq,
		  struct dedup_cluster_stats *st, struct ayak_err *err);

/*
 * Join every partition's pairs and URL groups (either may be NULL) into
 * decisions: DEC records [doc, cluster, size, reason], sorted by doc, for
 * every document that is in a cluster of two or more or is dropped.
 * cluster is the global index (0-based, in input order) of the cluster's
 * first document, from base[shard] + index.  URL groups are decided after
 * the text clusters:
 *  1. each text cluster (exact and near) chooses its keeper by rank;
 *  2. among the records so kept, each URL group keeps the one of the
 *     highest URL rank (the first on ties); the others are dropped as URL
 *     duplicates;
 *  3. a cluster whose keeper was dropped in 2 hands its place to its best
 *     other record (by rank) whose URL no kept record has, clusters taken
 *     in input order.
 * So no two records kept share a text cluster or a URL, and a record is
 * dropped only when its text or its URL is kept in another record.
 * empty (or NULL) gives [doc] records, in any order, of the documents
 * that repeated-line removal will leave without a line with words: such
 * a record keeps no URL.  In 2 it comes after every other, and keeps its
 * URL group only when no other can (the URL is then still free for 3);
 * in 3 it is taken only when no other is, and takes no URL.
 */
int dedup_resolve(struct dedup_stream *pairs, struct dedup_stream *urls,
		  struct dedup_stream *empty, const uint64_t *base, size_t nshards,
		  struct dedup_recs *dec, uint64_t *nclusters, struct ayak_err *err);

/* ---- a set of 64-bit hashes (frequent lines) ---- */

struct dedup_set {
	uint64_t *slot;
	size_t cap, n;
	int has_zero;
};
void dedup_set_init(struct dedup_set *s);
void dedup_set_release(struct dedup_set *s);
int dedup_set_add(struct dedup_set *s, uint64_t h);
int dedup_set_has(const struct dedup_set *s, uint64_t h);

/*
 * The documents left without a line with words when the frequent lines
 * freq are removed: [doc] records, from lines, [line hash, doc] records
 * of each document's distinct lines with words, a document's together
 * (as the first pass writes them).  Takes ownership of lines; freq must
 * outlive the stream.
 */
struct dedup_stream *dedup_stream_empty(struct dedup_stream *lines, const struct dedup_set *freq,
					struct ayak_err *err);

#endif
