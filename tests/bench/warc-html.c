/*
 * warc-html: HTML parsers for ayak-warc compared on the same pages, for
 * speed and text.  Built and run by tests/bench/warc.sh.
 *
 *	warc-html [-r SECONDS] [-d DIR] PAGES.jsonl
 *	warc-html -f A.txt B.txt
 *
 * PAGES.jsonl holds one page per line as `ayak-warc --html` writes it
 * (the HTML, already UTF-8, in "text").  Three parsers turn each page into
 * text under the same rules (script, style, head and the like dropped,
 * block elements on lines of their own, white space collapsed outside
 * <pre>, no main-content extraction):
 *
 *   ayak     src/lib/warc_html.c (WARC_HTML_KEEP_BOILERPLATE), ayak's own
 *            tokenizer after the HTML standard's tokenization states;
 *   libxml2  htmlReadMemory() (libxml2's HTML 4 parser), then a tree walk;
 *   gumbo    gumbo_parse() (Google's HTML5 parser, html5lib-tests
 *            conformant), then the same tree walk.
 *
 * For each it prints MB/s of HTML (each page parsed repeatedly for about
 * SECONDS), and how close its words are to gumbo's: the F1 of the two bags
 * of words per page, averaged, and the pages below 0.99.  ayak with main
 * content extraction on is timed too.  With -d, each parser's text of page
 * N is written to DIR/N.PARSER and the HTML to DIR/N.html, for the
 * html2text and w3m comparison in warc.sh; -f prints the F1 of the words
 * of two text files (their text against gumbo's).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <gumbo.h>
#include <libxml/HTMLparser.h>

#include "json.h"
#include "warc.h"

struct page {
	char *html;
	size_t len;
};

/* ---- the text rules shared by the tree walks ---- */

struct sink {
	struct ayak_buf out;
	int pending;		/* 1 space, 2 newline, 3 tab */
	int pre;
	size_t line_start;
};

static int in_list(const char *name, const char *const *list)
{
	for (; *list; list++)
		if (!strcasecmp(name, *list))
			return 1;
	return 0;
}

static const char *const skip_tags[] = {
	"script", "style", "head", "title", "template", "noscript", "svg", "math", "select",
	"textarea", "iframe", "object", "canvas", "audio", "video", "applet", "noembed",
	"noframes", "datalist", "frameset", NULL,
};
static const char *const block_tags[] = {
	"address", "article", "aside", "blockquote", "body", "caption", "center", "dd",
	"details", "dialog", "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure",
	"footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "html",
	"li", "listing", "main", "marquee", "menu", "nav", "ol", "p", "pre", "section", "summary",
	"table", "tbody", "tfoot", "thead", "tr", "ul", "xmp", "search", NULL,
};

static void sink_break(struct sink *s)
{
	if (s->out.len > s->line_start)
		s->pending = 2;
}

static void sink_text(struct sink *s, const char *p, size_t n)
{
	size_t i = 0;

	if (s->pre) {
		if (s->pending == 2 || (s->pending && s->out.len > s->line_start))
			ayak_buf_add(&s->out, s->pending == 2 ? "\n" : s->pending == 3 ? "\t" : " ", 1);
		s->pending = 0;
		ayak_buf_add(&s->out, p, n);
		return;
	}
	while (i < n) {
		size_t j;

		if ((unsigned char)p[i] <= ' ' ||
		    ((unsigned char)p[i] == 0xC2 && i + 1 < n && (unsigned char)p[i + 1] == 0xA0)) {
			if (!s->pending)
				s->pending = 1;
			i += (unsigned char)p[i] == 0xC2 ? 2 : 1;
			continue;
		}
		for (j = i; j < n && (unsigned char)p[j] > ' ' &&
		     !((unsigned char)p[j] == 0xC2 && j + 1 < n && (unsigned char)p[j + 1] == 0xA0); j++)
			;
		if (s->pending && s->out.len > s->line_start)
			ayak_buf_add(&s->out, s->pending == 2 ? "\n" : s->pending == 3 ? "\t" : " ", 1);
		if (s->pending == 2)
			s->line_start = s->out.len;
		s->pending = 0;
		ayak_buf_add(&s->out, p + i, j - i);
		i = j;
	}
}

