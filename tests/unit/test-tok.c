/*
 * Unit tests for the tokenizer: the tokenizer.json reader (tokjson.h),
 * the BPE model (bpe.h) and the pipeline (tok.h).  The fixtures in
 * tests/data/tok are tiny tokenizers made from tests/data/sample.jsonl,
 * and expected-*.txt hold the IDs that tokenizers.js gives for
 * tests/data/tok/input.jsonl (see tests/data/tok/README.md).  Prints TAP.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpe.h"
#include "json.h"
#include "tok.h"
#include "tokjson.h"

#include "tap.h"

static int is_str(const char *got, const char *want, const char *name)
{
	int same = got && want && !strcmp(got, want);

	ok(same, "%s", name);
	if (!same)
		printf("#   got  \"%s\"\n#   want \"%s\"\n", got ? got : "(null)", want ? want : "(null)");
	return same;
}

static char path_buf[4096];

static const char *data_path(const char *rel)
{
	const char *top = getenv("AYAK_TOP");

	snprintf(path_buf, sizeof(path_buf), "%s/tests/data/tok/%s", top ? top : ".", rel);
	return path_buf;
}

/* IDs as "[1,2,3]". */
static void ids_str(const struct bpe_ids *ids, struct ayak_buf *b)
{
	size_t i;

	ayak_buf_reset(b);
	ayak_buf_add(b, "[", 1);
	for (i = 0; i < ids->n; i++)
		ayak_buf_addf(b, "%s%u", i ? "," : "", ids->v[i]);
	ayak_buf_add(b, "]", 2);
}

static char *encode_str(struct tok *t, const char *text, size_t n)
{
	struct ayak_err err;
	struct tok_enc *e = tok_enc_new(t, &err);
	struct bpe_ids ids = { 0 };
	struct ayak_buf b = AYAK_BUF_INIT;

	if (!e)
		return strdup("(no encoder)");
	if (tok_encode(e, text, n, &ids, NULL, &err)) {
		tok_enc_free(e);
		return strdup(err.msg);
	}
	ids_str(&ids, &b);
	tok_enc_free(e);
	bpe_ids_release(&ids);
	return b.data;
}

static struct tok *load_str(const char *json, const struct tok_opts *o, struct ayak_err *err)
{
	return tok_load_mem(json, strlen(json), o, err);
}

/* ---- tokjson ---- */

