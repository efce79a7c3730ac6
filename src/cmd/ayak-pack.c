/*
 * ayak-pack: token IDs into training shards: Megatron-LM indexed datasets
 * (.bin + .idx) or flat token files; --verify reads shards back.
 */
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "pack.h"
#include "tok.h"

static const char usage[] =
	"Usage: ayak-pack -o PREFIX [options] [FILE...]\n"
	"       ayak-pack --verify [options] SHARD...\n"
	"Pack token IDs into training shards: records with an \"ids\" array (ayak-tok),\n"
	"or the binary stream of ayak-tok --binary (with its end mark); either may be\n"
	"compressed.\n"
	"\n"
	"  -o PREFIX             write PREFIX.bin and PREFIX.idx (with --shard-tokens:\n"
	"                        PREFIX-00000.bin, PREFIX-00000.idx, ...)\n"
	"      --format FMT      megatron (default) or flat (PREFIX.u16 or PREFIX.u32:\n"
	"                        the tokens of each document, then the end-of-text token)\n"
	"      --dtype TYPE      uint16, int32 (megatron) or uint32 (flat); default: uint16\n"
	"                        when the vocabulary has fewer than 65500 tokens, int32 or\n"
	"                        uint32 when its size is not known\n"
	"      --vocab-size N    the vocabulary size (largest ID + 1); IDs are checked\n"
	"      --tokenizer FILE  take the vocabulary size and end-of-text token from a\n"
	"                        tokenizer.json\n"
	"      --eot ID          the end-of-text token\n"
	"      --append-eot      megatron: add the end-of-text token to every document\n"
	"      --shard-tokens N  shards of at most N tokens (K, M, G, T: powers of 1000),\n"
	"                        unless one document is longer; the numbered shards an\n"
	"                        earlier run left under PREFIX are removed\n"
	"      --verify          read back and check the shards written (with -o), or the\n"
	"                        shards named (.idx, .bin, .u16, .u32 files or prefixes)\n"
	"      --field NAME      the IDs field of records (default: ids)\n";

enum {
	OPT_FORMAT = CLI_OPT_PROGRAM,
	OPT_DTYPE,
	OPT_VOCAB,
	OPT_TOKENIZER,
	OPT_EOT,
	OPT_APPEND_EOT,
	OPT_SHARD_TOKENS,
	OPT_VERIFY,
};

static const struct option options[] = {
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "dtype", required_argument, NULL, OPT_DTYPE },
	{ "vocab-size", required_argument, NULL, OPT_VOCAB },
	{ "tokenizer", required_argument, NULL, OPT_TOKENIZER },
	{ "eot", required_argument, NULL, OPT_EOT },
	{ "append-eot", no_argument, NULL, OPT_APPEND_EOT },
	{ "shard-tokens", required_argument, NULL, OPT_SHARD_TOKENS },
	{ "verify", no_argument, NULL, OPT_VERIFY },
	{ NULL, 0, NULL, 0 },
};

struct args {
	int format, dtype, append_eot, verify;
	uint64_t vocab, shard_tokens;
	uint32_t eot;
	const char *tokenizer;
	/* the file the vocabulary size and the end-of-text token were taken from; NULL: the options */
	const char *vocab_from, *eot_from;
	uint32_t tok_vocab, tok_eot;	/* --tokenizer's */
};

/* ---- reading the binary token stream ---- */

struct bin_in {
	struct ayak_reader *r;		/* every input, decompressed */
	const char *name;
	unsigned char *buf;
	size_t len, pos, cap;
	int eof;
	int ended;			/* just past an end mark */
	uint64_t doc;			/* documents read from this input */
	uint64_t member_docs;		/* ... since its last header */
	uint64_t bytes;			/* stream bytes read, of every input */
	unsigned char first[PACK_STREAM_HEADER];	/* the first input's header */
	int have_first;
};

