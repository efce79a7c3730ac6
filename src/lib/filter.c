/*
 * ayak-filter's engine: builds the rules from the parameters and runs a
 * document through them in order (URL rules and the blocklist, line
 * cleanup, text rules, Gopher repetition, C4, FineWeb, Gopher quality),
 * then redacts what it keeps.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/uidna.h>

#include "filter-int.h"
#include "json.h"

const char *const filter_value_names[FV_COUNT] = {
	[FV_WORDS] = "words",
	[FV_MEAN_WORD_LENGTH] = "mean_word_length",
	[FV_HASH_RATIO] = "hash_ratio",
	[FV_ELLIPSIS_RATIO] = "ellipsis_ratio",
	[FV_BULLET_LINES] = "bullet_lines",
	[FV_ELLIPSIS_LINES] = "ellipsis_lines",
	[FV_ALPHA_WORDS] = "alpha_words",
	[FV_STOPWORDS] = "stopwords",
	[FV_DUP_PARAS] = "dup_paras",
	[FV_DUP_PARA_CHARS] = "dup_para_chars",
	[FV_DUP_LINES] = "dup_lines",
	[FV_DUP_LINE_CHARS] = "dup_line_chars",
	[FV_TOP_2_GRAM] = "top_2_gram",
	[FV_TOP_3_GRAM] = "top_3_gram",
	[FV_TOP_4_GRAM] = "top_4_gram",
	[FV_DUP_5_GRAM] = "dup_5_gram",
	[FV_DUP_6_GRAM] = "dup_6_gram",
	[FV_DUP_7_GRAM] = "dup_7_gram",
	[FV_DUP_8_GRAM] = "dup_8_gram",
	[FV_DUP_9_GRAM] = "dup_9_gram",
	[FV_DUP_10_GRAM] = "dup_10_gram",
	[FV_LINE_PUNCT] = "line_punct",
	[FV_SHORT_LINES] = "short_lines",
	[FV_CHAR_DUP] = "char_dup",
	[FV_NEW_LINES] = "new_lines",
	[FV_C4_SENTENCES] = "c4_sentences",
};

static const char *const line_reason_names[FLR_COUNT] = {
	"pattern", "boilerplate", "short", "c4",
};

/* ---- building ---- */

/*
 * The lines of a lexicon file that hold something: blank lines and lines
 * starting with '#' skipped, white space around cut, and the text checked
 * (fl_text_check(), with the file and line named).
 */
struct lexicon_lines {
	struct ayak_buf text;
	size_t pos;
	const char *path;
	unsigned lineno;
	const char *line;		/* the current line, line[0..n) */
	size_t n, b, e;			/* what it holds: line[b..e) */
};

/* Returns 1 with the next line in r, 0 at the end of the file, -1 on an error (err set). */
static int lexicon_next(struct lexicon_lines *r, struct ayak_err *err)
{
	while (ayak_next_line(r->text.data, r->text.len, &r->pos, &r->line, &r->n)) {
		r->lineno++;
		fl_strip(r->line, r->n, &r->b, &r->e);
		if (r->b == r->e || r->line[r->b] == '#')
			continue;
		if (fl_text_check(r->line + r->b, r->e - r->b, err)) {
			err->file = r->path;
			err->line = r->lineno;
			return -1;
		}
		return 1;
	}
	return 0;
}

/* A lexicon line's error: a usage error naming the file and line. */
static int lexicon_bad(const struct lexicon_lines *r, struct ayak_err *err)
{
	err->file = r->path;
	err->line = r->lineno;
	return -1;
}

/* At most 80 bytes of s, cut at a character boundary, for a message. */
static int quote_len(const char *s, size_t n)
{
	if (n <= 80)
		return (int)n;
	for (n = 80; n && ((unsigned char)s[n] & 0xC0) == 0x80; n--)
		;
	return (int)n;
}

/*
 * One word per line: the text splits at white space, so that a stopword
 * holding some would match nothing.
 */