/* hidden, aria-hidden="true", or a style with display:none or visibility:hidden */
static int hidden_attrs(const char *hidden, const char *aria, const char *style)
{
	char b[256];
	size_t k = 0;

	if (hidden || (aria && !strcasecmp(aria, "true")))
		return 1;
	for (; style && *style && k + 1 < sizeof(b); style++)
		if (*style != ' ' && *style != '\t')
			b[k++] = (char)tolower((unsigned char)*style);
	b[k] = 0;
	return strstr(b, "display:none") || strstr(b, "visibility:hidden");
}

/* ---- libxml2 ---- */

static void walk_xml(struct sink *s, xmlNode *n)
{
	for (; n; n = n->next) {
		if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
			if (n->content)
				sink_text(s, (const char *)n->content, strlen((const char *)n->content));
		} else if (n->type == XML_ELEMENT_NODE) {
			const char *name = (const char *)n->name;
			int block = in_list(name, block_tags), pre = !strcasecmp(name, "pre");

			if (in_list(name, skip_tags))
				continue;
			{
				xmlChar *aria = xmlGetProp(n, (const xmlChar *)"aria-hidden");
				xmlChar *style = xmlGetProp(n, (const xmlChar *)"style");
				int hid = hidden_attrs(xmlHasProp(n, (const xmlChar *)"hidden") ? "" : NULL,
						       (const char *)aria, (const char *)style);

				xmlFree(aria);
				xmlFree(style);
				if (hid)
					continue;
			}
			if (!strcasecmp(name, "br")) {
				sink_break(s);
				continue;
			}
			if (block)
				sink_break(s);
			if (!strcasecmp(name, "td") || !strcasecmp(name, "th"))
				if (s->out.len > s->line_start && !s->pending)
					s->pending = 3;
			s->pre += pre;
			walk_xml(s, n->children);
			s->pre -= pre;
			if (block)
				sink_break(s);
		}
	}
}

static void text_libxml2(const struct page *pg, struct ayak_buf *out)
{
	struct sink s = { AYAK_BUF_INIT, 0, 0, 0 };
	htmlDocPtr doc = htmlReadMemory(pg->html, (int)pg->len, NULL, "UTF-8",
					HTML_PARSE_RECOVER | HTML_PARSE_NOERROR |
					HTML_PARSE_NOWARNING | HTML_PARSE_NONET);

	if (doc)
		walk_xml(&s, xmlDocGetRootElement(doc));
	xmlFreeDoc(doc);
	ayak_buf_release(out);
	*out = s.out;
}

/* ---- gumbo ---- */

static void walk_gumbo(struct sink *s, GumboNode *n)
{
	if (n->type == GUMBO_NODE_TEXT || n->type == GUMBO_NODE_WHITESPACE ||
	    n->type == GUMBO_NODE_CDATA) {
		sink_text(s, n->v.text.text, strlen(n->v.text.text));
		return;
	}
	if (n->type == GUMBO_NODE_ELEMENT || n->type == GUMBO_NODE_TEMPLATE) {
		GumboElement *e = &n->v.element;
		const char *name = e->tag == GUMBO_TAG_UNKNOWN ? "unknown" : gumbo_normalized_tagname(e->tag);
		int block, pre;
		unsigned i;

		GumboAttribute *aria = gumbo_get_attribute(&e->attributes, "aria-hidden");
		GumboAttribute *style = gumbo_get_attribute(&e->attributes, "style");

		if (n->type == GUMBO_NODE_TEMPLATE || in_list(name, skip_tags) ||
		    e->tag_namespace != GUMBO_NAMESPACE_HTML ||
		    hidden_attrs(gumbo_get_attribute(&e->attributes, "hidden") ? "" : NULL,
				 aria ? aria->value : NULL, style ? style->value : NULL))
			return;
		if (e->tag == GUMBO_TAG_BR) {
			sink_break(s);
			return;
		}
		block = in_list(name, block_tags);
		pre = e->tag == GUMBO_TAG_PRE;
		if (block)
			sink_break(s);
		if ((e->tag == GUMBO_TAG_TD || e->tag == GUMBO_TAG_TH) && s->out.len > s->line_start &&
		    !s->pending)
			s->pending = 3;
		s->pre += pre;
		for (i = 0; i < e->children.length; i++)
			walk_gumbo(s, e->children.data[i]);
		s->pre -= pre;
		if (block)
			sink_break(s);
	}
}