static int bin_error(struct bin_in *in, struct ayak_err *err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* An empty input among token streams: its writer failed before the header. */
static const char bin_empty[] = "empty, not a token stream: its writer wrote nothing";

static int bin_error(struct bin_in *in, struct ayak_err *err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	err->code = AYAK_E_DATA;
	err->file = in->name;
	err->line = 0;
	return -1;
}

/*
 * Make n bytes available at in->buf + in->pos: 0; 1 when the input ends
 * first (the caller says what was cut short); -1 on an error of the
 * reader (damaged compressed data, I/O) or of memory, with err set.
 */
static int bin_fill(struct bin_in *in, size_t n, struct ayak_err *err)
{
	if (in->len - in->pos >= n)
		return 0;
	if (in->pos) {
		memmove(in->buf, in->buf + in->pos, in->len - in->pos);
		in->len -= in->pos;
		in->pos = 0;
	}
	if (n > in->cap) {
		size_t cap = in->cap ? in->cap : 1 << 20;
		unsigned char *p;

		while (cap < n)
			cap *= 2;
		p = realloc(in->buf, cap);
		if (!p)
			return ayak_err_set(err, AYAK_E_SYS, "out of memory");
		in->buf = p;
		in->cap = cap;
	}
	while (in->len < n && !in->eof) {
		/* 0 at the end of this input; damaged compressed data is an error. */
		ssize_t r = ayak_reader_read(in->r, in->buf + in->len, in->cap - in->len, err);

		if (r < 0)
			return -1;
		if (r == 0)
			in->eof = 1;
		in->len += (size_t)r;
	}
	return in->len < n;
}

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* "vocabulary 600, end-of-text 599" for a parsed header. */
static const char *header_desc(char *out, size_t n, uint32_t vs, uint32_t eot)
{
	char e[16] = "none";

	if (eot != PACK_NONE)
		snprintf(e, sizeof(e), "%u", eot);
	snprintf(out, n, "vocabulary %u, end-of-text %s", vs, e);
	return out;
}

/*
 * Read a stream header: at the start of an input, or after an end mark
 * (streams concatenated).  Every header must be the first input's: the
 * IDs of different tokenizers do not go in one shard.
 */
static int bin_header(struct bin_in *in, struct ayak_err *err)
{
	const unsigned char *h;
	uint32_t vs, eot, vs1, eot1;
	char where[64] = "", d1[64], d2[64];
	int r;

	if (in->doc)
		snprintf(where, sizeof(where), " after document %llu", (unsigned long long)in->doc);
	if (in->doc) {
		if ((r = bin_fill(in, 8, err)) < 0)
			return -1;
		if (r || !pack_stream_is(in->buf + in->pos, 8))
			return bin_error(in, err, "corrupt token stream: what follows the end mark%s "
					 "is not a stream header", where);
	}
	if ((r = bin_fill(in, PACK_STREAM_HEADER, err)) != 0) {
		if (r < 0)
			return -1;
		if (!in->doc && in->len == in->pos)
			return bin_error(in, err, "%s", bin_empty);
		return bin_error(in, err, "truncated token stream header%s", where);
	}
	h = in->buf + in->pos;
	if (pack_stream_parse(h, &vs, &eot, err)) {
		err->file = in->name;
		err->line = 0;
		return -1;
	}
	if (in->have_first && memcmp(h, in->first, PACK_STREAM_HEADER)) {
		pack_stream_parse(in->first, &vs1, &eot1, err);
		return bin_error(in, err, "the stream header%s (%s) differs from the first stream's "
				 "(%s): streams of different tokenizers do not go together", where,
				 header_desc(d2, sizeof(d2), vs, eot), header_desc(d1, sizeof(d1), vs1, eot1));
	}
	if (!in->have_first) {
		memcpy(in->first, h, PACK_STREAM_HEADER);
		in->have_first = 1;
	}
	in->pos += PACK_STREAM_HEADER;
	in->bytes += PACK_STREAM_HEADER;
	in->member_docs = 0;
	return 0;
}

/*
 * Next document: 1 with ids filled, 0 at the end, -1 on error.  The end
 * is the end of the input just past an end mark: a stream without one
 * was cut short, its writer failed or was killed.
 */
static int bin_next(struct bin_in *in, struct bpe_ids *ids, struct ayak_err *err)
{
	uint32_t n, i;
	int r;

	for (;;) {
		r = bin_fill(in, 4, err);
		if (r < 0)
			return -1;
		if (r > 0 && in->len > in->pos)
			return bin_error(in, err, "truncated token stream (document %llu)",
					 (unsigned long long)in->doc + 1);
		if (r > 0 && in->ended)
			return 0;
		if (r > 0)
			return bin_error(in, err, "token stream ends without its end mark: "
					 "the writer did not finish");
		if (in->ended) {
			/* Streams concatenated, as cat would: the next header. */
			if (bin_header(in, err))
				return -1;
			in->ended = 0;
			continue;
		}
		n = le32(in->buf + in->pos);
		if (n != PACK_STREAM_END)
			break;
		if ((r = bin_fill(in, PACK_STREAM_TRAILER, err)) != 0)
			return r < 0 ? -1 : bin_error(in, err, "truncated token stream (its end mark, "
						      "after document %llu)", (unsigned long long)in->doc);
		if (le32(in->buf + in->pos + 4) != (uint32_t)in->member_docs ||
		    le32(in->buf + in->pos + 8) != (uint32_t)(in->member_docs >> 32))
			return bin_error(in, err, "corrupt token stream: its end mark counts %llu "
					 "documents, %llu were read",
					 (unsigned long long)le32(in->buf + in->pos + 4) |
					 (unsigned long long)le32(in->buf + in->pos + 8) << 32,
					 (unsigned long long)in->member_docs);
		in->pos += PACK_STREAM_TRAILER;
		in->bytes += PACK_STREAM_TRAILER;
		in->ended = 1;
	}
	if (n > PACK_STREAM_MAX_DOC) {
		/* "AYAK": a stream header, where the end mark should have come first. */
		if ((r = bin_fill(in, 8, err)) < 0)
			return -1;
		if (!r && pack_stream_is(in->buf + in->pos, 8))
			return bin_error(in, err, "a second stream header at document %llu, without the "
					 "end mark of the stream before it: its writer did not finish",
					 (unsigned long long)in->doc + 1);
		return bin_error(in, err, "corrupt token stream: document %llu has %llu tokens",
				 (unsigned long long)in->doc + 1, (unsigned long long)n);
	}
	in->pos += 4;
	if ((r = bin_fill(in, (size_t)n * 4, err)) != 0)
		return r > 0 ? bin_error(in, err, "truncated token stream (document %llu)",
					 (unsigned long long)in->doc + 1) : -1;
	ids->n = 0;
	if (n > ids->cap) {
		uint32_t *v = realloc(ids->v, (size_t)n * sizeof(*v));

		if (!v)
			return ayak_err_set(err, AYAK_E_SYS, "out of memory");
		ids->v = v;
		ids->cap = n;
	}
	for (i = 0; i < n; i++)
		ids->v[i] = le32(in->buf + in->pos + 4 * (size_t)i);
	ids->n = n;
	in->pos += (size_t)n * 4;
	in->bytes += 4 + (uint64_t)n * 4;
	in->doc++;
	in->member_docs++;
	return 1;
}

/*
 * What the current input of r holds, compressed or not: 1 a token
 * stream, 0 records, -1 nothing (it is empty); nothing is consumed.
 */
static int input_kind(struct cli *c, struct ayak_reader *r)
{
	unsigned char head[8];
	ssize_t n = ayak_reader_peek(r, head, sizeof(head), &c->err);

	if (n < 0)
		cli_die(c, &c->err);
	return n ? pack_stream_is(head, (size_t)n) : -1;
}

/* A reader over paths[0..n), or exit. */
static struct ayak_reader *open_inputs(struct cli *c, int n, char **paths)
{
	struct ayak_reader *r = ayak_reader_new((const char *const *)paths, (size_t)n, &c->err);

	if (!r)
		cli_die(c, &c->err);
	return r;
}

/* ---- records with an IDs array ---- */

/* Parse the JSON array at s[0..n) (validated JSON) into ids; -1 if not all IDs. */
static int parse_ids(const char *s, size_t n, struct bpe_ids *ids)
{
	const char *p = s + 1, *end = s + n - 1;

	ids->n = 0;
	for (;;) {
		uint64_t v = 0;
		int digits = 0;

		while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
			p++;
		if (p == end)
			return ids->n ? -1 : 0;	/* "[1,]" cannot happen; "[]" is empty */
		while (p < end && *p >= '0' && *p <= '9') {
			v = v * 10 + (uint64_t)(*p++ - '0');
			if (++digits > 10)
				return -1;
		}
		if (!digits || v > UINT32_MAX - 1)
			return -1;
		if (bpe_ids_push(ids, (uint32_t)v))
			return -2;
		while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
			p++;
		if (p == end)
			return 0;
		if (*p != ',')
			return -1;
		p++;
	}
}

/* ---- verifying ---- */

/* The writer of the run, whose shards go when the run fails before they are committed. */
static struct pack_writer *run_writer;

/* An error of the output: it is no input's, whatever err said before; a shard by its final name. */
static void die_output(struct cli *c)
{
	c->err.file = NULL;
	c->err.line = 0;
	pack_writer_final_names(run_writer, &c->err);
	cli_die(c, &c->err);
}

static void print_info(struct cli *c, const char *path, const struct pack_info *in)
{
	struct ayak_buf b = AYAK_BUF_INIT;
	char docs[24] = "null";		/* a flat file without --eot: not known */

	if (in->documents != PACK_UNKNOWN)
		snprintf(docs, sizeof(docs), "%llu", (unsigned long long)in->documents);
	if (ayak_buf_addstr(&b, "{\"shard\":") || ayak_json_encode_string(&b, path, strlen(path)) ||
	    ayak_buf_addf(&b, ",\"format\":\"%s\",\"dtype\":\"%s\",\"documents\":%s,"
			  "\"tokens\":%llu,\"max_token\":%llu,\"bytes\":%llu,\"ok\":true}",
			  in->format == PACK_MEGATRON ? "megatron" : "flat", pack_dtype_name(in->dtype),
			  docs, (unsigned long long)in->tokens,
			  (unsigned long long)in->max_token, (unsigned long long)in->bin_bytes)) {
		cli_die_nomem(c);
	}
	cli_emit(c, b.data, b.len);
	ayak_buf_release(&b);
}

static void print_failed(struct cli *c, const char *path, const struct ayak_err *err)
{
	struct ayak_buf b = AYAK_BUF_INIT;

	if (ayak_buf_addstr(&b, "{\"shard\":") || ayak_json_encode_string(&b, path, strlen(path)) ||
	    ayak_buf_addstr(&b, ",\"ok\":false,\"error\":") ||
	    ayak_json_encode_string(&b, err->msg, strlen(err->msg)) || ayak_buf_addstr(&b, "}"))
		cli_die_nomem(c);
	cli_emit(c, b.data, b.len);
	ayak_buf_release(&b);
}

/* An option given that --verify without -o does not read, or NULL. */
static const char *verify_unread(const struct cli *c, const struct args *a)
{
	if (a->append_eot)
		return "--append-eot";
	if (a->shard_tokens)
		return "--shard-tokens";
	return cli_record_option(c, "ids");
}

/*
 * Check every shard named, one line each, a failed one too: the exit
 * status is 1 when one fails its checks, 3 when one cannot be read.
 */
static int verify_mode(struct cli *c, struct args *a, int n, char **paths)
{
	struct pack_info info;
	int i, ret = 0, flat = a->format == PACK_FLAT ? (a->dtype ? a->dtype : 0) : 0;
	uint64_t failed = 0;

	if (!n)
		cli_usage_error(c, "--verify needs -o or the shards to check");
	/* an option this mode does not read is an error, not ignored */
	if (verify_unread(c, a))
		cli_usage_error(c, "%s does not go with --verify without -o (it checks shards only)",
				verify_unread(c, a));
	/*
	 * An end-of-text token that the dtype of a flat file cannot hold is in
	 * none: a usage error before any line (pack_verify() reads flat files so).
	 */
	for (i = 0; a->eot != PACK_NONE && i < n; i++) {
		int dtype = pack_verify_dtype(paths[i], flat);
		unsigned long long dmax = pack_dtype_max(dtype);

		if (!dtype || a->eot <= dmax)
			continue;
		if (a->eot_from)
			cli_usage_error(c, "%s: its end-of-text token (%u) is out of range for %s "
					"(largest %llu), the dtype of %s", a->eot_from, a->eot,
					pack_dtype_name(dtype), dmax, paths[i]);
		cli_usage_error(c, "--eot %u is out of range for %s (largest %llu), the dtype of %s",
				a->eot, pack_dtype_name(dtype), dmax, paths[i]);
	}
	c->out = cli_open_writer(c, c->output, c->compress);
	for (i = 0; i < n; i++) {
		c->stats.records_in++;
		if (pack_verify(paths[i], flat, a->vocab, a->eot, &info, &c->err)) {
			if (c->err.code != AYAK_E_DATA && c->err.code != AYAK_E_SYS)
				cli_die(c, &c->err);
			fprintf(stderr, "%s: %s\n", c->prog, c->err.msg);
			print_failed(c, paths[i], &c->err);
			ret = c->err.code == AYAK_E_SYS || ret == AYAK_E_SYS ? AYAK_E_SYS : AYAK_E_DATA;
			failed++;
			continue;
		}
		print_info(c, paths[i], &info);
	}
	ayak_stats_count(&c->stats, "verified_shards", (uint64_t)n - failed);
	ayak_stats_count(&c->stats, "failed_shards", failed);
	i = cli_finish(c);
	return i ? i : ret;
}

/* Read every shard written back and compare it with what was written. */
static void verify_written(struct cli *c, struct args *a, struct pack_writer *w)
{
	size_t i;

	for (i = 0; i < pack_writer_shards(w); i++) {
		const struct pack_shard *sh = pack_writer_shard(w, i);
		/* A flat file's documents are counted by its end-of-text tokens. */
		uint64_t docs = a->format == PACK_FLAT ? sh->eot_tokens : sh->documents;
		struct pack_info info;

		/* Before they are committed: a shard that fails replaces nothing. */
		if (pack_verify(sh->staged, a->format == PACK_FLAT ? a->dtype : 0, a->vocab,
				a->format == PACK_FLAT ? a->eot : PACK_NONE, &info, &c->err))
			die_output(c);
		if (info.tokens != sh->tokens || info.documents != docs ||
		    info.checksum != sh->checksum) {
			ayak_err_set(&c->err, AYAK_E_SYS,
				     "%s: read back %llu documents and %llu tokens (checksum %016llx), "
				     "wrote %llu and %llu (%016llx)", sh->path,
				     (unsigned long long)info.documents, (unsigned long long)info.tokens,
				     (unsigned long long)info.checksum, (unsigned long long)docs,
				     (unsigned long long)sh->tokens, (unsigned long long)sh->checksum);
			die_output(c);
		}
	}
	ayak_stats_count(&c->stats, "verified_shards", pack_writer_shards(w));
}

/* ---- main ---- */

static void parse_args(struct cli *c, struct args *a, int argc, char **argv)
{
	int opt;
	uint64_t v;

	while ((opt = cli_getopt(c, argc, argv, "", options)) != -1) {
		switch (opt) {
		case OPT_FORMAT:
			if (!strcmp(optarg, "megatron"))
				a->format = PACK_MEGATRON;
			else if (!strcmp(optarg, "flat"))
				a->format = PACK_FLAT;
			else
				cli_usage_error(c, "--format wants megatron or flat, not '%s'", optarg);
			break;
		case OPT_DTYPE:
			if (!strcmp(optarg, "uint16"))
				a->dtype = PACK_UINT16;
			else if (!strcmp(optarg, "int32"))
				a->dtype = PACK_INT32;
			else if (!strcmp(optarg, "uint32"))
				a->dtype = PACK_UINT32;
			else if (strcmp(optarg, "auto"))
				cli_usage_error(c, "--dtype wants uint16, int32, uint32 or auto, not '%s'", optarg);
			break;
		case OPT_VOCAB:
			if (ayak_parse_u64(optarg, &a->vocab) || !a->vocab || a->vocab > ((uint64_t)1 << 32))
				cli_usage_error(c, "--vocab-size wants a positive number, not '%s'", optarg);
			break;
		case OPT_TOKENIZER:
			a->tokenizer = optarg;
			break;
		case OPT_EOT:
			if (ayak_parse_u64(optarg, &v) || v >= UINT32_MAX)
				cli_usage_error(c, "--eot wants a token ID, not '%s'", optarg);
			a->eot = (uint32_t)v;
			break;
		case OPT_APPEND_EOT:
			a->append_eot = 1;
			break;
		case OPT_SHARD_TOKENS:
			if (ayak_parse_count(optarg, &a->shard_tokens) || !a->shard_tokens)
				cli_usage_error(c, "--shard-tokens wants a positive whole number of tokens "
						"like 100M or 1.5M, not '%s'", optarg);
			break;
		case OPT_VERIFY:
			a->verify = 1;
			break;
		default:
			cli_usage_error(c, "unexpected option");
		}
	}
}

static void limits(struct cli *c, struct args *a, struct pack_opts *o)
{
	uint64_t dmax;

	if (!a->dtype) {
		/* Without the vocabulary size, the type that holds any ID. */
		a->dtype = a->vocab ? pack_dtype_for_vocab(a->vocab) : PACK_INT32;
		if (a->format == PACK_FLAT && a->dtype == PACK_INT32)
			a->dtype = PACK_UINT32;
	}
	if (a->format == PACK_FLAT && a->dtype == PACK_INT32)
		cli_usage_error(c, "flat files are uint16 or uint32, not int32");
	if (a->format == PACK_MEGATRON && a->dtype == PACK_UINT32)
		cli_usage_error(c, "Megatron has no uint32: use int32");
	/* UINT32_MAX is no ID: PACK_NONE, and ayak-tok's end mark. */
	dmax = a->dtype == PACK_UINT32 ? UINT32_MAX - 1 : pack_dtype_max(a->dtype);
	if (a->vocab && a->vocab - 1 > dmax) {
		if (a->vocab_from)
			cli_usage_error(c, "%s: its vocabulary of %llu tokens does not fit %s", a->vocab_from,
					(unsigned long long)a->vocab, pack_dtype_name(a->dtype));
		cli_usage_error(c, "a vocabulary of %llu tokens does not fit %s",
				(unsigned long long)a->vocab, pack_dtype_name(a->dtype));
	}
	if (a->eot != PACK_NONE && a->vocab && a->eot >= a->vocab) {
		if (!a->eot_from)
			cli_usage_error(c, "--eot %u is not below the vocabulary size %llu", a->eot,
					(unsigned long long)a->vocab);
		/* Not --eot's fault: the stream's or the tokenizer's token, too large for --vocab-size. */
		if (!a->vocab_from)
			cli_usage_error(c, "%s: its end-of-text token (%u) is not below --vocab-size %llu",
					a->eot_from, a->eot, (unsigned long long)a->vocab);
		cli_usage_error(c, "%s: its end-of-text token (%u) is not below its vocabulary size %llu",
				a->eot_from, a->eot, (unsigned long long)a->vocab);
	}
	/*
	 * Whatever the format: written as it is, the token would be cut to the
	 * dtype's bits, another token or a negative one; and a token the dtype
	 * cannot hold says the IDs are of a vocabulary it cannot hold either.
	 */
	if (a->eot != PACK_NONE && a->eot > dmax) {
		if (a->eot_from)
			cli_usage_error(c, "%s: its end-of-text token (%u) is out of range for %s (largest %llu)",
					a->eot_from, a->eot, pack_dtype_name(a->dtype),
					(unsigned long long)dmax);
		cli_usage_error(c, "--eot %u is out of range for %s (largest %llu)", a->eot,
				pack_dtype_name(a->dtype), (unsigned long long)dmax);
	}
	if (a->format == PACK_FLAT && a->eot == PACK_NONE)
		cli_usage_error(c, "flat files need the end-of-text token: give --eot or --tokenizer");
	if (a->append_eot && a->eot == PACK_NONE)
		cli_usage_error(c, "--append-eot needs --eot or --tokenizer");
	o->format = a->format;
	o->dtype = a->dtype;
	o->shard_tokens = a->shard_tokens;
	o->eot = a->eot;
	o->append_eot = a->append_eot;
	o->max_id = a->vocab ? a->vocab - 1 : dmax;
	o->vocab_size = a->vocab;
}

static void remove_shards(void)
{
	pack_writer_remove(run_writer);
}

/*
 * The shards are outputs: --stats or --rejects naming one is a usage
 * error (ayak(7) Output), not a shard or the counters written over the
 * other.  Their numbers with --shard-tokens are not known yet: any name
 * of that form is taken for a shard.
 */
static void claim_shards(struct cli *c, const struct pack_opts *o, int binary)
{
	const char *ext[2] = { ".bin", ".idx" };
	int i, next = 2;

	if (o->format == PACK_FLAT) {
		ext[0] = o->dtype == PACK_UINT16 ? ".u16" : ".u32";
		next = 1;
	}
	if (o->shard_tokens) {
		cli_claim_like_numbered(c, "the shards of -o", c->stats_path, c->output, ext, next);
		cli_claim_like_numbered(c, "the shards of -o", c->rejects_path, c->output, ext, next);
	}
	for (i = 0; !o->shard_tokens && i < next; i++) {
		struct ayak_buf name = AYAK_BUF_INIT;

		if (ayak_buf_addf(&name, "%s%s", c->output, ext[i]))
			cli_die_nomem(c);
		cli_claim_output(c, "the shards of -o", name.data);
		ayak_buf_release(&name);
	}
	/* cli_open claims these for records; a token stream is read without it. */
	if (binary) {
		cli_claim_output(c, "--rejects", c->rejects_path);
		cli_claim_output(c, "--stats", c->stats_path);
	}
}

static void on_swept(const char *dir, long pid, uint64_t files, uint64_t bytes, void *arg)
{
	cli_warn(arg, "removed %s, the hidden directory of a run that was killed (pid %ld): "
		 "%llu shard file%s, %llu bytes", dir, pid, (unsigned long long)files,
		 files == 1 ? "" : "s", (unsigned long long)bytes);
}

static struct pack_writer *open_writer(struct cli *c, struct pack_opts *o, int binary)
{
	struct pack_writer *w;

	o->prefix = c->output;
	o->swept = on_swept;
	o->swept_arg = c;
	w = pack_writer_new(o, &c->err);
	if (!w)
		die_output(c);
	/* Once the directories are made: names in them compare by their real names. */
	claim_shards(c, o, binary);
	/*
	 * A run that fails leaves no shard of its own: a shard completed
	 * before the input turned out bad (a token stream without its end
	 * mark, say) would pass for a complete one; the earlier run's stay
	 * as they were.  cli_die() exits, hence atexit.
	 */
	run_writer = w;
	atexit(remove_shards);
	return w;
}

/* Start the reader's next input, named name, and read its header. */
static void bin_open(struct cli *c, struct bin_in *in, const char *name)
{
	in->name = name;
	in->pos = in->len = 0;
	in->eof = in->ended = 0;
	in->doc = 0;
	if (bin_header(in, &c->err))
		cli_die(c, &c->err);
}

/* The vocabulary size and end-of-text token of --tokenizer, where the options give none. */
static void take_tokenizer(struct cli *c, struct args *a)
{
	struct tok *t = tok_load(a->tokenizer, NULL, &c->err);

	if (!t)
		cli_die(c, &c->err);
	a->tok_vocab = tok_vocab_size(t);
	a->tok_eot = tok_eot_id(t);
	if (!a->vocab) {
		a->vocab = a->tok_vocab;
		a->vocab_from = a->tokenizer;
	}
	if (a->eot == PACK_NONE && a->tok_eot != PACK_NONE) {
		a->eot = a->tok_eot;
		a->eot_from = a->tokenizer;
	}
	tok_free(t);
}

static void check_prefix(struct cli *c)
{
	const char *base;

	if (!c->output || !strcmp(c->output, "-"))
		cli_usage_error(c, "-o PREFIX names the shards to write");
	/* "out/" would give the hidden out/.bin and out/.idx. */
	base = strrchr(c->output, '/');
	base = base ? base + 1 : c->output;
	if (!*base || !strcmp(base, ".") || !strcmp(base, ".."))
		cli_usage_error(c, "-o PREFIX needs a name after the directory, as in out/ms, not '%s'",
				c->output);
}

/*
 * What the files that can be read twice hold, each probed with a reader
 * of its own: 1 token streams, 0 records, -1 nothing told (none, or all
 * empty).  *once_at: the first input that can be read only once.
 */
static int probe_files(struct cli *c, int nfiles, char **files, int *once_at)
{
	const char *first = NULL;
	int i, kind = -1;

	for (i = 0; i < nfiles; i++) {
		struct ayak_reader *probe;
		struct stat st;
		int s;

		if (!strcmp(files[i], "-") ||
		    (!stat(files[i], &st) && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode))) {
			if (*once_at < 0)
				*once_at = i;
			continue;
		}
		probe = open_inputs(c, 1, files + i);
		s = input_kind(c, probe);
		ayak_reader_free(probe);
		if (s < 0)
			continue;
		if (first && s != kind)
			cli_usage_error(c, "token streams and records do not go together: %s %s, %s %s",
					first, kind ? "is a token stream" : "holds records", files[i],
					s ? "is a token stream" : "holds records");
		kind = s;
		first = files[i];
	}
	return kind;
}

