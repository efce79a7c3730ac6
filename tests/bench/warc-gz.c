/*
 * warc-gz: compress a plain WARC one record per gzip member (as Common
 * Crawl writes .warc.gz and .warc.wet.gz) or, with -z, one record per zstd
 * frame.  For tests/bench/warc.sh.
 *
 *	warc-gz [-z] < in.warc > out.warc.gz
 *
 * Records are split at lines starting with "WARC/1." (good enough for
 * generated input; it does not read Content-Length).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>
#include <zstd.h>

static void put(const void *p, size_t n)
{
	if (n && fwrite(p, 1, n, stdout) != n) {
		perror("warc-gz: write");
		exit(1);
	}
}

static void member(const char *p, size_t n, int zst)
{
	static unsigned char *out;
	static size_t cap;
	size_t need = zst ? ZSTD_compressBound(n) : compressBound((uLong)n) + 64;

	if (!n)
		return;
	if (need > cap) {
		cap = need;
		out = realloc(out, cap);
		if (!out)
			exit(1);
	}
	if (zst) {
		size_t r = ZSTD_compress(out, cap, p, n, 3);

		if (ZSTD_isError(r))
			exit(1);
		put(out, r);
	} else {
		z_stream z;

		memset(&z, 0, sizeof(z));
		if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
			exit(1);
		z.next_in = (Bytef *)(uintptr_t)p;
		z.avail_in = (uInt)n;
		z.next_out = out;
		z.avail_out = (uInt)cap;
		if (deflate(&z, Z_FINISH) != Z_STREAM_END)
			exit(1);
		put(out, cap - z.avail_out);
		deflateEnd(&z);
	}
}

int main(int argc, char **argv)
{
	int zst = argc > 1 && !strcmp(argv[1], "-z");
	char *buf = NULL;
	size_t len = 0, cap = 0, start = 0, i;
	ssize_t got;

	for (;;) {
		if (cap - len < (1u << 20)) {
			cap = cap ? cap * 2 : (16u << 20);
			buf = realloc(buf, cap);
			if (!buf)
				return 1;
		}
		got = read(0, buf + len, cap - len);
		if (got < 0) {
			perror("warc-gz: read");
			return 1;
		}
		if (got == 0)
			break;
		len += (size_t)got;
	}
	for (i = 1; i + 7 <= len; i++) {
		if (buf[i - 1] == '\n' && !memcmp(buf + i, "WARC/1.", 7)) {
			member(buf + start, i - start, zst);
			start = i;
		}
	}
	member(buf + start, len - start, zst);
	return fflush(stdout) ? 1 : 0;
}
