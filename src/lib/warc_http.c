/*
 * HTTP responses inside WARC and ARC records: the status line and header,
 * chunked transfer encoding, and the gzip, deflate and zstd content
 * encodings.  Archives keep what the server sent; a crawler that decoded
 * the payload renames the headers (Common Crawl writes
 * X-Crawler-Content-Encoding), so what is named here is still to do.
 */
#include <stdlib.h>
#include <string.h>

#include <zlib.h>
#include <zstd.h>

#include "warc.h"

struct warc_decoder {
	struct ayak_buf chunked;
	z_stream z;
	int z_live;
	ZSTD_DCtx *zd;
};

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static int ieq(const char *a, size_t n, const char *b)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!b[i] || lower((unsigned char)a[i]) != lower((unsigned char)b[i]))
			return 0;
	return b[n] == 0;
}

int warc_http_parse(const char *block, size_t n, struct warc_http *h)
{
	const char *p = block, *end = block + n, *hdr;
	size_t i;

	memset(h, 0, sizeof(*h));
	h->length = -1;
	if (n < 5 || memcmp(block, "HTTP/", 5))
		return -1;
	/* Status line: HTTP/1.1 200 OK (or HTTP/2 200). */
	for (i = 5; i < n && block[i] != ' ' && block[i] != '\n'; i++)
		;
	while (i < n && block[i] == ' ')
		i++;
	while (i < n && block[i] >= '0' && block[i] <= '9' && h->status < 1000)
		h->status = h->status * 10 + (block[i++] - '0');
	p = memchr(block, '\n', n);
	if (!p) {
		h->body = end;
		return 0;
	}
	hdr = ++p;
	/* Header lines up to a blank line. */
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		const char *colon;
		size_t len = (size_t)(le - p);

		if (len == 0 || (len == 1 && *p == '\r')) {
			p = nl ? nl + 1 : end;
			break;
		}
		colon = memchr(p, ':', len);
		if (colon) {
			size_t k = (size_t)(colon - p);
			struct warc_str v;

			v.p = colon + 1;
			v.n = (size_t)(le - v.p);
			while (v.n && (*v.p == ' ' || *v.p == '\t')) {
				v.p++;
				v.n--;
			}
			while (v.n && (v.p[v.n - 1] == '\r' || v.p[v.n - 1] == ' ' || v.p[v.n - 1] == '\t'))
				v.n--;
			if (ieq(p, k, "Content-Type")) {
				if (!h->ctype.p)
					h->ctype = v;
			} else if (ieq(p, k, "Content-Length")) {
				int64_t clen = 0;
				size_t j;

				for (j = 0; j < v.n && j < 18 && v.p[j] >= '0' && v.p[j] <= '9'; j++)
					clen = clen * 10 + (v.p[j] - '0');
				h->length = j && j == v.n ? clen : -1;
			} else if (ieq(p, k, "Content-Encoding")) {
				h->cenc = v;
			} else if (ieq(p, k, "Transfer-Encoding")) {
				size_t j;

				for (j = 0; j + 7 <= v.n; j++)
					if (ieq(v.p + j, 7, "chunked"))
						h->chunked = 1;
			}
		}
		p = nl ? nl + 1 : end;
	}
	(void)hdr;
	h->body = p;
	h->body_len = (size_t)(end - p);
	return 0;
}

struct warc_decoder *warc_decoder_new(void)
{
	return calloc(1, sizeof(struct warc_decoder));
}

void warc_decoder_free(struct warc_decoder *d)
{
	if (!d)
		return;
	ayak_buf_release(&d->chunked);
	if (d->z_live)
		inflateEnd(&d->z);
	ZSTD_freeDCtx(d->zd);
	free(d);
}