static void text_gumbo(const struct page *pg, struct ayak_buf *out)
{
	struct sink s = { AYAK_BUF_INIT, 0, 0, 0 };
	GumboOutput *g = gumbo_parse_with_options(&kGumboDefaultOptions, pg->html, pg->len);
	unsigned i;

	for (i = 0; i < g->document->v.document.children.length; i++)
		walk_gumbo(&s, g->document->v.document.children.data[i]);
	gumbo_destroy_output(&kGumboDefaultOptions, g);
	ayak_buf_release(out);
	*out = s.out;
}

/* ---- ayak ---- */

static struct warc_html *ah;

static void text_ayak(const struct page *pg, struct ayak_buf *out)
{
	struct warc_html_stats st;

	ayak_buf_reset(out);
	warc_html_text(ah, pg->html, pg->len, WARC_HTML_KEEP_BOILERPLATE, out, &st);
}

static void text_ayak_main(const struct page *pg, struct ayak_buf *out)
{
	struct warc_html_stats st;

	ayak_buf_reset(out);
	warc_html_text(ah, pg->html, pg->len, 0, out, &st);
}

/* ---- words ---- */

struct bag {
	char **w;
	size_t n, cap;
};

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void bag_of(const char *p, size_t n, struct bag *b)
{
	size_t i = 0;

	b->n = 0;
	while (i < n) {
		size_t j;

		while (i < n && (unsigned char)p[i] < 0x80 && !isalnum((unsigned char)p[i]))
			i++;
		for (j = i; j < n && ((unsigned char)p[j] >= 0x80 || isalnum((unsigned char)p[j])); j++)
			;
		if (j > i) {
			char *w = strndup(p + i, j - i), *c;

			for (c = w; *c; c++)
				*c = (char)tolower((unsigned char)*c);
			if (b->n == b->cap) {
				b->cap = b->cap ? b->cap * 2 : 256;
				b->w = realloc(b->w, b->cap * sizeof(*b->w));
			}
			b->w[b->n++] = w;
		}
		i = j;
	}
	qsort(b->w, b->n, sizeof(*b->w), cmp);
}

static void bag_free(struct bag *b)
{
	size_t i;

	for (i = 0; i < b->n; i++)
		free(b->w[i]);
	b->n = 0;
}

static double f1(struct bag *a, struct bag *b)
{
	size_t i = 0, j = 0, common = 0;

	if (!a->n && !b->n)
		return 1.0;
	while (i < a->n && j < b->n) {
		int c = strcmp(a->w[i], b->w[j]);

		if (c == 0) {
			common++;
			i++;
			j++;
		} else if (c < 0)
			i++;
		else
			j++;
	}
	return 2.0 * (double)common / (double)(a->n + b->n);
}

/* ---- main ---- */

typedef void (*extract_fn)(const struct page *, struct ayak_buf *);

static double seconds(void)
{
	return ayak_now();
}

static void write_file(const char *dir, size_t i, const char *suffix, const char *p, size_t n)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%05zu.%s", dir, i, suffix);
	f = fopen(path, "wb");
	if (!f || fwrite(p, 1, n, f) != n || fclose(f)) {
		fprintf(stderr, "warc-html: %s: %s\n", path, strerror(errno));
		exit(1);
	}
}

