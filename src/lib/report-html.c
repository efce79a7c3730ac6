/*
 * The report as one self-contained HTML page: inline CSS, plots as inline
 * SVG written here, no script, nothing loaded from anywhere.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report-int.h"

#define W 760			/* width of every plot */
#define ROW 24			/* height of a bar row */
#define BAR 15			/* height of a bar */

#define C_BAR "#4e79a7"
#define C_IN "#d3dde9"
#define C_DROP "#e15759"
#define C_LEN "#4e79a7"
#define C_SCORE "#59a14f"
#define C_DOMAIN "#76b7b2"
#define C_LID "#f28e2b"

static const char css[] =
	":root{--fg:#1f2328;--muted:#59636e;--line:#d8dee4;--card:#f6f8fa}\n"
	"body{font:15px/1.5 system-ui,-apple-system,\"Segoe UI\",\"Noto Sans\",Roboto,"
	"\"Liberation Sans\",Arial,sans-serif;color:var(--fg);background:#fff;"
	"max-width:1000px;margin:0 auto;padding:24px 28px 48px}\n"
	"h1{font-size:26px;margin:0 0 2px}\n"
	"h2{font-size:19px;margin:36px 0 6px;padding-bottom:4px;border-bottom:1px solid var(--line)}\n"
	"p{margin:4px 0 10px}\n"
	".sub,.note{color:var(--muted)}\n"
	".note{font-size:13px}\n"
	".cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));"
	"gap:12px;margin:18px 0 8px}\n"
	".card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:10px 14px}\n"
	".card b{display:block;font-size:21px;font-variant-numeric:tabular-nums}\n"
	".card span{color:var(--muted);font-size:13px}\n"
	"svg.chart{display:block;max-width:100%;height:auto;margin:8px 0}\n"
	"svg.chart text{font-family:inherit;font-size:12px;fill:#1f2328}\n"
	"svg.chart text.value{fill:#59636e;font-variant-numeric:tabular-nums}\n"
	"svg.chart text.group{font-weight:600}\n"
	"svg.chart line.axis{stroke:#8c959f}\n"
	"svg.chart line.grid{stroke:#e6eaef}\n"
	"details{margin:6px 0 0}\n"
	"summary{cursor:pointer;color:var(--muted);font-size:13px}\n"
	"table{border-collapse:collapse;font-size:13px;margin:8px 0;font-variant-numeric:tabular-nums}\n"
	"th,td{padding:3px 12px;border-bottom:1px solid var(--line);text-align:right}\n"
	"th{background:var(--card)}\n"
	"th:first-child,td:first-child{text-align:left}\n"
	"table.counters td:nth-child(2),table.counters th:nth-child(2){text-align:left}\n"
	"table.counters td:first-child{font-weight:600}\n"
	"footer{margin-top:48px;color:var(--muted);font-size:12px}\n"
	"@media print{details{display:none}}\n";

/* ---- escaping and numbers ---- */

/* Text or attribute value: & < > " ' escaped, controls and bad UTF-8 as U+FFFD. */
static int hesc(struct ayak_buf *b, const char *s, size_t n)
{
	struct ayak_buf clean = AYAK_BUF_INIT;
	size_t i;
	int ret = 0;

	ret |= rfmt_clean(&clean, s, n);
	for (i = 0; i < clean.len && !ret; i++) {
		char c = clean.data[i];

		switch (c) {
		case '&':
			ret |= ayak_buf_addstr(b, "&amp;");
			break;
		case '<':
			ret |= ayak_buf_addstr(b, "&lt;");
			break;
		case '>':
			ret |= ayak_buf_addstr(b, "&gt;");
			break;
		case '"':
			ret |= ayak_buf_addstr(b, "&quot;");
			break;
		case '\'':
			ret |= ayak_buf_addstr(b, "&#39;");
			break;
		default:
			ret |= ayak_buf_add(b, &c, 1);
		}
	}
	ayak_buf_release(&clean);
	return ret;
}

static int hstr(struct ayak_buf *b, const char *s)
{
	return hesc(b, s, strlen(s));
}

/* "1,234" into a small static-size string holder. */
struct num {
	char s[40];
};

static const char *thou(struct num *n, uint64_t v)
{
	struct ayak_buf b = AYAK_BUF_INIT;

	if (rfmt_thousands(&b, v) || b.len >= sizeof(n->s))
		snprintf(n->s, sizeof(n->s), "%llu", (unsigned long long)v);
	else {
		memcpy(n->s, b.data, b.len);
		n->s[b.len] = 0;
	}
	ayak_buf_release(&b);
	return n->s;
}

static const char *pct(struct num *n, uint64_t a, uint64_t c)
{
	if (!c)
		snprintf(n->s, sizeof(n->s), "-");
	else
		snprintf(n->s, sizeof(n->s), "%.1f%%", 100.0 * (double)a / (double)c);
	return n->s;
}

/* ---- horizontal bar charts ---- */

struct hbar {
	const char *label;	/* NULL: a group heading row (group) */
	size_t label_len;
	const char *group;	/* heading text for group rows */
	uint64_t v, v2;		/* v2: a background bar (the funnel's input) */
	const char *value;	/* text after the bar */
	const char *tip;	/* tooltip */
};

struct hbars {
	struct hbar *v;
	size_t n, alloc;
	struct ayak_buf strs;	/* labels and texts, NUL-separated; offsets below */
	size_t *offs;		/* 3 per row: value, tip, label (into strs) */
	int failed;
};

static void hb_release(struct hbars *h)
{
	free(h->v);
	free(h->offs);
	ayak_buf_release(&h->strs);
}

/* Append a string to the pool; its offset. */
static size_t hb_str(struct hbars *h, const char *s, size_t n)
{
	size_t off = h->strs.len;

	if (ayak_buf_add(&h->strs, s, n) || ayak_buf_add(&h->strs, "", 1))
		h->failed = 1;
	return off;
}