int warc_dechunk(const char *p, size_t n, struct ayak_buf *out)
{
	const char *end = p + n;
	int first = 1;

	ayak_buf_reset(out);
	if (ayak_buf_grow(out, n))
		return -1;
	while (p < end) {
		uint64_t size = 0;
		int digits = 0;
		const char *nl;

		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		for (; p < end; p++) {
			int c = lower((unsigned char)*p), v;

			if (c >= '0' && c <= '9')
				v = c - '0';
			else if (c >= 'a' && c <= 'f')
				v = c - 'a' + 10;
			else
				break;
			if (size >> 58)
				return first ? WARC_DECODE_FAILED : WARC_DECODE_PARTIAL;
			size = size * 16 + (uint64_t)v;
			digits++;
		}
		/* Then optional extensions and the line end. */
		if (!digits || (p < end && *p != ';' && *p != '\r' && *p != '\n' && *p != ' ' &&
				*p != '\t'))
			return first ? WARC_DECODE_FAILED : WARC_DECODE_PARTIAL;
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			return first && !size ? WARC_DECODE_FAILED : WARC_DECODE_PARTIAL;
		p = nl + 1;
		first = 0;
		if (size == 0)
			return WARC_DECODE_OK;	/* trailers, if any, do not matter */
		if (size > (uint64_t)(end - p)) {
			ayak_buf_add(out, p, (size_t)(end - p));
			return WARC_DECODE_PARTIAL;
		}
		ayak_buf_add(out, p, (size_t)size);
		p += size;
		if (p < end && *p == '\r')
			p++;
		if (p < end && *p == '\n')
			p++;
	}
	return WARC_DECODE_PARTIAL;
}

/* zlib inflate (gzip, zlib or raw by windowBits), member after member for gzip. */
static int inflate_to(struct warc_decoder *d, const char *p, size_t n, int wbits,
		      size_t max, struct ayak_buf *out)
{
	int ret = Z_OK, produced = 0;

	if (!d->z_live) {
		if (inflateInit2(&d->z, wbits) != Z_OK)
			return -1;
		d->z_live = 1;
	} else if (inflateReset2(&d->z, wbits) != Z_OK)
		return -1;
	ayak_buf_reset(out);
	d->z.next_in = (Bytef *)(uintptr_t)p;
	d->z.avail_in = n > UINT32_MAX ? UINT32_MAX : (uInt)n;
	for (;;) {
		size_t room;

		if (out->len >= max)
			return WARC_DECODE_PARTIAL;
		if (ayak_buf_grow(out, n * 4 + 4096 < max - out->len ? n * 4 + 4096 : max - out->len))
			return -1;
		room = out->cap - out->len - 1;
		if (room > max - out->len)
			room = max - out->len;
		d->z.next_out = (Bytef *)out->data + out->len;
		d->z.avail_out = room > UINT32_MAX ? UINT32_MAX : (uInt)room;
		ret = inflate(&d->z, Z_NO_FLUSH);
		out->len += room - d->z.avail_out;
		if (room - d->z.avail_out)
			produced = 1;
		if (ret == Z_STREAM_END) {
			/* Another gzip member may follow. */
			if (d->z.avail_in >= 2 && wbits > 15 && d->z.next_in[0] == 0x1F &&
			    d->z.next_in[1] == 0x8B) {
				inflateReset(&d->z);
				continue;
			}
			return WARC_DECODE_OK;
		}
		if (ret == Z_MEM_ERROR)
			return -1;
		/* Damage, or the input ended inside the stream (truncated). */
		if ((ret != Z_OK && ret != Z_BUF_ERROR) || ret == Z_BUF_ERROR ||
		    (d->z.avail_in == 0 && d->z.avail_out))
			return produced ? WARC_DECODE_PARTIAL : WARC_DECODE_FAILED;
	}
}

static int unzstd_to(struct warc_decoder *d, const char *p, size_t n, size_t max,
		     struct ayak_buf *out)
{
	ZSTD_inBuffer in = { p, n, 0 };
	size_t ret = 1;

	if (!d->zd && !(d->zd = ZSTD_createDCtx()))
		return -1;
	ZSTD_DCtx_reset(d->zd, ZSTD_reset_session_only);
	ayak_buf_reset(out);
	while (in.pos < in.size) {
		ZSTD_outBuffer o;

		if (out->len >= max)
			return WARC_DECODE_PARTIAL;
		if (ayak_buf_grow(out, n * 4 + 4096 < max - out->len ? n * 4 + 4096 : max - out->len))
			return -1;
		o.dst = out->data + out->len;
		o.size = out->cap - out->len - 1;
		if (o.size > max - out->len)
			o.size = max - out->len;
		o.pos = 0;
		ret = ZSTD_decompressStream(d->zd, &o, &in);
		out->len += o.pos;
		if (ZSTD_isError(ret))
			return out->len ? WARC_DECODE_PARTIAL : WARC_DECODE_FAILED;
		if (!o.pos && in.pos == in.size)
			break;
	}
	if (ret)
		return out->len ? WARC_DECODE_PARTIAL : WARC_DECODE_FAILED;
	return WARC_DECODE_OK;
}

int warc_http_decode(struct warc_decoder *d, const struct warc_http *h, size_t max,
		     struct ayak_buf *out, const char **body, size_t *len)
{
	const char *src = h->body;
	size_t n = h->body_len;
	int result = WARC_DECODE_OK, ret;
	struct warc_str enc = h->cenc;