static void test_tokjson(void)
{
	static const char doc[] = " {\"a\": [1, 2.5, -3e2, true, false, null], \"b\": \"x\\u00e9\\ud83d\\ude00\\n\","
				  " \"c\": {}, \"d\": [], \"b\": \"last\", \"e\": \"\\ud800!\"} ";
	struct ayak_err err;
	struct tj_doc *d = tj_parse(doc, strlen(doc), &err);
	const struct tj_value *r, *a;
	uint64_t u;

	if (!ok(d != NULL, "tokjson: a valid document parses"))
		return;
	r = tj_root(d);
	a = tj_get(r, "a");
	ok(r->type == TJ_OBJECT && r->len == 6, "tokjson: six members, repeats kept");
	ok(a && a->type == TJ_ARRAY && a->len == 6, "tokjson: array of six");
	ok(a && a->u.items[0].integral && !tj_uint(&a->u.items[0], 10, &u) && u == 1,
	   "tokjson: integers are integral");
	ok(a && !a->u.items[1].integral && tj_uint(&a->u.items[1], 10, &u) < 0,
	   "tokjson: 2.5 is not a whole number");
	ok(a && a->u.items[3].type == TJ_TRUE && a->u.items[4].type == TJ_FALSE &&
	   a->u.items[5].type == TJ_NULL, "tokjson: literals");
	is_str(tj_get_str(r, "b", NULL), "last", "tokjson: the last of repeated keys wins");
	is_str(tj_get_str(r, "e", NULL), "\xEF\xBF\xBD!", "tokjson: a lone surrogate escape becomes U+FFFD");
	ok(tj_get(r, "c")->type == TJ_OBJECT && tj_get(r, "c")->len == 0, "tokjson: empty object");
	ok(tj_get(r, "zz") == NULL, "tokjson: missing key");
	tj_free(d);

	{
		static const char esc[] = "{\"b\": \"x\\u00e9\\ud83d\\ude00\"}";

		d = tj_parse(esc, strlen(esc), &err);
	}
	ok(d && !strcmp(tj_get_str(tj_root(d), "b", NULL), "x\xC3\xA9\xF0\x9F\x98\x80"),
	   "tokjson: \\u escapes and surrogate pairs decode to UTF-8");
	tj_free(d);

	d = tj_parse("{\"a\":\n [1,\n 2 3]}", 17, &err);
	ok(!d && err.code == AYAK_E_DATA, "tokjson: a missing comma is an error");
	is_str(err.msg, "line 3, column 4: expected ',' or ']'", "tokjson: error message with line and column");
	d = tj_parse("{\"a\": \"\xff\"}", 10, &err);
	ok(!d, "tokjson: invalid UTF-8 is refused");
	d = tj_parse("{} x", 4, &err);
	ok(!d && strstr(err.msg, "trailing characters"), "tokjson: trailing characters");
	{
		char deep[2 * TJ_MAX_DEPTH + 10];
		size_t i, n = 0;

		for (i = 0; i < TJ_MAX_DEPTH + 2; i++)
			deep[n++] = '[';
		for (i = 0; i < TJ_MAX_DEPTH + 2; i++)
			deep[n++] = ']';
		d = tj_parse(deep, n, &err);
		ok(!d && strstr(err.msg, "nested too deeply"), "tokjson: nesting is limited");
	}
	d = tj_parse("\"unterminated", 13, &err);
	ok(!d && strstr(err.msg, "unterminated string"), "tokjson: unterminated string");
}

/* ---- BPE ---- */

static void test_bpe_model(void)
{
	struct bpe_opts o = { 0 };
	struct ayak_err err;
	struct bpe *m;
	struct bpe_enc *e;
	struct bpe_ids ids = { 0 };
	struct ayak_buf b = AYAK_BUF_INIT;
	size_t unk = 0;
	static const char *const toks[] = { "a", "b", "c", "ab", "bc", "abc", "aa", "aaa" };
	uint32_t i;

	m = bpe_new(&o);
	for (i = 0; i < 8; i++)
		bpe_add_token(m, toks[i], strlen(toks[i]), i, &err);
	/* rank 0: b c; rank 1: a b; rank 2: a bc; rank 3: a a; rank 4: aa a */
	bpe_add_merge(m, "b", 1, "c", 1, 0, &err);
	bpe_add_merge(m, "a", 1, "b", 1, 1, &err);
	bpe_add_merge(m, "a", 1, "bc", 2, 2, &err);
	bpe_add_merge(m, "a", 1, "a", 1, 3, &err);
	bpe_add_merge(m, "aa", 2, "a", 1, 4, &err);
	bpe_finish(m, &err);
	e = bpe_enc_new(m);
	bpe_encode(e, "abc", 3, &ids, &unk);
	ids_str(&ids, &b);
	is_str(b.data, "[5]", "bpe: the lowest rank merges first (b c, then a bc)");
	ids.n = 0;
	bpe_encode(e, "aaaa", 4, &ids, &unk);
	ids_str(&ids, &b);
	is_str(b.data, "[6,6]", "bpe: equal ranks merge leftmost first (aa aa, not a aa a)");
	ids.n = 0;
	bpe_encode(e, "aaaaa", 5, &ids, &unk);
	ids_str(&ids, &b);
	is_str(b.data, "[6,7]", "bpe: aa aa a -> aa aaa");
	ids.n = 0;
	unk = 0;
	bpe_encode(e, "abxc", 4, &ids, &unk);
	ids_str(&ids, &b);
	ok(!strcmp(b.data, "[3,2]") && unk == 1, "bpe: an unknown symbol without unk or fallback is dropped and counted");
	ids.n = 0;
	bpe_encode(e, "aaaa", 4, &ids, &unk);
	ids_str(&ids, &b);
	is_str(b.data, "[6,6]", "bpe: a cached pre-token gives the same IDs");
	ok(bpe_vocab_size(m) == 8 && bpe_merge_count(m) == 5, "bpe: vocabulary size and merge count");
	bpe_enc_free(e);
	bpe_free(m);

	/* Byte-level: the vocabulary in the GPT-2 alphabet, text in bytes. */
	memset(&o, 0, sizeof(o));
	o.byte_level = 1;
	m = bpe_new(&o);
	for (i = 0; i < 256; i++) {
		char u[4];
		int l = ayak_utf8_encode(bpe_byte_char((unsigned char)i), u);

		bpe_add_token(m, u, (size_t)l, i, &err);
	}
	bpe_add_token(m, "\xC4\xA0t", 3, 256, &err);	/* "Ġt" = " t" */
	bpe_add_merge(m, "\xC4\xA0", 2, "t", 1, 0, &err);
	bpe_finish(m, &err);
	e = bpe_enc_new(m);
	ids.n = 0;
	bpe_encode(e, " tt", 3, &ids, &unk);
	ids_str(&ids, &b);
	is_str(b.data, "[256,116]", "bpe: byte-level: Ġt is the bytes \" t\"");
	ok(bpe_byte_char(' ') == 0x120 && bpe_char_byte(0x120) == ' ' && bpe_char_byte(0x41) == 'A' &&
	   bpe_char_byte(0x20) == -1, "bpe: the GPT-2 byte alphabet");
	ok(bpe_token_id(m, "\xC4\xA0t", 3) == 256, "bpe: token IDs by their file form");
	bpe_enc_free(e);
	bpe_free(m);
	bpe_ids_release(&ids);
	ayak_buf_release(&b);
}