/*
 * The files told nothing: the input read once at once_at tells, its
 * first bytes staying in in->r, the reader of every input that goes on.
 */
static int probe_read_once(struct cli *c, struct bin_in *in, int nfiles, char **files, int once_at)
{
	int i, binary;

	in->r = open_inputs(c, nfiles, files);
	/* The empty files before standard input. */
	for (i = 0; i < once_at; i++) {
		unsigned char b[1];
		ssize_t got = ayak_reader_read(in->r, b, sizeof(b), &c->err);

		if (got > 0)
			ayak_err_set(&c->err, AYAK_E_SYS, "%s changed while it was read", files[i]);
		if (got)
			cli_die(c, &c->err);
	}
	binary = input_kind(c, in->r) > 0;
	if (binary && once_at > 0) {
		in->name = files[0];
		bin_error(in, &c->err, "%s", bin_empty);
		cli_die(c, &c->err);
	}
	return binary;
}

/*
 * Binary stream or records?  Told from the first decompressed bytes
 * of the inputs, before any is read: each file with a reader of its
 * own.  An empty input tells nothing (no records, or a stream whose
 * writer wrote nothing, refused when read).  Standard input, and a
 * named pipe or device (<(...)), cannot be read twice: such an input
 * is taken to be what the files are, and looked at only when they
 * tell nothing, its first bytes then staying in the reader that goes
 * on.  1 a token stream, read with in->r; 0 records, read with in->r
 * when it is set.
 */
