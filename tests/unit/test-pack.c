/*
 * Unit tests for token shards (pack.h): Megatron .bin/.idx and flat files
 * written, read back and checked byte by byte, sharding, dtypes, IDs out
 * of range, end-of-text tokens and vocabularies the dtype cannot hold,
 * prefixes where no shard can be made, empty documents, damaged files,
 * and the token stream header.  Prints TAP.
 */
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pack.h"

#include "tap.h"

static char dir[4096];

static const char *at(const char *name)
{
	static char p[2][4200];
	static int k;

	k ^= 1;
	snprintf(p[k], sizeof(p[k]), "%s/%s", dir, name);
	return p[k];
}

static unsigned char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *b;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	b = malloc((size_t)n + 1);
	*len = fread(b, 1, (size_t)n, f);
	fclose(f);
	return b;
}

static uint64_t le(const unsigned char *p, int n)
{
	uint64_t v = 0;

	while (n-- > 0)
		v = v << 8 | p[n];
	return v;
}

static const uint32_t doc1[] = { 5, 6, 7 }, doc2[] = { 65535 }, doc3[] = { 0, 1, 2, 3, 4, 5, 6, 7 };

static struct pack_writer *writer(const char *prefix, int format, int dtype, uint64_t shard,
				  uint32_t eot, uint64_t max)
{
	struct pack_opts o = { 0 };
	struct ayak_err err;

	o.prefix = at(prefix);
	o.format = format;
	o.dtype = dtype;
	o.shard_tokens = shard;
	o.eot = eot;
	o.max_id = max;
	return pack_writer_new(&o, &err);
}

static void test_megatron(void)
{
	struct ayak_err err;
	struct pack_writer *w = writer("m", PACK_MEGATRON, PACK_UINT16, 0, PACK_NONE, 65535);
	struct pack_info info;
	unsigned char *idx, *bin;
	size_t ilen, blen;
	uint64_t sum;

	ok(w && !pack_writer_add(w, doc1, 3, &err) && !pack_writer_add(w, doc2, 1, &err) &&
	   !pack_writer_add(w, NULL, 0, &err) && !pack_writer_add(w, doc3, 8, &err) &&
	   !pack_writer_close(w, &err), "megatron: four documents written");
	sum = pack_writer_shard(w, 0)->checksum;
	ok(pack_writer_shards(w) == 1 && pack_writer_tokens(w) == 12 && pack_writer_documents(w) == 4,
	   "megatron: one shard, 12 tokens, 4 documents");
	ok(!strcmp(pack_writer_shard(w, 0)->path, at("m.idx")), "megatron: the shard is m.idx");
	pack_writer_free(w);
	idx = slurp(at("m.idx"), &ilen);
	bin = slurp(at("m.bin"), &blen);
	if (!ok(idx && bin, "megatron: m.idx and m.bin exist"))
		return;
	ok(ilen == 34 + 4 * 4 + 4 * 8 + 5 * 8 && !memcmp(idx, "MMIDIDX\0\0", 9), "megatron: idx size and magic");
	ok(le(idx + 9, 8) == 1 && idx[17] == 8 && le(idx + 18, 8) == 4 && le(idx + 26, 8) == 5,
	   "megatron: version 1, dtype 8 (uint16), 4 sequences, 5 document indices");
	ok(le(idx + 34, 4) == 3 && le(idx + 38, 4) == 1 && le(idx + 42, 4) == 0 && le(idx + 46, 4) == 8,
	   "megatron: sizes 3 1 0 8");
	ok(le(idx + 50, 8) == 0 && le(idx + 58, 8) == 6 && le(idx + 66, 8) == 8 && le(idx + 74, 8) == 8,
	   "megatron: pointers 0 6 8 8 (bytes)");
	ok(le(idx + 82, 8) == 0 && le(idx + 90, 8) == 1 && le(idx + 114, 8) == 4, "megatron: document indices 0..4");
	ok(blen == 24 && le(bin, 2) == 5 && le(bin + 6, 2) == 65535 && le(bin + 22, 2) == 7,
	   "megatron: the .bin holds the tokens as uint16");
	ok(!pack_verify(at("m"), 0, 65536, PACK_NONE, &info, &err) && info.documents == 4 &&
	   info.tokens == 12 && info.max_token == 65535 && info.checksum == sum,
	   "megatron: verify reads it back (by prefix), same checksum");
	ok(!pack_verify(at("m.bin"), 0, 0, PACK_NONE, &info, &err), "megatron: verify by the .bin name");
	ok(pack_verify(at("m.idx"), 0, 1000, PACK_NONE, &info, &err) && err.code == AYAK_E_DATA &&
	   strstr(err.msg, "not below the vocabulary size 1000"), "megatron: verify checks IDs against the vocabulary");
	/* Damage: a pointer, then truncate the .bin. */
	idx[58] = 7;
	{
		FILE *f = fopen(at("m.idx"), "wb");

		fwrite(idx, 1, ilen, f);
		fclose(f);
	}
	ok(pack_verify(at("m.idx"), 0, 0, PACK_NONE, &info, &err) &&
	   strstr(err.msg, "sequence 1 starts at byte 7, not 6"), "megatron: a wrong pointer is found");
	idx[58] = 6;
	{
		FILE *f = fopen(at("m.idx"), "wb");

		fwrite(idx, 1, ilen, f);
		fclose(f);
	}
	ok(!truncate(at("m.bin"), 20) && pack_verify(at("m.idx"), 0, 0, PACK_NONE, &info, &err) &&
	   strstr(err.msg, "the index covers 24 bytes, the .bin has 20"), "megatron: a short .bin is found");
	ok(!truncate(at("m.idx"), ilen - 1) && pack_verify(at("m.idx"), 0, 0, PACK_NONE, &info, &err) &&
	   strstr(err.msg, "do not fill"), "megatron: a short .idx is found");
	free(idx);
	free(bin);
}

