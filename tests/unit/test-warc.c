/* Unit tests for the web archive helpers (src/lib/warc_*.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#include "icu.h"
#include "warc.h"

static int n, failed;

static void ok(int cond, const char *what)
{
	printf("%sok %d - %s\n", cond ? "" : "not ", ++n, what);
	failed += !cond;
}

static int str_is(struct warc_str s, const char *want)
{
	return s.n == strlen(want) && !memcmp(s.p, want, s.n);
}

static const char *ref(const char *in, int attr, size_t *used)
{
	static char out[16];
	size_t olen;

	*used = warc_html_charref(in, strlen(in), attr, out, &olen);
	out[olen] = 0;
	return out;
}

static void test_charrefs(void)
{
	size_t used;

	ok(!strcmp(ref("&amp;x", 0, &used), "&") && used == 5, "&amp;");
	ok(!strcmp(ref("&amp x", 0, &used), "&") && used == 4, "&amp without a semicolon (legacy)");
	ok(!strcmp(ref("&notit;", 0, &used), "\xC2\xAC") && used == 4, "&notit; is &not then it;");
	ok(!strcmp(ref("&notin;", 0, &used), "\xE2\x88\x89") && used == 7, "&notin; is longer than &not");
	ok(ref("&bogus;", 0, &used) && used == 0, "an unknown name is not a reference");
	ok(ref("&ampx=1", 1, &used) && used == 0, "in an attribute, &amp followed by a letter is text");
	ok(!strcmp(ref("&ampx", 0, &used), "&") && used == 4, "in text it is a reference");
	ok(!strcmp(ref("&#233;", 0, &used), "\xC3\xA9") && used == 6, "decimal");
	ok(!strcmp(ref("&#xE9", 0, &used), "\xC3\xA9") && used == 5, "hex without a semicolon");
	ok(!strcmp(ref("&#x80;", 0, &used), "\xE2\x82\xAC"), "C1 controls map as windows-1252 (euro)");
	ok(!strcmp(ref("&#0;", 0, &used), "\xEF\xBF\xBD"), "NUL becomes U+FFFD");
	ok(!strcmp(ref("&#xD800;", 0, &used), "\xEF\xBF\xBD"), "a surrogate becomes U+FFFD");
	ok(!strcmp(ref("&#99999999999;", 0, &used), "\xEF\xBF\xBD") && used == 14, "too large becomes U+FFFD");
	ok(ref("&#;", 0, &used) && used == 0, "&# without digits is text");
	ok(!strcmp(ref("&NotNestedGreaterGreater;", 0, &used), "\xE2\xAA\xA2\xCC\xB8"),
	   "a two-code-point reference");
}

static void test_http(void)
{
	static const char resp[] = "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=\"ISO-8859-1\"\r\n"
				   "Transfer-Encoding: gzip, chunked\r\nContent-Encoding: identity\r\n\r\nbody";
	struct warc_http h;
	struct warc_str cs;
	struct ayak_buf b = AYAK_BUF_INIT;
	char mime[64];

	ok(warc_http_parse(resp, sizeof(resp) - 1, &h) == 0 && h.status == 200, "status line");
	ok(str_is(h.ctype, "text/html; charset=\"ISO-8859-1\""), "Content-Type");
	ok(h.chunked && str_is(h.cenc, "identity"), "Transfer-Encoding and Content-Encoding");
	ok(h.body_len == 4 && !memcmp(h.body, "body", 4), "body");
	cs = warc_ctype_charset(h.ctype.p, h.ctype.n);
	ok(str_is(cs, "ISO-8859-1"), "charset parameter, quotes removed");
	ok(warc_mime(h.ctype.p, h.ctype.n, mime, sizeof(mime)) == 9 && !strcmp(mime, "text/html"),
	   "media type");
	ok(warc_http_parse("GET / HTTP/1.1\r\n\r\n", 18, &h) < 0, "a request is not a response");
	ok(warc_http_parse("HTTP/2 404\n\nx", 13, &h) == 0 && h.status == 404 && h.body_len == 1,
	   "HTTP/2 status line, LF line ends");

	ok(warc_dechunk("4\r\nWiki\r\n5;ext=1\r\npedia\r\n0\r\n\r\n", 32, &b) == WARC_DECODE_OK &&
	   b.len == 9 && !memcmp(b.data, "Wikipedia", 9), "chunked");
	ok(warc_dechunk("4\r\nWiki\r\n5\r\nped", 15, &b) == WARC_DECODE_PARTIAL && b.len == 7,
	   "chunked, cut short: what there is");
	ok(warc_dechunk("<html>", 6, &b) == WARC_DECODE_FAILED, "not chunked at all");
	ayak_buf_release(&b);

	ok(warc_sniff_html("\n  <!DOCTYPE HTML><p>", 20) && !warc_sniff_html("{\"a\":1}", 7),
	   "sniffing HTML");
}

static void test_decode(void)
{
	static const char text[] = "Selamat datang, selamat datang, selamat datang!";
	unsigned char gz[256];
	char resp[512];
	z_stream z;
	struct warc_http h;
	struct warc_decoder *d = warc_decoder_new();
	struct ayak_buf out = AYAK_BUF_INIT;
	const char *body;
	size_t len, glen, rlen;

	memset(&z, 0, sizeof(z));
	deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
	z.next_in = (Bytef *)text;
	z.avail_in = sizeof(text) - 1;
	z.next_out = gz;
	z.avail_out = sizeof(gz);
	deflate(&z, Z_FINISH);
	glen = sizeof(gz) - z.avail_out;
	deflateEnd(&z);

	rlen = (size_t)snprintf(resp, sizeof(resp), "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n\r\n");
	memcpy(resp + rlen, gz, glen);
	rlen += glen;
	warc_http_parse(resp, rlen, &h);
	ok(warc_http_decode(d, &h, 1 << 20, &out, &body, &len) == WARC_DECODE_OK &&
	   len == sizeof(text) - 1 && !memcmp(body, text, len), "gzip content encoding");
	h.body_len -= 10;
	ok(warc_http_decode(d, &h, 1 << 20, &out, &body, &len) == WARC_DECODE_PARTIAL && len > 0 &&
	   !memcmp(body, text, len), "truncated gzip: the part that decoded");
	h.body_len += 10;
	ok(warc_http_decode(d, &h, 10, &out, &body, &len) == WARC_DECODE_PARTIAL && len == 10,
	   "decoded size is capped");
	h.cenc.p = "br";
	h.cenc.n = 2;
	ok(warc_http_decode(d, &h, 1 << 20, &out, &body, &len) == WARC_DECODE_UNSUPPORTED,
	   "brotli is not supported");
	h.cenc.p = "gzip";
	h.cenc.n = 4;
	h.body = "plain text";
	h.body_len = 10;
	ok(warc_http_decode(d, &h, 1 << 20, &out, &body, &len) == WARC_DECODE_OK && len == 10 &&
	   body == h.body, "gzip named but not gzip: taken as it is");
	ayak_buf_release(&out);
	warc_decoder_free(d);
}

static void test_charsets(void)
{
	struct warc_charset *cs = warc_charset_new();
	struct warc_charset_info info;
	struct ayak_buf out = AYAK_BUF_INIT;
	struct ayak_err err;
	struct warc_str none = { "", 0 }, latin1 = { "latin1", 6 };
	const char *t;
	size_t len;
	static const char meta[] = "<!-- <meta charset=koi8-r> --><html><head>"
				   "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1251\">";
	static const char cp[] = "<p>caf\xE9 \x93ok\x94</p>";

	ok(str_is(warc_meta_charset(meta, sizeof(meta) - 1), "windows-1251"),
	   "meta prescan: http-equiv content, comments skipped");
	ok(str_is(warc_meta_charset("<meta charset='utf-8'>", 22), "utf-8"), "meta charset");
	ok(warc_meta_charset("<p>no meta</p>", 14).n == 0, "no meta");

	ok(warc_to_utf8(cs, "halo", 4, none, 1, &out, &t, &len, &info, &err) == 0 &&
	   len == 4 && info.source == WARC_CS_VALID_UTF8, "undeclared ASCII is UTF-8 as it is");
	ok(warc_to_utf8(cs, cp, sizeof(cp) - 1, latin1, 1, &out, &t, &len, &info, &err) == 0 &&
	   !strcmp(info.name, "windows-1252") && info.source == WARC_CS_HEADER &&
	   len == sizeof(cp) - 1 + 1 + 2 + 2 &&
	   !memcmp(t, "<p>caf\xC3\xA9 \xE2\x80\x9Cok\xE2\x80\x9D</p>", len),
	   "latin1 label reads as windows-1252");
	ok(warc_to_utf8(cs, "\xEF\xBB\xBFx\xC3\xA9", 6, latin1, 1, &out, &t, &len, &info, &err) == 0 &&
	   info.source == WARC_CS_BOM && len == 3 && !memcmp(t, "x\xC3\xA9", 3),
	   "a BOM wins over the header and is dropped");
	{
		struct warc_str u8 = { "UTF-8", 5 };

		ok(warc_to_utf8(cs, "a\xFF" "b", 3, u8, 0, &out, &t, &len, &info, &err) == 0 &&
		   len >= 3 && t[0] == 'a' && t[len - 1] == 'b', "declared UTF-8, one bad byte");
	}
	ok(warc_to_utf8(cs, "\xFF\xFEh\0i\0", 6, none, 1, &out, &t, &len, &info, &err) == 0 &&
	   len == 2 && !memcmp(t, "hi", 2) && !strcmp(info.name, "UTF-16LE"), "UTF-16LE with BOM");
	ayak_buf_release(&out);
	warc_charset_free(cs);
}

static const char *html(struct warc_html *h, const char *in, unsigned flags)
{
	static struct ayak_buf out = AYAK_BUF_INIT;
	struct warc_html_stats st;

	ayak_buf_reset(&out);
	if (warc_html_text(h, in, strlen(in), flags, &out, &st))
		return "(out of memory)";
	ayak_buf_add(&out, "", 1);
	return out.data;
}

static void test_html(void)
{
	struct warc_html *h = warc_html_new();
	const unsigned K = WARC_HTML_KEEP_BOILERPLATE;

	ok(!strcmp(html(h, "<p>a  b\n c</p><p>d</p>", K), "a b c\nd"), "white space, blocks");
	ok(!strcmp(html(h, "x<br>y<br/>z</br>w", K), "x\ny\nz\nw"), "<br> and </br>");
	ok(!strcmp(html(h, "<p>one<p>two<div>three</div>four", K), "one\ntwo\nthree\nfour"),
	   "implied </p>");
	ok(!strcmp(html(h, "<ul><li>a<li>b</ul>", K), "a\nb"), "implied </li>");
	ok(!strcmp(html(h, "<table><tr><td>a<td>b<tr><td>c</table>", K), "a\tb\nc"), "tables");
	ok(!strcmp(html(h, "<script>if (a<b) document.write('</p>')</script>ok", K), "ok"),
	   "script data");
	ok(!strcmp(html(h, "<script><!--<script>x</script>y</script>z", K), "z"),
	   "double-escaped script data");
	ok(!strcmp(html(h, "<script><!-- x --></script>z", K), "z"), "escaped script data");
	ok(!strcmp(html(h, "<STYLE>p{}</style >a<title>t&amp;</title>", K), "a"),
	   "RAWTEXT and RCDATA with odd end tags");
	ok(!strcmp(html(h, "a<!-- b -- c --!>d<!-->e<!--->f", K), "adef"), "comment states");
	ok(!strcmp(html(h, "a<!DOCTYPE html>b<?php x ?>c</ x>d", K), "abcd"), "DOCTYPE, bogus comments");
	ok(!strcmp(html(h, "<p title='a>b' class=\"x\">t</p>", K), "t"), "> inside an attribute value");
	ok(!strcmp(html(h, "a < b &lt; c <3", K), "a < b < c <3"), "a lone < is text");
	ok(!strcmp(html(h, "<p>end<p", K), "end"), "the input ends in a tag");
	ok(!strcmp(html(h, "<template><p>no</p></template>yes", K), "yes"), "<template>");
	ok(!strcmp(html(h, "<svg><style>x</style><text>y</text><![CDATA[z]]></svg>w", K), "w"),
	   "SVG content and CDATA");
	ok(!strcmp(html(h, "<pre>\n a  b\r\n c</pre>", K), " a  b\n c"), "<pre>");
	ok(!strcmp(html(h, "<div hidden>x</div><span aria-hidden=true>y</span>z", K), "z"), "hidden");
	ok(!strcmp(html(h, "<head><title>t</title><meta x>text in head</head>", K), "text in head"),
	   "text in <head> starts the body");
	ok(!strcmp(html(h, "<head><link rel=x><p>body starts</p>", K), "body starts"),
	   "a body element closes <head>");
	ok(!strcmp(html(h, "a&nbsp;&nbsp;b\xC2\xA0 c", K), "a b c"), "no-break spaces are spaces");
	ok(!strcmp(html(h, "a<ruby>B<rp>(<rt>r1<rp>)</rp>C<rt>r2</ruby>d", K), "aBCd"),
	   "ruby: the base text; <rt> and <rp> left open end at the next one");
	ok(!strcmp(html(h, "pe&shy;la\xC2\xADjar ke&#8203;pa\xE2\x80\x8B" "da x &shy; y", K),
		   "pelajar kepada x y"), "soft hyphens and zero-width spaces go");
	ok(!strcmp(html(h, "a\xE2\x80\x8C" "b\xE2\x80\x8D" "c", K), "a\xE2\x80\x8C" "b\xE2\x80\x8D" "c"),
	   "zero-width non-joiner and joiner stay");
	ok(!strcmp(html(h, "<pre>a\xC2\xAD" "b\r\nc&#8203;<br>&shy;</pre>d", K), "ab\nc\nd"),
	   "... in <pre> too, and alone after a <br> they add no line");
	ok(!strcmp(html(h, "<plaintext><b>x</b>", K), "<b>x</b>"), "<plaintext>");
	ok(!strcmp(html(h, "<nav>menu</nav><p>text</p><footer>foot</footer>", 0), "text"),
	   "nav and footer dropped");
	ok(!strcmp(html(h, "<nav>menu</nav><p>text</p>", K), "menu\ntext"), "... kept with the flag");
	ok(!strcmp(html(h, "<p><a href=a>one</a> <a href=b>two</a></p><p>plain text here</p>", 0),
		   "plain text here"), "link-dense block dropped");
	ok(!strcmp(html(h, "<p>We use cookies to improve this site. Accept?</p><p>Isi.</p>", 0),
		   "Isi."), "cookie notice dropped");
	ok(!strcmp(html(h, "<div class=\"sidebar-left\">side</div><p>main text</p>", 0), "main text"),
	   "class words");
	ok(!strcmp(html(h, "<body class=\"has-sidebar\"><p>main text</p>", 0), "main text"),
	   "class words do not count on <body>");
	ok(!strcmp(html(h, "<p>outside</p><main><header class=top>Title</header><p>in</p></main>", 0),
		   "Title\nin"), "<main>: only main content, with its own header");
	warc_html_free(h);
}

static void test_reader(void)
{
	char path[] = "/tmp/test-warc-XXXXXX";
	int fd = mkstemp(path);
	static const char r1[] = "WARC/1.0\r\nWARC-Type: conversion\r\nWARC-Record-ID: <urn:x:1>\r\n"
				 "WARC-Target-URI: <http://a.example/>\r\nContent-Length: 5\r\n\r\nhello\r\n\r\n";
	static const char r2[] = "WARC/1.1\r\nwarc-type: resource\r\nContent-Type: text/plain\r\n"
				 "Content-Length: 3\r\n\r\nbye\r\n\r\n";
	unsigned char gz[2][256];
	size_t glen[2];
	int i;
	struct warc_reader *r;
	struct warc_rec rec;
	struct warc_where where;
	struct ayak_err err;

	for (i = 0; i < 2; i++) {
		z_stream z;
		const char *src = i ? r2 : r1;

		memset(&z, 0, sizeof(z));
		deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
		z.next_in = (Bytef *)src;
		z.avail_in = (uInt)strlen(src);
		z.next_out = gz[i];
		z.avail_out = sizeof(gz[i]);
		deflate(&z, Z_FINISH);
		glen[i] = sizeof(gz[i]) - z.avail_out;
		deflateEnd(&z);
	}
	ok(fd >= 0 && write(fd, gz[0], glen[0]) == (ssize_t)glen[0] &&
	   write(fd, gz[1], glen[1]) == (ssize_t)glen[1], "a two-member .warc.gz");
	close(fd);
	r = warc_reader_new(path, 1 << 20, &err);
	ok(r && warc_reader_next(r, &rec, &where, &err) == 1 && rec.type == WARC_T_CONVERSION &&
	   str_is(rec.id, "<urn:x:1>") && str_is(rec.url, "http://a.example/") &&
	   rec.block_len == 5 && !memcmp(rec.block, "hello", 5) && rec.file_offset == 0,
	   "first record, angle brackets off the URI");
	ok(warc_reader_next(r, &rec, &where, &err) == 1 && rec.type == WARC_T_RESOURCE &&
	   rec.file_offset == glen[0] && rec.offset == strlen(r1) && str_is(rec.ctype, "text/plain"),
	   "second record: its member's offset in the file, lowercase field names");
	ok(warc_reader_next(r, &rec, &where, &err) == 0, "then the end");
	warc_reader_free(r);
	unlink(path);
}

int main(void)
{
	struct ayak_err err;

	if (ayak_icu_init(&err)) {
		printf("1..0 # SKIP %s\n", err.msg);
		return 0;
	}
	test_charrefs();
	test_http();
	test_decode();
	test_charsets();
	test_html();
	test_reader();
	printf("1..%d\n", n);
	return failed != 0;
}
