/*
 * ayak-cat: concatenate, decompress, recompress, validate and split
 * record files.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char usage[] =
	"Usage: ayak-cat [options] [FILE...]\n"
	"Concatenate record files (plain, gzip, zstd, xz or bzip2) to standard output.\n"
	"\n"
	"      --validate        check every record: a JSON object, valid UTF-8,\n"
	"                        the text field present as a string\n"
	"      --head N          only the first N records\n"
	"      --count           print {\"records\":N,\"bytes\":B} instead of the records\n"
	"      --split N         write shards of N records: PREFIX-00000.jsonl.zst, ...\n"
	"      --split-bytes SIZE  write shards of at most SIZE bytes (K, M, G, T; 1.5G)\n"
	"                        (--split and --split-bytes take the PREFIX from -o;\n"
	"                        given both, a shard ends at whichever limit comes first)\n";

enum {
	OPT_VALIDATE = CLI_OPT_PROGRAM,
	OPT_HEAD,
	OPT_COUNT,
	OPT_SPLIT,
	OPT_SPLIT_BYTES,
};

static const struct option options[] = {
	{ "validate", no_argument, NULL, OPT_VALIDATE },
	{ "head", required_argument, NULL, OPT_HEAD },
	{ "count", no_argument, NULL, OPT_COUNT },
	{ "split", required_argument, NULL, OPT_SPLIT },
	{ "split-bytes", required_argument, NULL, OPT_SPLIT_BYTES },
	{ NULL, 0, NULL, 0 },
};

struct splitter {
	const char *prefix;
	int compress;
	uint64_t max_records, max_bytes;
	uint64_t records, bytes;	/* in the open shard */
	unsigned number;
	struct ayak_writer *w;
	struct ayak_buf name;
};

static void split_close(struct cli *c, struct splitter *s)
{
	struct ayak_writer *w = s->w;

	s->w = NULL;
	c->out = NULL;
	if (w && ayak_writer_close(w, &c->err))
		cli_die(c, &c->err);
}

static const char *shard_name(struct cli *c, struct splitter *s, unsigned number)
{
	ayak_buf_reset(&s->name);
	if (ayak_buf_addf(&s->name, "%s-%05u.jsonl%s", s->prefix, number,
			  ayak_compress_suffix(s->compress)))
		cli_die_nomem(c);
	return s->name.data;
}

static void split_write(struct cli *c, struct splitter *s, const char *p, size_t n)
{
	int full = s->w && ((s->max_records && s->records >= s->max_records) ||
			    (s->max_bytes && s->bytes + n + 1 > s->max_bytes));

	if (full)
		split_close(c, s);
	if (!s->w) {
		if (s->number >= AYAK_SHARDS_MAX) {
			ayak_err_set(&c->err, AYAK_E_SYS, "%s: more than %u shards: use a larger "
				     "--split or --split-bytes", s->prefix, AYAK_SHARDS_MAX);
			cli_die(c, &c->err);
		}
		s->w = cli_open_writer(c, shard_name(c, s, s->number++), s->compress);
		/* cli_die must not leave this shard's temporary file behind. */
		c->out = s->w;
		s->records = s->bytes = 0;
	}
	s->records++;
	s->bytes += n + 1;
	cli_emit(c, p, n);
}

static int check_record(struct cli *c, struct ayak_record *rec,
			const struct ayak_line *line)
{
	if (ayak_record_parse(rec, line->data, line->len, 0, &c->err)) {
		cli_parse_failed(c, line);
		return 0;
	}
	return cli_string_field(c, line, rec, c->field, c->field_len) != NULL;
}

struct cat_opts {
	uint64_t head;		/* records to write, at most */
	int validate, count;
};

static void parse_options(struct cli *c, struct cat_opts *o, struct splitter *split, int argc,
			  char **argv)
{
	int opt;

	while ((opt = cli_getopt(c, argc, argv, "", options)) != -1) {
		switch (opt) {
		case OPT_VALIDATE:
			o->validate = 1;
			break;
		case OPT_HEAD:
			if (ayak_parse_u64(optarg, &o->head))
				cli_usage_error(c, "--head wants a whole number, not '%s'", optarg);
			break;
		case OPT_COUNT:
			o->count = 1;
			break;
		case OPT_SPLIT:
			if (ayak_parse_u64(optarg, &split->max_records) || !split->max_records)
				cli_usage_error(c, "--split wants a positive number, not '%s'", optarg);
			break;
		case OPT_SPLIT_BYTES:
			if (ayak_parse_size(optarg, &split->max_bytes) || !split->max_bytes)
				cli_usage_error(c, "--split-bytes wants a size like 256M, not '%s'", optarg);
			break;
		default:
			cli_usage_error(c, "unexpected option");
		}
	}
}

