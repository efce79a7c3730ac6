/*
 * Unit tests for the reader's bytes (stream.h): ayak_reader_read() over
 * several inputs, plain and gzip, with the end of each input told apart;
 * ayak_reader_peek() consuming nothing, before lines or bytes; damaged
 * compressed input named without a line; the gzip writer given 4 GiB or
 * more in one write (zlib counts its input in 32 bits).  Prints TAP.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

#include <zlib.h>

#include "stream.h"

#include "tap.h"

static char dir[4096];

static const char *at(const char *name)
{
	static char p[4][4200];
	static int k;

	k = (k + 1) % 4;
	snprintf(p[k], sizeof(p[k]), "%s/%s", dir, name);
	return p[k];
}

static void put(const char *path, const void *p, size_t n)
{
	FILE *f = fopen(path, "wb");

	if (!f || fwrite(p, 1, n, f) != n || fclose(f)) {
		printf("Bail out! cannot write %s\n", path);
		exit(1);
	}
}

static void put_gz(const char *path, const void *p, size_t n)
{
	gzFile g = gzopen(path, "wb");

	if (!g || gzwrite(g, p, (unsigned)n) != (int)n || gzclose(g) != Z_OK) {
		printf("Bail out! cannot write %s\n", path);
		exit(1);
	}
}

/* Every byte of the current input into out (NUL-ended); its length, or -1. */
static ssize_t read_input(struct ayak_reader *r, char *out, size_t cap, size_t step,
			  struct ayak_err *err)
{
	size_t len = 0;
	ssize_t got;

	while ((got = ayak_reader_read(r, out + len, step < cap - len ? step : cap - len, err)) > 0)
		len += (size_t)got;
	out[len] = '\0';
	return got < 0 ? -1 : (ssize_t)len;
}

static void test_inputs(void)
{
	/* Bytes as they are: no BOM or CR taken out, NUL and newlines kept. */
	static const char one[] = "\xEF\xBB\xBF" "ab\r\ncd\0ef";
	char big[3000], out[4096], *src[4];
	struct ayak_reader *r;
	struct ayak_err err;
	size_t i;

	for (i = 0; i < sizeof(big); i++)
		big[i] = (char)('a' + i % 26);
	put(at("one"), one, sizeof(one) - 1);
	put(at("empty"), "", 0);
	put_gz(at("big.gz"), big, sizeof(big));
	src[0] = strdup(at("one"));
	src[1] = strdup(at("empty"));
	src[2] = strdup(at("big.gz"));
	src[3] = strdup(at("one"));
	ayak_err_clear(&err);
	r = ayak_reader_new((const char *const *)src, 4, &err);
	ok(r != NULL, "reader over four inputs");
	if (!r)
		return;
	ok(read_input(r, out, sizeof(out), 4, &err) == (ssize_t)sizeof(one) - 1 &&
	   !memcmp(out, one, sizeof(one) - 1), "a plain input, 4 bytes at a time, as it is");
	ok(read_input(r, out, sizeof(out), 4096, &err) == 0, "an empty input: 0 at once");
	ok(read_input(r, out, sizeof(out), 1000, &err) == (ssize_t)sizeof(big) &&
	   !memcmp(out, big, sizeof(big)), "a gzip input, decompressed");
	ok(ayak_reader_peek(r, out, 5, &err) == 5 && !memcmp(out, one, 5),
	   "peek at the next input");
	ok(read_input(r, out, sizeof(out), 7, &err) == (ssize_t)sizeof(one) - 1 &&
	   !memcmp(out, one, sizeof(one) - 1), "... which is then read from its first byte");
	ok(ayak_reader_read(r, out, 10, &err) == 0 && ayak_reader_peek(r, out, 4, &err) == 0,
	   "0 after the last input");
	ayak_reader_free(r);
	for (i = 0; i < 4; i++)
		free(src[i]);
}