/* ---- fixtures against tokenizers.js ---- */

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct ayak_buf b = AYAK_BUF_INIT;
	char chunk[4096];
	size_t n;

	if (!f)
		return NULL;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		ayak_buf_add(&b, chunk, n);
	fclose(f);
	ayak_buf_add(&b, "", 1);
	*len = b.len - 1;
	return b.data;
}

static void test_fixture(const char *name, const struct tok_opts *o)
{
	char tpath[4096], epath[4096];
	struct ayak_err err;
	struct tok *t;
	struct tok_enc *e;
	struct ayak_record rec;
	struct ayak_buf text = AYAK_BUF_INIT, got = AYAK_BUF_INIT, dec = AYAK_BUF_INIT;
	struct bpe_ids ids = { 0 };
	size_t ilen, elen, good = 0, total = 0, round = 0, rtotal = 0;
	char *in, *exp, *ip, *ep;

	snprintf(tpath, sizeof(tpath), "%s/tokenizer.json", data_path(name));
	snprintf(epath, sizeof(epath), "%s", data_path("expected-"));
	snprintf(epath + strlen(epath), sizeof(epath) - strlen(epath), "%s.txt", name);
	t = tok_load(tpath, o, &err);
	if (!ok(t != NULL, "%s: tokenizer.json loads", name)) {
		printf("#   %s\n", err.msg);
		return;
	}
	in = slurp(data_path("input.jsonl"), &ilen);
	exp = slurp(epath, &elen);
	if (!ok(in && exp, "%s: input and expected IDs are there", name)) {
		tok_free(t);
		free(in);
		free(exp);
		return;
	}
	e = tok_enc_new(t, &err);
	ayak_record_init(&rec);
	for (ip = in, ep = exp; *ip && *ep;) {
		char *inl = strchr(ip, '\n'), *exl = strchr(ep, '\n');
		const struct ayak_field *f;

		if (!inl || !exl)
			break;
		*inl = *exl = '\0';
		total++;
		if (!ayak_record_parse(&rec, ip, (size_t)(inl - ip), 0, &err) &&
		    (f = ayak_record_get(&rec, "text", 4))) {
			ayak_buf_reset(&text);
			ayak_json_decode_string(ip + f->val, f->val_len, &text, NULL, &err);
			ids.n = 0;
			if (!tok_encode(e, text.data ? text.data : "", text.len, &ids, NULL, &err)) {
				ids_str(&ids, &got);
				if (!strcmp(got.data, ep))
					good++;
				else
					printf("#   %s line %zu: got %s\n#   want %s\n", name, total, got.data, ep);
				/* Decoding gives the text back (byte-level, and Latin text). */
				ayak_buf_reset(&dec);
				tok_decode(t, ids.v, ids.n, strcmp(name, "bytelevel") != 0, &dec);
				if (strcmp(name, "bytelevel") == 0 || !strchr(ip, '<')) {
					rtotal++;
					if (dec.len == text.len && (!dec.len || !memcmp(dec.data, text.data, dec.len)))
						round++;
					else if (!strcmp(name, "bytelevel"))
						printf("#   %s line %zu: decodes to \"%.*s\"\n", name, total,
						       (int)dec.len, dec.data ? dec.data : "");
				}
			}
		}
		ip = inl + 1;
		ep = exl + 1;
	}
	ok(total == 18 && good == total, "%s: the IDs of tokenizers.js for all %zu inputs (%zu agree)",
	   name, total, good);
	if (!strcmp(name, "bytelevel"))
		ok(round == rtotal, "%s: decode(encode(text)) == text (%zu of %zu)", name, round, rtotal);
	ayak_record_release(&rec);
	tok_enc_free(e);
	tok_free(t);
	free(in);
	free(exp);
	ayak_buf_release(&text);
	ayak_buf_release(&got);
	ayak_buf_release(&dec);
	bpe_ids_release(&ids);
}

