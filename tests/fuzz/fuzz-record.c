/*
 * Fuzz target for the record scanner.  The input is split into lines; each
 * line goes through ayak_record_parse, ayak_record_get("text"), decoding,
 * encoding and ayak_record_emit with edits, in strict and in
 * AYAK_JSON_LAX_UTF8 mode.  Properties checked (abort() when one breaks):
 *
 *  - a line strict mode accepts, lax mode accepts too, and so does
 *    ayak_json_validate;
 *  - an error has a message and a column within the line (or just past it);
 *  - field offsets lie inside the line, keys between quotes;
 *  - emit with no edits gives back the line exactly;
 *  - a string decodes without error, with no replacements in strict mode;
 *  - replacing text with its own re-encoded value, setting a key taken
 *    from the record and adding a key give a record that parses, with the
 *    same text and the expected number of fields (a key set is left once);
 *  - removing text gives a record that parses, one field shorter;
 *  - a record written in parts by ayak_record_splice is the one
 *    ayak_record_emit makes with the same edit.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct ayak_record rec, rec2;
static struct ayak_buf out, dec, dec2, enc, key, mid, parts;

static void check_fields(const struct ayak_record *r, const char *line, size_t len)
{
	size_t i;

	if (r->close >= len || line[r->close] != '}')
		abort();
	for (i = 0; i < r->nfields; i++) {
		const struct ayak_field *f = &r->fields[i];

		if (f->key < 1 || line[f->key - 1] != '"')
			abort();
		if (f->key + f->key_len >= len || line[f->key + f->key_len] != '"')
			abort();
		if (f->val <= f->key + f->key_len || f->val_len == 0 ||
		    f->val + f->val_len > r->close)
			abort();
		switch (line[f->val]) {
		case '"': if (f->type != AYAK_JSON_STRING) abort(); break;
		case '{': if (f->type != AYAK_JSON_OBJECT) abort(); break;
		case '[': if (f->type != AYAK_JSON_ARRAY) abort(); break;
		case 't': if (f->type != AYAK_JSON_TRUE) abort(); break;
		case 'f': if (f->type != AYAK_JSON_FALSE) abort(); break;
		case 'n': if (f->type != AYAK_JSON_NULL) abort(); break;
		default: if (f->type != AYAK_JSON_NUMBER) abort();
		}
		if (f->type == AYAK_JSON_STRING && line[f->val + f->val_len - 1] != '"')
			abort();
		if (i > 0 && f->key <= r->fields[i - 1].val + r->fields[i - 1].val_len)
			abort();
	}
}

/* How many members are named name[0..n) (keys decoded, as ayak_record_get compares). */
static size_t count_key(const struct ayak_record *r, const char *line, const char *name, size_t n)
{
	struct ayak_buf k = AYAK_BUF_INIT;
	struct ayak_err err;
	size_t i, count = 0;

	for (i = 0; i < r->nfields; i++) {
		ayak_buf_reset(&k);
		if (ayak_json_decode_string(line + r->fields[i].key - 1,
					    r->fields[i].key_len + 2, &k, NULL, &err))
			abort();
		count += k.len == n && (!n || !memcmp(k.data, name, n));
	}
	ayak_buf_release(&k);
	return count;
}