static int load_stopwords(struct filter *f, const char *path, struct ayak_err *err)
{
	struct lexicon_lines r = { .text = AYAK_BUF_INIT, .path = path };
	int ret = ayak_read_file(path, &r.text, err), more = 0;

	while (!ret && (more = lexicon_next(&r, err)) > 0) {
		size_t i;
		int len;

		for (i = r.b; i < r.e; i += (size_t)len)
			if (fl_space_at((const unsigned char *)r.line, r.e, i, &len))
				break;
		if (i < r.e) {
			ayak_err_set(err, AYAK_E_USAGE, "one word per line, not '%.*s'",
				     quote_len(r.line + r.b, r.e - r.b), r.line + r.b);
			ret = lexicon_bad(&r, err);
		} else if (fl_strset_add(&f->stopwords, r.line + r.b, r.e - r.b)) {
			ret = ayak_err_set(err, AYAK_E_SYS, "out of memory");
		}
	}
	ayak_buf_release(&r.text);
	return ret || more < 0 ? -1 : 0;
}

/*
 * The host of a URL in lower case, percent-escapes decoded
 * (ayak_url_host_lower: without user, port or final dot), or empty;
 * bare: a blocklist line, whose first segment is a host whatever it looks
 * like.
 */
static int url_host(const char *u, size_t n, int bare, struct ayak_buf *out)
{
	ayak_buf_reset(out);
	if (ayak_url_host_lower(u, n, bare, out) || ayak_buf_grow(out, 0))
		return -1;
	out->data[out->len] = '\0';
	return 0;
}

/*
 * A host with a byte outside ASCII in the ASCII form IDNA gives it
 * (UTS #46: 'B\u00dcCHER.example' is 'xn--bcher-kva.example'), so that the
 * blocklist and the URLs can write a name either way; a host that is no
 * valid IDN stays as it is.
 */
static int idna_ascii(struct filter *f, struct ayak_buf *h)
{
	UErrorCode st = U_ZERO_ERROR;
	UIDNAInfo info = UIDNA_INFO_INITIALIZER;
	size_t i;
	int32_t n;

	for (i = 0; i < h->len && (unsigned char)h->data[i] < 0x80; i++)
		;
	if (i == h->len || h->len > 1024)
		return 0;
	if (!f->idna) {
		f->idna = uidna_openUTS46(UIDNA_NONTRANSITIONAL_TO_ASCII, &st);
		if (U_FAILURE(st))
			return st == U_MEMORY_ALLOCATION_ERROR ? -1 : 0;
	}
	ayak_buf_reset(&f->idn);
	if (ayak_buf_grow(&f->idn, 4 * h->len + 64))
		return -1;
	n = uidna_nameToASCII_UTF8(f->idna, h->data, (int32_t)h->len, f->idn.data,
				   (int32_t)f->idn.cap, &info, &st);
	if (st == U_MEMORY_ALLOCATION_ERROR)
		return -1;
	if (U_FAILURE(st) || info.errors || n <= 0 || (size_t)n >= f->idn.cap)
		return 0;
	ayak_buf_reset(h);
	if (ayak_buf_add(h, f->idn.data, (size_t)n))
		return -1;
	h->data[h->len] = '\0';
	return 0;
}

