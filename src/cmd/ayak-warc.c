/*
 * ayak-warc: WARC, WET and ARC files to records, with the text of HTML
 * pages (charsets detected and converted, main content extracted).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <unicode/uchar.h>

#include "cli.h"
#include "icu.h"
#include "warc.h"

static const char usage[] =
	"Usage: ayak-warc [options] [FILE...]\n"
	"Read WARC, WET or ARC files (plain, gzip, zstd, xz or bzip2) and write one\n"
	"record per response, resource or conversion record: id, url, date,\n"
	"content_type, cc_lang and text.\n"
	"\n"
	"      --types LIST      record types to read: response, resource, conversion\n"
	"                        (comma-separated; default: all three)\n"
	"      --mime LIST       payload types to keep (default:\n"
	"                        text/html,application/xhtml+xml,text/plain; 'text/*' and\n"
	"                        '*' match more)\n"
	"      --min-length N    drop records whose text has fewer than N characters\n"
	"                        (default 1)\n"
	"      --keep-boilerplate  keep navigation, headers, footers, link lists and\n"
	"                        cookie notices (no main-content extraction)\n"
	"      --html            write the page's HTML (as UTF-8) instead of its text\n"
	"      --max-record SIZE skip records whose block is larger (default 64M)\n"
	"      --rejects FILE    with --on-error skip: write each damaged record skipped to\n"
	"                        FILE (records dropped for their type, status, size or\n"
	"                        length are only counted)\n";

enum {
	OPT_TYPES = CLI_OPT_PROGRAM,
	OPT_MIME,
	OPT_MIN_LENGTH,
	OPT_KEEP_BOILERPLATE,
	OPT_HTML,
	OPT_MAX_RECORD,
};

static const struct option options[] = {
	{ "types", required_argument, NULL, OPT_TYPES },
	{ "mime", required_argument, NULL, OPT_MIME },
	{ "min-length", required_argument, NULL, OPT_MIN_LENGTH },
	{ "keep-boilerplate", no_argument, NULL, OPT_KEEP_BOILERPLATE },
	{ "html", no_argument, NULL, OPT_HTML },
	{ "max-record", required_argument, NULL, OPT_MAX_RECORD },
	{ NULL, 0, NULL, 0 },
};

/* The fields ayak-warc writes besides the text: --field cannot be one of them. */
static const char *const own_fields[] = { "id", "url", "date", "content_type", "cc_lang" };

#define REPORT_FIRST 10
#define MAX_MIMES 32

struct opts {
	unsigned types;			/* bit per enum warc_type */
	char *mimes[MAX_MIMES];
	size_t nmimes;
	uint64_t min_length;
	int keep_boilerplate;
	int html;
	uint64_t max_record;
};

struct work {
	struct cli *c;
	struct opts *o;
	struct warc_decoder *dec;
	struct warc_charset *cs;
	struct warc_html *html;
	struct ayak_buf payload;	/* decoded HTTP body */
	struct ayak_buf utf8;		/* converted to UTF-8 */
	struct ayak_buf text;
	struct ayak_buf out;		/* the record */
	/* progress */
	uint64_t done_bytes, total_bytes;
	struct warc_in *in;
};