static void test_fixture_details(void)
{
	struct ayak_err err;
	struct tok_opts o = { 0 };
	struct tok *t;
	char *s;
	char path[4096];

	snprintf(path, sizeof(path), "%s/tokenizer.json", data_path("bytelevel"));
	t = tok_load(path, NULL, &err);
	if (!t)
		return;
	ok(tok_vocab_size(t) == 600 && tok_eot_id(t) == 599, "bytelevel: 600 tokens, <|endoftext|> is 599");
	is_str(tok_describe(t), "byte-level BPE, 600 tokens, 343 merges, added tokens", "bytelevel: description");
	s = encode_str(t, "x<|endoftext|>y", 15);
	is_str(s, "[87,599,88]", "bytelevel: a special token in the text is the special token");
	free(s);
	tok_set_bos_eos(t, 599, 599);
	s = encode_str(t, "x", 1);
	is_str(s, "[599,87,599]", "bytelevel: BOS and EOS set by hand");
	free(s);
	tok_free(t);
	o.split_special = 1;
	t = tok_load(path, &o, &err);
	s = encode_str(t, "x<|endoftext|>y", 15);
	is_str(s, "[87,27,91,511,78,69,83,68,87,83,91,29,88]",
	       "bytelevel: --split-special-tokens encodes it as text (as tokenizers.js without the token)");
	free(s);
	tok_free(t);

	snprintf(path, sizeof(path), "%s/tokenizer.json", data_path("sp"));
	t = tok_load(path, NULL, &err);
	if (!t)
		return;
	is_str(tok_describe(t), "character BPE, 700 tokens, 384 merges, added tokens", "sp: description");
	s = encode_str(t, "", 0);
	is_str(s, "[1]", "sp: an empty text is BOS alone");
	free(s);
	s = encode_str(t, "\xDA\xA4", 2);	/* Jawi pa: not in the vocabulary */
	is_str(s, "[1,260,221,167]", "sp: an unknown character falls back to its bytes");
	free(s);
	tok_free(t);
	o.split_special = 0;
	o.no_post = 1;
	t = tok_load(path, &o, &err);
	s = encode_str(t, "", 0);
	is_str(s, "[]", "sp: without the post-processor no BOS");
	free(s);
	tok_free(t);
}

