/*
 * A BPE model: vocabulary, merge ranks, and the merge loop that turns one
 * pre-token into token IDs.
 *
 * Token strings are kept in the model's own form: raw bytes for
 * byte-level models (GPT-2, Llama-3, Qwen2: the vocabulary's "Ġ"-style
 * characters are mapped back to the bytes they stand for, so text is
 * never mapped at run time), UTF-8 text otherwise (SentencePiece-style
 * models, whose symbols are characters).
 *
 * Merging follows Hugging Face tokenizers (and tokenizers.js): the
 * adjacent pair with the lowest merge rank is merged first, the leftmost
 * one when ranks tie, with a binary heap over a linked list of symbols,
 * so a pre-token of n symbols takes O(n log n) time whatever it holds.
 * Encoded pre-tokens are cached.
 */
#ifndef AYAK_BPE_H
#define AYAK_BPE_H

#include "ayak.h"

#define BPE_NONE UINT32_MAX
/* Token IDs are below this (16M: ten times the largest vocabularies in use). */
#define BPE_MAX_ID (1u << 24)

/* A growable array of token IDs. */
struct bpe_ids {
	uint32_t *v;
	size_t n, cap;
};

int bpe_ids_push(struct bpe_ids *ids, uint32_t id);
void bpe_ids_release(struct bpe_ids *ids);

struct bpe;

struct bpe_opts {
	int byte_level;		/* symbols are bytes; vocabulary in the GPT-2 byte alphabet */
	int byte_fallback;	/* unknown characters become <0xXX> tokens */
	int fuse_unk;		/* consecutive unknown tokens become one */
	int ignore_merges;	/* a pre-token found whole in the vocabulary is one token */
	const char *unk_token;	/* NULL: none */
	const char *continuing_subword_prefix;	/* NULL or "": none */
	const char *end_of_word_suffix;		/* NULL or "": none */
};

struct bpe *bpe_new(const struct bpe_opts *o);
void bpe_free(struct bpe *m);

/*
 * Add a vocabulary entry: the token string as the tokenizer.json file
 * writes it (for byte-level models in the byte alphabet; a string with
 * characters outside it can never be produced and is kept for decoding
 * only).  IDs need not be dense.  A second entry with the same string
 * replaces the first, as in a JSON object.
 */
int bpe_add_token(struct bpe *m, const char *s, size_t n, uint32_t id, struct ayak_err *err);
/*
 * Add the merge of rank `rank` (0 first): the pair a b, file form, after
 * every vocabulary entry.  AYAK_E_DATA when a, b or their result is not
 * in the vocabulary, as Hugging Face's BpeBuilder refuses them (a result
 * without an ID would be dropped).  A repeated pair keeps its last rank;
 * two pairs may not have one rank (bpe_finish() refuses them).
 */
int bpe_add_merge(struct bpe *m, const char *a, size_t alen, const char *b, size_t blen,
		  uint32_t rank, struct ayak_err *err);
/*
 * A hint that this merge is added soon: stage 1 fetches its strings' map
 * slots into the cache, stage 2 (later) its merge slot.
 */
void bpe_prefetch_merge(const struct bpe *m, const char *a, size_t alen, const char *b, size_t blen,
			int stage);
/* Make room for ntokens strings and nmerges merges up front (a hint). */
int bpe_reserve(struct bpe *m, uint32_t ntokens, uint32_t nmerges);
/*
 * Finish loading: resolve byte tokens and the unknown token.  AYAK_E_DATA
 * when unk_token is not in the vocabulary and a character may need it
 * (not every byte has a token): Hugging Face fails on that character.
 */
int bpe_finish(struct bpe *m, struct ayak_err *err);

/*
 * 1 if no token string has U+2581 (the SentencePiece space) right after
 * another character than U+2581: then no merge crosses the start of a
 * "word", and a text can be merged word by word (and cached) with the
 * same result as whole.
 */
int bpe_metaspace_separates(const struct bpe *m);
/* Number of IDs: the largest vocabulary ID + 1. */
uint32_t bpe_vocab_size(const struct bpe *m);
/* ID of a token string in file form, or BPE_NONE. */
uint32_t bpe_token_id(const struct bpe *m, const char *s, size_t n);
/*
 * Model-form bytes of a token (raw bytes for byte-level models), or NULL
 * when id is not in the vocabulary.
 */
const char *bpe_token_bytes(const struct bpe *m, uint32_t id, size_t *n);
/* The token string in file form, appended to out (0, or -1 if no such id). */
int bpe_token_string(const struct bpe *m, uint32_t id, struct ayak_buf *out);
int bpe_is_byte_level(const struct bpe *m);
uint32_t bpe_unk_id(const struct bpe *m);
uint32_t bpe_merge_count(const struct bpe *m);

/* Encoding state: workspace and cache.  One per thread. */
struct bpe_enc;

struct bpe_enc *bpe_enc_new(const struct bpe *m);
void bpe_enc_free(struct bpe_enc *e);

/*
 * Append the IDs of one pre-token p[0..n) (model form: raw bytes for
 * byte-level models, else UTF-8) to out.  Unknown symbols become
 * <0xXX> tokens (byte_fallback), the unknown token, or nothing, and are
 * counted in *nunk when nunk is not NULL.  Returns 0, or -1 when out of
 * memory.
 */
int bpe_encode(struct bpe_enc *e, const char *p, size_t n, struct bpe_ids *out, size_t *nunk);

/* The GPT-2 byte-to-character map: the code point that stands for byte b. */
uint32_t bpe_byte_char(unsigned char b);
/* The byte a code point stands for, or -1. */
int bpe_char_byte(uint32_t cp);

#endif
