/* The report as aligned text and as JSON; see report.h. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include "report-int.h"

/* ---- formatting helpers ---- */

int rfmt_thousands(struct ayak_buf *b, uint64_t v)
{
	char d[32], o[48];
	int n = snprintf(d, sizeof(d), "%llu", (unsigned long long)v), i, k = 0;

	for (i = 0; i < n; i++) {
		if (i && (n - i) % 3 == 0)
			o[k++] = ',';
		o[k++] = d[i];
	}
	return ayak_buf_add(b, o, (size_t)k);
}

int rfmt_size(struct ayak_buf *b, uint64_t v)
{
	static const char *const units[] = { "kB", "MB", "GB", "TB", "PB", "EB" };
	double x = (double)v;
	int u = -1;

	if (v < 1000)
		return ayak_buf_addf(b, "%llu B", (unsigned long long)v);
	while (x >= 999.95 && u < 5) {
		x /= 1000;
		u++;
	}
	return ayak_buf_addf(b, "%.1f %s", x, units[u]);
}

int rfmt_len_edge(struct ayak_buf *b, uint64_t v)
{
	static const char sfx[] = "kMGTPE";
	int k = 0;

	while (v >= 1000 && v % 1000 == 0 && k < 6) {
		v /= 1000;
		k++;
	}
	if (!k)
		return ayak_buf_addf(b, "%llu", (unsigned long long)v);
	return ayak_buf_addf(b, "%llu%c", (unsigned long long)v, sfx[k - 1]);
}

int rfmt_len_bin(struct ayak_buf *b, const struct report *r, size_t i, int unicode)
{
	const char *dash = unicode ? "\xe2\x80\x93" : "-";

	if (i == 0)
		return ayak_buf_add(b, "0", 1);
	if (i + 1 == REPORT_LEN_BINS)
		return rfmt_len_edge(b, r->len_edge[i]) || ayak_buf_add(b, "+", 1);
	if (r->len_edge[i + 1] - 1 == r->len_edge[i])
		return rfmt_thousands(b, r->len_edge[i]);
	return rfmt_thousands(b, r->len_edge[i]) || ayak_buf_addstr(b, dash) ||
	       rfmt_thousands(b, r->len_edge[i + 1] - 1);
}

int rfmt_pct(struct ayak_buf *b, uint64_t a, uint64_t c)
{
	if (!c)
		return ayak_buf_add(b, "-", 1);
	return ayak_buf_addf(b, "%.1f%%", 100.0 * (double)a / (double)c);
}

/*
 * Columns on a terminal, as wcwidth(3) counts them but the same on every
 * system: combining marks, format characters and Hangul medial and final
 * jamo take none, East Asian wide and fullwidth characters (Han, kana,
 * Hangul, most emoji) two, others one.
 */
size_t rfmt_width(const char *s, size_t n)
{
	size_t w = 0;
	int32_t i = 0, len = n > INT32_MAX ? INT32_MAX : (int32_t)n;

	while (i < len) {
		UChar32 c;
		int8_t t;
		int ea;

		U8_NEXT((const uint8_t *)s, i, len, c);
		if (c < 0) {
			w++;
			continue;
		}
		t = (int8_t)u_charType(c);
		if (t == U_NON_SPACING_MARK || t == U_ENCLOSING_MARK || t == U_FORMAT_CHAR ||
		    (c >= 0x1160 && c <= 0x11FF))
			continue;
		ea = u_getIntPropertyValue(c, UCHAR_EAST_ASIAN_WIDTH);
		w += ea == U_EA_WIDE || ea == U_EA_FULLWIDTH ? 2 : 1;
	}
	return w;
}

int rfmt_clean(struct ayak_buf *b, const char *s, size_t n)
{
	struct ayak_buf fixed = AYAK_BUF_INIT;
	size_t i = 0, j;
	int ret;

	if (ayak_utf8_valid_prefix(s, n) != n) {
		if (ayak_utf8_repair(s, n, &fixed, NULL)) {
			ayak_buf_release(&fixed);
			return -1;
		}
		ret = rfmt_clean(b, fixed.data, fixed.len);
		ayak_buf_release(&fixed);
		return ret;
	}
	while (i < n) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == 0x7F) {
			if (ayak_buf_addstr(b, "\xef\xbf\xbd"))
				return -1;
			i++;
			continue;
		}
		if (c == 0xC2 && i + 1 < n && (unsigned char)s[i + 1] < 0xA0) {
			/* C1 controls U+0080-009F */
			if (ayak_buf_addstr(b, "\xef\xbf\xbd"))
				return -1;
			i += 2;
			continue;
		}
		for (j = i + 1; j < n; j++) {
			unsigned char d = (unsigned char)s[j];

			if (d < 0x20 || d == 0x7F || d == 0xC2)
				break;
		}
		if (ayak_buf_add(b, s + i, j - i))
			return -1;
		i = j;
	}
	return 0;
}

/* ---- aligned tables for the text report ---- */