static void test_shards(void)
{
	struct ayak_err err;
	struct pack_writer *w;
	struct pack_info info;
	size_t i;
	struct stat st;

	{
		struct pack_opts o = { 0 };

		o.prefix = at("s/x");
		o.format = PACK_MEGATRON;
		o.dtype = PACK_INT32;
		o.shard_tokens = 10;
		o.eot = 9;
		o.append_eot = 1;
		o.max_id = INT32_MAX;
		w = pack_writer_new(&o, &err);
	}
	ok(w != NULL, "shards: a writer whose directory does not exist yet");
	ok(w && !pack_writer_add(w, doc1, 3, &err) && !pack_writer_add(w, doc3, 8, &err) &&
	   !pack_writer_add(w, doc1, 3, &err) && !pack_writer_add(w, doc1, 3, &err) &&
	   !pack_writer_add(w, doc3, 8, &err) && !pack_writer_add(w, doc3, 8, &err) &&
	   !pack_writer_close(w, &err), "shards: documents of 4, 9, 4, 4, 9 and 9 tokens");
	ok(pack_writer_shards(w) == 5, "shards: five shards of at most 10 tokens (4 | 9 | 4+4 | 9 | 9 -> %zu)",
	   pack_writer_shards(w));
	for (i = 0; i < pack_writer_shards(w); i++) {
		const struct pack_shard *sh = pack_writer_shard(w, i);

		if (!ok(!pack_verify(sh->path, 0, 0, PACK_NONE, &info, &err) && info.tokens == sh->tokens &&
			info.documents == sh->documents && info.checksum == sh->checksum && info.dtype == PACK_INT32,
			"shards: %s reads back as written", sh->path))
			printf("#   %s\n", err.msg);
	}
	ok(stat(at("s/x-00004.idx"), &st) == 0 && stat(at("s/x-00005.idx"), &st) != 0, "shards: numbered from 00000 to 00004");
	pack_writer_free(w);
	{
		size_t n;
		unsigned char *b = slurp(at("s/x-00000.bin"), &n);

		ok(b && n == 16 && le(b + 12, 4) == 9, "shards: int32 tokens, the end-of-text token appended");
		free(b);
	}
}

