/*
 * ayak-tok: token IDs from a Hugging Face tokenizer.json, Malay words and
 * sentences, and training a byte-level BPE tokenizer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "pack.h"
#include "tok.h"
#include "tokseg.h"
#include "bpetrain.h"

static const char usage[] =
	"Usage: ayak-tok --tokenizer FILE [options] [FILE...]\n"
	"       ayak-tok --words | --sentences [options] [FILE...]\n"
	"       ayak-tok --train --vocab-size N -o tokenizer.json [options] [FILE...]\n"
	"Token IDs, words and sentences of the text of each record.\n"
	"\n"
	"Token IDs:\n"
	"  -t, --tokenizer FILE  Hugging Face tokenizer.json (BPE: byte-level or SentencePiece-style)\n"
	"      --ids-field NAME  field to write the IDs to (default: ids)\n"
	"      --binary          write a binary token stream for ayak-pack, not records\n"
	"                        (its end mark last, only when all went well)\n"
	"      --count           add only the number of tokens, as \"ntokens\"\n"
	"      --no-special      do not add the post-processor's special tokens (BOS, EOS)\n"
	"      --bos TOKEN       add TOKEN (an ID, or a token such as <s>) before every\n"
	"                        document, instead of what the post-processor adds there\n"
	"      --eos TOKEN       add TOKEN after every document, instead of what the\n"
	"                        post-processor adds there\n"
	"      --split-special-tokens  special tokens written in the text are text\n"
	"      --compat tokenizers.js  reproduce tokenizers.js's ByteLevel regex (\\s)\n"
	"      --decode          turn the ids field back into text (the text field)\n"
	"\n"
	"Words and sentences (ICU, with Malay rules):\n"
	"      --words           add a \"words\" array\n"
	"      --sentences       add a \"sentences\" array\n"
	"      --split-clitics   split -nya, -lah, -kah, -pun, ku-, kau- off words\n"
	"      --offsets         add \"word_offsets\"/\"sentence_offsets\": [start, end]\n"
	"                        in code points\n"
	"      --plain           one word or sentence a line, a blank line between\n"
	"                        records (both: one sentence a line, words split by spaces)\n"
	"\n"
	"Training:\n"
	"      --train           train a byte-level BPE tokenizer on the text; -o names\n"
	"                        the tokenizer.json to write\n"
	"      --vocab-size N    tokens in the trained vocabulary (default 32000)\n"
	"      --min-frequency N merges of pairs seen fewer times are not made (default 2)\n"
	"      --pattern P       pre-tokenizer regex: gpt2, cl100k, o200k, qwen2 or a regex\n"
	"                        (default cl100k, as Llama-3)\n"
	"      --special TOKEN   a special token to add (repeatable; default <|endoftext|>)\n";

enum {
	OPT_IDS_FIELD = CLI_OPT_PROGRAM,
	OPT_BINARY,
	OPT_COUNT,
	OPT_NO_SPECIAL,
	OPT_BOS,
	OPT_EOS,
	OPT_SPLIT_SPECIAL,
	OPT_COMPAT,
	OPT_DECODE,
	OPT_WORDS,
	OPT_SENTENCES,
	OPT_SPLIT_CLITICS,
	OPT_OFFSETS,
	OPT_PLAIN,
	OPT_TRAIN,
	OPT_VOCAB_SIZE,
	OPT_MIN_FREQ,
	OPT_PATTERN,
	OPT_SPECIAL,
};

static const struct option options[] = {
	{ "tokenizer", required_argument, NULL, 't' },
	{ "ids-field", required_argument, NULL, OPT_IDS_FIELD },
	{ "binary", no_argument, NULL, OPT_BINARY },
	{ "count", no_argument, NULL, OPT_COUNT },
	{ "no-special", no_argument, NULL, OPT_NO_SPECIAL },
	{ "bos", required_argument, NULL, OPT_BOS },
	{ "eos", required_argument, NULL, OPT_EOS },
	{ "split-special-tokens", no_argument, NULL, OPT_SPLIT_SPECIAL },
	{ "compat", required_argument, NULL, OPT_COMPAT },
	{ "decode", no_argument, NULL, OPT_DECODE },
	{ "words", no_argument, NULL, OPT_WORDS },
	{ "sentences", no_argument, NULL, OPT_SENTENCES },
	{ "split-clitics", no_argument, NULL, OPT_SPLIT_CLITICS },
	{ "offsets", no_argument, NULL, OPT_OFFSETS },
	{ "plain", no_argument, NULL, OPT_PLAIN },
	{ "train", no_argument, NULL, OPT_TRAIN },
	{ "vocab-size", required_argument, NULL, OPT_VOCAB_SIZE },
	{ "min-frequency", required_argument, NULL, OPT_MIN_FREQ },
	{ "pattern", required_argument, NULL, OPT_PATTERN },
	{ "special", required_argument, NULL, OPT_SPECIAL },
	{ NULL, 0, NULL, 0 },
};

struct args {
	const char *tokenizer, *ids_field, *bos, *eos;
	int binary, count, decode;
	struct tok_opts topts;
	int words, sentences, clitics, offsets, plain;
	int train;
	uint64_t vocab_size, min_freq;
	const char *pattern;
	const char **specials;
	size_t nspecials;
};

struct run {
	struct cli *c;
	struct args *a;
	struct tok *tok;
	struct tok_enc *enc;
	struct tok_counts counts;
	struct tokseg *seg;
	struct ayak_record rec;
	struct bpe_ids ids;
	struct ayak_buf text, val, val2, out;
	uint64_t tokens;
	uint64_t documents;		/* written to the --binary stream */
	size_t max_doc;			/* its most tokens in a document (PACK_STREAM_MAX_DOC) */
};

