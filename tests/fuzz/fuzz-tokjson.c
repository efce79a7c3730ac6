/*
 * Fuzz target for the tokenizer.json loader: the input is a tokenizer.json
 * file.  tj_parse and tok_load_mem must not crash, leak or hang on any
 * input; when a tokenizer loads, a few texts (and the input itself, as
 * text) are encoded and decoded.  Properties checked (abort() when one
 * breaks):
 *
 *  - an error has a message;
 *  - every ID is below tok_vocab_size();
 *  - encoding the same text twice gives the same IDs (the cache is right);
 *  - decoding gives valid UTF-8.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tok.h"
#include "tokjson.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const texts[] = {
	"", " ", "saya makan nasi lemak", "Hello, world! 123456789 'll 's",
	"kanak-kanak\n\n  \tRM1,250.50 <|endoftext|> <s></s><unk>",
	"\xE2\x96\x81 \xC4\xA0 \xF0\x9F\x98\x80 \xDA\xA4 \xEF\xBF\xBD",
};

static void check_text(struct tok *t, struct tok_enc *e, const char *s, size_t n)
{
	struct bpe_ids a = { 0 }, b = { 0 };
	struct ayak_buf dec = AYAK_BUF_INIT;
	struct ayak_err err;
	size_t i;
	int ra = tok_encode(e, s, n, &a, NULL, &err);
	int rb = tok_encode(e, s, n, &b, NULL, &err);

	if (ra != rb)
		abort();
	if (!ra) {
		if (a.n != b.n || (a.n && memcmp(a.v, b.v, a.n * sizeof(*a.v))))
			abort();
		for (i = 0; i < a.n; i++)
			if (a.v[i] >= tok_vocab_size(t))
				abort();
		if (tok_decode(t, a.v, a.n, 0, &dec))
			abort();
		if (ayak_utf8_valid_prefix(dec.data ? dec.data : "", dec.len) != dec.len)
			abort();
	} else if (!err.msg[0]) {
		abort();
	}
	bpe_ids_release(&a);
	bpe_ids_release(&b);
	ayak_buf_release(&dec);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ayak_err err;
	struct tj_doc *d;
	struct tok *t;
	struct tok_enc *e;
	struct tok_opts o = { 0 };
	size_t i, valid;

	if (size > (1 << 20))
		return 0;
	memset(&err, 0, sizeof(err));
	d = tj_parse((const char *)data, size, &err);
	if (!d && !err.msg[0])
		abort();
	tj_free(d);
	for (i = 0; i < 2; i++) {
		o.split_special = (int)i;
		o.compat_js = (int)i;
		memset(&err, 0, sizeof(err));
		t = tok_load_mem((const char *)data, size, &o, &err);
		if (!t) {
			if (!err.msg[0])
				abort();
			return 0;
		}
		e = tok_enc_new(t, &err);
		if (!e)
			abort();
		for (size_t k = 0; k < sizeof(texts) / sizeof(texts[0]); k++)
			check_text(t, e, texts[k], strlen(texts[k]));
		valid = ayak_utf8_valid_prefix((const char *)data, size);
		check_text(t, e, (const char *)data, valid > 4096 ? 4096 : valid);
		tok_enc_free(e);
		tok_free(t);
	}
	return 0;
}
