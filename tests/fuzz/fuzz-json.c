/*
 * Fuzz target for ayak_json_validate.  Properties checked (abort() when
 * one breaks):
 *
 *  - what strict mode accepts, AYAK_JSON_LAX_UTF8 accepts too;
 *  - an error has a message and a column within the text (or just past it);
 *  - valid text with no newline, wrapped as {"a":<text>}, parses as a
 *    record with one field "a" whose value is the text without its
 *    surrounding whitespace, and emits back unchanged;
 *  - text that starts with '{' parses as a record exactly when it
 *    validates.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct ayak_record rec;
static struct ayak_buf wrapped, out;

static int is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	struct ayak_err err, lerr;
	int strict, lax;
	size_t b = 0, e = size;

	ayak_err_clear(&err);
	ayak_err_clear(&lerr);
	strict = ayak_json_validate(text, size, 0, &err);
	lax = ayak_json_validate(text, size, AYAK_JSON_LAX_UTF8, &lerr);
	if (strict == 0 && lax != 0)
		abort();
	if (strict && (err.code != AYAK_E_DATA || !err.msg[0] || err.col < 1 ||
		       err.col > size + 1))
		abort();
	if (lax && (lerr.code != AYAK_E_DATA || !lerr.msg[0] || lerr.col < 1 ||
		    lerr.col > size + 1))
		abort();

	while (b < e && is_ws(text[b]))
		b++;
	while (e > b && is_ws(text[e - 1]))
		e--;

	/* Objects: the record parser agrees with the validator. */
	if (b < e && text[b] == '{') {
		ayak_err_clear(&err);
		if ((ayak_record_parse(&rec, text, size, 0, &err) == 0) != (strict == 0))
			abort();
		ayak_err_clear(&err);
		if ((ayak_record_parse(&rec, text, size, AYAK_JSON_LAX_UTF8, &err) == 0) !=
		    (lax == 0))
			abort();
	}

	if (strict == 0 && !memchr(text, '\n', size)) {
		const struct ayak_field *f;
		char *copy;

		ayak_buf_reset(&wrapped);
		if (ayak_buf_add(&wrapped, "{\"a\":", 5) || ayak_buf_add(&wrapped, text, size) ||
		    ayak_buf_add(&wrapped, "}", 1))
			abort();
		/* An exact-size copy, so that over-reads show. */
		copy = malloc(wrapped.len);
		if (!copy)
			return 0;
		memcpy(copy, wrapped.data, wrapped.len);
		ayak_err_clear(&err);
		if (ayak_record_parse(&rec, copy, wrapped.len, 0, &err))
			abort();
		if (rec.nfields != 1)
			abort();
		f = ayak_record_get(&rec, "a", 1);
		if (!f || f->val != 5 + b || f->val_len != e - b)
			abort();
		ayak_buf_reset(&out);
		if (ayak_record_emit(&rec, NULL, 0, &out) || out.len != wrapped.len ||
		    memcmp(out.data, copy, out.len))
			abort();
		free(copy);
	}
	return 0;
}