static void hb_add(struct hbars *h, const char *label, size_t label_len, int group,
		   uint64_t v, uint64_t v2, const char *value, const char *tip)
{
	if (h->failed)
		return;
	if (h->n == h->alloc) {
		size_t na = h->alloc ? h->alloc * 2 : 16;
		struct hbar *nv = realloc(h->v, na * sizeof(*nv));
		size_t *no = nv ? realloc(h->offs, na * 3 * sizeof(*no)) : NULL;

		if (nv)
			h->v = nv;
		if (!no) {
			h->failed = 1;
			return;
		}
		h->offs = no;
		h->alloc = na;
	}
	memset(&h->v[h->n], 0, sizeof(h->v[h->n]));
	h->v[h->n].v = v;
	h->v[h->n].v2 = v2;
	h->v[h->n].label_len = group ? (size_t)-1 : label_len;
	h->offs[h->n * 3] = hb_str(h, value ? value : "", value ? strlen(value) : 0);
	h->offs[h->n * 3 + 1] = hb_str(h, tip ? tip : "", tip ? strlen(tip) : 0);
	h->offs[h->n * 3 + 2] = hb_str(h, label, label_len);
	h->n++;
}

/* Label cut to at most max columns (rfmt_width), with an ellipsis. */
static int cut_label(struct ayak_buf *b, const char *s, size_t n, size_t max)
{
	size_t i = 0, j, w = 0, k;

	if (rfmt_width(s, n) <= max)
		return hesc(b, s, n);
	while (i < n) {
		for (j = i + 1; j < n && ((unsigned char)s[j] & 0xC0) == 0x80; j++)
			;
		k = rfmt_width(s + i, j - i);
		if (w + k >= max)
			break;	/* a column left for the ellipsis */
		w += k;
		i = j;
	}
	return hesc(b, s, i) || ayak_buf_addstr(b, "\xe2\x80\xa6");
}

/*
 * A horizontal bar chart: one row a bar, label on the left, value on the
 * right; group rows hold a heading.  Bars scale to the largest v or v2.
 */
static int svg_hbars(struct ayak_buf *b, const char *id, const char *title, struct hbars *h,
		     const char *color, const char *color2)
{
	size_t i, maxlab = 4, lw, vw = 190, bw;
	uint64_t max = 0;
	int ret = 0, height;

	if (h->failed)
		return -1;
	for (i = 0; i < h->n; i++) {
		const struct hbar *r = &h->v[i];
		size_t k;

		if (r->label_len == (size_t)-1)
			continue;
		k = rfmt_width(h->strs.data + h->offs[i * 3 + 2], r->label_len);
		if (k > maxlab)
			maxlab = k;
		if (r->v > max)
			max = r->v;
		if (r->v2 > max)
			max = r->v2;
	}
	if (maxlab > 34)
		maxlab = 34;
	lw = maxlab * 7 + 16;
	bw = W - lw - vw;
	height = (int)h->n * ROW + 8;
	ret |= ayak_buf_addf(b, "<svg class=\"chart\" id=\"%s\" xmlns=\"http://www.w3.org/2000/svg\" "
			     "width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" "
			     "aria-label=\"", id, W, height, W, height);
	ret |= hstr(b, title);
	ret |= ayak_buf_addstr(b, "\"><title>");
	ret |= hstr(b, title);
	ret |= ayak_buf_addstr(b, "</title>\n");
	ret |= ayak_buf_addf(b, "<line class=\"axis\" x1=\"%zu.5\" y1=\"2\" x2=\"%zu.5\" y2=\"%d\"/>\n",
			     lw, lw, height - 4);
	for (i = 0; i < h->n && !ret; i++) {
		const struct hbar *r = &h->v[i];
		const char *value = h->strs.data + h->offs[i * 3];
		const char *tip = h->strs.data + h->offs[i * 3 + 1];
		const char *label = h->strs.data + h->offs[i * 3 + 2];
		int y = (int)i * ROW + 4;
		double x2, x1;

		if (r->label_len == (size_t)-1) {
			ret |= ayak_buf_addf(b, "<text class=\"group\" x=\"4\" y=\"%d\">", y + 13);
			ret |= cut_label(b, label, strlen(label), 60);
			ret |= ayak_buf_addstr(b, "</text>\n");
			continue;
		}
		x2 = max ? (double)r->v2 * (double)bw / (double)max : 0;
		x1 = max ? (double)r->v * (double)bw / (double)max : 0;
		if (r->v && x1 < 1)
			x1 = 1;
		ret |= ayak_buf_addf(b, "<g class=\"row\"><text class=\"label\" x=\"%zu\" y=\"%d\" "
				     "text-anchor=\"end\">", lw - 8, y + 12);
		ret |= cut_label(b, label, r->label_len, maxlab);
		ret |= ayak_buf_addstr(b, "</text>");
		if (r->v2)
			ret |= ayak_buf_addf(b, "<rect class=\"bar-in\" x=\"%zu\" y=\"%d\" width=\"%.1f\" "
					     "height=\"%d\" fill=\"%s\"/>", lw + 1, y, x2, BAR, color2);
		ret |= ayak_buf_addf(b, "<rect class=\"bar\" x=\"%zu\" y=\"%d\" width=\"%.1f\" height=\"%d\" "
				     "fill=\"%s\"><title>", lw + 1, y, x1, BAR, color);
		ret |= hstr(b, tip);
		ret |= ayak_buf_addf(b, "</title></rect><text class=\"value\" x=\"%.1f\" y=\"%d\">",
				     (double)lw + 1 + (x2 > x1 ? x2 : x1) + 6, y + 12);
		ret |= hstr(b, value);
		ret |= ayak_buf_addstr(b, "</text></g>\n");
	}
	ret |= ayak_buf_addstr(b, "</svg>\n");
	return ret ? -1 : 0;
}

/* ---- column charts (histograms) ---- */

/* A round step for about 4 grid lines up to max. */
static uint64_t nice_step(uint64_t max)
{
	uint64_t step = 1;

	while (step * 10 <= max / 4 + 1 && step < UINT64_MAX / 100)
		step *= 10;
	if (step * 5 <= max / 3)
		return step * 5;
	if (step * 2 <= max / 3)
		return step * 2;
	return step;
}

