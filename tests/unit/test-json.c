/*
 * Unit tests for the record scanner in json.h: ayak_record_parse and the
 * field offsets, ayak_record_get, ayak_json_decode_string,
 * ayak_json_encode_string, ayak_record_emit, ayak_record_splice,
 * ayak_json_validate and the
 * exact error messages and columns.  Prints TAP.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

/* ---- a tiny TAP producer ---- */

#include "tap.h"

static void diag_bytes(const char *label, const void *p, size_t n)
{
	const unsigned char *s = p;
	size_t i;

	printf("#   %s (%zu bytes): ", label, n);
	for (i = 0; i < n && i < 300; i++)
		if (s[i] >= 0x20 && s[i] < 0x7f && s[i] != '\\')
			putchar(s[i]);
		else
			printf("\\x%02X", s[i]);
	if (n > 300)
		printf("...");
	putchar('\n');
}

static int is_mem(const void *got, size_t gotlen, const void *want, size_t wantlen,
		  const char *fmt, ...)
{
	int same = gotlen == wantlen && (!gotlen || !memcmp(got, want, gotlen));
	char name[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(name, sizeof(name), fmt, ap);
	va_end(ap);
	ok(same, "%s", name);
	if (!same) {
		diag_bytes("got ", got, gotlen);
		diag_bytes("want", want, wantlen);
	}
	return same;
}

/* ---- helpers ---- */

#define S(lit) lit, sizeof(lit) - 1
#define FFFD "\xEF\xBF\xBD"

/*
 * Parse a copy of line[0..len) in an exact-size heap block, so that
 * AddressSanitizer catches any read past the end.  The copy stays alive in
 * *copy until the next call.
 */
static char *line_copy;

static int parse(struct ayak_record *r, const char *line, size_t len, unsigned flags,
		 struct ayak_err *err)
{
	free(line_copy);
	line_copy = malloc(len ? len : 1);
	memcpy(line_copy, line, len);
	ayak_err_clear(err);
	return ayak_record_parse(r, line_copy, len, flags, err);
}

static int field_is(struct ayak_record *r, const struct ayak_field *f, const char *key,
		    const char *val, int type)
{
	return f && f->key_len == strlen(key) && !memcmp(r->line + f->key, key, f->key_len) &&
	       f->val_len == strlen(val) && !memcmp(r->line + f->val, val, f->val_len) &&
	       f->type == type;
}

static void diag_field(struct ayak_record *r, const struct ayak_field *f)
{
	if (!f) {
		printf("#   no field\n");
		return;
	}
	printf("#   key %zu+%zu, val %zu+%zu, type %d, key_raw %d, val_raw %d\n", f->key,
	       f->key_len, f->val, f->val_len, f->type, f->key_raw, f->val_raw);
	if (f->key + f->key_len <= r->len)
		diag_bytes("key", r->line + f->key, f->key_len);
	if (f->val + f->val_len <= r->len)
		diag_bytes("val", r->line + f->val, f->val_len);
}

/* ---- parse and offsets ---- */

static void test_parse_offsets(void)
{
	struct ayak_record r;
	struct ayak_err err;
	static const char line[] =
		"{\"id\":7, \"text\" : \"hello\",  \"n\":[1,{\"x\":null}] ,\"t\":true,"
		"\"f\":false,\"z\":null,\"o\":{\"text\":\"inner\"},\"e\":\"a\\nb\",\"te\\u0078t2\":-1.5e+3}";
	const struct ayak_field *f;
	int ret;

	ayak_record_init(&r);
	ret = parse(&r, S(line), 0, &err);
	if (!ok(ret == 0, "parse a record with every value type"))
		printf("#   %s\n", err.msg);
	if (!ok(r.nfields == 9, "nine top-level fields (nested keys are not indexed)"))
		printf("#   got %zu\n", r.nfields);
	ok(r.close == sizeof(line) - 2, "close is the offset of the closing brace");
	if (r.nfields == 9) {
		f = &r.fields[0];
		if (!ok(field_is(&r, f, "id", "7", AYAK_JSON_NUMBER) && f->key_raw,
			"field 0: id, number"))
			diag_field(&r, f);
		f = &r.fields[1];
		if (!ok(field_is(&r, f, "text", "\"hello\"", AYAK_JSON_STRING) && f->key_raw &&
			f->val_raw, "field 1: text with spaces around the colon"))
			diag_field(&r, f);
		f = &r.fields[2];
		if (!ok(field_is(&r, f, "n", "[1,{\"x\":null}]", AYAK_JSON_ARRAY),
			"field 2: nested array, whole value"))
			diag_field(&r, f);
		f = &r.fields[3];
		if (!ok(field_is(&r, f, "t", "true", AYAK_JSON_TRUE), "field 3: true"))
			diag_field(&r, f);
		f = &r.fields[4];
		if (!ok(field_is(&r, f, "f", "false", AYAK_JSON_FALSE), "field 4: false"))
			diag_field(&r, f);
		f = &r.fields[5];
		if (!ok(field_is(&r, f, "z", "null", AYAK_JSON_NULL), "field 5: null"))
			diag_field(&r, f);
		f = &r.fields[6];
		if (!ok(field_is(&r, f, "o", "{\"text\":\"inner\"}", AYAK_JSON_OBJECT),
			"field 6: nested object"))
			diag_field(&r, f);
		f = &r.fields[7];
		if (!ok(field_is(&r, f, "e", "\"a\\nb\"", AYAK_JSON_STRING) && !f->val_raw,
			"field 7: string with an escape is not raw"))
			diag_field(&r, f);
		f = &r.fields[8];
		if (!ok(field_is(&r, f, "te\\u0078t2", "-1.5e+3", AYAK_JSON_NUMBER) && !f->key_raw,
			"field 8: escaped key is not raw, key bytes as written"))
			diag_field(&r, f);
	}
	f = ayak_record_get(&r, S("text"));
	if (!ok(f == &r.fields[1], "get text finds the top-level one, not the nested one"))
		diag_field(&r, f);

	ret = parse(&r, S(" \t{ \"a\" :\t1 }\t \r"), 0, &err);
	if (!ok(ret == 0 && r.nfields == 1 && r.close == 12, "whitespace around the object is allowed"))
		printf("#   ret %d, %s, nfields %zu, close %zu\n", ret, err.msg, r.nfields, r.close);

	ret = parse(&r, S("{}"), 0, &err);
	ok(ret == 0 && r.nfields == 0 && r.close == 1, "empty object {}");
	ret = parse(&r, S("  { }  "), 0, &err);
	ok(ret == 0 && r.nfields == 0 && r.close == 4, "empty object with spaces");

	/* A record reused for a line with fewer fields. */
	parse(&r, S("{\"a\":1,\"b\":2,\"c\":3}"), 0, &err);
	ret = parse(&r, S("{\"x\":\"y\"}"), 0, &err);
	ok(ret == 0 && r.nfields == 1 && ayak_record_get(&r, S("a")) == NULL &&
	   ayak_record_get(&r, S("x")) != NULL, "a record can be reused for the next line");

	/* Non-ASCII keys and values. */
	ret = parse(&r, S("{\"kunci\xE2\x86\x92\":\"nilai \xF0\x9F\x98\x80\"}"), 0, &err);
	f = ayak_record_get(&r, S("kunci\xE2\x86\x92"));
	ok(ret == 0 && f && f->val_len == 12 && f->key_raw && f->val_raw,
	   "UTF-8 key and value are raw and found");

	ayak_record_release(&r);
}

static void test_get(void)
{
	struct ayak_record r;
	struct ayak_err err;
	const struct ayak_field *f;

	ayak_record_init(&r);
	parse(&r, S("{\"text\":\"first\",\"id\":1,\"text\":\"second\",\"tex\":0}"), 0, &err);
	f = ayak_record_get(&r, S("text"));
	if (!ok(f && f == &r.fields[2] && f->val_len == 8 &&
		!memcmp(r.line + f->val, "\"second\"", 8), "duplicate key: get returns the last"))
		diag_field(&r, f);
	ok(ayak_record_get(&r, S("te")) == NULL, "get: a prefix of a key is not the key");
	ok(ayak_record_get(&r, S("texts")) == NULL, "get: a longer name is not the key");
	ok(ayak_record_get(&r, S("missing")) == NULL, "get: absent key is NULL");
	ok(ayak_record_get(&r, S("TEXT")) == NULL, "get: keys are case-sensitive");
	ok(ayak_record_get(&r, S("tex")) == &r.fields[3], "get: key tex");

	parse(&r, S("{\"te\\u0078t\":\"esc\",\"a\\\"b\":1,\"\\u00e9\":2,\"\\ud83d\\ude00\":3,"
		    "\"n\\u0000l\":4,\"sl\\/ash\":5}"), 0, &err);
	f = ayak_record_get(&r, S("text"));
	ok(f == &r.fields[0], "get finds an escaped key (te\\u0078t) by its decoded name");
	ok(ayak_record_get(&r, S("a\"b")) == &r.fields[1], "get finds a key with an escaped quote");
	ok(ayak_record_get(&r, S("\xC3\xA9")) == &r.fields[2], "get finds \\u00e9 as UTF-8");
	ok(ayak_record_get(&r, S("\xF0\x9F\x98\x80")) == &r.fields[3],
	   "get finds a surrogate-pair key as UTF-8");
	ok(ayak_record_get(&r, "n\0l", 3) == &r.fields[4], "get finds a key with a NUL in it");
	ok(ayak_record_get(&r, S("sl/ash")) == &r.fields[5], "get finds a key with \\/");
	ok(ayak_record_get(&r, S("te\\u0078t")) == NULL, "get does not match the escaped spelling");

	parse(&r, S("{\"text\":\"raw\",\"te\\u0078t\":\"escaped\"}"), 0, &err);
	ok(ayak_record_get(&r, S("text")) == &r.fields[1],
	   "duplicate key spelled differently: the last one wins");

	parse(&r, S("{}"), 0, &err);
	ok(ayak_record_get(&r, S("text")) == NULL, "get on an empty object is NULL");
	ayak_record_release(&r);
}

/* ---- decode ---- */

static void check_decode(const char *json, size_t len, const char *want, size_t wantlen,
			 size_t want_repl, const char *name)
{
	struct ayak_buf out = AYAK_BUF_INIT;
	struct ayak_err err;
	size_t nrepl = 0;
	char *copy = malloc(len);
	int ret;

	memcpy(copy, json, len);
	ayak_err_clear(&err);
	ret = ayak_json_decode_string(copy, len, &out, &nrepl, &err);
	if (!ok(ret == 0, "decode %s: returns 0", name))
		printf("#   %s\n", err.msg);
	is_mem(out.data, out.len, want, wantlen, "decode %s: value", name);
	if (!ok(nrepl == want_repl, "decode %s: %zu replacements", name, want_repl))
		printf("#   got %zu\n", nrepl);
	ayak_buf_release(&out);
	free(copy);
}

static void test_decode(void)
{
	struct ayak_buf out = AYAK_BUF_INIT;
	struct ayak_record r;
	struct ayak_err err;
	const struct ayak_field *f;
	size_t nrepl;

	check_decode(S("\"\""), "", 0, 0, "empty string");
	check_decode(S("\"Selamat pagi\""), S("Selamat pagi"), 0, "plain");
	check_decode(S("\"a\\\"b\\\\c\\/d\\be\\ff\\ng\\rh\\ti\""),
		     S("a\"b\\c/d\be\ff\ng\rh\ti"), 0, "the eight short escapes");
	check_decode(S("\"\\u0041\\u00e9\\u4E2D\\u0000\""), "A\xC3\xA9\xE4\xB8\xAD\0", 7, 0,
		     "\\u escapes: 1, 2 and 3 bytes, and NUL");
	check_decode(S("\"\\ud83d\\ude00\""), S("\xF0\x9F\x98\x80"), 0, "surrogate pair");
	check_decode(S("\"\\uD83D\\uDE00x\""), S("\xF0\x9F\x98\x80x"), 0,
		     "surrogate pair, upper-case hex");
	check_decode(S("\"\\udbff\\udfff\""), S("\xF4\x8F\xBF\xBF"), 0,
		     "surrogate pair for U+10FFFF");
	check_decode(S("\"a\\ud800b\""), S("a" FFFD "b"), 1, "lone high surrogate");
	check_decode(S("\"\\udc00\""), S(FFFD), 1, "lone low surrogate");
	check_decode(S("\"\\ud800\\u0041\""), S(FFFD "A"), 1, "high surrogate then a non-surrogate");
	check_decode(S("\"\\ud800\\ud800\""), S(FFFD FFFD), 2, "two high surrogates");
	check_decode(S("\"\\udc00\\ud800\""), S(FFFD FFFD), 2, "a pair in the wrong order");
	check_decode(S("\"\\ud800\""), S(FFFD), 1, "high surrogate at the end");
	check_decode(S("\"a\xFF" "b\""), S("a" FFFD "b"), 1, "invalid byte FF (lax record)");
	check_decode(S("\"\xED\xA0\x80\""), S(FFFD FFFD FFFD), 3,
		     "raw surrogate ED A0 80: three replacements, as ayak_utf8_repair");
	check_decode(S("\"x\xF0\x9F\x98\""), S("x" FFFD), 1,
		     "truncated 4-byte sequence: one replacement, as ayak_utf8_repair");
	check_decode(S("\"\xE2\x82 \""), S(FFFD " "), 1,
		     "truncated 3-byte sequence: one replacement, as ayak_utf8_repair");
	check_decode(S("\"caf\xC3\xA9 \xF0\x9F\x98\x80\""), S("caf\xC3\xA9 \xF0\x9F\x98\x80"), 0,
		     "valid UTF-8 passes through");

	/* decode appends. */
	ayak_buf_addstr(&out, "pre:");
	nrepl = 0;
	ayak_json_decode_string(S("\"x\""), &out, &nrepl, &err);
	is_mem(out.data, out.len, S("pre:x"), "decode appends to the buffer");
	ayak_buf_reset(&out);
	ok(ayak_json_decode_string(S("\"x\""), &out, NULL, &err) == 0 && out.len == 1,
	   "decode accepts nrepl == NULL");

	/* Decoding the field of a parsed record. */
	ayak_record_init(&r);
	parse(&r, S("{\"text\":\"Apa khabar\\u003F\\n\\\"Baik\\\"\"}"), 0, &err);
	f = ayak_record_get(&r, S("text"));
	ayak_buf_reset(&out);
	nrepl = 0;
	ok(f && ayak_json_decode_string(r.line + f->val, f->val_len, &out, &nrepl, &err) == 0,
	   "decode a parsed field");
	is_mem(out.data, out.len, S("Apa khabar?\n\"Baik\""), "decode a parsed field: value");

	/* Lax records: lone surrogates and bad bytes parse, and decode counts them. */
	ok(parse(&r, S("{\"text\":\"\\ud800 \xC0\x80\"}"), AYAK_JSON_LAX_UTF8, &err) == 0,
	   "lax parse accepts a lone surrogate escape and an overlong");
	f = ayak_record_get(&r, S("text"));
	ayak_buf_reset(&out);
	nrepl = 0;
	ok(f && ayak_json_decode_string(r.line + f->val, f->val_len, &out, &nrepl, &err) == 0,
	   "decode a lax field");
	is_mem(out.data, out.len, S(FFFD " " FFFD FFFD), "decode a lax field: value");
	if (!ok(nrepl == 3, "decode a lax field: 3 replacements"))
		printf("#   got %zu\n", nrepl);

	/* A string's bytes are its value only with no escape and no bad byte. */
	{
		const char *s = NULL;
		size_t n = 0;

		ok(parse(&r, S("{\"text\":\"a \xC0\x80 b\"}"), AYAK_JSON_LAX_UTF8, &err) == 0 &&
		   (f = ayak_record_get(&r, S("text"))) && !f->val_raw,
		   "lax: a value with ill-formed UTF-8 is not raw");
		ok(f && ayak_record_string(&r, f, &out, &s, &n, &err) == 0, "record string: lax");
		is_mem(s, n, S("a " FFFD FFFD " b"), "record string: lax, replaced");
		ok(parse(&r, S("{\"text\":\"Selamat pagi \xE2\x80\x94 semua\"}"), 0, &err) == 0 &&
		   (f = ayak_record_get(&r, S("text"))) && f->val_raw, "a plain value is raw");
		ok(f && ayak_record_string(&r, f, &out, &s, &n, &err) == 0 &&
		   s == r.line + f->val + 1, "record string: raw, not copied");
		is_mem(s, n, S("Selamat pagi \xE2\x80\x94 semua"), "record string: raw value");
		ok(parse(&r, S("{\"text\":\"x\\ty\"}"), 0, &err) == 0 &&
		   (f = ayak_record_get(&r, S("text"))) && !f->val_raw &&
		   ayak_record_string(&r, f, &out, &s, &n, &err) == 0 && s == out.data,
		   "record string: escaped, decoded");
		is_mem(s, n, S("x\ty"), "record string: escaped value");
		ok(parse(&r, S("{\"text\":\"\"}"), 0, &err) == 0 &&
		   (f = ayak_record_get(&r, S("text"))) &&
		   ayak_record_string(&r, f, &out, &s, &n, &err) == 0 && n == 0 && s,
		   "record string: empty");
	}
	ayak_record_release(&r);
	ayak_buf_release(&out);
}

/* ---- encode ---- */

static void check_encode(const char *s, size_t n, const char *want, size_t wantlen,
			 const char *name)
{
	struct ayak_buf out = AYAK_BUF_INIT;
	struct ayak_err err;
	char *copy = malloc(n ? n : 1);

	memcpy(copy, s, n);
	ok(ayak_json_encode_string(&out, copy, n) == 0, "encode %s: returns 0", name);
	is_mem(out.data, out.len, want, wantlen, "encode %s: JSON", name);
	if (!ok(ayak_json_validate(out.data, out.len, 0, &err) == 0,
		"encode %s: result is strict JSON", name))
		printf("#   %s\n", err.msg);
	ayak_buf_release(&out);
	free(copy);
}

static void test_encode(void)
{
	struct ayak_buf out = AYAK_BUF_INIT, back = AYAK_BUF_INIT;
	struct ayak_err err;
	char all[128];
	size_t nrepl = 0;
	int i;

	check_encode(S(""), S("\"\""), "empty");
	check_encode(S("Selamat pagi"), S("\"Selamat pagi\""), "ASCII");
	check_encode(S("a\"b\\c"), S("\"a\\\"b\\\\c\""), "quote and backslash");
	check_encode(S("\n\t\r\b\f"), S("\"\\n\\t\\r\\b\\f\""), "short control escapes");
	check_encode("a\0b", 3, S("\"a\\u0000b\""), "NUL");
	check_encode(S("\x01\x1F"), S("\"\\u0001\\u001f\""), "other control characters");
	check_encode(S("caf\xC3\xA9 \xE4\xB8\xAD \xF0\x9F\x98\x80"),
		     S("\"caf\xC3\xA9 \xE4\xB8\xAD \xF0\x9F\x98\x80\""), "valid UTF-8 stays raw");
	check_encode(S("a\xFF" "b"), S("\"a" FFFD "b\""), "invalid byte FF");
	check_encode(S("\xC0\x80"), S("\"" FFFD FFFD "\""), "overlong C0 80");
	check_encode(S("\xED\xA0\x80"), S("\"" FFFD FFFD FFFD "\""), "surrogate ED A0 80");
	check_encode(S("x\xF0\x9F\x98"), S("\"x" FFFD "\""),
		     "truncated 4-byte sequence: one U+FFFD, as ayak_utf8_repair");
	/* Long strings go through the sixteen-byte path. */
	check_encode(S("0123456789abcdef0123456789abcdef\"0123456789abcdef\n"),
		     S("\"0123456789abcdef0123456789abcdef\\\"0123456789abcdef\\n\""),
		     "long string with a quote and a newline");

	/* Every ASCII byte round trips through encode and decode. */
	for (i = 0; i < 128; i++)
		all[i] = (char)i;
	ayak_json_encode_string(&out, all, sizeof(all));
	ok(ayak_json_decode_string(out.data, out.len, &back, &nrepl, &err) == 0 &&
	   back.len == sizeof(all) && !memcmp(back.data, all, sizeof(all)) && nrepl == 0,
	   "every ASCII byte round trips through encode and decode");

	ayak_buf_reset(&out);
	ayak_buf_addstr(&out, "pre:");
	ayak_json_encode_string(&out, "x", 1);
	is_mem(out.data, out.len, S("pre:\"x\""), "encode appends to the buffer");
	ayak_buf_release(&out);
	ayak_buf_release(&back);
}

/* ---- emit ---- */

static void check_emit(const char *line, size_t len, const struct ayak_edit *e, size_t ne,
		       const char *want, size_t wantlen, const char *name)
{
	struct ayak_record r, r2;
	struct ayak_buf out = AYAK_BUF_INIT;
	struct ayak_err err;
	int ret;

	ayak_record_init(&r);
	ayak_record_init(&r2);
	ret = parse(&r, line, len, 0, &err);
	if (!ok(ret == 0, "emit %s: parse", name))
		printf("#   %s\n", err.msg);
	ret = ayak_record_emit(&r, e, ne, &out);
	ok(ret == 0, "emit %s: returns 0", name);
	is_mem(out.data, out.len, want, wantlen, "emit %s: output", name);
	ayak_err_clear(&err);
	if (!ok(ayak_record_parse(&r2, out.data, out.len, 0, &err) == 0,
		"emit %s: output is a valid record", name))
		printf("#   %s\n", err.msg);
	ayak_buf_release(&out);
	ayak_record_release(&r);
	ayak_record_release(&r2);
}

#define EDIT(k, v) { k, sizeof(k) - 1, v, sizeof(v) - 1 }
#define DEL(k) { k, sizeof(k) - 1, NULL, 0 }

static void test_emit(void)
{
	static const char odd[] = "  {  \"id\" :\t1 ,\r\"text\"  :   \"lama\"\t, \"z\" : [ 1 , 2 ]  }\t ";
	struct ayak_edit e[20];
	struct ayak_record r;
	struct ayak_buf out = AYAK_BUF_INIT;
	struct ayak_err err;
	char keys[20][8];
	size_t i;

	/* No edits: every byte comes back. */
	check_emit(S(odd), NULL, 0, S(odd), "no edits, odd whitespace");
	check_emit(S("{}"), NULL, 0, S("{}"), "no edits, {}");
	check_emit(S(" { } "), NULL, 0, S(" { } "), "no edits, { }");
	check_emit(S("{\"a\":\"\\u00e9\",\"a\":2}"), NULL, 0, S("{\"a\":\"\\u00e9\",\"a\":2}"),
		   "no edits, duplicate keys and escapes kept");

	/* Replace: the value changes in place, every other byte stays. */
	{
		struct ayak_edit ed[] = { EDIT("text", "\"baru\"") };

		check_emit(S(odd), ed, 1,
			   S("  {  \"id\" :\t1 ,\r\"text\"  :   \"baru\"\t, \"z\" : [ 1 , 2 ]  }\t "),
			   "replace keeps position and odd whitespace");
	}
	{
		struct ayak_edit ed[] = { EDIT("id", "{\"x\":[true]}") };

		check_emit(S(odd), ed, 1,
			   S("  {  \"id\" :\t{\"x\":[true]} ,\r\"text\"  :   \"lama\"\t, \"z\" : [ 1 , 2 ]  }\t "),
			   "replace the first value with an object");
	}
	{
		struct ayak_edit ed[] = { EDIT("z", "null") };

		check_emit(S(odd), ed, 1,
			   S("  {  \"id\" :\t1 ,\r\"text\"  :   \"lama\"\t, \"z\" : null  }\t "),
			   "replace the last value");
	}
	{
		struct ayak_edit ed[] = { EDIT("a", "3") };

		/* an old value beside the new one would be two runs' answers in one record */
		check_emit(S("{\"a\":1,\"b\":0,\"a\":2}"), ed, 1, S("{\"b\":0,\"a\":3}"),
			   "replace a duplicated key: the last copy set, the earlier removed");
		check_emit(S("{\"a\":1, \"a\":2 ,\"b\":0,\"\\u0061\":4, \"a\":5 }"), ed, 1,
			   S("{ \"b\":0, \"a\":3 }"),
			   "replace a key of three copies and an escaped one");
	}
	{
		struct ayak_edit ed[] = { EDIT("text", "\"t\"") };

		check_emit(S("{\"te\\u0078t\":\"old\",\"n\":1}"), ed, 1,
			   S("{\"te\\u0078t\":\"t\",\"n\":1}"),
			   "replace an escaped key keeps the key's spelling");
	}

	/* Add: new keys go at the end, in the order of the edits. */
	{
		struct ayak_edit ed[] = { EDIT("lang", "\"zsm_Latn\"") };

		check_emit(S("{\"text\":\"x\"}"), ed, 1, S("{\"text\":\"x\",\"lang\":\"zsm_Latn\"}"),
			   "add at the end");
		check_emit(S(odd), ed, 1,
			   S("  {  \"id\" :\t1 ,\r\"text\"  :   \"lama\"\t, \"z\" : [ 1 , 2 ],\"lang\":\"zsm_Latn\"  }\t "),
			   "add after the last value, before the closing whitespace");
		check_emit(S("{}"), ed, 1, S("{\"lang\":\"zsm_Latn\"}"), "add to an empty object {}");
		check_emit(S("  { }\t"), ed, 1, S("  {\"lang\":\"zsm_Latn\" }\t"),
			   "add to an empty object with spaces");
	}
	{
		struct ayak_edit ed[] = { EDIT("c", "3"), EDIT("b", "2"), EDIT("a", "9") };

		check_emit(S("{\"a\":1}"), ed, 3, S("{\"a\":9,\"c\":3,\"b\":2}"),
			   "two adds in edit order and a replace");
	}
	{
		struct ayak_edit ed[] = { EDIT("k\"\n", "1") };

		check_emit(S("{}"), ed, 1, S("{\"k\\\"\\n\":1}"), "an added key is JSON-escaped");
	}

	/* Remove. */
	{
		struct ayak_edit ed[] = { DEL("a") };

		check_emit(S("{\"a\":1, \"b\":2, \"c\":3}"), ed, 1, S("{ \"b\":2, \"c\":3}"),
			   "remove the first member");
		check_emit(S("{\"a\":1}"), ed, 1, S("{}"), "remove the only member");
		check_emit(S("{ \"a\" : 1 }"), ed, 1, S("{ }"), "remove the only member, spaces kept");
		check_emit(S("{\"b\":2}"), ed, 1, S("{\"b\":2}"), "remove an absent key: no change");
	}
	{
		struct ayak_edit ed[] = { DEL("b") };

		check_emit(S("{\"a\":1, \"b\":2, \"c\":3}"), ed, 1, S("{\"a\":1, \"c\":3}"),
			   "remove a middle member");
	}
	{
		struct ayak_edit ed[] = { DEL("c") };

		check_emit(S("{\"a\":1, \"b\":2, \"c\":3}"), ed, 1, S("{\"a\":1, \"b\":2}"),
			   "remove the last member");
	}
	{
		struct ayak_edit ed[] = { DEL("a"), DEL("b"), DEL("c") };

		check_emit(S("{\"a\":1, \"b\":2, \"c\":3}"), ed, 3, S("{}"), "remove every member");
	}
	{
		struct ayak_edit ed[] = { DEL("a"), DEL("b") };

		check_emit(S("{\"a\":1, \"b\":2, \"c\":3}"), ed, 2, S("{ \"c\":3}"),
			   "remove the first two members");
	}
	{
		struct ayak_edit ed[] = { DEL("text"), EDIT("id", "\"x\""), EDIT("new", "[]") };

		check_emit(S("{\"id\":1,\"text\":\"t\",\"z\":0}"), ed, 3,
			   S("{\"id\":\"x\",\"z\":0,\"new\":[]}"), "remove, replace and add together");
	}
	{
		/* After removing a key, the record must not have that key any more. */
		struct ayak_edit ed[] = { DEL("a") };
		const char *line = "{\"a\":1,\"b\":0,\"a\":2}";
		struct ayak_record r2;

		ayak_record_init(&r);
		ayak_record_init(&r2);
		parse(&r, line, strlen(line), 0, &err);
		ayak_buf_reset(&out);
		ayak_record_emit(&r, ed, 1, &out);
		ayak_record_parse(&r2, out.data, out.len, 0, &err);
		if (!ok(ayak_record_get(&r2, S("a")) == NULL,
			"remove a duplicated key: no copy of the key is left"))
			diag_bytes("got", out.data, out.len);
		ayak_record_release(&r);
		ayak_record_release(&r2);
	}

	/* More than sixteen edits. */
	for (i = 0; i < 20; i++) {
		snprintf(keys[i], sizeof(keys[i]), "k%02zu", i);
		e[i].key = keys[i];
		e[i].key_len = 3;
		e[i].value = i == 3 ? NULL : "1";
		e[i].value_len = 1;
	}
	ayak_record_init(&r);
	parse(&r, S("{\"k03\":0,\"k19\":0}"), 0, &err);
	ayak_buf_reset(&out);
	ok(ayak_record_emit(&r, e, 20, &out) == 0, "emit with twenty edits");
	is_mem(out.data, out.len,
	       S("{\"k19\":1,\"k00\":1,\"k01\":1,\"k02\":1,\"k04\":1,\"k05\":1,\"k06\":1,"
		 "\"k07\":1,\"k08\":1,\"k09\":1,\"k10\":1,\"k11\":1,\"k12\":1,\"k13\":1,"
		 "\"k14\":1,\"k15\":1,\"k16\":1,\"k17\":1,\"k18\":1}"),
	       "emit with twenty edits: output");

	/* emit appends. */
	ayak_buf_reset(&out);
	ayak_buf_addstr(&out, "pre:");
	parse(&r, S("{\"a\":1}"), 0, &err);
	ayak_record_emit(&r, NULL, 0, &out);
	is_mem(out.data, out.len, S("pre:{\"a\":1}"), "emit appends to the buffer");
	ayak_record_release(&r);
	ayak_buf_release(&out);
}

/* ---- splice ---- */

/* A record written in parts by ayak_record_splice is what ayak_record_emit makes. */
static void test_splice(void)
{
	static const char *const lines[] = {
		"  {  \"id\" :\t1 ,\r\"text\"  :   \"lama\"\t, \"z\" : [ 1 , 2 ]  }\t ",
		"{}", " { } ", "{\"a\":1}", "{\"text\":1,\"b\":{\"text\":2},\"text\":3}",
		"{\"\\u0074ext\":\"escaped key\"}",
		"{\"text\":1, \"id\":2 , \"text\":3,\"text\":4 }",
		"{\"id\":0,\"text\":1,\"\\u0074ext\":2,\"z\":[],\"text\":3}",
	};
	static const char *const keys[] = { "text", "new", "a\"b" };
	struct ayak_record r;
	struct ayak_buf out = AYAK_BUF_INIT, parts = AYAK_BUF_INIT, mid = AYAK_BUF_INIT;
	struct ayak_err err;
	size_t i, j, head, tail;

	ayak_record_init(&r);
	for (i = 0; i < sizeof(lines) / sizeof(*lines); i++) {
		for (j = 0; j < sizeof(keys) / sizeof(*keys); j++) {
			struct ayak_edit e = { keys[j], strlen(keys[j]), "[7]", 3 };
			int ret;

			parse(&r, lines[i], strlen(lines[i]), 0, &err);
			ayak_buf_reset(&out);
			ayak_buf_reset(&parts);
			ayak_buf_reset(&mid);
			ayak_record_emit(&r, &e, 1, &out);
			ret = ayak_record_splice(&r, e.key, e.key_len, &mid, &head, &tail);
			ayak_buf_add(&parts, lines[i], head);
			ayak_buf_add(&parts, mid.data, mid.len);
			ayak_buf_add(&parts, "[7]", 3);
			ayak_buf_add(&parts, lines[i] + tail, strlen(lines[i]) - tail);
			ok(ret == 0, "splice %zu/%s: returns 0", i, keys[j]);
			is_mem(parts.data, parts.len, out.data, out.len, "splice %zu/%s: as emit",
			       i, keys[j]);
		}
	}
	ayak_record_release(&r);
	ayak_buf_release(&out);
	ayak_buf_release(&parts);
	ayak_buf_release(&mid);
}

/* ---- errors ---- */

struct ecase {
	const char *line;
	size_t len;
	const char *msg;
	size_t col;
};

#define E(line, msg, col) { line, sizeof(line) - 1, msg, col }

static const struct ecase error_cases[] = {
	E("{\"text\":\"abc", "unterminated string at column 9", 9),
	E("{\"a\":1,\"text\":\"Selamat pagi, apa khabar semua di sana, kawan-kawan", "unterminated string at column 15", 15),
	E("{\"a\":1", "unexpected end of line at column 7", 7),
	E("{\"a\":", "unexpected end of line at column 6", 6),
	E("{\"a\"", "unexpected end of line at column 5", 5),
	E("{", "unexpected end of line at column 2", 2),
	E("{\"a\":[1,", "unexpected end of line at column 9", 9),
	E("{\"a\":1,}", "expected string key at column 8", 8),
	E("{1:2}", "expected string key at column 2", 2),
	E("{\"a\" 1}", "expected ':' at column 6", 6),
	E("{\"a\":{\"b\":[1,{\"c\" 2}]}}", "expected ':' at column 19", 19),
	E("{\"a\":1 \"b\":2}", "expected ',' or '}' at column 8", 8),
	E("{\"a\":[1 2]}", "expected ',' or ']' at column 9", 9),
	E("{\"a\":x}", "unexpected character 'x' at column 6", 6),
	E("{\"a\":'b'}", "unexpected character ''' at column 6", 6),
	E("{\"a\":\"\\x\"}", "invalid escape at column 7", 7),
	E("{\"a\":\"ok\\'\"}", "invalid escape at column 9", 9),
	E("{\"a\":\"\\u12G4\"}", "invalid \\u escape at column 7", 7),
	E("{\"a\":\"\\u12\"}", "invalid \\u escape at column 7", 7),
	E("{\"a\":\"\\uD800\"}", "lone surrogate at column 7", 7),
	E("{\"a\":\"x\\uDC00\\uD800\"}", "lone surrogate at column 8", 8),
	E("{\"a\":\"\\ud800\\u0041\"}", "lone surrogate at column 7", 7),
	E("{\"a\":\"x\ty\"}", "control character in string at column 8", 8),
	E("{\"a\":\"x\x01\"}", "control character in string at column 8", 8),
	E("{\"text\":\"a\xFF" "b\"}", "invalid UTF-8 at column 11", 11),
	E("{\"a\":\"\xC0\x80\"}", "invalid UTF-8 at column 7", 7),
	E("{\"a\":\"ok \xED\xA0\x80\"}", "invalid UTF-8 at column 10", 10),
	E("{\"a\":\"\xF4\x90\x80\x80\"}", "invalid UTF-8 at column 7", 7),
	E("{\"a\":\"\xE2\x82\"}", "invalid UTF-8 at column 7", 7),
	E("{\"\xFF\":1}", "invalid UTF-8 at column 3", 3),
	E("{\"a\":01}", "invalid number at column 6", 6),
	E("{\"a\":-}", "invalid number at column 6", 6),
	E("{\"a\":1.}", "invalid number at column 6", 6),
	E("{\"a\":[0, 1e]}", "invalid number at column 10", 10),
	E("{\"a\":1} x", "trailing characters at column 9", 9),
	E("{\"a\":1}{}", "trailing characters at column 8", 8),
	E("[1,2]", "not a JSON object", 1),
	E("\"text\"", "not a JSON object", 1),
	E("42", "not a JSON object", 1),
	E("", "not a JSON object", 1),
	E("  ", "not a JSON object", 1),
};

static void test_errors(void)
{
	struct ayak_record r;
	struct ayak_err err;
	size_t i;

	ayak_record_init(&r);
	for (i = 0; i < sizeof(error_cases) / sizeof(error_cases[0]); i++) {
		const struct ecase *c = &error_cases[i];
		int ret = parse(&r, c->line, c->len, 0, &err);

		if (!ok(ret == -1 && err.code == AYAK_E_DATA && !strcmp(err.msg, c->msg) &&
			err.col == c->col, "error: %s", c->msg)) {
			diag_bytes("line", c->line, c->len);
			printf("#   got ret %d, code %d, col %zu, msg \"%s\"\n", ret, err.code,
			       err.col, err.msg);
		}
	}

	/* The same errors at every offset of a long string (the SIMD loop). */
	{
		char line[200];
		size_t at, bad = 0;
		static const struct { const char *bytes; const char *what; } kinds[] = {
			{ "\t", "control character in string" },
			{ "\xFF", "invalid UTF-8" },
			{ "\\q", "invalid escape" },
		};
		size_t k;

		for (k = 0; k < 3; k++) {
			bad = 0;
			for (at = 0; at < 64; at++) {
				char want[96];
				size_t n, m = strlen(kinds[k].bytes);

				memcpy(line, "{\"text\":\"", 9);
				memset(line + 9, 'a', 100);
				memcpy(line + 9 + at, kinds[k].bytes, m);
				n = 9 + 100;
				memcpy(line + n, "\"}", 2);
				n += 2;
				snprintf(want, sizeof(want), "%s at column %zu", kinds[k].what, 10 + at);
				if (parse(&r, line, n, 0, &err) != -1 || strcmp(err.msg, want) ||
				    err.col != 10 + at) {
					if (bad++ < 3)
						printf("#   at %zu: got \"%s\", want \"%s\"\n", at,
						       err.msg, want);
				}
			}
			ok(!bad, "%s found at each offset 0..63 of a long string", kinds[k].what);
		}
		/* and the closing quote at every offset */
		bad = 0;
		for (at = 0; at < 64; at++) {
			const struct ayak_field *f;

			memcpy(line, "{\"text\":\"", 9);
			memset(line + 9, 'b', at);
			memcpy(line + 9 + at, "\",\"n\":1}", 8);
			if (parse(&r, line, 9 + at + 8, 0, &err) ||
			    !(f = ayak_record_get(&r, S("text"))) || f->val_len != at + 2 ||
			    r.nfields != 2)
				bad++;
		}
		ok(!bad, "a closing quote is found at each offset 0..63");
	}

	/* Lax mode accepts what strict mode refuses for UTF-8 only. */
	ok(parse(&r, S("{\"a\":\"\xFF\xC0\x80\xED\xA0\x80\"}"), AYAK_JSON_LAX_UTF8, &err) == 0,
	   "lax: invalid UTF-8 in a string value is accepted");
	ok(parse(&r, S("{\"\xFF\":\"\\udc00\"}"), AYAK_JSON_LAX_UTF8, &err) == 0,
	   "lax: invalid UTF-8 in a key and a lone surrogate are accepted");
	ok(parse(&r, S("{\"a\":\"x\ty\"}"), AYAK_JSON_LAX_UTF8, &err) == -1 &&
	   !strcmp(err.msg, "control character in string at column 8"),
	   "lax: control characters are still refused");
	ok(parse(&r, S("{\"a\":\"\\x\"}"), AYAK_JSON_LAX_UTF8, &err) == -1 &&
	   !strcmp(err.msg, "invalid escape at column 7"), "lax: bad escapes are still refused");
	ok(parse(&r, S("{\"a\":\"\\u12\"}"), AYAK_JSON_LAX_UTF8, &err) == -1,
	   "lax: short \\u escapes are still refused");
	ayak_record_release(&r);
}

/* ---- validate, nesting, big values ---- */

static void test_validate(void)
{
	struct ayak_record r;
	struct ayak_err err;
	size_t n = 200000, i;
	char *deep;

	ayak_err_clear(&err);
	ok(ayak_json_validate(S(" [1, \"a\", {\"b\": null}, true, false, -0.5e-7]\n"), 0, &err) == 0,
	   "validate an array with surrounding whitespace and a newline");
	ok(ayak_json_validate(S("\"just a string\""), 0, &err) == 0, "validate a string");
	ok(ayak_json_validate(S("-12.5E+3"), 0, &err) == 0, "validate a number");
	ok(ayak_json_validate(S("null"), 0, &err) == 0, "validate null");
	ok(ayak_json_validate(S(""), 0, &err) == -1 && err.msg[0], "validate rejects empty input");
	ok(ayak_json_validate(S("[1,]"), 0, &err) == -1 && err.msg[0], "validate rejects [1,]");
	ok(ayak_json_validate(S("1 2"), 0, &err) == -1 &&
	   !strcmp(err.msg, "trailing characters at column 3"), "validate: trailing characters");
	ok(ayak_json_validate(S("[\"\xFF\"]"), 0, &err) == -1 &&
	   !strcmp(err.msg, "invalid UTF-8 at column 3"), "validate: invalid UTF-8");
	ok(ayak_json_validate(S("[\"\xFF\"]"), AYAK_JSON_LAX_UTF8, &err) == 0,
	   "validate: lax accepts invalid UTF-8");

	/* No nesting limit, and no recursion to overflow the stack. */
	deep = malloc(2 * n + 16);
	memcpy(deep, "{\"a\":", 5);
	for (i = 0; i < n; i++)
		deep[5 + i] = '[';
	for (i = 0; i < n; i++)
		deep[5 + n + i] = ']';
	deep[5 + 2 * n] = '}';
	ayak_record_init(&r);
	ok(ayak_record_parse(&r, deep, 2 * n + 6, 0, &err) == 0 && r.nfields == 1 &&
	   r.fields[0].val_len == 2 * n, "a record nested 200000 deep parses");
	ok(ayak_json_validate(deep + 5, 2 * n, 0, &err) == 0, "validate 200000 nested arrays");
	ok(ayak_json_validate(deep + 5, 2 * n - 1, 0, &err) == -1,
	   "validate rejects 200000 nested arrays missing one bracket");
	if (!ok(ayak_record_parse(&r, deep, n + 5, 0, &err) == -1 &&
		!strcmp(err.msg, "unexpected end of line at column 200006"),
		"200000 unclosed arrays: unexpected end of line"))
		printf("#   %s\n", err.msg);
	free(deep);

	/* A 16 MB string value. */
	n = 16 << 20;
	deep = malloc(n + 16);
	memcpy(deep, "{\"text\":\"", 9);
	memset(deep + 9, 'x', n);
	memcpy(deep + 9 + n, "\"}", 2);
	ok(ayak_record_parse(&r, deep, n + 11, 0, &err) == 0 && r.fields[0].val_len == n + 2,
	   "a 16 MB string value parses");
	free(deep);
	ayak_record_release(&r);
}

int main(void)
{
	test_parse_offsets();
	test_get();
	test_decode();
	test_encode();
	test_emit();
	test_splice();
	test_errors();
	test_validate();
	free(line_copy);
	return done();
}
