/*
 * Fuzz target for ayak-pack's readers: pack_verify() on a Megatron shard
 * (.idx and .bin) or a flat token file, and pack_stream_parse() on a
 * token stream's header.  The input: a byte of settings (bit 0: flat;
 * bit 1: uint32 when flat; bit 2: a vocabulary size; bit 3: an
 * end-of-text token), then the length of the .idx (4 bytes, little
 * endian), the .idx, and the .bin (or, when flat, the whole rest is the
 * file).  Properties checked (abort() when one breaks):
 *
 *  - a failure has a message, and is bad data or a usage error (the eot
 *    against a flat file's dtype), never a system error on files that are
 *    there and readable;
 *  - a shard that passes is consistent: its .bin holds its tokens, it has
 *    no more documents than sequences past the first, and with a
 *    vocabulary size every token is below it.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pack.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[64];

static void put(const char *name, const void *p, size_t n)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || (n && fwrite(p, 1, n, f) != n) || fclose(f))
		abort();
}

/* The directory goes at exit, with what the last input left in it. */
static void cleanup(void)
{
	static const char *const names[] = { "s.idx", "s.bin", "s.u16" };
	char path[128];
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		unlink(path);
	}
	rmdir(dir);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pack_info info;
	struct ayak_err err;
	char path[128];
	uint64_t vocab;
	uint32_t eot, vs, e;
	int flags, flat, dtype, r;

	if (!dir[0]) {
		snprintf(dir, sizeof(dir), "/tmp/fuzz-pack.XXXXXX");
		if (!mkdtemp(dir))
			abort();
		atexit(cleanup);
	}
	if (size >= PACK_STREAM_HEADER)
		(void)pack_stream_parse(data, &vs, &e, &err);
	if (size < 1)
		return 0;
	flags = data[0];
	data++;
	size--;
	flat = flags & 1;
	dtype = flags & 2 ? PACK_UINT32 : PACK_UINT16;
	vocab = flags & 4 ? 1000 : 0;
	eot = flags & 8 ? 7 : PACK_NONE;
	if (flat) {
		put("s.u16", data, size);
		snprintf(path, sizeof(path), "%s/s.u16", dir);
	} else {
		size_t n = 0;

		if (size >= 4) {
			n = (size_t)data[0] | (size_t)data[1] << 8 | (size_t)data[2] << 16 |
			    (size_t)data[3] << 24;
			data += 4;
			size -= 4;
		}
		n = n > size ? size : n;
		put("s.idx", data, n);
		put("s.bin", data + n, size - n);
		snprintf(path, sizeof(path), "%s/s.idx", dir);
	}
	memset(&info, 0, sizeof(info));
	ayak_err_clear(&err);
	r = pack_verify(path, flat ? dtype : 0, vocab, eot, &info, &err);
	if (r) {
		if (!err.msg[0] || (err.code != AYAK_E_DATA && err.code != AYAK_E_USAGE))
			abort();
		return 0;
	}
	if (info.dtype && pack_dtype_size(info.dtype) > 0 &&
	    info.tokens * (uint64_t)pack_dtype_size(info.dtype) != info.bin_bytes)
		abort();
	if (!flat && info.documents > info.sequences + 1)
		abort();
	if (vocab && info.tokens && info.max_token >= vocab)
		abort();
	return 0;
}
