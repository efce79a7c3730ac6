/*
 * Fuzz target for the line reader.  The input becomes a file (a memfd)
 * read twice in one reader, so every decoder (gzip, zstd, xz, bzip2,
 * chosen by magic number) meets garbage, and state left over from the
 * first input would show in the second.  Properties checked (abort() when
 * one breaks):
 *
 *  - no line holds a newline; line numbers count 1, 2, 3... per input;
 *  - errors carry a message, the file name and a line number, and are
 *    bad data (1) or, for out of memory, a system error (3);
 *  - both readings give the same lines;
 *  - plain input gives exactly its lines: split at LF, one final CR
 *    dropped, a BOM at the start skipped, the last line without a newline
 *    included (blank lines are returned: programs skip them).
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "stream.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_LINES 200000
#define MAX_BYTES (64u << 20)

struct seen {
	size_t n;
	uint64_t hash[MAX_LINES];
	size_t len[MAX_LINES];
};

static struct seen pass[2];

static uint64_t fnv(const char *p, size_t n)
{
	uint64_t h = 1469598103934665603ull;

	while (n--)
		h = (h ^ (unsigned char)*p++) * 1099511628211ull;
	return h;
}

/* The lines of plain input, as the spec reads them. */
static int check_plain(const char *d, size_t size, const struct seen *s)
{
	size_t i = 0, k = 0;

	while (i < size) {
		const char *nl = memchr(d + i, '\n', size - i);
		size_t n = nl ? (size_t)(nl - (d + i)) : size - i;
		size_t m = n, skip = 0;

		if (m && d[i + m - 1] == '\r')
			m--;
		/* A BOM-only first line is an empty (blank) line. */
		if (k == 0 && m >= 3 && !memcmp(d, "\xEF\xBB\xBF", 3))
			skip = 3;
		if (k >= s->n || s->len[k] != m - skip || s->hash[k] != fnv(d + i + skip, m - skip))
			return -1;
		k++;
		i += n + 1;
	}
	return k == s->n ? 0 : -1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ayak_reader *r;
	struct ayak_line line;
	struct ayak_err err;
	const char *paths[2];
	char path[64];
	uint64_t total = 0, expect_no = 1;
	int fd, ret, which = 0, fmt = -1, capped = 0;

	fd = memfd_create("fuzz-reader", 0);
	if (fd < 0)
		return 0;
	if (size && write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	paths[0] = paths[1] = path;
	pass[0].n = pass[1].n = 0;

	ayak_err_clear(&err);
	r = ayak_reader_new(paths, 2, &err);
	if (!r)
		abort();	/* a readable regular file must open */
	for (;;) {
		ret = ayak_reader_next(r, &line, &err);
		if (ret <= 0)
			break;
		if (line.lineno == 1 && expect_no > 1) {
			/* The second input starts. */
			if (which == 1)
				abort();
			which = 1;
			expect_no = 1;
		}
		if (line.lineno != expect_no++)
			abort();
		if (!line.file || !line.file[0])
			abort();
		if (line.len && memchr(line.data, '\n', line.len))
			abort();
		if (which == 0)
			fmt = ayak_reader_format(r);
		total += line.len;
		if (pass[which].n == MAX_LINES || total > MAX_BYTES) {
			capped = 1;
			break;
		}
		pass[which].hash[pass[which].n] = fnv(line.data, line.len);
		pass[which].len[pass[which].n] = line.len;
		pass[which].n++;
	}
	if (ret < 0) {
		if (!err.msg[0] || !err.file || !err.line)
			abort();
		if (err.code != AYAK_E_DATA && !(err.code == AYAK_E_SYS && strstr(err.msg, "memory")))
			abort();
	}
	if (ret == 0 && !capped) {
		/* Both inputs read to the end: the same lines twice. */
		if (pass[0].n != pass[1].n)
			abort();
		if (pass[0].n && (memcmp(pass[0].hash, pass[1].hash, pass[0].n * sizeof(uint64_t)) ||
				  memcmp(pass[0].len, pass[1].len, pass[0].n * sizeof(size_t))))
			abort();
		if (fmt == AYAK_FMT_PLAIN && check_plain((const char *)data, size, &pass[0]))
			abort();
		if (fmt == -1 && ayak_reader_format(r) == AYAK_FMT_PLAIN &&
		    check_plain((const char *)data, size, &pass[0]))
			abort();
	}
	ayak_reader_free(r);
	close(fd);
	return 0;
}