static void parse_types(struct cli *c, struct opts *o, const char *arg)
{
	char *s = strdup(arg), *tok, *save = NULL;

	if (!s)
		cli_die_nomem(c);
	o->types = 0;
	for (tok = strtok_r(s, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (!strcmp(tok, "response"))
			o->types |= 1u << WARC_T_RESPONSE;
		else if (!strcmp(tok, "resource"))
			o->types |= 1u << WARC_T_RESOURCE;
		else if (!strcmp(tok, "conversion"))
			o->types |= 1u << WARC_T_CONVERSION;
		else
			cli_usage_error(c, "--types wants response, resource or conversion, not '%s'", tok);
	}
	free(s);
	if (!o->types)
		cli_usage_error(c, "--types wants at least one of response, resource, conversion");
}

/* RFC 6838 restricted-name characters. */
static int mime_char(int ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || strchr("!#$&-^_.+", ch);
}

/* A --mime item, lowercased: a star, type/subtype, or a type with a star for subtype. */
static int mime_pattern(const char *m)
{
	const char *slash = strchr(m, '/'), *p;

	if (!strcmp(m, "*"))
		return 1;
	if (!slash || slash == m || !slash[1])
		return 0;
	for (p = m; p < slash; p++)
		if (!mime_char((unsigned char)*p))
			return 0;
	if (!strcmp(slash + 1, "*"))
		return 1;
	for (p = slash + 1; *p; p++)
		if (!mime_char((unsigned char)*p))
			return 0;
	return 1;
}

static void parse_mimes(struct cli *c, struct opts *o, const char *arg)
{
	char *s = strdup(arg), *tok, *save = NULL;
	size_t i;

	if (!s)
		cli_die_nomem(c);
	for (i = 0; i < o->nmimes; i++)
		free(o->mimes[i]);
	o->nmimes = 0;
	for (tok = strtok_r(s, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char m[128];
		size_t len = strlen(tok);

		/* The whole item, lowercased: no parameters, no inner blanks. */
		while (len && (tok[len - 1] == ' ' || tok[len - 1] == '\t'))
			len--;
		for (i = 0; i < len && (tok[i] == ' ' || tok[i] == '\t'); i++)
			;
		if (len - i >= sizeof(m) || warc_mime(tok + i, len - i, m, sizeof(m)) != len - i ||
		    !mime_pattern(m))
			cli_usage_error(c, "--mime wants types like text/html or text/*, not '%s'", tok);
		if (o->nmimes == MAX_MIMES)
			cli_usage_error(c, "--mime takes at most %d types", MAX_MIMES);
		o->mimes[o->nmimes++] = strdup(m);
	}
	free(s);
	if (!o->nmimes)
		cli_usage_error(c, "--mime wants at least one type");
}

static int mime_wanted(const struct opts *o, const char *m)
{
	size_t i;

	for (i = 0; i < o->nmimes; i++) {
		const char *w = o->mimes[i];
		size_t n = strlen(w);

		if (!strcmp(w, "*") || !strcmp(w, m))
			return 1;
		if (n >= 2 && !strcmp(w + n - 2, "/*") && !strncmp(w, m, n - 1))
			return 1;
	}
	return 0;
}

static int is_html_mime(const char *m)
{
	return !strcmp(m, "text/html") || !strcmp(m, "application/xhtml+xml") ||
	       !strcmp(m, "application/xhtml") || !strcmp(m, "text/xhtml");
}

static void oom(struct cli *c)
{
	cli_die_nomem(c);
}

/* A damaged record or damaged compressed data, reported with its offset. */
static void damaged(struct work *w, const char *file, const struct warc_where *where,
		    const char *msg)
{
	struct cli *c = w->c;
	struct ayak_err e;
	char pos[96];

	if (where->compressed)
		snprintf(pos, sizeof(pos), "byte %llu (uncompressed %llu)",
			 (unsigned long long)where->file_offset, (unsigned long long)where->offset);
	else
		snprintf(pos, sizeof(pos), "byte %llu", (unsigned long long)where->offset);
	ayak_err_clear(&e);
	e.code = AYAK_E_DATA;
	e.file = file;
	snprintf(e.msg, sizeof(e.msg), "%s: %.400s", pos, msg);
	if (!c->skip_errors)
		cli_die(c, &e);
	/* A damaged record is a record read and dropped, as in every program. */
	c->stats.records_in++;
	c->stats.errors++;
	ayak_stats_drop(&c->stats, "damaged", 1);
	if (c->stats.errors <= REPORT_FIRST && !c->quiet) {
		if (c->progress_drawn) {
			fputs("\r\033[K", stderr);
			c->progress_drawn = 0;
		}
		fprintf(stderr, "%s: %s: %s\n", c->prog, file, e.msg);
	}
	if (c->rejects) {
		struct ayak_buf *b = &c->scratch;

		ayak_buf_reset(b);
		ayak_buf_addf(b, "{\"reject\":{\"program\":\"%s\",\"reason\":\"damaged\",\"error\":",
			      c->prog);
		ayak_json_encode_string(b, msg, strlen(msg));
		ayak_buf_addstr(b, ",\"file\":");
		ayak_json_encode_string(b, file, strlen(file));
		if (ayak_buf_addf(b, ",\"offset\":%llu", (unsigned long long)where->file_offset) ||
		    (where->compressed &&
		     ayak_buf_addf(b, ",\"uncompressed_offset\":%llu",
				   (unsigned long long)where->offset)) ||
		    ayak_buf_addstr(b, "}}"))
			oom(c);
		cli_write(c, c->rejects, b->data, b->len);
	}
	if (c->stats.errors > c->max_errors) {
		ayak_err_set(&e, AYAK_E_DATA, "too many damaged records (more than %llu)",
			     (unsigned long long)c->max_errors);
		e.file = NULL;
		cli_die(c, &e);
	}
}

static void progress(struct work *w, int final)
{
	struct cli *c = w->c;
	double now = ayak_now(), secs = now - c->t0;
	uint64_t done = w->done_bytes + (w->in ? warc_in_bytes_read(w->in) : 0);
	double mb = (double)done / 1e6;

	if (!final && now - c->last_progress < 0.25)
		return;
	c->last_progress = now;
	fprintf(stderr, "\r\033[K%s: %llu records in, %llu out, %.1f MB, %.0f MB/s", c->prog,
		(unsigned long long)c->stats.records_in, (unsigned long long)c->stats.records_out,
		mb, secs > 0 ? mb / secs : 0.0);
	if (w->total_bytes && done && done <= w->total_bytes && !final) {
		double eta = secs * (double)(w->total_bytes - done) / (double)done;

		fprintf(stderr, ", %.0f%%, ETA %d:%02d", 100.0 * (double)done / (double)w->total_bytes,
			(int)eta / 60, (int)eta % 60);
	}
	c->progress_drawn = 1;
}

/* White space or a control character: Unicode's White_Space or Cc, not ASCII's alone. */
static int blank_char(uint32_t c)
{
	return u_isUWhiteSpace((UChar32)c) || u_charType((UChar32)c) == U_CONTROL_CHAR;
}

/*
 * Blank lines at the start and white space (and control characters) at
 * the end go; the first line keeps its indentation, as the others do.  A
 * line may end in '\r' alone, as old Mac text's do, or in Unicode's
 * other line ends (U+0085, U+2028, U+2029).
 */
static void trim(const char **p, size_t *n)
{
	const unsigned char *s = (const unsigned char *)*p, *end = s + *n, *q = s, *start = s;
	uint32_t c;
	int len;

	while (q < end && (len = ayak_utf8_decode(q, end, &c)) > 0 && blank_char(c)) {
		q += len;
		if (c == '\n' || c == '\r' || c == 0x85 || c == 0x2028 || c == 0x2029)
			start = q;
	}
	if (q == end)
		start = end;
	while (end > start) {
		const unsigned char *last = end - 1;

		while (last > start && (*last & 0xC0) == 0x80 && end - last < 4)
			last--;
		if (ayak_utf8_decode(last, end, &c) != end - last || !blank_char(c))
			break;
		end = last;
	}
	*p = (const char *)start;
	*n = (size_t)(end - start);
}

/* At least min characters in p[0..n)? */
static int long_enough(const char *p, size_t n, uint64_t min)
{
	uint64_t k = 0;
	size_t i;

	if (n < min)
		return 0;	/* fewer bytes than characters wanted */
	for (i = 0; i < n && k < min; i++)
		k += ((unsigned char)p[i] & 0xC0) != 0x80;
	return k >= min;
}

static void add_field(struct cli *c, struct ayak_buf *b, const char *key, struct warc_str v,
		      int *first)
{
	if (ayak_buf_addf(b, "%s\"%s\":", *first ? "{" : ",", key) ||
	    ayak_json_encode_string(b, v.p, v.n))
		oom(c);
	*first = 0;
}

static void process(struct work *w, const struct warc_rec *rec)
{
	struct cli *c = w->c;
	const struct opts *o = w->o;
	struct warc_http http;
	struct warc_str ctype, charset;
	struct warc_charset_info info;
	const char *payload, *text;
	size_t payload_len, text_len;
	char mime[128];
	int first = 1, html, partial = rec->truncated;

	if (!(o->types & (1u << rec->type))) {
		ayak_stats_drop(&c->stats, "type", 1);
		return;
	}
	if (!rec->block) {
		ayak_stats_drop(&c->stats, "too_large", 1);
		return;
	}
	payload = rec->block;
	payload_len = rec->block_len;
	ctype = rec->ctype;
	if (rec->type == WARC_T_RESPONSE && (rec->arc || (ctype.n >= 16 &&
						 !strncasecmp(ctype.p, "application/http", 16)))) {
		int ret;

		if (warc_http_parse(rec->block, rec->block_len, &http)) {
			ayak_stats_drop(&c->stats, "not_http", 1);
			return;
		}
		if (http.status < 200 || http.status > 299) {
			ayak_stats_drop(&c->stats, "status", 1);
			return;
		}
		ctype = http.ctype;
		ret = warc_http_decode(w->dec, &http, (size_t)o->max_record, &w->payload,
				       &payload, &payload_len);
		if (ret < 0)
			oom(c);
		if (ret == WARC_DECODE_FAILED || ret == WARC_DECODE_UNSUPPORTED) {
			ayak_stats_drop(&c->stats, "encoding", 1);
			return;
		}
		if (ret == WARC_DECODE_PARTIAL)
			partial = 1;
	}
	if (partial)
		ayak_stats_count(&c->stats, "partial_payload", 1);
	if (!warc_mime(ctype.p, ctype.n, mime, sizeof(mime))) {
		if (rec->type == WARC_T_CONVERSION)
			strcpy(mime, "text/plain");
		else if (rec->payload_type.n)
			warc_mime(rec->payload_type.p, rec->payload_type.n, mime, sizeof(mime));
		else if (warc_sniff_html(payload, payload_len))
			strcpy(mime, "text/html");
		else
			strcpy(mime, "application/octet-stream");
	}
	if (!mime_wanted(o, mime)) {
		ayak_stats_drop(&c->stats, "mime", 1);
		return;
	}
	html = is_html_mime(mime);
	charset = warc_ctype_charset(ctype.p, ctype.n);
	if (warc_to_utf8(w->cs, payload, payload_len, charset, html, &w->utf8, &text, &text_len,
			 &info, &c->err))
		cli_die(c, &c->err);
	if (info.source == WARC_CS_DETECTED)
		ayak_stats_count(&c->stats, "charset_detected", 1);
	if (strcmp(info.name, "UTF-8"))
		ayak_stats_count(&c->stats, "charset_converted", 1);
	if (html && !o->html) {
		struct warc_html_stats hs;

		ayak_buf_reset(&w->text);
		if (warc_html_text(w->html, text, text_len,
				   o->keep_boilerplate ? WARC_HTML_KEEP_BOILERPLATE : 0, &w->text, &hs))
			oom(c);
		ayak_stats_count(&c->stats, "html", 1);
		ayak_stats_count(&c->stats, "boilerplate_blocks", hs.blocks_dropped);
		text = w->text.data ? w->text.data : "";
		text_len = w->text.len;
	}
	trim(&text, &text_len);
	if (!text_len) {
		ayak_stats_drop(&c->stats, "empty", 1);
		return;
	}
	if (!long_enough(text, text_len, o->min_length)) {
		ayak_stats_drop(&c->stats, "short", 1);
		return;
	}

	ayak_buf_reset(&w->out);
	if (rec->id.n)
		add_field(c, &w->out, "id", rec->id, &first);
	if (rec->url.n)
		add_field(c, &w->out, "url", rec->url, &first);
	if (rec->date.n)
		add_field(c, &w->out, "date", rec->date, &first);
	add_field(c, &w->out, "content_type", (struct warc_str){ mime, strlen(mime) }, &first);
	if (rec->lang.n)
		add_field(c, &w->out, "cc_lang", rec->lang, &first);
	if (ayak_buf_add(&w->out, ",", 1) ||
	    ayak_json_encode_string(&w->out, c->field, c->field_len) ||
	    ayak_buf_add(&w->out, ":", 1) ||
	    ayak_json_encode_string(&w->out, text, text_len) ||
	    ayak_buf_add(&w->out, "}", 1))
		oom(c);
	cli_emit(c, w->out.data, w->out.len);
}

static void read_file(struct work *w, const char *path)
{
	struct cli *c = w->c;
	const char *name = strcmp(path, "-") ? path : "(stdin)";
	struct warc_reader *r = warc_reader_new(path, (size_t)w->o->max_record, &c->err);
	struct warc_rec rec;
	struct warc_where where;
	int ret;

	if (!r)
		cli_die(c, &c->err);
	w->in = warc_reader_stream(r);
	for (;;) {
		ayak_err_clear(&c->err);
		ret = warc_reader_next(r, &rec, &where, &c->err);
		if (ret == 0)
			break;
		if (ret < 0) {
			if (c->err.code != AYAK_E_DATA) {
				c->err.file = name;
				cli_die(c, &c->err);
			}
			damaged(w, name, &where, c->err.msg);
			continue;
		}
		c->stats.records_in++;
		c->stats.bytes_in += rec.length;
		process(w, &rec);
		if (c->progress && (c->stats.records_in & 255) == 0 && isatty(2))
			progress(w, 0);
	}
	if (warc_reader_skipped(r))
		ayak_stats_count(&c->stats, "bytes_skipped", warc_reader_skipped(r));
	w->done_bytes += warc_in_bytes_read(w->in);
	w->in = NULL;
	warc_reader_free(r);
}

/* Every counter is written, zeros included, so that --stats has one layout. */
static const char *const counters[] = {
	"html", "boilerplate_blocks", "charset_converted", "charset_detected",
	"partial_payload", "bytes_skipped",
};

static void parse_options(struct cli *c, struct opts *o, int argc, char **argv)
{
	int opt;
	size_t i;

	memset(o, 0, sizeof(*o));
	o->types = (1u << WARC_T_RESPONSE) | (1u << WARC_T_RESOURCE) | (1u << WARC_T_CONVERSION);
	o->min_length = 1;
	o->max_record = 64u << 20;
	parse_mimes(c, o, "text/html,application/xhtml+xml,text/plain");
	while ((opt = cli_getopt(c, argc, argv, "", options)) != -1) {
		switch (opt) {
		case OPT_TYPES:
			parse_types(c, o, optarg);
			break;
		case OPT_MIME:
			parse_mimes(c, o, optarg);
			break;
		case OPT_MIN_LENGTH:
			if (ayak_parse_u64(optarg, &o->min_length))
				cli_usage_error(c, "--min-length wants a whole number, not '%s'", optarg);
			break;
		case OPT_KEEP_BOILERPLATE:
			o->keep_boilerplate = 1;
			break;
		case OPT_HTML:
			o->html = 1;
			break;
		case OPT_MAX_RECORD:
			if (ayak_parse_size(optarg, &o->max_record) || !o->max_record ||
			    o->max_record > ((uint64_t)1 << 40))
				cli_usage_error(c, "--max-record wants a size like 64M, not '%s'", optarg);
			break;
		default:
			cli_usage_error(c, "unexpected option");
		}
	}
	for (i = 0; i < sizeof(own_fields) / sizeof(own_fields[0]); i++)
		if (!strcmp(c->field, own_fields[i]))
			cli_usage_error(c, "--field cannot be '%s': ayak-warc writes that field itself",
					c->field);
	/* the WARC records it drops by type, status or size are counted, not rejects */
	cli_rejects_need_skip(c, NULL, "only the damaged records it skips go there");
	cli_check_options(c);
	/* the HTML is written whole: there is no extraction to keep the boilerplate from */
	if (o->html && o->keep_boilerplate)
		cli_usage_error(c, "--keep-boilerplate does not go with --html");
}

/* Every input is checked before any output; their sizes make the --progress total. */
static void check_readable(struct work *w, int nfiles, char **files)
{
	int i;

	for (i = 0; i < nfiles; i++) {
		struct stat st;

		if (!strcmp(files[i], "-"))
			continue;
		if (stat(files[i], &st) || (S_ISDIR(st.st_mode) && (errno = EISDIR)) ||
		    access(files[i], R_OK)) {
			ayak_err_sys(&w->c->err, errno, "%s", files[i]);
			cli_die(w->c, &w->c->err);
		}
		if (S_ISREG(st.st_mode))
			w->total_bytes += (uint64_t)st.st_size;
	}
}

/* The decoders, the outputs and the counters, which --stats lists even at 0. */
static void open_work(struct work *w)
{
	struct cli *c = w->c;
	size_t i;

	if (ayak_icu_init(&c->err))
		cli_die(c, &c->err);
	w->dec = warc_decoder_new();
	w->cs = warc_charset_new();
	w->html = warc_html_new();
	if (!w->dec || !w->cs || !w->html)
		oom(c);
	c->out = cli_open_writer(c, c->output, c->compress);
	if (c->rejects_path)
		c->rejects = cli_open_writer(c, c->rejects_path, AYAK_COMPRESS_AUTO);
	/* Opened now, as in every program, so that a name that cannot be written shows before any work. */
	if (c->stats_path)
		c->stats_out = cli_open_writer(c, c->stats_path, AYAK_COMPRESS_NONE);
	c->last_progress = c->t0;
	for (i = 0; i < sizeof(counters) / sizeof(counters[0]); i++)
		ayak_stats_count(&c->stats, counters[i], 0);
}

static void close_work(struct work *w)
{
	struct cli *c = w->c;
	size_t i;

	if (c->progress && c->progress_drawn) {
		progress(w, 1);
		fputc('\n', stderr);
		c->progress_drawn = 0;
	}
	warc_decoder_free(w->dec);
	warc_charset_free(w->cs);
	warc_html_free(w->html);
	ayak_buf_release(&w->payload);
	ayak_buf_release(&w->utf8);
	ayak_buf_release(&w->text);
	ayak_buf_release(&w->out);
	for (i = 0; i < w->o->nmimes; i++)
		free(w->o->mimes[i]);
}

int main(int argc, char **argv)
{
	static char *stdin_only[] = { "-" };
	struct cli c;
	struct opts o;
	struct work w;
	int nfiles, i;
	char **files;

	cli_init(&c, "ayak-warc", usage);
	c.shared_off = CLI_OWN_REJECTS;
	parse_options(&c, &o, argc, argv);
	/* Two outputs naming one file, by any name, would overwrite each other. */
	cli_claim_records_output(&c);
	cli_claim_output(&c, "--rejects", c.rejects_path);
	cli_claim_output(&c, "--stats", c.stats_path);

	nfiles = argc - optind;
	files = argv + optind;
	if (!nfiles) {
		nfiles = 1;
		files = stdin_only;
	}
	cli_check_inputs(&c, nfiles, files);
	memset(&w, 0, sizeof(w));
	w.c = &c;
	w.o = &o;
	check_readable(&w, nfiles, files);
	open_work(&w);
	for (i = 0; i < nfiles; i++)
		read_file(&w, files[i]);
	close_work(&w);
	return cli_finish(&c);
}
