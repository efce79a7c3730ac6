/*
 * Training a byte-level BPE tokenizer, written as a Hugging Face
 * tokenizer.json (a Split pre-tokenizer with the chosen regex, then
 * ByteLevel; merges in the ["a","b"] form) that ayak-tok, Hugging Face
 * tokenizers and tokenizers.js all load and encode the same way.
 *
 * Words (pre-tokens) are counted in a hash table; merges are chosen by
 * pair count, the highest first, ties going to the pair of lower IDs (as
 * Hugging Face's BpeTrainer does), so that a run is reproducible.  Pair
 * counts are kept up to date incrementally: each merge visits only the
 * words that hold the pair.  Token IDs: the 256 bytes in the order of
 * their GPT-2 characters, then the merged tokens, then the specials.
 */
#ifndef AYAK_BPETRAIN_H
#define AYAK_BPETRAIN_H

#include "ayak.h"

struct bpetrain_opts {
	uint32_t vocab_size;		/* bytes + merges + specials */
	uint64_t min_frequency;		/* pairs seen fewer times are not merged */
	const char *pattern;		/* a tok_named_pattern() name or a regex */
	const char **specials;		/* special tokens, given the last IDs */
	size_t nspecials;
};

struct bpetrain;

struct bpetrain *bpetrain_new(const struct bpetrain_opts *o, struct ayak_err *err);
/* Count the pre-tokens of one text. */
int bpetrain_add(struct bpetrain *t, const char *text, size_t n, struct ayak_err *err);
/* Learn the merges and write the tokenizer.json into json. */
int bpetrain_run(struct bpetrain *t, struct ayak_buf *json, struct ayak_err *err);
uint64_t bpetrain_words(const struct bpetrain *t);	/* distinct pre-tokens */
uint32_t bpetrain_merges(const struct bpetrain *t);	/* merges learnt */
void bpetrain_free(struct bpetrain *t);

#endif
