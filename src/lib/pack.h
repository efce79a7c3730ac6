/*
 * Token shards for training: Megatron-LM indexed datasets (.bin + .idx,
 * the MMIDIDX layout) and flat token files, written atomically and read
 * back for checking; and the binary token stream that ayak-tok writes
 * for ayak-pack.
 *
 * MMIDIDX .idx, all little-endian:
 *	9 bytes   magic "MMIDIDX\0\0"
 *	u64       version, 1
 *	u8        dtype code (1 uint8, 2 int8, 3 int16, 4 int32, 5 int64,
 *	          6 float64, 7 float32, 8 uint16)
 *	u64       sequence count S
 *	u64       document count D (S + 1 here: document i is sequence i)
 *	i32[S]    sequence lengths, in tokens
 *	i64[S]    sequence pointers, byte offsets into .bin
 *	i64[D]    document indices: 0, 1, ..., S
 * The .bin holds the tokens of every sequence, one after the other.
 *
 * Binary token stream (ayak-tok --binary), all little-endian:
 *	8 bytes   magic "AYAKTOK\1"
 *	u32       version, 2
 *	u32       vocabulary size (largest ID + 1), 0 if unknown
 *	u32       end-of-text token ID, 0xFFFFFFFF if none
 *	u32       0
 *	then per document: u32 n (at most 2^30), then n u32 token IDs;
 *	then the end mark: u32 0xFFFFFFFF, u64 the number of documents.
 * The end mark is written only when the writer finished without an
 * error, so a stream cut short (the writer failed or was killed) is
 * told from a complete one even when it is cut between documents.
 * Version 1 had no end mark.  Streams may be concatenated: a header
 * may follow an end mark.
 */
#ifndef AYAK_PACK_H
#define AYAK_PACK_H

#include "ayak.h"

#define PACK_NONE UINT32_MAX
#define PACK_UNKNOWN UINT64_MAX

/* ---- binary token stream ---- */

#define PACK_STREAM_MAGIC "AYAKTOK\001"
#define PACK_STREAM_HEADER 24
#define PACK_STREAM_VERSION 2
#define PACK_STREAM_END UINT32_MAX	/* where a document's length would be */
#define PACK_STREAM_TRAILER 12
#define PACK_STREAM_MAX_DOC (1u << 30)	/* most tokens in one document */

void pack_stream_header(unsigned char out[PACK_STREAM_HEADER], uint32_t vocab_size,
			uint32_t eot);
/* The end mark of a stream of that many documents. */
void pack_stream_trailer(unsigned char out[PACK_STREAM_TRAILER], uint64_t documents);
/* 1 if p starts with the stream magic. */
int pack_stream_is(const unsigned char *p, size_t n);
/* Read the header fields; -1 with err set if it is not a stream header. */
int pack_stream_parse(const unsigned char in[PACK_STREAM_HEADER], uint32_t *vocab_size,
		      uint32_t *eot, struct ayak_err *err);

/* ---- dtypes ---- */

enum pack_dtype {
	PACK_UINT8 = 1, PACK_INT8, PACK_INT16, PACK_INT32, PACK_INT64, PACK_FLOAT64,
	PACK_FLOAT32, PACK_UINT16,
	PACK_UINT32 = 100,	/* flat files only: not a Megatron code */
};

const char *pack_dtype_name(int dtype);
int pack_dtype_size(int dtype);
/* The largest token ID a dtype holds (65535 for uint16, 2^31 - 1 for int32); 0 for a float. */
uint64_t pack_dtype_max(int dtype);
/* Megatron's rule: uint16 when the vocabulary has fewer than 65500 tokens, else int32. */
int pack_dtype_for_vocab(uint64_t vocab_size);

/* ---- writer ---- */

enum pack_format { PACK_MEGATRON, PACK_FLAT };

typedef void pack_swept_fn(const char *dir, long pid, uint64_t files, uint64_t bytes, void *arg);

struct pack_opts {
	const char *prefix;	/* shards are PREFIX.bin/.idx, or PREFIX-00000.bin... */
	int format;		/* enum pack_format */
	int dtype;		/* enum pack_dtype; flat: PACK_UINT16 or PACK_UINT32 */
	uint64_t shard_tokens;	/* 0: one shard, without a number */
	uint32_t eot;		/* end-of-text token, PACK_NONE if none */
	int append_eot;		/* Megatron: add eot after each document */
	uint64_t max_id;	/* IDs above this are errors (the dtype's limit, or vocab - 1) */
	uint64_t vocab_size;	/* 0 if not known; else max_id is vocab_size - 1 */
	/* told of each hidden directory of a killed run removed (pack_sweep_stages()), or NULL */
	pack_swept_fn *swept;
	void *swept_arg;
};

struct pack_writer;

/*
 * Checks the options before anything is made: AYAK_E_USAGE for a dtype
 * the format has not, an end-of-text token or a max_id (a vocabulary)
 * that does not fit the dtype, or a prefix under /dev (not /dev/shm) or
 * /proc, as written or through links, where no shard file can be made
 * (see ayak_writer_new()); then makes the missing directories of the
 * prefix, and AYAK_E_SYS when its directory cannot be written.
 */