struct ttab {
	size_t ncols;
	const char *right;	/* per column: 'r' right-aligned, 'l' left */
	char **cells;
	size_t n, alloc;
	int failed;
};

static void ttab_init(struct ttab *t, size_t ncols, const char *right)
{
	memset(t, 0, sizeof(*t));
	t->ncols = ncols;
	t->right = right;
}

static void ttab_release(struct ttab *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		free(t->cells[i]);
	free(t->cells);
}

static void ttab_addn(struct ttab *t, const char *s, size_t n)
{
	char *c;

	if (t->failed)
		return;
	if (t->n == t->alloc) {
		char **nc = ayak_grow(t->cells, &t->alloc, t->n + 1, sizeof(*nc), 32);

		if (!nc) {
			t->failed = 1;
			return;
		}
		t->cells = nc;
	}
	c = malloc(n + 1);
	if (!c) {
		t->failed = 1;
		return;
	}
	memcpy(c, s, n);
	c[n] = 0;
	t->cells[t->n++] = c;
}

static void ttab_add(struct ttab *t, const char *s)
{
	ttab_addn(t, s, strlen(s));
}

static void ttab_addf(struct ttab *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void ttab_addf(struct ttab *t, const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	ttab_add(t, buf);
}

static void ttab_num(struct ttab *t, uint64_t v)
{
	struct ayak_buf b = AYAK_BUF_INIT;

	if (rfmt_thousands(&b, v))
		t->failed = 1;
	else
		ttab_addn(t, b.data, b.len);
	ayak_buf_release(&b);
}

static void ttab_pct(struct ttab *t, uint64_t a, uint64_t c)
{
	struct ayak_buf b = AYAK_BUF_INIT;

	if (rfmt_pct(&b, a, c))
		t->failed = 1;
	else
		ttab_addn(t, b.data, b.len);
	ayak_buf_release(&b);
}

/* A row for the records a table leaves out ("(none)"): label, count, share, blanks. */
static void ttab_rest(struct ttab *t, const char *label, uint64_t n, uint64_t total)
{
	size_t i;

	ttab_add(t, label);
	ttab_num(t, n);
	ttab_pct(t, n, total);
	for (i = 3; i < t->ncols; i++)
		ttab_add(t, "");
}

/* A data string, control characters replaced. */
static void ttab_name(struct ttab *t, const char *s, size_t n)
{
	struct ayak_buf b = AYAK_BUF_INIT;

	if (rfmt_clean(&b, s, n))
		t->failed = 1;
	else
		ttab_addn(t, b.data ? b.data : "", b.len);
	ayak_buf_release(&b);
}

/* The cells a language and a domain row share: name, records, share, characters, words. */
static void ttab_entry(struct ttab *t, const struct rtab_entry *e, uint64_t records)
{
	/* An empty value ("lang":"") is a label too; a blank cell would hide it. */
	if (e->len)
		ttab_name(t, e->key, e->len);
	else
		ttab_name(t, "\"\"", 2);
	ttab_num(t, e->n);
	ttab_pct(t, e->n, records);
	ttab_num(t, e->chars);
	ttab_num(t, e->words);
}

#define BAR_WIDTH 30

static void ttab_bar(struct ttab *t, uint64_t v, uint64_t max)
{
	char bar[BAR_WIDTH + 1];
	size_t n = 0;

	if (max && v) {
		n = (size_t)(((double)v * BAR_WIDTH) / (double)max + 0.5);
		if (!n)
			n = 1;
	}
	memset(bar, '#', n);
	bar[n] = 0;
	ttab_add(t, bar);
}

static int ttab_write(struct ttab *t, struct ayak_buf *out)
{
	size_t w[16] = { 0 }, i, c, rows;
	struct ayak_buf line = AYAK_BUF_INIT;
	int ret = 0;

	if (t->failed || t->n % t->ncols || t->ncols > 16)
		return -1;
	rows = t->n / t->ncols;
	for (i = 0; i < t->n; i++) {
		size_t k = rfmt_width(t->cells[i], strlen(t->cells[i]));

		if (k > w[i % t->ncols])
			w[i % t->ncols] = k;
	}
	for (i = 0; i < rows && !ret; i++) {
		ayak_buf_reset(&line);
		ret |= ayak_buf_addstr(&line, "  ");
		for (c = 0; c < t->ncols; c++) {
			const char *s = t->cells[i * t->ncols + c];
			size_t k = rfmt_width(s, strlen(s)), pad = w[c] - k;

			if (c)
				ret |= ayak_buf_addstr(&line, "  ");
			if (t->right[c] == 'r')
				while (pad--)
					ret |= ayak_buf_add(&line, " ", 1);
			ret |= ayak_buf_addstr(&line, s);
			if (t->right[c] != 'r')
				while (pad--)
					ret |= ayak_buf_add(&line, " ", 1);
		}
		while (line.len && line.data[line.len - 1] == ' ')
			line.len--;
		ret |= ayak_buf_add(out, line.data, line.len);
		ret |= ayak_buf_add(out, "\n", 1);
	}
	ayak_buf_release(&line);
	return ret ? -1 : 0;
}

/* ---- text ---- */

static int text_kv(struct ttab *t, const char *k, uint64_t v, const char *note)
{
	ttab_add(t, k);
	ttab_num(t, v);
	ttab_add(t, note ? note : "");
	return 0;
}

static int text_records(struct report *r, struct ayak_buf *out)
{
	struct ttab t;
	struct ayak_buf b = AYAK_BUF_INIT, b2 = AYAK_BUF_INIT;
	int ret;

	ttab_init(&t, 3, "lrl");
	ret = ayak_buf_addstr(out, "\nRecords\n");
	text_kv(&t, "records", r->records, NULL);
	text_kv(&t, "malformed, skipped", r->malformed, NULL);
	ret |= ayak_buf_add(&b, "(", 1) || rfmt_size(&b, r->record_bytes) || ayak_buf_add(&b, ")", 1);
	ret |= ayak_buf_add(&b, "", 1);
	text_kv(&t, "record bytes", r->record_bytes, b.data);
	ret |= ayak_buf_add(&b2, "(", 1) || rfmt_size(&b2, r->text_bytes) || ayak_buf_add(&b2, ")", 1);
	ret |= ayak_buf_add(&b2, "", 1);
	text_kv(&t, "text bytes", r->text_bytes, b2.data);
	text_kv(&t, "characters", r->chars, NULL);
	text_kv(&t, "words", r->words, "(runs between white space)");
	if (r->o.tokens) {
		ayak_buf_reset(&b);
		ret |= ayak_buf_addf(&b, "(%s)", r->o.tokenizer ? r->o.tokenizer : "tokenizer");
		ret |= ayak_buf_add(&b, "", 1);
		text_kv(&t, "tokens", r->tokens, b.data);
	}
	ret |= ttab_write(&t, out);
	ttab_release(&t);
	ayak_buf_release(&b);
	ayak_buf_release(&b2);
	return ret ? -1 : 0;
}

static int text_lengths(struct report *r, struct ayak_buf *out)
{
	struct ttab t;
	struct ayak_buf b = AYAK_BUF_INIT;
	size_t first = 0, last = 0, i;
	uint64_t max = 0;
	int ret;

	ret = ayak_buf_addstr(out, "\nLength (characters per record)\n");
	if (!r->records)
		return ret | ayak_buf_addstr(out, "  no records\n");
	ret |= ayak_buf_addf(out, "  min %llu, median %llu, p90 %llu, p99 %llu, max %llu, mean %.1f"
			     "  (percentiles up to 3%% low)\n",
			     (unsigned long long)r->len_min,
			     (unsigned long long)report_len_quantile(r, 0.5),
			     (unsigned long long)report_len_quantile(r, 0.9),
			     (unsigned long long)report_len_quantile(r, 0.99),
			     (unsigned long long)r->len_max, (double)r->chars / (double)r->records);
	report_len_range(r, &first, &last);
	for (i = first; i <= last; i++)
		if (r->len_bins[i] > max)
			max = r->len_bins[i];
	ttab_init(&t, 4, "lrrl");
	ttab_add(&t, "characters");
	ttab_add(&t, "records");
	ttab_add(&t, "share");
	ttab_add(&t, "");
	for (i = first; i <= last; i++) {
		ayak_buf_reset(&b);
		ret |= rfmt_len_bin(&b, r, i, 0);
		ttab_addn(&t, b.data, b.len);
		ttab_num(&t, r->len_bins[i]);
		ttab_pct(&t, r->len_bins[i], r->records);
		ttab_bar(&t, r->len_bins[i], max);
	}
	ret |= ttab_write(&t, out);
	ttab_release(&t);
	ayak_buf_release(&b);
	return ret ? -1 : 0;
}

static int text_langs(struct report *r, struct ayak_buf *out)
{
	struct ttab t;
	uint32_t *ord;
	size_t i;
	uint64_t max = 0;
	int ret = 0;

	ret |= ayak_buf_addstr(out, "\nLanguages (field ");
	ret |= rfmt_clean(out, r->o.lang_field, strlen(r->o.lang_field));
	ret |= ayak_buf_addstr(out, ": ");
	ret |= rfmt_thousands(out, r->with_lang);
	ret |= ayak_buf_addstr(out, " of ");
	ret |= rfmt_thousands(out, r->records);
	ret |= ayak_buf_addf(out, " %s, %llu label%s%s)\n", rfmt_records(r->records),
			     (unsigned long long)rtab_distinct(&r->langs),
			     rtab_distinct(&r->langs) == 1 ? "" : "s",
			     r->langs.evicted ? ", estimated: too many to count exactly" : "");
	if (r->langs.evicted) {
		ret |= ayak_buf_addstr(out, "  more than ");
		ret |= rfmt_thousands(out, r->langs.max);
		ret |= ayak_buf_addstr(out, " labels: records are upper bounds, over by at most the"
				       " error shown;\n  characters and words may be too low\n");
	}
	if (!r->records)
		return ret;
	ord = rtab_sorted(&r->langs);
	if (!ord)
		return -1;
	ttab_init(&t, 6 + !!r->o.tokens + !!r->langs.evicted, "lrrrrrrr");
	ttab_add(&t, "label");
	ttab_add(&t, "records");
	ttab_add(&t, "share");
	ttab_add(&t, "characters");
	ttab_add(&t, "words");
	if (r->o.tokens)
		ttab_add(&t, "tokens");
	ttab_add(&t, "mean score");
	if (r->langs.evicted)
		ttab_add(&t, "error");
	for (i = 0; i < r->langs.n; i++) {
		const struct rtab_entry *e = &r->langs.e[ord[i]];

		ttab_entry(&t, e, r->records);
		if (r->o.tokens)
			ttab_num(&t, e->tokens);
		if (e->score_n)
			ttab_addf(&t, "%.4f", (double)e->score_sum / 10000.0 / (double)e->score_n);
		else
			ttab_add(&t, "-");
		if (r->langs.evicted)
			ttab_num(&t, e->err);
	}
	if (r->long_lang)
		ttab_rest(&t, "(too long)", r->long_lang, r->records);
	if (r->records > r->with_lang)
		ttab_rest(&t, "(none)", r->records - r->with_lang, r->records);
	ret |= ttab_write(&t, out);
	ttab_release(&t);
	free(ord);
	if (!r->scored)
		return ret ? -1 : 0;
	ret |= ayak_buf_addstr(out, "\nLanguage scores (field ");
	ret |= rfmt_clean(out, r->score_field, strlen(r->score_field));
	ret |= ayak_buf_addstr(out, ": ");
	ret |= rfmt_thousands(out, r->scored);
	ret |= ayak_buf_addf(out, " %s)\n", rfmt_records(r->scored));
	for (i = 0; i < 10; i++)
		if (r->score_bins[i] > max)
			max = r->score_bins[i];
	ttab_init(&t, 4, "lrrl");
	ttab_add(&t, "score");
	ttab_add(&t, "records");
	ttab_add(&t, "share");
	ttab_add(&t, "");
	for (i = 0; i < 10; i++) {
		ttab_addf(&t, "%.1f-%.1f", (double)i / 10, (double)(i + 1) / 10);
		ttab_num(&t, r->score_bins[i]);
		ttab_pct(&t, r->score_bins[i], r->scored);
		ttab_bar(&t, r->score_bins[i], max);
	}
	ret |= ttab_write(&t, out);
	ttab_release(&t);
	return ret ? -1 : 0;
}

static int text_domains(struct report *r, struct ayak_buf *out)
{
	struct ttab t;
	uint32_t *ord;
	size_t i, n;
	uint64_t distinct = rtab_distinct(&r->domains);
	int ret = 0;

	ret |= ayak_buf_addstr(out, "\nDomains (field ");
	ret |= rfmt_clean(out, r->o.url_field, strlen(r->o.url_field));
	ret |= ayak_buf_addstr(out, ": ");
	ret |= rfmt_thousands(out, r->with_url);
	ret |= ayak_buf_addstr(out, " of ");
	ret |= rfmt_thousands(out, r->records);
	ret |= ayak_buf_addf(out, " %s, ", rfmt_records(r->records));
	if (r->domains.evicted)
		ret |= ayak_buf_addstr(out, "about ");
	ret |= rfmt_thousands(out, distinct);
	ret |= ayak_buf_addf(out, " distinct; top %zu)\n", r->o.top);
	if (r->domains.evicted) {
		ret |= ayak_buf_addstr(out, "  more than ");
		ret |= rfmt_thousands(out, r->domains.max);
		ret |= ayak_buf_addstr(out, " domains (--max-domains): records are upper bounds,"
				       " over by at most the error shown;\n  characters and words"
				       " may be too low\n");
	}
	/* With no URL at all, the table is the "(no url)" row. */
	if (!r->records)
		return ret;
	ord = rtab_sorted(&r->domains);
	if (!ord)
		return -1;
	n = r->domains.n < r->o.top ? r->domains.n : r->o.top;
	ttab_init(&t, r->domains.evicted ? 6 : 5, "lrrrrr");
	ttab_add(&t, "domain");
	ttab_add(&t, "records");
	ttab_add(&t, "share");
	ttab_add(&t, "characters");
	ttab_add(&t, "words");
	if (r->domains.evicted)
		ttab_add(&t, "error");
	for (i = 0; i < n; i++) {
		const struct rtab_entry *e = &r->domains.e[ord[i]];

		ttab_entry(&t, e, r->records);
		if (r->domains.evicted)
			ttab_num(&t, e->err);
	}
	if (r->bad_host)
		ttab_rest(&t, "(invalid host)", r->bad_host, r->records);
	if (r->no_host)
		ttab_rest(&t, "(no host)", r->no_host, r->records);
	if (r->records > r->with_url)
		ttab_rest(&t, "(no url)", r->records - r->with_url, r->records);
	ret |= ttab_write(&t, out);
	ttab_release(&t);
	free(ord);
	return ret ? -1 : 0;
}

/* The labels ayak-lid gave to every record it read (its lang.* counts). */
static int text_lid_langs(const struct rstage *s, struct ayak_buf *out)
{
	struct ttab t;
	struct rcount **v;
	size_t i, n = rstage_nlangs(s);
	uint64_t max = 0;
	int ret = 0;

	if (!n)
		return 0;
	v = rcounts_sorted(&s->counts, 0);
	if (!v)
		return -1;
	ret |= ayak_buf_addstr(out, "\nLanguages ");
	ret |= rfmt_clean(out, s->name, strlen(s->name));
	ret |= ayak_buf_addstr(out, " saw (before selection: ");
	ret |= rfmt_thousands(out, s->records_in);
	ret |= ayak_buf_addf(out, " record%s in, %zu label%s)\n", s->records_in == 1 ? "" : "s", n,
			     n == 1 ? "" : "s");
	for (i = 0; i < s->counts.n; i++)
		if (rstage_is_lang(s, v[i]->name) && v[i]->n > max)
			max = v[i]->n;
	ttab_init(&t, 4, "lrrl");
	ttab_add(&t, "label");
	ttab_add(&t, "records");
	ttab_add(&t, "share");
	ttab_add(&t, "");
	for (i = 0; i < s->counts.n; i++) {
		if (!rstage_is_lang(s, v[i]->name))
			continue;
		ttab_name(&t, v[i]->name + 5, strlen(v[i]->name + 5));
		ttab_num(&t, v[i]->n);
		ttab_pct(&t, v[i]->n, s->records_in);
		ttab_bar(&t, v[i]->n, max);
	}
	ret |= ttab_write(&t, out);
	ttab_release(&t);
	free(v);
	return ret ? -1 : 0;
}

/* The other counters of the stats files, per stage. */
static int text_counters(struct report *r, struct rstage **st, struct ayak_buf *out)
{
	struct ttab t;
	size_t i, j, k;
	int ret = 0;

	ret |= ayak_buf_addstr(out, report_nlid(r) ? "\nCounters (summed over shards, zeros left out; "
			       "the lang.* of ayak-lid above)\n" :
			       "\nCounters (summed over shards, zeros left out)\n");
	ttab_init(&t, 3, "llr");
	ttab_add(&t, "stage");
	ttab_add(&t, "counter");
	ttab_add(&t, "count");
	for (i = 0; i < r->nstages; i++) {
		struct rcount **v = rcounts_sorted(&st[i]->counts, 0);

		if (!v) {
			ttab_release(&t);
			return -1;
		}
		for (j = k = 0; j < st[i]->counts.n; j++) {
			if (rstage_is_lang(st[i], v[j]->name) || !v[j]->n)
				continue;
			if (k++)
				ttab_add(&t, "");
			else
				ttab_name(&t, st[i]->name, strlen(st[i]->name));
			ttab_name(&t, v[j]->name, strlen(v[j]->name));
			ttab_num(&t, v[j]->n);
		}
		free(v);
	}
	if (t.n > 3)
		ret |= ttab_write(&t, out);
	else
		ret |= ayak_buf_addstr(out, "  none\n");
	ttab_release(&t);
	return ret ? -1 : 0;
}

static int text_stages(struct report *r, struct ayak_buf *out)
{
	struct rstage **st;
	struct ttab t;
	size_t i, j;
	int ret = 0;

	if (!r->stage_files)
		return 0;
	ret |= ayak_buf_addf(out, "\nStages (%llu stats file%s)\n",
			     (unsigned long long)r->stage_files, r->stage_files == 1 ? "" : "s");
	st = report_stages_sorted(r);
	if (!st)
		return -1;
	ttab_init(&t, 8, "lrrrrrrr");
	ttab_add(&t, "stage");
	ttab_add(&t, "files");
	ttab_add(&t, "records in");
	ttab_add(&t, "records out");
	ttab_add(&t, "kept");
	ttab_add(&t, "dropped");
	ttab_add(&t, "errors");
	ttab_add(&t, "seconds");
	for (i = 0; i < r->nstages; i++) {
		uint64_t dropped = 0;

		for (j = 0; j < st[i]->dropped.n; j++)
			dropped += st[i]->dropped.v[j].n;
		ttab_name(&t, st[i]->name, strlen(st[i]->name));
		ttab_num(&t, st[i]->files);
		ttab_num(&t, st[i]->records_in);
		ttab_num(&t, st[i]->records_out);
		ttab_pct(&t, st[i]->records_out, st[i]->records_in);
		ttab_num(&t, dropped);
		ttab_num(&t, st[i]->errors);
		ttab_addf(&t, "%llu.%03llu", (unsigned long long)(st[i]->msec / 1000),
			  (unsigned long long)(st[i]->msec % 1000));
	}
	ret |= ttab_write(&t, out);
	ttab_release(&t);

	ret |= ayak_buf_addstr(out, "\nDropped by reason\n");
	ttab_init(&t, 4, "llrr");
	ttab_add(&t, "stage");
	ttab_add(&t, "reason");
	ttab_add(&t, "records");
	ttab_add(&t, "of input");
	for (i = 0; i < r->nstages; i++) {
		struct rcount **v = rcounts_sorted(&st[i]->dropped, 0);

		if (!v) {
			free(st);
			ttab_release(&t);
			return -1;
		}
		for (j = 0; j < st[i]->dropped.n; j++) {
			if (j)
				ttab_add(&t, "");
			else
				ttab_name(&t, st[i]->name, strlen(st[i]->name));
			ttab_name(&t, v[j]->name, strlen(v[j]->name));
			ttab_num(&t, v[j]->n);
			ttab_pct(&t, v[j]->n, st[i]->records_in);
		}
		free(v);
	}
	if (t.n > 4)
		ret |= ttab_write(&t, out);
	else
		ret |= ayak_buf_addstr(out, "  none\n");
	ttab_release(&t);
	for (i = 0; i < r->nstages && !ret; i++)
		ret |= text_lid_langs(st[i], out);
	ret |= text_counters(r, st, out);
	free(st);
	return ret ? -1 : 0;
}

int report_write_text(struct report *r, struct ayak_buf *out)
{
	int ret = 0;

	ret |= rfmt_clean(out, r->o.title, strlen(r->o.title));
	ret |= ayak_buf_add(out, "\n", 1);
	if (r->o.timestamp)
		ret |= ayak_buf_addf(out, "made %s by ayak-stats %s\n", r->o.timestamp, AYAK_VERSION);
	if (!r->o.no_records) {
		ret |= text_records(r, out);
		ret |= text_lengths(r, out);
		ret |= text_langs(r, out);
		ret |= text_domains(r, out);
	}
	ret |= text_stages(r, out);
	if (r->o.no_records && !r->stage_files)
		ret |= ayak_buf_addstr(out, "\nno stats files\n");
	return ret ? -1 : 0;
}

/* ---- JSON ---- */

static int jstr(struct ayak_buf *b, const char *s, size_t n)
{
	return ayak_json_encode_string(b, s, n);
}

static int jkey(struct ayak_buf *b, int comma, const char *k)
{
	return ayak_buf_addf(b, "%s\"%s\":", comma ? "," : "", k);
}

static int jnum(struct ayak_buf *b, int comma, const char *k, uint64_t v)
{
	return ayak_buf_addf(b, "%s\"%s\":%llu", comma ? "," : "", k, (unsigned long long)v);
}

static int jshare(struct ayak_buf *b, uint64_t a, uint64_t c)
{
	return ayak_buf_addf(b, ",\"share\":%.4f", c ? (double)a / (double)c : 0.0);
}

static int json_records(struct report *r, struct ayak_buf *b)
{
	int ret = 0;

	ret |= ayak_buf_addstr(b, ",\"records\":{");
	ret |= jnum(b, 0, "count", r->records);
	ret |= jnum(b, 1, "malformed", r->malformed);
	ret |= jnum(b, 1, "record_bytes", r->record_bytes);
	ret |= jnum(b, 1, "text_bytes", r->text_bytes);
	ret |= jnum(b, 1, "chars", r->chars);
	ret |= jnum(b, 1, "words", r->words);
	if (r->o.tokens) {
		ret |= jnum(b, 1, "tokens", r->tokens);
		ret |= jkey(b, 1, "tokenizer");
		ret |= jstr(b, r->o.tokenizer ? r->o.tokenizer : "", r->o.tokenizer ? strlen(r->o.tokenizer) : 0);
	} else {
		ret |= ayak_buf_addstr(b, ",\"tokens\":null,\"tokenizer\":null");
	}
	ret |= ayak_buf_add(b, "}", 1);
	return ret;
}

static int json_lengths(struct report *r, struct ayak_buf *b)
{
	size_t first, last, i;
	int ret = 0;

	ret |= ayak_buf_addstr(b, ",\"length\":{\"unit\":\"chars\"");
	if (r->records) {
		ret |= jnum(b, 1, "min", r->len_min);
		ret |= jnum(b, 1, "max", r->len_max);
		ret |= ayak_buf_addf(b, ",\"mean\":%.1f", (double)r->chars / (double)r->records);
		ret |= jnum(b, 1, "p50", report_len_quantile(r, 0.5));
		ret |= jnum(b, 1, "p90", report_len_quantile(r, 0.9));
		ret |= jnum(b, 1, "p99", report_len_quantile(r, 0.99));
	} else {
		ret |= ayak_buf_addstr(b, ",\"min\":null,\"max\":null,\"mean\":null,"
				       "\"p50\":null,\"p90\":null,\"p99\":null");
	}
	ret |= ayak_buf_addstr(b, ",\"bins\":[");
	if (report_len_range(r, &first, &last)) {
		for (i = first; i <= last; i++) {
			ret |= ayak_buf_addf(b, "%s{\"min\":%llu,\"max\":", i > first ? "," : "",
					     (unsigned long long)r->len_edge[i]);
			if (i + 1 < REPORT_LEN_BINS)
				ret |= ayak_buf_addf(b, "%llu", (unsigned long long)(r->len_edge[i + 1] - 1));
			else
				ret |= ayak_buf_addstr(b, "null");
			ret |= jnum(b, 1, "records", r->len_bins[i]);
			ret |= ayak_buf_add(b, "}", 1);
		}
	}
	ret |= ayak_buf_addstr(b, "]}");
	return ret;
}

/* An entry's name and the members languages and domains share (records, share, chars, words, tokens). */
static int jentry(struct ayak_buf *b, const struct report *r, const struct rtab_entry *e)
{
	int ret = jstr(b, e->key, e->len);

	ret |= jnum(b, 1, "records", e->n);
	ret |= jshare(b, e->n, r->records);
	ret |= jnum(b, 1, "chars", e->chars);
	ret |= jnum(b, 1, "words", e->words);
	if (r->o.tokens)
		ret |= jnum(b, 1, "tokens", e->tokens);
	return ret;
}

static int json_langs(struct report *r, struct ayak_buf *b)
{
	uint32_t *ord = rtab_sorted(&r->langs);
	size_t i;
	int ret = 0;

	if (!ord)
		return -1;
	ret |= ayak_buf_addstr(b, ",\"languages\":{\"field\":");
	ret |= jstr(b, r->o.lang_field, strlen(r->o.lang_field));
	ret |= jnum(b, 1, "with_field", r->with_lang);
	ret |= jnum(b, 1, "without_field", r->records - r->with_lang);
	ret |= jnum(b, 1, "too_long", r->long_lang);
	ret |= jnum(b, 1, "distinct", rtab_distinct(&r->langs));
	ret |= ayak_buf_addf(b, ",\"exact\":%s,\"labels\":[", r->langs.evicted ? "false" : "true");
	for (i = 0; i < r->langs.n; i++) {
		const struct rtab_entry *e = &r->langs.e[ord[i]];

		ret |= ayak_buf_addstr(b, i ? ",{\"lang\":" : "{\"lang\":");
		ret |= jentry(b, r, e);
		if (e->score_n)
			ret |= ayak_buf_addf(b, ",\"mean_score\":%.4f",
					     (double)e->score_sum / 10000.0 / (double)e->score_n);
		else
			ret |= ayak_buf_addstr(b, ",\"mean_score\":null");
		if (r->langs.evicted)
			ret |= jnum(b, 1, "error", e->err);
		ret |= ayak_buf_add(b, "}", 1);
	}
	free(ord);
	ret |= ayak_buf_addstr(b, "],\"score_field\":");
	ret |= jstr(b, r->score_field, strlen(r->score_field));
	ret |= jnum(b, 1, "scored", r->scored);
	ret |= ayak_buf_addstr(b, ",\"score_bins\":[");
	for (i = 0; i < 10; i++)
		ret |= ayak_buf_addf(b, "%s{\"min\":%.1f,\"max\":%.1f,\"records\":%llu}", i ? "," : "",
				     (double)i / 10, (double)(i + 1) / 10,
				     (unsigned long long)r->score_bins[i]);
	ret |= ayak_buf_addstr(b, "]}");
	return ret;
}

static int json_domains(struct report *r, struct ayak_buf *b)
{
	uint32_t *ord = rtab_sorted(&r->domains);
	size_t i, n = r->domains.n < r->o.top ? r->domains.n : r->o.top;
	int ret = 0;

	if (!ord)
		return -1;
	ret |= ayak_buf_addstr(b, ",\"domains\":{\"field\":");
	ret |= jstr(b, r->o.url_field, strlen(r->o.url_field));
	ret |= jnum(b, 1, "with_field", r->with_url);
	ret |= jnum(b, 1, "without_field", r->records - r->with_url);
	ret |= jnum(b, 1, "without_host", r->no_host);
	ret |= jnum(b, 1, "invalid_host", r->bad_host);
	ret |= jnum(b, 1, "distinct", rtab_distinct(&r->domains));
	ret |= ayak_buf_addf(b, ",\"exact\":%s", r->domains.evicted ? "false" : "true");
	ret |= jnum(b, 1, "max_domains", r->domains.max);
	ret |= jnum(b, 1, "top_n", r->o.top);
	ret |= ayak_buf_addstr(b, ",\"top\":[");
	for (i = 0; i < n; i++) {
		const struct rtab_entry *e = &r->domains.e[ord[i]];

		ret |= ayak_buf_addstr(b, i ? ",{\"domain\":" : "{\"domain\":");
		ret |= jentry(b, r, e);
		ret |= jnum(b, 1, "error", e->err);
		ret |= ayak_buf_add(b, "}", 1);
	}
	free(ord);
	ret |= ayak_buf_addstr(b, "]}");
	return ret;
}

static int json_counts(struct ayak_buf *b, const char *key, const struct rcounts *c, int by_name)
{
	struct rcount **v = rcounts_sorted(c, by_name);
	size_t i;
	int ret = 0;

	if (!v)
		return -1;
	ret |= ayak_buf_addf(b, ",\"%s\":{", key);
	for (i = 0; i < c->n; i++) {
		if (i)
			ret |= ayak_buf_add(b, ",", 1);
		ret |= jstr(b, v[i]->name, strlen(v[i]->name));
		ret |= ayak_buf_addf(b, ":%llu", (unsigned long long)v[i]->n);
	}
	free(v);
	return ret | ayak_buf_add(b, "}", 1);
}

/* The counts again, as a list by count (most first), then name. */
static int json_counters(struct ayak_buf *b, const struct rcounts *c)
{
	struct rcount **v = rcounts_sorted(c, 0);
	size_t i;
	int ret = 0;

	if (!v)
		return -1;
	ret |= ayak_buf_addstr(b, ",\"counters\":[");
	for (i = 0; i < c->n; i++) {
		ret |= ayak_buf_addstr(b, i ? ",{\"name\":" : "{\"name\":");
		ret |= jstr(b, v[i]->name, strlen(v[i]->name));
		ret |= ayak_buf_addf(b, ",\"count\":%llu}", (unsigned long long)v[i]->n);
	}
	free(v);
	return ret | ayak_buf_add(b, "]", 1);
}

static int json_stages(struct report *r, struct ayak_buf *b)
{
	struct rstage **st = report_stages_sorted(r);
	size_t i, j;
	int ret = 0;

	if (!st)
		return -1;
	ret |= ayak_buf_addstr(b, ",\"stages\":{");
	ret |= jnum(b, 0, "files", r->stage_files);
	ret |= ayak_buf_addstr(b, ",\"list\":[");
	for (i = 0; i < r->nstages; i++) {
		const struct rstage *s = st[i];
		uint64_t dropped = 0;

		for (j = 0; j < s->dropped.n; j++)
			dropped += s->dropped.v[j].n;
		ret |= ayak_buf_addstr(b, i ? ",{\"stage\":" : "{\"stage\":");
		ret |= jstr(b, s->name, strlen(s->name));
		ret |= jnum(b, 1, "files", s->files);
		ret |= jnum(b, 1, "records_in", s->records_in);
		ret |= jnum(b, 1, "records_out", s->records_out);
		if (s->records_in)
			ret |= ayak_buf_addf(b, ",\"kept\":%.4f",
					     (double)s->records_out / (double)s->records_in);
		else
			ret |= ayak_buf_addstr(b, ",\"kept\":null");
		ret |= jnum(b, 1, "dropped_total", dropped);
		ret |= json_counts(b, "dropped", &s->dropped, 0);
		ret |= jnum(b, 1, "errors", s->errors);
		ret |= jnum(b, 1, "bytes_in", s->bytes_in);
		ret |= jnum(b, 1, "bytes_out", s->bytes_out);
		ret |= ayak_buf_addf(b, ",\"seconds\":%llu.%03llu",
				     (unsigned long long)(s->msec / 1000),
				     (unsigned long long)(s->msec % 1000));
		ret |= json_counts(b, "counts", &s->counts, 1);
		ret |= json_counters(b, &s->counts);
		ret |= ayak_buf_add(b, "}", 1);
	}
	free(st);
	return ret | ayak_buf_addstr(b, "]}");
}

int report_write_json(struct report *r, struct ayak_buf *b)
{
	int ret = 0;

	ret |= ayak_buf_addstr(b, "{\"program\":\"ayak-stats\",\"version\":\"" AYAK_VERSION "\"");
	ret |= ayak_buf_addstr(b, ",\"title\":");
	ret |= jstr(b, r->o.title, strlen(r->o.title));
	if (r->o.timestamp) {
		ret |= ayak_buf_addstr(b, ",\"timestamp\":");
		ret |= jstr(b, r->o.timestamp, strlen(r->o.timestamp));
	}
	if (!r->o.no_records) {
		ret |= json_records(r, b);
		ret |= json_lengths(r, b);
		ret |= json_langs(r, b);
		ret |= json_domains(r, b);
	}
	ret |= json_stages(r, b);
	ret |= ayak_buf_addstr(b, "}\n");
	return ret ? -1 : 0;
}

int report_write(struct report *r, int format, struct ayak_buf *out)
{
	switch (format) {
	case REPORT_JSON:
		return report_write_json(r, out);
	case REPORT_HTML:
		return report_write_html(r, out);
	default:
		return report_write_text(r, out);
	}
}
