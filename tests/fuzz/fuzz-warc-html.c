/*
 * Fuzz target for HTML to text (src/lib/warc_html.c) and the <meta>
 * prescan.  Properties checked (abort() when one breaks):
 *
 *  - no crash or sanitizer report on any input;
 *  - with main-content extraction the text is never longer than without;
 *  - the same input gives the same text twice (no state leaks between
 *    documents);
 *  - outside <pre>, text never holds a control character but \n and \t,
 *    so with no "pre", "listing", "plaintext", "xmp" or "textarea" in the
 *    input, that holds for the whole output.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "warc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int has(const uint8_t *d, size_t n, const char *w)
{
	size_t m = strlen(w), i, j;

	for (i = 0; i + m <= n; i++) {
		for (j = 0; j < m && (d[i + j] | 32) == w[j]; j++)
			;
		if (j == m)
			return 1;
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct warc_html *h;
	static struct ayak_buf a, b, c;
	struct warc_html_stats st;
	size_t i;

	if (!h)
		h = warc_html_new();
	ayak_buf_reset(&a);
	ayak_buf_reset(&b);
	ayak_buf_reset(&c);
	if (warc_html_text(h, (const char *)data, size, 0, &a, &st) ||
	    warc_html_text(h, (const char *)data, size, WARC_HTML_KEEP_BOILERPLATE, &b, &st) ||
	    warc_html_text(h, (const char *)data, size, 0, &c, &st))
		abort();
	if (a.len > b.len || a.len != c.len || (a.len && memcmp(a.data, c.data, a.len)))
		abort();
	if (!has(data, size, "pre") && !has(data, size, "listing") && !has(data, size, "plaintext") &&
	    !has(data, size, "xmp") && !has(data, size, "textarea"))
		for (i = 0; i < b.len; i++) {
			unsigned char ch = (unsigned char)b.data[i];

			if ((ch < 0x20 && ch != '\n' && ch != '\t') || ch == 0x7F)
				abort();
		}
	(void)warc_meta_charset((const char *)data, size);
	return 0;
}