static void test_flat(void)
{
	struct ayak_err err;
	struct pack_writer *w = writer("f", PACK_FLAT, PACK_UINT32, 0, 99, UINT32_MAX - 1);
	struct pack_info info;
	unsigned char *b;
	size_t n;

	ok(w && !pack_writer_add(w, doc1, 3, &err) && !pack_writer_add(w, doc2, 1, &err) &&
	   !pack_writer_close(w, &err), "flat: two documents");
	pack_writer_free(w);
	b = slurp(at("f.u32"), &n);
	ok(b && n == 24 && le(b, 4) == 5 && le(b + 12, 4) == 99 && le(b + 16, 4) == 65535 && le(b + 20, 4) == 99,
	   "flat: f.u32 holds 5 6 7 99 65535 99");
	free(b);
	ok(!pack_verify(at("f.u32"), 0, 0, 99, &info, &err) && info.documents == 2 && info.tokens == 6,
	   "flat: verify counts documents by their end-of-text tokens");
	ok(!truncate(at("f.u32"), 22) && pack_verify(at("f.u32"), 0, 0, 99, &info, &err) &&
	   strstr(err.msg, "not a whole number"), "flat: a torn file is found");
	w = writer("g", PACK_FLAT, PACK_UINT16, 0, 1, 65535);
	ok(w && pack_writer_add(w, doc3, 8, &err) == 0 && pack_writer_add(w, (const uint32_t[]){ 65536 }, 1, &err) &&
	   err.code == AYAK_E_DATA && strstr(err.msg, "token ID 65536 is out of range for uint16"),
	   "flat: an ID too large for the dtype is a data error");
	pack_writer_abort(w);
	pack_writer_free(w);
	ok(access(at("g.u16"), F_OK) != 0, "flat: an aborted shard leaves nothing");
}

static void test_misc(void)
{
	unsigned char h[PACK_STREAM_HEADER];
	uint32_t v, e;
	struct ayak_err err;

	pack_stream_header(h, 50257, 50256);
	ok(pack_stream_is(h, sizeof(h)) && !pack_stream_parse(h, &v, &e, &err) && v == 50257 && e == 50256,
	   "stream: the header reads back");
	h[8] = 3;
	ok(pack_stream_parse(h, &v, &e, &err) && strstr(err.msg, "version 3"), "stream: another version is refused");
	pack_stream_header(h, 10, 10);
	ok(pack_stream_parse(h, &v, &e, &err) && strstr(err.msg, "end-of-text token 10 is not below its vocabulary size 10"),
	   "stream: an end-of-text token past the vocabulary is refused");
	pack_stream_header(h, 0, 10);
	ok(!pack_stream_parse(h, &v, &e, &err) && v == 0 && e == 10, "stream: ... but not when the vocabulary is unknown");
	h[8] = 1;
	ok(pack_stream_parse(h, &v, &e, &err) && strstr(err.msg, "version 1 (no end mark)"),
	   "stream: version 1, without the end mark, is refused");
	ok(pack_dtype_for_vocab(50257) == PACK_UINT16 && pack_dtype_for_vocab(65499) == PACK_UINT16 &&
	   pack_dtype_for_vocab(65500) == PACK_INT32 && pack_dtype_for_vocab(128256) == PACK_INT32,
	   "dtype: uint16 below 65500 tokens, as Megatron");
	ok(pack_dtype_size(PACK_UINT16) == 2 && pack_dtype_size(PACK_INT32) == 4 &&
	   !strcmp(pack_dtype_name(PACK_UINT32), "uint32"), "dtype: sizes and names");
}

/* pack_writer_new() with these, its error in err; NULL expected. */
static struct pack_writer *refused(const char *prefix, int format, int dtype, uint32_t eot,
				   uint64_t vocab, struct ayak_err *err)
{
	struct pack_opts o = { 0 };

	o.prefix = prefix[0] == '/' ? prefix : at(prefix);
	o.format = format;
	o.dtype = dtype;
	o.eot = eot;
	o.vocab_size = vocab;
	o.max_id = vocab ? vocab - 1 : pack_dtype_max(dtype);
	ayak_err_clear(err);
	return pack_writer_new(&o, err);
}