/* ---- inline tokenizer.json files ---- */

static const char mini_head[] =
	"{\"added_tokens\":[%s],\"normalizer\":%s,\"pre_tokenizer\":%s,\"post_processor\":%s,"
	"\"decoder\":null,\"model\":{\"type\":\"BPE\",\"unk_token\":%s,\"byte_fallback\":%s,\"fuse_unk\":%s,"
	"\"vocab\":{\"<unk>\":0,\"a\":1,\"b\":2,\"ab\":3,\" \":4,\"c\":5,\"<0x63>\":6,\"[X]\":7,\"abc\":8,\"aab\":9,\"aa\":10},"
	"\"merges\":%s}}";

static struct tok *mini(const char *added, const char *norm, const char *pre, const char *post,
			const char *unk, const char *fallback, const char *fuse, const char *merges,
			struct ayak_err *err)
{
	char buf[4096];

	snprintf(buf, sizeof(buf), mini_head, added, norm, pre, post, unk, fallback, fuse, merges);
	return load_str(buf, NULL, err);
}

static void test_inline(void)
{
	struct ayak_err err;
	struct tok *t, *t2;
	char *s, *s2;

	/* Both forms of merges. */
	t = mini("", "null", "null", "null", "null", "false", "false", "[\"a b\",\"ab c\"]", &err);
	t2 = mini("", "null", "null", "null", "null", "false", "false", "[[\"a\",\"b\"],[\"ab\",\"c\"]]", &err);
	if (!ok(t && t2, "inline: a tokenizer with \"a b\" and one with [\"a\",\"b\"] merges load"))
		printf("#   %s\n", err.msg);
	s = t ? encode_str(t, "abcab", 5) : NULL;
	s2 = t2 ? encode_str(t2, "abcab", 5) : NULL;
	is_str(s, "[8,3]", "inline: \"a b\" merges");
	is_str(s2, "[8,3]", "inline: [\"a\",\"b\"] merges give the same");
	free(s);
	free(s2);
	tok_free(t);
	tok_free(t2);

	/* unk and fuse_unk, byte fallback. */
	t = mini("", "null", "null", "null", "\"<unk>\"", "false", "true", "[\"a b\"]", &err);
	s = encode_str(t, "xyab zz", 7);
	is_str(s, "[0,3,4,0]", "inline: unknown characters fuse into one <unk>");
	free(s);
	tok_free(t);
	t = mini("", "null", "null", "null", "\"<unk>\"", "true", "false", "[]", &err);
	s = encode_str(t, "cx", 2);
	is_str(s, "[5,0]", "inline: byte fallback needs every byte; else <unk>");
	free(s);
	tok_free(t);

	/* Added tokens: lstrip and rstrip eat white space; longest match first. */
	t = mini("{\"id\":7,\"content\":\"[X]\",\"lstrip\":true,\"rstrip\":true,\"special\":true,\"normalized\":false}",
		 "null", "null", "null", "null", "false", "false", "[\"a b\"]", &err);
	s = encode_str(t, "ab  [X]  ab", 11);
	is_str(s, "[3,7,3]", "inline: lstrip and rstrip");
	free(s);
	tok_free(t);
	t = mini("{\"id\":7,\"content\":\"[X]\",\"single_word\":true,\"special\":true,\"normalized\":false}",
		 "null", "null", "null", "null", "false", "false", "[\"a b\"]", &err);
	s = encode_str(t, "a[X] [X]", 8);
	ok(s && strstr(s, ",7]") && !strstr(s, "[1,7"), "inline: single_word matches a token only on its own");
	free(s);
	tok_free(t);

	/* Post-processors. */
	t = mini("{\"id\":7,\"content\":\"[X]\",\"special\":true}", "null", "null",
		 "{\"type\":\"RobertaProcessing\",\"cls\":[\"[X]\",7],\"sep\":[\"<unk>\",0]}",
		 "null", "false", "false", "[\"a b\"]", &err);
	s = encode_str(t, "ab", 2);
	is_str(s, "[7,3,0]", "inline: RobertaProcessing adds cls and sep");
	free(s);
	tok_free(t);
	/* an id the vocabulary lacks is emitted, and the vocabulary's size covers it (found by fuzz-tokjson) */
	t = mini("", "null", "null",
		 "{\"type\":\"RobertaProcessing\",\"cls\":[\"<k>\",12],\"sep\":[\"<unk>\",0]}",
		 "null", "false", "false", "[\"a b\"]", &err);
	s = t ? encode_str(t, "ab", 2) : strdup(err.msg);
	is_str(s, "[12,3,0]", "inline: a post-processor id past the vocabulary is emitted");
	ok(t && tok_vocab_size(t) == 13, "inline: and the vocabulary size covers it (%u)",
	   t ? tok_vocab_size(t) : 0);
	free(s);
	tok_free(t);
	t = mini("", "null", "null",
		 "{\"type\":\"Sequence\",\"processors\":[{\"type\":\"ByteLevel\"},{\"type\":\"TemplateProcessing\","
		 "\"single\":[{\"SpecialToken\":{\"id\":\"[X]\"}},{\"Sequence\":{\"id\":\"A\"}},{\"SpecialToken\":{\"id\":\"<unk>\"}}],"
		 "\"special_tokens\":{\"[X]\":{\"ids\":[7]},\"<unk>\":{\"ids\":[0]}}}]}",
		 "null", "false", "false", "[\"a b\"]", &err);
	s = t ? encode_str(t, "ab", 2) : strdup(err.msg);
	is_str(s, "[7,3,0]", "inline: TemplateProcessing inside a Sequence");
	free(s);
	tok_free(t);

	/* Normalizers and pre-tokenizers. */
	t = mini("", "{\"type\":\"Sequence\",\"normalizers\":[{\"type\":\"Lowercase\"},{\"type\":\"Replace\","
		 "\"pattern\":{\"Regex\":\"\\\\s+\"},\"content\":\" \"}]}", "null", "null", "null", "false", "false",
		 "[\"a b\"]", &err);
	s = t ? encode_str(t, "AB\t\n AB", 7) : strdup(err.msg);
	is_str(s, "[3,4,3]", "inline: Lowercase and a Replace regex");
	free(s);
	tok_free(t);
	t = mini("", "null", "{\"type\":\"Split\",\"pattern\":{\"String\":\"b\"},\"behavior\":\"MergedWithPrevious\"}",
		 "null", "null", "false", "false", "[\"a a\",\"aa b\"]", &err);
	s = t ? encode_str(t, "aabab", 5) : strdup(err.msg);
	is_str(s, "[9,1,2]", "inline: Split with MergedWithPrevious (aab, ab)");
	free(s);
	tok_free(t);
	t = mini("", "null", "{\"type\":\"Split\",\"pattern\":{\"String\":\"b\"},\"behavior\":\"Removed\"}",
		 "null", "null", "false", "false", "[\"a b\"]", &err);
	s = t ? encode_str(t, "abab", 4) : strdup(err.msg);
	is_str(s, "[1,1]", "inline: Split with Removed");
	free(s);
	tok_free(t);

	/* Errors. */
	t = load_str("{\"model\":{\"type\":\"WordPiece\",\"vocab\":{}}}", NULL, &err);
	ok(!t, "inline: a WordPiece model is refused");
	is_str(err.msg, "unsupported model \"WordPiece\" (only BPE models are supported)", "inline: and says so");
	t = load_str("{\"model\":{\"type\":\"BPE\",\"vocab\":{\"a\":\"x\"},\"merges\":[]}}", NULL, &err);
	ok(!t && strstr(err.msg, "needs a whole number ID"), "inline: a vocabulary ID must be a number");
	t = load_str("{\"model\":{\"type\":\"BPE\",\"vocab\":{\"a\":0},\"merges\":[\"ab\"]}}", NULL, &err);
	ok(!t && strstr(err.msg, "is not two tokens"), "inline: a merge must be two tokens");
	t = load_str("{\"pre_tokenizer\":{\"type\":\"Split\",\"pattern\":{\"Regex\":\"(\"}},"
		     "\"model\":{\"type\":\"BPE\",\"vocab\":{},\"merges\":[]}}", NULL, &err);
	ok(!t && strstr(err.msg, "regex /(/"), "inline: a bad regex is reported");
	t = load_str("{\"normalizer\":{\"type\":\"Precompiled\"},\"model\":{\"type\":\"BPE\",\"vocab\":{},\"merges\":[]}}",
		     NULL, &err);
	ok(!t && strstr(err.msg, "unsupported normalizer \"Precompiled\""), "inline: unsupported normalizers are named");
}