struct pack_writer *pack_writer_new(const struct pack_opts *o, struct ayak_err *err);
/*
 * Add one document.  A document is never split across shards: a new
 * shard starts before a document when the open one already holds
 * shard_tokens tokens or more.  AYAK_E_DATA for an ID out of range.
 */
int pack_writer_add(struct pack_writer *w, const uint32_t *ids, size_t n, struct ayak_err *err);
/*
 * Finish the open shard.  The shards are written in a hidden directory
 * beside the prefix (DIR/.ayak-pack.XXXXXX), under their own names, and
 * stay there until pack_writer_commit(): the shards an earlier run left
 * under the prefix are untouched until this run is whole.  With no
 * documents at all, one empty shard is written.
 */
int pack_writer_finish(struct pack_writer *w, struct ayak_err *err);
/*
 * Move the finished shards into place (of each, the .bin first, the .idx
 * last: a shard whose .idx exists is complete) and remove the hidden
 * directory.  With numbered shards, the shards that an earlier run left
 * under the prefix are then removed, the .idx first: those numbered from
 * the first unused number up (.idx, .bin, .u16 or .u32, up to the first
 * number with none), and the files of another format under the numbers
 * used; so PREFIX-*.idx (or .u16, .u32) names this run's shards only.
 */
int pack_writer_commit(struct pack_writer *w, struct ayak_err *err);
/*
 * A message about a shard names it by the name it is to have, not its
 * name in the hidden directory: err's message, when it holds that, is
 * rewritten.
 */
void pack_writer_final_names(const struct pack_writer *w, struct ayak_err *err);
/* pack_writer_finish(), then pack_writer_commit(). */
int pack_writer_close(struct pack_writer *w, struct ayak_err *err);
/* Remove the temporary files of the open shard (finished shards stay). */
void pack_writer_abort(struct pack_writer *w);
/*
 * Before pack_writer_commit(): remove every shard this writer finished,
 * the temporary files of the open one and the hidden directory, so that
 * a run that failed leaves the prefix as it found it.  After it, nothing.
 * System calls only (unlink, rmdir, getdents64, close), so that it may
 * run from an exit handler.
 * pack_writer_free() does it too.
 */
void pack_writer_remove(struct pack_writer *w);
void pack_writer_free(struct pack_writer *w);
/*
 * Remove the hidden directories that runs killed on this host (SIGKILL,
 * a crash) left in the directory of prefix, with the shards they hold:
 * those whose owner file names this host and is locked by no run (see
 * claim_stage() in pack.c).  swept, if not NULL, is told of each.  The
 * number removed; what cannot be read or removed is skipped.  The writer
 * does it as it makes its own, with the first shard.
 */
int pack_sweep_stages(const char *prefix, pack_swept_fn *swept, void *arg);

/* A finished shard, as written. */
struct pack_shard {
	char *path;		/* the .idx (Megatron) or the flat file */
	char *staged;		/* the same in the hidden directory, until committed */
	uint64_t tokens, documents;
	uint64_t eot_tokens;	/* end-of-text tokens, those within documents too */
	uint64_t checksum;	/* as struct pack_info's */
};

size_t pack_writer_shards(const struct pack_writer *w);
const struct pack_shard *pack_writer_shard(const struct pack_writer *w, size_t i);
uint64_t pack_writer_tokens(const struct pack_writer *w);
uint64_t pack_writer_documents(const struct pack_writer *w);
/* Bytes of the shards written (.bin and .idx, or the flat files), once closed. */
uint64_t pack_writer_bytes(const struct pack_writer *w);

/* ---- reading back ---- */

struct pack_info {
	int format;
	int dtype;
	uint64_t sequences, documents, tokens;	/* documents: PACK_UNKNOWN for a flat file without eot */
	uint64_t max_token;
	uint64_t bin_bytes;
	uint64_t eot_count;	/* flat files, when eot is given */
	uint64_t checksum;	/* XXH3 of the token values as u32, in order */
};

/*
 * Check a shard: a Megatron .idx (its .bin beside it; the name may be
 * the .bin, the .idx or the prefix) or a flat token file (flat_dtype
 * PACK_UINT16 or PACK_UINT32).  Every field is checked: magic, version,
 * dtype, counts against the file sizes, lengths and pointers that tile
 * the .bin exactly, document indices from 0 to S, and every token below
 * vocab_size when it is not 0.  AYAK_E_DATA with the reason when a check
 * fails; AYAK_E_USAGE when eot does not fit the dtype of a flat file.
 */
int pack_verify(const char *path, int flat_dtype, uint64_t vocab_size, uint32_t eot,
		struct pack_info *info, struct ayak_err *err);
/* The dtype pack_verify() reads path as: flat_dtype, else by a .u16 or .u32 name; 0: Megatron. */
int pack_verify_dtype(const char *path, int flat_dtype);

#endif