static int svg_columns(struct ayak_buf *b, const char *id, const char *title, size_t n,
		       const uint64_t *v, char **xlab, char **tips, const char *color,
		       const char *xtitle)
{
	const int left = 64, right = 28, top = 12, bottom = 52, height = 260;
	double pw = W - left - right, ph = height - top - bottom, cw, x;
	uint64_t max = 1, step, t;
	size_t i;
	int ret = 0;

	for (i = 0; i < n; i++)
		if (v[i] > max)
			max = v[i];
	step = nice_step(max);
	if (max % step)
		max = (max / step + 1) * step;
	cw = n ? pw / (double)n : pw;
	ret |= ayak_buf_addf(b, "<svg class=\"chart\" id=\"%s\" xmlns=\"http://www.w3.org/2000/svg\" "
			     "width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" "
			     "aria-label=\"", id, W, height, W, height);
	ret |= hstr(b, title);
	ret |= ayak_buf_addstr(b, "\"><title>");
	ret |= hstr(b, title);
	ret |= ayak_buf_addstr(b, "</title>\n");
	for (t = 0; t <= max; t += step) {
		double y = top + ph - ph * (double)t / (double)max;
		struct num nm;

		ret |= ayak_buf_addf(b, "<line class=\"grid\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\"/>"
				     "<text class=\"value\" x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n",
				     left, y, W - right, y, left - 6, y + 4, thou(&nm, t));
		if (max - t < step)
			break;
	}
	for (i = 0; i < n && !ret; i++) {
		double h = ph * (double)v[i] / (double)max;

		x = left + cw * (double)i;
		if (v[i] && h < 1)
			h = 1;
		ret |= ayak_buf_addf(b, "<rect class=\"bar\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
				     "height=\"%.1f\" fill=\"%s\"><title>", x + 1.5, top + ph - h,
				     cw - 3 > 1 ? cw - 3 : 1, h, color);
		ret |= hstr(b, tips[i]);
		ret |= ayak_buf_addstr(b, "</title></rect>\n");
	}
	/* Labels on the edges between the bars: n + 1 of them. */
	for (i = 0; i <= n && !ret; i++) {
		x = left + cw * (double)i;
		ret |= ayak_buf_addf(b, "<line class=\"axis\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
				     "y2=\"%.1f\"/><text class=\"tick\" x=\"%.1f\" y=\"%.1f\" "
				     "text-anchor=\"middle\">", x, top + ph, x, top + ph + 5, x,
				     top + ph + 18);
		ret |= hstr(b, xlab[i]);
		ret |= ayak_buf_addstr(b, "</text>\n");
	}
	ret |= ayak_buf_addf(b, "<line class=\"axis\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\"/>\n",
			     left, top + ph + 0.5, W - right, top + ph + 0.5);
	ret |= ayak_buf_addf(b, "<text class=\"value\" x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">",
			     left + pw / 2, height - 12);
	ret |= hstr(b, xtitle);
	ret |= ayak_buf_addstr(b, "</text>\n</svg>\n");
	return ret ? -1 : 0;
}

/* ---- sections ---- */

static int card(struct ayak_buf *b, const char *value, const char *label)
{
	return ayak_buf_addstr(b, "<div class=\"card\"><b>") || hstr(b, value) ||
	       ayak_buf_addstr(b, "</b><span>") || hstr(b, label) ||
	       ayak_buf_addstr(b, "</span></div>\n");
}

static int html_cards(struct report *r, struct ayak_buf *b)
{
	struct ayak_buf s = AYAK_BUF_INIT;
	struct num n;
	int ret = 0;

	ret |= ayak_buf_addstr(b, "<div class=\"cards\" id=\"summary\">\n");
	if (!r->o.no_records) {
		ret |= card(b, thou(&n, r->records), "records");
		ret |= rfmt_size(&s, r->text_bytes) || ayak_buf_add(&s, "", 1);
		ret |= card(b, s.data ? s.data : "", "of text (UTF-8)");
		ret |= card(b, thou(&n, r->chars), "characters");
		ret |= card(b, thou(&n, r->words), "words");
		if (r->o.tokens)
			ret |= card(b, thou(&n, r->tokens), "tokens");
		ret |= card(b, thou(&n, rtab_distinct(&r->langs)), "language labels");
		ret |= card(b, thou(&n, rtab_distinct(&r->domains)),
			    r->domains.evicted ? "domains (estimated)" : "domains");
		if (r->malformed)
			ret |= card(b, thou(&n, r->malformed), "malformed records skipped");
	}
	if (r->stage_files)
		ret |= card(b, thou(&n, r->nstages), r->nstages == 1 ? "pipeline stage" : "pipeline stages");
	ret |= ayak_buf_addstr(b, "</div>\n");
	ayak_buf_release(&s);
	return ret;
}

/* Open a <details> table with the given header cells (NULL-terminated). */
static int table_open(struct ayak_buf *b, const char *summary, const char *const *heads)
{
	int ret = ayak_buf_addstr(b, "<details><summary>");

	ret |= hstr(b, summary);
	ret |= ayak_buf_addstr(b, "</summary><table><thead><tr>");
	for (; *heads; heads++) {
		ret |= ayak_buf_addstr(b, "<th>");
		ret |= hstr(b, *heads);
		ret |= ayak_buf_addstr(b, "</th>");
	}
	return ret | ayak_buf_addstr(b, "</tr></thead><tbody>\n");
}

static int table_close(struct ayak_buf *b)
{
	return ayak_buf_addstr(b, "</tbody></table></details>\n");
}

/* One row: the first cell is text (escaped), the rest are given as is. */
static int table_row(struct ayak_buf *b, const char *name, size_t len, size_t n, ...)
{
	va_list ap;
	size_t i;
	int ret = ayak_buf_addstr(b, "<tr><td>");

	ret |= hesc(b, name, len);
	ret |= ayak_buf_addstr(b, "</td>");
	va_start(ap, n);
	for (i = 0; i < n; i++) {
		ret |= ayak_buf_addstr(b, "<td>");
		ret |= hstr(b, va_arg(ap, const char *));
		ret |= ayak_buf_addstr(b, "</td>");
	}
	va_end(ap);
	return ret | ayak_buf_addstr(b, "</tr>\n");
}