/* ---- regexes ---- */

static void test_regex(void)
{
	struct ayak_err err;
	struct tok_regex *re = tok_regex_new("\\s+", 3, &err);
	size_t ms, me;
	static const char ws[] = "a\xC2\x85\xE2\x80\xA8 b\xEF\xBB\xBF";

	ok(re && tok_regex_next(re, ws, strlen(ws), 0, NULL, &ms, &me, &err) == 1 && ms == 1 && me == 7,
	   "regex: \\s is White_Space: U+0085, U+2028 and space");
	ok(re && tok_regex_next(re, ws, strlen(ws), 7, NULL, &ms, &me, &err) == 0, "regex: U+FEFF is not \\s");
	tok_regex_free(re);
	re = tok_regex_new("\\h+", 3, &err);
	ok(re && tok_regex_next(re, "xx 0aF9 zz", 10, 0, NULL, &ms, &me, &err) == 1 && ms == 3 && me == 7,
	   "regex: \\h is a hex digit, as Oniguruma reads it");
	tok_regex_free(re);
	re = tok_regex_new("[^\\s\\p{L}]+", 11, &err);
	ok(re && tok_regex_next(re, "ab 12!", 6, 0, NULL, &ms, &me, &err) == 1 && ms == 3 && me == 6,
	   "regex: \\s inside a class");
	tok_regex_free(re);
	re = tok_regex_new("x*", 2, &err);
	ok(re && tok_regex_next(re, "ab", 2, 0, NULL, &ms, &me, &err) == 0, "regex: empty matches are skipped");
	tok_regex_free(re);
	ok(tok_named_pattern("gpt2") && tok_named_pattern("cl100k") && tok_named_pattern("o200k") &&
	   !tok_named_pattern("nope"), "regex: named patterns");
}