/* A hosts file's address: IPv4 (digits and dots) or IPv6 (hex digits and a ':'). */
static int host_address(const char *s, size_t n)
{
	size_t i;
	int dot = 0, colon = 0, hex = 0;

	for (i = 0; i < n; i++) {
		char ch = s[i];

		if (ch == '.')
			dot = 1;
		else if (ch == ':')
			colon = 1;
		else if ((ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F'))
			hex = 1;
		else if (ch < '0' || ch > '9')
			return 0;
	}
	return colon || (dot && !hex);
}

static int blocklist_add(struct filter *f, const char *s, size_t n, struct ayak_buf *host)
{
	while (n && (*s == '*' || *s == '.')) {
		s++;
		n--;
	}
	if (url_host(s, n, 1, host) || idna_ascii(f, host))
		return -1;
	return host->len ? fl_strset_add(&f->blocklist, host->data, host->len) : 0;
}

/*
 * One domain per line, or a hosts-file line: an address, then one name
 * or more ("0.0.0.0 a.example b.example", "::1 localhost").
 */
static int load_blocklist(struct filter *f, const char *path, struct ayak_err *err)
{
	struct lexicon_lines r = { .text = AYAK_BUF_INIT, .path = path };
	struct ayak_buf host = AYAK_BUF_INIT;
	int ret = ayak_read_file(path, &r.text, err), more = 0;

	while (!ret && (more = lexicon_next(&r, err)) > 0) {
		const char *line = r.line, *hash = memchr(line, '#', r.n);
		size_t b, e, w, we;

		/* the whole line was checked, its comment too, as in the other files */
		fl_strip(line, hash ? (size_t)(hash - line) : r.n, &b, &e);
		if (b == e)
			continue;
		for (we = b; we < e && line[we] != ' ' && line[we] != '\t'; we++)
			;
		if (we == e) {
			if (blocklist_add(f, line + b, e - b, &host))
				ret = ayak_err_set(err, AYAK_E_SYS, "out of memory");
			continue;
		}
		if (!host_address(line + b, we - b)) {
			ayak_err_set(err, AYAK_E_USAGE,
				     "one domain per line, or an address and names as in a hosts file, not '%.*s'",
				     quote_len(line + b, e - b), line + b);
			ret = lexicon_bad(&r, err);
			break;
		}
		/* the names after the address */
		for (w = we; !ret && w < e; w = we) {
			while (w < e && (line[w] == ' ' || line[w] == '\t'))
				w++;
			for (we = w; we < e && line[we] != ' ' && line[we] != '\t'; we++)
				;
			if (w < we && blocklist_add(f, line + w, we - w, &host))
				ret = ayak_err_set(err, AYAK_E_SYS, "out of memory");
		}
	}
	ayak_buf_release(&r.text);
	ayak_buf_release(&host);
	return ret || more < 0 ? -1 : 0;
}

static int blocked(const struct filter *f, const char *h, size_t n)
{
	size_t i;

	if (fl_strset_has(&f->blocklist, h, n))
		return 1;
	for (i = 0; i < n; i++)
		if (h[i] == '.' && i + 1 < n && fl_strset_has(&f->blocklist, h + i + 1, n - i - 1))
			return 1;
	return 0;
}

/*
 * Can a rule's regex sit inside a bigger one?  Not with \Q (it would
 * quote what follows), extended mode (a # comment would run on) or a
 * verb or start-of-pattern option.
 */
static int combinable(const char *src)
{
	const char *p = src;

	/* anchored at line starts, or the combined regex would try every position */
	if (!strncmp(p, "(?i)", 4))
		p += 4;
	if (*p != '^')
		return 0;

	if (strstr(src, "\\Q") || strstr(src, "(*"))
		return 0;
	/* an option group that turns on extended mode, (?x) or (?ix:...), not (?<!x) */
	for (p = strstr(src, "(?"); p; p = strstr(p + 2, "(?")) {
		const char *q = p + 2;
		int x = 0;

		while (*q && strchr("imnsxJU-^", *q))
			x |= *q++ == 'x';
		if (x && (*q == ')' || *q == ':'))
			return 0;
	}
	return 1;
}

/*
 * All line rules of one action as one regex, (?|(?:r1)|(?:r2)|...), so
 * that the text is scanned once, not once per rule (one rule alone is
 * "combined" too, for the line start test below).  NULL when they cannot
 * be combined: each then runs on its own.
 */
static pcre2_code *combine_line_rules(const struct filter_rules *r, int action,
				      pcre2_code **anchored)
{
	struct ayak_buf b = AYAK_BUF_INIT;
	pcre2_code *re = NULL;
	size_t i, n = 0;
	PCRE2_SIZE eoff;
	int ec;

	for (i = 0; i < r->n; i++) {
		if (r->r[i].target != FT_LINE || r->r[i].action != action ||
		    !combinable(r->r[i].src))
			continue;
		if (ayak_buf_addstr(&b, n++ ? ")|(?:" : "(?|(?:") ||
		    ayak_buf_addstr(&b, r->r[i].src))
			goto out;
	}
	if (n < 1 || ayak_buf_addstr(&b, "))"))
		goto out;
	re = pcre2_compile((PCRE2_SPTR)b.data, b.len, PCRE2_UTF | PCRE2_UCP | PCRE2_MULTILINE,
			   &ec, &eoff, NULL);
	if (!re)
		goto out;
	/*
	 * The same anchored, to run line by line (PCRE2_ANCHORED at match
	 * time would not run JIT code).  The caller JIT-compiles the one it
	 * uses.
	 */
	*anchored = pcre2_compile((PCRE2_SPTR)b.data, b.len,
				  PCRE2_UTF | PCRE2_UCP | PCRE2_MULTILINE | PCRE2_ANCHORED,
				  &ec, &eoff, NULL);
	for (i = 0; i < r->n; i++)
		if (r->r[i].target == FT_LINE && r->r[i].action == action &&
		    combinable(r->r[i].src))
			r->r[i].combined = 1;
out:
	ayak_buf_release(&b);
	return re;
}

/*
 * May the combined regex of these rules be run line start by line start,
 * with line_may_match() (filter-lines.c) testing the beginning of each
 * line first?  Its matches must begin only at the search start or after
 * a "\n" (PCRE2's startline, with LF newlines), never be empty, and never
 * look at what comes before their start (lookbehinds, \G), or the test
 * would not hold.
 */
static int line_start_test(const struct filter_rules *r, int action, const pcre2_code *re)
{
	uint32_t type, nl, minlen;
	size_t i;

	if (pcre2_pattern_info(re, PCRE2_INFO_FIRSTCODETYPE, &type) || type != 2 ||
	    pcre2_pattern_info(re, PCRE2_INFO_NEWLINE, &nl) || nl != PCRE2_NEWLINE_LF ||
	    pcre2_pattern_info(re, PCRE2_INFO_MINLENGTH, &minlen) || minlen < 1)
		return 0;
	for (i = 0; i < r->n; i++)
		if (r->r[i].combined && r->r[i].action == action &&
		    (strstr(r->r[i].src, "(?<=") || strstr(r->r[i].src, "(?<!") ||
		     strstr(r->r[i].src, "\\G")))
			return 0;
	return 1;
}

struct filter *filter_new(const struct filter_params *p, struct ayak_err *err)
{
	struct filter *f = calloc(1, sizeof(*f));
	struct ayak_buf text = AYAK_BUF_INIT;
	size_t i, k;
	int j;

	if (!f) {
		ayak_err_set(err, AYAK_E_SYS, "out of memory");
		return NULL;
	}
	memcpy(f->v, p->v, sizeof(f->v));
	f->rules = filter_rules_new();
	f->md = pcre2_match_data_create(1, NULL);
	f->mctx = pcre2_match_context_create(NULL);
	f->jit = pcre2_jit_stack_create(32 * 1024, 1024 * 1024, NULL);
	if (!f->rules || !f->md || !f->mctx || !f->jit)
		goto oom;
	pcre2_jit_stack_assign(f->mctx, NULL, f->jit);
	for (j = 0; j < p->nfiles[FL_STOPWORDS]; j++)
		if (load_stopwords(f, p->files[FL_STOPWORDS][j], err))
			goto fail;
	for (i = 0; i < f->stopwords.n; i++) {
		unsigned char c = (unsigned char)f->stopwords.s[i][0];

		if (f->stopwords.len[i] < 64)
			f->sw_lens |= 1ULL << f->stopwords.len[i];
		f->sw_first[c >> 6] |= 1ULL << (c & 63);
	}
	for (j = 0; j < p->nfiles[FL_BOILERPLATE]; j++)
		if (fl_lexicon_load(&f->boiler, p->files[FL_BOILERPLATE][j], err))
			goto fail;
	f->has_boiler = f->boiler.line.n + f->boiler.prefix.n + f->boiler.suffix.n > 0;
	for (j = 0; j < p->nfiles[FL_RULES]; j++) {
		if (ayak_read_file(p->files[FL_RULES][j], &text, err) ||
		    filter_rules_parse(f->rules, text.data ? text.data : "", text.len,
				       p->files[FL_RULES][j], 1, err))
			goto fail;
	}
	for (j = 0; j < p->nfiles[FL_BLOCKLIST]; j++)
		if (load_blocklist(f, p->files[FL_BLOCKLIST][j], err))
			goto fail;
	for (i = 0; i < f->rules->n; i++) {
		const struct fl_rule *r = &f->rules->r[i];

		f->has_line_rules |= r->target == FT_LINE;
		f->has_url_rules |= r->target == FT_URL || r->target == FT_DOMAIN;
		f->has_text_rules |= r->target == FT_TEXT && r->action != FA_REDACT;
		if (r->action == FA_REDACT)
			f->nredact++;
	}
	f->redact_names = calloc(f->nredact + 1, sizeof(*f->redact_names));
	f->redact_counts = calloc(f->nredact + 1, sizeof(*f->redact_counts));
	if (!f->redact_names || !f->redact_counts)
		goto oom;
	for (i = 0, k = 0; i < f->rules->n; i++)
		if (f->rules->r[i].action == FA_REDACT)
			f->redact_names[k++] = f->rules->r[i].name;
	f->has_redact_rules = f->nredact > 0;
	for (j = FA_KEEP; j <= FA_DROP; j++) {
		f->line_re[j] = combine_line_rules(f->rules, j, &f->line_anch[j]);
		if (!f->line_re[j])
			continue;
		if (f->line_anch[j] && line_start_test(f->rules, j, f->line_re[j])) {
			/* line by line: complete matches, and partial ones for the test */
			if (!(f->line_memo[j] = calloc(FL_MEMO_SIZE, 1)))
				goto oom;
			pcre2_jit_compile(f->line_anch[j], PCRE2_JIT_COMPLETE | PCRE2_JIT_PARTIAL_HARD);
		} else {
			pcre2_code_free(f->line_anch[j]);
			f->line_anch[j] = NULL;
			pcre2_jit_compile(f->line_re[j], PCRE2_JIT_COMPLETE);
		}
	}
	for (i = FP_DUP_LINE_FRAC; i <= FP_NEW_LINE_RATIO; i++)
		f->any_quality |= !isnan(f->v[i]);
	for (i = FP_MIN_DOC_WORDS; i <= FP_MIN_STOP_WORDS; i++)
		f->any_quality |= !isnan(f->v[i]);
	f->any_quality |= f->v[FP_C4] == 1;
	ayak_buf_release(&text);
	return f;
oom:
	ayak_err_set(err, AYAK_E_SYS, "out of memory");
fail:
	ayak_buf_release(&text);
	filter_free(f);
	return NULL;
}

void filter_free(struct filter *f)
{
	if (!f)
		return;
	filter_rules_free(f->rules);
	pcre2_code_free(f->line_re[0]);
	pcre2_code_free(f->line_re[1]);
	pcre2_code_free(f->line_anch[0]);
	pcre2_code_free(f->line_anch[1]);
	free(f->line_memo[0]);
	free(f->line_memo[1]);
	fl_strset_release(&f->stopwords);
	fl_lexicon_release(&f->boiler);
	fl_strset_release(&f->blocklist);
	pcre2_match_data_free(f->md);
	pcre2_match_context_free(f->mctx);
	pcre2_jit_stack_free(f->jit);
	free(f->redact_names);
	free(f->redact_counts);
	free(f->lines);
	ayak_buf_release(&f->clean);
	ayak_buf_release(&f->c4);
	ayak_buf_release(&f->redact);
	ayak_buf_release(&f->pii);
	ayak_buf_release(&f->norm);
	ayak_buf_release(&f->host);
	ayak_buf_release(&f->idn);
	ayak_buf_release(&f->idn_host);
	if (f->idna)
		uidna_close(f->idna);
	filter_tokens_release(&f->tok);
	free(f->cnt);
	free(f->tops);
	free(f->seen);
	free(f->dirty);
	free(f->next);
	free(f->rep);
	free(f->bidx);
	free(f->hk);
	free(f->bucket);
	free(f->nl);
	free(f->lh);
	free(f->ph);
	free(f->plen);
	free(f->pcps);
	free(f);
}

size_t filter_redact_rules(const struct filter *f, const char *const **names,
			   const uint64_t **counts)
{
	*names = f->redact_names;
	*counts = f->redact_counts;
	return f->nredact;
}

/* ---- running ---- */

/* Any rule of this action and target matching s[0..n)?  Its index, or -1. */
static long first_match(struct filter *f, int action, int target, const char *s, size_t n,
			struct filter_result *res)
{
	size_t i, mb, me;

	for (i = 0; i < f->rules->n; i++) {
		const struct fl_rule *r = &f->rules->r[i];
		int rc;

		if (r->action != action || r->target != target)
			continue;
		rc = fl_match(f, r->re, s, n, 0, &mb, &me);
		if (rc < 0)
			res->match_errors++;
		else if (rc > 0)
			return (long)i;
	}
	return -1;
}

/* Apply one redact rule to cur[0..n) into out; the number of replacements. */
static long redact_rule(struct filter *f, const struct fl_rule *r, const char *cur, size_t n,
			struct ayak_buf *out, struct filter_result *res)
{
	size_t start = 0, from = 0, mb, me;
	long count = 0;
	int rc;

	ayak_buf_reset(out);
	while (start <= n && (rc = fl_match(f, r->re, cur, n, start, &mb, &me)) != 0) {
		if (rc < 0) {
			res->match_errors++;
			break;
		}
		if (me == mb) {		/* an empty match replaces nothing */
			start = mb + 1;
			while (start < n && ((unsigned char)cur[start] & 0xC0) == 0x80)
				start++;
			continue;
		}
		if (ayak_buf_add(out, cur + from, mb - from) ||
		    ayak_buf_addstr(out, r->placeholder))
			return -1;
		count++;
		from = start = me;
	}
	if (ayak_buf_add(out, cur + from, n - from))
		return -1;
	return count;
}

static int redact(struct filter *f, const struct filter_opts *o, struct filter_result *res)
{
	size_t i, k = 0;
	struct ayak_buf *bufs[2] = { &f->redact, &f->pii };
	int which = 0;

	for (i = 0; f->has_redact_rules && i < f->rules->n; i++) {
		const struct fl_rule *r = &f->rules->r[i];
		long got;

		if (r->action != FA_REDACT)
			continue;
		got = redact_rule(f, r, res->text, res->len, bufs[which], res);
		if (got < 0)
			return -1;
		f->redact_counts[k++] = (uint64_t)got;
		if (got) {
			res->text = bufs[which]->data;
			res->len = bufs[which]->len;
			res->changed = 1;
			which = !which;
		}
	}
	if (o->pii_mask) {
		uint64_t before = 0, after = 0;
		int t;

		for (t = 0; t < PII_NTYPES; t++)
			before += res->pii[t];
		ayak_buf_reset(bufs[which]);
		if (filter_pii_redact(res->text, res->len, o->pii_mask, bufs[which], res->pii))
			return -1;
		for (t = 0; t < PII_NTYPES; t++)
			after += res->pii[t];
		if (after > before) {
			res->text = bufs[which]->data;
			res->len = bufs[which]->len;
			res->changed = 1;
		}
	}
	return 0;
}

static int is_on(const struct filter *f, int param)
{
	return f->v[param] == 1;
}

int filter_run(struct filter *f, const char *text, size_t len, const char *url,
	       size_t url_len, const struct filter_opts *o, struct filter_result *res,
	       struct ayak_err *err)
{
	struct fl_ctx c = { f, o, res, text, len, 0, 0 };
	size_t max = o->max_text && o->max_text < FILTER_MAX_TEXT ? o->max_text : FILTER_MAX_TEXT;
	int keep = 0, rc;
	long hit;
	size_t b, e;

	if (len > max)
		return ayak_err_set(err, AYAK_E_DATA, "text too long to filter (%zu bytes; the limit is %zu)",
				    len, max);
	memset(res, 0, sizeof(*res));
	memset(f->redact_counts, 0, f->nredact * sizeof(*f->redact_counts));
	res->text = text;
	res->len = len;

	/* URL and domain: keep rules, the blocklist, drop rules */
	if (url && (f->has_url_rules || f->blocklist.n)) {
		if (url_host(url, url_len, 0, &f->host))
			goto oom;
		if (f->has_url_rules) {
			if ((hit = first_match(f, FA_KEEP, FT_DOMAIN, f->host.data, f->host.len, res)) >= 0 ||
			    (hit = first_match(f, FA_KEEP, FT_URL, url, url_len, res)) >= 0) {
				keep = 1;
				res->kept_by = f->rules->r[hit].name;
			}
		}
		/* with a keep rule, --annotate still lists what would drop the record */
		if ((!keep || o->annotate) && f->blocklist.n && f->host.len) {
			/* the domain rules see the host as written, the blocklist its IDNA form */
			ayak_buf_reset(&f->idn_host);
			if (ayak_buf_add(&f->idn_host, f->host.data, f->host.len) ||
			    idna_ascii(f, &f->idn_host))
				goto oom;
			if (blocked(f, f->idn_host.data, f->idn_host.len) &&
			    fl_fail(&c, "blocklist", 0, 0, 0))
				return 0;
		}
		if ((!keep || o->annotate) && f->has_url_rules &&
		    ((hit = first_match(f, FA_DROP, FT_DOMAIN, f->host.data, f->host.len, res)) >= 0 ||
		     (hit = first_match(f, FA_DROP, FT_URL, url, url_len, res)) >= 0) &&
		    fl_fail(&c, f->rules->r[hit].reason, 0, 0, 0))
			return 0;
	}

	/* line cleanup; drop:line and keep:line rules run whatever line_cleanup says */
	if (is_on(f, FP_LINE_CLEANUP) || f->has_line_rules) {
		if (fl_cleanup(f, text, len, res, &c.text, &c.len))
			goto oom;
		if (c.text != text) {
			res->text = c.text;
			res->len = c.len;
			res->changed = 1;
		}
	}

	/*
	 * Text rules.  A record that the URL, domain or blocklist dropped is
	 * gone before them: a keep rule on the text does not bring it back,
	 * with --annotate (where it was only listed) as without.
	 */
	if (f->has_text_rules) {
		if (!keep && !res->drop &&
		    (hit = first_match(f, FA_KEEP, FT_TEXT, c.text, c.len, res)) >= 0) {
			keep = 1;
			res->kept_by = f->rules->r[hit].name;
		}
		if ((!keep || o->annotate) &&
		    (hit = first_match(f, FA_DROP, FT_TEXT, c.text, c.len, res)) >= 0 &&
		    fl_fail(&c, f->rules->r[hit].reason, 0, 0, 0))
			return 0;
	}

	/* nothing left: no rule can judge it, and nothing is worth keeping */
	fl_strip(c.text, c.len, &b, &e);
	if (b == e) {
		if (keep)	/* what --annotate listed before did not drop it */
			res->drop = 0;
		c.o = &(struct filter_opts){ 0 };	/* stop here even when annotating */
		fl_fail(&c, "empty", 0, 0, 0);
		return 0;
	}

	/*
	 * The quality rules in FineWeb-2's order (Gopher repetition, FineWeb,
	 * Gopher quality), or with C4 in FineWeb's (Gopher repetition, Gopher
	 * quality, C4, FineWeb).
	 */
	if ((!keep && f->any_quality) || o->annotate) {
		rc = fl_too_many_words(&c);
		if (rc < 0)
			goto oom;
		if (rc > 0)
			return 0;
		c.cps = fl_cps(c.text, c.len);
		rc = fl_repetition(&c);
		if (is_on(f, FP_C4)) {
			if (rc == 0)
				rc = fl_gopher_quality(&c);
			if (rc == 0)
				rc = fl_c4(&c);
			if (keep)	/* as in a run: no line goes */
				res->lines_dropped[FLR_C4] = 0;
			if (rc == 0 && c.len == res->len && !memcmp(c.text, res->text, c.len)) {
				c.text = res->text;	/* C4 changed nothing */
			} else if (rc == 0 && !keep) {	/* kept by a rule, C4 never runs */
				res->text = c.text;
				res->len = c.len;
				res->changed = 1;
				fl_strip(c.text, c.len, &b, &e);
				if (b == e) {
					c.o = &(struct filter_opts){ 0 };
					fl_fail(&c, "empty", 0, 0, 0);
					return 0;
				}
			}
			if (rc == 0)
				rc = fl_fineweb(&c);
		} else {
			if (rc == 0)
				rc = fl_fineweb(&c);
			if (rc == 0)
				rc = fl_gopher_quality(&c);
		}
		if (rc < 0)
			goto oom;
		if (rc > 0)
			return 0;
	}
	if (keep && res->drop) {	/* a keep rule wins over the quality rules */
		res->drop = 0;
		res->reason = NULL;
		res->has_value = 0;
	}

	if (o->redact && (!res->drop || o->annotate) && redact(f, o, res))
		goto oom;
	return 0;
oom:
	return ayak_err_set(err, AYAK_E_SYS, "out of memory");
}

/* ---- annotation ---- */

int filter_value_add(struct ayak_buf *out, double v)
{
	char s[AYAK_DECIMAL_MAX];

	if (!isfinite(v))	/* no rule makes one, but nan and inf are no JSON */
		return ayak_buf_addstr(out, "null");
	/*
	 * The fewest digits that read back as the value tested: a value shown
	 * as 0.3 is 0.3, not 0.30000004 dropped by a rule "> 0.3"; and no
	 * exponent, as a threshold is written: a value or a --show-profile
	 * line reads back as a threshold.
	 */
	return ayak_buf_add(out, s, ayak_fmt_decimal(s, v));
}

int filter_annotation(const struct filter_result *res, struct ayak_buf *out)
{
	size_t i;
	int t, first = 1;

	if (ayak_buf_addf(out, "{\"decision\":\"%s\",\"reason\":", res->drop ? "drop" : "keep"))
		return -1;
	if (res->reason ? ayak_json_encode_string(out, res->reason, strlen(res->reason)) :
			  ayak_buf_addstr(out, "null"))
		return -1;
	if (ayak_buf_addstr(out, ",\"reasons\":["))
		return -1;
	for (i = 0; i < res->nreasons; i++)
		if ((i && ayak_buf_addstr(out, ",")) ||
		    ayak_json_encode_string(out, res->reasons[i], strlen(res->reasons[i])))
			return -1;
	if (ayak_buf_addstr(out, "]"))
		return -1;
	if (res->kept_by && (ayak_buf_addstr(out, ",\"kept_by\":") ||
			     ayak_json_encode_string(out, res->kept_by, strlen(res->kept_by))))
		return -1;
	if (ayak_buf_addstr(out, ",\"lines_dropped\":{"))
		return -1;
	for (t = 0; t < FLR_COUNT; t++)
		if (ayak_buf_addf(out, "%s\"%s\":%llu", t ? "," : "", line_reason_names[t],
				  (unsigned long long)res->lines_dropped[t]))
			return -1;
	if (ayak_buf_addstr(out, "},\"values\":{"))
		return -1;
	for (i = 0; i < FV_COUNT; i++) {
		if (!res->have[i])
			continue;
		if (ayak_buf_addf(out, "%s\"%s\":", first ? "" : ",", filter_value_names[i]) ||
		    filter_value_add(out, res->values[i]))
			return -1;
		first = 0;
	}
	if (ayak_buf_addstr(out, "}"))
		return -1;
	first = 1;
	for (t = 0; t < PII_NTYPES; t++) {
		if (!res->pii[t])
			continue;
		if (ayak_buf_addf(out, "%s\"%s\":%llu", first ? ",\"pii\":{" : ",",
				  filter_pii_names[t], (unsigned long long)res->pii[t]))
			return -1;
		first = 0;
	}
	if (!first && ayak_buf_addstr(out, "}"))
		return -1;
	return ayak_buf_addstr(out, "}");
}