static int probe_inputs(struct cli *c, struct bin_in *in, int nfiles, char **files)
{
	int once_at = -1, kind = probe_files(c, nfiles, files, &once_at);

	if (!nfiles)
		once_at = 0;
	if (kind < 0 && once_at >= 0)
		return probe_read_once(c, in, nfiles, files, once_at);
	if (kind > 0)
		in->r = open_inputs(c, nfiles, files);
	return kind > 0;
}

/* The dtype and the checks of limits(), then the writer of the shards. */
static struct pack_writer *start_writer(struct cli *c, struct args *a, int binary)
{
	struct pack_opts o = { 0 };

	limits(c, a, &o);
	return open_writer(c, &o, binary);
}

/*
 * The first stream's header: the vocabulary size and the end-of-text
 * token that the options and --tokenizer leave unsaid.
 */
static void take_stream_header(struct cli *c, struct args *a, const struct bin_in *in)
{
	uint32_t vs, eot;

	pack_stream_parse(in->first, &vs, &eot, &c->err);
	/* IDs of another tokenizer: its end-of-text token would be wrong. */
	if (a->tokenizer && ((vs && vs != a->tok_vocab) || eot != a->tok_eot)) {
		char d1[64], d2[64];

		cli_usage_error(c, "%s: its tokenizer (%s) is not --tokenizer %s (%s)",
				in->name, header_desc(d1, sizeof(d1), vs, eot), a->tokenizer,
				header_desc(d2, sizeof(d2), a->tok_vocab, a->tok_eot));
	}
	if (!a->vocab && vs) {
		a->vocab = vs;
		a->vocab_from = in->name;
	}
	if (a->vocab && vs > a->vocab)
		cli_usage_error(c, "%s: its vocabulary (%u) is larger than --vocab-size %llu",
				in->name, vs, (unsigned long long)a->vocab);
	if (a->eot == PACK_NONE && eot != PACK_NONE) {
		a->eot = eot;
		a->eot_from = in->name;
	}
}