	*body = src;
	*len = n;
	/* Cut short (WARC-Truncated, or a crawler's size limit): less than the header said. */
	if (!h->chunked && h->length >= 0 && (uint64_t)h->length > n)
		result = WARC_DECODE_PARTIAL;
	if (h->chunked) {
		ret = warc_dechunk(src, n, &d->chunked);
		if (ret < 0)
			return -1;
		if (ret != WARC_DECODE_FAILED) {
			/* Not chunked after all (archives often drop the encoding): keep the raw body. */
			src = d->chunked.data ? d->chunked.data : "";
			n = d->chunked.len;
			result = ret;
		}
		*body = src;
		*len = n;
	}
	/* Only the last encoding matters in practice; "identity" is none. */
	while (enc.n && (enc.p[0] == ' ' || enc.p[0] == ',')) {
		enc.p++;
		enc.n--;
	}
	if (!enc.n || ieq(enc.p, enc.n, "identity") || ieq(enc.p, enc.n, "none"))
		return result;
	if (ieq(enc.p, enc.n, "gzip") || ieq(enc.p, enc.n, "x-gzip")) {
		if (n < 2 || (unsigned char)src[0] != 0x1F || (unsigned char)src[1] != 0x8B)
			return result;	/* decoded already, whatever the header says */
		ret = inflate_to(d, src, n, 15 + 16, max, out);
	} else if (ieq(enc.p, enc.n, "deflate")) {
		int zlib = n >= 2 && ((unsigned char)src[0] & 0x0F) == 8 &&
			   (((unsigned char)src[0] << 8) | (unsigned char)src[1]) % 31 == 0;

		ret = inflate_to(d, src, n, zlib ? 15 : -15, max, out);
	} else if (ieq(enc.p, enc.n, "zstd")) {
		if (n < 4 || memcmp(src, "\x28\xB5\x2F\xFD", 4))
			return result;
		ret = unzstd_to(d, src, n, max, out);
	} else
		return WARC_DECODE_UNSUPPORTED;
	if (ret < 0)
		return -1;
	*body = out->data ? out->data : "";
	*len = out->len;
	if (ret == WARC_DECODE_OK)
		return result;
	return ret;
}

/* ---- MIME types ---- */

size_t warc_mime(const char *ctype, size_t n, char *out, size_t cap)
{
	size_t i = 0, k = 0;

	while (i < n && (ctype[i] == ' ' || ctype[i] == '\t'))
		i++;
	for (; i < n && ctype[i] != ';' && ctype[i] != ' ' && ctype[i] != '\t' &&
	       ctype[i] != ',' && k + 1 < cap; i++)
		out[k++] = (char)lower((unsigned char)ctype[i]);
	if (cap)
		out[k] = 0;
	return k;
}

struct warc_str warc_ctype_charset(const char *ctype, size_t n)
{
	struct warc_str s = { "", 0 };
	size_t i;

	for (i = 0; i + 8 <= n; i++) {
		size_t j;

		if (!ieq(ctype + i, 7, "charset") || (i && ctype[i - 1] != ';' && ctype[i - 1] != ' ' &&
						       ctype[i - 1] != '\t'))
			continue;
		j = i + 7;
		while (j < n && ctype[j] == ' ')
			j++;
		if (j >= n || ctype[j] != '=')
			continue;
		j++;
		while (j < n && (ctype[j] == ' ' || ctype[j] == '"' || ctype[j] == '\''))
			j++;
		s.p = ctype + j;
		while (j < n && ctype[j] != ';' && ctype[j] != ' ' && ctype[j] != '"' &&
		       ctype[j] != '\'' && ctype[j] != ',' && ctype[j] != '\r')
			j++;
		s.n = (size_t)(ctype + j - s.p);
		return s;
	}
	return s;
}

int warc_sniff_html(const char *p, size_t n)
{
	static const char *const starts[] = {
		"<!doctype html", "<html", "<head", "<body", "<title", "<meta", "<script",
		"<!--", "<div", "<p>", "<h1", "<table", "<a ", "<br", "<style", "<iframe", "<font", "<b>",
	};
	size_t i = 0, k;

	if (n >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3))
		i = 3;
	while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n'))
		i++;
	for (k = 0; k < sizeof(starts) / sizeof(starts[0]); k++) {
		size_t len = strlen(starts[k]);

		if (n - i >= len && ieq(p + i, len, starts[k]))
			return 1;
	}
	return 0;
}