/* --split: the records go to numbered shards PREFIX-NNNNN.jsonl[.zst], not to -o. */
static void split_start(struct cli *c, const struct cat_opts *o, struct splitter *split)
{
	const char *suffix;

	if (!c->output || !strcmp(c->output, "-"))
		cli_usage_error(c, "--split and --split-bytes need -o PREFIX");
	if (o->count)
		cli_usage_error(c, "--count does not go with --split");
	split->prefix = c->output;
	split->compress = c->compress == AYAK_COMPRESS_AUTO ? AYAK_COMPRESS_ZSTD : c->compress;
	c->no_output = 1;
	if (ayak_buf_addf(&split->name, ".jsonl%s", ayak_compress_suffix(split->compress)))
		cli_die_nomem(c);
	/* a --stats or --rejects file named like a shard is that shard */
	suffix = split->name.data;
	cli_claim_like_numbered(c, "the shards of --split", c->stats_path, split->prefix, &suffix, 1);
	cli_claim_like_numbered(c, "the shards of --split", c->rejects_path, split->prefix, &suffix,
				1);
	cli_own_output(c, shard_name(c, split, 0));	/* for --level */
}

static void split_finish(struct cli *c, struct splitter *split)
{
	split_close(c, split);
	/* Shards an earlier, larger run left would mix with these in PREFIX-*. */
	ayak_buf_reset(&split->name);
	if (ayak_buf_addf(&split->name, ".jsonl%s", ayak_compress_suffix(split->compress)))
		cli_die_nomem(c);
	if (ayak_remove_numbered(split->prefix, split->name.data, split->number, &c->err))
		cli_die(c, &c->err);
	ayak_buf_release(&split->name);
}

/* --count: one line, {"records":N,"bytes":N}, in place of the records. */
static void write_count(struct cli *c, uint64_t bytes)
{
	char buf[96];
	int n = snprintf(buf, sizeof(buf), "{\"records\":%llu,\"bytes\":%llu}",
			 (unsigned long long)c->stats.records_out, (unsigned long long)bytes);

	cli_write(c, c->out, buf, (size_t)n);
	/* records_out: the records counted, as ayak-stats has it; bytes_out: this line. */
	c->stats.bytes_out += (uint64_t)n + 1;
}

int main(int argc, char **argv)
{
	struct cli c;
	struct ayak_record rec;
	struct ayak_line line;
	struct splitter split = { 0 };
	struct cat_opts o = { UINT64_MAX, 0, 0 };
	uint64_t count_bytes = 0;
	const char *unread;

	cli_init(&c, "ayak-cat", usage);
	parse_options(&c, &o, &split, argc, argv);
	/* Only --validate reads them; naming a default (--on-error fail) changes nothing. */
	unread = o.validate ? NULL : cli_record_option(&c, "text");
	if (unread)
		cli_usage_error(&c, "%s needs --validate (without it no record is checked)", unread);
	cli_rejects_need_skip(&c, NULL, "ayak-cat drops no record without it");
	if (split.max_records || split.max_bytes)
		split_start(&c, &o, &split);
	cli_open(&c, argc - optind, argv + optind);
	ayak_record_init(&rec);
	while (c.stats.records_out < o.head && cli_next(&c, &line)) {
		if (ayak_line_is_blank(line.data, line.len)) {
			c.stats.records_in--;	/* not a record */
			continue;
		}
		if (o.validate && !check_record(&c, &rec, &line))
			continue;
		if (o.count) {
			c.stats.records_out++;
			count_bytes += line.len + 1;
		} else if (split.prefix)
			split_write(&c, &split, line.data, line.len);
		else
			cli_emit(&c, line.data, line.len);
	}
	if (o.count)
		write_count(&c, count_bytes);
	if (split.prefix)
		split_finish(&c, &split);
	ayak_record_release(&rec);
	return cli_finish(&c);
}