/* ---- output helpers ---- */

/* Four decimal digits of each number below 10000, for writing IDs. */
static char digits4[10000][4];

static void digits4_init(void)
{
	int i;

	for (i = 0; i < 10000; i++) {
		digits4[i][0] = (char)('0' + i / 1000);
		digits4[i][1] = (char)('0' + i / 100 % 10);
		digits4[i][2] = (char)('0' + i / 10 % 10);
		digits4[i][3] = (char)('0' + i % 10);
	}
}

/* v in decimal at p (room for 10 bytes); returns the end. */
static char *put_u32(char *p, uint32_t v)
{
	uint32_t hi, mid, lo;
	int n;

	if (v < 10000) {
		n = v < 10 ? 1 : v < 100 ? 2 : v < 1000 ? 3 : 4;
		memcpy(p, digits4[v] + 4 - n, 4);
		return p + n;
	}
	if (v < 100000000) {
		hi = v / 10000;
		lo = v % 10000;
		n = hi < 10 ? 1 : hi < 100 ? 2 : hi < 1000 ? 3 : 4;
		memcpy(p, digits4[hi] + 4 - n, 4);
		memcpy(p + n, digits4[lo], 4);
		return p + n + 4;
	}
	hi = v / 100000000;
	mid = v / 10000 % 10000;
	lo = v % 10000;
	n = hi < 10 ? 1 : 2;
	memcpy(p, digits4[hi] + 4 - n, 4);
	memcpy(p + n, digits4[mid], 4);
	memcpy(p + n + 4, digits4[lo], 4);
	return p + n + 8;
}

/* IDs per part of a record written in parts (up to 90 KB of JSON). */
#define IDS_PART 8192

/* The IDs v[0..n) of a JSON array into b (reset first): the '[' when first, the ']' when last. */
static int ids_json(struct ayak_buf *b, const uint32_t *v, size_t n, int first, int last)
{
	size_t i;
	char *p;

	ayak_buf_reset(b);
	if (ayak_buf_grow(b, n * 11 + 8))
		return -1;
	p = b->data;
	if (first)
		*p++ = '[';
	for (i = 0; i < n; i++) {
		if (i || !first)
			*p++ = ',';
		p = put_u32(p, v[i]);
	}
	if (last)
		*p++ = ']';
	b->len = (size_t)(p - b->data);
	return 0;
}

