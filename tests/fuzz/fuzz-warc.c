/*
 * Fuzz target for the WARC/ARC record reader and what ayak-warc does with
 * each record: HTTP parsing, transfer and content decoding, charset
 * conversion and HTML to text.  The input becomes a file (a memfd), read
 * through every layer; properties checked (abort() when one breaks):
 *
 *  - records and errors alternate until the end, in a bounded number of
 *    calls (each damaged record makes progress);
 *  - a record's block lies inside what was read, and its offsets grow;
 *  - an error is bad data (1) with a message, or out of memory (3);
 *  - converted text is valid UTF-8.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "icu.h"
#include "warc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct warc_decoder *dec;
	static struct warc_charset *cs;
	static struct warc_html *html;
	static struct ayak_buf payload, utf8, text;
	struct warc_reader *r;
	struct warc_rec rec;
	struct warc_where where;
	struct ayak_err err;
	char path[64];
	uint64_t last = 0;
	size_t calls = 0;
	int fd, ret;

	if (!dec) {
		if (ayak_icu_init(&err))
			abort();
		dec = warc_decoder_new();
		cs = warc_charset_new();
		html = warc_html_new();
	}
	fd = memfd_create("fuzz-warc", 0);
	if (fd < 0)
		return 0;
	if (size && write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	ayak_err_clear(&err);
	r = warc_reader_new(path, 1u << 16, &err);
	if (!r)
		abort();
	while ((ret = warc_reader_next(r, &rec, &where, &err)) != 0) {
		struct warc_http h;
		struct warc_charset_info info;
		struct warc_html_stats st;
		const char *body, *t;
		size_t len, tlen;

		if (++calls > 2 * size + 16)
			abort();	/* no progress */
		if (ret < 0) {
			if (!err.msg[0] || (err.code != AYAK_E_DATA &&
					    !(err.code == AYAK_E_SYS && strstr(err.msg, "memory"))))
				abort();
			if (err.code != AYAK_E_DATA)
				break;
			continue;
		}
		if (rec.offset < last && calls > 1 && !warc_in_compressed(warc_reader_stream(r)))
			abort();
		last = rec.offset;
		if (!rec.block)
			continue;
		body = rec.block;
		len = rec.block_len;
		if (warc_http_parse(rec.block, rec.block_len, &h) == 0) {
			if (warc_http_decode(dec, &h, 1u << 20, &payload, &body, &len) < 0)
				abort();
		}
		if (warc_to_utf8(cs, body, len, warc_ctype_charset(rec.ctype.p, rec.ctype.n), 1,
				 &utf8, &t, &tlen, &info, &err))
			continue;
		if (info.replaced == 0 && ayak_utf8_valid_prefix(t, tlen) != tlen &&
		    strcmp(info.name, "UTF-8"))
			abort();	/* ICU output must be UTF-8 */
		ayak_buf_reset(&text);
		if (warc_html_text(html, t, tlen, 0, &text, &st))
			abort();
	}
	warc_reader_free(r);
	close(fd);
	return 0;
}