/* What does not fit the dtype, and prefixes where no shard can be made: refused before anything is made. */
static void test_limits(void)
{
	struct ayak_err err;
	struct pack_writer *w;

	ok(pack_dtype_max(PACK_UINT16) == 65535 && pack_dtype_max(PACK_INT32) == INT32_MAX &&
	   pack_dtype_max(PACK_UINT32) == UINT32_MAX && pack_dtype_max(PACK_UINT8) == 255 &&
	   pack_dtype_max(PACK_INT8) == 127 && pack_dtype_max(PACK_INT16) == 32767 &&
	   pack_dtype_max(PACK_INT64) == INT64_MAX && pack_dtype_max(PACK_FLOAT32) == 0,
	   "limits: the largest ID of each dtype");
	w = refused("l1/x", PACK_MEGATRON, PACK_UINT16, 70000, 0, &err);
	ok(!w && err.code == AYAK_E_USAGE &&
	   !strcmp(err.msg, "end-of-text token 70000 is out of range for uint16 (largest 65535)") &&
	   access(at("l1"), F_OK) != 0, "limits: an end-of-text token above uint16, refused; no directory made");
	pack_writer_free(w);
	w = refused("l1/x", PACK_MEGATRON, PACK_INT32, 2147483648u, 0, &err);
	ok(!w && err.code == AYAK_E_USAGE &&
	   !strcmp(err.msg, "end-of-text token 2147483648 is out of range for int32 (largest 2147483647)"),
	   "limits: ... and one above int32, which would be negative");
	pack_writer_free(w);
	w = refused("l1/x", PACK_FLAT, PACK_UINT16, 65536, 0, &err);
	ok(!w && err.code == AYAK_E_USAGE && strstr(err.msg, "token 65536 is out of range for uint16"),
	   "limits: ... in a flat file too");
	pack_writer_free(w);
	w = refused("l1/x", PACK_FLAT, PACK_UINT16, 0, 65537, &err);
	ok(!w && err.code == AYAK_E_USAGE && !strcmp(err.msg, "a vocabulary of 65537 tokens does not fit uint16"),
	   "limits: a vocabulary too large for the dtype");
	pack_writer_free(w);
	w = refused("l1/x", PACK_FLAT, PACK_UINT16, 65535, 65536, &err);
	ok(w != NULL, "limits: the largest of each fits");
	pack_writer_free(w);
	w = refused("/dev/full", PACK_MEGATRON, PACK_UINT16, PACK_NONE, 0, &err);
	ok(!w && err.code == AYAK_E_USAGE &&
	   !strcmp(err.msg, "/dev/full: shards are files made in the prefix's directory, and none are "
		   "made under /dev: give a prefix in a directory this run can write"),
	   "limits: a prefix under /dev is refused");
	pack_writer_free(w);
	w = refused("/tmp/../proc/x", PACK_MEGATRON, PACK_UINT16, PACK_NONE, 0, &err);
	ok(!w && err.code == AYAK_E_USAGE && strstr(err.msg, "none are made under /proc:"),
	   "limits: ... and under /proc, through \"..\" too");
	pack_writer_free(w);
}

/* Empty documents: no array, no buffer yet (a memcpy of NULL, for the sanitizers). */
static void test_empty_docs(void)
{
	struct ayak_err err;
	struct pack_writer *w = writer("z", PACK_MEGATRON, PACK_INT32, 0, PACK_NONE, INT32_MAX);
	struct pack_info info;
	unsigned char *b;
	size_t n;

	ok(w && !pack_writer_add(w, NULL, 0, &err) && !pack_writer_add(w, doc1, 3, &err) &&
	   !pack_writer_add(w, NULL, 0, &err) && !pack_writer_close(w, &err) &&
	   pack_writer_documents(w) == 3 && pack_writer_tokens(w) == 3, "empty: int32 documents of 0, 3 and 0 tokens");
	pack_writer_free(w);
	b = slurp(at("z.bin"), &n);
	ok(b && n == 12 && le(b, 4) == 5 && le(b + 8, 4) == 7 &&
	   !pack_verify(at("z"), 0, 0, PACK_NONE, &info, &err) && info.documents == 3,
	   "empty: the .bin holds 5 6 7, the index three documents");
	free(b);
	w = writer("zf", PACK_FLAT, PACK_UINT32, 0, 0, UINT32_MAX - 1);
	ok(w && !pack_writer_add(w, NULL, 0, &err) && !pack_writer_add(w, doc1, 3, &err) &&
	   !pack_writer_add(w, NULL, 0, &err) && !pack_writer_close(w, &err), "empty: flat uint32, end-of-text 0");
	pack_writer_free(w);
	b = slurp(at("zf.u32"), &n);
	ok(b && n == 24 && le(b, 4) == 0 && le(b + 4, 4) == 5 && le(b + 16, 4) == 0 && le(b + 20, 4) == 0 &&
	   !pack_verify(at("zf.u32"), 0, 0, 0, &info, &err) && info.documents == 3,
	   "empty: the file holds 0 5 6 7 0 0, three documents");
	free(b);
	ok(pack_verify(at("zf.u32"), PACK_UINT16, 0, 65536, &info, &err) && err.code == AYAK_E_USAGE &&
	   strstr(err.msg, "end-of-text token 65536 is out of range for uint16 (largest 65535)"),
	   "verify: an end-of-text token the flat dtype cannot hold is a usage error");
}