/* The ASCII twin splits random text exactly as the full pattern does. */
static void test_twin(void)
{
	static const char *const pool[] = {
		"a", "b", "Z", "k", "s", "S", "t", "m", "'", "'s", "'S", "'ll", " ", "  ", "\t", "\n", "\r",
		"\r\n", "\x0b", "\x0c", "0", "7", "12", ".", ",", "!", "-", "_", "/", "(", "<", "|",
		"\xc3\xa9", "\xc3\x9f", "\xc5\xbf", "\xe2\x84\xaa", "\xc2\xa0", "\xc2\x85", "\xef\xbb\xbf",
		"\xe3\x80\x80", "\xe5\x90\x89", "\xda\xa4", "\xd9\xa1", "\xc2\xb2", "\xcc\x81",
		"\xf0\x9f\x98\x80", "\xe2\x80\xa8", "\xef\xbf\xbd", "saya", " makan", "RM1,250",
	};
	static const char *const names[] = { "gpt2", "cl100k", "o200k", "qwen2" };
	struct ayak_err err;
	struct ayak_buf text = AYAK_BUF_INIT;
	unsigned long seed = 12345;
	size_t k, i;

	for (k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
		const char *pat = tok_named_pattern(names[k]);
		struct tok_regex *re = tok_regex_new(pat, strlen(pat), &err);
		size_t bad = 0, matches = 0;

		if (!ok(re && tok_regex_has_twin(re), "twin: %s has an ASCII twin", names[k])) {
			tok_regex_free(re);
			continue;
		}
		for (i = 0; i < 20000; i++) {
			size_t len, j, pa = 0, pb = 0, as, ae, bs, be;
			struct tok_scan sc = TOK_SCAN_INIT;
			int ra, rb;

			ayak_buf_reset(&text);
			seed = seed * 6364136223846793005UL + 1442695040888963407UL;
			len = (seed >> 33) % 30;
			for (j = 0; j < len; j++) {
				seed = seed * 6364136223846793005UL + 1442695040888963407UL;
				/* Mostly ASCII: non-ASCII pieces one time in four. */
				ayak_buf_addstr(&text, pool[(seed >> 33) % ((seed >> 20) % 4 ? 32 : 50)]);
			}
			for (;;) {
				ra = tok_regex_next(re, text.data ? text.data : "", text.len, pa, &sc, &as, &ae, &err);
				rb = tok_regex_next(re, text.data ? text.data : "", text.len, pb, NULL, &bs, &be, &err);
				if (ra != rb || (ra > 0 && (as != bs || ae != be))) {
					bad++;
					break;
				}
				if (ra <= 0)
					break;
				matches++;
				pa = ae;
				pb = be;
			}
		}
		ok(!bad, "twin: %s splits 20000 random strings as the full pattern (%zu matches, %zu differ)",
		   names[k], matches, bad);
		tok_regex_free(re);
	}
	ayak_buf_release(&text);
}