/* Parse the record and decode the text field into r->text; 0 if bad. */
static int get_text(struct run *r, const struct ayak_line *line)
{
	struct cli *c = r->c;
	const struct ayak_field *f;

	if (ayak_record_parse(&r->rec, line->data, line->len, 0, &c->err)) {
		cli_parse_failed(c, line);
		return 0;
	}
	f = cli_string_field(c, line, &r->rec, c->field, c->field_len);
	if (!f)
		return 0;
	ayak_buf_reset(&r->text);
	if (ayak_json_decode_string(line->data + f->val, f->val_len, &r->text, NULL, &c->err))
		cli_die(c, &c->err);
	if (ayak_buf_add(&r->text, "", 1))
		cli_die_nomem(c);
	r->text.len--;
	return 1;
}

static void emit_edits(struct run *r, const struct ayak_edit *e, size_t n)
{
	ayak_buf_reset(&r->out);
	if (ayak_record_emit(&r->rec, e, n, &r->out))
		cli_die_nomem(r->c);
	cli_emit(r->c, r->out.data, r->out.len);
}

/* ---- token IDs ---- */

/* A number is an ID; anything else a token of the tokenizer. */
static uint32_t token_arg(struct cli *c, struct tok *t, const char *opt, const char *s)
{
	uint64_t v;
	uint32_t id;

	if (!ayak_parse_u64(s, &v)) {
		if (v >= tok_vocab_size(t))
			cli_usage_error(c, "%s: ID %s is not below the vocabulary size %u", opt, s,
					tok_vocab_size(t));
		return (uint32_t)v;
	}
	id = tok_token_id(t, s, strlen(s));
	if (id == BPE_NONE)
		cli_usage_error(c, "%s: '%s' is not a token of the tokenizer", opt, s);
	return id;
}

static void put_le32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

/* A document of the token stream: its count, then its IDs, IDS_PART at a time. */
static void write_binary(struct run *r, const uint32_t *v, size_t n)
{
	struct cli *c = r->c;
	size_t i = 0, j, k;

	ayak_buf_reset(&r->out);
	if (ayak_buf_grow(&r->out, 4 + 4 * IDS_PART))
		cli_die_nomem(c);
	put_le32((unsigned char *)r->out.data, (uint32_t)n);
	r->out.len = 4;
	do {
		k = n - i < IDS_PART ? n - i : IDS_PART;
		for (j = 0; j < k; j++)
			put_le32((unsigned char *)r->out.data + r->out.len + 4 * j, v[i + j]);
		r->out.len += 4 * k;
		cli_emit_part(c, r->out.data, r->out.len);
		r->out.len = 0;
		i += k;
	} while (i < n);
	r->documents++;
	c->stats.records_out++;
}

/*
 * A text the encoder or the segmenter did not take (c->err says why): too
 * long for it, or one a regular expression failed on (a bad record), or a
 * system error.
 */
static void text_failed(struct cli *c, const struct ayak_line *line, int too_long, const char *what)
{
	if (too_long) {
		cli_too_large(c, line, what);
		return;
	}
	if (c->err.code != AYAK_E_DATA)
		cli_die(c, &c->err);
	cli_bad_record(c, line, "", "%s", c->err.msg);
}

/*
 * The record with its IDs, written in parts: the IDs of a long text are
 * never held as JSON whole, nor the record copied.
 */
static void emit_ids(struct run *r, const uint32_t *v, size_t n)
{
	struct cli *c = r->c;
	size_t tail, i = 0, k;

	/* The memory before the first byte: out of memory must leave whole records only. */
	ayak_buf_reset(&r->val);
	if (ayak_buf_grow(&r->val, (n < IDS_PART ? n : IDS_PART) * 11 + 8))
		cli_die_nomem(c);
	tail = cli_emit_value_start(c, &r->rec, r->a->ids_field, strlen(r->a->ids_field), &r->out);
	do {
		k = n - i < IDS_PART ? n - i : IDS_PART;
		if (ids_json(&r->val, v + i, k, i == 0, i + k == n))
			cli_die_nomem(c);
		cli_emit_part(c, r->val.data, r->val.len);
		i += k;
	} while (i < n);
	cli_emit_value_end(c, &r->rec, tail);
}