/* Entries of directory d (. and .. too). */
static int entries(const char *d)
{
	DIR *dp = opendir(d);
	int n = 0;

	while (dp && readdir(dp))
		n++;
	if (dp)
		closedir(dp);
	return n;
}

/* Shards wait in a hidden directory until committed; an earlier run's stay until then. */
static void test_commit(void)
{
	struct ayak_err err;
	struct pack_writer *w = writer("c/m", PACK_MEGATRON, PACK_UINT16, 3, PACK_NONE, 65535);
	struct pack_info info;
	struct stat st;
	unsigned char *b;
	size_t n;

	ok(w && !pack_writer_add(w, doc1, 3, &err) && !pack_writer_add(w, doc1, 3, &err) &&
	   !pack_writer_close(w, &err) && stat(at("c/m-00001.idx"), &st) == 0, "commit: a first run of two shards");
	pack_writer_free(w);
	w = writer("c/m", PACK_MEGATRON, PACK_UINT16, 3, PACK_NONE, 65535);
	ok(w && !pack_writer_add(w, doc2, 1, &err) && !pack_writer_finish(w, &err) &&
	   strstr(pack_writer_shard(w, 0)->staged, "/c/.ayak-pack.") &&
	   !strcmp(pack_writer_shard(w, 0)->path, at("c/m-00000.idx")) &&
	   !pack_verify(pack_writer_shard(w, 0)->staged, 0, 0, PACK_NONE, &info, &err) && info.tokens == 1,
	   "commit: a finished shard is in the hidden directory, whole");
	b = slurp(at("c/m-00000.bin"), &n);
	ok(b && n == 6 && le(b, 2) == 5 && stat(at("c/m-00001.idx"), &st) == 0 && entries(at("c")) == 7,
	   "commit: until then the earlier run's shards stay");
	free(b);
	pack_writer_remove(w);
	pack_writer_free(w);
	b = slurp(at("c/m-00000.bin"), &n);
	ok(b && n == 6 && le(b, 2) == 5 && entries(at("c")) == 6,
	   "commit: a run removed before its commit leaves the earlier run whole, and no directory");
	free(b);
	b = NULL;
	w = writer("c/m", PACK_MEGATRON, PACK_UINT16, 3, PACK_NONE, 65535);
	ok(w && !pack_writer_add(w, doc2, 1, &err) && !pack_writer_close(w, &err) &&
	   (b = slurp(at("c/m-00000.bin"), &n)) && n == 2 && le(b, 2) == 65535 &&
	   stat(at("c/m-00001.idx"), &st) != 0 && entries(at("c")) == 4,
	   "commit: a committed run replaces the earlier run's shards");
	free(b);
	pack_writer_free(w);
}

int main(void)
{
	const char *base = getenv("AYAK_BUILD");
	char cmd[4200];

	snprintf(dir, sizeof(dir), "%s/test-pack.XXXXXX", base && *base ? base : "/tmp");
	if (!mkdtemp(dir)) {
		snprintf(dir, sizeof(dir), "/tmp/test-pack.XXXXXX");
		if (!mkdtemp(dir)) {
			printf("Bail out! cannot make a directory\n");
			return 1;
		}
	}
	test_megatron();
	test_shards();
	test_flat();
	test_misc();
	test_commit();
	test_limits();
	test_empty_docs();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd))
		printf("# could not remove %s\n", dir);
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}