static void test_peek_lines(void)
{
	const char *path = at("lines.gz");
	struct ayak_reader *r;
	struct ayak_line line;
	struct ayak_err err;
	char head[64];

	put_gz(path, "{\"a\":1}\n{\"b\":2}\n", 16);
	ayak_err_clear(&err);
	r = ayak_reader_new(&path, 1, &err);
	ok(r && ayak_reader_peek(r, head, sizeof(head), &err) == 16 && !memcmp(head, "{\"a\":1}\n", 8),
	   "peek more than the input holds: all of it");
	ok(r && ayak_reader_next(r, &line, &err) == 1 && line.lineno == 1 && line.len == 7 &&
	   !memcmp(line.data, "{\"a\":1}", 7), "lines after a peek start at line 1");
	ok(r && ayak_reader_next(r, &line, &err) == 1 && line.lineno == 2 &&
	   ayak_reader_next(r, &line, &err) == 0, "... and end where the input does");
	ayak_reader_free(r);
}

static void test_damage(void)
{
	const char *path = at("cut.gz");
	char data[20000], out[30000];
	struct ayak_reader *r;
	struct ayak_err err;
	FILE *f;
	long n;
	size_t i;

	for (i = 0; i < sizeof(data); i++)
		data[i] = (char)(rand() & 0xFF);
	put_gz(path, data, sizeof(data));
	f = fopen(path, "rb");
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fclose(f);
	if (truncate(path, n - 20))
		return;
	ayak_err_clear(&err);
	r = ayak_reader_new(&path, 1, &err);
	ok(r && ayak_reader_peek(r, out, 8, &err) == 8 && !memcmp(out, data, 8),
	   "the start of a truncated input is peeked without an error");
	ok(r && read_input(r, out, sizeof(out), 4096, &err) == -1 && err.code == AYAK_E_DATA &&
	   err.file && !strcmp(err.file, path) && err.line == 0 &&
	   !strcmp(err.msg, "truncated gzip input"),
	   "then reading it is AYAK_E_DATA naming the file, with no line (%s)", err.msg);
	ayak_reader_free(r);
}

/* Bytes of the gzip file at path once inflated, or -1. */
static long long gunzipped_size(const char *path)
{
	gzFile g = gzopen(path, "rb");
	static char buf[1 << 20];
	long long total = 0;
	int n;

	if (!g)
		return -1;
	while ((n = gzread(g, buf, sizeof(buf))) > 0)
		total += n;
	gzclose(g);
	return n < 0 ? -1 : total;
}

static void test_gzip_4g(void)
{
	const size_t n = ((size_t)1 << 32) + 10;
	struct ayak_writer_opts o = { at("big.gz"), AYAK_COMPRESS_GZIP, 1, 0, 0, NULL };
	struct ayak_writer *w;
	struct ayak_err err;
	/* zero pages, never written: no memory is used for them */
	char *zeros = mmap(NULL, n, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (zeros == MAP_FAILED) {
		ok(1, "# SKIP no address space for 4 GiB");
		return;
	}
	ayak_err_clear(&err);
	w = ayak_writer_new(&o, &err);
	ok(w && ayak_writer_write(w, zeros, n, &err) == 0 && ayak_writer_close(w, &err) == 0 &&
	   gunzipped_size(o.path) == (long long)n,
	   "gzip: one write of 4 GiB and 10 bytes gives them all back");
	munmap(zeros, n);
	unlink(o.path);
}

int main(void)
{
	const char *base = getenv("AYAK_BUILD");
	char cmd[4200];

	snprintf(dir, sizeof(dir), "%s/test-reader.XXXXXX", base && *base ? base : "/tmp");
	if (!mkdtemp(dir)) {
		snprintf(dir, sizeof(dir), "/tmp/test-reader.XXXXXX");
		if (!mkdtemp(dir)) {
			printf("Bail out! cannot make a directory\n");
			return 1;
		}
	}
	test_inputs();
	test_peek_lines();
	test_damage();
	test_gzip_4g();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd))
		ok(0, "remove %s", dir);
	return done();
}
