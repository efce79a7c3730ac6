/*
 * Tokenizers from Hugging Face tokenizer.json files: the pipeline of
 * added tokens, normalizer, pre-tokenizer, BPE model and post-processor,
 * giving the same token IDs as Hugging Face tokenizers and tokenizers.js.
 *
 * Supported: BPE models, byte-level (GPT-2, Llama-3, Qwen2: a Split
 * pre-tokenizer whose regex runs under PCRE2's JIT, then ByteLevel) and
 * SentencePiece-style (Llama-2, Mistral: Metaspace, or the Prepend and
 * Replace normalizers, with byte_fallback); merges as "a b" or ["a","b"];
 * added and special tokens (lstrip, rstrip, single_word, normalized);
 * the TemplateProcessing, ByteLevel, RobertaProcessing, BertProcessing
 * and Sequence post-processors.
 */
#ifndef AYAK_TOK_H
#define AYAK_TOK_H

#include "ayak.h"
#include "bpe.h"

struct tok_opts {
	/* Special tokens written in the text are text, not tokens (as
	 * split_special_tokens=True in Hugging Face). */
	int split_special;
	/* Reproduce tokenizers.js where it differs from Hugging Face: its
	 * ByteLevel regex uses JavaScript's \s (with U+FEFF, without U+0085). */
	int compat_js;
	/* Do not add the post-processor's special tokens (BOS, EOS...). */
	int no_post;
	/* The longest text tok_encode() takes: 0 for TOK_MAX_TEXT; less, for tests. */
	size_t max_text;
};

/*
 * The longest text tok_encode() takes, in bytes: 2^30 - 1.  The text goes
 * through buffers whose pieces have 32-bit offsets and that may grow to
 * about four times its length (Metaspace writes U+2581, 3 bytes, for a
 * space, and may add one before each piece), and through ICU's
 * normalizers, which take at most 2^31 - 1 UTF-16 units.  Cutting a text
 * into pieces would not give the same IDs: a normalizer (Strip, Prepend,
 * Replace), an added token's lstrip, Metaspace's prepend_scheme "first"
 * and the pre-tokenizers' regexes all see past a line end: GPT-2's
 * \s+(?!\S) takes "  \n" whole at the end of a text but "  " then "\n"
 * before a letter, and cl100k's \s*[\r\n]+ takes "\n\n" whole.
 */
#define TOK_MAX_TEXT ((size_t)UINT32_MAX / 4)
/* tok_encode()'s return for a text too long for it (err set, AYAK_E_DATA). */
#define TOK_TOO_LONG (-2)

struct tok;

/* Load a tokenizer.json file (or text already in memory). */
struct tok *tok_load(const char *path, const struct tok_opts *o, struct ayak_err *err);
struct tok *tok_load_mem(const char *json, size_t len, const struct tok_opts *o,
			 struct ayak_err *err);
void tok_free(struct tok *t);

/*
 * Replace what the post-processor adds before every document with bos,
 * and what it adds after with eos; BPE_NONE leaves that side as the
 * post-processor has it.
 */
void tok_set_bos_eos(struct tok *t, uint32_t bos, uint32_t eos);
/* 1 if id is a token of the tokenizer (of the model or an added token). */
int tok_has_id(const struct tok *t, uint32_t id);

/* Largest token ID + 1, over the model and the added tokens. */
uint32_t tok_vocab_size(const struct tok *t);
/* ID of a token by its string (added tokens first, then the model), or BPE_NONE. */
uint32_t tok_token_id(const struct tok *t, const char *s, size_t n);
/* The end-of-text token: <|endoftext|>, <|end_of_text|>, </s> or <|im_end|>, or BPE_NONE. */
uint32_t tok_eot_id(const struct tok *t);
const struct bpe *tok_model(const struct tok *t);
/* A short description: "byte-level BPE, 50257 tokens, 50000 merges". */
const char *tok_describe(const struct tok *t);

struct tok_counts {
	uint64_t unknown;	/* symbols that became the unknown token or nothing */
	uint64_t special_in_text;	/* special tokens found written in the text */
	uint64_t pretokens;
};

/*
 * Encoding state.  A tokenizer and its encoders are used from one thread
 * at a time (the regexes keep their match data in the tokenizer).
 */
struct tok_enc;

struct tok_enc *tok_enc_new(const struct tok *t, struct ayak_err *err);
void tok_enc_free(struct tok_enc *e);

/*
 * Append the IDs of text[0..n) (valid UTF-8) to out, post-processor
 * included.  AYAK_E_DATA when the text cannot be encoded (a regex
 * failing on it), AYAK_E_SYS when out of memory; TOK_TOO_LONG (with
 * AYAK_E_DATA) for a text longer than TOK_MAX_TEXT (or opts' max_text),
 * or one that the normalizers make too long for the steps after them.
 * After an error, out may hold the IDs of part of the text.
 */
int tok_encode(struct tok_enc *e, const char *text, size_t n, struct bpe_ids *out,
	       struct tok_counts *counts, struct ayak_err *err);

/*
 * Text of ids (appended to out, ill-formed UTF-8 repaired), as the
 * tokenizer's decoder would give it.  Unknown IDs are skipped; special
 * tokens are kept unless skip_special.
 */
int tok_decode(const struct tok *t, const uint32_t *ids, size_t n, int skip_special,
	       struct ayak_buf *out);
/*
 * The type of the first step of the tokenizer's decoder that tok_decode()
 * does not do (so would give other text than the tokenizer's decoder),
 * or NULL.  tok_decode() does ByteLevel, ByteFallback, Fuse, Metaspace,
 * Replace of U+2581 by a space, Strip of one leading space and Sequence.
 */
const char *tok_decoder_unsupported(const struct tok *t);

/*
 * Regex patterns that tokenizer.json files name, for --train and the
 * tests: "gpt2", "cl100k" (also Llama-3), "o200k", "qwen2".  NULL if unknown.
 */
const char *tok_named_pattern(const char *name);

/*
 * Compile a pattern written for Oniguruma (as in tokenizer.json files)
 * with PCRE2 (UTF, UCP, JIT), rewriting what the two read differently:
 * \s is White_Space, \h a hex digit.
 *
 * Each pattern also gets an ASCII twin when it can: every class and
 * property spelled out over ASCII, compiled without UTF and UCP, so
 * faster.  Over a run of ASCII text the twin runs first, with
 * PCRE2_PARTIAL_HARD: a match it finds without reaching the end of the run
 * is the match the full pattern finds; anything else is left to the full
 * pattern.
 */
struct tok_regex;
struct tok_regex *tok_regex_new(const char *pattern, size_t len, struct ayak_err *err);
void tok_regex_free(struct tok_regex *re);
int tok_regex_has_twin(const struct tok_regex *re);

/* Where the current ASCII run is, for one subject: start each subject with TOK_SCAN_INIT. */
struct tok_scan {
	size_t from, to;
};
#define TOK_SCAN_INIT { 0, 0 }

/*
 * Next non-empty match in s[0..n) at or after pos: 1 with [*ms, *me),
 * 0 when there is none, -1 on a match error (err set).  sc (NULL: do not
 * use the ASCII twin) carries the ASCII run from call to call over one
 * subject, whose positions must not go backwards.
 */
int tok_regex_next(struct tok_regex *re, const char *s, size_t n, size_t pos,
		   struct tok_scan *sc, size_t *ms, size_t *me, struct ayak_err *err);

#endif