/* A copy of s's text with a NUL, or NULL when s could not grow or memory runs out. */
static char *buf_copy(const struct ayak_buf *s)
{
	return s->failed ? NULL : strndup(s->data ? s->data : "", s->len);
}

static int html_lengths(struct report *r, struct ayak_buf *b)
{
	size_t first = 0, last = 0, i, n;
	char **lab = NULL, **tips = NULL;
	struct ayak_buf s = AYAK_BUF_INIT;
	int ret = 0;
	static const char *const heads[] = { "characters", "records", "share", NULL };

	ret |= ayak_buf_addstr(b, "<section id=\"lengths\">\n<h2>Document length</h2>\n");
	if (!r->records)
		return ret | ayak_buf_addstr(b, "<p class=\"note\">No records.</p>\n</section>\n");
	ret |= ayak_buf_addf(b, "<p>Characters per record: shortest %llu, median %llu, 90%% are "
			     "at most %llu, 99%% at most %llu, longest %llu, mean %.1f.</p>\n",
			     (unsigned long long)r->len_min,
			     (unsigned long long)report_len_quantile(r, 0.5),
			     (unsigned long long)report_len_quantile(r, 0.9),
			     (unsigned long long)report_len_quantile(r, 0.99),
			     (unsigned long long)r->len_max, (double)r->chars / (double)r->records);
	report_len_range(r, &first, &last);	/* records > 0: some bin holds them */
	n = last - first + 1;
	lab = calloc(n + 1, sizeof(*lab));
	tips = calloc(n ? n : 1, sizeof(*tips));
	if (!lab || !tips) {
		free(lab);
		free(tips);
		return -1;
	}
	for (i = 0; i < n && !ret; i++) {
		struct num k, p;

		ayak_buf_reset(&s);
		ret |= rfmt_len_edge(&s, r->len_edge[first + i]);
		lab[i] = buf_copy(&s);
		ayak_buf_reset(&s);
		ret |= rfmt_len_bin(&s, r, first + i, 1);
		ret |= ayak_buf_addf(&s, " characters: %s %s (%s)", thou(&k, r->len_bins[first + i]),
				     rfmt_records(r->len_bins[first + i]),
				     pct(&p, r->len_bins[first + i], r->records));
		tips[i] = buf_copy(&s);
		if (!lab[i] || !tips[i])
			ret = -1;
	}
	ayak_buf_reset(&s);
	if (last + 1 < REPORT_LEN_BINS)	/* the upper edge of the last bin */
		ret |= rfmt_len_edge(&s, r->len_edge[last + 1]);
	lab[n] = buf_copy(&s);
	if (!lab[n])
		ret = -1;
	if (!ret)
		ret |= svg_columns(b, "chart-lengths", "Records by length in characters (log scale)", n,
				   r->len_bins + first, lab, tips, C_LEN,
				   "characters per record");
	ret |= ayak_buf_addstr(b, "<p class=\"note\">Log scale: the bars cover 1\xe2\x80\x93" "9, "
			       "10\xe2\x80\x93" "19, 20\xe2\x80\x93" "49, 50\xe2\x80\x93" "99, "
			       "100\xe2\x80\x93" "199 characters and so on. The median and the "
			       "90% and 99% marks may be up to 3% low.</p>\n");
	ret |= table_open(b, "Table", heads);
	for (i = 0; i < n && !ret; i++) {
		struct num k, p;

		ayak_buf_reset(&s);
		ret |= rfmt_len_bin(&s, r, first + i, 1);
		ret |= table_row(b, s.data, s.len, 2, thou(&k, r->len_bins[first + i]),
				 pct(&p, r->len_bins[first + i], r->records));
	}
	ret |= table_close(b);
	for (i = 0; i <= n; i++)
		free(lab[i]);
	for (i = 0; i < n; i++)
		free(tips[i]);
	free(lab);
	free(tips);
	ayak_buf_release(&s);
	return ret | ayak_buf_addstr(b, "</section>\n");
}