static void do_ids(struct run *r, const struct ayak_line *line)
{
	struct cli *c = r->c;
	struct ayak_edit e;
	int ret;

	r->ids.n = 0;
	ret = tok_encode(r->enc, r->text.data, r->text.len, &r->ids, &r->counts, &c->err);
	if (ret) {
		text_failed(c, line, ret == TOK_TOO_LONG, "tokenize");
		return;
	}
	/* ayak-pack takes no longer document: its length is a u32 below 2^30 (pack.h). */
	if (r->a->binary && r->ids.n > r->max_doc) {
		ayak_err_set(&c->err, AYAK_E_DATA, "text too long to tokenize (%zu bytes give %zu "
			     "tokens; a document of the token stream holds at most %zu)",
			     r->text.len, r->ids.n, r->max_doc);
		text_failed(c, line, 1, "tokenize");
		return;
	}
	r->tokens += r->ids.n;
	if (r->a->binary) {
		write_binary(r, r->ids.v, r->ids.n);
		return;
	}
	if (r->a->count) {
		char num[24];
		int n = snprintf(num, sizeof(num), "%zu", r->ids.n);

		e.key = "ntokens";
		e.key_len = 7;
		e.value = num;
		e.value_len = (size_t)n;
		emit_edits(r, &e, 1);
		return;
	}
	emit_ids(r, r->ids.v, r->ids.n);
}

/* --decode: the ids field back to text. */
static void do_decode(struct run *r, const struct ayak_line *line)
{
	struct cli *c = r->c;
	const struct ayak_field *f;
	struct ayak_edit e;
	const char *p, *end;

	if (ayak_record_parse(&r->rec, line->data, line->len, 0, &c->err)) {
		cli_parse_failed(c, line);
		return;
	}
	f = ayak_record_get(&r->rec, r->a->ids_field, strlen(r->a->ids_field));
	if (!f || f->type != AYAK_JSON_ARRAY) {
		cli_bad_record(c, line, "", f ? "field \"%s\" is not an array of token IDs" :
			       "missing field \"%s\"", r->a->ids_field);
		return;
	}
	r->ids.n = 0;
	p = line->data + f->val + 1;
	end = line->data + f->val + f->val_len - 1;
	while (p < end) {
		uint64_t v = 0;
		int digits = 0;

		while (p < end && (*p == ' ' || *p == ',' || *p == '\t'))
			p++;
		while (p < end && *p >= '0' && *p <= '9' && v < (1u << 31)) {
			v = v * 10 + (uint64_t)(*p++ - '0');
			digits++;
		}
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if (!digits || v >= (1u << 31) || (p < end && *p != ',')) {
			cli_bad_record(c, line, "", "field \"%s\" is not an array of token IDs",
				       r->a->ids_field);
			return;
		}
		/* An ID the tokenizer lacks has no text: the record is bad, not the text short. */
		if (!tok_has_id(r->tok, (uint32_t)v)) {
			cli_bad_record(c, line, "", "token ID %llu is not a token of the tokenizer",
				       (unsigned long long)v);
			return;
		}
		if (bpe_ids_push(&r->ids, (uint32_t)v))
			cli_die_nomem(c);
	}
	ayak_buf_reset(&r->val2);
	if (tok_decode(r->tok, r->ids.v, r->ids.n, 0, &r->val2))
		cli_die_nomem(c);
	ayak_buf_reset(&r->val);
	if (ayak_json_encode_string(&r->val, r->val2.data ? r->val2.data : "", r->val2.len))
		cli_die_nomem(c);
	e.key = c->field;
	e.key_len = c->field_len;
	e.value = r->val.data;
	e.value_len = r->val.len;
	emit_edits(r, &e, 1);
}