static void check_line(const char *line, size_t len)
{
	struct ayak_err err;
	int mode, strict_ok = 0;

	for (mode = 0; mode < 2; mode++) {
		unsigned flags = mode ? AYAK_JSON_LAX_UTF8 : 0;
		const struct ayak_field *f;
		size_t nrepl = 0, i, nf, nfuzz;

		ayak_err_clear(&err);
		if (ayak_record_parse(&rec, line, len, flags, &err)) {
			if (mode == 1 && strict_ok)
				abort();	/* lax must accept what strict accepts */
			if (err.code != AYAK_E_DATA || !err.msg[0] || err.col < 1 ||
			    err.col > len + 1)
				abort();
			continue;
		}
		if (mode == 0) {
			strict_ok = 1;
			if (ayak_json_validate(line, len, 0, &err))
				abort();
		}
		check_fields(&rec, line, len);

		/* Round trip: no edits, every byte back. */
		ayak_buf_reset(&out);
		if (ayak_record_emit(&rec, NULL, 0, &out) || out.len != len ||
		    memcmp(out.data, line, len))
			abort();

		/* Decode every string value. */
		for (i = 0; i < rec.nfields; i++) {
			const struct ayak_field *g = &rec.fields[i];

			if (g->type != AYAK_JSON_STRING)
				continue;
			ayak_buf_reset(&dec);
			nrepl = 0;
			if (ayak_json_decode_string(line + g->val, g->val_len, &dec, &nrepl, &err))
				abort();
			if (!flags && nrepl)
				abort();
			if (ayak_utf8_valid_prefix(dec.data ? dec.data : "", dec.len) != dec.len)
				abort();	/* decoding always gives valid UTF-8 */
		}

		nfuzz = count_key(&rec, line, "ayak_fuzz", 9);
		f = ayak_record_get(&rec, "text", 4);
		nf = rec.nfields;

		/* Edit: text := its own value re-encoded, ayak_fuzz := 1. */
		{
			struct ayak_edit e[2] = {
				{ "text", 4, NULL, 0 },
				{ "ayak_fuzz", 9, "1", 1 },
			};
			size_t ne = 1;

			ayak_buf_reset(&dec);
			ayak_buf_reset(&enc);
			if (f && f->type == AYAK_JSON_STRING) {
				if (ayak_json_decode_string(line + f->val, f->val_len, &dec, NULL, &err))
					abort();
				if (ayak_json_encode_string(&enc, dec.data ? dec.data : "", dec.len))
					abort();
				e[0].value = enc.data;
				e[0].value_len = enc.len;
				ne = 2;
			} else {
				e[0] = e[1];
			}
			ayak_buf_reset(&out);
			if (ayak_record_emit(&rec, e, ne, &out))
				abort();
			if (ayak_record_parse(&rec2, out.data, out.len, flags, &err))
				abort();
			/* ayak_fuzz left once, and text when it was set */
			if (rec2.nfields + nfuzz + (ne == 2 ? count_key(&rec, line, "text", 4) - 1 : 0) !=
			    nf + 1)
				abort();
			if (!ayak_record_get(&rec2, "ayak_fuzz", 9))
				abort();
			if (f && f->type == AYAK_JSON_STRING) {
				const struct ayak_field *t = ayak_record_get(&rec2, "text", 4);

				ayak_buf_reset(&dec2);
				if (!t || t->type != AYAK_JSON_STRING ||
				    ayak_json_decode_string(out.data + t->val, t->val_len, &dec2,
							    NULL, &err) ||
				    dec2.len != dec.len || (dec.len && memcmp(dec2.data, dec.data, dec.len)))
					abort();
			}
		}

		/* Splice: as emit, for a key the record has and one it may lack. */
		for (i = 0; i < 2; i++) {
			struct ayak_edit e = { i ? "ayak_fuzz" : "text", i ? 9 : 4, "[7]", 3 };
			size_t head, tail;

			ayak_buf_reset(&out);
			ayak_buf_reset(&mid);
			ayak_buf_reset(&parts);
			if (ayak_record_emit(&rec, &e, 1, &out) ||
			    ayak_record_splice(&rec, e.key, e.key_len, &mid, &head, &tail) ||
			    head > tail || tail > len ||
			    ayak_buf_add(&parts, line, head) ||
			    ayak_buf_add(&parts, mid.data ? mid.data : "", mid.len) ||
			    ayak_buf_add(&parts, e.value, e.value_len) ||
			    ayak_buf_add(&parts, line + tail, len - tail) ||
			    parts.len != out.len || memcmp(parts.data, out.data, out.len))
				abort();
		}

		/* Edit: remove text. */
		if (f) {
			struct ayak_edit e = { "text", 4, NULL, 0 };

			ayak_buf_reset(&out);
			if (ayak_record_emit(&rec, &e, 1, &out))
				abort();
			if (ayak_record_parse(&rec2, out.data, out.len, flags, &err))
				abort();
			/* Every copy of a repeated key goes. */
			if (rec2.nfields + count_key(&rec, line, "text", 4) != nf ||
			    ayak_record_get(&rec2, "text", 4))
				abort();
		}

		/* Edit: set the first key (decoded) to null; it is left once. */
		if (nf > 0) {
			const struct ayak_field *k = &rec.fields[0];
			struct ayak_edit e;

			ayak_buf_reset(&key);
			if (ayak_json_decode_string(line + k->key - 1, k->key_len + 2, &key, NULL, &err))
				abort();
			e.key = key.data ? key.data : "";
			e.key_len = key.len;
			e.value = "null";
			e.value_len = 4;
			ayak_buf_reset(&out);
			if (ayak_record_emit(&rec, &e, 1, &out))
				abort();
			/* A lax key with bad UTF-8 decodes to U+FFFD: then it may not match. */
			if (!ayak_record_parse(&rec2, out.data, out.len, flags, &err) &&
			    ayak_record_get(&rec2, e.key, e.key_len)) {
				const struct ayak_field *g = ayak_record_get(&rec2, e.key, e.key_len);

				if (!flags && (rec2.nfields + count_key(&rec, line, e.key, e.key_len) != nf + 1 ||
					       g->type != AYAK_JSON_NULL))
					abort();
			} else if (!flags)
				abort();
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		/* An exact-size copy of the line, so that over-reads show. */
		char *line = malloc(n ? n : 1);

		if (!line)
			return 0;
		memcpy(line, p, n);
		check_line(line, n);
		free(line);
		p += n + (nl != NULL);
	}
	return 0;
}