static int read_all(const char *path, struct ayak_buf *b)
{
	FILE *f = fopen(path, "rb");
	char buf[65536];
	size_t n;

	if (!f)
		return -1;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		ayak_buf_add(b, buf, n);
	fclose(f);
	if (!b->data)
		ayak_buf_add(b, "", 0);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		extract_fn fn;
	} parsers[] = {
		{ "ayak", text_ayak }, { "libxml2", text_libxml2 }, { "gumbo", text_gumbo },
		{ "ayak-main", text_ayak_main },
	};
	const char *dir = NULL;
	double budget = 2.0;
	struct page *pages = NULL;
	size_t npages = 0, cap = 0, bytes = 0, i, k;
	struct ayak_buf line = AYAK_BUF_INIT, texts[4] = { AYAK_BUF_INIT, AYAK_BUF_INIT, AYAK_BUF_INIT, AYAK_BUF_INIT };
	struct ayak_record rec;
	struct ayak_err err;
	FILE *f;
	int opt;
	char *l = NULL;
	size_t lcap = 0;
	ssize_t got;

	while ((opt = getopt(argc, argv, "r:d:f")) != -1) {
		if (opt == 'f') {
			struct bag a = { 0 }, b = { 0 };
			struct ayak_buf fa = AYAK_BUF_INIT, fb = AYAK_BUF_INIT;

			if (argc != 4 || read_all(argv[2], &fa) || read_all(argv[3], &fb))
				return 2;
			bag_of(fa.data, fa.len, &a);
			bag_of(fb.data, fb.len, &b);
			printf("%.4f\n", f1(&a, &b));
			return 0;
		}
		if (opt == 'r')
			budget = atof(optarg);
		else if (opt == 'd')
			dir = optarg;
		else
			return 2;
	}
	if (optind != argc - 1) {
		fprintf(stderr, "usage: warc-html [-r SECONDS] [-d DIR] PAGES.jsonl\n");
		return 2;
	}
	f = fopen(argv[optind], "r");
	if (!f) {
		perror(argv[optind]);
		return 1;
	}
	ayak_record_init(&rec);
	while ((got = getline(&l, &lcap, f)) > 0) {
		const struct ayak_field *t;

		if (ayak_record_parse(&rec, l, (size_t)got, 0, &err) ||
		    !(t = ayak_record_get(&rec, "text", 4)))
			continue;
		ayak_buf_reset(&line);
		ayak_json_decode_string(l + t->val, t->val_len, &line, NULL, NULL);
		if (npages == cap) {
			cap = cap ? cap * 2 : 64;
			pages = realloc(pages, cap * sizeof(*pages));
		}
		pages[npages].html = malloc(line.len + 1);
		memcpy(pages[npages].html, line.data, line.len);
		pages[npages].html[line.len] = 0;
		pages[npages].len = line.len;
		bytes += line.len;
		npages++;
	}
	fclose(f);
	if (!npages) {
		fprintf(stderr, "warc-html: no pages in %s\n", argv[optind]);
		return 1;
	}
	ah = warc_html_new();
	xmlInitParser();
	printf("%zu pages, %.2f MB of HTML\n", npages, (double)bytes / 1e6);
	printf("%-10s %9s %11s %14s %14s\n", "parser", "MB/s", "pages/s", "F1 vs gumbo", "pages < 0.99");
	for (k = 0; k < 4; k++) {
		double t0 = seconds(), t, f1sum = 0;
		size_t rounds = 0, low = 0;

		do {
			for (i = 0; i < npages; i++)
				parsers[k].fn(&pages[i], &texts[0]);
			rounds++;
			t = seconds() - t0;
		} while (t < budget);
		for (i = 0; i < npages; i++) {
			struct bag a = { 0 }, b = { 0 };
			double v;

			parsers[k].fn(&pages[i], &texts[1]);
			text_gumbo(&pages[i], &texts[2]);
			bag_of(texts[1].data, texts[1].len, &a);
			bag_of(texts[2].data, texts[2].len, &b);
			v = f1(&a, &b);
			f1sum += v;
			low += v < 0.99;
			bag_free(&a);
			bag_free(&b);
			free(a.w);
			free(b.w);
			if (dir) {
				write_file(dir, i, parsers[k].name, texts[1].data ? texts[1].data : "", texts[1].len);
				if (k == 0)
					write_file(dir, i, "html", pages[i].html, pages[i].len);
			}
		}
		printf("%-10s %9.1f %11.0f %14.4f %9zu of %zu\n", parsers[k].name,
		       (double)bytes * (double)rounds / 1e6 / t, (double)npages * (double)rounds / t,
		       f1sum / (double)npages, low, npages);
	}
	return 0;
}