/* ---- words and sentences ---- */

static void do_segment(struct run *r, const struct ayak_line *line)
{
	struct cli *c = r->c;
	struct args *a = r->a;
	struct tokseg_result res;
	struct ayak_edit e[4];
	size_t ne = 0;
	int ret;

	ret = tokseg_run(r->seg, r->text.data, r->text.len, a->words, a->sentences, &res, &c->err);
	if (ret) {
		text_failed(c, line, ret == TOKSEG_TOO_LONG, "segment");
		return;
	}
	if (a->plain) {
		ayak_buf_reset(&r->out);
		if (tokseg_plain(r->seg, &res, a->words, a->sentences, a->offsets, &r->out))
			cli_die_nomem(c);
		if (r->out.len) {
			if (ayak_writer_write(c->out, r->out.data, r->out.len, &c->err))
				cli_die(c, &c->err);
		}
		if (ayak_writer_write(c->out, "\n", 1, &c->err))
			cli_die(c, &c->err);
		c->stats.records_out++;
		c->stats.bytes_out += r->out.len + 1;
		return;
	}
	ayak_buf_reset(&r->val);
	if (tokseg_json(r->seg, &res, a->words, a->sentences, a->offsets, &r->val))
		cli_die_nomem(c);
	/* tokseg_json writes NUL-separated values: words, offsets, sentences, offsets. */
	{
		const char *p = r->val.data, *end = r->val.data + r->val.len;
		static const char *const names[4] = { "words", "word_offsets", "sentences",
						      "sentence_offsets" };
		int which[4] = { a->words, a->words && a->offsets, a->sentences,
				 a->sentences && a->offsets };
		int i;

		for (i = 0; i < 4; i++) {
			size_t len;

			if (!which[i])
				continue;
			len = strlen(p);
			e[ne].key = names[i];
			e[ne].key_len = strlen(names[i]);
			e[ne].value = p;
			e[ne].value_len = len;
			ne++;
			p += len + 1;
			if (p > end)
				break;
		}
	}
	emit_edits(r, e, ne);
}

/* ---- main ---- */

static void parse_args(struct cli *c, struct args *a, int argc, char **argv)
{
	int opt;

	while ((opt = cli_getopt(c, argc, argv, "t:", options)) != -1) {
		switch (opt) {
		case 't': a->tokenizer = optarg; break;
		case OPT_IDS_FIELD: a->ids_field = cli_field_name(c, "--ids-field", optarg); break;
		case OPT_BINARY: a->binary = 1; break;
		case OPT_COUNT: a->count = 1; break;
		case OPT_NO_SPECIAL: a->topts.no_post = 1; break;
		case OPT_BOS: a->bos = optarg; break;
		case OPT_EOS: a->eos = optarg; break;
		case OPT_SPLIT_SPECIAL: a->topts.split_special = 1; break;
		case OPT_COMPAT:
			if (strcmp(optarg, "tokenizers.js") && strcmp(optarg, "js"))
				cli_usage_error(c, "--compat wants tokenizers.js, not '%s'", optarg);
			a->topts.compat_js = 1;
			break;
		case OPT_DECODE: a->decode = 1; break;
		case OPT_WORDS: a->words = 1; break;
		case OPT_SENTENCES: a->sentences = 1; break;
		case OPT_SPLIT_CLITICS: a->clitics = 1; break;
		case OPT_OFFSETS: a->offsets = 1; break;
		case OPT_PLAIN: a->plain = 1; break;
		case OPT_TRAIN: a->train = 1; break;
		case OPT_VOCAB_SIZE:
			/* The 256 bytes, a special token and a merge at least. */
			if (ayak_parse_u64(optarg, &a->vocab_size) || a->vocab_size < 258 ||
			    a->vocab_size > (1u << 24))
				cli_usage_error(c, "--vocab-size wants a number from 258 to 16777216, not '%s'", optarg);
			break;
		case OPT_MIN_FREQ:
			if (ayak_parse_u64(optarg, &a->min_freq) || !a->min_freq)
				cli_usage_error(c, "--min-frequency wants a positive number, not '%s'", optarg);
			break;
		case OPT_PATTERN: a->pattern = optarg; break;
		case OPT_SPECIAL: {
			const char **v = realloc(a->specials, (a->nspecials + 1) * sizeof(*v));

			if (!v)
				cli_die_nomem(c);
			v[a->nspecials++] = optarg;
			a->specials = v;
			break;
		}
		default:
			cli_usage_error(c, "unexpected option");
		}
	}
}