static int html_langs(struct report *r, struct ayak_buf *b)
{
	uint32_t *ord = rtab_sorted(&r->langs);
	struct hbars h = { 0 };
	struct ayak_buf s = AYAK_BUF_INIT, t = AYAK_BUF_INIT;
	size_t i;
	int ret = 0;
	static const char *const heads[] = { "label", "records", "share", "characters", "words",
					     "mean score", "error", NULL };
	static const char *const heads_tok[] = { "label", "records", "share", "characters",
						 "words", "tokens", "mean score", "error", NULL };

	if (!ord)
		return -1;
	ret |= ayak_buf_addstr(b, "<section id=\"languages\">\n<h2>Languages</h2>\n<p>The label that "
			       "ayak-lid gave each record (field <code>");
	ret |= hstr(b, r->o.lang_field);
	ret |= ayak_buf_addstr(b, "</code>), as a share of all records.");
	if (report_nlid(r))
		ret |= ayak_buf_addstr(b, " The labels of every record that ayak-lid read, before it "
				       "chose these, are in the next section.");
	ret |= ayak_buf_addstr(b, "</p>\n");
	for (i = 0; i < r->langs.n; i++) {
		const struct rtab_entry *e = &r->langs.e[ord[i]];
		struct num k, p, c;

		ayak_buf_reset(&s);
		ayak_buf_reset(&t);
		ret |= ayak_buf_addf(&s, "%s (%s)", thou(&k, e->n), pct(&p, e->n, r->records));
		ret |= ayak_buf_add(&s, "", 1);
		ret |= ayak_buf_add(&t, e->len ? e->key : "\"\"", e->len ? e->len : 2);
		ret |= ayak_buf_addf(&t, ": %s %s (%s), %s characters", thou(&k, e->n),
				     rfmt_records(e->n), pct(&p, e->n, r->records), thou(&c, e->chars));
		if (e->score_n)
			ret |= ayak_buf_addf(&t, ", mean score %.4f",
					     (double)e->score_sum / 10000.0 / (double)e->score_n);
		if (e->err)
			ret |= ayak_buf_addf(&t, " (counts may be over by up to %s)", thou(&c, e->err));
		ret |= ayak_buf_add(&t, "", 1);
		hb_add(&h, e->len ? e->key : "\"\"", e->len ? e->len : 2, 0, e->n, 0, s.data, t.data);
	}
	if (r->long_lang) {
		struct num k, p;

		ayak_buf_reset(&s);
		ret |= ayak_buf_addf(&s, "%s (%s)", thou(&k, r->long_lang),
				     pct(&p, r->long_lang, r->records));
		ret |= ayak_buf_add(&s, "", 1);
		ayak_buf_reset(&t);
		ret |= ayak_buf_addf(&t, "labels over %d bytes, counted apart: %s %s",
				     REPORT_MAX_LABEL, thou(&k, r->long_lang),
				     rfmt_records(r->long_lang));
		ret |= ayak_buf_add(&t, "", 1);
		hb_add(&h, "(too long)", 10, 0, r->long_lang, 0, s.data, t.data);
	}
	if (r->records > r->with_lang) {
		struct num k, p;
		uint64_t none = r->records - r->with_lang;

		ayak_buf_reset(&s);
		ret |= ayak_buf_addf(&s, "%s (%s)", thou(&k, none), pct(&p, none, r->records));
		ret |= ayak_buf_add(&s, "", 1);
		ayak_buf_reset(&t);
		ret |= ayak_buf_addf(&t, "no %s field: %s %s", r->o.lang_field, thou(&k, none),
				     rfmt_records(none));
		ret |= ayak_buf_add(&t, "", 1);
		hb_add(&h, "(none)", 6, 0, none, 0, s.data, t.data);
	}
	if (h.n)
		ret |= svg_hbars(b, "chart-languages", "Records by language label", &h, C_BAR, C_IN);
	else
		ret |= ayak_buf_addstr(b, "<p class=\"note\">No records.</p>\n");
	if (r->langs.evicted) {
		struct num k;

		ret |= ayak_buf_addstr(b, "<p class=\"note\">More than ");
		ret |= ayak_buf_addstr(b, thou(&k, r->langs.max));
		ret |= ayak_buf_addstr(b, " distinct labels: the counts come from the Space-Saving "
				       "algorithm and may be over by at most the error in the table "
				       "(characters and words may be too low).</p>\n");
	}
	/* The rows and columns of the text report: "" for the empty label,
	 * tokens with a tokenizer, the rows of labels too long and of none. */
	if (r->records) {
		struct num k, p;

		ret |= table_open(b, "Table", r->o.tokens ? heads_tok : heads);
		for (i = 0; i < r->langs.n && !ret; i++) {
			const struct rtab_entry *e = &r->langs.e[ord[i]];
			const char *name = e->len ? e->key : "\"\"";
			size_t len = e->len ? e->len : 2;
			struct num c, w, sc, er, tk;

			if (e->score_n)
				snprintf(sc.s, sizeof(sc.s), "%.4f",
					 (double)e->score_sum / 10000.0 / (double)e->score_n);
			else
				snprintf(sc.s, sizeof(sc.s), "-");
			if (r->o.tokens)
				ret |= table_row(b, name, len, 7, thou(&k, e->n),
						 pct(&p, e->n, r->records), thou(&c, e->chars),
						 thou(&w, e->words), thou(&tk, e->tokens), sc.s,
						 thou(&er, e->err));
			else
				ret |= table_row(b, name, len, 6, thou(&k, e->n),
						 pct(&p, e->n, r->records), thou(&c, e->chars),
						 thou(&w, e->words), sc.s, thou(&er, e->err));
		}
		/* as in the domains table: count and share, the other cells blank */
		if (r->long_lang)
			ret |= table_row(b, "(too long)", 10, r->o.tokens ? 7 : 6, thou(&k, r->long_lang),
					 pct(&p, r->long_lang, r->records), "", "", "", "", "");
		if (r->records > r->with_lang)
			ret |= table_row(b, "(none)", 6, r->o.tokens ? 7 : 6,
					 thou(&k, r->records - r->with_lang),
					 pct(&p, r->records - r->with_lang, r->records), "", "", "", "", "");
		ret |= table_close(b);
	}
	hb_release(&h);
	free(ord);

	if (r->scored) {
		char *lab[11], *tips[10];
		char lb[11][8], tb[10][96];

		ret |= ayak_buf_addstr(b, "<h2 id=\"scores\">Language scores</h2>\n<p>How sure "
				       "ayak-lid was of its label (field <code>");
		ret |= hstr(b, r->score_field);
		{
			struct num k;

			ret |= ayak_buf_addf(b, "</code>, from 0 to 1), over the %s %s that ha%s "
					     "one.</p>\n", thou(&k, r->scored), rfmt_records(r->scored),
					     r->scored == 1 ? "s" : "ve");
		}
		for (i = 0; i < 10; i++) {
			struct num k, p;

			snprintf(lb[i], sizeof(lb[i]), "%.1f", (double)i / 10);
			snprintf(tb[i], sizeof(tb[i]), "score %.1f\xe2\x80\x93%.1f: %s %s (%s)",
				 (double)i / 10, (double)(i + 1) / 10, thou(&k, r->score_bins[i]),
				 rfmt_records(r->score_bins[i]),
				 pct(&p, r->score_bins[i], r->scored));
			lab[i] = lb[i];
			tips[i] = tb[i];
		}
		snprintf(lb[10], sizeof(lb[10]), "1.0");
		lab[10] = lb[10];
		ret |= svg_columns(b, "chart-scores", "Records by language score", 10, r->score_bins,
				   lab, tips, C_SCORE, "score");
	}
	ayak_buf_release(&s);
	ayak_buf_release(&t);
	return ret | ayak_buf_addstr(b, "</section>\n");
}