/* Pack the token streams of every input, read with in->r; the writer opens on the first header. */
static struct pack_writer *pack_stream(struct cli *c, struct args *a, struct bin_in *in,
				       int nfiles, char **files)
{
	struct pack_writer *w = NULL;
	struct bpe_ids ids = { 0 };
	int i, r;

	if (cli_record_option(c, "ids"))
		cli_usage_error(c, "%s does not go with a token stream (it holds no records)",
				cli_record_option(c, "ids"));
	for (i = 0; i < (nfiles ? nfiles : 1); i++) {
		bin_open(c, in, nfiles && strcmp(files[i], "-") ? files[i] : "(stdin)");
		if (i == 0) {
			take_stream_header(c, a, in);
			/* The dtype, from the vocabulary the stream may give, and the checks. */
			w = start_writer(c, a, 1);
			/* as cli_open does for records: --stats naming an input, say */
			cli_check_inputs(c, nfiles, files);
		}
		while ((r = bin_next(in, &ids, &c->err)) > 0) {
			c->stats.records_in++;
			c->stats.bytes_in = in->bytes;	/* headers and end marks too */
			cli_tick(c, in->r);
			if (pack_writer_add(w, ids.v, ids.n, &c->err)) {
				if (c->err.code != AYAK_E_DATA)
					die_output(c);
				c->err.file = in->name;
				c->err.line = in->doc;
				cli_die(c, &c->err);
			}
			c->stats.records_out++;
		}
		if (r < 0)
			cli_die(c, &c->err);
		c->stats.bytes_in = in->bytes;
	}
	bpe_ids_release(&ids);
	return w;
}