static void check_args(struct cli *c, struct args *a)
{
	size_t i, j;
	int modes = !!a->tokenizer + !!(a->words || a->sentences) + !!a->train;

	if (a->decode && !a->tokenizer)
		cli_usage_error(c, "--decode needs --tokenizer");
	if (!modes)
		cli_usage_error(c, "say what to do: --tokenizer FILE, --words, --sentences or --train");
	if (modes > 1)
		cli_usage_error(c, "--tokenizer, --words/--sentences and --train do not go together");
	if (a->train && !a->tokenizer && (!c->output || !strcmp(c->output, "-")))
		cli_usage_error(c, "--train needs -o FILE for the tokenizer.json it writes");
	if ((a->binary || a->count || a->bos || a->eos || a->topts.no_post || a->topts.split_special ||
	     a->topts.compat_js || a->decode) && !a->tokenizer)
		cli_usage_error(c, "--binary, --count, --bos, --eos, --no-special, --split-special-tokens,"
				" --compat and --decode go with --tokenizer");
	if ((a->clitics || a->offsets || a->plain) && !(a->words || a->sentences))
		cli_usage_error(c, "--split-clitics, --offsets and --plain go with --words or --sentences");
	if (a->clitics && !a->words)
		cli_usage_error(c, "--split-clitics goes with --words");
	if (a->plain && a->words && a->sentences && a->offsets)
		cli_usage_error(c, "--plain with both --words and --sentences does not take --offsets");
	if ((a->vocab_size || a->min_freq || a->pattern || a->nspecials) && !a->train)
		cli_usage_error(c, "--vocab-size, --min-frequency, --pattern and --special go with --train");
	if (a->binary + a->count + a->decode > 1)
		cli_usage_error(c, "--binary, --count and --decode do not go together");
	/* They shape encoding; --decode keeps every token (no skip_special_tokens). */
	if (a->decode && (a->bos || a->eos || a->topts.no_post || a->topts.split_special ||
			  a->topts.compat_js))
		cli_usage_error(c, "--bos, --eos, --no-special, --split-special-tokens and --compat "
				"do not go with --decode");
	for (i = 0; i < a->nspecials; i++)
		for (j = 0; j < i; j++)
			if (!strcmp(a->specials[i], a->specials[j]))
				cli_usage_error(c, "--special '%s' is given twice", a->specials[i]);
	/* Not ignored: a --count or --binary run that names a field it never writes is a mistake. */
	if (a->ids_field && (!a->tokenizer || a->binary || a->count))
		cli_usage_error(c, "--ids-field goes with --tokenizer, without --binary or --count"
				" (--count writes \"ntokens\")");
	if (!a->ids_field)
		a->ids_field = "ids";
	if (a->tokenizer && !a->binary && !a->count && !a->decode && !strcmp(a->ids_field, c->field))
		cli_usage_error(c, "--ids-field '%s' is the text field: the IDs would replace the text",
				a->ids_field);
	/* A tokenizer.json or a token stream is read uncompressed: no .zst name on plain bytes. */
	if ((a->binary || a->train) &&
	    (c->compress > 0 || (c->compress == AYAK_COMPRESS_AUTO && c->output &&
				 ayak_compress_from_path(c->output) != AYAK_COMPRESS_NONE)))
		cli_usage_error(c, "%s output is not compressed", a->binary ? "--binary" : "--train");
	if ((a->binary || a->train) && c->level)
		cli_usage_error(c, "%s output is not compressed: --level does not go with it",
				a->binary ? "--binary" : "--train");
	if (a->binary) {
		c->not_text = "binary data";	/* not to a terminal, -o /dev/tty included */
		c->compress = AYAK_COMPRESS_NONE;
	}
}