static int html_domains(struct report *r, struct ayak_buf *b)
{
	uint32_t *ord = rtab_sorted(&r->domains);
	struct hbars h = { 0 };
	struct ayak_buf s = AYAK_BUF_INIT, t = AYAK_BUF_INIT;
	size_t i, n = r->domains.n < r->o.top ? r->domains.n : r->o.top;
	struct num k, p;
	int ret = 0;
	static const char *const heads[] = { "domain", "records", "share", "characters", "words",
					     "error", NULL };

	if (!ord)
		return -1;
	ret |= ayak_buf_addstr(b, "<section id=\"domains\">\n<h2>Top domains</h2>\n<p>Hosts of the "
			       "<code>");
	ret |= hstr(b, r->o.url_field);
	ret |= ayak_buf_addf(b, "</code> field, without <code>www.</code>: the %zu with the most "
			     "records, of ", n);
	ret |= ayak_buf_addstr(b, r->domains.evicted ? "about " : "");
	ret |= ayak_buf_addstr(b, thou(&k, rtab_distinct(&r->domains)));
	ret |= ayak_buf_addstr(b, " seen in ");
	ret |= ayak_buf_addstr(b, thou(&k, r->with_url));
	ret |= ayak_buf_addf(b, " %s with a URL.</p>\n", rfmt_records(r->with_url));
	for (i = 0; i < n; i++) {
		const struct rtab_entry *e = &r->domains.e[ord[i]];
		struct num c;

		ayak_buf_reset(&s);
		ayak_buf_reset(&t);
		ret |= ayak_buf_addf(&s, "%s (%s)", thou(&k, e->n), pct(&p, e->n, r->records));
		ret |= ayak_buf_add(&s, "", 1);
		ret |= ayak_buf_add(&t, e->key, e->len);
		ret |= ayak_buf_addf(&t, ": %s %s, %s characters", thou(&k, e->n),
				     rfmt_records(e->n), thou(&c, e->chars));
		if (e->err)
			ret |= ayak_buf_addf(&t, " (counts may be over by up to %s)", thou(&c, e->err));
		ret |= ayak_buf_add(&t, "", 1);
		hb_add(&h, e->key, e->len, 0, e->n, 0, s.data, t.data);
	}
	if (h.n)
		ret |= svg_hbars(b, "chart-domains", "Records by domain", &h, C_DOMAIN, C_IN);
	else
		ret |= ayak_buf_addstr(b, "<p class=\"note\">No records with a URL.</p>\n");
	if (r->domains.evicted) {
		ret |= ayak_buf_addstr(b, "<p class=\"note\">More than ");
		ret |= ayak_buf_addstr(b, thou(&k, r->domains.max));
		ret |= ayak_buf_addstr(b, " distinct domains (--max-domains): the counts come from the "
				       "Space-Saving algorithm and may be over by at most the error "
				       "in the table (characters and words may be too low); every "
				       "domain with more than records/max-domains records is "
				       "listed.</p>\n");
	}
	/* The rows of records without a host or a URL, even when no domain is listed. */
	if (n || r->bad_host || r->no_host || r->records > r->with_url) {
		ret |= table_open(b, "Table", heads);
		for (i = 0; i < n && !ret; i++) {
			const struct rtab_entry *e = &r->domains.e[ord[i]];
			struct num c, w, er;

			ret |= table_row(b, e->key, e->len, 5, thou(&k, e->n), pct(&p, e->n, r->records),
					 thou(&c, e->chars), thou(&w, e->words), thou(&er, e->err));
		}
		if (r->bad_host)
			ret |= table_row(b, "(invalid host)", 14, 5, thou(&k, r->bad_host),
					 pct(&p, r->bad_host, r->records), "", "", "");
		if (r->no_host)
			ret |= table_row(b, "(no host)", 9, 5, thou(&k, r->no_host),
					 pct(&p, r->no_host, r->records), "", "", "");
		if (r->records > r->with_url)
			ret |= table_row(b, "(no url)", 8, 5, thou(&k, r->records - r->with_url),
					 pct(&p, r->records - r->with_url, r->records), "", "", "");
		ret |= table_close(b);
	}
	hb_release(&h);
	free(ord);
	ayak_buf_release(&s);
	ayak_buf_release(&t);
	return ret | ayak_buf_addstr(b, "</section>\n");
}

static int html_counters(struct report *r, struct rstage **st, struct ayak_buf *b);