/* A text longer than TOK_MAX_TEXT (or opts' max_text): TOK_TOO_LONG, not cut. */
static void test_too_long(void)
{
	struct ayak_err err;
	struct tok_opts o = { 0 };
	struct bpe_ids ids = { 0 };
	struct tok_enc *e;
	struct tok *t;
	char path[4096];
	char *s;
	int ret;

	snprintf(path, sizeof(path), "%s/tokenizer.json", data_path("bytelevel"));
	o.max_text = 10;
	t = tok_load(path, &o, &err);
	if (!ok(t != NULL, "too long: bytelevel with max_text 10"))
		return;
	s = encode_str(t, "saya suka.", 10);
	ok(s && s[0] == '[', "too long: a text of 10 bytes is not (%s)", s);
	free(s);
	e = tok_enc_new(t, &err);
	ret = tok_encode(e, "saya suka.\n", 11, &ids, NULL, &err);
	ok(ret == TOK_TOO_LONG && err.code == AYAK_E_DATA &&
	   !strcmp(err.msg, "text too long to tokenize (11 bytes; the limit is 10)"),
	   "too long: one of 11 bytes is (%s)", err.msg);
	tok_enc_free(e);
	tok_free(t);
	t = tok_load(path, NULL, &err);
	e = t ? tok_enc_new(t, &err) : NULL;
	if (!e)
		return;
	/* The length alone says it; nothing is read. */
	ret = tok_encode(e, "x", TOK_MAX_TEXT + 1, &ids, NULL, &err);
	ok(ret == TOK_TOO_LONG && err.code == AYAK_E_DATA && TOK_MAX_TEXT == 1073741823 &&
	   !strcmp(err.msg, "text too long to tokenize (1073741824 bytes; the limit is 1073741823)"),
	   "too long: the limit is 2^30 - 1 bytes (%s)", err.msg);
	ids.n = 0;
	ret = tok_encode(e, "x", 1, &ids, NULL, &err);
	ok(!ret && ids.n == 1, "too long: the encoder goes on after it");
	bpe_ids_release(&ids);
	tok_enc_free(e);
	tok_free(t);
}

int main(void)
{
	struct tok_opts js = { 0 };

	test_tokjson();
	test_bpe_model();
	test_regex();
	test_twin();
	test_fixture("bytelevel", NULL);
	test_fixture("sp", NULL);
	test_fixture("metaspace", NULL);
	js.compat_js = 1;
	test_fixture("bytelevel", &js);
	test_fixture_details();
	test_inline();
	test_too_long();
	return done();
}