static void open_tokenizer(struct run *r)
{
	struct cli *c = r->c;
	struct args *a = r->a;

	r->tok = tok_load(a->tokenizer, &a->topts, &c->err);
	if (!r->tok)
		cli_die(c, &c->err);
	/* Text other than the tokenizer's decoder gives would pass for it. */
	if (a->decode && tok_decoder_unsupported(r->tok)) {
		ayak_err_set(&c->err, AYAK_E_DATA, "%s: decoder \"%s\" is not supported by --decode",
			     a->tokenizer, tok_decoder_unsupported(r->tok));
		cli_die(c, &c->err);
	}
	if (a->bos || a->eos)
		tok_set_bos_eos(r->tok, a->bos ? token_arg(c, r->tok, "--bos", a->bos) : BPE_NONE,
				a->eos ? token_arg(c, r->tok, "--eos", a->eos) : BPE_NONE);
	r->enc = tok_enc_new(r->tok, &c->err);
	if (!r->enc)
		cli_die(c, &c->err);
}

static void finish_counts(struct run *r)
{
	struct cli *c = r->c;

	if (r->a->tokenizer && !r->a->decode) {
		ayak_stats_count(&c->stats, "tokens", r->tokens);
		ayak_stats_count(&c->stats, "pretokens", r->counts.pretokens);
		ayak_stats_count(&c->stats, "unknown", r->counts.unknown);
		ayak_stats_count(&c->stats, "special_in_text", r->counts.special_in_text);
	}
}

static int train(struct cli *c, struct args *a, int nfiles, char **files)
{
	struct bpetrain_opts o = { 0 };
	struct bpetrain *bt;
	struct ayak_line line;
	struct ayak_record rec;
	struct ayak_buf text = AYAK_BUF_INIT, json = AYAK_BUF_INIT;
	static const char *const def_special[] = { "<|endoftext|>" };
	const char *out = c->output;
	struct ayak_writer *w;

	o.vocab_size = a->vocab_size ? (uint32_t)a->vocab_size : 32000;
	o.min_frequency = a->min_freq ? a->min_freq : 2;
	o.pattern = a->pattern ? a->pattern : "cl100k";
	o.specials = a->nspecials ? a->specials : (const char **)def_special;
	o.nspecials = a->nspecials ? a->nspecials : 1;
	bt = bpetrain_new(&o, &c->err);
	if (!bt)
		cli_die(c, &c->err);
	c->no_output = 1;
	cli_claim_output(c, "--output", out);
	cli_open(c, nfiles, files);
	/* Now, so that an -o that cannot be written fails before the training, not after. */
	w = cli_open_writer(c, out, AYAK_COMPRESS_NONE);
	ayak_record_init(&rec);
	while (cli_next_record(c, &line, &rec, 0)) {
		const struct ayak_field *f;

		f = cli_string_field(c, &line, &rec, c->field, c->field_len);
		if (!f)
			continue;
		ayak_buf_reset(&text);
		if (ayak_json_decode_string(line.data + f->val, f->val_len, &text, NULL, &c->err) ||
		    bpetrain_add(bt, text.data ? text.data : "", text.len, &c->err))
			cli_die(c, &c->err);
		c->stats.records_out++;
	}
	if (!bpetrain_words(bt)) {
		/* Else a tokenizer of bytes alone, as if trained. */
		ayak_err_set(&c->err, AYAK_E_DATA, "no text to train on");
		c->err.file = NULL;
		c->err.line = 0;
		cli_die(c, &c->err);
	}
	if (bpetrain_run(bt, &json, &c->err))
		cli_die(c, &c->err);
	ayak_stats_count(&c->stats, "words", bpetrain_words(bt));
	ayak_stats_count(&c->stats, "merges", bpetrain_merges(bt));
	if (ayak_writer_write(w, json.data, json.len, &c->err))
		cli_die(c, &c->err);
	/* As ayak-cat --count: records_out the records taken in, bytes_out what was written. */
	c->stats.bytes_out += ayak_writer_bytes(w);
	cli_finish_later(c, w);
	bpetrain_free(bt);
	ayak_record_release(&rec);
	ayak_buf_release(&text);
	ayak_buf_release(&json);
	return cli_finish(c);
}