static int html_stages(struct report *r, struct ayak_buf *b)
{
	struct rstage **st;
	struct hbars h = { 0 }, d = { 0 };
	struct ayak_buf s = AYAK_BUF_INIT, t = AYAK_BUF_INIT;
	size_t i, j;
	int ret = 0;
	static const char *const heads[] = { "stage", "files", "records in", "records out", "kept",
					     "dropped", "errors", "seconds", NULL };
	static const char *const dheads[] = { "stage and reason", "records", "of the stage's input",
					      NULL };

	if (!r->stage_files)
		return 0;
	st = report_stages_sorted(r);
	if (!st)
		return -1;
	ret |= ayak_buf_addf(b, "<section id=\"stages\">\n<h2>Pipeline</h2>\n<p>Records into "
			     "(light) and out of (dark) each stage, summed over shards, from %llu "
			     "<code>--stats</code> file%s.</p>\n",
			     (unsigned long long)r->stage_files, r->stage_files == 1 ? "" : "s");
	for (i = 0; i < r->nstages; i++) {
		struct num a, c, p;
		struct rcount **v;

		ayak_buf_reset(&s);
		ayak_buf_reset(&t);
		ret |= ayak_buf_addf(&s, "%s \xe2\x86\x92 %s (%s)", thou(&a, st[i]->records_in),
				     thou(&c, st[i]->records_out),
				     pct(&p, st[i]->records_out, st[i]->records_in));
		ret |= ayak_buf_add(&s, "", 1);
		ret |= ayak_buf_addf(&t, "%s: %s %s in, %s out (%s kept), %llu file%s",
				     st[i]->name, thou(&a, st[i]->records_in),
				     rfmt_records(st[i]->records_in), thou(&c, st[i]->records_out),
				     pct(&p, st[i]->records_out, st[i]->records_in),
				     (unsigned long long)st[i]->files, st[i]->files == 1 ? "" : "s");
		ret |= ayak_buf_add(&t, "", 1);
		hb_add(&h, st[i]->name, strlen(st[i]->name), 0, st[i]->records_out,
		       st[i]->records_in, s.data, t.data);
		if (!st[i]->dropped.n)
			continue;
		v = rcounts_sorted(&st[i]->dropped, 0);
		if (!v) {
			ret = -1;
			break;
		}
		hb_add(&d, st[i]->name, strlen(st[i]->name), 1, 0, 0, NULL, NULL);
		for (j = 0; j < st[i]->dropped.n; j++) {
			ayak_buf_reset(&s);
			ayak_buf_reset(&t);
			ret |= ayak_buf_addf(&s, "%s (%s)", thou(&a, v[j]->n),
					     pct(&p, v[j]->n, st[i]->records_in));
			ret |= ayak_buf_add(&s, "", 1);
			ret |= ayak_buf_addf(&t, "%s, %s: %s %s dropped (%s of its input)",
					     st[i]->name, v[j]->name, thou(&a, v[j]->n), rfmt_records(v[j]->n),
					     pct(&p, v[j]->n, st[i]->records_in));
			ret |= ayak_buf_add(&t, "", 1);
			hb_add(&d, v[j]->name, strlen(v[j]->name), 0, v[j]->n, 0, s.data, t.data);
		}
		free(v);
	}
	ret |= svg_hbars(b, "chart-funnel", "Records into and out of each stage", &h, C_BAR, C_IN);
	ret |= table_open(b, "Table", heads);
	for (i = 0; i < r->nstages && !ret; i++) {
		struct num f, a, c, p, dr, e, sec;
		uint64_t dropped = 0;

		for (j = 0; j < st[i]->dropped.n; j++)
			dropped += st[i]->dropped.v[j].n;
		snprintf(sec.s, sizeof(sec.s), "%llu.%03llu", (unsigned long long)(st[i]->msec / 1000),
			 (unsigned long long)(st[i]->msec % 1000));
		ret |= table_row(b, st[i]->name, strlen(st[i]->name), 7, thou(&f, st[i]->files),
				 thou(&a, st[i]->records_in), thou(&c, st[i]->records_out),
				 pct(&p, st[i]->records_out, st[i]->records_in), thou(&dr, dropped),
				 thou(&e, st[i]->errors), sec.s);
	}
	ret |= table_close(b);
	ret |= ayak_buf_addstr(b, "<h2 id=\"drops\">Dropped records by reason</h2>\n");
	if (d.n) {
		ret |= ayak_buf_addstr(b, "<p>Why each stage dropped records, with the share of the "
				       "records that came into the stage.</p>\n");
		ret |= svg_hbars(b, "chart-drops", "Dropped records by stage and reason", &d, C_DROP,
				 C_IN);
		ret |= table_open(b, "Table", dheads);
		for (i = 0; i < r->nstages && !ret; i++) {
			struct rcount **v = rcounts_sorted(&st[i]->dropped, 0);

			if (!v) {
				ret = -1;
				break;
			}
			for (j = 0; j < st[i]->dropped.n; j++) {
				struct num a, p;

				ayak_buf_reset(&s);
				ret |= ayak_buf_addf(&s, "%s: %s", st[i]->name, v[j]->name);
				ret |= table_row(b, s.data, s.len, 2, thou(&a, v[j]->n),
						 pct(&p, v[j]->n, st[i]->records_in));
			}
			free(v);
		}
		ret |= table_close(b);
	} else {
		ret |= ayak_buf_addstr(b, "<p class=\"note\">No stage dropped records.</p>\n");
	}
	if (!ret)
		ret |= html_counters(r, st, b);
	hb_release(&h);
	hb_release(&d);
	free(st);
	ayak_buf_release(&s);
	ayak_buf_release(&t);
	return ret | ayak_buf_addstr(b, "</section>\n");
}

/* The labels ayak-lid gave to every record it read: the lang.* counts of its stats files. */
static int html_lid_langs(struct report *r, struct ayak_buf *b)
{
	struct rstage **st;
	struct hbars h = { 0 };
	struct ayak_buf s = AYAK_BUF_INIT, t = AYAK_BUF_INIT;
	size_t nlid = report_nlid(r), i, j;
	int ret = 0;
	static const char *const heads[] = { "label", "records", "share", NULL };

	if (!nlid)
		return 0;
	st = report_stages_sorted(r);
	if (!st)
		return -1;
	ret |= ayak_buf_addstr(b, "<section id=\"lid-languages\">\n<h2>Languages ayak-lid saw "
			       "(before selection)</h2>\n<p>The label that ayak-lid gave to every "
			       "record it read, before <code>--keep</code>, <code>--drop</code> and "
			       "the score thresholds chose the records to pass on, as a share of "
			       "the records it read; from the <code>lang.*</code> counts of its "
			       "<code>--stats</code> files, summed over shards.</p>\n");
	for (i = 0; i < r->nstages && !ret; i++) {
		struct rcount **v;

		if (!rstage_nlangs(st[i]))
			continue;
		v = rcounts_sorted(&st[i]->counts, 0);
		if (!v) {
			ret = -1;
			break;
		}
		if (nlid > 1)
			hb_add(&h, st[i]->name, strlen(st[i]->name), 1, 0, 0, NULL, NULL);
		for (j = 0; j < st[i]->counts.n; j++) {
			const char *label = v[j]->name + 5;
			struct num a, c, p;

			if (!rstage_is_lang(st[i], v[j]->name))
				continue;
			ayak_buf_reset(&s);
			ayak_buf_reset(&t);
			ret |= ayak_buf_addf(&s, "%s (%s)", thou(&a, v[j]->n),
					     pct(&p, v[j]->n, st[i]->records_in));
			ret |= ayak_buf_add(&s, "", 1);
			ret |= ayak_buf_addf(&t, "%s: %s of the %s %s %s read (%s)", label,
					     thou(&a, v[j]->n), thou(&c, st[i]->records_in),
					     rfmt_records(st[i]->records_in), st[i]->name,
					     pct(&p, v[j]->n, st[i]->records_in));
			ret |= ayak_buf_add(&t, "", 1);
			hb_add(&h, label, strlen(label), 0, v[j]->n, 0, s.data, t.data);
		}
		free(v);
	}
	if (!ret)
		ret |= svg_hbars(b, "chart-lid-languages", "Languages ayak-lid saw (before selection)",
				 &h, C_LID, C_IN);
	ret |= table_open(b, "Table", heads);
	for (i = 0; i < r->nstages && !ret; i++) {
		struct rcount **v;

		if (!rstage_nlangs(st[i]))
			continue;
		v = rcounts_sorted(&st[i]->counts, 0);
		if (!v) {
			ret = -1;
			break;
		}
		for (j = 0; j < st[i]->counts.n; j++) {
			struct num a, p;

			if (!rstage_is_lang(st[i], v[j]->name))
				continue;
			ayak_buf_reset(&s);
			if (nlid > 1)
				ret |= ayak_buf_addf(&s, "%s: ", st[i]->name);
			ret |= ayak_buf_addstr(&s, v[j]->name + 5);
			ret |= table_row(b, s.data, s.len, 2, thou(&a, v[j]->n),
					 pct(&p, v[j]->n, st[i]->records_in));
		}
		free(v);
	}
	ret |= table_close(b);
	hb_release(&h);
	free(st);
	ayak_buf_release(&s);
	ayak_buf_release(&t);
	return ret | ayak_buf_addstr(b, "</section>\n");
}