/* Pack the IDs array of every record: from in->r, standard input begun, when it is set. */
static struct pack_writer *pack_records(struct cli *c, struct args *a, struct bin_in *in,
					int nfiles, char **files)
{
	struct pack_writer *w;
	struct bpe_ids ids = { 0 };
	struct ayak_record rec;
	struct ayak_line line;
	int r;

	cli_rejects_need_skip(c, NULL, "ayak-pack drops no record without it");
	ayak_record_init(&rec);
	w = start_writer(c, a, 0);
	if (in->r) {
		/* Standard input, whose first bytes in->r has read: read on with it. */
		cli_open_reader(c, in->r);
		in->r = NULL;
	} else {
		cli_open(c, nfiles, files);
	}
	while (cli_next(c, &line)) {
		const struct ayak_field *f;

		if (ayak_line_is_blank(line.data, line.len)) {
			c->stats.records_in--;
			continue;
		}
		if (ayak_record_parse(&rec, line.data, line.len, 0, &c->err)) {
			cli_parse_failed(c, &line);
			continue;
		}
		f = ayak_record_get(&rec, c->field, c->field_len);
		if (!f) {
			cli_bad_record(c, &line, "", "missing field \"%s\"", c->field);
			continue;
		}
		if (f->type != AYAK_JSON_ARRAY ||
		    (r = parse_ids(line.data + f->val, f->val_len, &ids)) == -1) {
			cli_bad_record(c, &line, "", "field \"%s\" is not an array of token IDs",
				       c->field);
			continue;
		}
		if (r == -2)
			cli_die_nomem(c);
		if (pack_writer_add(w, ids.v, ids.n, &c->err)) {
			if (c->err.code == AYAK_E_DATA) {
				cli_bad_record(c, &line, "", "%s", c->err.msg);
				continue;
			}
			die_output(c);
		}
		c->stats.records_out++;
	}
	ayak_record_release(&rec);
	bpe_ids_release(&ids);
	return w;
}

