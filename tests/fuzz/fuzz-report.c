/*
 * Fuzz target for the report (report.h).  The input's first line is read
 * as a --stats object, the others as records; then the report is written
 * in the three formats.  Properties checked (abort() when one breaks):
 *
 *  - a stats object that fails has AYAK_E_DATA and a message naming it;
 *  - a record that parses is counted or refused with AYAK_E_DATA, and its
 *    bytes, characters and words, read from the escaped JSON string, equal
 *    a plain count of the decoded text;
 *  - a URL's host is at most 253 bytes, with no '/', '?', '#' or '@';
 *  - every format gives valid UTF-8 without control characters but
 *    newlines (and DEL inside JSON strings), the JSON one valid JSON on
 *    one line, the HTML one no script.
 */
#define _GNU_SOURCE	/* memmem */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "report-int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int is_space(uint32_t c)
{
	return (c >= 9 && c <= 13) || c == 0x20 || c == 0x85 || c == 0xA0 || c == 0x1680 ||
	       (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F ||
	       c == 0x205F || c == 0x3000;
}

static void check_text(const struct ayak_record *rec, const struct ayak_field *f,
		       const struct report *r, uint64_t b0, uint64_t c0, uint64_t w0)
{
	struct ayak_buf b = AYAK_BUF_INIT;
	struct ayak_err err;
	const unsigned char *p, *end;
	uint64_t chars = 0, words = 0;
	int space = 1;

	if (ayak_json_decode_string(rec->line + f->val, f->val_len, &b, NULL, &err))
		abort();
	p = (const unsigned char *)(b.data ? b.data : "");
	end = p + b.len;
	while (p < end) {
		uint32_t c;
		int k = ayak_utf8_decode(p, end, &c), sp;

		if (!k)
			abort();
		sp = is_space(c);
		words += space && !sp;
		space = sp;
		chars++;
		p += k;
	}
	if (r->text_bytes - b0 != b.len || r->chars - c0 != chars || r->words - w0 != words)
		abort();
	ayak_buf_release(&b);
}

static void check_out(const struct ayak_buf *out, int format)
{
	struct ayak_err err;
	size_t i;

	if (!out->len || ayak_utf8_valid_prefix(out->data, out->len) != out->len)
		abort();
	for (i = 0; i < out->len; i++) {
		unsigned char c = (unsigned char)out->data[i];

		/* JSON strings may hold DEL as it is; text and HTML show U+FFFD. */
		if ((c < 0x20 && c != '\n') || (c == 0x7F && format != REPORT_JSON))
			abort();
	}
	if (format == REPORT_JSON &&
	    (out->data[out->len - 1] != '\n' || memchr(out->data, '\n', out->len - 1) ||
	     ayak_json_validate(out->data, out->len - 1, 0, &err)))
		abort();
	if (format == REPORT_HTML && memmem(out->data, out->len, "<script", 7))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size, *nl;
	struct report_opts o = { 0 };
	struct ayak_record rec;
	struct ayak_err err;
	struct ayak_buf out = AYAK_BUF_INIT, host = AYAK_BUF_INIT;
	struct report *r;
	int first = 1, f;

	o.top = 5;
	o.max_domains = 4;	/* small, so that Space-Saving runs */
	o.title = "fuzz <&>";
	r = report_new(&o, &err);
	if (!r)
		abort();
	ayak_record_init(&rec);
	while (p < end) {
		size_t n;

		nl = memchr(p, '\n', (size_t)(end - p));
		n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		if (first) {
			first = 0;
			if (report_stage_json(r, "stats.json", p, n, &err) &&
			    (err.code != AYAK_E_DATA || strncmp(err.msg, "stats.json: ", 12)))
				abort();
		} else if (!ayak_record_parse(&rec, p, n, 0, &err)) {
			const struct ayak_field *tf = ayak_record_get(&rec, "text", 4);
			const struct ayak_field *uf = ayak_record_get(&rec, "url", 3);
			uint64_t b0 = r->text_bytes, c0 = r->chars, w0 = r->words;

			if (report_record(r, &rec, &err)) {
				if (err.code != AYAK_E_DATA || (tf && tf->type == AYAK_JSON_STRING))
					abort();
			} else {
				check_text(&rec, tf, r, b0, c0, w0);
			}
			if (uf && uf->type == AYAK_JSON_STRING) {
				struct ayak_buf u = AYAK_BUF_INIT;
				int k;

				ayak_json_decode_string(p + uf->val, uf->val_len, &u, NULL, &err);
				ayak_buf_reset(&host);
				k = report_url_host(u.data ? u.data : "", u.len, &host);
				if (k < 0 || (size_t)k != host.len ||
				    (k && (memchr(host.data, '/', (size_t)k) || memchr(host.data, '?', (size_t)k) ||
					   memchr(host.data, '#', (size_t)k) || memchr(host.data, '@', (size_t)k))))
					abort();
				ayak_buf_release(&u);
			}
		}
		p += n + (nl ? 1 : 0);
	}
	for (f = REPORT_TEXT; f <= REPORT_HTML; f++) {
		ayak_buf_reset(&out);
		if (report_write(r, f, &out))
			abort();
		check_out(&out, f);
	}
	ayak_record_release(&rec);
	ayak_buf_release(&out);
	ayak_buf_release(&host);
	report_free(r);
	return 0;
}