/* The tokenizer, the segmenter of --words and --sentences, and the outputs. */
static void start_run(struct run *r, int nfiles, char **files)
{
	struct cli *c = r->c;
	struct args *a = r->a;

	/*
	 * For the tests: AYAK_TOK_TEST_MAX_TEXT=N makes N bytes the longest text
	 * -t encodes, and the longest line of a text that --words and --sentences
	 * segment (and the size of the pieces they cut a longer text into);
	 * AYAK_TOK_TEST_MAX_DOC=N, N tokens the most of a --binary document.
	 */
	a->topts.max_text = cli_test_limit("AYAK_TOK_TEST_MAX_TEXT", a->topts.max_text);
	r->max_doc = cli_test_limit("AYAK_TOK_TEST_MAX_DOC", PACK_STREAM_MAX_DOC);
	if (a->tokenizer)
		open_tokenizer(r);
	if (a->words || a->sentences) {
		struct tokseg_opts so = { 0 };

		so.split_clitics = a->clitics;
		so.max_piece = a->topts.max_text;
		r->seg = tokseg_new(&so, &c->err);
		if (!r->seg)
			cli_die(c, &c->err);
	}
	cli_open(c, nfiles, files);
	if (a->binary) {
		unsigned char hdr[PACK_STREAM_HEADER];

		pack_stream_header(hdr, tok_vocab_size(r->tok), tok_eot_id(r->tok));
		if (ayak_writer_write(c->out, hdr, sizeof(hdr), &c->err))
			cli_die(c, &c->err);
		c->stats.bytes_out += sizeof(hdr);
	}
	ayak_record_init(&r->rec);
}

static int finish_run(struct run *r)
{
	struct cli *c = r->c;

	if (r->a->binary) {
		/* Only now: a stream without its end mark is one whose writer did not finish. */
		unsigned char end[PACK_STREAM_TRAILER];

		pack_stream_trailer(end, r->documents);
		if (ayak_writer_write(c->out, end, sizeof(end), &c->err))
			cli_die(c, &c->err);
		c->stats.bytes_out += sizeof(end);
	}
	finish_counts(r);
	tok_enc_free(r->enc);
	tok_free(r->tok);
	tokseg_free(r->seg);
	ayak_record_release(&r->rec);
	bpe_ids_release(&r->ids);
	ayak_buf_release(&r->text);
	ayak_buf_release(&r->val);
	ayak_buf_release(&r->val2);
	ayak_buf_release(&r->out);
	free(r->a->specials);
	return cli_finish(c);
}

int main(int argc, char **argv)
{
	struct cli c;
	struct args a = { 0 };
	struct run r;
	struct ayak_line line;

	cli_init(&c, "ayak-tok", usage);
	digits4_init();
	parse_args(&c, &a, argc, argv);
	check_args(&c, &a);
	cli_rejects_need_skip(&c, NULL, "ayak-tok drops no record without it");
	if (a.train) {
		int ret = train(&c, &a, argc - optind, argv + optind);

		free(a.specials);
		return ret;
	}
	memset(&r, 0, sizeof(r));
	r.c = &c;
	r.a = &a;
	start_run(&r, argc - optind, argv + optind);
	while (cli_next(&c, &line)) {
		if (ayak_line_is_blank(line.data, line.len)) {
			c.stats.records_in--;
			continue;
		}
		if (a.decode) {
			do_decode(&r, &line);
			continue;
		}
		if (!get_text(&r, &line))
			continue;
		if (a.tokenizer)
			do_ids(&r, &line);
		else
			do_segment(&r, &line);
	}
	return finish_run(&r);
}
