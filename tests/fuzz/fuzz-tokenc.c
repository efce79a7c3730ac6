/*
 * Fuzz target for encoding: the input, repaired to valid UTF-8, is
 * encoded with the fixture tokenizers of $AYAK_TOP/tests/data/tok (or
 * ./tests/data/tok).  Properties checked (abort() when one breaks):
 *
 *  - every ID is below the vocabulary size;
 *  - byte-level, special tokens as text: decoding gives the text back
 *    exactly;
 *  - SentencePiece-style: decoding the IDs and encoding again gives the
 *    same IDs when the text has no "<" (no special token text);
 *  - a second encoding (from the cache) gives the same IDs.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tok.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct tok *bl, *sp;
static struct tok_enc *ebl, *esp;

static struct tok *load(const char *name, int split)
{
	char path[4096];
	struct ayak_err err;
	struct tok_opts o = { 0 };
	const char *top = getenv("AYAK_TOP");
	struct tok *t;

	o.split_special = split;
	o.no_post = 1;
	snprintf(path, sizeof(path), "%s/tests/data/tok/%s/tokenizer.json", top ? top : ".", name);
	t = tok_load(path, &o, &err);
	if (!t) {
		fprintf(stderr, "fuzz-tokenc: %s (set AYAK_TOP)\n", err.msg);
		abort();
	}
	return t;
}

static void encode(struct tok *t, struct tok_enc *e, const char *s, size_t n, struct bpe_ids *ids)
{
	struct ayak_err err;
	size_t i;

	ids->n = 0;
	if (tok_encode(e, s, n, ids, NULL, &err))
		abort();
	for (i = 0; i < ids->n; i++)
		if (ids->v[i] >= tok_vocab_size(t))
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct bpe_ids a, b;
	struct ayak_buf text = AYAK_BUF_INIT, dec = AYAK_BUF_INIT;
	struct ayak_err err;
	const char *s;

	if (!bl) {
		bl = load("bytelevel", 1);
		sp = load("sp", 0);
		ebl = tok_enc_new(bl, &err);
		esp = tok_enc_new(sp, &err);
		if (!ebl || !esp)
			abort();
	}
	if (size > (1 << 18))
		return 0;
	if (ayak_utf8_repair((const char *)data, size, &text, NULL))
		abort();
	s = text.data ? text.data : "";
	encode(bl, ebl, s, text.len, &a);
	if (tok_decode(bl, a.v, a.n, 0, &dec) || dec.len != text.len || (dec.len && memcmp(dec.data, s, dec.len)))
		abort();
	encode(bl, ebl, s, text.len, &b);
	if (a.n != b.n || (a.n && memcmp(a.v, b.v, a.n * sizeof(*a.v))))
		abort();
	encode(sp, esp, s, text.len, &a);
	if (!memchr(s, '<', text.len)) {
		ayak_buf_reset(&dec);
		if (tok_decode(sp, a.v, a.n, 0, &dec))
			abort();
		encode(sp, esp, dec.data ? dec.data : "", dec.len, &b);
		if (a.n != b.n || (a.n && memcmp(a.v, b.v, a.n * sizeof(*a.v))))
			abort();
	}
	ayak_buf_release(&text);
	ayak_buf_release(&dec);
	return 0;
}