/* The other counters of the stats files, one row a counter, grouped by stage. */
static int html_counters(struct report *r, struct rstage **st, struct ayak_buf *b)
{
	size_t i, j, k, rows = 0;
	int ret = 0;

	ret |= ayak_buf_addstr(b, "<h2 id=\"counters\">Stage counters</h2>\n");
	for (i = 0; i < r->nstages && !ret; i++) {
		struct rcount **v = rcounts_sorted(&st[i]->counts, 0);

		if (!v)
			return -1;
		for (j = k = 0; j < st[i]->counts.n && !ret; j++) {
			struct num a;

			if (rstage_is_lang(st[i], v[j]->name) || !v[j]->n)
				continue;
			if (!rows++)
				ret |= ayak_buf_addstr(b, "<p>What else the stages counted, summed over "
						       "shards (lines, rules, matches, tokens: not "
						       "only records); those that stayed at 0 are left "
						       "out.</p>\n<table class=\"counters\">"
						       "<thead><tr><th>stage</th><th>counter</th>"
						       "<th>count</th></tr></thead><tbody>\n");
			ret |= ayak_buf_addstr(b, "<tr><td>");
			if (!k++)
				ret |= hstr(b, st[i]->name);
			ret |= ayak_buf_addstr(b, "</td><td>");
			ret |= hstr(b, v[j]->name);
			ret |= ayak_buf_addstr(b, "</td><td>");
			ret |= ayak_buf_addstr(b, thou(&a, v[j]->n));
			ret |= ayak_buf_addstr(b, "</td></tr>\n");
		}
		free(v);
	}
	if (rows)
		ret |= ayak_buf_addstr(b, "</tbody></table>\n");
	else
		ret |= ayak_buf_addstr(b, "<p class=\"note\">No other counters.</p>\n");
	return ret;
}

static int html_records(struct report *r, struct ayak_buf *b)
{
	struct num n;
	struct ayak_buf s = AYAK_BUF_INIT;
	int ret = 0;

	ret |= ayak_buf_addstr(b, "<section id=\"records\">\n<h2>Records</h2>\n<table>\n");
#define ROWN(label, v) \
	ret |= ayak_buf_addstr(b, "<tr><td>" label "</td><td>") || \
	       ayak_buf_addstr(b, thou(&n, v)) || ayak_buf_addstr(b, "</td></tr>\n")
	ROWN("records", r->records);
	ROWN("malformed records skipped", r->malformed);
	ROWN("bytes of records (JSON lines, newlines included)", r->record_bytes);
	ROWN("bytes of text (UTF-8)", r->text_bytes);
	ROWN("characters (Unicode code points)", r->chars);
	ROWN("words (runs of characters between white space)", r->words);
	if (r->o.tokens) {
		ret |= ayak_buf_addstr(b, "<tr><td>tokens (");
		ret |= hstr(b, r->o.tokenizer ? r->o.tokenizer : "tokenizer");
		ret |= ayak_buf_addstr(b, ")</td><td>");
		ret |= ayak_buf_addstr(b, thou(&n, r->tokens));
		ret |= ayak_buf_addstr(b, "</td></tr>\n");
	}
#undef ROWN
	ret |= ayak_buf_addstr(b, "</table>\n</section>\n");
	ayak_buf_release(&s);
	return ret;
}

int report_write_html(struct report *r, struct ayak_buf *b)
{
	int ret = 0;

	ret |= ayak_buf_addstr(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
			       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
			       "<meta name=\"generator\" content=\"ayak-stats " AYAK_VERSION "\">\n"
			       "<title>");
	ret |= hstr(b, r->o.title);
	ret |= ayak_buf_addstr(b, "</title>\n<style>\n");
	ret |= ayak_buf_addstr(b, css);
	ret |= ayak_buf_addstr(b, "</style>\n</head>\n<body>\n<header>\n<h1>");
	ret |= hstr(b, r->o.title);
	ret |= ayak_buf_addstr(b, "</h1>\n<p class=\"sub\">Made by ayak-stats " AYAK_VERSION);
	if (r->o.timestamp) {
		ret |= ayak_buf_addstr(b, " on ");
		ret |= hstr(b, r->o.timestamp);
	}
	ret |= ayak_buf_addstr(b, ".</p>\n");
	ret |= html_cards(r, b);
	ret |= ayak_buf_addstr(b, "</header>\n<main>\n");
	if (!r->o.no_records)
		ret |= html_langs(r, b);
	ret |= html_lid_langs(r, b);
	if (!r->o.no_records) {
		ret |= html_lengths(r, b);
		ret |= html_domains(r, b);
	}
	ret |= html_stages(r, b);
	if (!r->o.no_records)
		ret |= html_records(r, b);
	if (r->o.no_records && !r->stage_files)
		ret |= ayak_buf_addstr(b, "<p class=\"note\">No stats files.</p>\n");
	ret |= ayak_buf_addstr(b, "</main>\n<footer>Records are JSON lines as described in ayak(7). "
			       "This page is self-contained: no scripts, nothing loaded from the "
			       "network.</footer>\n</body>\n</html>\n");
	return ret ? -1 : 0;
}