/* The last shard written out, and the counts of --stats. */
static void finish_shards(struct cli *c, struct pack_writer *w)
{
	if (pack_writer_finish(w, &c->err))
		die_output(c);
	ayak_stats_count(&c->stats, "documents", pack_writer_documents(w));
	ayak_stats_count(&c->stats, "tokens", pack_writer_tokens(w));
	ayak_stats_count(&c->stats, "shards", pack_writer_shards(w));
	c->stats.bytes_out = pack_writer_bytes(w);
}

/*
 * The run is whole, --stats and --rejects too: its shards replace the
 * earlier run's, then those go in place, with the signals that end a
 * run held off, so that one leaves the earlier run or this one.
 */
static int commit_shards(struct cli *c, struct pack_writer *w)
{
	sigset_t old;
	int r;

	cli_finish_outputs(c);
	cli_hold_signals(&old);
	if (pack_writer_commit(w, &c->err))
		die_output(c);
	r = cli_finish(c);
	run_writer = NULL;	/* remove_shards() runs at exit */
	sigprocmask(SIG_SETMASK, &old, NULL);
	pack_writer_free(w);
	return r;
}

int main(int argc, char **argv)
{
	struct cli c;
	struct args a = { 0 };
	struct pack_writer *w;
	struct bin_in in = { 0 };
	int nfiles, binary;
	char **files;

	cli_init(&c, "ayak-pack", usage);
	/* Shards are never compressed; -o and --field are documented in usage. */
	c.shared_off = CLI_NO_COMPRESS | CLI_OWN_OUTPUT | CLI_OWN_FIELD;
	c.field = "ids";
	c.field_len = 3;
	a.eot = PACK_NONE;
	a.tok_eot = PACK_NONE;
	parse_args(&c, &a, argc, argv);
	nfiles = argc - optind;
	files = argv + optind;
	if (a.tokenizer)
		take_tokenizer(&c, &a);
	if (a.verify && (!c.output || !strcmp(c.output, "-")))
		return verify_mode(&c, &a, nfiles, files);
	check_prefix(&c);
	binary = probe_inputs(&c, &in, nfiles, files);
	c.no_output = 1;
	if (binary)
		w = pack_stream(&c, &a, &in, nfiles, files);
	else
		w = pack_records(&c, &a, &in, nfiles, files);
	finish_shards(&c, w);
	if (a.verify)
		verify_written(&c, &a, w);
	free(in.buf);
	ayak_reader_free(in.r);
	return commit_shards(&c, w);
}
