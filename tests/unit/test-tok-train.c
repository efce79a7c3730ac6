/*
 * Unit tests for training byte-level BPE (bpetrain.h): merges by count,
 * ties, the vocabulary size, reproducibility, and that the tokenizer.json
 * written loads back (tok.h) and encodes as the merges say.  Prints TAP.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpetrain.h"
#include "tok.h"
#include "tokjson.h"

#include "tap.h"

static const char *const corpus[] = {
	"kanak kanak kanak bermain",
	"kanak-kanak bermain bola",
	"saya suka bermain bola",
	"bola bola bola",
};

static int train(uint32_t vocab, uint64_t minf, const char *pattern, struct ayak_buf *json,
		 struct ayak_err *err)
{
	static const char *const specials[] = { "<|endoftext|>", "<pad>" };
	struct bpetrain_opts o = { vocab, minf, pattern, (const char **)specials, 2 };
	struct bpetrain *t = bpetrain_new(&o, err);
	size_t i;
	int r = -1;

	if (!t)
		return -1;
	for (i = 0; i < sizeof(corpus) / sizeof(corpus[0]); i++)
		if (bpetrain_add(t, corpus[i], strlen(corpus[i]), err))
			goto out;
	r = bpetrain_run(t, json, err);
out:
	bpetrain_free(t);
	return r;
}

static char *encode(struct tok *t, const char *s)
{
	struct ayak_err err;
	struct tok_enc *e = tok_enc_new(t, &err);
	struct bpe_ids ids = { 0 };
	struct ayak_buf b = AYAK_BUF_INIT;
	size_t i;

	tok_encode(e, s, strlen(s), &ids, NULL, &err);
	ayak_buf_add(&b, "[", 1);
	for (i = 0; i < ids.n; i++)
		ayak_buf_addf(&b, "%s%u", i ? "," : "", ids.v[i]);
	ayak_buf_add(&b, "]", 2);
	tok_enc_free(e);
	bpe_ids_release(&ids);
	return b.data;
}

int main(void)
{
	struct ayak_buf j1 = AYAK_BUF_INIT, j2 = AYAK_BUF_INIT;
	struct ayak_err err;
	struct tj_doc *d;
	struct tok *t;
	char *s;

	ok(!train(270, 1, "gpt2", &j1, &err), "training on four lines works");
	ok(!train(270, 1, "gpt2", &j2, &err) && j1.len == j2.len && !memcmp(j1.data, j2.data, j1.len),
	   "two runs write the same bytes");
	d = tj_parse(j1.data, j1.len, &err);
	if (ok(d != NULL, "the tokenizer.json is valid JSON")) {
		const struct tj_value *r = tj_root(d), *model = tj_get(r, "model");
		const struct tj_value *vocab = tj_get(model, "vocab"), *merges = tj_get(model, "merges");
		const struct tj_value *added = tj_get(r, "added_tokens");

		ok(vocab && vocab->len == 270, "the vocabulary has 270 tokens (%u)", vocab ? vocab->len : 0);
		ok(merges && merges->len == 270 - 256 - 2, "270 - 256 bytes - 2 specials = 12 merges (%u)",
		   merges ? merges->len : 0);
		ok(merges && merges->u.items[0].type == TJ_ARRAY && merges->u.items[0].len == 2,
		   "merges are written as [\"a\", \"b\"]");
		ok(added && added->len == 2 && !strcmp(tj_get_str(&added->u.items[0], "content", NULL), "<|endoftext|>"),
		   "specials are added tokens");
		/* " b" 7 times (" bermain" 3, " bola" 4), then "k a" 6 times (kanak 5, " suka"),
		 * then five pairs 5 times: "a k" has the lowest IDs. */
		ok(merges && !strcmp(merges->u.items[0].u.items[0].u.s, "\xC4\xA0") &&
		   !strcmp(merges->u.items[0].u.items[1].u.s, "b") &&
		   !strcmp(merges->u.items[1].u.items[0].u.s, "k") &&
		   !strcmp(merges->u.items[1].u.items[1].u.s, "a") &&
		   !strcmp(merges->u.items[2].u.items[0].u.s, "a") &&
		   !strcmp(merges->u.items[2].u.items[1].u.s, "k"),
		   "merges by count, ties to the pair of lower IDs (\" b\", \"k a\", \"a k\")");
		{
			const struct tj_value *list = tj_get(tj_get(r, "pre_tokenizer"), "pretokenizers");
			const char *rx = list && list->type == TJ_ARRAY && list->len == 2 ?
				tj_get_str(tj_get(&list->u.items[0], "pattern"), "Regex", NULL) : NULL;

			ok(rx && !strcmp(rx, tok_named_pattern("gpt2")), "the Split pre-tokenizer has the pattern asked for");
		}
		tj_free(d);
	}
	t = tok_load_mem(j1.data, j1.len, NULL, &err);
	if (ok(t != NULL, "the tokenizer.json loads back")) {
		uint32_t kanak = tok_token_id(t, "kanak", 5), sp_bola = tok_token_id(t, "\xC4\xA0" "bola", 6);
		char want[64];

		ok(kanak != BPE_NONE && sp_bola != BPE_NONE, "frequent words became tokens (kanak, \" bola\")");
		snprintf(want, sizeof(want), "[%u,%u]", kanak, sp_bola);
		s = encode(t, "kanak bola");
		ok(!strcmp(s, want), "they encode as one token each (%s)", s);
		free(s);
		ok(tok_token_id(t, "<|endoftext|>", 13) == 268 && tok_token_id(t, "<pad>", 5) == 269,
		   "specials take the last IDs");
		ok(tok_token_id(t, "!", 1) == 0 && tok_token_id(t, "\xC4\xA0", 2) == 220,
		   "byte tokens in the order of their characters, as GPT-2 (! is 0, space 220)");
		s = encode(t, "xyz<|endoftext|>");
		ok(s && strstr(s, ",268]"), "the special token is matched in text");
		free(s);
		tok_free(t);
	}
	ayak_buf_reset(&j1);
	ok(!train(100000, 3, "cl100k", &j1, &err), "training with --min-frequency 3");
	t = tok_load_mem(j1.data, j1.len, NULL, &err);
	ok(t && tok_vocab_size(t) < 300, "stops when no pair is seen 3 times (%u tokens)", t ? tok_vocab_size(t) : 0);
	tok_free(t);
	ok(train(258, 1, "gpt2", &j1, &err) && err.code == AYAK_E_USAGE, "a vocabulary too small for any merge is refused");
	ok(train(300, 1, "([", &j1, &err) && err.code == AYAK_E_DATA, "a bad pattern is refused");
	ayak_buf_release(&j1);
	ayak_buf_release(&j2);
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}
